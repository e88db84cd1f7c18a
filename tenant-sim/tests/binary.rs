//! `tenant-sim serve`: prints its URLs, CA file, tenant id and users, and answers curl with the tenant's
//! CA over HTTPS.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// Kills the server this test started when the test ends, even on a failed assertion.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_prints_what_a_client_needs_and_answers_curl() {
    let directory = std::env::temp_dir().join(format!("tenant-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let ca_file = directory.join("ca.pem");
    let child = Command::new(env!("CARGO_BIN_EXE_tenant-sim"))
        .args(["serve", "--ca-file"])
        .arg(&ca_file)
        .args(["--organization", "Fabrikam", "--domain-prefix", "fabrikam"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let done = line.starts_with("serving");
        lines.push(line);
        if done {
            break;
        }
    }
    let value = |key: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} line in {lines:#?}"))
            .to_owned()
    };
    let authority = value("authority");
    let tenant_id = value("tenant-id");
    assert!(value("graph").starts_with("https://127.0.0.1:"));
    assert!(value("exchange").starts_with("https://127.0.0.1:"));
    assert_eq!(value("ca-file"), ca_file.display().to_string());
    assert_eq!(value("initial-domain"), "fabrikam.onmicrosoft.com");
    let text = lines.join("\n");
    for expected in [
        "admin@fabrikam.onmicrosoft.com (Global Admin): Global Administrator",
        "appadmin@fabrikam.onmicrosoft.com (Application Admin): Application Administrator",
        "pimuser@fabrikam.onmicrosoft.com (Eligible Role Admin): Privileged Role Administrator (eligible, not active)",
        "user@fabrikam.onmicrosoft.com (Plain User): no directory role",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }

    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--fail", "--cacert"])
        .arg(&ca_file)
        .arg(format!(
            "{authority}/{tenant_id}/v2.0/.well-known/openid-configuration"
        ))
        .output()
        .expect("curl runs");
    assert!(
        output.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["issuer"], format!("{authority}/{tenant_id}/v2.0"));
    assert_eq!(
        document["device_authorization_endpoint"],
        format!("{authority}/{tenant_id}/oauth2/v2.0/devicecode")
    );

    // Without the CA, curl refuses the server: TLS is real.
    let untrusted = Command::new("curl")
        .args(["--silent", "--fail"])
        .arg(format!(
            "{authority}/{tenant_id}/v2.0/.well-known/openid-configuration"
        ))
        .env("SSL_CERT_FILE", "/dev/null")
        .env("CURL_CA_BUNDLE", "/dev/null")
        .output()
        .unwrap();
    assert!(!untrusted.status.success());
    drop(server);
    let _ = std::fs::remove_dir_all(directory);
}

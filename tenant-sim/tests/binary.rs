//! `tenant-sim serve`: prints its URLs, CA file, tenant id and users, and answers curl with the tenant's
//! CA over HTTPS.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// A running `tenant-sim serve` and the lines it printed up to `serving…`; killed when dropped (when
/// the test ends, even on a failed assertion).
struct Served {
    child: Child,
    lines: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// Starts `tenant-sim serve` with `args` and reads its banner.
    fn start(args: &[&OsStr]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tenant-sim"))
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            let done = line.starts_with("serving");
            lines.push(line);
            if done {
                break;
            }
        }
        Served { child, lines }
    }

    /// The value of the banner line `key: value`.
    fn value(&self, key: &str) -> String {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} line in {:#?}", self.lines))
            .to_owned()
    }
}

#[test]
fn serve_prints_what_a_client_needs_and_answers_curl() {
    let directory = std::env::temp_dir().join(format!("tenant-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let ca_file = directory.join("ca.pem");
    let server = Served::start(&[
        "--ca-file".as_ref(),
        ca_file.as_os_str(),
        "--organization".as_ref(),
        "Fabrikam".as_ref(),
        "--domain-prefix".as_ref(),
        "fabrikam".as_ref(),
    ]);
    let value = |key: &str| server.value(key);
    let authority = value("authority");
    let tenant_id = value("tenant-id");
    assert!(value("graph").starts_with("https://127.0.0.1:"));
    assert!(value("exchange").starts_with("https://127.0.0.1:"));
    assert_eq!(value("ca-file"), ca_file.display().to_string());
    assert_eq!(value("initial-domain"), "fabrikam.onmicrosoft.com");
    let text = server.lines.join("\n");
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

#[test]
fn serve_appends_each_request_to_the_request_log_file_as_a_json_line() {
    let directory = std::env::temp_dir().join(format!(
        "tenant-sim-log-test-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&directory).unwrap();
    let ca_file = directory.join("ca.pem");
    let log_file = directory.join("requests.jsonl");
    let server = Served::start(&[
        "--ca-file".as_ref(),
        ca_file.as_os_str(),
        "--request-log".as_ref(),
        log_file.as_os_str(),
    ]);
    let value = |key: &str| server.value(key);
    assert_eq!(value("request-log"), log_file.display().to_string());
    let authority = value("authority");
    let graph = value("graph");
    let tenant_id = value("tenant-id");
    let ca = std::fs::read(&ca_file).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let statuses = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&ca).unwrap()])
            .build()
            .unwrap();
        let discovery = client
            .get(format!(
                "{authority}/{tenant_id}/v2.0/.well-known/openid-configuration?x=1"
            ))
            .send()
            .await
            .unwrap()
            .status();
        let me = client
            .get(format!("{graph}/v1.0/me"))
            .send()
            .await
            .unwrap()
            .status();
        let batch = client
            .post(format!("{graph}/v1.0/$batch"))
            .header("content-type", "application/json")
            .body(r#"{"requests":[{"id":"1","method":"GET","url":"/me"},{"id":"2","method":"GET","url":"/organization"}]}"#)
            .send()
            .await
            .unwrap()
            .status();
        [discovery.as_u16(), me.as_u16(), batch.as_u16()]
    });
    // Each line is written as its request completes, before the answer leaves: no waiting needed.
    let text = std::fs::read_to_string(&log_file).unwrap();
    drop(server);
    let entries: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(statuses, [200, 401, 200]);
    assert_eq!(entries.len(), 5, "{text}");
    let discovery = &entries[0];
    assert_eq!(discovery["service"], "authority");
    assert_eq!(discovery["method"], "GET");
    assert_eq!(
        discovery["path"],
        format!("/{tenant_id}/v2.0/.well-known/openid-configuration")
    );
    assert_eq!(discovery["query"], "x=1");
    assert_eq!(discovery["status"], 200);
    assert_eq!(discovery["new_connection"], true);
    assert_eq!(discovery["batch_id"], Value::Null);
    for time in ["started_at", "finished_at"] {
        time::OffsetDateTime::parse(
            discovery[time].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339 times");
    }
    assert!(discovery["duration_ms"].as_f64().unwrap() >= 0.0);
    let me = &entries[1];
    assert_eq!(
        (me["service"].as_str(), me["status"].as_u64()),
        (Some("graph"), Some(401))
    );
    // The batch's two items come before the batch request, all under one batch id.
    let batch_id = entries[4]["batch_id"].as_u64().expect("the batch's id");
    assert_eq!(entries[4]["path"], "/v1.0/$batch");
    assert_eq!(entries[4]["batch_item"], Value::Null);
    for (entry, id) in entries[2..4].iter().zip(["1", "2"]) {
        assert_eq!(entry["batch_id"], batch_id);
        assert_eq!(entry["batch_item"], id);
        assert_eq!(entry["status"], 401);
        assert_eq!(entry["connection_id"], entries[4]["connection_id"]);
    }
    assert!(!text.contains("Bearer") && !text.contains("authorization"));
    let _ = std::fs::remove_dir_all(directory);
}

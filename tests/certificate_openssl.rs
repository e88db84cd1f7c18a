//! The certificate module against the OpenSSL command-line tool (run as a program, never linked): the PKCS#12
//! the connector hands a Windows host opens with its password, holds a key that matches the certificate and
//! names the Microsoft CSP; PKCS#12 files that OpenSSL exports read back, and legacy ones are refused with how
//! to export them again.
//!
//! Without `openssl` on the PATH these tests say so and pass, unless `CI` is set, where they fail.

mod plugin_host;
mod tenant;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use m365_connector::certificate::{
    CertificateError, GenerateOptions, GeneratedCertificate, HeldCertificate, WINDOWS_CSP_NAME,
    generate,
};
use time::OffsetDateTime;

/// The password variable the `openssl` commands read (`-passin env:…`), so no password is on a command line.
const PASSWORD_VARIABLE: &str = "M365_CONNECTOR_TEST_PFX_PASSWORD";

/// The `openssl` program, or `None` after saying why the test does not run (failing in CI).
fn openssl() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|directory| directory.join("openssl"))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        let message = "the PKCS#12 interoperability tests need the `openssl` command (Debian: apt-get install openssl)";
        let in_ci =
            std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0");
        assert!(!in_ci, "CI is set and {message}");
        // Written to the real stderr, past the test harness's capture, so a skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {message}; OpenSSL did NOT check the PKCS#12 files"
        );
    }
    found
}

/// Runs `openssl` with `arguments`, the password in [`PASSWORD_VARIABLE`] and `input` on standard input.
fn run(openssl: &Path, arguments: &[&str], password: &str, input: &[u8]) -> Output {
    let mut child = Command::new(openssl)
        .args(arguments)
        .env(PASSWORD_VARIABLE, password)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("stdin written");
    child.wait_with_output().expect("openssl finishes")
}

/// Runs `openssl` and returns its standard output, failing the test with its standard error.
fn run_ok(openssl: &Path, arguments: &[&str], password: &str, input: &[u8]) -> String {
    let output = run(openssl, arguments, password, input);
    assert!(
        output.status.success(),
        "openssl {arguments:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// Writes `bytes` to `path`, readable by the owner only (it holds a private key).
fn write_private(path: &Path, bytes: &[u8]) {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .expect("file written");
}

fn generated(name: &str) -> GeneratedCertificate {
    generate(&GenerateOptions::new(name, 90), OffsetDateTime::now_utc()).expect("generated")
}

#[test]
fn the_pkcs12_for_windows_opens_with_its_password_and_its_key_matches_the_certificate() {
    let Some(openssl) = openssl() else { return };
    let certificate = generated("m365-connector Contoso");
    let directory = tempfile::tempdir().unwrap();
    let pfx = directory.path().join("credential.pfx");
    write_private(&pfx, certificate.pkcs12.expose());
    let pfx = pfx.to_str().unwrap();
    let password = certificate.pkcs12_password.expose();
    let pass = format!("env:{PASSWORD_VARIABLE}");

    // `-info` describes the protection on standard error and the bags on standard output.
    let info = run(
        &openssl,
        &["pkcs12", "-info", "-in", pfx, "-passin", &pass, "-nodes"],
        password,
        b"",
    );
    let stderr = String::from_utf8_lossy(&info.stderr);
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success(), "{stderr}");
    assert!(stderr.contains("MAC: sha256"), "{stderr}");
    assert!(
        stderr.contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"),
        "{stderr}"
    );
    assert!(
        stderr.contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC"),
        "{stderr}"
    );
    assert!(stderr.contains("PRF hmacWithSHA256"), "{stderr}");
    assert!(
        stdout.contains(&format!("Microsoft CSP Name: {WINDOWS_CSP_NAME}")),
        "{stdout}"
    );
    assert_eq!(
        stdout
            .matches("friendlyName: m365-connector Contoso")
            .count(),
        2,
        "{stdout}"
    );
    // localKeyID pairs the key with the certificate: both bags carry the certificate's SHA-1.
    let local_key_ids: Vec<String> = stdout
        .lines()
        .filter_map(|line| line.trim().strip_prefix("localKeyID: "))
        .map(|id| id.replace(' ', ""))
        .collect();
    assert_eq!(
        local_key_ids,
        vec![certificate.details.thumbprint_sha1.clone(); 2],
        "{stdout}"
    );

    // The key in the file is the certificate's key, and the certificate is the one handed over.
    let certificate_pem = run_ok(
        &openssl,
        &[
            "pkcs12", "-in", pfx, "-passin", &pass, "-nokeys", "-clcerts",
        ],
        password,
        b"",
    );
    let key_pem = run_ok(
        &openssl,
        &["pkcs12", "-in", pfx, "-passin", &pass, "-nocerts", "-nodes"],
        password,
        b"",
    );
    // What OpenSSL extracts (with its "Bag Attributes" lines) reads back as the same certificate and key.
    let extracted = HeldCertificate::from_pem(&format!("{certificate_pem}{key_pem}")).unwrap();
    assert_eq!(extracted.details(), &certificate.details);
    extracted.check_key_matches().unwrap();
    let certificate_modulus = run_ok(
        &openssl,
        &["x509", "-noout", "-modulus"],
        "",
        certificate_pem.as_bytes(),
    );
    let key_modulus = run_ok(
        &openssl,
        &["rsa", "-noout", "-modulus"],
        "",
        key_pem.as_bytes(),
    );
    assert!(certificate_modulus.starts_with("Modulus="));
    assert_eq!(certificate_modulus, key_modulus);
    let fingerprint = run_ok(
        &openssl,
        &["x509", "-noout", "-fingerprint", "-sha1"],
        "",
        certificate_pem.as_bytes(),
    );
    // OpenSSL 3 prints "sha1 Fingerprint=CE:6F:…", 1.1 "SHA1 Fingerprint=…".
    let (label, value) = fingerprint.trim().split_once('=').expect("a fingerprint");
    assert!(
        label.eq_ignore_ascii_case("SHA1 Fingerprint"),
        "{fingerprint}"
    );
    assert_eq!(value.replace(':', ""), certificate.details.thumbprint_sha1);

    // A wrong password does not open it.
    let wrong = run(
        &openssl,
        &["pkcs12", "-info", "-in", pfx, "-passin", &pass, "-nodes"],
        "not-the-password",
        b"",
    );
    assert!(!wrong.status.success());
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("Mac verify error"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
}

/// Exports the certificate and key with `openssl pkcs12 -export` and the extra `options`, protected by
/// `password`, into `directory`; returns the file.
fn openssl_export(
    openssl: &Path,
    directory: &Path,
    name: &str,
    certificate: &GeneratedCertificate,
    extra_certificate: Option<&Path>,
    options: &[&str],
    password: &str,
) -> PathBuf {
    let certificate_path = directory.join(format!("{name}.crt"));
    let key_path = directory.join(format!("{name}.key"));
    let pfx_path = directory.join(format!("{name}.pfx"));
    write_private(&certificate_path, certificate.certificate_pem.as_bytes());
    write_private(&key_path, certificate.private_key_pem.expose().as_bytes());
    let pass = format!("env:{PASSWORD_VARIABLE}");
    let mut arguments = vec![
        "pkcs12",
        "-export",
        "-in",
        certificate_path.to_str().unwrap(),
        "-inkey",
        key_path.to_str().unwrap(),
        "-out",
        pfx_path.to_str().unwrap(),
        "-passout",
        &pass,
        "-name",
        name,
    ];
    if let Some(extra) = extra_certificate {
        arguments.extend(["-certfile", extra.to_str().unwrap()]);
    }
    arguments.extend(options);
    run_ok(openssl, &arguments, password, b"");
    pfx_path
}

#[test]
fn pkcs12_files_that_openssl_exports_with_aes_read_back() {
    let Some(openssl) = openssl() else { return };
    let certificate = generated("exported by openssl");
    let directory = tempfile::tempdir().unwrap();
    let variants: [(&str, &[&str]); 6] = [
        (
            "aes256-sha256",
            &[
                "-keypbe",
                "AES-256-CBC",
                "-certpbe",
                "AES-256-CBC",
                "-macalg",
                "sha256",
            ],
        ),
        (
            "aes128-sha1-mac",
            &[
                "-keypbe",
                "AES-128-CBC",
                "-certpbe",
                "AES-128-CBC",
                "-macalg",
                "sha1",
            ],
        ),
        (
            "plain-certificates",
            &[
                "-keypbe",
                "AES-256-CBC",
                "-certpbe",
                "NONE",
                "-iter",
                "10000",
            ],
        ),
        ("sha512-mac", &["-macalg", "sha512"]),
        (
            "plain-key-bag",
            &["-keypbe", "NONE", "-certpbe", "AES-256-CBC"],
        ),
        ("no-mac", &["-nomac"]),
    ];
    for (name, options) in variants {
        let pfx = openssl_export(
            &openssl,
            directory.path(),
            name,
            &certificate,
            None,
            options,
            "pässword 1",
        );
        let held = HeldCertificate::from_file(&pfx, Some("pässword 1"))
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(held.details(), &certificate.details, "{name}");
        held.check_key_matches().unwrap();
        if name != "no-mac" {
            assert!(
                matches!(
                    HeldCertificate::from_file(&pfx, Some("password 1")),
                    Err(CertificateError::WrongPassword)
                ),
                "{name}"
            );
        }
    }
}

#[test]
fn from_a_pkcs12_with_a_chain_the_certificate_of_the_key_is_taken() {
    let Some(openssl) = openssl() else { return };
    let certificate = generated("leaf");
    let other = generated("another certificate");
    let directory = tempfile::tempdir().unwrap();
    let other_path = directory.path().join("other.crt");
    write_private(&other_path, other.certificate_pem.as_bytes());
    let pfx = openssl_export(
        &openssl,
        directory.path(),
        "chain",
        &certificate,
        Some(&other_path),
        &["-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC"],
        "chain password",
    );
    let held = HeldCertificate::from_file(&pfx, Some("chain password")).unwrap();
    assert_eq!(
        held.details().thumbprint_sha1,
        certificate.details.thumbprint_sha1
    );
    assert!(held.key_matches());
}

#[test]
fn a_legacy_3des_pkcs12_is_refused_saying_how_to_export_it_again() {
    let Some(openssl) = openssl() else { return };
    let certificate = generated("legacy");
    let directory = tempfile::tempdir().unwrap();
    let pfx = openssl_export(
        &openssl,
        directory.path(),
        "legacy",
        &certificate,
        None,
        &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
        "legacy password",
    );
    let error = HeldCertificate::from_file(&pfx, Some("legacy password")).unwrap_err();
    assert!(
        matches!(&error, CertificateError::LegacyPkcs12 { algorithm } if algorithm == "pbeWithSHAAnd3-KeyTripleDES-CBC"),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("-keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256"),
        "{message}"
    );
    assert!(
        message.contains("Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256"),
        "{message}"
    );
    assert!(!message.contains("legacy password"));
}

#[test]
fn the_pkcs12_provision_hands_over_opens_with_its_password_and_holds_the_certificates_key() {
    let Some(openssl) = openssl() else { return };
    let tenant = tenant::start_with(tenant::quick_knobs(), tenant_sim::SeedOptions::default());
    let settings = tenant::settings(&tenant, serde_json::json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let (status, document) = session.call("provision", &settings);
    assert_eq!(
        status,
        connector_abi::ConnectorStatus::Ok,
        "{}",
        document["error"]
    );
    let credential = &document["data"]["credential"];
    use base64::Engine;
    let pkcs12 = base64::engine::general_purpose::STANDARD
        .decode(credential["pkcs12_base64"].as_str().unwrap())
        .unwrap();
    let password = credential["pkcs12_password"].as_str().unwrap();
    let directory = tempfile::tempdir().unwrap();
    let pfx = directory.path().join("handed-over.pfx");
    write_private(&pfx, &pkcs12);
    let pfx = pfx.to_str().unwrap();
    let pass = format!("env:{PASSWORD_VARIABLE}");
    let info = run(
        &openssl,
        &["pkcs12", "-info", "-in", pfx, "-passin", &pass, "-nodes"],
        password,
        b"",
    );
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    let key_pem = run_ok(
        &openssl,
        &["pkcs12", "-in", pfx, "-passin", &pass, "-nocerts", "-nodes"],
        password,
        b"",
    );
    let certificate_pem = credential["certificate_pem"].as_str().unwrap();
    let certificate_modulus = run_ok(
        &openssl,
        &["x509", "-noout", "-modulus"],
        "",
        certificate_pem.as_bytes(),
    );
    let key_modulus = run_ok(
        &openssl,
        &["rsa", "-noout", "-modulus"],
        "",
        key_pem.as_bytes(),
    );
    assert_eq!(
        certificate_modulus, key_modulus,
        "the key in the PKCS#12 is the certificate's"
    );
}

//! What the wizard's tests share: the built host-sim and plugin (fresh, never stale), a simulated tenant
//! whose device codes the Global Administrator approves at once, the flags that point the connector at it,
//! owner-only store directories, and host-sim runs whose output is kept for the assertion messages.
#![allow(dead_code)] // each test binary uses part of this module

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tenant_sim::{DeviceCodeApproval, KnobSettings, SeedOptions, Tenant, TenantOptions};

#[path = "../../../tests/artifacts/mod.rs"]
pub mod artifacts;

/// A tenant whose device codes are approved (by the Global Administrator) on the first poll.
pub fn tenant() -> Tenant {
    Tenant::start_blocking(TenantOptions {
        seed: SeedOptions::default(),
        knobs: KnobSettings {
            device_code_approval: DeviceCodeApproval::Approve,
            device_code_interval_secs: 0,
            ..KnobSettings::default()
        },
    })
    .expect("tenant-sim starts")
}

/// A directory open to its owner alone, as the store needs.
pub fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("host-sim-wizard-")
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir()
        .unwrap()
}

/// The flags that point the connector at `tenant`: the custom cloud with its three endpoints and its CA
/// (written to `dir`).
pub fn tenant_flags(tenant: &Tenant, dir: &Path) -> Vec<String> {
    let ca = dir.join("tenant-ca.pem");
    fs::write(&ca, tenant.ca_pem()).unwrap();
    vec![
        "--set".into(),
        "cloud=custom".into(),
        "--set".into(),
        format!("authority_host={}", tenant.authority_url()),
        "--set".into(),
        format!("graph_endpoint={}", tenant.graph_url()),
        "--set".into(),
        format!("exchange_endpoint={}", tenant.exchange_url()),
        "--set-file".into(),
        format!("extra_ca_pem={}", ca.display()),
    ]
}

/// host-sim with these arguments, `NO_COLOR` set; its output.
pub fn host_sim(args: &[String]) -> Output {
    Command::new(artifacts::host_sim())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("host-sim runs")
}

/// Standard output and standard error, for assertion messages.
pub fn shown(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The JSON document host-sim printed on standard output with `--json`.
pub fn json_of(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not one JSON document ({error}):\n{}",
            shown(output)
        )
    })
}

/// Builds the second connector plugin (`tests/c/second_connector.c`) into `dir` with the C compiler.
pub fn second_plugin(dir: &Path) -> PathBuf {
    let library = dir.join("libsecond_connector.so");
    let root = artifacts::root();
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let output = Command::new(&compiler)
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Wpedantic",
            "-Werror",
            "-shared",
            "-fPIC",
            "-I",
        ])
        .arg(root.join("include"))
        .arg(root.join("tests/c/second_connector.c"))
        .arg("-o")
        .arg(&library)
        .output()
        .unwrap_or_else(|error| panic!("cannot run the C compiler {compiler}: {error}"));
    assert!(
        output.status.success(),
        "the C compiler failed:\n{}",
        shown(&output)
    );
    library
}

/// Whether any ANSI colour (SGR) sequence is in `text`.
pub fn has_colour(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        let tail = &rest[at + 2..];
        let digits = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(tail.len());
        if tail[digits..].starts_with('m') {
            return true;
        }
        rest = tail;
    }
    false
}

/// What the application named `display_name` was granted in `tenant`: its app role assignments and its
/// delegated permission grants (`None` when there is no such application or service principal).
pub fn grants_of(tenant: &Tenant, display_name: &str) -> Option<(usize, usize)> {
    let directory = tenant.directory().read();
    let app = directory
        .applications
        .iter()
        .find(|app| app.json["displayName"] == display_name)?;
    let app_id = app.json["appId"].as_str()?;
    let sp = directory.service_principal_by_app_id(app_id)?;
    let sp_id = sp.json["id"].as_str()?;
    let roles = directory
        .app_role_assignments
        .iter()
        .filter(|assignment| assignment.json["principalId"] == sp_id)
        .count();
    let grants = directory
        .oauth2_permission_grants
        .iter()
        .filter(|grant| grant.json["clientId"] == sp_id)
        .count();
    Some((roles, grants))
}

/// The certificates (`keyCredentials`) on the application named `display_name`.
pub fn certificates_of(tenant: &Tenant, display_name: &str) -> Vec<serde_json::Value> {
    let directory = tenant.directory().read();
    directory
        .applications
        .iter()
        .find(|app| app.json["displayName"] == display_name)
        .and_then(|app| app.json["keyCredentials"].as_array().cloned())
        .unwrap_or_default()
}

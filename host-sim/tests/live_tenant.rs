//! The opt-in smoke test against a real Microsoft 365 tenant: the same wizard from flags against the real
//! cloud, then the connection and the application it created removed again. Skipped, saying so, unless
//! these name a tenant and a sign-in method:
//!
//! - `M365_LIVE_TENANT_ID`: the directory's GUID (the wizard signs in to it: "several directories").
//! - `M365_LIVE_SIGN_IN`: `device_code` (the code is shown on this test's output) or `browser`.
//! - `M365_LIVE_CLOUD` (optional): `global` (default), `gcc`, `gcc_high`, `dod` or `china`.
//!
//! An administrator must sign in twice (to create, then to remove). Run it alone with
//! `cargo test -p host-sim --test live_tenant -- --nocapture`.
#![cfg(unix)]

mod support;

use std::io::Write;
use std::process::Command;

use crate::support::private_dir;

#[test]
fn the_wizard_runs_against_a_live_tenant_and_removes_what_it_created() {
    let (Ok(tenant_id), Ok(sign_in)) = (
        std::env::var("M365_LIVE_TENANT_ID"),
        std::env::var("M365_LIVE_SIGN_IN"),
    ) else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: the live-tenant smoke test needs M365_LIVE_TENANT_ID and M365_LIVE_SIGN_IN \
             (device_code or browser); see host-sim/tests/live_tenant.rs"
        );
        return;
    };
    let cloud = std::env::var("M365_LIVE_CLOUD").unwrap_or_else(|_| "global".to_owned());
    let dir = private_dir();
    let store = dir.path().join("store");
    let name = format!("live smoke {}", std::process::id());
    let host_sim = support::artifacts::host_sim();
    let added = Command::new(&host_sim)
        .args([
            "add-connection",
            "--non-interactive",
            "--consent",
            "accept",
            "--name",
            &name,
        ])
        .arg("--plugin")
        .arg(support::artifacts::plugin())
        .arg("--store")
        .arg(&store)
        .args(["--set", "mode=auto", "--set", "tenant_mode=several"])
        .args(["--set", &format!("tenant_id={tenant_id}")])
        .args(["--set", &format!("cloud={cloud}")])
        .args(["--set", &format!("sign_in_method={sign_in}")])
        .args([
            "--set",
            &format!(
                "application_name=m365-connector smoke {}",
                std::process::id()
            ),
        ])
        .status()
        .expect("host-sim runs");
    // Whatever happened, remove what was created (the store knows the application once it was saved).
    let removed = Command::new(&host_sim)
        .args([
            "remove",
            &name,
            "--remove-application",
            "--yes",
            "--non-interactive",
        ])
        .arg("--store")
        .arg(&store)
        .status()
        .expect("host-sim runs");
    assert!(
        added.success(),
        "add-connection against the live tenant failed: {added}"
    );
    assert!(
        removed.success(),
        "removing the live connection and its application failed: {removed}"
    );
}

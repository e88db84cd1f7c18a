//! The wizard and the connection commands run from a script: every answer a flag, `--non-interactive`,
//! `--json` parsed here, against tenant-sim over TLS. Add connection to a saved connection and a passing
//! test; list, show (secrets masked), test from the saved settings alone, edit, renew (exactly one valid
//! certificate left), remove with the application; a corrupt store reported and left alone; the demo.
//!
//! Needs host-sim and the plugin built first (`cargo build --workspace`, the README's test command).
#![cfg(unix)]

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use tenant_sim::Tenant;

use crate::support::{
    certificates_of, grants_of, has_colour, host_sim, json_of, private_dir, shown, tenant,
    tenant_flags,
};

const NAME: &str = "Contoso";
const APPLICATION: &str = "Contoso Sync";

fn args(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// `host-sim add-connection` from flags alone, with `--json`.
fn add(tenant: &Tenant, dir: &Path, extra: &[&str]) -> Output {
    let store = dir.join("store");
    let mut command = args(&[
        "add-connection",
        "--non-interactive",
        "--json",
        "--name",
        NAME,
    ]);
    command.extend(args(&["--store", store.to_str().unwrap()]));
    command.extend(args(&[
        "--plugin",
        support::artifacts::plugin().to_str().unwrap(),
    ]));
    command.extend(tenant_flags(tenant, dir));
    command.extend(args(&[
        "--set",
        "mode=auto",
        "--set",
        "tenant_mode=one",
        "--set",
        &format!("application_name={APPLICATION}"),
    ]));
    command.extend(args(extra));
    host_sim(&command)
}

/// A command on the test's store.
fn on_store(dir: &Path, command: &[&str]) -> Output {
    let mut all = args(command);
    all.extend(args(&["--store", dir.join("store").to_str().unwrap()]));
    host_sim(&all)
}

/// No private key, PKCS#12, token or client secret in what host-sim printed.
fn assert_no_secret(tenant: &Tenant, output: &Output) {
    let text = shown(output);
    assert!(
        !text.contains("PRIVATE KEY"),
        "a private key was printed:\n{text}"
    );
    for secret in tenant.issued_secrets() {
        assert!(
            !text.contains(&secret),
            "a token or secret the tenant issued was printed"
        );
    }
}

/// `host-sim list --json` shows no connection.
fn assert_no_connection(dir: &Path) {
    let list = json_of(&on_store(dir, &["list", "--json"]));
    assert_eq!(list["connections"], serde_json::json!([]), "{list:#}");
}

fn steps(document: &Value) -> Vec<(String, String)> {
    document["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| {
            (
                step["step"].as_str().unwrap_or_default().to_owned(),
                step["status"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

/// Adds the connection and checks the run: every step in the console's order, a saved connection.
fn added(tenant: &Tenant, dir: &Path) -> Value {
    let output = add(tenant, dir, &["--consent", "accept"]);
    assert_no_secret(tenant, &output);
    let document = json_of(&output);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    document
}

#[test]
fn a_script_runs_the_wizard_from_flags_to_a_saved_connection_and_a_passing_test() {
    let tenant = tenant();
    let dir = private_dir();
    let document = added(&tenant, dir.path());
    assert_eq!(document["ok"], true);

    // The console's order, each operation's status: configure per step, the sign-in, the plan and its
    // application, consent after the dialog, the test, the save.
    let order: Vec<String> = steps(&document).into_iter().map(|(step, _)| step).collect();
    let mut distinct = order.clone();
    distinct.dedup();
    assert_eq!(
        distinct,
        [
            "mode",
            "tenant",
            "sign_in",
            "application",
            "provision",
            "consent",
            "test",
            "finish"
        ],
        "{document:#}"
    );
    for (step, status) in steps(&document) {
        assert!(status == "OK" || status == "-", "{step}: {status}");
    }
    let plan = document["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["plan_only"] == true)
        .expect("the plan was asked for before anything was written");
    assert_eq!(plan["document"]["data"]["items"][0]["outcome"], "created");
    // The hand-off is masked in the JSON.
    let applied = document["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["operation"] == "provision" && step["plan_only"].is_null())
        .unwrap();
    assert_eq!(applied["document"]["data"]["credential"]["pem"], "••••••");
    let checks = document["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["operation"] == "test")
        .unwrap()["document"]["data"]["checks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!checks.is_empty(), "{document:#}");
    assert!(
        checks.iter().all(|check| check["status"] != "fail"),
        "{checks:#?}"
    );

    // Saved: the settings the plugin returned, the certificate and its PKCS#12 among the secrets.
    let connection = &document["connection"];
    assert_eq!(connection["name"], NAME);
    assert_eq!(connection["plugin"]["name"], "m365");
    assert_eq!(connection["settings"]["application_name"], APPLICATION);
    assert!(
        connection["settings"]["application_id"].is_string(),
        "{connection:#}"
    );
    let secrets: Vec<&str> = connection["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|secret| secret["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        secrets,
        [
            "certificate_pem",
            "credential.pkcs12_base64",
            "credential.pkcs12_password"
        ]
    );
    // Consent granted exactly the two permissions.
    assert_eq!(grants_of(&tenant, APPLICATION), Some((1, 1)));
}

#[test]
fn a_script_without_an_answer_for_the_consent_dialog_is_refused_before_anything_is_written() {
    let tenant = tenant();
    let dir = private_dir();
    let before = tenant.object_counts();
    let output = add(&tenant, dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
    let document = json_of(&output);
    assert_eq!(document["ok"], false);
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("--consent accept"),
        "{document:#}"
    );
    assert_eq!(tenant.object_counts(), before);
    assert!(!has_colour(&shown(&output)));
}

#[test]
fn a_missing_answer_names_its_flag_and_a_cancelled_consent_saves_nothing() {
    let tenant = tenant();
    let dir = private_dir();
    let store = dir.path().join("store");
    let output = host_sim(&args(&[
        "add-connection",
        "--non-interactive",
        "--name",
        NAME,
        "--consent",
        "accept",
        "--store",
        store.to_str().unwrap(),
        "--set",
        "tenant_mode=several",
    ]));
    assert_eq!(output.status.code(), Some(2), "{}", shown(&output));
    assert!(
        shown(&output)
            .contains("Tenant ID (tenant_id) is required here: pass --set tenant_id=VALUE"),
        "{}",
        shown(&output)
    );

    let output = add(&tenant, dir.path(), &["--consent", "cancel"]);
    assert_eq!(output.status.code(), Some(6), "{}", shown(&output));
    assert_eq!(grants_of(&tenant, APPLICATION), Some((0, 0)));
    assert_no_connection(dir.path());
}

#[test]
fn a_saved_connection_is_listed_shown_masked_tested_edited_and_removed_with_its_application() {
    let tenant = tenant();
    let dir = private_dir();
    added(&tenant, dir.path());

    let list = json_of(&on_store(dir.path(), &["list", "--json"]));
    assert_eq!(list["connections"][0]["name"], NAME);
    let listed = on_store(dir.path(), &["list"]);
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("Contoso  m365 0.1.0"),
        "{}",
        shown(&listed)
    );

    let show = on_store(dir.path(), &["show", NAME]);
    assert_eq!(show.status.code(), Some(0), "{}", shown(&show));
    assert_no_secret(&tenant, &show);
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(
        text.contains("Azure application name (application_name): \"Contoso Sync\""),
        "{text}"
    );
    assert!(
        text.contains("Certificate and private key (PEM) (certificate_pem): •••••• ("),
        "{text}"
    );

    // Test connection from the saved settings alone, in a new process with no sign-in.
    let test = on_store(dir.path(), &["test", NAME, "--json"]);
    assert_eq!(test.status.code(), Some(0), "{}", shown(&test));
    assert_eq!(json_of(&test)["ok"], true);

    // A setting given twice is refused by name before anything happens.
    let edit = on_store(
        dir.path(),
        &[
            "edit",
            NAME,
            "--non-interactive",
            "--json",
            "--set",
            "extra_ca_pem=",
            "--set-file",
            &format!(
                "extra_ca_pem={}",
                dir.path().join("tenant-ca.pem").display()
            ),
        ],
    );
    assert_eq!(edit.status.code(), Some(2), "{}", shown(&edit));
    assert!(
        shown(&edit).contains("extra_ca_pem is given twice"),
        "{}",
        shown(&edit)
    );
    // A change to a setting of the application step: signed in, created or updated, consented and tested
    // again, then saved.
    let edit = on_store(
        dir.path(),
        &[
            "edit",
            NAME,
            "--non-interactive",
            "--json",
            "--consent",
            "accept",
            "--set",
            "certificate_renewal_days=60",
        ],
    );
    assert_eq!(edit.status.code(), Some(0), "{}", shown(&edit));
    let ran: Vec<String> = steps(&json_of(&edit))
        .into_iter()
        .map(|(step, _)| step)
        .collect();
    for step in ["sign_in", "provision", "consent", "test", "finish"] {
        assert!(
            ran.iter().any(|ran| ran == step),
            "edit did not run {step}: {ran:?}"
        );
    }
    let show = json_of(&on_store(dir.path(), &["show", NAME, "--json"]));
    assert_eq!(
        show["connection"]["settings"]["certificate_renewal_days"],
        60
    );

    // Remove with the application: confirmed by --yes, gone from the tenant and the store.
    let remove = on_store(
        dir.path(),
        &[
            "remove",
            NAME,
            "--remove-application",
            "--yes",
            "--non-interactive",
            "--json",
        ],
    );
    assert_eq!(remove.status.code(), Some(0), "{}", shown(&remove));
    assert!(
        grants_of(&tenant, APPLICATION).is_none(),
        "the application is still there"
    );
    assert_no_connection(dir.path());
}

#[test]
fn renew_leaves_exactly_one_valid_certificate_on_the_application_and_a_passing_test() {
    let tenant = tenant();
    let dir = private_dir();
    let document = added(&tenant, dir.path());
    let old = document["connection"]["settings"]["certificate_thumbprint"]
        .as_str()
        .unwrap()
        .to_owned();

    let renew = on_store(dir.path(), &["renew", NAME, "--non-interactive", "--json"]);
    assert_eq!(renew.status.code(), Some(0), "{}", shown(&renew));
    assert_no_secret(&tenant, &renew);

    let show = json_of(&on_store(dir.path(), &["show", NAME, "--json"]));
    let new = show["connection"]["settings"]["certificate_thumbprint"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(new, old);
    let certificates = certificates_of(&tenant, APPLICATION);
    assert_eq!(certificates.len(), 1, "{certificates:#?}");
    let end = time::OffsetDateTime::parse(
        certificates[0]["endDateTime"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(end > time::OffsetDateTime::now_utc());
    let test = on_store(dir.path(), &["test", NAME]);
    assert_eq!(test.status.code(), Some(0), "{}", shown(&test));
}

#[test]
fn a_corrupt_store_is_reported_by_every_command_and_left_as_it_was() {
    let dir = private_dir();
    let store = dir.path().join("store");
    fs::create_dir(&store).unwrap();
    fs::set_permissions(&store, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    let database = store.join(host_sim::store::DATABASE_FILE);
    let junk = b"this is not a SQLite database, but it is somebody's file\n".repeat(100);
    fs::write(&database, &junk).unwrap();
    fs::set_permissions(
        &database,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    for command in [&["list"][..], &["show", NAME][..], &["test", NAME][..]] {
        let output = on_store(dir.path(), command);
        assert_eq!(
            output.status.code(),
            Some(5),
            "{command:?}: {}",
            shown(&output)
        );
        assert!(shown(&output).contains("is damaged"), "{}", shown(&output));
    }
    assert_eq!(fs::read(&database).unwrap(), junk);
}

#[test]
fn the_demo_ends_with_a_saved_connection_and_a_passing_test() {
    let output = host_sim(&args(&[
        "demo",
        "--json",
        "--plugin",
        support::artifacts::plugin().to_str().unwrap(),
    ]));
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    let document = json_of(&output);
    assert_eq!(document["connection"]["name"], "Contoso (demo)");
    assert!(
        steps(&document)
            .iter()
            .any(|(step, status)| step == "test" && status == "OK"),
        "{document:#}"
    );
    let narration = String::from_utf8_lossy(&output.stderr);
    assert!(narration.contains("Demo finished in"), "{narration}");
    assert!(!narration.contains("PRIVATE KEY"));
}

#[test]
fn a_store_of_a_newer_host_sim_is_refused_by_the_wizard_before_anything_happens() {
    let dir = private_dir();
    let store = dir.path().join("store");
    drop(host_sim::store::Store::open(&store).unwrap());
    let database = store.join(host_sim::store::DATABASE_FILE);
    {
        let db = rusqlite::Connection::open(&database).unwrap();
        db.pragma_update(None, "user_version", host_sim::store::SCHEMA_VERSION + 1)
            .unwrap();
    }
    let bytes = fs::read(&database).unwrap();
    let output = on_store(
        dir.path(),
        &[
            "add-connection",
            "--non-interactive",
            "--name",
            NAME,
            "--consent",
            "accept",
        ],
    );
    assert_eq!(output.status.code(), Some(5), "{}", shown(&output));
    assert!(
        shown(&output).contains("this store was written by a newer host-sim"),
        "{}",
        shown(&output)
    );
    assert!(
        !shown(&output).contains("Connector:"),
        "the plugin was loaded: {}",
        shown(&output)
    );
    assert_eq!(fs::read(&database).unwrap(), bytes);
}

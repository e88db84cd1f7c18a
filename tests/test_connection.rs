//! "Test connection" through the C ABI against tenant-sim: every check passes after provision and consent;
//! removing one piece fails exactly the checks that depend on it; the test runs in a new process from the
//! saved settings alone; manual configuration with an application the test registered itself; a wrong
//! certificate; waiting for a new application to reach sign-in; and the round trips.

mod plugin_host;
mod tenant;

use std::time::Duration;

use connector_abi::ConnectorStatus;
use m365_connector::certificate::{GenerateOptions, GeneratedCertificate, generate};
use serde_json::{Value, json};
use tenant_sim::directory::well_known::{
    DIRECTORY_WRITERS, EXCHANGE_ADMINISTRATOR, EXCHANGE_ONLINE_RESOURCE, USER_ADMINISTRATOR,
};
use tenant_sim::{SeedOptions, Service, Tenant};

use crate::plugin_host::Session;

const MANAGE_AS_APP_ID: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";

/// The statuses of the checks, as "name status".
fn statuses(document: &Value) -> Vec<String> {
    document["data"]["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no checks in {document}"))
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["name"].as_str().unwrap(),
                c["status"].as_str().unwrap()
            )
        })
        .collect()
}

/// The names of the checks with `status`.
fn with_status(document: &Value, status: &str) -> Vec<String> {
    document["data"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == status)
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

/// One check.
fn check<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["data"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name}"))
}

/// The whole wizard on one session: sign in, provision, consent; returns the session and the stored
/// settings.
fn wizard(tenant: &Tenant) -> (Session, Value) {
    let settings = tenant::settings(tenant, json!({}));
    let session = tenant::signed_in(tenant, &settings);
    let stored = tenant::provisioned(&session, &settings);
    let (status, consent) = session.call("consent", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "consent: {}", consent["error"]);
    (session, stored)
}

/// The application's service principal object id.
fn service_principal(tenant: &Tenant, stored: &Value) -> String {
    tenant
        .directory()
        .read()
        .service_principal_by_app_id(stored["application_id"].as_str().unwrap())
        .unwrap()
        .id()
        .to_owned()
}

const ALL_CHECKS: [&str; 11] = [
    "certificate_present",
    "certificate_key_matches",
    "certificate_not_expiring",
    "certificate_accepted",
    "exchange_admin_call",
    "application_certificate",
    "role_directory_writers",
    "role_exchange_administrator",
    "role_user_administrator",
    "consent_graph_user_read",
    "consent_exchange_manage_as_app",
];

#[test]
fn after_provision_and_consent_every_check_passes() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = wizard(&tenant);
    let (status, document) = session.call("test", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let expected: Vec<String> = ALL_CHECKS.iter().map(|c| format!("{c} pass")).collect();
    assert_eq!(statuses(&document), expected);
    assert_eq!(document["data"]["passed"], true);
    assert_eq!(document["data"]["administrator_checks"], true);
    assert_eq!(document["data"]["application_id"], stored["application_id"]);
    assert_eq!(document["data"]["tenant_id"], tenant.tenant_id());
    assert!(
        check(&document, "exchange_admin_call")["message"]
            .as_str()
            .unwrap()
            .contains("contoso.onmicrosoft.com"),
        "the accepted domains Exchange listed"
    );
}

/// Runs test after the wizard and `remove`, signed in again on a new session (the wizard's own session
/// waits, within the bound, for the roles and consents it just wrote to replicate); returns the result.
fn test_without(remove: impl FnOnce(&Tenant, &Value)) -> Value {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (_, stored) = wizard(&tenant);
    remove(&tenant, &stored);
    let session = tenant::signed_in(&tenant, &stored.to_string());
    let (status, document) = session.call("test", &stored.to_string());
    assert_eq!(status, ConnectorStatus::TestFailed, "{document}");
    assert_eq!(document["error"]["code"], "test_failed");
    assert_eq!(document["error"]["step"], "test");
    for name in with_status(&document, "fail") {
        let hint = check(&document, &name)["hint"].as_str().unwrap_or_default();
        assert!(!hint.is_empty(), "{name} names no fix");
    }
    assert!(
        !session
            .events()
            .iter()
            .any(|e| e["type"] == "wait" && e["operation"] == "test"),
        "a missing piece the administrator's reads show is not waited for"
    );
    document
}

#[test]
fn without_exchange_administrator_the_role_and_the_exchange_call_fail() {
    let document = test_without(|tenant, stored| {
        assert!(
            tenant
                .remove_role_assignment(&service_principal(tenant, stored), EXCHANGE_ADMINISTRATOR)
        );
    });
    assert_eq!(
        with_status(&document, "fail"),
        ["exchange_admin_call", "role_exchange_administrator"]
    );
    assert_eq!(with_status(&document, "skipped"), Vec::<String>::new());
    let call = check(&document, "exchange_admin_call");
    assert!(
        call["hint"]
            .as_str()
            .unwrap()
            .contains("Exchange Administrator"),
        "{call}"
    );
    let role = check(&document, "role_exchange_administrator");
    assert!(
        role["hint"]
            .as_str()
            .unwrap()
            .contains("Create or update Azure application"),
        "{role}"
    );
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2 of 11 checks failed (exchange_admin_call, role_exchange_administrator)")
    );
}

#[test]
fn without_exchange_manage_as_app_the_consent_and_the_exchange_call_fail() {
    let document = test_without(|tenant, stored| {
        assert!(
            tenant.remove_app_role_assignment(&service_principal(tenant, stored), MANAGE_AS_APP_ID)
        );
    });
    assert_eq!(
        with_status(&document, "fail"),
        ["exchange_admin_call", "consent_exchange_manage_as_app"]
    );
    for name in ["exchange_admin_call", "consent_exchange_manage_as_app"] {
        let failed = check(&document, name);
        assert!(
            failed["hint"].as_str().unwrap().contains("Run Consent"),
            "{failed}"
        );
    }
}

#[test]
fn without_the_certificate_on_the_application_entra_refuses_it_and_the_exchange_call_is_skipped() {
    let document = test_without(|tenant, stored| {
        let directory = tenant.directory();
        let mut data = directory.write();
        let app = data
            .application_by_app_id(stored["application_id"].as_str().unwrap())
            .unwrap()
            .clone();
        let key_id = app.json["keyCredentials"][0]["keyId"]
            .as_str()
            .unwrap()
            .to_owned();
        data.remove_key_credential(app.id(), &key_id).unwrap();
    });
    assert_eq!(
        with_status(&document, "fail"),
        ["certificate_accepted", "application_certificate"]
    );
    assert_eq!(with_status(&document, "skipped"), ["exchange_admin_call"]);
    let accepted = check(&document, "certificate_accepted");
    assert_eq!(accepted["service"]["error_code"], "AADSTS700027");
    assert!(
        accepted["message"]
            .as_str()
            .unwrap()
            .contains("is not registered on the application"),
        "{accepted}"
    );
    assert!(
        check(&document, "exchange_admin_call")["message"]
            .as_str()
            .unwrap()
            .contains("certificate_accepted")
    );
}

#[test]
fn test_takes_at_most_three_sequential_round_trips() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = wizard(&tenant);
    // Latency makes requests sent together overlap in the log, as they would against the cloud.
    tenant
        .knobs()
        .update(|k| k.latency = Duration::from_millis(40));
    tenant.request_log().clear();
    let (status, document) = session.call("test", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let all = [Service::Authority, Service::Graph, Service::Exchange];
    let round_trips = tenant::sequential_round_trips_to(&tenant, &all);
    let log: Vec<String> = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.batch_item.is_none())
        .map(|e| format!("{:?} {} {}", e.service, e.method, e.path))
        .collect();
    eprintln!(
        "test: {round_trips} sequential round trips ({} HTTP requests)",
        log.len()
    );
    assert!(
        round_trips <= 3,
        "test took {round_trips} sequential round trips: {log:#?}"
    );
    assert_eq!(tenant.request_log().entries_for(Service::Exchange).len(), 1);
}

/// The environment variable naming the file of saved settings the child process tests with.
const SAVED_SETTINGS: &str = "M365_CONNECTOR_TEST_SAVED_SETTINGS";
/// The environment variable naming the file the child process writes its result document to.
const CHILD_RESULT: &str = "M365_CONNECTOR_TEST_CHILD_RESULT";

#[test]
fn a_new_process_passes_test_from_the_saved_settings_alone() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (_session, stored) = wizard(&tenant);
    let directory = tempfile::tempdir().unwrap();
    // The saved settings hold the private key: the file is the host's protected store here.
    let settings = tempfile::NamedTempFile::new_in(directory.path()).unwrap();
    std::fs::write(settings.path(), stored.to_string()).unwrap();
    let result = directory.path().join("result.json");
    tenant.request_log().clear();
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_tests_the_connection_from_saved_settings",
            "--ignored",
            "--test-threads=1",
        ])
        .env(SAVED_SETTINGS, settings.path())
        .env(CHILD_RESULT, &result)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the child process failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    let document: Value = serde_json::from_str(&std::fs::read_to_string(&result).unwrap()).unwrap();
    assert_eq!(document["status"], "OK", "{document}");
    assert_eq!(document["data"]["administrator_checks"], false);
    let passed = with_status(&document, "pass");
    assert_eq!(
        passed,
        [
            "certificate_present",
            "certificate_key_matches",
            "certificate_not_expiring",
            "certificate_accepted",
            "exchange_admin_call"
        ]
    );
    let skipped = with_status(&document, "skipped");
    assert_eq!(skipped, ALL_CHECKS[5..]);
    for name in &skipped {
        let reason = check(&document, name)["message"].as_str().unwrap();
        assert!(
            reason.contains("Needs an administrator signed in"),
            "{name}: {reason}"
        );
    }
    let entries = tenant.request_log().entries();
    assert!(
        entries.iter().all(|e| e.service != Service::Graph),
        "no administrator, so no Graph read"
    );
    assert!(
        !entries
            .iter()
            .any(|e| e.path.ends_with("/devicecode") || e.path.ends_with("/authorize")),
        "no interactive sign-in"
    );
}

#[test]
#[ignore = "the child process of a_new_process_passes_test_from_the_saved_settings_alone"]
fn child_tests_the_connection_from_saved_settings() {
    let settings = std::env::var(SAVED_SETTINGS)
        .expect("run by the parent test, which sets the settings file");
    let settings = std::fs::read_to_string(settings).unwrap();
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("test", &settings);
    std::fs::write(std::env::var(CHILD_RESULT).unwrap(), document.to_string()).unwrap();
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
}

/// An application registered by the test itself, as an administrator would for manual configuration:
/// with a certificate, its service principal, `Exchange.ManageAsApp` granted and the three roles.
fn registered_by_hand(tenant: &Tenant) -> (String, GeneratedCertificate) {
    let certificate = generate(
        &GenerateOptions::new("Hand-made", 90),
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let directory = tenant.directory();
    let mut data = directory.write();
    let app = data.add_application(
        json!({"displayName": "Registered by hand", "signInAudience": "AzureADMyOrg"})
            .as_object()
            .cloned()
            .unwrap(),
    );
    let app_id = app.json["appId"].as_str().unwrap().to_owned();
    data.add_certificate(app.id(), &certificate.details.der)
        .unwrap();
    let sp = data.add_service_principal(&app_id).unwrap().id().to_owned();
    let exchange = data
        .resource_service_principal(EXCHANGE_ONLINE_RESOURCE)
        .unwrap()
        .id()
        .to_owned();
    data.grant_app_role(&sp, &exchange, MANAGE_AS_APP_ID)
        .unwrap();
    for role in [
        DIRECTORY_WRITERS,
        EXCHANGE_ADMINISTRATOR,
        USER_ADMINISTRATOR,
    ] {
        data.assign_directory_role(&sp, role).unwrap();
    }
    (app_id, certificate)
}

/// Manual configuration settings for an application and a certificate (PEM).
fn manual(tenant: &Tenant, app_id: &str, certificate: &GeneratedCertificate) -> String {
    json!({
        "settings_version": 3,
        "mode": "manual",
        "tenant_id": tenant.tenant_id(),
        "application_id": app_id,
        "cloud": "custom",
        "authority_host": tenant.authority_url(),
        "graph_endpoint": tenant.graph_url(),
        "exchange_endpoint": tenant.exchange_url(),
        "extra_ca_pem": tenant.ca_pem(),
        "certificate_pem": format!("{}{}", certificate.certificate_pem, certificate.private_key_pem.expose()),
    })
    .to_string()
}

/// Session options whose wait for the directory is short.
fn short_wait_options() -> String {
    let mut options: Value = serde_json::from_str(&tenant::fast_options()).unwrap();
    options["network"]["consistency_wait_ms"] = json!(400);
    options.to_string()
}

#[test]
fn manual_configuration_with_an_existing_application_passes_configure_and_test() {
    let tenant = tenant::start();
    let (app_id, certificate) = registered_by_hand(&tenant);
    let settings = manual(&tenant, &app_id, &certificate);
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, configured) = session.call("configure", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", configured["error"]);
    assert_eq!(
        configured["data"]["settings"]["certificate_thumbprint"],
        certificate.details.thumbprint_sha1
    );
    let (status, document) = session.call("test", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    assert_eq!(with_status(&document, "fail"), Vec::<String>::new());
    assert_eq!(with_status(&document, "pass").len(), 5);
    assert!(
        tenant
            .request_log()
            .entries()
            .iter()
            .filter(|e| e.service == Service::Authority)
            .all(|e| e.path.ends_with("/oauth2/v2.0/token")),
        "only the application's own token requests"
    );
}

#[test]
fn a_certificate_the_application_does_not_hold_fails_with_aadsts700027_in_words() {
    let tenant = tenant::start();
    let (app_id, _) = registered_by_hand(&tenant);
    let other = generate(
        &GenerateOptions::new("Other", 90),
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let session = Session::new(Some(&short_wait_options()));
    let (status, document) = session.call("test", &manual(&tenant, &app_id, &other));
    assert_eq!(status, ConnectorStatus::TestFailed, "{document}");
    assert_eq!(with_status(&document, "fail"), ["certificate_accepted"]);
    let accepted = check(&document, "certificate_accepted");
    let message = accepted["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "did not accept the certificate {} for the application {app_id}: the certificate is not registered on \
             the application, or it has expired there (AADSTS700027)",
            other.details.thumbprint_sha1
        )),
        "{message}"
    );
    assert!(
        accepted["hint"]
            .as_str()
            .unwrap()
            .contains("Certificates & secrets")
    );
    // Without an administrator's reads, the refusal may be a new certificate not yet known to sign-in:
    // it was waited for, within the bound.
    assert!(
        session.events().iter().any(|e| e["type"] == "wait"
            && e["reason"] == "replication"
            && e["operation"] == "test")
    );

    // A thumbprint that is not the certificate's fails the certificate check, naming both.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("credential.pfx");
    std::fs::write(&path, other.pkcs12.expose()).unwrap();
    let mut settings: Value = serde_json::from_str(&manual(&tenant, &app_id, &other)).unwrap();
    let settings = settings.as_object_mut().unwrap();
    settings.remove("certificate_pem");
    settings.insert("certificate_path".to_owned(), json!(path));
    settings.insert(
        "certificate_password".to_owned(),
        json!(other.pkcs12_password.expose()),
    );
    settings.insert("certificate_thumbprint".to_owned(), json!("AB".repeat(20)));
    let (status, document) = session.call("test", &Value::Object(settings.clone()).to_string());
    assert_eq!(status, ConnectorStatus::TestFailed, "{document}");
    let present = check(&document, "certificate_present");
    assert_eq!(present["status"], "fail");
    let message = present["message"].as_str().unwrap();
    assert!(
        message.contains(&other.details.thumbprint_sha1) && message.contains(&"AB".repeat(20)),
        "{message}"
    );
    assert_eq!(
        check(&document, "certificate_accepted")["status"],
        "skipped"
    );
}

#[test]
fn a_new_application_is_waited_for_until_sign_in_knows_it() {
    let tenant = tenant::start();
    // The application is not yet known to sign-in (AADSTS700016) for a second after it is registered.
    tenant
        .knobs()
        .update(|k| k.replication_lag = Duration::from_millis(800));
    let (app_id, certificate) = registered_by_hand(&tenant);
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("test", &manual(&tenant, &app_id, &certificate));
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let refused = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.path.ends_with("/token") && e.status != 200)
        .count();
    assert!(refused > 0, "sign-in refused the new application at first");
    let waits: Vec<Value> = session
        .events()
        .into_iter()
        .filter(|e| e["type"] == "wait" && e["operation"] == "test")
        .collect();
    assert!(!waits.is_empty());
    for wait in &waits {
        assert_eq!(wait["reason"], "replication", "{wait}");
        assert_eq!(wait["max_attempts"], 0, "bounded by time: {wait}");
    }
}

#[test]
fn no_token_or_key_reaches_a_result_or_an_event() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = wizard(&tenant);
    let (_, document) = session.call("test", &stored.to_string());
    let key = stored["certificate_pem"].as_str().unwrap();
    let key_line = key
        .lines()
        .skip_while(|l| !l.contains("PRIVATE KEY"))
        .nth(1)
        .unwrap()
        .to_owned();
    let mut seen = document.to_string();
    for event in session.events() {
        seen.push_str(&event.to_string());
    }
    for secret in tenant.issued_secrets() {
        assert!(
            !seen.contains(secret.as_str()),
            "a token or secret reached a result or an event"
        );
    }
    assert!(
        !seen.contains(&key_line),
        "the private key reached a result or an event"
    );
}

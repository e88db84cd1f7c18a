//! "Create or update Azure application" through the C ABI against tenant-sim: a fresh tenant, a re-run
//! that writes nothing, rotation, adoption, plan mode, and what an administrator without Privileged Role
//! Administrator sees.

mod plugin_host;
mod tenant;

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::SeedOptions;

use crate::plugin_host::Session;

fn items_of<'a>(data: &'a Value, kind: &str) -> Vec<&'a Value> {
    data["items"].as_array().unwrap().iter().filter(|i| i["kind"] == kind).collect()
}

fn provision(session: &Session, settings: &str, extra: Value) -> (ConnectorStatus, Value) {
    let mut input: Value = serde_json::from_str(settings).unwrap();
    for (name, value) in extra.as_object().unwrap() {
        input[name] = value.clone();
    }
    session.call("provision", &input.to_string())
}

#[test]
fn a_fresh_tenant_gets_one_application_one_service_principal_and_three_roles() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let before = tenant.object_counts();
    let (status, document) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    let after = tenant.object_counts();
    assert_eq!(after.applications, before.applications + 1);
    assert_eq!(after.service_principals, before.service_principals + 1);
    assert_eq!(after.role_assignments, before.role_assignments + 3);

    let data = &document["data"];
    let app_id = data["application"]["app_id"].as_str().unwrap();
    let object_id = data["application"]["object_id"].as_str().unwrap();
    let app = tenant.directory().read().application(object_id).expect("the application exists").json.clone();
    assert_eq!(app["displayName"], "Contoso Sync");
    assert_eq!(app["signInAudience"], "AzureADMyOrg");
    assert!(app["uniqueName"].as_str().unwrap().starts_with("m365-connector-contoso-sync-"));
    assert!(app["tags"].as_array().unwrap().contains(&json!("m365-connector:managed")));
    assert_eq!(app["requiredResourceAccess"].as_array().unwrap().len(), 2);
    assert_eq!(app["keyCredentials"].as_array().unwrap().len(), 1);

    for kind in ["application", "service_principal", "role_assignment", "certificate"] {
        for item in items_of(data, kind) {
            assert_eq!(item["outcome"], "created", "{item}");
            assert!(item["object_id"].is_string(), "{item}");
        }
    }
    assert_eq!(items_of(data, "role_assignment").len(), 3);
    assert_eq!(data["settings"]["application_id"], app_id);
    let credential = &data["credential"];
    assert_eq!(data["settings"]["certificate_thumbprint"], credential["thumbprint"]);

    // The handed-over certificate signs a client assertion Entra accepts.
    let held = m365_connector::certificate::HeldCertificate::from_pem(credential["pem"].as_str().unwrap()).unwrap();
    let token_endpoint = format!("{}/oauth2/v2.0/token", tenant.tenant_authority());
    let assertion = held.client_assertion(app_id, &token_endpoint, time::OffsetDateTime::now_utc()).unwrap();
    let status = tenant::post_form(
        &tenant,
        &token_endpoint,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", app_id),
            ("scope", "https://outlook.office365.com/.default"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion.expose()),
        ],
    );
    assert_eq!(status, 200, "Entra accepts the new certificate");
}

#[test]
fn running_again_with_the_stored_settings_writes_nothing() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let (status, first) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{first}");
    let mut stored = first["data"]["settings"].clone();
    stored["certificate_pem"] = first["data"]["credential"]["pem"].clone();
    tenant.request_log().clear();
    let (status, second) = session.call("provision", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{second}");
    assert_eq!(tenant::writes(&tenant), Vec::<String>::new(), "nothing is written");
    for item in second["data"]["items"].as_array().unwrap() {
        assert_eq!(item["outcome"], "unchanged", "{item}");
    }
    assert!(second["data"]["credential"].is_null());
}

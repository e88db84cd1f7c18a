//! "Consent" through the C ABI against tenant-sim: programmatic admin consent after provision (exactly one
//! app role assignment and one delegated grant, nothing written the second time, an existing grant widened),
//! browser admin consent through the loopback redirect and its refusal, a Microsoft Graph application
//! permission the administrator may not grant, and the round trips.

mod plugin_host;
mod tenant;

use std::sync::mpsc;
use std::time::Duration;

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::directory::ConsentType;
use tenant_sim::{ConsentAnswer, KnobSettings, SeedOptions, Service};

use crate::plugin_host::Session;

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";

/// Each permission of a consent result as "name outcome".
fn outcomes(document: &Value) -> Vec<String> {
    document["data"]["permissions"]
        .as_array()
        .unwrap_or_else(|| panic!("no permissions in {}", document["error"]))
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["name"].as_str().unwrap(),
                p["outcome"].as_str().unwrap()
            )
        })
        .collect()
}

/// A signed-in session and the settings stored after provision.
fn provisioned(tenant: &tenant_sim::Tenant, extra: Value) -> (Session, String) {
    let settings = tenant::settings(tenant, extra);
    let session = tenant::signed_in(tenant, &settings);
    let stored = tenant::provisioned(&session, &settings);
    (session, stored.to_string())
}

/// The application's service principal object id.
fn service_principal(tenant: &tenant_sim::Tenant, stored: &str) -> String {
    let stored: Value = serde_json::from_str(stored).unwrap();
    let app_id = stored["application_id"].as_str().unwrap();
    tenant
        .directory()
        .read()
        .service_principal_by_app_id(app_id)
        .expect("provision made the service principal")
        .id()
        .to_owned()
}

#[test]
fn consent_grants_exactly_one_app_role_and_one_delegated_grant_and_a_second_run_writes_nothing() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = provisioned(&tenant, json!({}));
    let before = tenant.object_counts();
    let (status, first) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", first["error"]);
    let after = tenant.object_counts();
    assert_eq!(after.app_role_assignments, before.app_role_assignments + 1);
    assert_eq!(
        after.oauth2_permission_grants,
        before.oauth2_permission_grants + 1
    );
    assert_eq!(first["data"]["method"], "programmatic");
    assert_eq!(
        outcomes(&first),
        ["User.Read granted", "Exchange.ManageAsApp granted"]
    );
    for permission in first["data"]["permissions"].as_array().unwrap() {
        assert!(permission["object_id"].is_string(), "{permission}");
        assert!(
            permission["resource"]["object_id"].is_string(),
            "{permission}"
        );
    }
    let done: Vec<&str> = first["done"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["action"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["app_role_granted", "delegated_grant_created"]);

    let sp_id = service_principal(&tenant, &stored);
    let directory = tenant.directory();
    let data = directory.read();
    assert!(
        data.granted_app_role_values(
            &sp_id,
            data.service_principal_by_app_id("00000002-0000-0ff1-ce00-000000000000")
                .unwrap()
                .id()
        )
        .contains(&"Exchange.ManageAsApp".to_owned())
    );
    let graph = data
        .service_principal_by_app_id(GRAPH)
        .unwrap()
        .id()
        .to_owned();
    let grant = data
        .oauth2_permission_grant(&sp_id, &graph, ConsentType::AllPrincipals, None)
        .expect("an organization-wide grant");
    assert_eq!(grant.json["scope"], "User.Read");
    drop(data);

    tenant.request_log().clear();
    let (status, second) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", second["error"]);
    assert_eq!(
        tenant::writes(&tenant),
        Vec::<String>::new(),
        "nothing is written"
    );
    assert_eq!(
        outcomes(&second),
        [
            "User.Read already_granted",
            "Exchange.ManageAsApp already_granted"
        ]
    );
    assert!(
        second["data"]["permissions"][0]["message"]
            .as_str()
            .unwrap()
            .contains("already granted")
    );
    assert_eq!(tenant.object_counts(), after);
}

#[test]
fn an_existing_grant_with_another_scope_is_widened_and_keeps_it() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = provisioned(&tenant, json!({}));
    let sp_id = service_principal(&tenant, &stored);
    let graph = {
        let directory = tenant.directory();
        let mut data = directory.write();
        let graph = data
            .service_principal_by_app_id(GRAPH)
            .unwrap()
            .id()
            .to_owned();
        data.grant_delegated_scopes(&sp_id, &graph, ConsentType::AllPrincipals, None, &["email"])
            .unwrap();
        graph
    };
    let before = tenant.object_counts();
    let (status, document) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    assert_eq!(
        outcomes(&document),
        ["User.Read widened", "Exchange.ManageAsApp granted"]
    );
    let after = tenant.object_counts();
    assert_eq!(
        after.oauth2_permission_grants, before.oauth2_permission_grants,
        "no second grant"
    );
    let directory = tenant.directory();
    let data = directory.read();
    let grant = data
        .oauth2_permission_grant(&sp_id, &graph, ConsentType::AllPrincipals, None)
        .unwrap();
    let scopes: Vec<&str> = grant.json["scope"].as_str().unwrap().split(' ').collect();
    assert_eq!(scopes, ["email", "User.Read"], "the grant keeps its scope");
    assert_eq!(
        document["data"]["permissions"][0]["object_id"],
        json!(grant.id())
    );
}

#[test]
fn replication_lag_is_waited_out_and_nothing_is_granted_twice() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = provisioned(&tenant, json!({}));
    // From now on, new objects stay invisible to other requests for 2 s: the service principal provision
    // just made, then the grants the first consent makes (which the second does not see yet).
    tenant
        .knobs()
        .update(|k| k.replication_lag = Duration::from_secs(2));
    let before = tenant.object_counts();
    let (status, first) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", first["error"]);
    assert_eq!(
        outcomes(&first),
        ["User.Read granted", "Exchange.ManageAsApp granted"]
    );
    let (status, second) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", second["error"]);
    assert_eq!(
        outcomes(&second),
        [
            "User.Read already_granted",
            "Exchange.ManageAsApp already_granted"
        ]
    );
    let after = tenant.object_counts();
    assert_eq!(after.app_role_assignments, before.app_role_assignments + 1);
    assert_eq!(
        after.oauth2_permission_grants,
        before.oauth2_permission_grants + 1
    );
    let waits = session
        .events()
        .iter()
        .filter(|e| {
            e["type"] == "wait" && e["operation"] == "consent" && e["reason"] == "replication"
        })
        .count();
    assert!(waits > 0, "consent said it waited for the directory");
}

#[test]
fn consent_takes_at_most_two_sequential_round_trips() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (session, stored) = provisioned(&tenant, json!({}));
    tenant.request_log().clear();
    let (status, document) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let all = [Service::Authority, Service::Graph, Service::Exchange];
    let round_trips = tenant::sequential_round_trips_to(&tenant, &all);
    eprintln!("consent: {round_trips} sequential round trips");
    assert!(
        round_trips <= 2,
        "consent took {round_trips} sequential round trips"
    );
    tenant.request_log().clear();
    session.call("consent", &stored);
    let again = tenant::sequential_round_trips_to(&tenant, &all);
    eprintln!("consent again: {again} sequential round trips");
    assert!(
        again <= 1,
        "a second consent took {again} sequential round trips"
    );
}

#[test]
fn a_graph_application_permission_needs_privileged_role_administrator() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let extra = json!({"additional_permissions": "Microsoft Graph: User.Read.All (application)"});
    let (_, stored) = provisioned(&tenant, extra);
    // The Application Administrator may consent to the other two, not to a Graph app role.
    tenant.knobs().update(|k| {
        k.sign_in_user = Some(tenant.users().application_admin.user_principal_name.clone())
    });
    let session = tenant::signed_in(&tenant, &stored);
    let before = tenant.object_counts();
    let (status, document) = session.call("consent", &stored);
    assert_eq!(
        status,
        ConnectorStatus::PermissionDenied,
        "{}",
        document["error"]
    );
    let message = document["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Privileged Role Administrator"),
        "{message}"
    );
    assert!(message.contains("User.Read.All"), "{message}");
    assert_eq!(
        outcomes(&document),
        [
            "User.Read granted",
            "Exchange.ManageAsApp granted",
            "User.Read.All not_granted"
        ]
    );
    assert_eq!(document["done"].as_array().unwrap().len(), 2);
    let after = tenant.object_counts();
    assert_eq!(after.app_role_assignments, before.app_role_assignments + 1);
}

#[test]
fn consent_without_a_sign_in_needs_one() {
    let tenant = tenant::start();
    let settings = tenant::settings(&tenant, json!({}));
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("consent", &settings);
    assert_eq!(status, ConnectorStatus::SignInRequired, "{document}");
    assert_eq!(document["error"]["step"], "consent");
    assert!(
        tenant.request_log().is_empty(),
        "no request without a sign-in"
    );
}

/// Signs in and provisions for browser consent, then runs consent with the browser played by the test;
/// returns the object counts just before consent, the result and the status of the page the browser saw.
fn browser_consent(
    tenant: &tenant_sim::Tenant,
    knobs: impl Fn(&mut KnobSettings),
) -> (tenant_sim::ObjectCounts, ConnectorStatus, Value, u16) {
    let settings = tenant::settings(tenant, json!({"admin_consent_method": "browser"}));
    let (send, receive) = mpsc::channel();
    let session = tenant::browser_session(send, "admin_consent");
    let (status, signed_in) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", signed_in["error"]);
    let stored = tenant::provisioned(&session, &settings).to_string();
    tenant.knobs().update(&knobs);
    let before = tenant.object_counts();
    let call = tenant::call_with_browser(tenant, &session, receive, "consent", &stored, false);
    assert!(
        call.url.contains("/adminconsent?client_id="),
        "{}",
        call.url
    );
    assert!(
        call.url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
        "{}",
        call.url
    );
    (before, call.status, call.document, call.page)
}

#[test]
fn browser_consent_completes_through_the_loopback_redirect() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (before, status, document, page) = browser_consent(&tenant, |_| {});
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    assert_eq!(page, 200, "the browser is shown the done page");
    assert_eq!(document["data"]["method"], "browser");
    assert_eq!(
        outcomes(&document),
        ["User.Read granted", "Exchange.ManageAsApp granted"]
    );
    let after = tenant.object_counts();
    assert_eq!(after.app_role_assignments, before.app_role_assignments + 1);
    assert_eq!(
        after.oauth2_permission_grants,
        before.oauth2_permission_grants + 1
    );
    for permission in document["data"]["permissions"].as_array().unwrap() {
        assert!(
            permission["object_id"].is_string(),
            "read back: {permission}"
        );
    }
}

#[test]
fn a_declined_browser_consent_names_what_was_declined() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (before, status, document, page) =
        browser_consent(&tenant, |k| k.consent_answer = ConsentAnswer::Decline);
    assert_eq!(status, ConnectorStatus::PermissionDenied, "{document}");
    assert_eq!(page, 200, "the browser is told to return to the connector");
    let message = document["error"]["message"].as_str().unwrap();
    assert!(message.contains("declined admin consent"), "{message}");
    assert!(
        message.contains("Microsoft Graph User.Read (delegated)"),
        "{message}"
    );
    assert!(
        message.contains("Office 365 Exchange Online Exchange.ManageAsApp (application)"),
        "{message}"
    );
    assert_eq!(document["error"]["step"], "consent");
    let after = tenant.object_counts();
    assert_eq!(after.app_role_assignments, before.app_role_assignments);
    assert_eq!(
        after.oauth2_permission_grants,
        before.oauth2_permission_grants
    );
}

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
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
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
    let app = tenant
        .directory()
        .read()
        .application(object_id)
        .expect("the application exists")
        .json
        .clone();
    assert_eq!(app["displayName"], "Contoso Sync");
    assert_eq!(app["signInAudience"], "AzureADMyOrg");
    assert!(
        app["uniqueName"]
            .as_str()
            .unwrap()
            .starts_with("m365-connector-contoso-sync-")
    );
    assert!(
        app["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("m365-connector:managed"))
    );
    assert_eq!(app["requiredResourceAccess"].as_array().unwrap().len(), 2);
    assert_eq!(app["keyCredentials"].as_array().unwrap().len(), 1);

    for kind in [
        "application",
        "service_principal",
        "role_assignment",
        "certificate",
    ] {
        for item in items_of(data, kind) {
            assert_eq!(item["outcome"], "created", "{item}");
            assert!(item["object_id"].is_string(), "{item}");
        }
    }
    assert_eq!(items_of(data, "role_assignment").len(), 3);
    assert_eq!(data["settings"]["application_id"], app_id);
    let credential = &data["credential"];
    assert_eq!(
        data["settings"]["certificate_thumbprint"],
        credential["thumbprint"]
    );

    // The handed-over certificate signs a client assertion Entra accepts.
    let held =
        m365_connector::certificate::HeldCertificate::from_pem(credential["pem"].as_str().unwrap())
            .unwrap();
    let token_endpoint = format!("{}/oauth2/v2.0/token", tenant.tenant_authority());
    let assertion = held
        .client_assertion(app_id, &token_endpoint, time::OffsetDateTime::now_utc())
        .unwrap();
    let status = tenant::post_form(
        &tenant,
        &token_endpoint,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", app_id),
            ("scope", "https://outlook.office365.com/.default"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
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
    assert_eq!(
        tenant::writes(&tenant),
        Vec::<String>::new(),
        "nothing is written"
    );
    for item in second["data"]["items"].as_array().unwrap() {
        assert_eq!(item["outcome"], "unchanged", "{item}");
    }
    assert!(second["data"]["credential"].is_null());
}

/// The kind, outcome and name of each item, for comparing a plan with a run.
fn shape(data: &Value) -> Vec<(String, String, String)> {
    data["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["outcome"].as_str().unwrap().to_owned(),
                i["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn plan_mode_lists_what_the_run_then_does_and_writes_nothing() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let before = tenant.object_counts();
    tenant.request_log().clear();
    let (status, plan) = provision(&session, &settings, json!({"plan_only": true}));
    assert_eq!(status, ConnectorStatus::Ok, "{plan}");
    assert_eq!(plan["data"]["plan_only"], true);
    assert!(
        plan["data"]["credential"].is_null(),
        "a plan hands over no certificate"
    );
    assert_eq!(tenant::writes(&tenant), Vec::<String>::new());
    assert_eq!(tenant.object_counts(), before);
    let (status, run) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{run}");
    assert_eq!(shape(&plan["data"]), shape(&run["data"]));

    // A plan of the re-run: everything unchanged, as the re-run then reports.
    let mut stored = run["data"]["settings"].clone();
    stored["certificate_pem"] = run["data"]["credential"]["pem"].clone();
    stored["plan_only"] = json!(true);
    let (_, plan) = session.call("provision", &stored.to_string());
    stored["plan_only"] = json!(false);
    let (_, rerun) = session.call("provision", &stored.to_string());
    assert_eq!(shape(&plan["data"]), shape(&rerun["data"]));
}

#[test]
fn a_certificate_inside_the_renewal_window_gets_exactly_one_new_one_beside_it() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({"credential_lifetime_days": 10}));
    let session = tenant::signed_in(&tenant, &settings);
    let (status, first) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{first}");
    let old = first["data"]["credential"]["thumbprint"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut stored = first["data"]["settings"].clone();
    stored["certificate_pem"] = first["data"]["credential"]["pem"].clone();
    stored["credential_lifetime_days"] = json!(365);
    let (status, second) = session.call("provision", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{second}");
    let new = second["data"]["credential"]["thumbprint"]
        .as_str()
        .expect("a new certificate")
        .to_owned();
    assert_ne!(new, old);
    assert_eq!(
        second["data"]["settings"]["certificate_thumbprint"],
        new.as_str()
    );
    let object_id = second["data"]["application"]["object_id"].as_str().unwrap();
    let keys = tenant
        .directory()
        .read()
        .application(object_id)
        .unwrap()
        .json["keyCredentials"]
        .clone();
    assert_eq!(
        keys.as_array().unwrap().len(),
        2,
        "appended, the old one stays: {keys}"
    );
    let certificates = items_of(&second["data"], "certificate");
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0]["outcome"], "created");
    assert!(
        certificates[0]["reason"]
            .as_str()
            .unwrap()
            .contains("renewal window")
    );

    // After the new one passed test, the host asks to remove the others.
    let mut renewed = second["data"]["settings"].clone();
    renewed["certificate_pem"] = second["data"]["credential"]["pem"].clone();
    renewed["remove_other_certificates"] = json!(true);
    let (status, third) = session.call("provision", &renewed.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{third}");
    let keys = tenant
        .directory()
        .read()
        .application(object_id)
        .unwrap()
        .json["keyCredentials"]
        .clone();
    assert_eq!(keys.as_array().unwrap().len(), 1, "{keys}");
    let removed: Vec<&Value> = items_of(&third["data"], "certificate")
        .into_iter()
        .filter(|i| i["outcome"] == "removed")
        .collect();
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["thumbprint"], old.as_str());
}

/// An application an administrator made earlier, with the connection's name, an extra permission
/// (Microsoft Graph `Mail.Read`) and a certificate of its own.
fn existing_application(tenant: &tenant_sim::Tenant, name: &str) -> (String, String) {
    let generated = m365_connector::certificate::generate(
        &m365_connector::certificate::GenerateOptions::new("Existing", 30),
        time::OffsetDateTime::now_utc(),
    )
    .unwrap();
    let mut directory = tenant.directory().write();
    let app = directory.add_application(
        json!({
            "displayName": name,
            "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000",
                "resourceAccess": [{"id": "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "type": "Scope"}]}],
        })
        .as_object()
        .unwrap()
        .clone(),
    );
    directory
        .add_certificate(app.id(), &generated.details.der)
        .unwrap();
    let admin = tenant.users().global_admin.id.clone();
    directory.add_owner(app.id(), &admin);
    (
        app.id().to_owned(),
        app.json["appId"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn an_existing_application_of_the_same_name_is_adopted_only_when_confirmed_and_keeps_what_it_has() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (object_id, app_id) = existing_application(&tenant, "Contoso Sync");
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    tenant.request_log().clear();
    let (status, document) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::ConfirmationRequired, "{document}");
    assert_eq!(
        tenant::writes(&tenant),
        Vec::<String>::new(),
        "nothing written before the confirmation"
    );
    let candidate = &document["data"]["candidates"][0];
    assert_eq!(candidate["app_id"], app_id.as_str());
    assert_eq!(
        candidate["owners"][0]["user_principal_name"],
        tenant.users().global_admin.user_principal_name.as_str()
    );
    assert_eq!(candidate["certificates"].as_array().unwrap().len(), 1);
    assert!(candidate["certificates"][0]["thumbprint"].is_string());
    assert!(
        candidate["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "570282fd-fa5c-430d-a7fd-fc8dc98a9dca"),
        "{candidate}"
    );

    let (status, adopted) = provision(&session, &settings, json!({"adopt_application_id": app_id}));
    assert_eq!(status, ConnectorStatus::Ok, "{adopted}");
    assert_eq!(
        items_of(&adopted["data"], "application")[0]["outcome"],
        "adopted"
    );
    let app = tenant
        .directory()
        .read()
        .application(&object_id)
        .unwrap()
        .json
        .clone();
    let graph = &app["requiredResourceAccess"][0];
    assert_eq!(
        graph["resourceAppId"],
        "00000003-0000-0000-c000-000000000000"
    );
    let graph_ids: Vec<&Value> = graph["resourceAccess"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert!(
        graph_ids.contains(&&json!("570282fd-fa5c-430d-a7fd-fc8dc98a9dca")),
        "the extra permission stays"
    );
    assert!(
        graph_ids.contains(&&json!("e1fe6dd8-ba31-4d61-89e7-88639da4683d")),
        "User.Read is added"
    );
    assert_eq!(
        app["keyCredentials"].as_array().unwrap().len(),
        2,
        "the existing certificate stays"
    );
    assert!(
        app["uniqueName"]
            .as_str()
            .unwrap()
            .starts_with("m365-connector-")
    );
    assert!(
        app["tags"]
            .as_array()
            .unwrap()
            .contains(&json!("m365-connector:managed"))
    );
}

#[test]
fn two_applications_of_the_same_name_are_a_conflict_listing_both() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (_, first) = existing_application(&tenant, "Contoso Sync");
    let (_, second) = existing_application(&tenant, "Contoso Sync");
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    tenant.request_log().clear();
    let (status, document) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Conflict, "{document}");
    let message = document["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&first) && message.contains(&second),
        "{message}"
    );
    assert_eq!(document["data"]["candidates"].as_array().unwrap().len(), 2);
    assert_eq!(tenant::writes(&tenant), Vec::<String>::new());
}

#[test]
fn the_application_administrator_gets_the_application_but_not_the_roles() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let upn = tenant.users().application_admin.user_principal_name.clone();
    tenant.knobs().update(|k| k.sign_in_user = Some(upn));
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let before = tenant.object_counts();
    let (status, document) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::PermissionDenied, "{document}");
    let message = document["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("Privileged Role Administrator"),
        "{message}"
    );
    let after = tenant.object_counts();
    assert_eq!(after.applications, before.applications + 1);
    assert_eq!(after.service_principals, before.service_principals + 1);
    assert_eq!(after.role_assignments, before.role_assignments);
    let actions: Vec<&str> = document["done"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["application_created", "service_principal_created"]
    );
    // What the host must keep comes back even so: the certificate is on the application now.
    assert!(
        document["data"]["credential"]["pem"].is_string(),
        "{document}"
    );
    assert!(document["data"]["settings"]["application_id"].is_string());
}

#[test]
fn remove_deletes_the_application_only_when_confirmed() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let before = tenant.object_counts();
    let (status, created) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{created}");
    let app_id = created["data"]["application"]["app_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored = created["data"]["settings"].to_string();
    let (status, document) = session.call("remove", &stored);
    assert_eq!(status, ConnectorStatus::ConfirmationRequired, "{document}");
    assert_eq!(document["data"]["application"]["app_id"], app_id.as_str());
    assert_eq!(
        tenant.object_counts().applications,
        before.applications + 1,
        "still there"
    );

    let mut confirmed: Value = serde_json::from_str(&stored).unwrap();
    confirmed["confirm_application_id"] = json!(app_id);
    let (status, document) = session.call("remove", &confirmed.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    assert_eq!(document["data"]["removed"]["role_assignments"], 3);
    assert_eq!(
        tenant.object_counts(),
        before,
        "the application went with its service principal and roles"
    );
    let (status, again) = session.call("remove", &confirmed.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{again}");
    assert_eq!(again["data"]["already_gone"], true);
}

#[test]
fn remove_refuses_an_application_the_connector_did_not_make() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let unique = {
        // An application someone else made with the connector's unique name but no managed-by tag.
        let settings = tenant::settings(&tenant, json!({}));
        let session = tenant::signed_in(&tenant, &settings);
        let (_, plan) = provision(&session, &settings, json!({"plan_only": true}));
        assert_eq!(plan["status"], "OK", "{plan}");
        m365_connector_unique_name("Contoso Sync")
    };
    let app = tenant.directory().write().add_application(
        json!({"displayName": "Contoso Sync", "uniqueName": unique})
            .as_object()
            .unwrap()
            .clone(),
    );
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let mut confirmed: Value = serde_json::from_str(&settings).unwrap();
    confirmed["confirm_application_id"] = app.json["appId"].clone();
    let (status, document) = session.call("remove", &confirmed.to_string());
    assert_eq!(status, ConnectorStatus::PermissionDenied, "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("managed-by tag")
    );
    assert!(tenant.directory().read().application(app.id()).is_some());
}

fn m365_connector_unique_name(name: &str) -> String {
    m365_connector::provision::unique_name::unique_name(name)
}

#[test]
fn round_trips_fresh_at_most_four_and_a_rerun_at_most_two() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    tenant.request_log().clear();
    let (status, first) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{first}");
    let fresh = tenant::sequential_round_trips(&tenant, tenant_sim::Service::Graph);
    assert!(
        fresh <= 4,
        "a fresh provision took {fresh} sequential round trips to Graph"
    );
    let mut stored = first["data"]["settings"].clone();
    stored["certificate_pem"] = first["data"]["credential"]["pem"].clone();
    tenant.request_log().clear();
    let (status, second) = session.call("provision", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{second}");
    let rerun = tenant::sequential_round_trips(&tenant, tenant_sim::Service::Graph);
    let paths: Vec<String> = tenant
        .request_log()
        .entries()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}?{}",
                e.status,
                e.method,
                e.path,
                e.query.clone().unwrap_or_default()
            )
        })
        .collect();
    assert!(
        rerun <= 2,
        "a re-run took {rerun} sequential round trips to Graph: {paths:#?}"
    );
    assert!(
        tenant
            .request_log()
            .entries_for(tenant_sim::Service::Authority)
            .is_empty(),
        "no token request"
    );
}

/// How many applications carry this unique name, service principals this appId, and role assignments this
/// principal: what a duplicate would show.
fn copies(tenant: &tenant_sim::Tenant, unique_name: &str, app_id: &str) -> (usize, usize, usize) {
    let directory = tenant.directory().read();
    let apps = directory
        .applications
        .iter()
        .filter(|a| a.json["uniqueName"].as_str() == Some(unique_name))
        .count();
    let sps: Vec<String> = directory
        .service_principals
        .iter()
        .filter(|sp| sp.json["appId"].as_str() == Some(app_id))
        .map(|sp| sp.json["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let roles = directory
        .role_assignments
        .iter()
        .filter(|r| {
            sps.iter()
                .any(|sp| r.json["principalId"].as_str() == Some(sp.as_str()))
        })
        .count();
    (apps, sps.len(), roles)
}

#[test]
fn replication_lag_and_throttling_inside_batches_create_nothing_twice() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    tenant.knobs().update(|k| {
        k.replication_lag = std::time::Duration::from_millis(1500);
        k.fault_seed = 20_261_201;
        k.faults = vec![
            tenant_sim::FaultRule::sometimes(
                20,
                tenant_sim::Fault::Throttle {
                    retry_after_secs: 0,
                },
            )
            .service(tenant_sim::Service::Graph),
        ];
    });
    let (status, document) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let throttled = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.status == 429)
        .count();
    assert!(throttled > 0, "some requests were throttled");
    let waits: Vec<Value> = session
        .events()
        .into_iter()
        .filter(|e| e["type"] == "wait")
        .collect();
    assert!(
        waits.iter().any(|w| w["reason"] == "replication"),
        "the lag was waited out"
    );
    let data = &document["data"];
    let unique = data["application"]["unique_name"].as_str().unwrap();
    let app_id = data["application"]["app_id"].as_str().unwrap();
    assert_eq!(copies(&tenant, unique, app_id), (1, 1, 3));
}

#[test]
fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    tenant.knobs().update(|k| {
        k.faults = vec![
            tenant_sim::FaultRule::next(1, tenant_sim::Fault::DropAfterHandling)
                .service(tenant_sim::Service::Graph)
                .on("PATCH", "/v1.0/applications(uniqueName="),
            tenant_sim::FaultRule::next(1, tenant_sim::Fault::DropAfterHandling)
                .service(tenant_sim::Service::Graph)
                .on("PATCH", "/v1.0/servicePrincipals(appId="),
        ];
    });
    let (status, document) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let dropped = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.status == 0)
        .count();
    assert_eq!(dropped, 2, "both answers were lost");
    let data = &document["data"];
    let unique = data["application"]["unique_name"].as_str().unwrap();
    let app_id = data["application"]["app_id"].as_str().unwrap();
    assert_eq!(copies(&tenant, unique, app_id), (1, 1, 3));
}

#[test]
fn lag_beyond_the_bound_names_the_step_and_a_second_run_completes() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    // A short bound on waiting for the directory, far below the lag.
    let options: Value = {
        let mut options: Value = serde_json::from_str(&tenant::fast_options()).unwrap();
        options["network"]["consistency_wait_ms"] = json!(300);
        options
    };
    let session = Session::new(Some(&options.to_string()));
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    tenant
        .knobs()
        .update(|k| k.replication_lag = std::time::Duration::from_secs(3));
    let (status, first) = provision(&session, &settings, json!({}));
    assert_eq!(status, ConnectorStatus::Timeout, "{}", first["error"]);
    let message = first["error"]["message"].as_str().unwrap();
    assert!(message.contains("service principal"), "{message}");
    assert_eq!(first["error"]["step"], "provision");
    let done: Vec<&str> = first["done"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["action"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["application_created"]);
    // The host keeps what came back (the certificate is on the application) and runs provision again.
    let mut stored = first["data"]["settings"].clone();
    stored["certificate_pem"] = first["data"]["credential"]["pem"].clone();
    tenant
        .knobs()
        .update(|k| k.replication_lag = std::time::Duration::ZERO);
    let (status, second) = session.call("provision", &stored.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{}", second["error"]);
    let data = &second["data"];
    assert!(
        data["credential"].is_null(),
        "the first certificate is kept: {}",
        data["items"]
    );
    let unique = data["application"]["unique_name"].as_str().unwrap();
    let app_id = data["application"]["app_id"].as_str().unwrap();
    assert_eq!(copies(&tenant, unique, app_id), (1, 1, 3));
}

//! "Log in to Azure" through the C ABI against tenant-sim over TLS: the device code and browser sign-ins,
//! one directory and several, what the connector learns about the administrator, and every way a sign-in
//! ends without one.

mod plugin_host;
mod tenant;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::{DeviceCodeApproval, KnobSettings, SeedOptions};

use crate::plugin_host::{EventLog, Session, api};
use crate::tenant::BrowserCall;

const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

fn active_role_ids(data: &Value) -> Vec<String> {
    data["user"]["roles"]["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["template_id"].as_str().unwrap().to_owned())
        .collect()
}

fn warning_codes(document: &Value) -> Vec<String> {
    document["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_owned())
        .collect()
}

fn prompts(session: &Session) -> Vec<Value> {
    session
        .events()
        .into_iter()
        .filter(|e| e["type"] == "sign_in_prompt")
        .collect()
}

#[test]
fn one_directory_device_code_sign_in_as_the_global_administrator() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("authenticate", &tenant::settings(&tenant, json!({})));
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    let data = &document["data"];
    assert_eq!(data["tenant"]["id"], tenant.tenant_id());
    assert_eq!(data["tenant"]["display_name"], "Contoso");
    assert_eq!(data["tenant"]["initial_domain"], tenant.initial_domain());
    let admin = &tenant.users().global_admin;
    assert_eq!(
        data["user"]["user_principal_name"],
        admin.user_principal_name.as_str()
    );
    assert_eq!(data["user"]["object_id"], admin.id.as_str());
    assert!(
        active_role_ids(data).contains(&GLOBAL_ADMINISTRATOR.to_owned()),
        "{data}"
    );
    assert_eq!(
        data["user"]["roles"]["active"][0]["name"],
        "Global Administrator"
    );
    for step in ["create_application", "assign_roles", "grant_consent"] {
        assert_eq!(data["can"][step]["allowed"], true, "{step}: {data}");
    }
    assert!(
        warning_codes(&document)
            .iter()
            .all(|c| !c.starts_with("cannot_")),
        "{document}"
    );
    assert_eq!(data["sign_in"]["method"], "device_code");
    assert!(
        data["sign_in"]["authority"]
            .as_str()
            .unwrap()
            .ends_with("/organizations"),
        "one directory signs in to organizations: {data}"
    );

    let prompts = prompts(&session);
    assert_eq!(prompts.len(), 1, "one prompt");
    assert_eq!(prompts[0]["method"], "device_code");
    assert!(!prompts[0]["user_code"].as_str().unwrap().is_empty());
    assert!(
        prompts[0]["verification_uri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
}

#[test]
fn several_directories_sign_in_to_the_typed_tenant() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let session = Session::new(Some(&tenant::fast_options()));
    let settings = tenant::settings(
        &tenant,
        json!({"tenant_mode": "several", "tenant_id": tenant.tenant_id()}),
    );
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    assert_eq!(document["data"]["tenant"]["id"], tenant.tenant_id());
    assert!(
        document["data"]["sign_in"]["authority"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{}", tenant.tenant_id())),
        "{document}"
    );
    let devicecode = tenant
        .request_log()
        .entries()
        .into_iter()
        .find(|e| e.path.ends_with("/oauth2/v2.0/devicecode"))
        .expect("a device code request");
    assert_eq!(
        devicecode.path,
        format!("/{}/oauth2/v2.0/devicecode", tenant.tenant_id())
    );
}

#[test]
fn an_unknown_tenant_is_not_found_in_this_cloud() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let session = Session::new(Some(&tenant::fast_options()));
    let unknown = "0b0c7e55-1d43-4a5e-8e51-3e2d25b7b0aa";
    let settings = tenant::settings(
        &tenant,
        json!({"tenant_mode": "several", "tenant_id": unknown}),
    );
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::SignInFailed, "{document}");
    let error = &document["error"];
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(unknown) && message.contains("was not found in the custom cloud"),
        "{message}"
    );
    assert_eq!(error["step"], "sign_in");
    assert_eq!(error["service"]["name"], "entra");
    assert_eq!(error["service"]["error_code"], "AADSTS90002");
    assert!(error["service"]["trace_id"].is_string(), "{error}");
    assert!(error["service"]["correlation_id"].is_string(), "{error}");
    assert!(
        prompts(&session).is_empty(),
        "no code is shown for a tenant that does not exist"
    );
}

#[test]
fn the_browser_sign_in_completes_through_the_loopback_redirect() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (send, receive) = mpsc::channel();
    let session = tenant::browser_session(send, "browser");
    let settings = tenant::settings(&tenant, json!({"sign_in_method": "browser"}));
    let BrowserCall {
        status,
        document,
        url,
        page,
    } = tenant::call_with_browser(&tenant, &session, receive, "authenticate", &settings, false);
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(
        url.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
        "{url}"
    );
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    assert_eq!(document["data"]["sign_in"]["method"], "browser");
    assert_eq!(document["data"]["tenant"]["id"], tenant.tenant_id());
    assert_eq!(page, 200, "the browser is shown the done page");
}

#[test]
fn a_browser_answer_with_another_state_is_refused() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let (send, receive) = mpsc::channel();
    let session = tenant::browser_session(send, "browser");
    let settings = tenant::settings(&tenant, json!({"sign_in_method": "browser"}));
    let BrowserCall {
        status,
        document,
        page,
        ..
    } = tenant::call_with_browser(&tenant, &session, receive, "authenticate", &settings, true);
    assert_eq!(status, ConnectorStatus::SignInFailed, "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("did not carry this sign-in's state"),
        "{document}"
    );
    assert_eq!(page, 400, "the browser is told the answer was refused");
    assert!(
        !tenant
            .request_log()
            .entries()
            .iter()
            .any(|e| e.path.ends_with("/token")),
        "the code of a refused answer is never redeemed"
    );
}

#[test]
fn a_declined_code_says_so() {
    let tenant = tenant::start_with(
        KnobSettings {
            device_code_approval: DeviceCodeApproval::Decline,
            ..tenant::quick_knobs()
        },
        SeedOptions::default(),
    );
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("authenticate", &tenant::settings(&tenant, json!({})));
    assert_eq!(status, ConnectorStatus::SignInFailed, "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("declined"),
        "{document}"
    );
}

#[test]
fn an_expired_code_times_out() {
    let tenant = tenant::start_with(
        KnobSettings {
            device_code_approval: DeviceCodeApproval::Manual,
            ..tenant::quick_knobs()
        },
        SeedOptions::default(),
    );
    let tenant = std::sync::Arc::new(tenant);
    let expirer = tenant.clone();
    let session = Session::with_log(
        Some(&tenant::fast_options()),
        EventLog {
            on_event: Some(Box::new(move |event| {
                if event["type"] == "sign_in_prompt" {
                    assert!(expirer.expire_device_code(event["user_code"].as_str().unwrap()));
                }
            })),
            ..EventLog::default()
        },
    );
    let (status, document) = session.call("authenticate", &tenant::settings(&tenant, json!({})));
    assert_eq!(status, ConnectorStatus::Timeout, "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired"),
        "{document}"
    );
}

#[test]
fn cancel_from_another_thread_while_polling_returns_within_a_second() {
    let tenant = tenant::start_with(
        KnobSettings {
            device_code_approval: DeviceCodeApproval::Manual,
            device_code_interval_secs: 1,
            ..tenant::quick_knobs()
        },
        SeedOptions::default(),
    );
    let (send, receive) = mpsc::channel::<()>();
    let send = std::sync::Mutex::new(send);
    let session = Session::with_log(
        Some(&tenant::fast_options()),
        EventLog {
            on_event: Some(Box::new(move |event| {
                if event["type"] == "sign_in_prompt" {
                    let _ = send.lock().unwrap().send(());
                }
            })),
            ..EventLog::default()
        },
    );
    let settings = tenant::settings(&tenant, json!({}));
    let session = &session;
    let tenant = &tenant;
    std::thread::scope(|scope| {
        let canceller = scope.spawn(move || {
            receive
                .recv_timeout(Duration::from_secs(20))
                .expect("a prompt");
            // Let the call reach its polling wait (a one-second interval) before cancelling.
            while !tenant
                .request_log()
                .entries()
                .iter()
                .any(|e| e.path.ends_with("/token"))
            {
                std::thread::yield_now();
            }
            let cancelled_at = Instant::now();
            // SAFETY: a live session; cancel may come from any thread.
            assert_eq!(
                unsafe { (api().cancel)(session.handle) },
                ConnectorStatus::Ok
            );
            cancelled_at
        });
        let (status, document) = session.call("authenticate", &settings);
        let returned_at = Instant::now();
        let cancelled_at = canceller.join().unwrap();
        assert_eq!(status, ConnectorStatus::Cancelled, "{document}");
        assert!(
            document["error"]["message"]
                .as_str()
                .unwrap()
                .contains("cancelled"),
            "{document}"
        );
        let took = returned_at.duration_since(cancelled_at);
        assert!(took < Duration::from_secs(1), "cancel took {took:?}");
    });
}

fn signed_in_as(user: &str, consented: bool) -> (tenant_sim::Tenant, ConnectorStatus, Value) {
    let seed = SeedOptions {
        sign_in_client_consented_scopes: if consented {
            [
                "User.Read",
                "Application.ReadWrite.All",
                "AppRoleAssignment.ReadWrite.All",
                "DelegatedPermissionGrant.ReadWrite.All",
                "RoleManagement.ReadWrite.Directory",
            ]
            .map(str::to_owned)
            .to_vec()
        } else {
            Vec::new()
        },
        ..SeedOptions::default()
    };
    let tenant = tenant::start_with(tenant::quick_knobs(), seed);
    let upn = match user {
        "application_admin" => tenant.users().application_admin.user_principal_name.clone(),
        "eligible_role_admin" => tenant
            .users()
            .eligible_role_admin
            .user_principal_name
            .clone(),
        _ => tenant.users().plain_user.user_principal_name.clone(),
    };
    tenant.knobs().update(|k| k.sign_in_user = Some(upn));
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("authenticate", &tenant::settings(&tenant, json!({})));
    (tenant, status, document)
}

#[test]
fn the_application_administrator_is_told_role_assignments_need_privileged_role_administrator() {
    let (_tenant, status, document) = signed_in_as("application_admin", false);
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    let can = &document["data"]["can"];
    assert_eq!(can["create_application"]["allowed"], true);
    assert_eq!(can["grant_consent"]["allowed"], true);
    assert_eq!(can["assign_roles"]["allowed"], false);
    assert_eq!(
        can["assign_roles"]["missing_role"],
        "Privileged Role Administrator"
    );
    assert_eq!(can["assign_roles"]["eligible"], false);
    let warnings: Vec<&Value> = document["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"].as_str().unwrap().starts_with("cannot_"))
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["code"], "cannot_assign_roles");
    assert!(
        warnings[0]["message"]
            .as_str()
            .unwrap()
            .contains("Privileged Role Administrator")
    );
}

#[test]
fn the_user_with_an_eligible_role_is_told_to_activate_it() {
    let (_tenant, status, document) = signed_in_as("eligible_role_admin", true);
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    let roles = &document["data"]["user"]["roles"];
    assert_eq!(roles["active"], json!([]));
    assert_eq!(
        roles["eligible"][0]["name"],
        "Privileged Role Administrator"
    );
    let assign = &document["data"]["can"]["assign_roles"];
    assert_eq!(assign["allowed"], false);
    assert_eq!(assign["eligible"], true);
    assert!(
        assign["message"]
            .as_str()
            .unwrap()
            .contains("activate it in Privileged Identity Management"),
        "{assign}"
    );
    let codes: Vec<&str> = document["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"cannot_assign_roles"), "{codes:?}");
}

#[test]
fn the_plain_user_gets_the_admin_approval_message() {
    let (_tenant, status, document) = signed_in_as("plain_user", false);
    assert_eq!(status, ConnectorStatus::SignInFailed, "{document}");
    let message = document["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("An administrator must approve the permissions"),
        "{message}"
    );
    assert!(
        document["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("Global Administrator")
    );
    assert_eq!(
        document["error"]["service"]["error_code"], "AADSTS90094",
        "{document}"
    );
}

#[test]
fn provision_without_a_sign_in_needs_one() {
    let tenant = tenant::start();
    let session = Session::new(Some(&tenant::fast_options()));
    let (status, document) = session.call("provision", &tenant::settings(&tenant, json!({})));
    assert_eq!(status, ConnectorStatus::SignInRequired, "{document}");
    assert_eq!(document["error"]["code"], "sign_in_required");
    assert!(tenant.request_log().is_empty(), "nothing was sent");
}

#[test]
fn an_expired_access_token_is_renewed_with_the_refresh_token_without_a_new_sign_in() {
    let tenant = tenant::start_with(
        KnobSettings {
            access_token_lifetime: Duration::from_secs(2),
            ..tenant::quick_knobs()
        },
        SeedOptions::default(),
    );
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let token_posts = |tenant: &tenant_sim::Tenant| {
        tenant
            .request_log()
            .entries()
            .iter()
            .filter(|e| e.method == "POST" && e.path.ends_with("/oauth2/v2.0/token"))
            .count()
    };
    let before = token_posts(&tenant);
    // Time passes: the two-second access token expires (the scenario; nothing is waited for).
    std::thread::sleep(Duration::from_millis(2100));
    let mut plan: Value = serde_json::from_str(&settings).unwrap();
    plan["plan_only"] = json!(true);
    let (status, document) = session.call("provision", &plan.to_string());
    assert_eq!(status, ConnectorStatus::Ok, "{document}");
    assert_eq!(
        token_posts(&tenant),
        before + 1,
        "one refresh-token request"
    );
    let devicecodes = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.path.ends_with("/devicecode"))
        .count();
    assert_eq!(devicecodes, 1, "no new sign-in");
    assert_eq!(prompts(&session).len(), 1, "no new prompt");
}

#[test]
fn one_endpoint_overridden_under_a_built_in_cloud_is_refused_before_any_request() {
    let tenant = tenant::start();
    let session = Session::new(Some(&tenant::fast_options()));
    for field in ["graph_endpoint", "exchange_endpoint", "authority_host"] {
        let url = match field {
            "graph_endpoint" => tenant.graph_url().to_owned(),
            "exchange_endpoint" => tenant.exchange_url().to_owned(),
            _ => tenant.authority_url().to_owned(),
        };
        let settings = json!({"settings_version": 3, "application_name": "Sync", "cloud": "global", field: url});
        for operation in ["configure", "authenticate"] {
            let (status, document) = session.call(operation, &settings.to_string());
            assert_eq!(
                status,
                ConnectorStatus::InvalidSettings,
                "{operation} {field}: {document}"
            );
            assert_eq!(document["error"]["fields"][0]["field"], field);
        }
    }
    assert!(tenant.request_log().is_empty(), "nothing was sent anywhere");
}

#[test]
fn no_token_reaches_an_event_a_result_or_a_log_line() {
    let tenant = tenant::start_with(
        KnobSettings {
            access_token_lifetime: Duration::from_secs(3),
            ..tenant::quick_knobs()
        },
        SeedOptions::default(),
    );
    let mut seen: Vec<String> = Vec::new();
    let settings = tenant::settings(&tenant, json!({}));
    // Device code sign-ins as every seeded user (the plain user's is refused), each followed by a plan.
    let users = [
        tenant.users().global_admin.user_principal_name.clone(),
        tenant.users().application_admin.user_principal_name.clone(),
        tenant.users().plain_user.user_principal_name.clone(),
    ];
    for upn in users {
        tenant
            .knobs()
            .update(|k| k.sign_in_user = Some(upn.clone()));
        let session = Session::new(Some(&tenant::fast_options()));
        let (_, document) = session.call("authenticate", &settings);
        seen.push(document.to_string());
        let mut plan: Value = serde_json::from_str(&settings).unwrap();
        plan["plan_only"] = json!(true);
        let (_, document) = session.call("provision", &plan.to_string());
        seen.push(document.to_string());
        seen.extend(session.events().iter().map(Value::to_string));
    }
    // A browser sign-in, and a refused one (multi-factor authentication required).
    tenant.knobs().update(|k| k.sign_in_user = None);
    let (send, receive) = mpsc::channel();
    let session = tenant::browser_session(send, "browser");
    let browser = tenant::settings(&tenant, json!({"sign_in_method": "browser"}));
    let call =
        tenant::call_with_browser(&tenant, &session, receive, "authenticate", &browser, false);
    seen.push(call.document.to_string());
    seen.extend(session.events().iter().map(Value::to_string));
    tenant
        .knobs()
        .update(|k| k.sign_in_refusal = Some(tenant_sim::SignInRefusal::MfaRequired));
    let refused = Session::new(Some(&tenant::fast_options()));
    let (status, document) = refused.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::SignInFailed, "{document}");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .contains("multi-factor"),
        "{document}"
    );
    seen.push(document.to_string());
    seen.extend(refused.events().iter().map(Value::to_string));

    let issued = tenant.issued_secrets();
    assert!(issued.len() >= 8, "tokens were issued: {}", issued.len());
    for secret in &issued {
        for text in &seen {
            assert!(
                !text.contains(secret.as_str()),
                "an issued token reached a document or event"
            );
        }
    }
}

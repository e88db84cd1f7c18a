//! A simulated tenant for the network tests, and the settings and session options that point the
//! connector at it: the custom cloud (all three endpoints), tenant-sim's CA as the only trust, the global
//! cloud's resource identifiers in scopes, and network bounds small enough that waits take milliseconds.
#![allow(dead_code)] // each test binary uses part of this module

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::{DeviceCodeApproval, KnobSettings, SeedOptions, Tenant, TenantOptions};

use crate::plugin_host::{EventLog, Session};

/// A tenant whose device codes are approved at once and may be polled without waiting.
pub fn start() -> Tenant {
    start_with(KnobSettings::default(), SeedOptions::default())
}

/// A tenant with these knobs (device codes approved at once and polled without waiting unless the knobs
/// say otherwise) and this seed.
pub fn start_with(knobs: KnobSettings, seed: SeedOptions) -> Tenant {
    Tenant::start_blocking(TenantOptions { seed, knobs }).expect("tenant-sim starts")
}

/// Knobs for a quick sign-in: the device code is approved before the first poll, polls need no interval.
pub fn quick_knobs() -> KnobSettings {
    KnobSettings {
        device_code_approval: DeviceCodeApproval::Approve,
        device_code_interval_secs: 0,
        ..KnobSettings::default()
    }
}

/// Settings for this tenant: auto configuration, one directory, the custom cloud at tenant-sim's
/// endpoints with its CA, and `extra` merged over them.
pub fn settings(tenant: &Tenant, extra: Value) -> String {
    let mut settings = json!({
        "settings_version": 3,
        "mode": "auto",
        "tenant_mode": "one",
        "cloud": "custom",
        "authority_host": tenant.authority_url(),
        "graph_endpoint": tenant.graph_url(),
        "exchange_endpoint": tenant.exchange_url(),
        "extra_ca_pem": tenant.ca_pem(),
        "sign_in_method": "device_code",
        "application_name": "Contoso Sync",
    });
    if let (Value::Object(base), Value::Object(extra)) = (&mut settings, extra) {
        for (name, value) in extra {
            base.insert(name, value);
        }
    }
    settings.to_string()
}

/// Session options with small network bounds (the host opens the browser itself).
pub fn fast_options() -> String {
    json!({
        "host": { "name": "tests" },
        "log_level": "debug",
        "network": {
            "request_timeout_ms": 10_000,
            "retry": { "max_attempts": 6, "base_delay_ms": 10, "max_delay_ms": 2_000 },
            "consistency_wait_ms": 10_000
        },
        "sign_in": { "open_browser": false, "timeout_ms": 20_000 }
    })
    .to_string()
}

/// A session on which the knob's user (the Global Administrator by default) signed in with the device code,
/// with these settings; panics when the sign-in fails.
pub fn signed_in(_tenant: &Tenant, settings: &str) -> Session {
    let session = Session::new(Some(&fast_options()));
    let (status, document) = session.call("authenticate", settings);
    assert_eq!(
        status,
        connector_abi::ConnectorStatus::Ok,
        "sign-in failed: {document}"
    );
    session
}

/// The requests of the request log that change something (POST, PATCH, PUT, DELETE), as "METHOD path",
/// batch items included.
pub fn writes(tenant: &Tenant) -> Vec<String> {
    tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| matches!(e.method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE"))
        .filter(|e| !e.path.ends_with("/$batch") && !e.path.contains("/oauth2/"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// Runs `future` to its end on a runtime of its own, with an HTTPS client that trusts only the tenant's CA
/// and never follows a redirect.
fn with_client<T>(tenant: &Tenant, future: impl AsyncFnOnce(reqwest::Client) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(tenant.ca_pem().as_bytes()).unwrap()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    runtime.block_on(future(client))
}

/// POSTs a form to one of the tenant's endpoints over TLS and returns the status.
pub fn post_form(tenant: &Tenant, url: &str, form: &[(&str, &str)]) -> u16 {
    with_client(tenant, async |client| {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in form {
            body.append_pair(name, value);
        }
        client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.finish())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

/// The sequential round trips to `service` in the request log: HTTP requests (a `$batch` counts once, its
/// items not at all) that did not overlap an earlier one, i.e. the length of the chain of requests one
/// waited for before sending the next.
pub fn sequential_round_trips(tenant: &Tenant, service: tenant_sim::Service) -> usize {
    sequential_round_trips_to(tenant, &[service])
}

/// The sequential round trips to any of `services` (requests to different services that overlap count
/// once).
pub fn sequential_round_trips_to(tenant: &Tenant, services: &[tenant_sim::Service]) -> usize {
    let mut entries: Vec<tenant_sim::RequestLogEntry> = tenant
        .request_log()
        .entries()
        .into_iter()
        .filter(|e| services.contains(&e.service) && e.batch_item.is_none())
        .collect();
    entries.sort_by_key(|e| e.started_at);
    let mut round_trips = 0;
    let mut busy_until: Option<time::OffsetDateTime> = None;
    for entry in entries {
        match busy_until {
            Some(end) if entry.started_at < end => busy_until = Some(end.max(entry.finished_at)),
            _ => {
                round_trips += 1;
                busy_until = Some(entry.finished_at);
            }
        }
    }
    round_trips
}

/// What the directory holds for the application named `display_name`: its applications, their service
/// principals, and the directory roles, app roles and delegated grants of those service principals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    pub applications: usize,
    pub service_principals: usize,
    pub role_assignments: usize,
    pub app_role_assignments: usize,
    pub delegated_grants: usize,
}

/// What a provisioned application has in the directory (before consent): itself, its service principal
/// and its three directory roles.
pub const PROVISIONED: Footprint = Footprint {
    applications: 1,
    service_principals: 1,
    role_assignments: 3,
    app_role_assignments: 0,
    delegated_grants: 0,
};

/// The JSON document `document` with the member `name` set to `value` (an operation's input beside the
/// settings, such as `confirm_application_id`).
pub fn with_member(document: &str, name: &str, value: Value) -> String {
    let mut input: Value = serde_json::from_str(document).unwrap();
    input[name] = value;
    input.to_string()
}

/// A member of a directory object (`null` when absent).
fn member<'a>(object: &'a tenant_sim::directory::DirectoryObject, name: &str) -> &'a Value {
    object.json.get(name).unwrap_or(&Value::Null)
}

/// The directory's objects for the application named `display_name` (read from tenant-sim's directory,
/// not from what the connector reported).
pub fn footprint(tenant: &Tenant, display_name: &str) -> Footprint {
    let directory = tenant.directory();
    let directory = directory.read();
    let app_ids: Vec<&Value> = directory
        .applications
        .iter()
        .filter(|a| member(a, "displayName") == display_name)
        .map(|a| member(a, "appId"))
        .collect();
    let sp_ids: Vec<&Value> = directory
        .service_principals
        .iter()
        .filter(|s| app_ids.contains(&member(s, "appId")))
        .map(|s| member(s, "id"))
        .collect();
    let of_sp = |objects: &[tenant_sim::directory::DirectoryObject], name: &str| {
        objects
            .iter()
            .filter(|o| sp_ids.contains(&member(o, name)))
            .count()
    };
    Footprint {
        applications: app_ids.len(),
        service_principals: sp_ids.len(),
        role_assignments: of_sp(&directory.role_assignments, "principalId"),
        app_role_assignments: of_sp(&directory.app_role_assignments, "principalId"),
        delegated_grants: of_sp(&directory.oauth2_permission_grants, "clientId"),
    }
}

/// Objects the directory holds twice, as "kind key" lines: applications by unique name and by display
/// name, service principals by appId, role assignments by principal and role, app role assignments by
/// principal, resource and role, delegated grants by client, resource, consent type and principal.
pub fn duplicates(tenant: &Tenant) -> Vec<String> {
    let directory = tenant.directory();
    let directory = directory.read();
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut count = |kind: &str,
                     objects: &[tenant_sim::directory::DirectoryObject],
                     keys: &[&str]| {
        for object in objects {
            let values: Vec<String> = keys.iter().map(|k| member(object, k).to_string()).collect();
            if values.iter().all(|v| v == "null") {
                continue;
            }
            *seen
                .entry(format!("{kind} {}", values.join(" ")))
                .or_default() += 1;
        }
    };
    count("application", &directory.applications, &["uniqueName"]);
    count("application", &directory.applications, &["displayName"]);
    count(
        "service_principal",
        &directory.service_principals,
        &["appId"],
    );
    count(
        "role_assignment",
        &directory.role_assignments,
        &["principalId", "roleDefinitionId", "directoryScopeId"],
    );
    count(
        "app_role_assignment",
        &directory.app_role_assignments,
        &["principalId", "resourceId", "appRoleId"],
    );
    count(
        "delegated_grant",
        &directory.oauth2_permission_grants,
        &["clientId", "resourceId", "consentType", "principalId"],
    );
    let mut twice: Vec<String> = seen
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(key, n)| format!("{key} ({n} times)"))
        .collect();
    twice.sort();
    twice
}

/// Runs provision with `settings` on a signed-in session and returns what a host stores from its result:
/// `data.settings`, with the handed-over certificate and key (`data.credential.pem`) in `certificate_pem`.
pub fn provisioned(session: &Session, settings: &str) -> Value {
    let (status, document) = session.call("provision", settings);
    assert_eq!(
        status,
        connector_abi::ConnectorStatus::Ok,
        "provision failed: {}",
        document["error"]
    );
    let mut stored = document["data"]["settings"].clone();
    stored["certificate_pem"] = document["data"]["credential"]["pem"].clone();
    stored
}

/// Plays the browser: follows the URL from the prompt (sign-in or admin consent) to tenant-sim's endpoint (which
/// signs the knob's user in and redirects), then follows the redirect to the connector's loopback
/// listener, optionally with another state.
pub fn play_browser(tenant: &tenant_sim::Tenant, url: &str, tamper_state: bool) -> u16 {
    with_client(tenant, async |client| {
        let answer = client.get(url).send().await.unwrap();
        assert_eq!(answer.status(), 302, "the Entra endpoint redirects");
        let mut location = url::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(
            location.host_str(),
            Some("localhost"),
            "to the loopback redirect"
        );
        if tamper_state {
            let pairs: Vec<(String, String)> = location
                .query_pairs()
                .map(|(k, v)| {
                    let value = if k == "state" {
                        "forged".to_owned()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), value)
                })
                .collect();
            location.query_pairs_mut().clear().extend_pairs(pairs);
        }
        location.set_host(Some("127.0.0.1")).unwrap();
        let plain = reqwest::Client::builder().build().unwrap();
        plain.get(location).send().await.unwrap().status().as_u16()
    })
}

/// What a call gave while the test played the browser: its status and result, the URL of the prompt, and the
/// HTTP status of the last page the browser was shown.
pub struct BrowserCall {
    pub status: ConnectorStatus,
    pub document: Value,
    pub url: String,
    pub page: u16,
}

/// Runs `operation` with `input` on `session` (from [`browser_session`], whose prompt URLs arrive on `urls`)
/// while another thread plays the browser on the prompt's URL ([`play_browser`]).
pub fn call_with_browser(
    tenant: &Tenant,
    session: &Session,
    urls: std::sync::mpsc::Receiver<String>,
    operation: &str,
    input: &str,
    tamper_state: bool,
) -> BrowserCall {
    std::thread::scope(|scope| {
        let browser = scope.spawn(move || {
            let url = urls
                .recv_timeout(std::time::Duration::from_secs(20))
                .expect("a browser prompt");
            let page = play_browser(tenant, &url, tamper_state);
            (url, page)
        });
        let (status, document) = session.call(operation, input);
        let (url, page) = browser.join().unwrap();
        BrowserCall {
            status,
            document,
            url,
            page,
        }
    })
}

/// A session whose event callback hands the URL of each `sign_in_prompt` of `method` (`browser`,
/// `admin_consent`) to the test.
pub fn browser_session(urls: std::sync::mpsc::Sender<String>, method: &'static str) -> Session {
    let urls = std::sync::Mutex::new(urls);
    Session::with_log(
        Some(&fast_options()),
        EventLog {
            on_event: Some(Box::new(move |event| {
                if event["type"] == "sign_in_prompt" && event["method"] == method {
                    let _ = urls
                        .lock()
                        .unwrap()
                        .send(event["url"].as_str().unwrap().to_owned());
                }
            })),
            ..EventLog::default()
        },
    )
}

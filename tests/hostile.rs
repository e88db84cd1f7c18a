//! Hostile and broken services, through the C ABI against tenant-sim: truncated JSON, an HTML page instead
//! of JSON, a wrong content type, an oversized body, a body that never ends and a redirect to another host,
//! each at every kind of step of sign-in, provision and remove; and a TLS certificate for another name.
//! Every one ends the call with `SERVICE_ERROR` or `NETWORK_ERROR` naming the service and the step, within
//! the request timeout, and nothing is written after the answer the connector could not read. A re-run
//! once the service behaves finishes the job without creating anything twice.

mod plugin_host;
mod tenant;

use std::time::{Duration, Instant};

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::{Fault, FaultRule, Service, Tenant};

use crate::plugin_host::Session;

/// The request timeout of these tests: an endless body must end within it.
const REQUEST_TIMEOUT_MS: u64 = 3_000;

/// The bound on answers: the oversized and endless bodies go beyond it.
const MAX_RESPONSE_BYTES: u64 = 256 * 1024;

/// Session options with a short request timeout, a small bound on answers and quick retries.
fn options() -> String {
    json!({
        "log_level": "debug",
        "network": {
            "request_timeout_ms": REQUEST_TIMEOUT_MS,
            "max_response_bytes": MAX_RESPONSE_BYTES,
            "retry": { "max_attempts": 3, "base_delay_ms": 10, "max_delay_ms": 1_000 },
            "consistency_wait_ms": 10_000
        },
        "sign_in": { "open_browser": false, "timeout_ms": 20_000 }
    })
    .to_string()
}

/// The hostile answers, with a name for messages.
fn hostile() -> Vec<(&'static str, Fault)> {
    vec![
        ("truncated JSON", Fault::TruncatedJson),
        ("an HTML page", Fault::Html { status: 200 }),
        ("a wrong content type", Fault::WrongContentType),
        (
            "an oversized body",
            Fault::OversizedBody {
                bytes: 4 * MAX_RESPONSE_BYTES,
            },
        ),
        ("a body that never ends", Fault::EndlessBody),
        ("a redirect to another host", Fault::RedirectToOtherHost),
    ]
}

/// What a failed call must show: a service or network error naming `service` and `step`, in its message
/// too, returned within the time a request may take (with its retries).
fn assert_clear_failure(
    what: &str,
    (status, document): &(ConnectorStatus, Value),
    elapsed: Duration,
    service: &str,
    step: &str,
) {
    let error = &document["error"];
    assert!(
        matches!(
            status,
            ConnectorStatus::ServiceError | ConnectorStatus::NetworkError
        ),
        "{what}: {status:?}, {error}"
    );
    assert_eq!(error["service"]["name"], service, "{what}: {error}");
    assert_eq!(error["step"], step, "{what}: {error}");
    let display = match service {
        "entra" => "Microsoft Entra ID",
        "graph" => "Microsoft Graph",
        _ => "Exchange Online",
    };
    let message = error["message"].as_str().unwrap_or_default();
    assert!(message.contains(display), "{what}: {message}");
    assert!(
        error["service"]["action"].is_string(),
        "{what}: the error does not say what the connector was doing: {error}"
    );
    assert!(
        message.len() < 1_000,
        "{what}: a {}-byte message",
        message.len()
    );
    // One request's timeout, plus slack for the connector's own work on a loaded machine.
    let bound = Duration::from_millis(REQUEST_TIMEOUT_MS) + Duration::from_secs(5);
    assert!(elapsed < bound, "{what}: the call took {elapsed:?}");
}

/// Runs an operation and times it.
fn timed(session: &Session, operation: &str, input: &str) -> ((ConnectorStatus, Value), Duration) {
    let started = Instant::now();
    let result = session.call(operation, input);
    (result, started.elapsed())
}

/// The writes the request log shows after the first request that got a fault (batch items included).
fn writes_after_the_fault(tenant: &Tenant) -> Vec<String> {
    let entries = tenant.request_log().entries();
    let Some(faulted) = entries.iter().position(|e| e.fault.is_some()) else {
        return vec!["(no request got the fault)".to_owned()];
    };
    entries[faulted + 1..]
        .iter()
        .filter(|e| matches!(e.method.as_str(), "POST" | "PATCH" | "PUT" | "DELETE"))
        .filter(|e| !e.path.ends_with("/$batch") && !e.path.contains("/oauth2/"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// Runs `operation` once with `fault` on the next Graph request `method path` (the request log cleared
/// first), and times it.
fn once_faulted(
    tenant: &Tenant,
    session: &Session,
    fault: Fault,
    (method, path): (&str, &str),
    operation: &str,
    input: &str,
) -> ((ConnectorStatus, Value), Duration) {
    tenant.request_log().clear();
    tenant.knobs().update(|k| {
        k.faults = vec![
            FaultRule::next(1, fault)
                .service(Service::Graph)
                .on(method, path),
        ];
    });
    timed(session, operation, input)
}

/// After a faulted call: nothing was written after the faulted answer, and once the service behaves the
/// same call succeeds.
fn finished_by_a_rerun(
    tenant: &Tenant,
    session: &Session,
    what: &str,
    operation: &str,
    input: &str,
) {
    assert_eq!(
        writes_after_the_fault(tenant),
        Vec::<String>::new(),
        "{what}: written after the unreadable answer"
    );
    tenant.knobs().update(|k| k.faults.clear());
    let (status, document) = session.call(operation, input);
    assert_eq!(
        status,
        ConnectorStatus::Ok,
        "{what}, re-run: {}",
        document["error"]
    );
}

fn signed_in_session(settings: &str) -> Session {
    let session = Session::new(Some(&options()));
    let (status, document) = session.call("authenticate", settings);
    assert_eq!(
        status,
        ConnectorStatus::Ok,
        "sign-in failed: {}",
        document["error"]
    );
    session
}

#[test]
fn sign_in_refuses_every_hostile_answer_clearly() {
    let tenant = tenant::start_with(tenant::quick_knobs(), tenant_sim::SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    // The device code request, the token poll, and Graph's account read (one $batch).
    let phases = [
        (
            Service::Authority,
            "POST",
            "/organizations/oauth2/v2.0/devicecode",
            "entra",
        ),
        (
            Service::Authority,
            "POST",
            "/organizations/oauth2/v2.0/token",
            "entra",
        ),
        (Service::Graph, "POST", "/v1.0/$batch", "graph"),
    ];
    for (name, fault) in hostile() {
        for (service, method, path, service_name) in phases {
            tenant.knobs().update(|k| {
                k.faults = vec![FaultRule::always(fault).service(service).on(method, path)];
            });
            let session = Session::new(Some(&options()));
            let (result, elapsed) = timed(&session, "authenticate", &settings);
            let what = format!("sign-in with {name} on {method} {path}");
            assert_clear_failure(&what, &result, elapsed, service_name, "sign_in");
        }
    }
    tenant.knobs().update(|k| k.faults.clear());
    let session = Session::new(Some(&options()));
    let (status, document) = session.call("authenticate", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
}

#[test]
fn provision_writes_nothing_after_an_unreadable_answer_and_a_rerun_finishes() {
    let tenant = tenant::start_with(tenant::quick_knobs(), tenant_sim::SeedOptions::default());
    let base = tenant::settings(&tenant, json!({}));
    let session = signed_in_session(&base);
    // The lookup (one $batch), the creation of the application, the creation of its service principal.
    let phases = [
        ("POST", "/v1.0/$batch", "the lookup"),
        (
            "PATCH",
            "/v1.0/applications(",
            "the creation of the application",
        ),
        (
            "PATCH",
            "/v1.0/servicePrincipals(",
            "the creation of the service principal",
        ),
    ];
    let mut run = 0;
    for (name, fault) in hostile() {
        for (method, path, phase) in phases {
            run += 1;
            let settings =
                tenant::with_member(&base, "application_name", json!(format!("Hostile {run}")));
            let (result, elapsed) = once_faulted(
                &tenant,
                &session,
                fault,
                (method, path),
                "provision",
                &settings,
            );
            let what = format!("provision with {name} in {phase}");
            assert_clear_failure(&what, &result, elapsed, "graph", "provision");
            finished_by_a_rerun(&tenant, &session, &what, "provision", &settings);
            assert_eq!(
                tenant::footprint(&tenant, &format!("Hostile {run}")),
                tenant::PROVISIONED,
                "{what}"
            );
        }
    }
}

#[test]
fn remove_reports_an_unreadable_answer_and_a_rerun_finishes() {
    let tenant = tenant::start_with(tenant::quick_knobs(), tenant_sim::SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = signed_in_session(&settings);
    let phases = [
        ("GET", "/v1.0/applications", "the lookup"),
        ("DELETE", "/v1.0/applications/", "the deletion"),
    ];
    for (name, fault) in hostile() {
        for (method, path, phase) in phases {
            let (status, document) = session.call("provision", &settings);
            assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
            let app_id = document["data"]["application"]["app_id"].clone();
            let input = tenant::with_member(&settings, "confirm_application_id", app_id);
            let (result, elapsed) =
                once_faulted(&tenant, &session, fault, (method, path), "remove", &input);
            let what = format!("remove with {name} in {phase}");
            if method == "DELETE"
                && matches!(fault, Fault::WrongContentType | Fault::TruncatedJson)
                && result.0 == ConnectorStatus::Ok
            {
                // A deletion answers 204 without a body: a label or a cut changes nothing readable.
                assert_eq!(tenant.object_counts().applications, 0, "{what}");
                continue;
            }
            assert_clear_failure(&what, &result, elapsed, "graph", "remove");
            finished_by_a_rerun(&tenant, &session, &what, "remove", &input);
            assert_eq!(tenant.object_counts().applications, 0, "{what}");
        }
    }
}

/// A TLS listener on 127.0.0.1 whose certificate (from a CA of its own) names only `login.other.example`:
/// its URL and that CA's PEM. It completes no handshake with a client that checks names, and counts the
/// bytes of application data it received (there must be none).
fn server_for_another_name() -> (
    String,
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::io::Read;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["login.other.example".to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    std::thread::spawn(move || {
        // Bounded: the test makes a few connections; the thread ends with the test process.
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let mut connection = rustls::ServerConnection::new(config.clone()).unwrap();
            let mut tls = rustls::Stream::new(&mut connection, &mut stream);
            let mut buffer = [0u8; 4096];
            while let Ok(n) = tls.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                counter.fetch_add(n, Ordering::SeqCst);
            }
        }
    });
    (url, ca.pem(), received)
}

#[test]
fn a_certificate_for_another_name_is_refused_before_anything_is_sent() {
    let (url, ca_pem, received) = server_for_another_name();
    let settings = json!({
        "settings_version": 3, "mode": "auto", "tenant_mode": "one", "cloud": "custom",
        "authority_host": url, "graph_endpoint": url, "exchange_endpoint": url,
        "extra_ca_pem": ca_pem, "sign_in_method": "device_code", "application_name": "Contoso Sync",
    })
    .to_string();
    let session = Session::new(Some(&options()));
    let (result, elapsed) = timed(&session, "authenticate", &settings);
    assert_eq!(
        result.0,
        ConnectorStatus::NetworkError,
        "{}",
        result.1["error"]
    );
    assert_clear_failure(
        "sign-in at a host with another name's certificate",
        &result,
        elapsed,
        "entra",
        "sign_in",
    );
    let message = result.1["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("TLS certificate") && message.contains("did not send anything"),
        "{message}"
    );
    assert_eq!(
        received.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the connector sent data over a connection it should have refused"
    );
}

#[test]
fn consent_and_the_connection_test_report_every_hostile_answer_clearly() {
    let tenant = tenant::start_with(tenant::quick_knobs(), tenant_sim::SeedOptions::default());
    let base = tenant::settings(&tenant, json!({}));
    let session = signed_in_session(&base);
    for (run, (name, fault)) in hostile().into_iter().enumerate() {
        let settings = tenant::with_member(
            &base,
            "application_name",
            json!(format!("Hostile consent {run}")),
        );
        let stored = tenant::provisioned(&session, &settings).to_string();
        // Consent: its reads and writes go in $batch requests.
        let (result, elapsed) = once_faulted(
            &tenant,
            &session,
            fault,
            ("POST", "/v1.0/$batch"),
            "consent",
            &stored,
        );
        let what = format!("consent with {name}");
        assert_clear_failure(&what, &result, elapsed, "graph", "consent");
        finished_by_a_rerun(&tenant, &session, &what, "consent", &stored);
        // The connection test: the Exchange admin call's answer is the hostile one. The test reports it
        // as its check, naming Exchange Online, and the other checks stand.
        tenant.knobs().update(|k| {
            k.faults = vec![
                FaultRule::always(fault)
                    .service(Service::Exchange)
                    .on("POST", "/adminapi/"),
            ];
        });
        let ((status, document), elapsed) = timed(&session, "test", &stored);
        tenant.knobs().update(|k| k.faults.clear());
        let what = format!("test with {name} from Exchange Online");
        assert_eq!(
            status,
            ConnectorStatus::TestFailed,
            "{what}: {}",
            document["error"]
        );
        assert_eq!(document["error"]["step"], "test", "{what}");
        let checks = document["data"]["checks"].as_array().unwrap();
        let failed: Vec<&str> = checks
            .iter()
            .filter(|c| c["status"] == "fail")
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(failed, ["exchange_admin_call"], "{what}");
        let exchange = checks
            .iter()
            .find(|c| c["name"] == "exchange_admin_call")
            .unwrap();
        let message = exchange["message"].as_str().unwrap_or_default();
        assert!(message.contains("Exchange Online"), "{what}: {message}");
        let bound = Duration::from_millis(REQUEST_TIMEOUT_MS) + Duration::from_secs(5);
        assert!(elapsed < bound, "{what}: the call took {elapsed:?}");
        let (status, document) = session.call("test", &stored);
        assert_eq!(
            status,
            ConnectorStatus::Ok,
            "{what}, re-run: {}",
            document["error"]
        );
    }
}

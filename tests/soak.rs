//! The fault soak: seeded runs of the whole flow through the C ABI, each against its own tenant-sim with
//! random throttling (also of single `$batch` items), 5xx answers, dropped connections (before and after
//! the request was handled) and replication lag, all drawn from the flow's seed. A flow runs the wizard —
//! sign-in, provision, consent, test connection — and removes the application; each step is run again, as
//! an administrator would, while it fails with a clear error, with the settings a host keeps from provision.
//!
//! Counted, from tenant-sim's directory and not from what the connector reported: converged flows, flows
//! that ended with a correctly reported error, duplicates of any object, errors that do not name their step,
//! objects left behind (beyond the application's own after provision, anything after remove), and every
//! token, client secret and private key issued in the run found in an event, a result or an error (the
//! hand-over in `data.credential` and `data.secret` of provision is the one allowed place).
//!
//! `M365_SOAK_FLOWS` (default 50) sets the number of flows, `M365_SOAK_SEED` the first seed (default 1),
//! `M365_SOAK_THREADS` (default 2) how many run at once. A flow that breaks a rule prints its seed; replay it
//! alone with `M365_SOAK_FLOWS=1 M365_SOAK_SEED=<seed>`. The documented long run:
//! `M365_SOAK_FLOWS=1000 cargo test -p m365-connector --test soak -- --nocapture`.

mod plugin_host;
mod tenant;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};
use tenant_sim::{Fault, FaultRule, KnobSettings, SeedOptions, Service, Tenant};

use crate::plugin_host::Session;
use crate::tenant::Footprint;

/// How often an administrator runs a failed step again before the flow counts as reported, not converged.
const RUNS_PER_STEP: usize = 3;

/// A small deterministic generator (splitmix64) for a flow's knobs.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..=max`.
    fn up_to(&mut self, max: u64) -> u64 {
        self.next() % (max + 1)
    }
}

/// The knobs of flow `seed`: random faults by chance (seeded), and a replication lag.
fn knobs(seed: u64) -> (KnobSettings, String) {
    let mut draw = Draw(seed);
    let throttle = draw.up_to(15) as u8;
    let unavailable = draw.up_to(8) as u8;
    let dropped = draw.up_to(4) as u8;
    let lost = draw.up_to(4) as u8;
    let lag = Duration::from_millis(draw.up_to(300));
    let sign_in = draw.up_to(5) as u8;
    let faults = vec![
        FaultRule::sometimes(
            sign_in,
            Fault::ServiceUnavailable {
                retry_after_secs: None,
            },
        )
        .service(Service::Authority),
        FaultRule::sometimes(
            throttle,
            Fault::Throttle {
                retry_after_secs: 0,
            },
        )
        .service(Service::Graph),
        FaultRule::sometimes(unavailable, Fault::GatewayTimeout).service(Service::Graph),
        FaultRule::sometimes(unavailable, Fault::InternalServerError).service(Service::Graph),
        FaultRule::sometimes(dropped, Fault::DropConnection).service(Service::Graph),
        FaultRule::sometimes(lost, Fault::DropAfterHandling).service(Service::Graph),
        FaultRule::sometimes(
            throttle,
            Fault::Throttle {
                retry_after_secs: 0,
            },
        )
        .service(Service::Exchange),
        FaultRule::sometimes(
            unavailable,
            Fault::ServiceUnavailable {
                retry_after_secs: None,
            },
        )
        .service(Service::Exchange),
    ];
    let knobs = KnobSettings {
        faults,
        fault_seed: seed,
        replication_lag: lag,
        ..tenant::quick_knobs()
    };
    let described = format!(
        "throttle {throttle}% (Graph, Exchange), 5xx {unavailable}%+{unavailable}% (Graph), 503 {unavailable}% (Exchange), dropped {dropped}%, lost answers {lost}%, \
         sign-in 503 {sign_in}%, lag {} ms",
        lag.as_millis()
    );
    (knobs, described)
}

fn options() -> String {
    json!({
        "log_level": "debug",
        "network": {
            "request_timeout_ms": 10_000,
            "retry": { "max_attempts": 6, "base_delay_ms": 5, "max_delay_ms": 2_000 },
            "consistency_wait_ms": 10_000
        },
        "sign_in": { "open_browser": false, "timeout_ms": 20_000 }
    })
    .to_string()
}

/// What one flow came to.
#[derive(Debug, Default)]
struct FlowReport {
    converged: bool,
    /// The last failure, when the flow did not converge: status and error.
    reported: Option<String>,
    /// The test connection failed only its directory-read checks (roles, consents) while tenant-sim's
    /// directory held every one of them: the reads came before replication (see the README).
    lag_false_failure: bool,
    /// The names of the checks the last failed test connection failed.
    failed_checks: Vec<String>,
    /// Rules broken: each a line naming what.
    broken: Vec<String>,
    duplicates: usize,
    unnamed_errors: usize,
    left_behind: usize,
    secrets_found: usize,
    /// How many secret values the scan looked for.
    secrets_checked: usize,
    calls: usize,
    /// Faults tenant-sim injected (requests and batch items).
    faults: usize,
}

/// The texts a flow's host saw (events and result documents), and the values handed over on purpose.
#[derive(Default)]
struct Seen {
    texts: Vec<String>,
    handed_over: Vec<String>,
}

/// What the host keeps between steps, as a console would: the settings (from `data.settings` of each
/// provision, failed ones included) with the handed-over certificate and key in `certificate_pem` and a new
/// client secret in `client_secret`.
struct Stored(Value);

impl Stored {
    /// Takes what a provision document hands over: kept for the next steps, and searched for in every
    /// text of the flow (the hand-over itself is the one place it may be).
    fn keep(&mut self, document: &mut Value, seen: &mut Seen) {
        let credential = document["data"]["credential"].take();
        let secret = document["data"]["secret"].take();
        collect_secrets(&credential, &mut seen.handed_over);
        collect_secrets(&secret, &mut seen.handed_over);
        let Value::Object(settings) = document["data"]["settings"].clone() else {
            return;
        };
        let previous = std::mem::replace(&mut self.0, Value::Object(settings));
        self.0["certificate_pem"] = match credential["pem"].as_str() {
            Some(pem) => json!(pem),
            None => previous["certificate_pem"].clone(),
        };
        self.0["client_secret"] = match secret["secret_text"].as_str() {
            Some(text) => json!(text),
            None => previous["client_secret"].clone(),
        };
    }
}

/// Runs one step (with the stored settings and `extra` members) until it succeeds or was run
/// [`RUNS_PER_STEP`] times; checks every failure names its step. Returns the successful document.
fn step(
    session: &Session,
    operation: &str,
    stored: &mut Stored,
    extra: Option<(&str, Value)>,
    report: &mut FlowReport,
    seen: &mut Seen,
) -> Option<Value> {
    for _ in 0..RUNS_PER_STEP {
        report.calls += 1;
        let mut input = stored.0.clone();
        if let Some((name, value)) = &extra {
            input[*name] = value.clone();
        }
        let (status, mut document) = session.call(operation, &input.to_string());
        if operation == "provision" {
            stored.keep(&mut document, seen);
        }
        seen.texts.push(document.to_string());
        if status == ConnectorStatus::Ok {
            return Some(document);
        }
        let error = &document["error"];
        if !error["step"].is_string() || !error["message"].is_string() {
            report.unnamed_errors += 1;
            report
                .broken
                .push(format!("{operation}: an error without a step: {error}"));
        }
        if matches!(
            status,
            ConnectorStatus::Panic | ConnectorStatus::Internal | ConnectorStatus::InvalidJson
        ) {
            report
                .broken
                .push(format!("{operation}: {status:?}: {error}"));
        }
        report.failed_checks = document["data"]["checks"]
            .as_array()
            .map(|checks| {
                checks
                    .iter()
                    .filter(|c| c["status"] == "fail")
                    .filter_map(|c| c["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        report.reported = Some(format!("{operation}: {status:?}: {}", error["message"]));
    }
    None
}

/// The secret members of a hand-over (`data.credential`, `data.secret`): the private key (alone or in
/// `pem`), the PKCS#12 and its password, a client secret's text.
fn collect_secrets(handed: &Value, into: &mut Vec<String>) {
    for member in [
        "private_key_pem",
        "pem",
        "pkcs12_base64",
        "pkcs12_password",
        "secret_text",
    ] {
        if let Some(text) = handed[member].as_str() {
            into.push(text.to_owned());
        }
    }
}

/// The secrets a text must not hold: what tenant-sim issued (tokens, client secrets) and what provision
/// handed over (private key, PKCS#12 and its password, client secret), private keys by each base64 line.
fn secrets(tenant: &Tenant, seen: &Seen) -> Vec<String> {
    let mut secrets: Vec<String> = tenant
        .issued_secrets()
        .into_iter()
        .filter(|s| s.len() >= 16)
        .collect();
    for handed in &seen.handed_over {
        if handed.contains("PRIVATE KEY") {
            // Each line of the key's base64 body, so a key cut or re-wrapped is found too.
            let key = handed
                .split("-----BEGIN PRIVATE KEY-----")
                .nth(1)
                .unwrap_or_default();
            secrets.extend(
                key.lines()
                    .map(str::trim)
                    .filter(|line| line.len() >= 32 && !line.starts_with("-----"))
                    .map(str::to_owned),
            );
        } else {
            secrets.push(handed.clone());
        }
    }
    secrets
}

/// What a consented application has in the directory: the provisioned footprint, the app role
/// assignment of `Exchange.ManageAsApp` and the `AllPrincipals` grant of `User.Read`.
const CONSENTED: Footprint = Footprint {
    app_role_assignments: 1,
    delegated_grants: 1,
    ..tenant::PROVISIONED
};

/// Checks the directory's objects for the application against what the flow should have made; counts
/// what is beyond it as left behind.
fn expect_footprint(
    tenant: &Tenant,
    name: &str,
    expected: Footprint,
    after: &str,
    report: &mut FlowReport,
) -> bool {
    let found = tenant::footprint(tenant, name);
    if found == expected {
        return true;
    }
    report.left_behind += found.applications.saturating_sub(expected.applications)
        + found
            .service_principals
            .saturating_sub(expected.service_principals)
        + found
            .role_assignments
            .saturating_sub(expected.role_assignments)
        + found
            .app_role_assignments
            .saturating_sub(expected.app_role_assignments)
        + found
            .delegated_grants
            .saturating_sub(expected.delegated_grants);
    report.broken.push(format!("after {after}: {found:?}"));
    false
}

/// The steps of one flow against `tenant`, as the wizard runs them: sign-in, provision, consent, test
/// connection, then remove; the directory checked after each step that changes it. Returns whether every
/// step finished and the directory held what it should.
fn steps(
    tenant: &Tenant,
    session: &Session,
    settings: &str,
    name: &str,
    report: &mut FlowReport,
    seen: &mut Seen,
) -> bool {
    let before = tenant.object_counts();
    let mut stored = Stored(serde_json::from_str(settings).unwrap());
    if step(session, "authenticate", &mut stored, None, report, seen).is_none() {
        return false;
    }
    let Some(provisioned) = step(session, "provision", &mut stored, None, report, seen) else {
        return false;
    };
    let mut right = expect_footprint(tenant, name, tenant::PROVISIONED, "provision", report);
    let extra = tenant.object_counts().applications - before.applications - 1;
    if extra != 0 {
        report.left_behind += extra;
        report
            .broken
            .push(format!("{extra} applications beyond the flow's own"));
        right = false;
    }
    if step(session, "consent", &mut stored, None, report, seen).is_none() {
        return false;
    }
    right &= expect_footprint(tenant, name, CONSENTED, "consent", report);
    if step(session, "test", &mut stored, None, report, seen).is_none() {
        report.lag_false_failure = !report.failed_checks.is_empty()
            && report
                .failed_checks
                .iter()
                .all(|c| c.starts_with("role_") || c.starts_with("consent_"))
            && tenant::footprint(tenant, name) == CONSENTED;
        return false;
    }
    let app_id = provisioned["data"]["application"]["app_id"].clone();
    let confirm = Some(("confirm_application_id", app_id));
    if step(session, "remove", &mut stored, confirm, report, seen).is_none() {
        return false;
    }
    right & expect_footprint(tenant, name, Footprint::default(), "remove", report)
}

/// One seeded flow.
fn flow(seed: u64) -> FlowReport {
    let (knobs, _) = knobs(seed);
    let tenant = tenant::start_with(knobs, SeedOptions::default());
    let name = format!("Soak Sync {seed}");
    let credential_type = if seed.is_multiple_of(4) {
        "certificate_and_secret"
    } else {
        "certificate"
    };
    let settings = tenant::settings(
        &tenant,
        json!({ "application_name": name, "credential_type": credential_type }),
    );
    let session = Session::new(Some(&options()));
    let mut report = FlowReport::default();
    let mut seen = Seen::default();
    let converged = steps(&tenant, &session, &settings, &name, &mut report, &mut seen);
    report.converged = converged;
    report.faults = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.fault.is_some())
        .count();
    let duplicates = tenant::duplicates(&tenant);
    report.duplicates = duplicates.len();
    if !duplicates.is_empty() {
        report.broken.push(format!("duplicates: {duplicates:?}"));
    }
    seen.texts
        .extend(session.events().iter().map(Value::to_string));
    let secrets = secrets(&tenant, &seen);
    report.secrets_checked = secrets.len();
    // A signed-in flow got at least its access, refresh and ID tokens; a provisioned one a private key.
    let expected = if converged { 4 } else { 0 };
    if secrets.len() < expected {
        report.broken.push(format!(
            "the scan had only {} secrets to look for",
            secrets.len()
        ));
    }
    for secret in secrets {
        if let Some(text) = seen.texts.iter().find(|t| t.contains(&secret)) {
            report.secrets_found += 1;
            let at = text.find(&secret).unwrap_or(0);
            report.broken.push(format!(
                "a secret ({} characters) appears in: {}…",
                secret.len(),
                &text[..at.min(200)]
            ));
        }
    }
    report
}

#[test]
fn seeded_flows_converge_or_report_clearly_with_no_duplicate_leftover_or_leaked_secret() {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let flows = number("M365_SOAK_FLOWS", 50);
    let first = number("M365_SOAK_SEED", 1);
    let threads = number("M365_SOAK_THREADS", 2).max(1);
    let next = AtomicU64::new(first);
    let reports = Mutex::new(Vec::<(u64, FlowReport)>::new());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let seed = next.fetch_add(1, Ordering::SeqCst);
                    if seed >= first + flows {
                        break;
                    }
                    let report = flow(seed);
                    reports.lock().unwrap().push((seed, report));
                }
            });
        }
    });
    let mut reports = reports.into_inner().unwrap();
    reports.sort_by_key(|(seed, _)| *seed);
    let count = |f: &dyn Fn(&FlowReport) -> usize| reports.iter().map(|(_, r)| f(r)).sum::<usize>();
    let converged = count(&|r| usize::from(r.converged));
    let reported = count(&|r| usize::from(!r.converged && r.broken.is_empty()));
    let lag_false = count(&|r| usize::from(r.lag_false_failure));
    let broken: Vec<&(u64, FlowReport)> = reports
        .iter()
        .filter(|(_, r)| !r.broken.is_empty())
        .collect();
    for (seed, report) in &reports {
        if !report.converged {
            let (_, knobs) = knobs(*seed);
            eprintln!(
                "soak: seed {seed} ({knobs}) did not converge: {}{}",
                report.reported.as_deref().unwrap_or("?"),
                if report.lag_false_failure {
                    format!(
                        " [failed {:?} while the directory held them: replication lag]",
                        report.failed_checks
                    )
                } else {
                    String::new()
                }
            );
        }
    }
    for (seed, report) in &broken {
        eprintln!(
            "soak: seed {seed} broke a rule (replay: M365_SOAK_FLOWS=1 M365_SOAK_SEED={seed}):"
        );
        for line in &report.broken {
            eprintln!("    {line}");
        }
    }
    eprintln!(
        "soak: {} flows (seeds {first}..{}) in {:.1} s, {} calls, {} faults injected: {converged} converged, {reported} reported \
         clearly ({lag_false} of them a test connection that read roles or consents before they replicated), {} \
         broke a rule; {} duplicates, {} unnamed errors, {} objects left behind, {} secrets found (of {} searched for)",
        reports.len(),
        first + flows - 1,
        started.elapsed().as_secs_f64(),
        count(&|r| r.calls),
        count(&|r| r.faults),
        broken.len(),
        count(&|r| r.duplicates),
        count(&|r| r.unnamed_errors),
        count(&|r| r.left_behind),
        count(&|r| r.secrets_found),
        count(&|r| r.secrets_checked),
    );
    assert!(
        broken.is_empty(),
        "{} flows broke a rule (seeds above)",
        broken.len()
    );
    assert_eq!(converged + reported, reports.len());
}

/// Checks the PATCH upserts of `path` in the request log: the first one's answer was lost (status 0), and a
/// retry met the object it made, still hidden by replication, with `met`.
fn assert_lost_then_met(tenant: &Tenant, path: &str, met: u16) {
    let upserts: Vec<u16> = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.method == "PATCH" && e.path.starts_with(path))
        .map(|e| e.status)
        .collect();
    assert_eq!(
        upserts.first(),
        Some(&0),
        "the first upsert's answer was lost: {upserts:?}"
    );
    assert!(
        upserts.contains(&met),
        "the retried upsert met the hidden one: {upserts:?}"
    );
}

/// What the soak found (seed 741 of the first 1,000): the service principal's upsert landed but its answer
/// was lost, and while the new service principal had not replicated the retried upsert answered 409. The
/// connector waits for the one that exists instead of failing (or creating a second).
#[test]
fn a_lost_answer_to_the_service_principal_upsert_under_lag_converges_to_one() {
    let tenant = tenant::start_with(tenant::quick_knobs(), SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let (status, document) = session.call("provision", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    // The application stays, long replicated; its service principal (and roles) are gone.
    let app_id = document["data"]["application"]["app_id"].clone();
    {
        let directory = tenant.directory();
        let mut directory = directory.write();
        for app in &mut directory.applications {
            app.created_at -= Duration::from_secs(3600);
        }
        let sp_ids: Vec<Value> = directory
            .service_principals
            .iter()
            .filter(|sp| sp.json.get("appId") == Some(&app_id))
            .filter_map(|sp| sp.json.get("id").cloned())
            .collect();
        directory
            .service_principals
            .retain(|sp| sp.json.get("appId") != Some(&app_id));
        directory.role_assignments.retain(|r| {
            !r.json
                .get("principalId")
                .is_some_and(|p| sp_ids.contains(p))
        });
    }
    tenant.knobs().update(|k| {
        k.replication_lag = Duration::from_millis(1_500);
        k.faults = vec![
            FaultRule::next(1, Fault::DropAfterHandling)
                .service(Service::Graph)
                .on("PATCH", "/v1.0/servicePrincipals("),
        ];
    });
    tenant.request_log().clear();
    let stored = document["data"]["settings"]["application_id"].clone();
    let input = tenant::with_member(&settings, "application_id", stored);
    let (status, document) = session.call("provision", &input);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    assert_lost_then_met(&tenant, "/v1.0/servicePrincipals(", 409);
    assert_eq!(
        tenant::footprint(&tenant, "Contoso Sync"),
        tenant::PROVISIONED
    );
    assert_eq!(tenant::duplicates(&tenant), Vec::<String>::new());
}

/// What the soak found (seed 478 of the first 1,000): the application's upsert landed but its answer was
/// lost, and while the new application had not replicated the retried upsert met it by `uniqueName` and
/// answered 400 "a conflicting object". The connector reads the one it made once it replicates instead of
/// failing (or creating a second).
#[test]
fn a_lost_answer_to_the_application_upsert_under_lag_converges_to_one() {
    let knobs = KnobSettings {
        replication_lag: Duration::from_millis(1_500),
        ..tenant::quick_knobs()
    };
    let tenant = tenant::start_with(knobs, SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    tenant.knobs().update(|k| {
        k.faults = vec![
            FaultRule::next(1, Fault::DropAfterHandling)
                .service(Service::Graph)
                .on("PATCH", "/v1.0/applications("),
        ];
    });
    tenant.request_log().clear();
    let (status, document) = session.call("provision", &settings);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    assert_lost_then_met(&tenant, "/v1.0/applications(", 400);
    let application = document["data"]["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|item| item["kind"] == "application")
        .cloned()
        .unwrap_or_default();
    assert_eq!(application["outcome"], "created", "{application}");
    assert_eq!(
        tenant::footprint(&tenant, "Contoso Sync"),
        tenant::PROVISIONED
    );
    assert_eq!(tenant::duplicates(&tenant), Vec::<String>::new());
}

/// What the soak found once consent and test joined the flow: a connection test right after consent, on
/// the wizard's session, read the new roles and grants before they replicated and said they were missing.
/// It now waits for what its own sign-in just wrote (and reports at once what others removed, see
/// `tests/test_connection.rs`).
#[test]
fn a_test_right_after_consent_under_lag_waits_for_what_the_wizard_wrote() {
    let knobs = KnobSettings {
        replication_lag: Duration::from_millis(1_500),
        ..tenant::quick_knobs()
    };
    let tenant = tenant::start_with(knobs, SeedOptions::default());
    let settings = tenant::settings(&tenant, json!({}));
    let session = tenant::signed_in(&tenant, &settings);
    let stored = tenant::provisioned(&session, &settings).to_string();
    let (status, document) = session.call("consent", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    let (status, document) = session.call("test", &stored);
    assert_eq!(status, ConnectorStatus::Ok, "{}", document["error"]);
    assert!(
        session.events().iter().any(|e| e["type"] == "wait"
            && e["operation"] == "test"
            && e["reason"] == "replication"),
        "the test waited for the directory"
    );
}

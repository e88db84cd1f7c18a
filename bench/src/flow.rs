//! One whole flow of the wizard through the C ABI against a fresh tenant-sim with a given latency per
//! request: sign-in (measured from the administrator's approval), provision on a fresh tenant, provision
//! again with the stored settings, consent, test; each step's wall time and wire figures.

use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use host_sim::plugin::{Plugin, Session};
use serde::Serialize;
use serde_json::{Value, json};
use tenant_sim::{DeviceCodeApproval, KnobSettings, Tenant, TenantOptions};
use time::OffsetDateTime;

use crate::measure::{Wire, wire};

/// A step of the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// `authenticate`, from the administrator's approval of the device code to its return.
    SignIn,
    /// `provision` on a fresh tenant.
    ProvisionFresh,
    /// `provision` again with the settings the first one returned.
    ProvisionRerun,
    /// `consent`.
    Consent,
    /// `test`.
    Test,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 5] = [
        Step::SignIn,
        Step::ProvisionFresh,
        Step::ProvisionRerun,
        Step::Consent,
        Step::Test,
    ];

    /// The step's name in the report.
    pub fn name(self) -> &'static str {
        match self {
            Step::SignIn => "sign_in",
            Step::ProvisionFresh => "provision_fresh",
            Step::ProvisionRerun => "provision_rerun",
            Step::Consent => "consent",
            Step::Test => "test",
        }
    }

    /// The least sequential round trips the step can take: one per dependent request. Sign-in: the token
    /// and the one batch of what the connector learns; a fresh provision: find, create the application with
    /// its certificate, its service principal, its roles; a re-run: find; consent: its writes; test: the
    /// token and the Exchange call.
    pub fn lower_bound(self) -> usize {
        match self {
            Step::SignIn => 2,
            Step::ProvisionFresh => 4,
            Step::ProvisionRerun => 1,
            Step::Consent => 1,
            Step::Test => 2,
        }
    }
}

/// What one step of one run measured.
#[derive(Clone, Debug, Serialize)]
pub struct StepRun {
    /// The step.
    pub step: Step,
    /// The status it returned.
    pub status: String,
    /// Its wall time.
    pub wall: Duration,
    /// Its wire figures.
    pub wire: Wire,
}

/// The settings of a run against `tenant`.
fn settings(tenant: &Tenant) -> Value {
    json!({
        "settings_version": 3, "mode": "auto", "tenant_mode": "one", "cloud": "custom",
        "authority_host": tenant.authority_url(), "graph_endpoint": tenant.graph_url(),
        "exchange_endpoint": tenant.exchange_url(), "extra_ca_pem": tenant.ca_pem(),
        "sign_in_method": "device_code", "application_name": "Benchmark Sync",
    })
}

/// The status name of a result document.
fn status_of(document: &Value) -> String {
    document["status"].as_str().unwrap_or("?").to_owned()
}

/// Runs one flow with `latency` per request on `plugin`; returns each step's figures.
pub fn run(plugin: &Plugin, latency: Duration) -> Result<Vec<StepRun>, String> {
    let tenant = Tenant::start_blocking(TenantOptions {
        knobs: KnobSettings {
            latency,
            device_code_approval: DeviceCodeApproval::Manual,
            device_code_interval_secs: 0,
            ..KnobSettings::default()
        },
        ..TenantOptions::default()
    })
    .map_err(|e| format!("tenant-sim did not start: {e}"))?;
    let approved_at: Rc<Cell<Option<(Instant, OffsetDateTime)>>> = Rc::new(Cell::new(None));
    let approval = Rc::clone(&approved_at);
    let tenant_ref = &tenant;
    let options = json!({ "sign_in": { "open_browser": false } });
    let (mut session, _) = Session::new(plugin, Some(&options), move |event: Value| {
        if event["type"] == "sign_in_prompt"
            && let Some(code) = event["user_code"].as_str()
        {
            // The administrator approves now: the sign-in is measured from here.
            approval.set(Some((Instant::now(), OffsetDateTime::now_utc())));
            tenant_ref.approve_device_code(code);
        }
    })
    .map_err(|e| e.to_string())?;
    let settings = settings(&tenant);
    let mut runs = Vec::new();
    let mut measure =
        |step: Step, call: &mut dyn FnMut(&mut Session<'_>) -> Value, session: &mut Session<'_>| {
            let started = (Instant::now(), OffsetDateTime::now_utc());
            let document = call(session);
            let ended = (Instant::now(), OffsetDateTime::now_utc());
            let from = if step == Step::SignIn {
                approved_at.get().unwrap_or(started)
            } else {
                started
            };
            let entries = tenant.request_log().entries();
            runs.push(StepRun {
                step,
                status: status_of(&document),
                wall: ended.0.duration_since(from.0),
                wire: wire(&entries, from.1, ended.1),
            });
            document
        };
    let call = |operation: &'static str, input: Value| {
        move |session: &mut Session<'_>| -> Value {
            let result = match operation {
                "authenticate" => session.authenticate(&input),
                "provision" => session.provision(&input),
                "consent" => session.consent(&input),
                _ => session.test(&input),
            };
            result
                .map(|(_, document)| document)
                .unwrap_or_else(|e| json!({"status": e.to_string()}))
        }
    };
    let document = measure(
        Step::SignIn,
        &mut call("authenticate", settings.clone()),
        &mut session,
    );
    if document["ok"] != true {
        return Err(format!("sign-in failed: {}", document["error"]));
    }
    let first = measure(
        Step::ProvisionFresh,
        &mut call("provision", settings.clone()),
        &mut session,
    );
    if first["ok"] != true {
        return Err(format!("provision failed: {}", first["error"]));
    }
    let mut stored = first["data"]["settings"].clone();
    stored["certificate_pem"] = first["data"]["credential"]["pem"].clone();
    measure(
        Step::ProvisionRerun,
        &mut call("provision", stored.clone()),
        &mut session,
    );
    measure(
        Step::Consent,
        &mut call("consent", stored.clone()),
        &mut session,
    );
    measure(Step::Test, &mut call("test", stored), &mut session);
    drop(session);
    Ok(runs)
}

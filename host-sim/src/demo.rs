//! `host-sim demo`: the whole Add connection wizard against a simulated tenant, in seconds. It starts
//! tenant-sim in this process (the one place host-sim knows it), points the connector at it through the
//! custom cloud and tenant-sim's CA, and runs the wizard from flags, narrating each step as the console shows
//! it; the simulated administrator approves the device code as a person would. It ends with the saved
//! connection (in a temporary store unless `--store` is given) and a passing Test connection.

use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tenant_sim::{DeviceCodeApproval, KnobSettings, SeedOptions, Tenant, TenantOptions};

use crate::answers::Answers;
use crate::connections::add::{AddOptions, add, outcome_members};
use crate::connections::print_json;
use crate::exit::{BAD_INPUT, Failure, OPERATION_FAILED};
use crate::store::Store;
use crate::terminal::{Tone, Ui};
use crate::wizard::{Choices, ConsentAnswer, Observer};

/// The connection the demo saves.
pub const DEMO_CONNECTION: &str = "Contoso (demo)";
/// The application the demo creates.
pub const DEMO_APPLICATION: &str = "Contoso Sync (demo)";

/// Which seeded user signs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DemoUser {
    /// The Global Administrator: every step passes.
    #[default]
    GlobalAdmin,
    /// An Application Administrator without Privileged Role Administrator: the sign-in warns that the
    /// directory roles cannot be assigned.
    ApplicationAdmin,
    /// A user whose Privileged Role Administrator assignment is eligible in PIM but not active: the
    /// sign-in says to activate it.
    PimUser,
}

/// What `demo` is told on its command line.
#[derive(Clone, Debug, Default)]
pub struct DemoOptions {
    /// Keep the connection in this store (default: a temporary store, removed at the end).
    pub store: Option<PathBuf>,
    /// The plugin (default: the connector built beside host-sim).
    pub plugin: Option<PathBuf>,
    /// Latency added to every request of the simulated services.
    pub latency_ms: u64,
    /// How long new directory objects stay invisible to other calls.
    pub replication_lag_ms: u64,
    /// Who signs in.
    pub user: DemoUser,
    /// Print one JSON document on standard output.
    pub json: bool,
    /// Show every plugin event.
    pub verbose: bool,
}

/// Runs `host-sim demo`.
pub fn run(options: &DemoOptions) -> Result<(), Failure> {
    let started = Instant::now();
    let ui = Rc::new(Ui::new(options.json, options.verbose));
    ui.heading("host-sim demo: the Add connection wizard against a simulated Microsoft 365 tenant");
    let tenant = Tenant::start_blocking(TenantOptions {
        seed: SeedOptions::default(),
        knobs: KnobSettings {
            latency: Duration::from_millis(options.latency_ms),
            replication_lag: Duration::from_millis(options.replication_lag_ms),
            // The simulated administrator approves each code when it is shown (below), not by itself.
            device_code_approval: DeviceCodeApproval::Manual,
            device_code_interval_secs: 0,
            ..KnobSettings::default()
        },
    })
    .map_err(|error| {
        Failure::new(
            OPERATION_FAILED,
            format!("tenant-sim did not start: {error}"),
        )
    })?;
    let users = tenant.users();
    let user = match options.user {
        DemoUser::GlobalAdmin => &users.global_admin,
        DemoUser::ApplicationAdmin => &users.application_admin,
        DemoUser::PimUser => &users.eligible_role_admin,
    };
    let upn = user.user_principal_name.clone();
    tenant
        .knobs()
        .update(|knobs| knobs.sign_in_user = Some(upn.clone()));
    ui.line(format!(
        "  tenant-sim: tenant {} ({}), sign-in {}, Microsoft Graph {}, Exchange Online {}",
        tenant.initial_domain(),
        tenant.tenant_id(),
        tenant.authority_url(),
        tenant.graph_url(),
        tenant.exchange_url()
    ));
    ui.line(format!(
        "  The administrator at the console: {} ({upn}), {}",
        user.display_name,
        describe_roles(&user.active_roles, &user.eligible_roles)
    ));
    if options.latency_ms > 0 || options.replication_lag_ms > 0 {
        ui.line(format!(
            "  Latency {} ms a request, replication lag {} ms.",
            options.latency_ms, options.replication_lag_ms
        ));
    }

    let temporary = match &options.store {
        Some(_) => None,
        None => Some(private_temp_dir()?),
    };
    let store_dir = options
        .store
        .clone()
        .or_else(|| temporary.as_ref().map(|dir| dir.path().to_path_buf()))
        .ok_or_else(|| Failure::new(BAD_INPUT, "no store directory"))?;
    let mut store = Store::open(&store_dir)?;

    let add_options = AddOptions {
        name: Some(DEMO_CONNECTION.to_owned()),
        plugin: options.plugin.clone(),
        answers: Answers {
            set: vec![
                "mode=auto".to_owned(),
                "tenant_mode=one".to_owned(),
                "cloud=custom".to_owned(),
                format!("authority_host={}", tenant.authority_url()),
                format!("graph_endpoint={}", tenant.graph_url()),
                format!("exchange_endpoint={}", tenant.exchange_url()),
                format!("extra_ca_pem={}", tenant.ca_pem()),
                "sign_in_method=device_code".to_owned(),
                format!("application_name={DEMO_APPLICATION}"),
            ],
            set_file: Vec::new(),
        },
        choices: Choices {
            adopt: None,
            consent: Some(ConsentAnswer::Accept),
            save_untested: false,
        },
    };
    let narrator = Rc::clone(&ui);
    let name = user.display_name.clone();
    let administrator: Observer<'_> = Box::new(move |event: &Value| {
        if event["type"] == "sign_in_prompt"
            && let Some(code) = event["user_code"].as_str()
        {
            let approved = tenant.approve_device_code(code);
            narrator.line(format!(
                "  {}",
                narrator.paint(
                    Tone::Quiet,
                    if approved {
                        format!("(tenant-sim: {name} opens the page, enters {code} and approves the sign-in)")
                    } else {
                        format!("(tenant-sim does not know the code {code})")
                    }
                )
            ));
        }
    });
    let mut record = Vec::new();
    let outcome = add(
        &ui,
        None,
        &mut store,
        &add_options,
        Some(administrator),
        &mut record,
    );
    let elapsed = started.elapsed();
    if let Ok((connection, description)) = &outcome {
        ui.heading("The saved connection (host-sim show)");
        for line in crate::connections::show::render(connection, Some(&description.schema)).lines()
        {
            ui.line(format!("  {line}"));
        }
        ui.line("");
        ui.line(format!(
            "{} Demo finished in {:.1} s: connection {:?} saved, Test connection passed.",
            ui.paint(Tone::Good, "✔"),
            elapsed.as_secs_f64(),
            connection.name
        ));
        match &temporary {
            Some(_) => ui.line(
                "  (The temporary store is removed now; pass --store DIR to keep the connection.)",
            ),
            None => ui.line(format!("  Store: {}", store.path().display())),
        }
    }
    if options.json {
        let mut members = outcome_members(&store, &outcome, record);
        members["elapsed_ms"] = json!(elapsed.as_millis() as u64);
        print_json(&outcome, members);
    }
    outcome.map(drop)
}

fn describe_roles(active: &[String], eligible: &[String]) -> String {
    let mut parts = Vec::new();
    if !active.is_empty() {
        parts.push(format!("active roles: {}", active.join(", ")));
    }
    if !eligible.is_empty() {
        parts.push(format!(
            "eligible (PIM, not active): {}",
            eligible.join(", ")
        ));
    }
    if parts.is_empty() {
        "no directory role".to_owned()
    } else {
        parts.join("; ")
    }
}

/// A temporary store directory open to its owner alone, as the store requires.
fn private_temp_dir() -> Result<tempfile::TempDir, Failure> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("host-sim-demo-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder
        .tempdir()
        .map_err(|error| Failure::new(BAD_INPUT, format!("cannot make a temporary store: {error}")))
}

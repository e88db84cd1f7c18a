//! `tenant-sim serve`: runs a simulated Microsoft 365 tenant until interrupted.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tenant_sim::{KnobSettings, SeedOptions, Tenant, TenantOptions};

/// An offline Microsoft 365 tenant over HTTPS: Entra ID sign-in, Microsoft Graph and Exchange Online.
#[derive(Parser)]
#[command(name = "tenant-sim", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start a tenant, print its URLs, CA file, tenant id and users, and serve until Ctrl-C.
    Serve {
        /// Where to write the CA certificate (PEM). Default: a new file in the temp directory.
        #[arg(long)]
        ca_file: Option<PathBuf>,
        /// The organisation's display name.
        #[arg(long, default_value = "Contoso")]
        organization: String,
        /// The initial domain's first label (`contoso` → contoso.onmicrosoft.com).
        #[arg(long, default_value = "contoso")]
        domain_prefix: String,
        /// A fixed tenant id (GUID); random by default.
        #[arg(long)]
        tenant_id: Option<uuid::Uuid>,
        /// Delay added to every request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Directory replication lag in milliseconds: new objects stay invisible to other calls this long.
        #[arg(long, default_value_t = 0)]
        replication_lag_ms: u64,
        /// The device-code polling interval in seconds.
        #[arg(long, default_value_t = 5)]
        device_code_interval: u64,
        /// Append every request, as it completes, to this file as one JSON line (service, method,
        /// path, query, status, times, connection, batch id; never a header value or a body).
        #[arg(long)]
        request_log: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let Command::Serve {
        ca_file,
        organization,
        domain_prefix,
        tenant_id,
        latency_ms,
        replication_lag_ms,
        device_code_interval,
        request_log,
    } = Cli::parse().command;
    let options = TenantOptions {
        seed: SeedOptions {
            tenant_id,
            organization_name: organization,
            domain_prefix,
            ..SeedOptions::default()
        },
        knobs: KnobSettings {
            latency: Duration::from_millis(latency_ms),
            replication_lag: Duration::from_millis(replication_lag_ms),
            device_code_interval_secs: device_code_interval,
            ..KnobSettings::default()
        },
    };
    let tenant = match Tenant::start(options).await {
        Ok(tenant) => tenant,
        Err(error) => {
            eprintln!("tenant-sim: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(path) = &request_log
        && let Err(error) = tenant.request_log().append_to(path)
    {
        eprintln!(
            "tenant-sim: could not open the request log {}: {error}",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    let ca_path = ca_file.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("tenant-sim-{}-ca.pem", std::process::id()))
    });
    if let Err(error) = std::fs::write(&ca_path, tenant.ca_pem()) {
        eprintln!(
            "tenant-sim: could not write the CA certificate to {}: {error}",
            ca_path.display()
        );
        return ExitCode::FAILURE;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "authority: {}", tenant.authority_url());
    let _ = writeln!(out, "graph: {}", tenant.graph_url());
    let _ = writeln!(out, "exchange: {}", tenant.exchange_url());
    let _ = writeln!(out, "ca-file: {}", ca_path.display());
    let _ = writeln!(out, "tenant-id: {}", tenant.tenant_id());
    let _ = writeln!(out, "initial-domain: {}", tenant.initial_domain());
    if let Some(path) = &request_log {
        let _ = writeln!(out, "request-log: {}", path.display());
    }
    let _ = writeln!(out, "users:");
    for user in tenant.users().all() {
        let mut roles: Vec<String> = user.active_roles.clone();
        roles.extend(
            user.eligible_roles
                .iter()
                .map(|r| format!("{r} (eligible, not active)")),
        );
        let roles = if roles.is_empty() {
            "no directory role".to_owned()
        } else {
            roles.join(", ")
        };
        let _ = writeln!(
            out,
            "  {} ({}): {roles}",
            user.user_principal_name, user.display_name
        );
    }
    let _ = writeln!(out, "serving; press Ctrl-C to stop");
    let _ = out.flush();
    drop(out);
    let _ = tokio::signal::ctrl_c().await;
    drop(tenant);
    ExitCode::SUCCESS
}

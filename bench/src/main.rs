//! `m365-bench`: what an administrator waits for and what a host pays, measured.
//!
//! `m365-bench run` drives the whole wizard flow through the plugin's C ABI against tenant-sim with a
//! latency of 0, 50 and 100 ms per request (several runs each, each on a fresh tenant) and reports for each
//! step its requests, the items of its `$batch`es, its sequential round trips against the lower bound, its
//! new TLS connections and its wall time (median and spread); then the plugin's load + describe time in
//! fresh processes, the stripped release library's size, the peak memory of `host-sim demo`, and the memory
//! and threads the plugin adds to a host after a flow and after `shutdown`. The figures go to a JSON file;
//! `--compare OLD.json` prints what changed. Build with `--release` to measure what ships.

mod flow;
mod footprint;
mod measure;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use host_sim::plugin::Plugin;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Parser)]
#[command(
    name = "m365-bench",
    about = "Benchmarks of the Microsoft 365 connector plugin against tenant-sim"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the benchmark and prints the table; writes the figures as JSON.
    Run {
        /// The plugin (default: the one built beside this program).
        #[arg(long)]
        plugin: Option<PathBuf>,
        /// Flows per latency.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Latencies per request, in milliseconds.
        #[arg(long, value_delimiter = ',', default_value = "0,50,100")]
        latencies: Vec<u64>,
        /// Fresh processes for the load + describe time.
        #[arg(long, default_value_t = 30)]
        loads: usize,
        /// Where the figures are written.
        #[arg(long, default_value = "bench-figures.json")]
        out: PathBuf,
        /// Earlier figures to compare with.
        #[arg(long)]
        compare: Option<PathBuf>,
    },
    /// Compares two figures files.
    Compare {
        /// The earlier figures.
        old: PathBuf,
        /// The later figures.
        new: PathBuf,
    },
    /// (internal) Loads and describes the plugin once, in this fresh process.
    #[command(hide = true)]
    ProbeLoad { plugin: PathBuf },
    /// (internal) Measures the plugin's footprint in this process, against a running tenant.
    #[command(hide = true)]
    ProbeFootprint { plugin: PathBuf, settings: String },
}

fn read_figures(path: &PathBuf) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(
    plugin: PathBuf,
    runs: usize,
    latencies: &[u64],
    loads: usize,
    out: &PathBuf,
    compare: Option<&PathBuf>,
) -> Result<(), String> {
    if !plugin.is_file() {
        return Err(format!(
            "no plugin at {} (build it first: cargo build --release --workspace)",
            plugin.display()
        ));
    }
    println!("plugin: {}", plugin.display());
    // The demo first: the peak memory of the children waited for is read right after it.
    let host_sim = footprint::beside_me("host-sim");
    let demo = match footprint::demo_peak(&host_sim) {
        Ok((kib, took)) => json!({ "peak_rss_kib": kib, "wall_ms": took.as_millis() as u64 }),
        Err(why) => json!({ "not_measured": why }),
    };
    let loaded = Plugin::load(&plugin).map_err(|e| e.to_string())?;
    let mut by_latency = serde_json::Map::new();
    for &latency in latencies {
        let mut flows = Vec::new();
        for _ in 0..runs.max(1) {
            flows.push(flow::run(&loaded, Duration::from_millis(latency))?);
        }
        let figures = report::latency_figures(&flows);
        report::print_latency(latency, &figures);
        by_latency.insert(latency.to_string(), figures);
    }
    drop(loaded);
    let mut load_times: Vec<f64> = footprint::load_times(&plugin, loads)?
        .into_iter()
        .map(|us| us as f64)
        .collect();
    let load_median = report::median(&mut load_times);
    let (size, stripped) = footprint::library_sizes(&plugin);
    let tenant = tenant_sim::Tenant::start_blocking(tenant_sim::TenantOptions {
        knobs: tenant_sim::KnobSettings {
            device_code_approval: tenant_sim::DeviceCodeApproval::Approve,
            device_code_interval_secs: 0,
            ..tenant_sim::KnobSettings::default()
        },
        ..tenant_sim::TenantOptions::default()
    })
    .map_err(|e| e.to_string())?;
    let settings = json!({
        "settings_version": 3, "cloud": "custom", "authority_host": tenant.authority_url(),
        "graph_endpoint": tenant.graph_url(), "exchange_endpoint": tenant.exchange_url(),
        "extra_ca_pem": tenant.ca_pem(), "application_name": "Footprint Sync",
    });
    let host = footprint::footprint(&plugin, &settings)?;
    let kib = |at: &str| host[at]["rss_kib"].as_u64().unwrap_or(0);
    let threads = |at: &str| host[at]["threads"].as_u64().unwrap_or(0);
    let figures = json!({
        "date": OffsetDateTime::now_utc().format(&Rfc3339).unwrap_or_default(),
        "runs_per_latency": runs,
        "latency_ms": by_latency,
        "load_describe_us": {
            "median": load_median,
            "min": load_times.first().copied().unwrap_or(0.0),
            "max": load_times.last().copied().unwrap_or(0.0),
            "processes": loads,
        },
        "library_bytes": size,
        "library_stripped_bytes": stripped,
        "demo": demo,
        "host": {
            "rss_added_after_load_kib": kib("after_load").saturating_sub(kib("before")),
            "rss_added_after_flow_kib": kib("after_flow").saturating_sub(kib("before")),
            "rss_added_after_shutdown_kib": kib("after_shutdown").saturating_sub(kib("before")),
            "plugin_threads_between_calls": threads("after_flow").saturating_sub(threads("before")),
            "plugin_threads_after_shutdown": threads("after_shutdown").saturating_sub(threads("before")),
        },
    });
    println!("\nload + version + describe: {load_median} µs median over {loads} fresh processes");
    match stripped {
        Some(bytes) => println!("library: {size} bytes, stripped {bytes} bytes"),
        None => println!("library: {size} bytes (strip not found: no stripped size)"),
    }
    println!("host-sim demo: {}", figures["demo"]);
    println!("host process: {}", figures["host"]);
    let text = serde_json::to_string_pretty(&figures).map_err(|e| e.to_string())?;
    std::fs::write(out, text + "\n").map_err(|e| format!("{}: {e}", out.display()))?;
    println!("\nfigures written to {}", out.display());
    if let Some(old) = compare {
        report::print_comparison(&read_figures(old)?, &figures);
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            plugin,
            runs,
            latencies,
            loads,
            out,
            compare,
        } => {
            let plugin = plugin.unwrap_or_else(|| footprint::beside_me("libm365_connector.so"));
            run(plugin, runs, &latencies, loads, &out, compare.as_ref())
        }
        Command::Compare { old, new } => read_figures(&old)
            .and_then(|old| read_figures(&new).map(|new| report::print_comparison(&old, &new))),
        Command::ProbeLoad { plugin } => footprint::probe_load(&plugin),
        Command::ProbeFootprint { plugin, settings } => serde_json::from_str(&settings)
            .map_err(|e| e.to_string())
            .and_then(|settings| footprint::probe_footprint(&plugin, &settings)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("m365-bench: {why}");
            ExitCode::FAILURE
        }
    }
}

//! The host-sim command line: parses the arguments and runs one command of the `host_sim` library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use host_sim::{describe, exit, validate};

/// Loads a connector plugin through its C ABI and shows what a sync console would show.
///
/// Exit codes: 0 done; 1 the plugin reported a failure (for example invalid settings); 2 bad command line
/// or input file; 3 the plugin could not be loaded (missing, not a connector, another ABI major version);
/// 4 the plugin broke the ABI contract.
#[derive(Debug, Parser)]
#[command(name = "host-sim", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the connector's identity, the settings it asks for, its steps, and the roles and permissions it
    /// will request.
    Describe {
        /// The plugin's shared library (for example target/debug/libm365_connector.so).
        #[arg(long)]
        plugin: PathBuf,
        /// Print the raw describe result document instead.
        #[arg(long)]
        json: bool,
        /// Show every event the plugin sends (progress, info and debug log lines).
        #[arg(long, short)]
        verbose: bool,
    },
    /// Check a settings file with the plugin's configure, without touching the network.
    Validate {
        /// The plugin's shared library.
        #[arg(long)]
        plugin: PathBuf,
        /// A JSON settings document (see docs/abi.md, "The settings document").
        #[arg(long)]
        settings: PathBuf,
        /// Print the raw configure result document instead.
        #[arg(long)]
        json: bool,
        /// Show every event the plugin sends (progress, info and debug log lines).
        #[arg(long, short)]
        verbose: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Describe {
            plugin,
            json,
            verbose,
        } => describe::run(plugin, *json, *verbose),
        Command::Validate {
            plugin,
            settings,
            json,
            verbose,
        } => validate::run(plugin, settings, *json, *verbose),
    };
    match outcome {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(failure) => {
            eprintln!("host-sim: {}", failure.message);
            failure.exit_code()
        }
    }
}

//! The host-sim command line: parses the arguments and runs one command of the `host_sim` library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use host_sim::answers::Answers;
use host_sim::connections::add::AddOptions;
use host_sim::connections::edit::EditOptions;
use host_sim::connections::remove::RemoveOptions;
use host_sim::connections::{self, Common};
use host_sim::demo::{DemoOptions, DemoUser};
use host_sim::wizard::{Choices, ConsentAnswer};
use host_sim::{demo, describe, exit, validate};

/// Loads a connector plugin through its C ABI and does what a sync console does with it: the Add connection
/// wizard, and the saved connections.
///
/// Exit codes: 0 done; 1 the plugin reported a failure (invalid settings, a failed sign-in or test); 2 bad
/// command line or input file, or an answer missing without a terminal; 3 the plugin could not be loaded
/// (missing, not a connector, another ABI major version); 4 the plugin broke the ABI contract; 5 the
/// connection store could not be used (damaged, newer, open to others, locked, no such connection); 6
/// cancelled at a prompt or in the consent dialog (nothing saved).
#[derive(Debug, Parser)]
#[command(name = "host-sim", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every connection command takes.
#[derive(Debug, Args)]
struct CommonArgs {
    /// The connection store's directory (default: host-sim in the user's data directory).
    #[arg(long, value_name = "DIR")]
    store: Option<PathBuf>,
    /// Print one JSON document on standard output; the narration goes to standard error.
    #[arg(long)]
    json: bool,
    /// Show every event the plugin sends (progress, info and debug log lines).
    #[arg(long, short)]
    verbose: bool,
    /// Never ask: every answer comes from flags, and a missing one ends the command (exit 2).
    #[arg(long)]
    non_interactive: bool,
}

impl CommonArgs {
    fn common(&self) -> Common {
        Common {
            store: self.store.clone(),
            json: self.json,
            verbose: self.verbose,
            non_interactive: self.non_interactive,
        }
    }
}

/// The answers a script gives instead of typing.
#[derive(Debug, Args)]
struct AnswerArgs {
    /// A setting's value, by its field name (see `host-sim describe`); repeatable.
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    set: Vec<String>,
    /// A setting's value read from a file (PEM text, secrets); repeatable.
    #[arg(long = "set-file", value_name = "FIELD=PATH")]
    set_file: Vec<String>,
    /// Adopt the existing application with this application id when the plugin offers it.
    #[arg(long, value_name = "APP_ID")]
    adopt: Option<String>,
    /// The answer to the consent dialog (required without a terminal).
    #[arg(long, value_enum)]
    consent: Option<ConsentAnswer>,
    /// Save the connection even when Test connection fails.
    #[arg(long)]
    save_untested: bool,
}

impl AnswerArgs {
    fn answers(&self) -> Answers {
        Answers {
            set: self.set.clone(),
            set_file: self.set_file.clone(),
        }
    }

    fn choices(&self) -> Choices {
        Choices {
            adopt: self.adopt.clone(),
            consent: self.consent,
            save_untested: self.save_untested,
        }
    }
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
    /// The Add connection wizard: name, connector, then the plugin's own steps, saved at Finish.
    AddConnection {
        /// The connection's name.
        #[arg(long)]
        name: Option<String>,
        /// The plugin's shared library (default: the connector built beside host-sim).
        #[arg(long)]
        plugin: Option<PathBuf>,
        #[command(flatten)]
        answers: AnswerArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// The saved connections.
    List {
        #[command(flatten)]
        common: CommonArgs,
    },
    /// One saved connection: connector, settings by label, secrets masked.
    Show {
        /// The connection's name.
        name: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Test connection on a saved connection, from its saved settings alone.
    Test {
        /// The connection's name.
        name: String,
        /// Another plugin library than the saved one.
        #[arg(long)]
        plugin: Option<PathBuf>,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Change a saved connection's settings: checked again, the application updated when they reach it,
    /// tested, saved.
    Edit {
        /// The connection's name.
        name: String,
        /// Another plugin library than the saved one.
        #[arg(long)]
        plugin: Option<PathBuf>,
        #[command(flatten)]
        answers: AnswerArgs,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Remove a saved connection (and with --remove-application the application it uses).
    Remove {
        /// The connection's name.
        name: String,
        /// Also delete the application the connection uses (after a sign-in and a confirmation).
        #[arg(long)]
        remove_application: bool,
        /// Confirm without asking.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Rotate a connection's certificate: a new one, tested, then the old one removed from the application.
    Renew {
        /// The connection's name.
        name: String,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// The whole wizard against a simulated tenant started in this process, in seconds.
    Demo {
        /// Keep the connection in this store (default: a temporary store, removed at the end).
        #[arg(long, value_name = "DIR")]
        store: Option<PathBuf>,
        /// The plugin's shared library (default: the connector built beside host-sim).
        #[arg(long)]
        plugin: Option<PathBuf>,
        /// Latency added to every simulated request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// How long new directory objects stay invisible to other calls, in milliseconds.
        #[arg(long, default_value_t = 0)]
        replication_lag_ms: u64,
        /// Who signs in: the Global Administrator, or a user whose roles bring warnings.
        #[arg(long, value_enum, default_value_t = DemoUser::GlobalAdmin)]
        user: DemoUser,
        /// Print one JSON document on standard output; the narration goes to standard error.
        #[arg(long)]
        json: bool,
        /// Show every event the plugin sends.
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
        Command::AddConnection {
            name,
            plugin,
            answers,
            common,
        } => connections::add::run(
            &common.common(),
            &AddOptions {
                name: name.clone(),
                plugin: plugin.clone(),
                answers: answers.answers(),
                choices: answers.choices(),
            },
        ),
        Command::List { common } => connections::list::run(&common.common()),
        Command::Show { name, common } => connections::show::run(&common.common(), name),
        Command::Test {
            name,
            plugin,
            common,
        } => connections::test::run(&common.common(), name, plugin.as_deref()),
        Command::Edit {
            name,
            plugin,
            answers,
            common,
        } => connections::edit::run(
            &common.common(),
            name,
            &EditOptions {
                answers: answers.answers(),
                choices: answers.choices(),
                plugin: plugin.clone(),
            },
        ),
        Command::Remove {
            name,
            remove_application,
            yes,
            common,
        } => connections::remove::run(
            &common.common(),
            name,
            &RemoveOptions {
                remove_application: *remove_application,
                yes: *yes,
            },
        ),
        Command::Renew { name, common } => connections::renew::run(&common.common(), name),
        Command::Demo {
            store,
            plugin,
            latency_ms,
            replication_lag_ms,
            user,
            json,
            verbose,
        } => demo::run(&DemoOptions {
            store: store.clone(),
            plugin: plugin.clone(),
            latency_ms: *latency_ms,
            replication_lag_ms: *replication_lag_ms,
            user: *user,
            json: *json,
            verbose: *verbose,
        }),
    };
    match outcome {
        Ok(()) => ExitCode::from(exit::SUCCESS),
        Err(failure) => {
            eprintln!("host-sim: {}", failure.message);
            failure.exit_code()
        }
    }
}

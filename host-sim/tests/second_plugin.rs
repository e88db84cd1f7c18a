//! host-sim renders any connector from its `describe` alone: a second plugin (`tests/c/second_connector.c`,
//! a directory server's URL, a data region, an API token and a page size, in steps of its own) goes through
//! the same wizard, prompts and store as the Microsoft 365 connector, with no code in host-sim that knows it.
//! On a terminal without `NO_COLOR` the wizard uses colour.
//!
//! Needs host-sim built first (`cargo build --workspace`) and a C compiler.
#![cfg(unix)]

mod support;

use std::process::Command;

use host_sim::store::Store;
use rexpect::process::WaitStatus;
use rexpect::session::spawn_command;

use crate::support::{has_colour, host_sim, json_of, private_dir, second_plugin, shown};

#[test]
fn a_script_adds_a_connection_of_the_second_plugin_with_its_own_fields() {
    let dir = private_dir();
    let plugin = second_plugin(dir.path());
    let token = dir.path().join("token");
    std::fs::write(&token, "acme-token-12345\n").unwrap();
    let store = dir.path().join("store");
    let output = host_sim(&[
        "add-connection".into(),
        "--non-interactive".into(),
        "--json".into(),
        "--name".into(),
        "Acme".into(),
        "--plugin".into(),
        plugin.display().to_string(),
        "--store".into(),
        store.display().to_string(),
        "--set".into(),
        "server_url=https://directory.acme.test".into(),
        "--set".into(),
        "region=us".into(),
        "--set-file".into(),
        format!("api_token={}", token.display()),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", shown(&output));
    assert!(
        !shown(&output).contains("acme-token-12345"),
        "{}",
        shown(&output)
    );
    let document = json_of(&output);
    let steps: Vec<&str> = document["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| step["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["server", "credentials", "check", "finish"]);
    let connection = &document["connection"];
    assert_eq!(connection["plugin"]["name"], "acme-directory");
    assert_eq!(
        connection["settings"]["server_url"],
        "https://directory.acme.test"
    );
    assert_eq!(connection["settings"]["region"], "us");
    assert!(
        connection["settings"].get("api_token").is_none(),
        "{connection:#}"
    );
    assert_eq!(connection["secrets"][0]["field"], "api_token");
    assert_eq!(connection["secrets"][0]["length"], 16);

    let show = host_sim(&[
        "show".into(),
        "Acme".into(),
        "--store".into(),
        store.display().to_string(),
    ]);
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(
        text.contains("Directory server URL (server_url): \"https://directory.acme.test\""),
        "{text}"
    );
    assert!(
        text.contains("Data region (region): \"United States\" (us)"),
        "{text}"
    );
    assert!(
        text.contains("API token (api_token): •••••• (16 characters)"),
        "{text}"
    );
    assert!(!text.contains("acme-token"), "{text}");
}

#[test]
fn the_wizard_asks_the_second_plugins_fields_with_its_labels_rules_and_choices() {
    let dir = private_dir();
    let plugin = second_plugin(dir.path());
    let store = dir.path().join("store");
    let mut command = Command::new(support::artifacts::host_sim());
    command
        .args(["add-connection", "--plugin"])
        .arg(&plugin)
        .arg("--store")
        .arg(&store)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm");
    let mut pty =
        spawn_command(command, Some(60_000)).expect("host-sim starts in a pseudo-terminal");
    let mut seen = String::new();
    let mut expect = |pty: &mut rexpect::session::PtySession, text: &str| match pty.exp_string(text)
    {
        Ok(before) => {
            seen.push_str(&before);
            seen.push_str(text);
        }
        Err(error) => panic!("{text:?} did not appear ({error}); the screen so far:\n{seen}"),
    };
    let send = |pty: &mut rexpect::session::PtySession, keys: &str| {
        pty.send(keys).unwrap();
        pty.flush().unwrap();
    };
    expect(&mut pty, "Connection name");
    send(&mut pty, "Acme\r");
    expect(&mut pty, "Directory server");
    expect(&mut pty, "The HTTPS address of your Acme directory server.");
    expect(&mut pty, "Directory server URL");
    send(&mut pty, "http://directory.acme.test\r");
    expect(&mut pty, "Directory server URL must be a https:// URL.");
    send(&mut pty, "https://directory.acme.test\r");
    expect(&mut pty, "Data region");
    expect(&mut pty, "United States");
    send(&mut pty, "\x1b[B\r");
    expect(&mut pty, "API credentials");
    expect(&mut pty, "API token");
    send(&mut pty, "short\r");
    expect(&mut pty, "API token must be at least 8 characters long.");
    send(&mut pty, "acme-token-12345\r");
    expect(&mut pty, "Page size");
    send(&mut pty, "\r");
    expect(&mut pty, "Check the server");
    expect(&mut pty, "The directory server answers");
    expect(&mut pty, "Save");
    expect(&mut pty, "Saved the connection");
    let rest = pty.exp_eof().unwrap_or_default();
    seen.push_str(&rest);
    match pty.process().wait() {
        Ok(WaitStatus::Exited(_, 0)) => {}
        other => panic!("host-sim did not succeed ({other:?}):\n{seen}"),
    }
    assert!(
        !seen.contains("acme-token-12345"),
        "the token was echoed:\n{seen}"
    );
    assert!(
        has_colour(&seen),
        "no colour on a terminal without NO_COLOR:\n{seen:?}"
    );
    let connection = Store::open(&store).unwrap().get("Acme").unwrap();
    assert_eq!(connection.settings["region"], "us");
    assert_eq!(connection.settings["page_size"], 100);
}

//! The interactive Add connection wizard driven through a pseudo-terminal, as an administrator types it:
//! the console's order, the Tenant ID refused while it is not a well-formed GUID (Log in to Azure is not
//! offered until it is), the device-code sign-in against tenant-sim, the plan and its application, and the
//! consent dialog's Cancel: nothing granted, nothing saved. `NO_COLOR` is set, and no colour may show.
//!
//! Needs host-sim and the plugin built first (`cargo build --workspace`, the README's test command).
#![cfg(unix)]

mod support;

use std::process::Command;

use host_sim::store::Store;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::support::{grants_of, has_colour, private_dir, tenant, tenant_flags};

/// How long one expected line may take to appear (a bound on a hang, not a synchronisation).
const PATIENCE_MS: u64 = 60_000;
const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
/// The choice that offers Log in to Azure, as the screen shows it. rexpect reads the terminal byte by
/// byte as Latin-1, so only ASCII text is looked for.
const LOG_IN_CHOICE: &str = "Log in to Azure\r\n  Cancel (nothing is saved)";

/// Everything the wizard printed so far is kept, so a failure shows the whole screen.
struct Screen {
    pty: PtySession,
    seen: String,
}

impl Screen {
    /// Waits for `text`; returns what came before it.
    fn expect(&mut self, text: &str) -> String {
        match self.pty.exp_string(text) {
            Ok(before) => {
                self.seen.push_str(&before);
                self.seen.push_str(text);
                before
            }
            Err(error) => panic!(
                "{text:?} did not appear ({error}); the screen so far:\n{}",
                self.seen
            ),
        }
    }

    fn key(&mut self, keys: &str) {
        self.pty.send(keys).unwrap();
        self.pty.flush().unwrap();
    }

    fn line(&mut self, text: &str) {
        self.key(text);
        self.key(ENTER);
    }

    fn exit_code(&mut self) -> i32 {
        let rest = self.pty.exp_eof().unwrap_or_default();
        self.seen.push_str(&rest);
        match self.pty.process().wait() {
            Ok(WaitStatus::Exited(_, code)) => code,
            other => panic!("host-sim did not exit normally ({other:?}):\n{}", self.seen),
        }
    }
}

#[test]
fn the_wizard_refuses_a_malformed_tenant_id_before_log_in_and_saves_nothing_when_consent_is_cancelled()
 {
    let plugin = support::artifacts::plugin();
    let tenant = tenant();
    let dir = private_dir();
    let store = dir.path().join("store");
    let before = tenant.object_counts();

    let mut command = Command::new(support::artifacts::host_sim());
    command
        .arg("add-connection")
        .arg("--store")
        .arg(&store)
        .arg("--plugin")
        .arg(&plugin)
        .args(tenant_flags(&tenant, dir.path()))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut screen = Screen {
        pty: spawn_command(command, Some(PATIENCE_MS))
            .expect("host-sim starts in a pseudo-terminal"),
        seen: String::new(),
    };

    // The console's order: the connection's name, then the plugin's steps from describe.
    screen.expect("Connection name");
    screen.line("Contoso");
    screen.expect("Auto configuration");
    screen.key(ENTER);
    screen.expect("I have more than one Azure AD in my Azure tenant");
    screen.key(DOWN);
    screen.key(ENTER);
    // The Tenant ID's help says where the GUID is found.
    screen.expect("Overview page of Microsoft Entra ID");
    screen.expect("Tenant ID");
    screen.line("not-a-guid");
    screen.expect("Tenant ID must be a GUID such as 00000000-0000-0000-0000-000000000000.");
    screen.line("6f1c2b3a-0000-4000-8000");
    screen.expect("Tenant ID must be a GUID such as 00000000-0000-0000-0000-000000000000.");
    // Everything shown so far: Log in to Azure was never offered, nobody signed in.
    assert!(
        !screen.seen.contains(LOG_IN_CHOICE) && !screen.seen.contains("Signed in"),
        "Log in to Azure was offered before the Tenant ID was a GUID:\n{}",
        screen.seen
    );
    screen.line(tenant.tenant_id());
    screen.expect("Sign-in method");
    screen.key(ENTER);
    screen.expect("Sign-in client ID");
    screen.key(ENTER);
    screen.expect(LOG_IN_CHOICE);
    screen.key(ENTER);
    // The connector checks the whole settings at sign-in: the wizard asks the application's name now.
    screen.expect("Azure application name");
    screen.line("Contoso Sync");
    screen.expect("Code:");
    screen.expect("Signed in as Global Admin (admin@");

    screen.expect("Credentials");
    screen.key(ENTER);
    screen.expect("Certificate lifetime (days)");
    screen.key(ENTER);
    screen.expect("Renew the certificate (days before it expires)");
    screen.key(ENTER);
    screen.expect("Admin consent");
    screen.key(ENTER);
    screen.expect("Set any of the optional settings?");
    screen.key("n");

    screen.expect("The plan (nothing is written until you apply it):");
    screen.expect("create     application Contoso Sync");
    screen.expect("Apply these changes now?");
    screen.key("y");
    screen.expect("created    application Contoso Sync");
    screen.expect("created    role assignment User Administrator");

    // The consent dialog lists what describe's requests name, then Cancel.
    screen.expect("Azure Tenant Consent");
    screen.expect("Sign in and read user profile (Microsoft Graph, User.Read, delegated)");
    screen.expect(
        "Manage Exchange As Application (Office 365 Exchange Online, Exchange.ManageAsApp, application)",
    );
    screen.expect("Accept\r\n  Cancel");
    screen.key(DOWN);
    screen.key(ENTER);
    screen.expect("Consent cancelled: no permission was granted, and the connection is not saved.");
    let code = screen.exit_code();
    assert_eq!(code, 6, "Cancel ends with exit code 6:\n{}", screen.seen);

    // Nothing granted: no app role assignment, no delegated grant (the application itself was created at
    // Create or update, as in the console).
    assert_eq!(
        grants_of(&tenant, "Contoso Sync"),
        Some((0, 0)),
        "the application was granted something:\n{}",
        screen.seen
    );
    assert_eq!(
        tenant.object_counts().applications,
        before.applications + 1,
        "{}",
        screen.seen
    );
    // Nothing saved.
    let connections = Store::open(&store).unwrap().list().unwrap();
    assert!(connections.is_empty(), "{connections:?}");
    assert!(
        !has_colour(&screen.seen),
        "colour despite NO_COLOR:\n{:?}",
        screen.seen
    );
}

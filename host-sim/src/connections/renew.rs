//! `host-sim renew NAME`: rotates a connection's certificate. After a sign-in, `provision` runs without the
//! held certificate, so it appends a new one and hands it over; the new one is saved at once (the old one
//! still works meanwhile), Test connection must pass with it, and only then does `provision` run again with
//! `remove_other_certificates`, leaving the new certificate alone on the application.

use serde_json::{Value, json};

use crate::connections::{Common, plugin_of, print_json, wizard_for};
use crate::exit::{BAD_INPUT, Failure, OPERATION_FAILED};
use crate::store::Store;
use crate::terminal::Tone;
use crate::values::THUMBPRINT_FIELD;
use crate::wizard::{Choices, Wizard};

/// Runs `host-sim renew NAME`.
pub fn run(common: &Common, name: &str) -> Result<(), Failure> {
    let mut store = common.open_store()?;
    let connection = store.get(name)?;
    let plugin = plugin_of(&connection, None)?;
    let mut wizard = wizard_for(
        &plugin,
        &store,
        &connection,
        common.ui(),
        common.prompter()?,
        Choices::default(),
    )?;
    let outcome = renew(&mut wizard, &mut store, name);
    if common.json {
        print_json(
            &outcome,
            json!({ "connection": name, "steps": wizard.record() }),
        );
    }
    outcome
}

fn renew(wizard: &mut Wizard<'_>, store: &mut Store, name: &str) -> Result<(), Failure> {
    let missing = |what: &str| {
        Failure::new(
            BAD_INPUT,
            format!(
                "{} has no {what} step, so host-sim cannot renew its certificate",
                wizard.description().display_name
            ),
        )
    };
    let sign_in = wizard
        .step_of("authenticate")
        .ok_or_else(|| missing("sign-in"))?;
    let provision = wizard
        .step_of("provision")
        .ok_or_else(|| missing("create-or-update"))?;
    let test = wizard.step_of("test").ok_or_else(|| missing("test"))?;
    let old = wizard
        .values
        .settings
        .get(THUMBPRINT_FIELD)
        .cloned()
        .unwrap_or(Value::Null);
    wizard
        .ui()
        .heading(&format!("Renew the certificate of {name}"));
    wizard.sign_in(&sign_in)?;

    // A new certificate, appended beside the old one, saved at once with the settings that name it.
    wizard.ui().heading("A new certificate");
    wizard.values.forget_certificate();
    wizard.apply(&provision, &[])?;
    let new = wizard
        .values
        .settings
        .get(THUMBPRINT_FIELD)
        .cloned()
        .unwrap_or(Value::Null);
    if new.is_null() || new == old {
        return Err(Failure::new(
            OPERATION_FAILED,
            "the plugin handed over no new certificate; nothing was changed",
        ));
    }
    save(wizard, store, name)?;
    wizard.ui().line(format!(
        "  {} Saved the new certificate {} with {name}; the old one {} stays on the application until the \
         new one passed Test connection.",
        wizard.ui().paint(Tone::Good, "✔"),
        crate::schema::plain(&new),
        crate::schema::plain(&old)
    ));

    wizard.test(&test)?;

    wizard.ui().heading("Remove the old certificate");
    wizard.apply(
        &provision,
        &[("remove_other_certificates", Value::Bool(true))],
    )?;
    save(wizard, store, name)?;
    wizard.note(json!({ "step": "finish", "saved": true, "connection": name }));
    wizard.ui().line(format!(
        "  {} {name} now holds one certificate, {}, and the application no other.",
        wizard.ui().paint(Tone::Good, "✔"),
        crate::schema::plain(&new)
    ));
    Ok(())
}

/// Saves the wizard's settings and secrets for `name` in one transaction.
fn save(wizard: &Wizard<'_>, store: &mut Store, name: &str) -> Result<(), Failure> {
    store.change(|change| {
        change.update_settings(name, &wizard.values.settings)?;
        change.replace_secrets(name, &wizard.values.secrets)
    })?;
    Ok(())
}

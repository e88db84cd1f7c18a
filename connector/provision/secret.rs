//! The application's client secret, when `credential_type` asks for one (`addPassword`): added when the
//! settings hold none that is on the application and good beyond the renewal window, handed over once.
//! <https://learn.microsoft.com/graph/api/application-addpassword>

use reqwest::Method;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::Error;
use crate::graph::GraphRequest;
use crate::provision::item::{Item, ItemKind, ItemOutcome};
use crate::provision::{Run, done};

/// Whether a client secret is wanted and none usable is held.
fn secret_needed(run: &Run<'_>, passwords: &[Value]) -> bool {
    if run.settings.text("credential_type") != Some("certificate_and_secret") {
        return false;
    }
    let Some(held) = run.settings.text("client_secret") else {
        return true;
    };
    let hint: String = held.chars().take(3).collect();
    let soon =
        OffsetDateTime::now_utc() + time::Duration::days(crate::provision::DEFAULT_RENEWAL_DAYS);
    !passwords.iter().any(|p| {
        p["hint"].as_str() == Some(hint.as_str())
            && p["endDateTime"]
                .as_str()
                .and_then(|e| OffsetDateTime::parse(e, &Rfc3339).ok())
                .is_some_and(|end| end > soon)
    })
}

pub(crate) fn secret_plan(run: &mut Run<'_>, passwords: &[Value]) {
    if run.settings.text("credential_type") == Some("certificate_and_secret") {
        let outcome = if secret_needed(run, passwords) {
            ItemOutcome::Created
        } else {
            ItemOutcome::Unchanged
        };
        run.items
            .push(Item::new(ItemKind::Secret, outcome, "client secret"));
    }
}

/// Adds a client secret when the settings ask for one and hold none that is on the application.
pub(crate) async fn secret(
    run: &mut Run<'_>,
    app_id: &str,
    passwords: &[Value],
) -> Result<(), Error> {
    if run.settings.text("credential_type") != Some("certificate_and_secret") {
        return Ok(());
    }
    if !secret_needed(run, passwords) {
        run.items.push(Item::new(
            ItemKind::Secret,
            ItemOutcome::Unchanged,
            "client secret",
        ));
        return Ok(());
    }
    let lifetime = run
        .settings
        .get("credential_lifetime_days")
        .and_then(Value::as_i64)
        .unwrap_or(365);
    let end = (OffsetDateTime::now_utc() + time::Duration::days(lifetime))
        .format(&Rfc3339)
        .unwrap_or_default();
    let request = GraphRequest::new(
        Method::POST,
        format!("/applications/{app_id}/addPassword"),
        "add a client secret",
    )
    .body(json!({"passwordCredential": {"displayName": "m365-connector", "endDateTime": end}}));
    let answer = run.graph.send(run.call, &request).await?;
    if !answer.is_success() {
        return Err(answer.failure());
    }
    let key_id = answer.body["keyId"].as_str().unwrap_or_default().to_owned();
    run.secret = Some(json!({
        "type": "secret",
        "key_id": key_id,
        "hint": answer.body["hint"],
        "not_after": answer.body["endDateTime"],
        "secret_text": answer.body["secretText"],
    }));
    run.items.push(
        Item::new(ItemKind::Secret, ItemOutcome::Created, "client secret")
            .id(Some(key_id.clone()))
            .with("not_after", answer.body["endDateTime"].clone()),
    );
    done(
        run,
        "secret_added",
        Some(&key_id),
        "Added a client secret.".to_owned(),
    );
    Ok(())
}

//! `exchange_admin_call`: Exchange Online runs an admin command (`Get-AcceptedDomain`) as the application,
//! through the ExchangeOnlineManagement module's endpoint ([`crate::exchange`]). It needs the
//! `Exchange.ManageAsApp` permission in the application's token and a directory role Exchange supports for
//! app-only access (Exchange Administrator is the connector's).
//!
//! Both reach the application's tokens some time after they are granted: "The role assigned to application
//! … isn't supported in this scenario" is retried with a fresh token within `network.consistency_wait_ms`
//! unless the administrator's reads show the application holds no supported role; a refusal for want of
//! the permission is retried likewise when the reads show the permission is granted.

use crate::call::Call;
use crate::checks::certificate_accepted::{AppIdentity, TokenResult, request};
use crate::checks::check::{Check, Definition};
use crate::checks::directory::AdminView;
use crate::describe::PERMISSIONS;
use crate::error::{Error, ErrorKind, excerpt};
use crate::event::WaitReason;
use crate::exchange::{ExchangeAnswer, SUPPORTED_ROLE_TEMPLATE_IDS, TEST_CMDLET, invoke_command};
use crate::http::retry::Patience;

/// The check.
pub const EXCHANGE_ADMIN_CALL: Definition = Definition {
    name: "exchange_admin_call",
    label: "Exchange Online runs an admin command as the application (Get-AcceptedDomain)",
};

/// The id of the `Exchange.ManageAsApp` app role.
fn manage_as_app_id() -> &'static str {
    PERMISSIONS
        .iter()
        .find(|p| p.name == "Exchange.ManageAsApp")
        .map_or("", |p| p.id)
}

/// The admin call's outcome.
#[derive(Debug)]
pub enum CallResult {
    /// Not tried: why.
    NotTried(String),
    /// Exchange answered.
    Answered(ExchangeAnswer),
    /// The request failed.
    Failed(Error),
}

/// Runs the admin command with the Exchange Online token, when there is one.
pub async fn call_exchange(
    call: &Call<'_>,
    who: Option<&AppIdentity<'_>>,
    token: Option<&TokenResult>,
) -> CallResult {
    let (Some(who), Some(token)) = (who, token.and_then(TokenResult::token)) else {
        return CallResult::NotTried(
            "Not tried: Entra ID issued no Exchange Online token to the application (see certificate_accepted)."
                .to_owned(),
        );
    };
    match invoke_command(
        call,
        who.http,
        who.endpoints,
        who.tenant_id,
        token.expose(),
        TEST_CMDLET,
    )
    .await
    {
        Ok(answer) => CallResult::Answered(answer),
        Err(error) => CallResult::Failed(error),
    }
}

/// Whether a refusal is what a role or permission granted moments ago looks like, given what the
/// administrator's reads show.
fn still_propagating(answer: &ExchangeAnswer, view: &AdminView) -> bool {
    let facts = match view {
        AdminView::Read(facts) => Some(facts),
        _ => None,
    };
    if answer.role_not_supported() {
        let supported_role_missing =
            facts
                .and_then(|f| f.role_template_ids())
                .is_some_and(|roles| {
                    !roles.iter().any(|role| {
                        SUPPORTED_ROLE_TEMPLATE_IDS
                            .iter()
                            .any(|s| s.eq_ignore_ascii_case(role))
                    })
                });
        return !supported_role_missing;
    }
    answer.unauthorized() && facts.is_some_and(|f| f.has_app_role(manage_as_app_id()))
}

/// Retries the call with a fresh token while Exchange's refusal is propagation, until `patience` is spent.
/// Only a cancel is an error.
pub async fn settle(
    call: &Call<'_>,
    who: Option<&AppIdentity<'_>>,
    patience: &mut Patience,
    mut result: CallResult,
    view: &AdminView,
) -> Result<CallResult, Error> {
    let Some(who) = who else {
        return Ok(result);
    };
    loop {
        let CallResult::Answered(answer) = &result else {
            return Ok(result);
        };
        if answer.is_success() || !still_propagating(answer, view) {
            return Ok(result);
        }
        if let Err(error) = patience
            .wait(
                call,
                WaitReason::Replication,
                "the application's Exchange Online role and permission to reach its token",
            )
            .await
        {
            return match error.kind() {
                ErrorKind::Timeout => Ok(result),
                _ => Err(error),
            };
        }
        let token = request(call, who, who.endpoints.exchange_resource).await;
        if token.token().is_none() {
            return Ok(result);
        }
        result = call_exchange(call, Some(who), Some(&token)).await;
    }
}

/// The check from the call's outcome.
pub fn check(result: &CallResult) -> Check {
    let answer = match result {
        CallResult::NotTried(reason) => return Check::skipped(EXCHANGE_ADMIN_CALL, reason.clone()),
        CallResult::Failed(error) => return Check::failed_with(EXCHANGE_ADMIN_CALL, error),
        CallResult::Answered(answer) => answer,
    };
    if answer.is_success() {
        // A domain name has at most 253 characters; a longer one is cut, so an odd answer stays one line.
        let domains: Vec<_> = answer
            .values
            .iter()
            .filter_map(|row| row["DomainName"].as_str().or(row["Name"].as_str()))
            .take(5)
            .map(|domain| excerpt(domain, 253))
            .collect();
        let listed = if domains.is_empty() {
            String::new()
        } else {
            format!(" ({})", domains.join(", "))
        };
        return Check::pass(
            EXCHANGE_ADMIN_CALL,
            format!(
                "Exchange Online ran {TEST_CMDLET} as the application: {} accepted domain(s){listed}.",
                answer.values.len()
            ),
        );
    }
    let said = answer.summary();
    let (message, hint) = if answer.role_not_supported() {
        (
            format!(
                "Exchange Online refused the application: it holds no directory role Exchange supports for app-only \
                 access ({said})"
            ),
            "Run Create or update Azure application: it assigns Exchange Administrator to the application. A role \
             assigned minutes ago can take a while to reach the application's token; run Test connection again \
             then.",
        )
    } else if answer.unauthorized() {
        (
            format!("Exchange Online refused the application's token (HTTP 401): {said}"),
            "Run Consent: it grants the application Exchange.ManageAsApp, which app-only access to Exchange Online \
             needs.",
        )
    } else {
        (
            format!(
                "Exchange Online answered HTTP {} to {TEST_CMDLET}: {said}",
                answer.status
            ),
            "Try again; if it keeps happening, report it with the request id.",
        )
    };
    Check::fail(EXCHANGE_ADMIN_CALL, message, hint).with_service(answer.details.clone())
}

#[cfg(test)]
mod tests {
    use super::{CallResult, check};
    use crate::checks::check::Status;
    use crate::error::ServiceAnswer;
    use crate::exchange::ExchangeAnswer;
    use serde_json::json;

    #[test]
    fn a_pass_names_at_most_five_domains_each_at_most_a_domain_name_long() {
        let mut values = vec![json!({"DomainName": "contoso.onmicrosoft.com"})];
        values.push(json!({"DomainName": "x".repeat(10_000)}));
        values.extend((0..10).map(|i| json!({"Name": format!("d{i}.example")})));
        let result = CallResult::Answered(ExchangeAnswer {
            status: 200,
            values,
            error_code: None,
            message: None,
            details: ServiceAnswer::default(),
        });
        let outcome = check(&result);
        assert_eq!(outcome.status, Status::Pass);
        let detail = outcome.message;
        assert!(
            detail.contains("12 accepted domain(s) (contoso.onmicrosoft.com, xxx"),
            "{detail}"
        );
        assert!(detail.contains("d2.example)"), "{detail}");
        assert!(!detail.contains("d3.example"), "{detail}");
        assert!(
            detail.chars().count() < 400,
            "{} characters",
            detail.chars().count()
        );
    }
}

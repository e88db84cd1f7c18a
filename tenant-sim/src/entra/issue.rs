//! The tokens a signed-in user gets: access token (v1 claims, as Graph and Exchange receive them), ID
//! token (v2), refresh token, and the token answer around them (`scope` written as Entra writes it,
//! `client_info` when asked).
//! <https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference>

use aws_lc_rs::digest;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::directory::ClientRegistration;
use crate::directory::well_known::{MICROSOFT_GRAPH_APP_ID, OIDC_SCOPES};
use crate::entra::error::EntraError;
use crate::entra::scopes::ScopeRequest;
use crate::entra::sessions::{RefreshToken, lock};
use crate::entra::sign_in_refusal::refusal;
use crate::entra::{consent, scopes};
use crate::state::TenantState;
use crate::tokens::{AccessClaims, IdClaims, lifetime_window, random_token};

/// A pairwise subject: stable per user and application, as Entra's `sub`.
pub(crate) fn pairwise_subject(user_id: &str, client_id: &str) -> String {
    let digest = digest::digest(&digest::SHA256, format!("{user_id}|{client_id}").as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

/// What a delegated token request asked for, beyond the scope.
pub(crate) struct DelegatedIssue<'a> {
    pub client: &'a ClientRegistration,
    pub user_id: &'a str,
    pub scope: &'a str,
    pub appidacr: u8,
    pub nonce: Option<&'a str>,
    /// Consent may be prompted (an interactive sign-in); otherwise missing consent is AADSTS65001.
    pub interactive: bool,
    /// Issue a refresh token even if `offline_access` is not in `scope` (refresh grants).
    pub force_refresh_token: bool,
    /// The request asked for `client_info` (`client_info=1`, as MSAL sends it).
    pub client_info: bool,
}

/// Whether a token request asks for `client_info` (`client_info=1`).
pub(crate) fn asks_client_info(form: &std::collections::HashMap<String, String>) -> bool {
    form.get("client_info").map(String::as_str) == Some("1")
}

/// Who an access token is about: a user (`idtyp` `user`) or a service principal (`app`).
pub(crate) struct Subject<'a> {
    pub idtyp: &'static str,
    pub oid: &'a str,
    pub sub: String,
}

/// The access token claims for `client` calling the resource of `request` as `subject`, valid from now
/// for the access-token lifetime knob, with no `scp`, `roles`, `wids` or user names (the caller adds
/// those).
pub(crate) fn access_claims(
    state: &TenantState,
    request: &ScopeRequest,
    client: &ClientRegistration,
    appidacr: u8,
    subject: Subject<'_>,
) -> AccessClaims {
    let (now, exp) = lifetime_window(state.knobs.get().access_token_lifetime);
    AccessClaims {
        aud: request.resource.audience(),
        iss: state.access_token_issuer(),
        iat: now,
        nbf: now,
        exp,
        appid: client.app_id.clone(),
        appidacr: appidacr.to_string(),
        app_displayname: Some(client.display_name.clone()),
        idtyp: subject.idtyp.to_owned(),
        oid: subject.oid.to_owned(),
        sub: subject.sub,
        tid: state.tenant_id.clone(),
        scp: None,
        roles: None,
        wids: None,
        upn: None,
        unique_name: None,
        name: None,
        uti: random_token(16),
        ver: "1.0".to_owned(),
    }
}

/// A token answer carrying the access token of `claims`: `token_type`, `expires_in`, `ext_expires_in`,
/// `access_token`.
pub(crate) fn token_answer(state: &TenantState, claims: &AccessClaims) -> Value {
    let access_token = state.signing_key.sign(claims);
    state.issued.record(&access_token);
    json!({
        "token_type": "Bearer",
        "expires_in": claims.exp - claims.iat,
        "ext_expires_in": claims.exp - claims.iat,
        "access_token": access_token,
    })
}

/// Issues access (and ID, refresh) tokens for a signed-in user.
pub(crate) fn issue_delegated(
    state: &TenantState,
    issue: DelegatedIssue<'_>,
) -> Result<Value, EntraError> {
    let request = {
        let data = state.directory.read();
        scopes::parse(&data, issue.scope, &issue.client.app_id)?
    };
    if let Some(refused) = state.knobs.get().sign_in_refusal {
        return Err(refusal(refused, &request.resource.app_id));
    }
    let scp = consent::ensure_delegated_consent(
        state,
        issue.client,
        issue.user_id,
        &request,
        issue.interactive,
    )?;
    let data = state.directory.read();
    let user = data.user(issue.user_id).cloned().ok_or_else(|| {
        EntraError::new(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            50034,
            "The user account does not exist in the directory.",
        )
    })?;
    let wids = data.active_role_template_ids(issue.user_id);
    drop(data);
    let upn = user.str("userPrincipalName").unwrap_or_default().to_owned();
    let name = user.str("displayName").unwrap_or_default().to_owned();
    let knobs = state.knobs.get();
    let claims = AccessClaims {
        scp: (!scp.is_empty()).then(|| scp.join(" ")),
        wids: (!wids.is_empty()).then_some(wids),
        upn: Some(upn.clone()),
        unique_name: Some(upn.clone()),
        name: Some(name.clone()),
        ..access_claims(
            state,
            &request,
            issue.client,
            issue.appidacr,
            Subject {
                idtyp: "user",
                oid: issue.user_id,
                sub: pairwise_subject(issue.user_id, &issue.client.app_id),
            },
        )
    };
    let (now, exp) = (claims.iat, claims.exp);
    let mut body = token_answer(state, &claims);
    body["scope"] = json!(answered_scope(&request, &scp));
    if issue.client_info {
        // `uid` and `utid`: the user's object id and home tenant, as MSAL keys its cache by them.
        let info = json!({"uid": issue.user_id, "utid": state.tenant_id});
        body["client_info"] = json!(URL_SAFE_NO_PAD.encode(info.to_string()));
    }
    if request.has_oidc("openid") {
        let id_claims = IdClaims {
            aud: issue.client.app_id.clone(),
            iss: state.v2_issuer(),
            iat: now,
            nbf: now,
            exp,
            tid: state.tenant_id.clone(),
            oid: issue.user_id.to_owned(),
            sub: pairwise_subject(issue.user_id, &issue.client.app_id),
            preferred_username: upn,
            name,
            nonce: issue.nonce.map(str::to_owned),
            ver: "2.0".to_owned(),
        };
        let id_token = state.signing_key.sign(&id_claims);
        state.issued.record(&id_token);
        body["id_token"] = json!(id_token);
    }
    if request.has_oidc("offline_access") || issue.force_refresh_token {
        let refresh = format!("1.A{}", random_token(48));
        lock(&state.sessions.refresh_tokens).insert(
            refresh.clone(),
            RefreshToken {
                client_id: issue.client.app_id.clone(),
                user_id: issue.user_id.to_owned(),
                scope: issue.scope.to_owned(),
                expires_at: Instant::now() + knobs.refresh_token_lifetime,
            },
        );
        state.issued.record(&refresh);
        body["refresh_token"] = json!(refresh);
    }
    Ok(body)
}

/// The token answer's `scope`, as Entra writes it. For a `.default` request every scope is written
/// with its resource (`https://management.core.windows.net//user_impersonation`) and the `.default`
/// scope itself is added, as Entra's answers show
/// (<https://github.com/Azure/azure-cli/issues/32931>), so a client's cache finds the token again
/// under the scope it asked for. Named Microsoft Graph scopes are written bare (`User.Read`), other
/// resources' with their resource. The OpenID Connect scopes asked for (but `offline_access`) follow.
fn answered_scope(request: &ScopeRequest, scp: &[String]) -> String {
    let resource = &request.resource;
    let is_oidc = |s: &str| OIDC_SCOPES.iter().any(|o| o.eq_ignore_ascii_case(s));
    let bare = !resource.default && resource.app_id.eq_ignore_ascii_case(MICROSOFT_GRAPH_APP_ID);
    let mut granted: Vec<String> = scp
        .iter()
        .map(|s| {
            if bare || is_oidc(s) {
                s.clone()
            } else {
                format!("{}/{s}", resource.requested)
            }
        })
        .collect();
    if resource.default {
        granted.push(format!("{}/.default", resource.requested));
    }
    for oidc in &request.oidc {
        if oidc != "offline_access" && !granted.iter().any(|g| g.eq_ignore_ascii_case(oidc)) {
            granted.push(oidc.clone());
        }
    }
    granted.join(" ")
}

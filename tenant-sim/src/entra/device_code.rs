//! The device authorization grant: `POST /{tenant}/oauth2/v2.0/devicecode` and its polling at the token
//! endpoint. The simulated user's answer comes from the `device_code_approval` knob or from
//! `Tenant::approve_device_code` / `decline_device_code`.
//! <https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code>

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::entra::clients::lookup_client;
use crate::entra::error::EntraError;
use crate::entra::form::form;
use crate::entra::grant::GrantRequest;
use crate::entra::sessions::{DeviceCode, DeviceCodeStatus, lock};
use crate::entra::tenant_path::resolve_tenant;
use crate::entra::{consent, scopes};
use crate::knobs::DeviceCodeApproval;
use crate::state::TenantState;
use crate::tokens::random_token;

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(crate) async fn device_authorization(
    State(state): State<Arc<TenantState>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    match start(&state, &tenant, &body) {
        Ok(body) => Json(body).into_response(),
        Err(error) => error.into_response(),
    }
}

fn new_user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 9];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random generator failed");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

fn start(state: &TenantState, tenant: &str, body: &[u8]) -> Result<Value, EntraError> {
    resolve_tenant(state, tenant, "invalid_request")?;
    let form = form(body);
    let client_id = form
        .get("client_id")
        .ok_or_else(|| EntraError::missing_parameter("client_id"))?;
    let scope = form
        .get("scope")
        .ok_or_else(|| EntraError::missing_parameter("scope"))?;
    let client = lookup_client(state, client_id)?;
    scopes::parse(&state.directory.read(), scope, &client.app_id)?;
    let knobs = state.knobs.get();
    let user_code = new_user_code();
    let device_code = random_token(64);
    let verification_uri = format!("{}/devicelogin", state.urls.authority);
    lock(&state.sessions.device_codes).insert(
        device_code.clone(),
        DeviceCode {
            user_code: user_code.clone(),
            client_id: client.app_id.clone(),
            scope: scope.clone(),
            expires_at: Instant::now() + knobs.device_code_lifetime,
            polls: 0,
            last_poll: None,
            approval: knobs.device_code_approval,
            status: DeviceCodeStatus::Pending,
        },
    );
    Ok(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": knobs.device_code_lifetime.as_secs(),
        "interval": knobs.device_code_interval_secs,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    }))
}

/// Signs the knob's user in and runs consent for a device code; the outcome becomes its status.
fn sign_in(state: &TenantState, client_id: &str, scope: &str) -> DeviceCodeStatus {
    let outcome = (|| {
        let user = consent::signed_in_user(state)?;
        let client = lookup_client(state, client_id)?;
        let request = scopes::parse(&state.directory.read(), scope, &client.app_id)?;
        consent::ensure_delegated_consent(state, &client, &user.id, &request, true)?;
        Ok::<_, EntraError>(user.id)
    })();
    match outcome {
        Ok(user_id) => DeviceCodeStatus::Approved { user_id },
        Err(error) => DeviceCodeStatus::Failed(error),
    }
}

fn pending_by_user_code<'a>(
    codes: &'a mut HashMap<String, DeviceCode>,
    user_code: &str,
) -> Option<&'a mut DeviceCode> {
    let wanted: String = user_code.chars().filter(|c| *c != '-').collect();
    codes.values_mut().find(|c| {
        c.user_code.eq_ignore_ascii_case(&wanted) && matches!(c.status, DeviceCodeStatus::Pending)
    })
}

/// Approves a pending device code by user code (test hook behind `Tenant::approve_device_code`).
pub(crate) fn approve(state: &TenantState, user_code: &str) -> bool {
    let target = {
        let mut codes = lock(&state.sessions.device_codes);
        pending_by_user_code(&mut codes, user_code).map(|c| (c.client_id.clone(), c.scope.clone()))
    };
    let Some((client_id, scope)) = target else {
        return false;
    };
    let status = sign_in(state, &client_id, &scope);
    let mut codes = lock(&state.sessions.device_codes);
    match pending_by_user_code(&mut codes, user_code) {
        Some(code) => {
            code.status = status;
            true
        }
        None => false,
    }
}

/// Declines a pending device code by user code.
pub(crate) fn decline(state: &TenantState, user_code: &str) -> bool {
    let mut codes = lock(&state.sessions.device_codes);
    match pending_by_user_code(&mut codes, user_code) {
        Some(code) => {
            code.status = DeviceCodeStatus::Declined;
            true
        }
        None => false,
    }
}

/// Expires a device code by user code.
pub(crate) fn expire(state: &TenantState, user_code: &str) -> bool {
    let wanted: String = user_code.chars().filter(|c| *c != '-').collect();
    let mut codes = lock(&state.sessions.device_codes);
    match codes
        .values_mut()
        .find(|c| c.user_code.eq_ignore_ascii_case(&wanted))
    {
        Some(code) => {
            code.expires_at = Instant::now();
            true
        }
        None => false,
    }
}

fn device_error(error: &'static str, code: u32, message: &str) -> EntraError {
    EntraError::new(StatusCode::BAD_REQUEST, error, code, message)
}

/// A poll of the token endpoint with the device code grant.
pub(crate) fn poll(grant: &GrantRequest<'_>) -> Result<Value, EntraError> {
    let GrantRequest {
        state,
        client,
        form,
        ..
    } = *grant;
    let device_code = form
        .get("device_code")
        .or_else(|| form.get("code"))
        .ok_or_else(|| EntraError::missing_parameter("device_code"))?;
    let interval = Duration::from_secs(state.knobs.get().device_code_interval_secs);
    let now = Instant::now();
    let (approval_due, client_id, scope) = {
        let mut codes = lock(&state.sessions.device_codes);
        let Some(entry) = codes.get_mut(device_code) else {
            return Err(device_error(
                "bad_verification_code",
                70018,
                "The device code is not recognized.",
            ));
        };
        if !entry.client_id.eq_ignore_ascii_case(&client.app_id) {
            return Err(device_error(
                "invalid_grant",
                70000,
                "The device code was issued to a different client.",
            ));
        }
        if now >= entry.expires_at {
            return Err(device_error(
                "expired_token",
                70019,
                "Verification code expired.",
            ));
        }
        if matches!(entry.status, DeviceCodeStatus::Redeemed) {
            return Err(device_error(
                "invalid_grant",
                54005,
                "The device code was already redeemed.",
            ));
        }
        let too_fast = !interval.is_zero()
            && entry
                .last_poll
                .is_some_and(|last| now.duration_since(last) < interval);
        entry.last_poll = Some(now);
        if too_fast {
            return Err(device_error(
                "slow_down",
                70016,
                "OAuth 2.0 device flow error. Polling too often; wait for the interval before polling again.",
            ));
        }
        entry.polls += 1;
        let due = matches!(entry.status, DeviceCodeStatus::Pending)
            && match entry.approval {
                DeviceCodeApproval::Approve => true,
                DeviceCodeApproval::ApproveAfterPolls(n) => entry.polls > n,
                DeviceCodeApproval::Decline => {
                    entry.status = DeviceCodeStatus::Declined;
                    false
                }
                DeviceCodeApproval::Manual => false,
            };
        (due, entry.client_id.clone(), entry.scope.clone())
    };
    if approval_due {
        let status = sign_in(state, &client_id, &scope);
        if let Some(entry) = lock(&state.sessions.device_codes).get_mut(device_code) {
            entry.status = status;
        }
    }
    let status = lock(&state.sessions.device_codes)
        .get(device_code)
        .map(|e| e.status.clone())
        .unwrap_or(DeviceCodeStatus::Redeemed);
    match status {
        DeviceCodeStatus::Pending => Err(device_error(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )),
        DeviceCodeStatus::Declined => Err(device_error(
            "authorization_declined",
            65004,
            "User declined to authorize the device code request.",
        )),
        DeviceCodeStatus::Failed(error) => Err(error),
        DeviceCodeStatus::Redeemed => Err(device_error(
            "invalid_grant",
            54005,
            "The device code was already redeemed.",
        )),
        DeviceCodeStatus::Approved { user_id } => {
            let acr = grant.authenticate()?;
            let body = grant.issue_delegated(&user_id, &scope, acr, None, false)?;
            if let Some(entry) = lock(&state.sessions.device_codes).get_mut(device_code) {
                entry.status = DeviceCodeStatus::Redeemed;
            }
            Ok(body)
        }
    }
}

/// `GET /devicelogin`: where a person would enter the code. The simulator has no UI.
pub(crate) async fn device_login_page() -> Html<&'static str> {
    Html(
        "<!doctype html><title>tenant-sim device login</title><p>tenant-sim has no sign-in UI: device codes are approved, declined or left pending by the <code>device_code_approval</code> knob, or by <code>Tenant::approve_device_code</code>.</p>",
    )
}

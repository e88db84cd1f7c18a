//! Client authentication at the token endpoint: none (public clients), a client secret (form or HTTP
//! Basic), or a client assertion signed with a certificate on the application.
//! <https://learn.microsoft.com/entra/identity-platform/certificate-credentials>

use std::collections::HashMap;

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::directory::{ClientRegistration, SecretCheck};
use crate::entra::error::EntraError;
use crate::state::TenantState;
use crate::tokens::optional_numeric_date;

/// The client-assertion type Entra accepts.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Clock skew tolerated on assertion times.
const SKEW_SECONDS: i64 = 300;
/// The longest assertion lifetime accepted.
const MAX_LIFETIME_SECONDS: i64 = 600;

/// What the client presented to prove who it is.
pub(crate) enum Presented {
    /// Nothing (public client).
    Nothing,
    /// A client secret.
    Secret(String),
    /// A signed JWT.
    Assertion(String),
}

/// The client id and credential of a token request (form fields, or HTTP Basic for a secret).
pub(crate) fn presented(
    form: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<(Option<String>, Presented), EntraError> {
    let mut client_id = form.get("client_id").cloned();
    let mut secret = form.get("client_secret").cloned();
    if let Some(basic) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = STANDARD
            .decode(basic.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| {
                invalid_client(
                    7000216,
                    "The client credentials in the Authorization header are malformed.".to_owned(),
                )
            })?;
        let (user, password) = decoded.split_once(':').ok_or_else(|| {
            invalid_client(
                7000216,
                "The client credentials in the Authorization header are malformed.".to_owned(),
            )
        })?;
        let decode = |s: &str| {
            url::form_urlencoded::parse(format!("v={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let user = decode(user);
        if client_id
            .as_deref()
            .is_some_and(|id| !id.eq_ignore_ascii_case(&user))
        {
            return Err(EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                90014,
                "The client_id in the request body does not match the client in the Authorization header.",
            ));
        }
        client_id = Some(user);
        secret = Some(decode(password));
    }
    if let Some(assertion) = form.get("client_assertion") {
        match form.get("client_assertion_type") {
            Some(kind) if kind == JWT_BEARER => {}
            Some(_) => {
                return Err(EntraError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    50027,
                    "The client_assertion_type is not supported; use urn:ietf:params:oauth:client-assertion-type:jwt-bearer.",
                ));
            }
            None => return Err(EntraError::missing_parameter("client_assertion_type")),
        }
        return Ok((client_id, Presented::Assertion(assertion.clone())));
    }
    Ok((
        client_id,
        secret.map_or(Presented::Nothing, Presented::Secret),
    ))
}

fn invalid_client(code: u32, message: String) -> EntraError {
    EntraError::new(StatusCode::UNAUTHORIZED, "invalid_client", code, message)
}

/// Authenticates the client; returns `appidacr` (0 public, 1 secret, 2 certificate).
pub(crate) fn authenticate(
    state: &TenantState,
    client: &ClientRegistration,
    credential: &Presented,
    tenant_segment: &str,
) -> Result<u8, EntraError> {
    match credential {
        Presented::Nothing if client.public_client => Ok(0),
        Presented::Nothing => Err(invalid_client(
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.".to_owned(),
        )),
        Presented::Secret(secret) => match state.directory.read().check_client_secret(&client.app_id, secret) {
            SecretCheck::Valid => Ok(1),
            SecretCheck::Expired => Err(invalid_client(
                7000222,
                format!("The provided client secret keys for app '{}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.", client.app_id),
            )),
            SecretCheck::Invalid => Err(invalid_client(
                7000215,
                format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", client.app_id),
            )),
        },
        Presented::Assertion(assertion) => {
            verify_assertion(state, client, assertion, tenant_segment)?;
            Ok(2)
        }
    }
}

#[derive(Deserialize)]
struct AssertionClaims {
    aud: Value,
    iss: Option<String>,
    sub: Option<String>,
    #[serde(default, deserialize_with = "optional_numeric_date")]
    exp: Option<i64>,
    #[serde(default, deserialize_with = "optional_numeric_date")]
    nbf: Option<i64>,
    #[serde(default, deserialize_with = "optional_numeric_date")]
    iat: Option<i64>,
}

/// Decodes a thumbprint in any of the base64 alphabets clients use (azure_identity sends standard
/// base64 of the SHA-1 thumbprint; the JWS spec says base64url).
fn decode_thumbprint(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .or_else(|_| STANDARD.decode(text))
        .or_else(|_| STANDARD_NO_PAD.decode(text))
        .ok()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn verify_assertion(
    state: &TenantState,
    client: &ClientRegistration,
    assertion: &str,
    tenant_segment: &str,
) -> Result<(), EntraError> {
    let malformed = || {
        EntraError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            50027,
            "JWT token is invalid or malformed.",
        )
    };
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| malformed())?;
    let algorithm = match header.alg {
        Algorithm::RS256 | Algorithm::PS256 => header.alg,
        other => {
            return Err(invalid_client(
                700027,
                format!(
                    "Client assertion failed signature validation. (Reason - The signing algorithm {other:?} is not supported; use RS256 or PS256.)"
                ),
            ));
        }
    };
    let (presented_thumbprint, sha256) = match (&header.x5t_s256, &header.x5t) {
        (Some(s256), _) => (decode_thumbprint(s256), true),
        (None, Some(sha1)) => (decode_thumbprint(sha1), false),
        (None, None) => (None, false),
    };
    let Some(thumbprint) = presented_thumbprint else {
        return Err(invalid_client(
            700027,
            "Client assertion failed signature validation. (Reason - The assertion header carries neither x5t nor x5t#S256.)".to_owned(),
        ));
    };
    let certificates = state.directory.read().client_certificates(&client.app_id);
    let Some(certificate) = certificates.iter().find(|c| {
        if sha256 {
            c.sha256 == thumbprint
        } else {
            c.sha1 == thumbprint
        }
    }) else {
        return Err(invalid_client(
            700027,
            format!(
                "Client assertion failed signature validation. (Reason - The key was not found., Thumbprint of key used by client: '{}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments if you are not using a global cloud.)",
                hex(&thumbprint),
                client.app_id
            ),
        ));
    };
    // A key credential outside its startDateTime..endDateTime is refused like a missing key
    // (AADSTS700027); the reason's wording is ours.
    let now_utc = OffsetDateTime::now_utc();
    let expired = certificate.end.is_some_and(|end| end < now_utc);
    let not_yet = certificate.start.is_some_and(|start| start > now_utc);
    if expired || not_yet {
        let show = |t: Option<OffsetDateTime>| {
            t.map(crate::directory::graph_timestamp).unwrap_or_default()
        };
        return Err(invalid_client(
            700027,
            format!(
                "Client assertion contains an invalid signature. [Reason - The key used is {}., Thumbprint of key used by client: '{}', Found key 'Start={}, End={}']",
                if expired { "expired" } else { "not yet valid" },
                hex(&thumbprint),
                show(certificate.start),
                show(certificate.end)
            ),
        ));
    }
    let (_, parsed) =
        x509_parser::parse_x509_certificate(&certificate.der).map_err(|_| malformed())?;
    let key = DecodingKey::from_rsa_der(&parsed.public_key().subject_public_key.data);
    let mut validation = Validation::new(algorithm);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims::<&str>(&[]);
    let claims = jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation)
        .map_err(|error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => invalid_client(
                700027,
                format!("Client assertion contains an invalid signature. [Reason - The key was found, but the signature is invalid., Thumbprint of key used by client: '{}']", hex(&thumbprint)),
            ),
            _ => malformed(),
        })?
        .claims;

    let issuer_ok = claims
        .iss
        .as_deref()
        .is_some_and(|i| i.eq_ignore_ascii_case(&client.app_id))
        && claims
            .sub
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case(&client.app_id));
    if !issuer_ok {
        return Err(invalid_client(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter. The 'iss' and 'sub' claims must both be the client id.".to_owned(),
        ));
    }

    let accepted: Vec<String> = {
        let authority = &state.urls.authority;
        let domain = &state.initial_domain;
        let mut list = Vec::new();
        for tenant in [tenant_segment, state.tenant_id.as_str(), domain.as_str()] {
            list.push(format!("{authority}/{tenant}/oauth2/v2.0/token"));
            list.push(format!("{authority}/{tenant}/oauth2/token"));
        }
        list
    };
    let audiences: Vec<&str> = match &claims.aud {
        Value::String(a) => vec![a.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences
        .iter()
        .any(|a| accepted.iter().any(|ok| ok.eq_ignore_ascii_case(a)))
    {
        return Err(invalid_client(
            700027,
            format!(
                "Client assertion failed audience validation. (Reason - The 'aud' claim must be the token endpoint, e.g. '{}/{}/oauth2/v2.0/token'.)",
                state.urls.authority, state.tenant_id
            ),
        ));
    }

    let now = OffsetDateTime::now_utc().unix_timestamp();
    let Some(exp) = claims.exp else {
        return Err(invalid_client(
            700024,
            "Client assertion is not within its valid time range. The 'exp' claim is required."
                .to_owned(),
        ));
    };
    let start = claims
        .nbf
        .or(claims.iat)
        .unwrap_or(exp - MAX_LIFETIME_SECONDS);
    let out_of_range = now > exp + SKEW_SECONDS || now + SKEW_SECONDS < start;
    if out_of_range || exp - start > MAX_LIFETIME_SECONDS {
        let show = |t: i64| {
            OffsetDateTime::from_unix_timestamp(t)
                .map(crate::directory::graph_timestamp)
                .unwrap_or_default()
        };
        return Err(invalid_client(
            700024,
            format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. The assertion may be valid for at most 10 minutes.",
                show(now),
                show(start),
                show(exp)
            ),
        ));
    }
    Ok(())
}

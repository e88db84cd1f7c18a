//! The credential actions of an application: `addPassword`, `removePassword`, `addKey` and `removeKey`
//! (each may also be called with the `microsoft.graph.` prefix). `addKey` and `removeKey` need a proof
//! of possession of one of the application's current certificates: a JWT signed with its private key
//! (`aud` `00000002-0000-0000-c000-000000000000`, `iss` the application's object id, at most ten
//! minutes between `nbf` and `exp`) (<https://learn.microsoft.com/graph/api/application-addkey>).

use axum::http::StatusCode;
use axum::response::Response;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::directory::{DirectoryData, DirectoryError, DirectoryObject, parse_graph_timestamp};
use crate::edm_binary;
use crate::graph::applications::{AppKey, authorized_application, write_error};
use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::{GRAPH_V1_ROOT, json_response, no_content};
use crate::graph::request::GraphRequest;
use crate::graph::schema::{Intent, types};
use crate::tokens::optional_numeric_date;

/// The audience of a proof of possession: Azure AD Graph's appId, as the addKey page says.
const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";
/// The longest a proof may be valid (`exp - nbf`).
const PROOF_LIFETIME_SECONDS: i64 = 600;
/// Clock skew tolerated on the proof's times.
const PROOF_SKEW_SECONDS: i64 = 300;

/// The application `key` names, once the caller may change its credentials: the permission of
/// `addPassword`, or, for `addKey` and `removeKey`, the application itself calling app-only, which
/// needs no permission to roll its own keys.
fn credential_target(
    request: &GraphRequest,
    key: &AppKey,
    self_service: bool,
) -> Result<DirectoryObject, GraphError> {
    if self_service && request.auth.claims.is_app_only() {
        let data = request.state.directory.read();
        let own = request.visible(&data, key.find(&data)).filter(|app| {
            app.str("appId")
                .is_some_and(|id| id.eq_ignore_ascii_case(&request.auth.claims.appid))
        });
        if let Some(app) = own {
            return Ok(app.clone());
        }
    }
    authorized_application(request, key, |caller_owns| Operation::AddPassword {
        caller_owns,
    })
}

/// The body of an action, validated against its parameters (`types::ADD_KEY`…).
fn parameters(request: &GraphRequest, type_name: &str) -> Result<Map<String, Value>, GraphError> {
    if request.body.is_empty() {
        return Ok(Map::new());
    }
    request.validated_body(type_name, Intent::Create)
}

/// `POST /applications/{id}/addPassword`: 200 with the credential and its `secretText`, the only time it
/// is shown (<https://learn.microsoft.com/graph/api/application-addpassword>).
pub fn add_password(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    let existing = credential_target(request, key, false)?;
    let body = parameters(request, types::ADD_PASSWORD)?;
    let given = body
        .get("passwordCredential")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let display_name = given
        .get("displayName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let end = given
        .get("endDateTime")
        .and_then(Value::as_str)
        .and_then(parse_graph_timestamp);
    let credential = request
        .state
        .directory
        .write()
        .add_client_secret(existing.id(), display_name, end)
        .map_err(write_error)?;
    if let Some(secret) = credential.get("secretText").and_then(Value::as_str) {
        request.state.issued.record(secret);
    }
    Ok(action_answer(
        "microsoft.graph.passwordCredential",
        credential,
    ))
}

/// `POST /applications/{id}/removePassword`: 204; a `keyId` the application does not have is 400 (the
/// wording is ours) (<https://learn.microsoft.com/graph/api/application-removepassword>).
pub fn remove_password(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    let existing = credential_target(request, key, false)?;
    let body = parameters(request, types::REMOVE_PASSWORD)?;
    let key_id = text(&body, "keyId");
    request
        .state
        .directory
        .write()
        .remove_password_credential(existing.id(), &key_id)
        .map_err(|error| no_such_credential(error, "password", &key_id))?;
    Ok(no_content())
}

/// `POST /applications/{id}/addKey`: 200 with the new `keyCredential` (without `key`), once the proof
/// is signed by a current certificate of the application.
pub fn add_key(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    let existing = credential_target(request, key, true)?;
    let body = parameters(request, types::ADD_KEY)?;
    let mut data = request.state.directory.write();
    verify_proof(&data, &existing, &text(&body, "proof"))?;
    let given = body
        .get("keyCredential")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let der = given
        .get("key")
        .and_then(Value::as_str)
        .and_then(edm_binary::decode)
        .unwrap_or_default();
    let credential = data
        .add_key_credential(existing.id(), &der, &given)
        .map_err(write_error)?;
    drop(data);
    Ok(action_answer("microsoft.graph.keyCredential", credential))
}

/// `POST /applications/{id}/removeKey`: 204, once the proof is signed by a current certificate
/// (<https://learn.microsoft.com/graph/api/application-removekey>).
pub fn remove_key(request: &GraphRequest, key: &AppKey) -> Result<Response, GraphError> {
    let existing = credential_target(request, key, true)?;
    let body = parameters(request, types::REMOVE_KEY)?;
    let mut data = request.state.directory.write();
    verify_proof(&data, &existing, &text(&body, "proof"))?;
    let key_id = text(&body, "keyId");
    data.remove_key_credential(existing.id(), &key_id)
        .map_err(|error| no_such_credential(error, "key", &key_id))?;
    Ok(no_content())
}

fn text(body: &Map<String, Value>, name: &str) -> String {
    body.get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// An action's 200 answer: `@odata.context` `…/$metadata#{type}` and the value's properties.
fn action_answer(type_name: &str, value: Map<String, Value>) -> Response {
    let mut body = Map::new();
    body.insert(
        "@odata.context".to_owned(),
        json!(format!("{GRAPH_V1_ROOT}/$metadata#{type_name}")),
    );
    body.extend(value);
    json_response(StatusCode::OK, &Value::Object(body))
}

/// 400 for a credential the application does not have. Wording is ours.
fn no_such_credential(error: DirectoryError, kind: &str, key_id: &str) -> GraphError {
    match error {
        DirectoryError::NotFound {
            kind: "credential", ..
        } => GraphError::bad_request(format!(
            "The application has no {kind} credential with keyId '{key_id}'."
        )),
        other => write_error(other),
    }
}

#[derive(Deserialize)]
struct ProofClaims {
    aud: Option<Value>,
    iss: Option<String>,
    #[serde(default, deserialize_with = "optional_numeric_date")]
    nbf: Option<i64>,
    #[serde(default, deserialize_with = "optional_numeric_date")]
    exp: Option<i64>,
}

/// Checks the proof of possession against the application's current certificates. Refusals are 400
/// `Request_BadRequest`; their wording is ours.
fn verify_proof(
    data: &DirectoryData,
    app: &DirectoryObject,
    proof: &str,
) -> Result<(), GraphError> {
    let invalid = |reason: &str| {
        GraphError::bad_request(format!(
            "The proof of possession of an existing key is not valid: {reason}."
        ))
    };
    let header =
        jsonwebtoken::decode_header(proof).map_err(|_| invalid("the proof is not a JWT"))?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::PS256) {
        return Err(invalid("the proof must be signed with RS256 or PS256"));
    }
    let now_utc = OffsetDateTime::now_utc();
    let app_id = app.str("appId").unwrap_or_default();
    let current: Vec<_> = data
        .client_certificates(app_id)
        .into_iter()
        .filter(|c| c.start.is_none_or(|s| s <= now_utc) && c.end.is_none_or(|e| e >= now_utc))
        .collect();
    if current.is_empty() {
        return Err(GraphError::bad_request(
            "The application has no current certificate to prove possession of; add the first one with PATCH (keyCredentials).",
        ));
    }
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims::<&str>(&[]);
    let claims = current
        .iter()
        .filter_map(|certificate| {
            let (_, parsed) = x509_parser::parse_x509_certificate(&certificate.der).ok()?;
            let key = DecodingKey::from_rsa_der(&parsed.public_key().subject_public_key.data);
            jsonwebtoken::decode::<ProofClaims>(proof, &key, &validation).ok()
        })
        .next()
        .ok_or_else(|| invalid("it is not signed by a current certificate of the application"))?
        .claims;
    let audience_ok = match &claims.aud {
        Some(Value::String(aud)) => aud.eq_ignore_ascii_case(PROOF_AUDIENCE),
        Some(Value::Array(auds)) => auds
            .iter()
            .filter_map(Value::as_str)
            .any(|aud| aud.eq_ignore_ascii_case(PROOF_AUDIENCE)),
        _ => false,
    };
    if !audience_ok {
        return Err(invalid(&format!("'aud' must be {PROOF_AUDIENCE}")));
    }
    if !claims
        .iss
        .as_deref()
        .is_some_and(|iss| iss.eq_ignore_ascii_case(app.id()))
    {
        return Err(invalid("'iss' must be the application's object id"));
    }
    let now = now_utc.unix_timestamp();
    let (Some(nbf), Some(exp)) = (claims.nbf, claims.exp) else {
        return Err(invalid("'nbf' and 'exp' are required"));
    };
    if exp - nbf > PROOF_LIFETIME_SECONDS
        || now > exp + PROOF_SKEW_SECONDS
        || now + PROOF_SKEW_SECONDS < nbf
    {
        return Err(invalid(
            "it must be valid now, for at most ten minutes between 'nbf' and 'exp'",
        ));
    }
    Ok(())
}

//! The Graph router: `/v1.0/…` resolved segment by segment to the handlers, after authentication, and
//! `POST /v1.0/$batch`, whose items go through this same router one by one (so authentication,
//! authorization, validation and replication lag apply to each item as to a single request).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use time::OffsetDateTime;
use tower::ServiceExt;

use crate::graph::applications::{self, AppKey};
use crate::graph::batch::{self, BatchRequest, ItemOutcome};
use crate::graph::error::{GraphError, RequestIds, request_ids_middleware};
use crate::graph::odata::json_response;
use crate::graph::request::{GraphRequest, authenticate};
use crate::graph::schema;
use crate::graph::service_principals::{self, SpKey};
use crate::graph::{delegated_grants, me, organization, role_management};
use crate::state::TenantState;

/// The largest request body read (Graph refuses bodies over 4 MB).
const MAX_BODY: usize = 4 * 1024 * 1024;

/// The Graph service: `/v1.0/…` and `/v1.0/$batch`, every answer stamped with `request-id` and
/// `client-request-id`.
pub fn router(state: Arc<TenantState>) -> Router {
    Router::new()
        .route("/v1.0/$batch", any(batch_handler))
        .route("/v1.0/{*path}", any(dispatch))
        .fallback(outside_version)
        .layer(axum::middleware::from_fn(request_ids_middleware))
        .with_state(state)
}

/// A path outside `/v1.0`: Graph's 404 for a resource it does not know.
async fn outside_version(uri: Uri) -> Response {
    let segment = uri.path().rsplit('/').next().unwrap_or_default().to_owned();
    GraphError::new(
        StatusCode::NOT_FOUND,
        "Request_ResourceNotFound",
        format!("Resource not found for the segment '{segment}'."),
    )
    .into_response()
}

async fn dispatch(
    State(state): State<Arc<TenantState>>,
    Path(path): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return GraphError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Request_EntityTooLarge",
                "The request body is too large.",
            )
            .into_response();
        }
    };
    let auth = match authenticate(&state, &parts.headers) {
        Ok(auth) => auth,
        Err(error) => return error.into_response(),
    };
    let request = GraphRequest {
        state,
        method: parts.method,
        segments: path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(str::to_owned)
            .collect(),
        raw_query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        auth,
    };
    route(&request).unwrap_or_else(IntoResponse::into_response)
}

/// A segment `name` or `name(key='value')` / `name('value')`: the name and the key, if any.
struct Segment<'a> {
    name: &'a str,
    key: Option<(Option<&'a str>, String)>,
}

fn parse_segment(segment: &str) -> Result<Segment<'_>, GraphError> {
    let Some((name, rest)) = segment.split_once('(') else {
        return Ok(Segment {
            name: segment,
            key: None,
        });
    };
    let inner = rest
        .strip_suffix(')')
        .ok_or_else(|| GraphError::unknown_segment(segment))?;
    let (key_name, literal) = match inner.split_once('=') {
        Some((key_name, literal)) => (Some(key_name.trim()), literal.trim()),
        None => (None, inner.trim()),
    };
    let value = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .map(|quoted| quoted.replace("''", "'"))
        .unwrap_or_else(|| literal.to_owned());
    Ok(Segment {
        name,
        key: Some((key_name, value)),
    })
}

/// An alternate key Graph does not support on this set. Wording is ours.
fn bad_key(set: &str, key: &str) -> GraphError {
    GraphError::invalid_request(format!(
        "The key property '{key}' is not an alternate key of the '{set}' collection."
    ))
}

/// Object ids and appIds in a path are GUIDs; Graph refuses anything else with 400 before looking.
/// The appId wording is reported (<https://github.com/microsoftgraph/msgraph-sdk-python/issues/408>);
/// the object id wording is ours.
fn check_guid_key(key_name: Option<&str>, value: &str) -> Result<(), GraphError> {
    if uuid::Uuid::try_parse(value).is_ok() {
        return Ok(());
    }
    Err(match key_name {
        Some(property) => GraphError::bad_request(format!(
            "Invalid value specified for object reference property '{property}'. Please ensure that this value has an appropriate syntax and length."
        )),
        None => GraphError::bad_request(format!("Invalid object identifier '{value}'.")),
    })
}

fn not_allowed(request: &GraphRequest) -> GraphError {
    GraphError::method_not_allowed(request.method.as_str())
}

fn route(request: &GraphRequest) -> Result<Response, GraphError> {
    let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
    let Some((first, rest)) = segments.split_first() else {
        return Err(GraphError::unknown_segment("v1.0"));
    };
    let first = parse_segment(first)?;
    let method = &request.method;
    match first.name {
        "applications" => {
            let (key, tail) = match (first.key, rest) {
                (None, []) => {
                    return match *method {
                        Method::GET => applications::list(request),
                        Method::POST => applications::post(request),
                        _ => Err(not_allowed(request)),
                    };
                }
                (None, [id, tail @ ..]) => (AppKey::Id((*id).to_owned()), tail),
                (Some((None, id)), tail) => (AppKey::Id(id), tail),
                (Some((Some("appId"), app_id)), tail) => (AppKey::AppId(app_id), tail),
                (Some((Some("uniqueName"), name)), tail) => (AppKey::UniqueName(name), tail),
                (Some((Some(other), _)), _) => return Err(bad_key("applications", other)),
            };
            match &key {
                AppKey::Id(id) => check_guid_key(None, id)?,
                AppKey::AppId(app_id) => check_guid_key(Some("appId"), app_id)?,
                AppKey::UniqueName(_) => {}
            }
            match (tail, method) {
                ([], &Method::GET) => applications::get(request, &key),
                ([], &Method::PATCH) => applications::patch(request, &key),
                ([], &Method::DELETE) => applications::delete(request, &key),
                (["addPassword"], &Method::POST) => applications::add_password(request, &key),
                (["owners"], &Method::GET) => applications::list_owners(request, &key),
                ([] | ["addPassword" | "owners"], _) => Err(not_allowed(request)),
                ([segment, ..], _) => Err(GraphError::unknown_segment(segment)),
            }
        }
        "servicePrincipals" => {
            let (key, tail) = match (first.key, rest) {
                (None, []) => {
                    return match *method {
                        Method::GET => service_principals::list(request),
                        Method::POST => service_principals::post(request),
                        _ => Err(not_allowed(request)),
                    };
                }
                (None, [id, tail @ ..]) => (SpKey::Id((*id).to_owned()), tail),
                (Some((None, id)), tail) => (SpKey::Id(id), tail),
                (Some((Some("appId"), app_id)), tail) => (SpKey::AppId(app_id), tail),
                (Some((Some(other), _)), _) => return Err(bad_key("servicePrincipals", other)),
            };
            match &key {
                SpKey::Id(id) => check_guid_key(None, id)?,
                SpKey::AppId(app_id) => check_guid_key(Some("appId"), app_id)?,
            }
            match (tail, method) {
                ([], &Method::GET) => service_principals::get(request, &key),
                ([], &Method::PATCH) => service_principals::patch(request, &key),
                ([], &Method::DELETE) => service_principals::delete(request, &key),
                (["appRoleAssignedTo"], &Method::GET) => {
                    service_principals::list_app_role_assignments(request, &key, false)
                }
                (["appRoleAssignedTo"], &Method::POST) => {
                    service_principals::post_app_role_assignment(request, &key)
                }
                (["appRoleAssignments"], &Method::GET) => {
                    service_principals::list_app_role_assignments(request, &key, true)
                }
                (["appRoleAssignedTo" | "appRoleAssignments", id], &Method::DELETE) => {
                    service_principals::delete_app_role_assignment(request, &key, id)
                }
                ([] | ["appRoleAssignedTo" | "appRoleAssignments"], _)
                | (["appRoleAssignedTo" | "appRoleAssignments", _], _) => Err(not_allowed(request)),
                ([segment, ..], _) => Err(GraphError::unknown_segment(segment)),
            }
        }
        "oauth2PermissionGrants" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => delegated_grants::list(request),
            ([], &Method::POST) => delegated_grants::post(request),
            ([id], &Method::GET) => delegated_grants::get(request, id),
            ([id], &Method::PATCH) => delegated_grants::patch(request, id),
            ([id], &Method::DELETE) => delegated_grants::delete(request, id),
            ([] | [_], _) => Err(not_allowed(request)),
            ([_, segment, ..], _) => Err(GraphError::unknown_segment(segment)),
        },
        "roleManagement" if first.key.is_none() => role_management_route(request, rest),
        "organization" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => organization::list(request),
            ([id], &Method::GET) => organization::get(request, id),
            ([] | [_], _) => Err(not_allowed(request)),
            ([_, segment, ..], _) => Err(GraphError::unknown_segment(segment)),
        },
        "me" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => me::get(request),
            (["memberOf"], &Method::GET) => me::member_of(request, false),
            (["transitiveMemberOf"], &Method::GET) => me::member_of(request, true),
            ([] | ["memberOf" | "transitiveMemberOf"], _) => Err(not_allowed(request)),
            ([segment, ..], _) => Err(GraphError::unknown_segment(segment)),
        },
        name => Err(GraphError::unknown_segment(name)),
    }
}

fn role_management_route(request: &GraphRequest, rest: &[&str]) -> Result<Response, GraphError> {
    let Some((directory, rest)) = rest.split_first() else {
        return Err(GraphError::unknown_segment("roleManagement"));
    };
    if *directory != "directory" {
        return Err(GraphError::unknown_segment(directory));
    }
    let method = &request.method;
    let own = |segment: &str| -> Result<(), GraphError> {
        let parsed = parse_segment(segment)?;
        match (parsed.name, parsed.key) {
            ("filterByCurrentUser", Some((Some("on"), on))) if on == "principal" => Ok(()),
            _ => Err(GraphError::unknown_segment(segment)),
        }
    };
    match (rest, method) {
        (["roleDefinitions"], &Method::GET) => role_management::list_definitions(request),
        (["roleDefinitions", id], &Method::GET) => role_management::get_definition(request, id),
        (["roleAssignments"], &Method::GET) => role_management::list_assignments(request),
        (["roleAssignments"], &Method::POST) => role_management::post_assignment(request),
        (["roleAssignments", id], &Method::GET) => role_management::get_assignment(request, id),
        (["roleAssignments", id], &Method::DELETE) => {
            role_management::delete_assignment(request, id)
        }
        (["roleEligibilityScheduleInstances"], &Method::GET) => {
            role_management::list_eligibilities(request, false)
        }
        (["roleEligibilityScheduleInstances", filter], &Method::GET) => {
            own(filter)?;
            role_management::list_eligibilities(request, true)
        }
        (["roleAssignmentScheduleInstances"], &Method::GET) => {
            role_management::list_assignment_instances(request, false)
        }
        (["roleAssignmentScheduleInstances", filter], &Method::GET) => {
            own(filter)?;
            role_management::list_assignment_instances(request, true)
        }
        (
            [
                "roleDefinitions"
                | "roleAssignments"
                | "roleEligibilityScheduleInstances"
                | "roleAssignmentScheduleInstances",
            ]
            | [
                "roleDefinitions"
                | "roleAssignments"
                | "roleEligibilityScheduleInstances"
                | "roleAssignmentScheduleInstances",
                _,
            ],
            _,
        ) => Err(not_allowed(request)),
        ([segment, ..], _) => Err(GraphError::unknown_segment(segment)),
        ([], _) => Err(GraphError::unknown_segment("directory")),
    }
}

/// `POST /v1.0/$batch` (<https://learn.microsoft.com/en-us/graph/json-batching>): 200 with one response
/// per item, each produced by this router; a malformed batch is one 400.
async fn batch_handler(State(state): State<Arc<TenantState>>, request: Request) -> Response {
    if request.method() != Method::POST {
        return GraphError::method_not_allowed(request.method().as_str()).into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return GraphError::unreadable_json().into_response();
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let parsed =
        schema::parse_json_body(content_type, &bytes).and_then(|value| BatchRequest::parse(&value));
    let batch = match parsed {
        Ok(batch) => batch,
        Err(error) => return error.into_response(),
    };
    let inner = router(Arc::clone(&state));
    let outer_headers = parts.headers;
    let responses = batch::run(&batch, |item| {
        let inner = inner.clone();
        let outer_headers = outer_headers.clone();
        async move {
            let nested = item
                .url
                .trim_start_matches('/')
                .to_ascii_lowercase()
                .starts_with("$batch");
            let http_request = if nested {
                // Wording is ours: a batch cannot contain another batch.
                Err(GraphError::invalid_request(format!(
                    "Request {} cannot be a $batch request.",
                    item.id
                )))
            } else {
                item.to_http_request("/v1.0", &outer_headers)
            };
            match http_request {
                Ok(http_request) => match inner.oneshot(http_request).await {
                    Ok(response) => ItemOutcome::from_response(response).await,
                    Err(never) => match never {},
                },
                Err(error) => ItemOutcome::from_error(
                    &error,
                    &RequestIds::from_request_headers(&outer_headers),
                    OffsetDateTime::now_utc(),
                ),
            }
        }
    })
    .await;
    json_response(StatusCode::OK, &batch::responses_body(&responses))
}

#[cfg(test)]
mod tests {
    use super::parse_segment;

    #[test]
    fn segments_with_keys_are_split_and_unquoted() {
        let plain = parse_segment("applications").unwrap();
        assert_eq!((plain.name, plain.key), ("applications", None));

        let named = parse_segment("applications(uniqueName='it''s-mine')").unwrap();
        assert_eq!(named.name, "applications");
        assert_eq!(
            named.key,
            Some((Some("uniqueName"), "it's-mine".to_owned()))
        );

        let positional = parse_segment("servicePrincipals('abc')").unwrap();
        assert_eq!(positional.key, Some((None, "abc".to_owned())));

        let function = parse_segment("filterByCurrentUser(on='principal')").unwrap();
        assert_eq!(function.name, "filterByCurrentUser");
        assert_eq!(function.key, Some((Some("on"), "principal".to_owned())));
    }

    #[test]
    fn an_unclosed_key_is_an_unknown_segment() {
        let error = parse_segment("applications(appId='x'").err().unwrap();
        assert_eq!(error.status(), axum::http::StatusCode::BAD_REQUEST);
        assert_eq!(
            error.message(),
            "Resource not found for the segment 'applications(appId='x''."
        );
    }
}

//! One authenticated Graph request as a handler sees it: the verified token, the [`Caller`] it
//! describes, the path, query, headers and body, and the helpers every handler needs (authorization,
//! body validation, query options, replication lag).
//!
//! Authentication comes first, as in Graph: a missing, malformed, expired or wrongly-addressed bearer
//! token is 401 `InvalidAuthenticationToken` before anything else is looked at.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::directory::well_known::MICROSOFT_GRAPH_RESOURCE;
use crate::directory::{DirectoryData, DirectoryObject};
use crate::graph::authz::{Caller, Operation, authorize};
use crate::graph::error::GraphError;
use crate::graph::odata::{EntitySet, QueryOptions, eventual, json_response};
use crate::graph::schema;
use crate::state::TenantState;
use crate::tokens::{AccessClaims, TokenError};

/// The verified access token of a Graph request and who it describes.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The token's claims.
    pub claims: AccessClaims,
    /// The caller for the authorization table.
    pub caller: Caller,
}

/// Verifies the bearer token of a Graph request: signature, lifetime, tenant and the Microsoft Graph
/// audience (a token for Exchange Online is refused here). The caller's directory roles are the signed-in
/// user's *active* ones, read from the directory at call time: eligible (PIM) roles do not count.
pub fn authenticate(state: &TenantState, headers: &HeaderMap) -> Result<Authenticated, GraphError> {
    let value = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ if value.is_empty() => "",
        _ => return Err(GraphError::token_malformed()),
    };
    if token.is_empty() {
        return Err(GraphError::token_missing());
    }
    let claims = state
        .verify_access_token(token, MICROSOFT_GRAPH_RESOURCE)
        .map_err(|error| match error {
            TokenError::Malformed => GraphError::token_malformed(),
            TokenError::Expired | TokenError::NotYetValid => GraphError::token_expired(),
            TokenError::WrongAudience { .. } => GraphError::token_wrong_audience(),
            _ => GraphError::token_invalid(),
        })?;
    let active_roles = if claims.is_app_only() {
        Vec::new()
    } else {
        state
            .directory
            .read()
            .active_role_template_ids(&claims.oid)
            .iter()
            .filter_map(|id| Uuid::try_parse(id).ok())
            .collect()
    };
    let roles = claims.roles.clone().unwrap_or_default();
    let caller = Caller::from_claims(claims.scp.as_deref(), &roles, active_roles);
    Ok(Authenticated { claims, caller })
}

/// An authenticated Graph request.
pub struct GraphRequest {
    /// The tenant.
    pub state: Arc<TenantState>,
    /// The HTTP method.
    pub method: Method,
    /// The path after `/v1.0/`, percent-decoded, split at `/`.
    pub segments: Vec<String>,
    /// The raw query string (without `?`).
    pub raw_query: Option<String>,
    /// The request headers.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
    /// The verified token and caller.
    pub auth: Authenticated,
}

impl GraphRequest {
    /// The replication lag now in force.
    pub fn lag(&self) -> Duration {
        self.state.knobs.get().replication_lag
    }

    /// The object id of the caller: the signed-in user, or the client's service principal (app-only).
    pub fn caller_id(&self) -> &str {
        &self.auth.claims.oid
    }

    /// Checks the authorization table for `operation`.
    pub fn authorize(&self, operation: Operation) -> Result<(), GraphError> {
        authorize(operation, &self.auth.caller)
    }

    /// The body as a JSON value (it must be sent as `application/json`).
    pub fn json_body(&self) -> Result<Value, GraphError> {
        let content_type = self
            .headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok());
        schema::parse_json_body(content_type, &self.body)
    }

    /// The body, validated against `type_name` for `intent`, as a JSON object.
    pub fn validated_body(
        &self,
        type_name: &str,
        intent: schema::Intent,
    ) -> Result<Map<String, Value>, GraphError> {
        let body = self.json_body()?;
        schema::validate(type_name, &body, intent)?;
        Ok(object_of(body))
    }

    /// The query options of a single-object request of `type_name`.
    pub fn single_options(&self, type_name: &str) -> Result<QueryOptions, GraphError> {
        QueryOptions::parse_single(self.raw_query.as_deref(), type_name)
    }

    /// The query options of a list request on `set`.
    pub fn list_options(&self, set: &EntitySet) -> Result<QueryOptions, GraphError> {
        QueryOptions::parse(self.raw_query.as_deref(), &self.headers, set)
    }

    /// `GET /{set}/$count`: the number of items (after `$filter`) as `text/plain`, which Graph answers
    /// only with `ConsistencyLevel: eventual`; without it, Graph's 400
    /// (<https://learn.microsoft.com/graph/aad-advanced-queries>; the refusal's wording as reported in
    /// <https://github.com/azurekid/ScEntra/issues/17>).
    pub fn raw_count(
        &self,
        set: &EntitySet,
        items: impl FnOnce(&QueryOptions) -> Vec<Value>,
    ) -> Result<Response, GraphError> {
        if !eventual(&self.headers) {
            return Err(GraphError::unsupported_query(
                "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
            ));
        }
        // Advanced query operators are on, as `$count=true` turns them on for lists.
        let query = match self.raw_query.as_deref() {
            Some(query) if !query.is_empty() => format!("{query}&$count=true"),
            _ => "$count=true".to_owned(),
        };
        let options = QueryOptions::parse(Some(&query), &self.headers, set)?;
        let count = options.filtered(items(&options)).len();
        let mut response = (StatusCode::OK, count.to_string()).into_response();
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain;charset=utf-8"),
        );
        Ok(response)
    }

    /// The 200 answer listing `items` (the whole collection, in a stable order) as `options` filter,
    /// project and page them, with `@odata.context` `…/$metadata#{context}`.
    pub fn list_answer(
        &self,
        options: &QueryOptions,
        items: Vec<Value>,
        context: &str,
    ) -> Result<Response, GraphError> {
        let body = options.list_body(items, &self.base_url(), &self.request_path(), context);
        Ok(json_response(StatusCode::OK, &body))
    }

    /// The 200 answer with the item of `items` whose `id` is `id` (ASCII case-insensitive), as
    /// `single_options` of `type_name` project it, or 404 `Request_ResourceNotFound`.
    pub fn item_answer(
        &self,
        type_name: &str,
        items: Vec<Value>,
        id: &str,
        context: &str,
    ) -> Result<Response, GraphError> {
        let options = self.single_options(type_name)?;
        let item = items
            .into_iter()
            .find(|item| {
                item.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(id))
            })
            .ok_or_else(|| GraphError::resource_not_found(id))?;
        Ok(options.entity_answer(StatusCode::OK, item, context))
    }

    /// The service root the client called (`https://127.0.0.1:PORT/v1.0`), for `@odata.nextLink`.
    pub fn base_url(&self) -> String {
        format!("{}/v1.0", self.state.urls.graph)
    }

    /// The path after the service root, as the client sent it (for `@odata.nextLink`).
    pub fn request_path(&self) -> String {
        self.segments.join("/")
    }

    /// Whether the request carries `Prefer: create-if-missing` (the upserts).
    pub fn prefers_create_if_missing(&self) -> bool {
        self.headers
            .get_all("prefer")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|preference| preference.trim().eq_ignore_ascii_case("create-if-missing"))
    }

    /// Those of `objects` that other calls may see yet (replication lag).
    pub fn replicated<'a, I>(
        &self,
        data: &'a DirectoryData,
        objects: I,
    ) -> impl Iterator<Item = &'a DirectoryObject> + use<'a, I>
    where
        I: IntoIterator<Item = &'a DirectoryObject>,
    {
        let lag = self.lag();
        objects
            .into_iter()
            .filter(move |object| data.is_replicated(object, lag))
    }

    /// `object` if other calls may see it yet (replication lag), else `None`.
    pub fn visible<'a>(
        &self,
        data: &DirectoryData,
        object: Option<&'a DirectoryObject>,
    ) -> Option<&'a DirectoryObject> {
        let lag = self.lag();
        object.filter(|object| data.is_replicated(object, lag))
    }
}

/// The JSON object inside a validated body (validation refuses anything else).
pub(crate) fn object_of(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

//! OData query options on Graph lists and objects: `$filter`, `$select`, `$top`, `$count` and paging.
//!
//! [`QueryOptions::parse`] reads a list request's query string (and its `ConsistencyLevel` header) for
//! one [`EntitySet`], refusing what Graph refuses; [`QueryOptions::list_body`] then filters, pages and
//! projects the handler's objects into Graph's list body (`@odata.context`, `value`, `@odata.nextLink`).
//! Single objects use [`QueryOptions::parse_single`] and [`QueryOptions::entity_body`].
//!
//! What is supported, as Graph supports it on directory objects without advanced queries
//! (<https://learn.microsoft.com/en-us/graph/filter-query-parameter>,
//! <https://learn.microsoft.com/en-us/graph/aad-advanced-queries>):
//! `eq`, `in`, `and`, `or`, parentheses, `startswith(prop,'x')` / `startsWith`, string literals with `''`
//! escaping, bare GUID literals, `true`/`false`/`null`, and `coll/any(x:x eq 'v')` on string collections.
//! String comparisons ignore case, as the directory's do. `ne`, `not` and `endswith` need
//! `ConsistencyLevel: eventual` with `$count=true`, and are refused without them.
//! Properties a set does not support in `$filter` are refused with Graph's `Request_UnsupportedQuery`.

use std::fmt;

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::graph::error::GraphError;
use crate::graph::schema::{self, Kind};

/// Graph's page size when `$top` is absent (directory objects).
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest `$top` Graph accepts for directory objects.
pub const MAX_PAGE_SIZE: usize = 999;
/// The service root Graph writes in `@odata.context`.
pub const GRAPH_V1_ROOT: &str = "https://graph.microsoft.com/v1.0";

/// A property a set supports in `$filter`, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterProperty {
    /// The property name.
    pub name: &'static str,
    /// A collection of strings, filtered with `any(x:x eq '…')`.
    pub collection: bool,
    /// `startswith` is supported (besides `eq`).
    pub starts_with: bool,
}

const fn eq(name: &'static str) -> FilterProperty {
    FilterProperty {
        name,
        collection: false,
        starts_with: false,
    }
}

const fn eq_and_starts_with(name: &'static str) -> FilterProperty {
    FilterProperty {
        name,
        collection: false,
        starts_with: true,
    }
}

const fn any(name: &'static str) -> FilterProperty {
    FilterProperty {
        name,
        collection: true,
        starts_with: false,
    }
}

/// A collection Graph lists: its name in `@odata.context`, its type, and what `$filter` supports on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitySet {
    /// The type name without namespace (`application`), used for `$select` checks and messages.
    pub type_name: &'static str,
    /// The resource name Graph uses in `$filter` messages (`Application`).
    pub resource: &'static str,
    /// The properties `$filter` supports.
    pub filterable: &'static [FilterProperty],
}

impl EntitySet {
    fn filter_property(&self, name: &str) -> Option<&FilterProperty> {
        self.filterable
            .iter()
            .find(|property| property.name == name)
    }
}

/// `/applications` (<https://learn.microsoft.com/en-us/graph/api/resources/application>, `$filter` column).
pub const APPLICATIONS: EntitySet = EntitySet {
    type_name: "application",
    resource: "Application",
    filterable: &[
        eq("id"),
        eq("appId"),
        eq_and_starts_with("displayName"),
        eq("uniqueName"),
        eq("signInAudience"),
        eq_and_starts_with("publisherDomain"),
        any("identifierUris"),
        any("tags"),
    ],
};

/// `/servicePrincipals` (<https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal>).
pub const SERVICE_PRINCIPALS: EntitySet = EntitySet {
    type_name: "servicePrincipal",
    resource: "ServicePrincipal",
    filterable: &[
        eq("id"),
        eq("appId"),
        eq_and_starts_with("displayName"),
        eq("accountEnabled"),
        eq("servicePrincipalType"),
        any("servicePrincipalNames"),
        any("tags"),
    ],
};

/// `/servicePrincipals/{id}/appRoleAssignedTo` (<https://learn.microsoft.com/en-us/graph/api/resources/approleassignment>).
pub const APP_ROLE_ASSIGNMENTS: EntitySet = EntitySet {
    type_name: "appRoleAssignment",
    resource: "AppRoleAssignment",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("resourceId"),
        eq("appRoleId"),
    ],
};

/// `/oauth2PermissionGrants` (<https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-list>).
pub const OAUTH2_PERMISSION_GRANTS: EntitySet = EntitySet {
    type_name: "oAuth2PermissionGrant",
    resource: "OAuth2PermissionGrant",
    filterable: &[
        eq("id"),
        eq("clientId"),
        eq("consentType"),
        eq("principalId"),
        eq("resourceId"),
    ],
};

/// `/roleManagement/directory/roleAssignments` (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleassignments>).
pub const ROLE_ASSIGNMENTS: EntitySet = EntitySet {
    type_name: "unifiedRoleAssignment",
    resource: "UnifiedRoleAssignment",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("roleDefinitionId"),
        eq("directoryScopeId"),
        eq("appScopeId"),
    ],
};

/// `/roleManagement/directory/roleDefinitions` (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roledefinitions>).
pub const ROLE_DEFINITIONS: EntitySet = EntitySet {
    type_name: "unifiedRoleDefinition",
    resource: "UnifiedRoleDefinition",
    filterable: &[
        eq("id"),
        eq("templateId"),
        eq_and_starts_with("displayName"),
        eq("isBuiltIn"),
    ],
};

/// `/roleManagement/directory/roleEligibilityScheduleInstances`
/// (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleeligibilityscheduleinstances>).
pub const ROLE_ELIGIBILITY_SCHEDULE_INSTANCES: EntitySet = EntitySet {
    type_name: "unifiedRoleEligibilityScheduleInstance",
    resource: "UnifiedRoleEligibilityScheduleInstance",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("roleDefinitionId"),
        eq("directoryScopeId"),
    ],
};

/// `/roleManagement/directory/roleAssignmentScheduleInstances`
/// (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-list-roleassignmentscheduleinstances>).
pub const ROLE_ASSIGNMENT_SCHEDULE_INSTANCES: EntitySet = EntitySet {
    type_name: "unifiedRoleAssignmentScheduleInstance",
    resource: "UnifiedRoleAssignmentScheduleInstance",
    filterable: &[
        eq("id"),
        eq("principalId"),
        eq("roleDefinitionId"),
        eq("directoryScopeId"),
        eq("assignmentType"),
    ],
};

/// `/me/memberOf` and `/me/transitiveMemberOf` (<https://learn.microsoft.com/en-us/graph/api/user-list-memberof>).
pub const MEMBER_OF: EntitySet = EntitySet {
    type_name: "directoryObject",
    resource: "DirectoryObject",
    filterable: &[eq("id"), eq_and_starts_with("displayName")],
};

/// `/organization` and other small sets that nothing filters.
pub const ORGANIZATION: EntitySet = EntitySet {
    type_name: "organization",
    resource: "Organization",
    filterable: &[eq("id")],
};

/// A literal in a `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'` (with `''` unescaped).
    String(String),
    /// A bare GUID, e.g. `00000003-0000-0000-c000-000000000000`.
    Guid(Uuid),
    /// `true` / `false`.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// `null`.
    Null,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(text) => write!(f, "'{}'", text.replace('\'', "''")),
            Literal::Guid(id) => write!(f, "{id}"),
            Literal::Boolean(value) => write!(f, "{value}"),
            Literal::Integer(value) => write!(f, "{value}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// A parsed `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `prop eq literal`.
    Eq(String, Literal),
    /// `prop ne literal` (advanced queries only).
    Ne(String, Literal),
    /// `prop in (literal, …)`.
    In(String, Vec<Literal>),
    /// `startswith(prop, 'prefix')`.
    StartsWith(String, String),
    /// `endswith(prop, 'suffix')` (advanced queries only).
    EndsWith(String, String),
    /// `prop/any(x: x eq literal)` on a string collection.
    Any(String, Literal),
    /// `not expr` (advanced queries only).
    Not(Box<Filter>),
    /// `a and b`.
    And(Box<Filter>, Box<Filter>),
    /// `a or b`.
    Or(Box<Filter>, Box<Filter>),
}

impl Filter {
    /// Whether `object` (a Graph JSON object) matches.
    pub fn matches(&self, object: &Value) -> bool {
        match self {
            Filter::Eq(property, literal) => literal_matches(object.get(property), literal),
            Filter::Ne(property, literal) => !literal_matches(object.get(property), literal),
            Filter::In(property, literals) => literals
                .iter()
                .any(|literal| literal_matches(object.get(property), literal)),
            Filter::StartsWith(property, prefix) => object
                .get(property)
                .and_then(Value::as_str)
                .is_some_and(|value| value.to_lowercase().starts_with(&prefix.to_lowercase())),
            Filter::EndsWith(property, suffix) => object
                .get(property)
                .and_then(Value::as_str)
                .is_some_and(|value| value.to_lowercase().ends_with(&suffix.to_lowercase())),
            Filter::Any(property, literal) => object
                .get(property)
                .and_then(Value::as_array)
                .is_some_and(|items| {
                    items
                        .iter()
                        .any(|item| literal_matches(Some(item), literal))
                }),
            Filter::Not(inner) => !inner.matches(object),
            Filter::And(left, right) => left.matches(object) && right.matches(object),
            Filter::Or(left, right) => left.matches(object) || right.matches(object),
        }
    }
}

/// Equality as the directory applies it: strings and GUIDs ignore case; `null` matches a missing value.
fn literal_matches(value: Option<&Value>, literal: &Literal) -> bool {
    match (value, literal) {
        (None | Some(Value::Null), Literal::Null) => true,
        (Some(Value::String(text)), Literal::String(expected)) => {
            text.to_lowercase() == expected.to_lowercase()
        }
        (Some(Value::String(text)), Literal::Guid(expected)) => {
            Uuid::try_parse(text).is_ok_and(|id| id == *expected)
        }
        (Some(Value::Bool(value)), Literal::Boolean(expected)) => value == expected,
        (Some(Value::Number(value)), Literal::Integer(expected)) => {
            value.as_i64() == Some(*expected)
        }
        _ => false,
    }
}

/// The parsed query options of one request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryOptions {
    /// `$filter`, parsed.
    pub filter: Option<Filter>,
    /// `$select`, in the order given.
    pub select: Option<Vec<String>>,
    /// `$top`.
    pub top: Option<usize>,
    /// `$count=true`.
    pub count: bool,
    /// `ConsistencyLevel: eventual` with `$count=true`: advanced queries are on.
    pub advanced: bool,
    /// Items to skip, from `$skiptoken`.
    pub skip: usize,
    /// The options other than `$skiptoken`, decoded, in order (to build `@odata.nextLink`).
    passthrough: Vec<(String, String)>,
}

impl QueryOptions {
    /// Parses a list request's query string (`raw_query` without `?`, percent-encoded) for `set`.
    pub fn parse(
        raw_query: Option<&str>,
        headers: &HeaderMap,
        set: &EntitySet,
    ) -> Result<Self, GraphError> {
        let eventual = headers
            .get("consistencylevel")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("eventual"));
        let pairs: Vec<(String, String)> = raw_query
            .map(|query| {
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let mut options = QueryOptions::default();
        let mut filter_text = None;
        for (name, value) in &pairs {
            match name.to_ascii_lowercase().as_str() {
                "$filter" => filter_text = Some(value.clone()),
                "$select" => options.select = Some(parse_select(value, set.type_name)?),
                "$top" => options.top = Some(parse_top(value)?),
                "$count" => options.count = parse_count(value)?,
                "$skiptoken" => {
                    options.skip = decode_skip_token(value)?;
                    continue;
                }
                "$search" if !eventual => {
                    return Err(GraphError::unsupported_query(
                        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
                    ));
                }
                "$skip" => {
                    return Err(GraphError::bad_request(
                        "'$skip' is not supported by the service.",
                    ));
                }
                "$search" | "$orderby" | "$expand" => {
                    // Real Graph supports these in places; the connector never sends them, so the
                    // simulator says plainly that it does not.
                    return Err(GraphError::unsupported_query(format!(
                        "The query option '{name}' is not simulated by tenant-sim."
                    )));
                }
                other if other.starts_with('$') => {
                    return Err(GraphError::invalid_request(format!(
                        "The query parameter '{name}' is not supported."
                    )));
                }
                _ => {}
            }
            options.passthrough.push((name.clone(), value.clone()));
        }
        options.advanced = eventual && options.count;
        if let Some(text) = filter_text {
            options.filter = Some(parse_filter(&text, set, options.advanced)?);
        }
        Ok(options)
    }

    /// Parses a single-object request's query string: only `$select` applies.
    pub fn parse_single(raw_query: Option<&str>, type_name: &str) -> Result<Self, GraphError> {
        let mut options = QueryOptions::default();
        let pairs: Vec<(String, String)> = raw_query
            .map(|query| {
                url::form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        for (name, value) in pairs {
            if name.eq_ignore_ascii_case("$select") {
                options.select = Some(parse_select(&value, type_name)?);
            } else if name.starts_with('$') {
                return Err(GraphError::invalid_request(format!(
                    "The query parameter '{name}' is not supported."
                )));
            }
        }
        Ok(options)
    }

    /// The page size this request asks for.
    pub fn page_size(&self) -> usize {
        self.top.unwrap_or(DEFAULT_PAGE_SIZE)
    }

    /// Keeps only the `$select`ed properties of `object` (all of them without `$select`). Graph does not
    /// add `id` when it is not selected.
    pub fn project(&self, object: Value) -> Value {
        let (Some(select), Value::Object(map)) = (&self.select, &object) else {
            return object;
        };
        let projected: Map<String, Value> = map
            .iter()
            .filter(|(key, _)| select.iter().any(|name| name == *key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Value::Object(projected)
    }

    /// Blanks `keyCredentials[].key` unless `$select` names `keyCredentials`: Graph returns the public key
    /// only on request (<https://learn.microsoft.com/en-us/graph/api/application-get>, "Optional query
    /// parameters"). Apply to applications and service principals before [`Self::list_body`] or
    /// [`Self::entity_body`].
    pub fn redact_key_values(&self, object: &mut Value) {
        let selected = self
            .select
            .as_ref()
            .is_some_and(|select| select.iter().any(|name| name == "keyCredentials"));
        if selected {
            return;
        }
        if let Some(credentials) = object
            .get_mut("keyCredentials")
            .and_then(Value::as_array_mut)
        {
            for credential in credentials {
                if let Some(key) = credential.get_mut("key") {
                    *key = Value::Null;
                }
            }
        }
    }

    /// Graph's list body for `items` (all objects of the collection, in a stable order): filtered,
    /// paged from `$skiptoken` by `$top`, projected by `$select`.
    ///
    /// `base_url` is the service root the client called (e.g. `https://127.0.0.1:4431/v1.0`), used for
    /// `@odata.nextLink`; `request_path` is the path after it (e.g. `applications`); `context_path` is the
    /// `@odata.context` fragment (e.g. `applications`, `servicePrincipals('…')/appRoleAssignedTo`).
    pub fn list_body(
        &self,
        items: Vec<Value>,
        base_url: &str,
        request_path: &str,
        context_path: &str,
    ) -> Value {
        let matching: Vec<Value> = items
            .into_iter()
            .filter(|item| {
                self.filter
                    .as_ref()
                    .is_none_or(|filter| filter.matches(item))
            })
            .collect();
        let total = matching.len();
        let page_size = self.page_size();
        let page: Vec<Value> = matching
            .into_iter()
            .skip(self.skip)
            .take(page_size)
            .map(|item| self.project(item))
            .collect();
        let mut body = Map::new();
        body.insert(
            "@odata.context".into(),
            json!(collection_context(
                GRAPH_V1_ROOT,
                context_path,
                self.select.as_deref()
            )),
        );
        if self.count && self.advanced {
            body.insert("@odata.count".into(), json!(total));
        }
        let next = self.skip + page.len();
        if next < total {
            body.insert(
                "@odata.nextLink".into(),
                json!(self.next_link(base_url, request_path, next)),
            );
        }
        body.insert("value".into(), Value::Array(page));
        Value::Object(body)
    }

    /// Graph's body for one object: projected by `$select`, with `@odata.context` first.
    pub fn entity_body(&self, object: Value, context_path: &str) -> Value {
        let mut body = Map::new();
        body.insert(
            "@odata.context".into(),
            json!(entity_context(
                GRAPH_V1_ROOT,
                context_path,
                self.select.as_deref()
            )),
        );
        if let Value::Object(map) = self.project(object) {
            body.extend(map);
        }
        Value::Object(body)
    }

    fn next_link(&self, base_url: &str, request_path: &str, skip: usize) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.passthrough {
            query.append_pair(name, value);
        }
        query.append_pair("$skiptoken", &encode_skip_token(skip));
        format!(
            "{}/{}?{}",
            base_url.trim_end_matches('/'),
            request_path.trim_start_matches('/'),
            query.finish()
        )
    }
}

/// The `Content-Type` Graph gives JSON answers (OData minimal metadata).
pub const ODATA_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// A successful Graph answer with a JSON body: `status`, the OData `Content-Type` and `OData-Version: 4.0`.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    headers.insert(
        HeaderName::from_static("odata-version"),
        HeaderValue::from_static("4.0"),
    );
    response
}

/// `204 No Content`, Graph's answer to a successful `PATCH` or `DELETE`.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// `@odata.context` of a collection: `{root}/$metadata#applications` or, with `$select`,
/// `{root}/$metadata#applications(id,displayName)`.
pub fn collection_context(root: &str, context_path: &str, select: Option<&[String]>) -> String {
    match select {
        Some(select) => format!("{root}/$metadata#{context_path}({})", select.join(",")),
        None => format!("{root}/$metadata#{context_path}"),
    }
}

/// `@odata.context` of one entity: `{root}/$metadata#applications/$entity` or, with `$select`,
/// `{root}/$metadata#applications(id,displayName)/$entity`.
pub fn entity_context(root: &str, context_path: &str, select: Option<&[String]>) -> String {
    format!("{}/$entity", collection_context(root, context_path, select))
}

fn encode_skip_token(skip: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("tenant-sim:skip:{skip}"))
}

fn decode_skip_token(token: &str) -> Result<usize, GraphError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("tenant-sim:skip:")?.parse().ok())
        // Wording is ours: no public source gave Graph's answer to a forged skip token.
        .ok_or_else(|| {
            GraphError::bad_request("The specified page token value has expired or is invalid.")
        })
}

/// `$top`: ODataLib's message for a non-integer, the directory's for an out-of-range page size.
fn parse_top(value: &str) -> Result<usize, GraphError> {
    let Ok(top) = value.trim().parse::<i64>() else {
        return Err(GraphError::invalid_request(format!(
            "Invalid value '{value}' for $top query option found. The $top query option requires a non-negative integer value."
        )));
    };
    match usize::try_from(top) {
        Ok(top) if (1..=MAX_PAGE_SIZE).contains(&top) => Ok(top),
        _ => Err(GraphError::bad_request(format!(
            "Invalid page size specified: '{top}'. Must be between 1 and {MAX_PAGE_SIZE} inclusive."
        ))),
    }
}

fn parse_count(value: &str) -> Result<bool, GraphError> {
    match value.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(GraphError::invalid_request(format!(
            "'{value}' is not a valid count option."
        ))),
    }
}

/// `$select`: a comma list of property names, checked against the schema when the type is in it.
fn parse_select(value: &str, type_name: &str) -> Result<Vec<String>, GraphError> {
    let mut names = Vec::new();
    for name in value.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(GraphError::invalid_request(format!(
                "Parsing OData Select and Expand failed: Term '{value}' is not valid in a $select or $expand expression."
            )));
        }
        if let Some(graph_type) = schema::graph_type(type_name)
            && graph_type.property(name).is_none()
        {
            return Err(GraphError::invalid_request(format!(
                "Parsing OData Select and Expand failed: Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'."
            )));
        }
        if !names.iter().any(|known: &String| known == name) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// Parses `text` as a `$filter` for `set`. `advanced` allows `ne`, `not` and `endswith`.
pub fn parse_filter(text: &str, set: &EntitySet, advanced: bool) -> Result<Filter, GraphError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        text,
        tokens,
        position: 0,
        set,
        advanced,
    };
    let filter = parser.or_expression()?;
    if let Some(token) = parser.tokens.get(parser.position) {
        return Err(syntax_error(text, token.offset));
    }
    Ok(filter)
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Identifier(String),
    Literal(Literal),
    OpenParen,
    CloseParen,
    Comma,
    Colon,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    offset: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, GraphError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        let (offset, c) = chars[index];
        match c {
            c if c.is_whitespace() => index += 1,
            '(' | ')' | ',' | ':' => {
                let kind = match c {
                    '(' => TokenKind::OpenParen,
                    ')' => TokenKind::CloseParen,
                    ',' => TokenKind::Comma,
                    _ => TokenKind::Colon,
                };
                tokens.push(Token { kind, offset });
                index += 1;
            }
            '\'' => {
                let mut value = String::new();
                index += 1;
                loop {
                    match chars.get(index) {
                        None => {
                            return Err(GraphError::invalid_filter(&format!(
                                "There is an unterminated string literal at position {} in '{text}'.",
                                text.len()
                            )));
                        }
                        Some((_, '\''))
                            if chars.get(index + 1).is_some_and(|(_, next)| *next == '\'') =>
                        {
                            value.push('\'');
                            index += 2;
                        }
                        Some((_, '\'')) => {
                            index += 1;
                            break;
                        }
                        Some((_, other)) => {
                            value.push(*other);
                            index += 1;
                        }
                    }
                }
                tokens.push(Token {
                    kind: TokenKind::Literal(Literal::String(value)),
                    offset,
                });
            }
            c if c.is_ascii_alphanumeric()
                || c == '_'
                || c == '-'
                || c == '/'
                || c == '.'
                || c == '@' =>
            {
                let start = index;
                while index < chars.len() {
                    let c = chars[index].1;
                    if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/' | '.' | '@') {
                        index += 1;
                    } else {
                        break;
                    }
                }
                let word: String = chars[start..index].iter().map(|(_, c)| c).collect();
                tokens.push(Token {
                    kind: classify_word(&word),
                    offset,
                });
            }
            other => {
                return Err(GraphError::invalid_filter(&format!(
                    "Syntax error: character '{other}' is not valid at position {offset} in '{text}'."
                )));
            }
        }
    }
    Ok(tokens)
}

fn classify_word(word: &str) -> TokenKind {
    if word.len() == 36
        && let Ok(id) = Uuid::try_parse(word)
    {
        return TokenKind::Literal(Literal::Guid(id));
    }
    match word {
        "true" => return TokenKind::Literal(Literal::Boolean(true)),
        "false" => return TokenKind::Literal(Literal::Boolean(false)),
        "null" => return TokenKind::Literal(Literal::Null),
        _ => {}
    }
    if let Ok(number) = word.parse::<i64>() {
        return TokenKind::Literal(Literal::Integer(number));
    }
    TokenKind::Identifier(word.to_owned())
}

fn syntax_error(text: &str, offset: usize) -> GraphError {
    GraphError::invalid_filter(&format!("Syntax error at position {offset} in '{text}'."))
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    position: usize,
    set: &'a EntitySet,
    advanced: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&TokenKind> {
        self.tokens.get(self.position).map(|token| &token.kind)
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(TokenKind::Identifier(word)) if word.eq_ignore_ascii_case(keyword))
    }

    fn offset(&self) -> usize {
        self.tokens
            .get(self.position)
            .map_or(self.text.len(), |token| token.offset)
    }

    fn next(&mut self) -> Result<TokenKind, GraphError> {
        let token = self.tokens.get(self.position).cloned().ok_or_else(|| {
            GraphError::invalid_filter(&format!(
                "Expression expected at position {} in '{}'.",
                self.text.len(),
                self.text
            ))
        })?;
        self.position += 1;
        Ok(token.kind)
    }

    fn expect(&mut self, expected: &TokenKind) -> Result<(), GraphError> {
        let offset = self.offset();
        if self.next()? == *expected {
            Ok(())
        } else {
            Err(syntax_error(self.text, offset))
        }
    }

    fn or_expression(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.and_expression()?;
        while self.peek_keyword("or") {
            self.position += 1;
            let right = self.and_expression()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expression(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.unary()?;
        while self.peek_keyword("and") {
            self.position += 1;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, GraphError> {
        if self.peek_keyword("not") {
            self.position += 1;
            let inner = self.unary()?;
            if !self.advanced {
                return Err(needs_advanced("not"));
            }
            return Ok(Filter::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Filter, GraphError> {
        let offset = self.offset();
        match self.next()? {
            TokenKind::OpenParen => {
                let inner = self.or_expression()?;
                self.expect(&TokenKind::CloseParen)?;
                Ok(inner)
            }
            TokenKind::Identifier(word) => {
                if self.peek() == Some(&TokenKind::OpenParen) {
                    if let Some(collection) = word.strip_suffix("/any") {
                        return self.any(collection.to_owned());
                    }
                    return self.function(&word);
                }
                self.comparison(word)
            }
            _ => Err(syntax_error(self.text, offset)),
        }
    }

    /// `name(prop, 'text')` for startswith / endswith; other functions are refused.
    fn function(&mut self, name: &str) -> Result<Filter, GraphError> {
        let lower = name.to_ascii_lowercase();
        if lower != "startswith" && lower != "endswith" {
            let operator = match lower.as_str() {
                "contains" => "Contains".to_owned(),
                _ => name.to_owned(),
            };
            return Err(GraphError::unsupported_query(format!(
                "Unsupported property filter clause operator '{operator}'."
            )));
        }
        self.expect(&TokenKind::OpenParen)?;
        let offset = self.offset();
        let TokenKind::Identifier(property) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        self.expect(&TokenKind::Comma)?;
        let offset = self.offset();
        let TokenKind::Literal(Literal::String(text)) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        self.expect(&TokenKind::CloseParen)?;
        if lower == "endswith" {
            if !self.advanced {
                return Err(needs_advanced("endsWith"));
            }
            self.scalar_property(&property)?;
            return Ok(Filter::EndsWith(property, text));
        }
        let supported = self.scalar_property(&property)?;
        if !supported.starts_with {
            return Err(self.unsupported_property(&property));
        }
        Ok(Filter::StartsWith(property, text))
    }

    /// `coll/any(x: x eq literal)`.
    fn any(&mut self, collection: String) -> Result<Filter, GraphError> {
        self.expect(&TokenKind::OpenParen)?;
        let offset = self.offset();
        let TokenKind::Identifier(variable) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        self.expect(&TokenKind::Colon)?;
        let offset = self.offset();
        let TokenKind::Identifier(operand) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        let supported = self.set.filter_property(&collection);
        if !supported.is_some_and(|property| property.collection) {
            return Err(self.unsupported_property(&collection));
        }
        if operand != variable {
            // `requiredResourceAccess/any(c:c/resourceAppId eq '…')` and the like.
            return Err(GraphError::unsupported_query(format!(
                "Complex query on property {collection} is not supported."
            )));
        }
        let offset = self.offset();
        let operator = self.next()?;
        if !matches!(&operator, TokenKind::Identifier(word) if word.eq_ignore_ascii_case("eq")) {
            return Err(syntax_error(self.text, offset));
        }
        let literal = self.literal()?;
        self.expect(&TokenKind::CloseParen)?;
        Ok(Filter::Any(collection, literal))
    }

    /// `prop op literal`.
    fn comparison(&mut self, property: String) -> Result<Filter, GraphError> {
        let offset = self.offset();
        let TokenKind::Identifier(operator) = self.next()? else {
            return Err(syntax_error(self.text, offset));
        };
        let operator = operator.to_ascii_lowercase();
        match operator.as_str() {
            "eq" | "ne" => {
                let literal = self.literal()?;
                self.scalar_property(&property)?;
                self.check_literal_type(&property, &literal, &operator)?;
                if operator == "ne" {
                    if !self.advanced {
                        return Err(GraphError::unsupported_query(
                            "Unsupported property filter clause operator 'NotEqualsMatch'.",
                        ));
                    }
                    return Ok(Filter::Ne(property, literal));
                }
                Ok(Filter::Eq(property, literal))
            }
            "in" => {
                self.expect(&TokenKind::OpenParen)?;
                let mut literals = vec![self.literal()?];
                while self.peek() == Some(&TokenKind::Comma) {
                    self.position += 1;
                    literals.push(self.literal()?);
                }
                self.expect(&TokenKind::CloseParen)?;
                self.scalar_property(&property)?;
                for literal in &literals {
                    self.check_literal_type(&property, literal, "eq")?;
                }
                Ok(Filter::In(property, literals))
            }
            "gt" | "ge" | "lt" | "le" | "has" => {
                self.literal()?;
                Err(GraphError::unsupported_query("Unsupported query."))
            }
            _ => Err(syntax_error(self.text, offset)),
        }
    }

    fn literal(&mut self) -> Result<Literal, GraphError> {
        let offset = self.offset();
        match self.next()? {
            TokenKind::Literal(literal) => Ok(literal),
            _ => Err(syntax_error(self.text, offset)),
        }
    }

    /// The set's support for a single-valued `property`, or Graph's refusal.
    fn scalar_property(&self, property: &str) -> Result<FilterProperty, GraphError> {
        match self.set.filter_property(property) {
            Some(supported) if !supported.collection => Ok(*supported),
            _ => Err(self.unsupported_property(property)),
        }
    }

    fn unsupported_property(&self, property: &str) -> GraphError {
        // <https://github.com/microsoftgraph/msgraph-sdk-dotnet/issues/2552>
        GraphError::unsupported_query(format!(
            "Unsupported or invalid query filter clause specified for property '{property}' of resource '{}'.",
            self.set.resource
        ))
    }

    /// ODataLib refuses comparing a string property with a GUID literal (and the reverse).
    fn check_literal_type(
        &self,
        property: &str,
        literal: &Literal,
        operator: &str,
    ) -> Result<(), GraphError> {
        let declared = schema::graph_type(self.set.type_name)
            .and_then(|graph_type| graph_type.property(property))
            .map(|declared| declared.kind);
        let property_edm = match declared {
            Some(Kind::Guid) => "Edm.Guid",
            Some(Kind::Boolean) => "Edm.Boolean",
            Some(Kind::Int32) => "Edm.Int32",
            Some(Kind::DateTimeOffset) => "Edm.DateTimeOffset",
            _ => "Edm.String",
        };
        let literal_edm = match literal {
            Literal::String(_) => "Edm.String",
            Literal::Guid(_) => "Edm.Guid",
            Literal::Boolean(_) => "Edm.Boolean",
            Literal::Integer(_) => "Edm.Int32",
            Literal::Null => return Ok(()),
        };
        // A GUID property accepts a quoted GUID as well (Graph's own docs filter appRoleAssignments that way).
        let compatible = property_edm == literal_edm
            || (property_edm == "Edm.Guid" && literal_edm == "Edm.String")
            || (declared.is_none() && !matches!(literal, Literal::Guid(_)));
        if compatible {
            return Ok(());
        }
        let kind = if operator == "ne" {
            "NotEqual"
        } else {
            "Equal"
        };
        Err(GraphError::invalid_filter(&format!(
            "A binary operator with incompatible types was detected. Found operand types '{property_edm}' and '{literal_edm}' for operator kind '{kind}'."
        )))
    }
}

/// The refusal for an operator that needs advanced query parameters. The wording follows Graph's answer
/// for a raw `$count` without them (<https://github.com/azurekid/ScEntra/issues/17>).
fn needs_advanced(operator: &str) -> GraphError {
    GraphError::unsupported_query(format!(
        "Operator '{operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apps() -> Vec<Value> {
        vec![
            json!({"id": "a1", "appId": "11111111-1111-1111-1111-111111111111", "displayName": "Identity Sync",
                   "tags": ["managed-by:m365-connector"], "uniqueName": "sync-1"}),
            json!({"id": "a2", "appId": "22222222-2222-2222-2222-222222222222", "displayName": "O'Brien's app",
                   "tags": []}),
            json!({"id": "a3", "appId": "33333333-3333-3333-3333-333333333333", "displayName": "identity sync",
                   "tags": ["other"]}),
        ]
    }

    fn list(query: &str, headers: &HeaderMap) -> Result<Value, GraphError> {
        let options = QueryOptions::parse(Some(query), headers, &APPLICATIONS)?;
        Ok(options.list_body(
            apps(),
            "https://127.0.0.1:9/v1.0",
            "applications",
            "applications",
        ))
    }

    fn ids(body: &Value) -> Vec<&str> {
        body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap())
            .collect()
    }

    fn eventual() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("ConsistencyLevel", HeaderValue::from_static("eventual"));
        headers
    }

    #[test]
    fn display_name_eq_ignores_case_and_unescapes_quotes() {
        let body = list(
            "$filter=displayName%20eq%20'identity%20sync'",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a1", "a3"]);
        assert_eq!(
            body["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#applications"
        );
        assert!(body.get("@odata.nextLink").is_none());
        let body = list(
            "$filter=displayName eq 'O''Brien''s app'",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a2"]);
    }

    #[test]
    fn app_id_filters_with_quoted_strings_and_combinations() {
        let body = list(
            "$filter=appId eq '22222222-2222-2222-2222-222222222222' or startswith(displayName,'IDENT')",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a1", "a2", "a3"]);
        let body = list(
            "$filter=(startsWith(displayName,'identity') and tags/any(t:t eq 'managed-by:m365-connector'))",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a1"]);
        let body = list(
            "$filter=appId in ('33333333-3333-3333-3333-333333333333','nope')",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a3"]);
        let body = list("$filter=uniqueName eq 'missing'", &HeaderMap::new()).unwrap();
        assert_eq!(body["value"], json!([]));
    }

    #[test]
    fn a_bare_guid_against_a_string_property_is_a_type_error() {
        let error = list(
            "$filter=appId eq 11111111-1111-1111-1111-111111111111",
            &HeaderMap::new(),
        )
        .unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.message(),
            "Invalid filter clause: A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Guid' for operator kind 'Equal'."
        );
        let options = QueryOptions::parse(
            Some("$filter=appRoleId eq dc50a0fb-09a3-484d-be87-e023b12c6440"),
            &HeaderMap::new(),
            &APP_ROLE_ASSIGNMENTS,
        )
        .unwrap();
        let assignment = json!({"appRoleId": "DC50A0FB-09A3-484D-BE87-E023B12C6440"});
        assert!(options.filter.unwrap().matches(&assignment));
    }

    #[test]
    fn advanced_operators_need_eventual_consistency_and_count() {
        let error = list("$filter=displayName ne 'x'", &HeaderMap::new()).unwrap_err();
        assert_eq!(error.code(), "Request_UnsupportedQuery");
        assert_eq!(
            error.message(),
            "Unsupported property filter clause operator 'NotEqualsMatch'."
        );
        let error = list("$filter=endswith(displayName,'sync')", &eventual()).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("Operator 'endsWith' is not supported")
        );
        let error = list(
            "$filter=not(startswith(displayName,'x'))&$count=true",
            &HeaderMap::new(),
        )
        .unwrap_err();
        assert!(
            error
                .message()
                .starts_with("Operator 'not' is not supported")
        );

        let body = list(
            "$filter=endswith(displayName,'SYNC')&$count=true",
            &eventual(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a1", "a3"]);
        assert_eq!(body["@odata.count"], 2);
        let body = list(
            "$filter=displayName ne 'identity sync'&$count=true",
            &eventual(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a2"]);
        let body = list(
            "$filter=not startswith(displayName,'identity')&$count=true",
            &eventual(),
        )
        .unwrap();
        assert_eq!(ids(&body), ["a2"]);
    }

    #[test]
    fn unsupported_properties_and_functions_are_refused_as_graph_does() {
        let error = list("$filter=description eq 'x'", &HeaderMap::new()).unwrap_err();
        assert_eq!(error.code(), "Request_UnsupportedQuery");
        assert_eq!(
            error.message(),
            "Unsupported or invalid query filter clause specified for property 'description' of resource 'Application'."
        );
        let error = list("$filter=startswith(appId,'1111')", &HeaderMap::new()).unwrap_err();
        assert!(
            error
                .message()
                .contains("property 'appId' of resource 'Application'")
        );
        let error = list("$filter=contains(displayName,'sync')", &HeaderMap::new()).unwrap_err();
        assert_eq!(
            error.message(),
            "Unsupported property filter clause operator 'Contains'."
        );
        let error = list(
            "$filter=requiredResourceAccess/any(c:c/resourceAppId eq '00000003-0000-0000-c000-000000000000')",
            &HeaderMap::new(),
        )
        .unwrap_err();
        assert!(error.message().contains("requiredResourceAccess"));
    }

    #[test]
    fn syntax_errors_are_invalid_filter_clauses() {
        for (query, expected) in [
            (
                "$filter=displayName eq 'open",
                "Invalid filter clause: There is an unterminated string literal at position 20 in 'displayName eq 'open'.",
            ),
            (
                "$filter=displayName eq \"x\"",
                "Invalid filter clause: Syntax error: character '\"' is not valid at position 15 in 'displayName eq \"x\"'.",
            ),
            (
                "$filter=displayName eq",
                "Invalid filter clause: Expression expected at position 14 in 'displayName eq'.",
            ),
            (
                "$filter=displayName 'x'",
                "Invalid filter clause: Syntax error at position 12 in 'displayName 'x''.",
            ),
            (
                "$filter=(displayName eq 'x'",
                "Invalid filter clause: Expression expected at position 19 in '(displayName eq 'x''.",
            ),
        ] {
            let error = list(query, &HeaderMap::new()).unwrap_err();
            assert_eq!(error.code(), "BadRequest", "{query}");
            assert_eq!(error.message(), expected, "{query}");
        }
    }

    #[test]
    fn top_pages_with_an_opaque_skiptoken_that_keeps_the_query() {
        let first = list(
            "$filter=startswith(displayName,'i')&$top=1&$select=id,displayName",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(
            first["value"],
            json!([{"id": "a1", "displayName": "Identity Sync"}])
        );
        assert_eq!(
            first["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#applications(id,displayName)"
        );
        let next = first["@odata.nextLink"].as_str().unwrap();
        assert!(
            next.starts_with("https://127.0.0.1:9/v1.0/applications?"),
            "{next}"
        );
        assert!(!next.contains("skip:"), "the token is opaque: {next}");
        let query = next.split_once('?').unwrap().1;
        let second = list(query, &HeaderMap::new()).unwrap();
        assert_eq!(
            second["value"],
            json!([{"id": "a3", "displayName": "identity sync"}])
        );
        assert!(second.get("@odata.nextLink").is_none());
    }

    #[test]
    fn select_does_not_add_id_and_checks_names() {
        let body = list("$select=displayName", &HeaderMap::new()).unwrap();
        assert_eq!(body["value"][0], json!({"displayName": "Identity Sync"}));
        let error = list("$select=displayName,resourceAccesses", &HeaderMap::new()).unwrap_err();
        assert_eq!(
            error.message(),
            "Parsing OData Select and Expand failed: Could not find a property named 'resourceAccesses' on type 'microsoft.graph.application'."
        );
    }

    #[test]
    fn top_and_other_options_are_validated() {
        let error = list("$top=0", &HeaderMap::new()).unwrap_err();
        assert_eq!(
            error.message(),
            "Invalid page size specified: '0'. Must be between 1 and 999 inclusive."
        );
        let error = list("$top=ten", &HeaderMap::new()).unwrap_err();
        assert!(
            error
                .message()
                .starts_with("Invalid value 'ten' for $top query option found.")
        );
        assert!(list("$top=999", &HeaderMap::new()).is_ok());
        let error = list("$search=\"displayName:sync\"", &HeaderMap::new()).unwrap_err();
        assert!(error.message().contains("ConsistencyLevel: eventual"));
        assert!(list("$frobnicate=1", &HeaderMap::new()).is_err());
        assert!(list("$skiptoken=forged", &HeaderMap::new()).is_err());
        assert!(list("api-version=1.6", &HeaderMap::new()).is_ok());
    }

    #[tokio::test]
    async fn json_responses_carry_odata_headers() {
        let response = json_response(StatusCode::CREATED, &json!({"id": "x"}));
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[CONTENT_TYPE], ODATA_JSON);
        assert_eq!(response.headers()["OData-Version"], "4.0");
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&bytes).unwrap(),
            json!({"id": "x"})
        );
        assert_eq!(no_content().status(), StatusCode::NO_CONTENT);
    }

    #[test]
    fn key_values_are_returned_only_when_selected() {
        let app = json!({"id": "a1", "keyCredentials": [{"keyId": "k", "key": "MIIB"}]});
        let mut plain = app.clone();
        QueryOptions::parse_single(None, "application")
            .unwrap()
            .redact_key_values(&mut plain);
        assert_eq!(
            plain["keyCredentials"][0],
            json!({"keyId": "k", "key": null})
        );
        let mut selected = app.clone();
        QueryOptions::parse_single(Some("$select=id,keyCredentials"), "application")
            .unwrap()
            .redact_key_values(&mut selected);
        assert_eq!(selected, app);
    }

    #[test]
    fn single_entities_have_an_entity_context() {
        let options =
            QueryOptions::parse_single(Some("$select=appId,displayName"), "application").unwrap();
        let body = options.entity_body(apps().remove(0), "applications");
        assert_eq!(
            body,
            json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(appId,displayName)/$entity",
                "appId": "11111111-1111-1111-1111-111111111111",
                "displayName": "Identity Sync"
            })
        );
        let plain = QueryOptions::parse_single(None, "application").unwrap();
        let body = plain.entity_body(json!({"id": "x"}), "servicePrincipals");
        assert_eq!(
            body["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity"
        );
        assert!(QueryOptions::parse_single(Some("$filter=id eq 'x'"), "application").is_err());
    }

    #[test]
    fn role_assignments_filter_by_principal() {
        let options = QueryOptions::parse(
            Some("$filter=principalId eq '4ab0b690-479b-47ff-af8f-2576cf521872' and roleDefinitionId eq '29232cdf-9323-42fd-ade2-1d097af3e4de'"),
            &HeaderMap::new(),
            &ROLE_ASSIGNMENTS,
        )
        .unwrap();
        let items = vec![
            json!({"id": "r1", "principalId": "4ab0b690-479b-47ff-af8f-2576cf521872", "roleDefinitionId": "29232cdf-9323-42fd-ade2-1d097af3e4de"}),
            json!({"id": "r2", "principalId": "4ab0b690-479b-47ff-af8f-2576cf521872", "roleDefinitionId": "fe930be7-5e62-47db-91af-98c3a49a38b1"}),
        ];
        let body = options.list_body(
            items,
            "https://h/v1.0",
            "roleManagement/directory/roleAssignments",
            "roleManagement/directory/roleAssignments",
        );
        assert_eq!(ids(&body), ["r1"]);
        assert_eq!(
            body["@odata.context"],
            "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments"
        );
    }
}

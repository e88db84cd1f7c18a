//! The query options of one Graph request (`$filter`, `$select`, `$top`, `$count`, `$skiptoken`), and
//! the list and entity bodies they shape.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use crate::graph::error::GraphError;
use crate::graph::model;
use crate::graph::odata::entity_sets::{EntitySet, expandable};
use crate::graph::odata::filter::{Filter, parse_filter};
use crate::graph::odata::response::{
    GRAPH_V1_ROOT, collection_context, entity_context, json_response,
};
use crate::graph::schema;

/// Graph's page size when `$top` is absent (directory objects).
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest `$top` Graph accepts for directory objects.
pub const MAX_PAGE_SIZE: usize = 999;

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
    /// `$expand`: the navigation properties to expand, as named.
    pub expand: Vec<String>,
    /// The options other than `$skiptoken`, decoded, in order (to build `@odata.nextLink`).
    passthrough: Vec<(String, String)>,
}

/// Whether the request carries `ConsistencyLevel: eventual` (advanced queries,
/// <https://learn.microsoft.com/graph/aad-advanced-queries>).
pub fn eventual(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("eventual"))
}

/// The decoded name-value pairs of a query string (without `?`, percent-encoded).
fn query_pairs(raw_query: Option<&str>) -> Vec<(String, String)> {
    raw_query
        .map(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// A system query option (`$…`) Graph does not take on this request.
fn unsupported_option(name: &str) -> GraphError {
    GraphError::invalid_request(format!("The query parameter '{name}' is not supported."))
}

impl QueryOptions {
    /// Parses a list request's query string (`raw_query` without `?`, percent-encoded) for `set`.
    pub fn parse(
        raw_query: Option<&str>,
        headers: &HeaderMap,
        set: &EntitySet,
    ) -> Result<Self, GraphError> {
        let eventual = eventual(headers);
        let pairs = query_pairs(raw_query);
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
                "$expand" => options.expand = parse_expand(value, set.type_name)?,
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
                "$search" | "$orderby" => {
                    // Real Graph supports these on directory objects; the connector never sends them,
                    // so the simulator says plainly that it does not.
                    return Err(GraphError::not_simulated(&format!(
                        "the query option '{name}'"
                    )));
                }
                other if other.starts_with('$') => return Err(unsupported_option(name)),
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

    /// Parses a single-object request's query string: `$select` and `$expand` apply.
    pub fn parse_single(raw_query: Option<&str>, type_name: &str) -> Result<Self, GraphError> {
        let mut options = QueryOptions::default();
        let pairs = query_pairs(raw_query);
        for (name, value) in pairs {
            if name.eq_ignore_ascii_case("$select") {
                options.select = Some(parse_select(&value, type_name)?);
            } else if name.eq_ignore_ascii_case("$expand") {
                options.expand = parse_expand(&value, type_name)?;
            } else if name.starts_with('$') {
                return Err(unsupported_option(&name));
            }
        }
        Ok(options)
    }

    /// Whether `$expand` names the navigation property `name`.
    pub fn expands(&self, name: &str) -> bool {
        self.expand.iter().any(|expanded| expanded == name)
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
            .filter(|(key, _)| {
                select.iter().any(|name| name == *key) || self.expand.iter().any(|e| e == *key)
            })
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
        let matching = self.filtered(items);
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

    /// The items `$filter` keeps.
    pub fn filtered(&self, items: Vec<Value>) -> Vec<Value> {
        items
            .into_iter()
            .filter(|item| {
                self.filter
                    .as_ref()
                    .is_none_or(|filter| filter.matches(item))
            })
            .collect()
    }

    /// The answer with `status` carrying [`Self::entity_body`] of `object`.
    pub fn entity_answer(&self, status: StatusCode, object: Value, context_path: &str) -> Response {
        json_response(status, &self.entity_body(object, context_path))
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

/// `$expand`: a comma list of navigation properties. Those tenant-sim expands on `type_name` pass; a
/// navigation Graph has but tenant-sim does not expand is answered as not simulated; anything else is
/// refused as Graph's OData parser refuses it.
fn parse_expand(value: &str, type_name: &str) -> Result<Vec<String>, GraphError> {
    let mut names = Vec::new();
    for item in value.split(',').map(str::trim) {
        let name = item.split('(').next().unwrap_or(item).trim();
        if name.is_empty() {
            return Err(GraphError::invalid_request(format!(
                "Parsing OData Select and Expand failed: Term '{value}' is not valid in a $select or $expand expression."
            )));
        }
        let simulated = expandable(type_name).contains(&name);
        if simulated && name == item {
            if !names.iter().any(|known: &String| known == name) {
                names.push(name.to_owned());
            }
            continue;
        }
        if simulated || model::navigation_target(type_name, name).is_some() {
            return Err(GraphError::not_simulated(&format!(
                "$expand={item} on {type_name}"
            )));
        }
        return Err(GraphError::invalid_request(format!(
            "Parsing OData Select and Expand failed: Could not find a property named '{name}' on type 'microsoft.graph.{type_name}'."
        )));
    }
    Ok(names)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::odata::entity_sets::{APP_ROLE_ASSIGNMENTS, APPLICATIONS, ROLE_ASSIGNMENTS};
    use axum::http::{HeaderValue, StatusCode};

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

    /// The refusal of `query` sent without headers.
    fn refusal(query: &str) -> GraphError {
        list(query, &HeaderMap::new()).unwrap_err()
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
        let error = refusal("$filter=appId eq 11111111-1111-1111-1111-111111111111");
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
        let error = refusal("$filter=displayName ne 'x'");
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
        let error = refusal("$filter=not(startswith(displayName,'x'))&$count=true");
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
        let error = refusal("$filter=description eq 'x'");
        assert_eq!(error.code(), "Request_UnsupportedQuery");
        assert_eq!(
            error.message(),
            "Unsupported or invalid query filter clause specified for property 'description' of resource 'Application'."
        );
        let error = refusal("$filter=startswith(appId,'1111')");
        assert!(
            error
                .message()
                .contains("property 'appId' of resource 'Application'")
        );
        let error = refusal("$filter=contains(displayName,'sync')");
        assert_eq!(
            error.message(),
            "Unsupported property filter clause operator 'Contains'."
        );
        let error = refusal(
            "$filter=requiredResourceAccess/any(c:c/resourceAppId eq '00000003-0000-0000-c000-000000000000')",
        );
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
        let error = refusal("$select=displayName,resourceAccesses");
        assert_eq!(
            error.message(),
            "Parsing OData Select and Expand failed: Could not find a property named 'resourceAccesses' on type 'microsoft.graph.application'."
        );
    }

    #[test]
    fn top_and_other_options_are_validated() {
        let error = refusal("$top=0");
        assert_eq!(
            error.message(),
            "Invalid page size specified: '0'. Must be between 1 and 999 inclusive."
        );
        let error = refusal("$top=ten");
        assert!(
            error
                .message()
                .starts_with("Invalid value 'ten' for $top query option found.")
        );
        assert!(list("$top=999", &HeaderMap::new()).is_ok());
        let error = refusal("$search=\"displayName:sync\"");
        assert!(error.message().contains("ConsistencyLevel: eventual"));
        assert!(list("$frobnicate=1", &HeaderMap::new()).is_err());
        assert!(list("$skiptoken=forged", &HeaderMap::new()).is_err());
        assert!(list("api-version=1.6", &HeaderMap::new()).is_ok());
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

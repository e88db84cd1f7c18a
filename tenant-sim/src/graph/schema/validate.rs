//! The validator: a request body read as JSON, then checked against its Graph type as Graph's OData
//! reader and the directory check it (the refusals and their sources are listed in [`crate::graph::schema`]).

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::edm_binary;
use crate::graph::error::GraphError;
use crate::graph::schema::model::{Access, GraphType, Intent, Kind, Property, TypeKind};
use crate::graph::schema::type_table::graph_type;

/// Checks the body of an upsert by alternate key (`PATCH /applications(uniqueName='k')`,
/// `PATCH /servicePrincipals(appId='…')`, <https://learn.microsoft.com/en-us/graph/api/application-upsert>).
/// The key comes from the URL: on create it counts as given (so a service principal's required `appId` is
/// satisfied), and a body may repeat it only with the same value.
pub fn validate_upsert(
    type_name: &str,
    body: &Value,
    key: (&str, &str),
    intent: Intent,
) -> Result<(), GraphError> {
    let (key_name, key_value) = key;
    let Value::Object(object) = body else {
        return validate(type_name, body, intent);
    };
    let mut object = object.clone();
    match object.remove(key_name) {
        Some(Value::String(given)) if given == key_value => {}
        None => {}
        Some(_) => {
            // Wording is ours: no public source gave Graph's answer to a body contradicting the URL's key.
            return Err(GraphError::bad_request(format!(
                "The value of '{key_name}' in the request body does not match the key in the request URL."
            )));
        }
    }
    if intent == Intent::Create {
        object.insert(key_name.to_owned(), Value::String(key_value.to_owned()));
    }
    validate(type_name, &Value::Object(object), intent)
}

/// Reads a request body as Graph does before any type check: it must be JSON, sent as `application/json`
/// (parameters such as `; charset=utf-8` are fine).
pub fn parse_json_body(content_type: Option<&str>, bytes: &[u8]) -> Result<Value, GraphError> {
    let is_json = content_type.is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Err(GraphError::unreadable_json());
    }
    serde_json::from_slice(bytes).map_err(|_| GraphError::unreadable_json())
}

/// Checks `body` against type `type_name` as Graph would for `intent`.
///
/// # Panics
/// Never for the names in [`crate::graph::schema::types`]; an unknown `type_name` is a programming error and answers 500.
pub fn validate(type_name: &str, body: &Value, intent: Intent) -> Result<(), GraphError> {
    let Some(graph_type) = graph_type(type_name) else {
        debug_assert!(false, "no schema for type {type_name}");
        return Err(GraphError::internal_server_error());
    };
    let Value::Object(object) = body else {
        return Err(unexpected_node(body, "StartObject"));
    };
    validate_object(graph_type, object, intent, &[], true)
}

/// Validates one object of `graph_type`; `path` holds the property names leading to it.
fn validate_object(
    graph_type: &GraphType,
    object: &Map<String, Value>,
    intent: Intent,
    path: &[&str],
    top_level: bool,
) -> Result<(), GraphError> {
    for (key, value) in object {
        if key == "@odata.type" {
            check_odata_type(graph_type, value)?;
            continue;
        }
        if key.starts_with('@') {
            // Instance annotations (`@odata.context`, `@odata.etag`…) are read and ignored.
            continue;
        }
        if let Some(navigation) = key.strip_suffix("@odata.bind")
            && graph_type.bindable.contains(&navigation)
        {
            check_bind(value)?;
            continue;
        }
        let Some(property) = graph_type.property(key) else {
            return Err(unknown_property(graph_type, key, top_level));
        };
        let writable = match property.access {
            Access::ReadWrite => true,
            Access::ReadOnly => false,
            Access::CreateOnly => intent == Intent::Create,
        };
        if !writable {
            return Err(GraphError::bad_request(format!(
                "Property '{key}' is read-only and cannot be set."
            )));
        }
        let mut property_path = path.to_vec();
        property_path.push(property.name);
        let site = Site {
            owner: graph_type,
            property,
            intent,
            path: &property_path,
            top_level,
        };
        validate_property(site, value)?;
    }
    let required_applies = match graph_type.kind {
        TypeKind::Entity => intent == Intent::Create,
        TypeKind::Complex | TypeKind::Action => true,
    };
    if required_applies {
        for name in graph_type.required {
            let present = match object.get(*name) {
                None | Some(Value::Null) => false,
                Some(Value::Array(items)) => !items.is_empty(),
                Some(Value::String(text)) => !text.is_empty(),
                Some(_) => true,
            };
            if !present {
                let mut property_path = path.to_vec();
                property_path.push(name);
                return Err(GraphError::bad_request(format!(
                    "Property {} value is required but is empty or missing.",
                    property_path.join(".")
                )));
            }
        }
    }
    Ok(())
}

/// Where a value being validated stands: the property, the type declaring it, the path to it.
#[derive(Clone, Copy)]
struct Site<'a> {
    owner: &'a GraphType,
    property: &'a Property,
    intent: Intent,
    path: &'a [&'a str],
    top_level: bool,
}

fn validate_property(site: Site<'_>, value: &Value) -> Result<(), GraphError> {
    let property = site.property;
    if value.is_null() {
        if property.nullable {
            return Ok(());
        }
        let expected = if property.collection {
            format!("Collection({})", property.kind.edm_name())
        } else {
            property.kind.edm_name()
        };
        return Err(GraphError::bad_request(format!(
            "A null value was found for the property named '{}', which has the expected type '{expected}[Nullable=False]'. The expected type '{expected}[Nullable=False]' does not allow null values.",
            property.name
        )));
    }
    if property.collection {
        let Value::Array(items) = value else {
            return Err(unexpected_node(value, "StartArray"));
        };
        for item in items {
            if item.is_null() {
                let expected = property.kind.edm_name();
                return Err(GraphError::bad_request(format!(
                    "A null value was found with the expected type '{expected}[Nullable=False]'. The expected type '{expected}[Nullable=False]' does not allow null values."
                )));
            }
            validate_single(site, item)?;
        }
        return Ok(());
    }
    validate_single(site, value)
}

/// Validates one non-null value of `property.kind`.
fn validate_single(site: Site<'_>, value: &Value) -> Result<(), GraphError> {
    let property = site.property;
    match property.kind {
        Kind::Complex(name) => {
            let Value::Object(object) = value else {
                return Err(unexpected_node(value, "StartObject"));
            };
            let complex = graph_type(name).expect("complex types in the table exist");
            validate_object(complex, object, site.intent, site.path, false)
        }
        Kind::Unchecked => match value {
            Value::Object(_) => Ok(()),
            _ => Err(unexpected_node(value, "StartObject")),
        },
        Kind::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => primitive(value).and_then(|text| Err(cannot_convert(&text, property.kind))),
        },
        Kind::Int32 => match value.as_i64() {
            Some(number) if i32::try_from(number).is_ok() => Ok(()),
            _ => primitive(value).and_then(|text| Err(cannot_convert(&text, property.kind))),
        },
        kind => {
            let text = primitive(value)?;
            let Value::String(text) = value else {
                return Err(cannot_convert(&text, kind));
            };
            let converts = match kind {
                Kind::Guid => is_hyphenated_guid(text),
                Kind::DateTimeOffset => OffsetDateTime::parse(text, &Rfc3339).is_ok(),
                Kind::Binary => is_base64(text),
                _ => true,
            };
            if !converts {
                return Err(cannot_convert(text, kind));
            }
            if let Kind::OneOf(values) = kind
                && !values.contains(&text.as_str())
            {
                return Err(invalid_value(site.owner, site.path, site.top_level));
            }
            Ok(())
        }
    }
}

/// The text of a primitive JSON value, or the reader's error for an object or array.
fn primitive(value: &Value) -> Result<String, GraphError> {
    match value {
        Value::Object(_) | Value::Array(_) => Err(unexpected_node(value, "PrimitiveValue")),
        Value::String(text) => Ok(text.clone()),
        other => Ok(other.to_string()),
    }
}

fn is_hyphenated_guid(text: &str) -> bool {
    text.len() == 36 && Uuid::try_parse(text).is_ok()
}

fn is_base64(text: &str) -> bool {
    edm_binary::decode(text).is_some()
}

fn check_bind(value: &Value) -> Result<(), GraphError> {
    match value {
        Value::String(_) => Ok(()),
        Value::Array(items) if items.iter().all(Value::is_string) => Ok(()),
        other => Err(unexpected_node(other, "PrimitiveValue")),
    }
}

/// `@odata.type` must name this type (derived types are not modelled).
fn check_odata_type(graph_type: &GraphType, value: &Value) -> Result<(), GraphError> {
    let Value::String(text) = value else {
        return Err(unexpected_node(value, "PrimitiveValue"));
    };
    let name = text.strip_prefix('#').unwrap_or(text);
    let expected = format!("microsoft.graph.{}", graph_type.name);
    if name == expected {
        return Ok(());
    }
    let known = name
        .strip_prefix("microsoft.graph.")
        .is_some_and(graph_type_is_known);
    if known {
        Err(GraphError::bad_request(format!(
            "A resource with type '{name}' was found, but it is not assignable to the expected type '{expected}'. The type specified in the resource must be equal to either the expected type or a derived type."
        )))
    } else {
        Err(GraphError::bad_request(format!(
            "A type named '{name}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type."
        )))
    }
}

/// Types Graph knows beyond this table, so that a wrong but real type gets the "not assignable" answer.
fn graph_type_is_known(name: &str) -> bool {
    graph_type(name).is_some()
        || matches!(
            name,
            "user"
                | "group"
                | "directoryObject"
                | "organization"
                | "unifiedRoleDefinition"
                | "entity"
        )
}

fn unknown_property(graph_type: &GraphType, key: &str, top_level: bool) -> GraphError {
    if graph_type.kind == TypeKind::Action {
        return GraphError::bad_request(format!(
            "The parameter '{key}' in the request payload is not a valid parameter for the operation '{}'.",
            graph_type.name
        ));
    }
    if graph_type.open && top_level {
        return GraphError::bad_request(format!("Invalid property '{key}'."));
    }
    GraphError::bad_request(format!(
        "The property '{key}' does not exist on type 'microsoft.graph.{}'. Make sure to only use property names that are defined by the type or mark the type as open type.",
        graph_type.name
    ))
}

fn invalid_value(owner: &GraphType, path: &[&str], top_level: bool) -> GraphError {
    match path {
        [name] if top_level => GraphError::bad_request(format!(
            "Invalid value specified for property '{name}' of resource '{}'.",
            owner.resource_name()
        )),
        [.., _] => GraphError::bad_request(format!(
            "Property {} is invalid.",
            path[..path.len() - 1].join(".")
        )),
        [] => GraphError::bad_request("One or more properties contains invalid values."),
    }
}

fn cannot_convert(text: &str, kind: Kind) -> GraphError {
    GraphError::bad_request(format!(
        "Cannot convert the literal '{text}' to the expected type '{}'.",
        kind.edm_name()
    ))
}

fn unexpected_node(found: &Value, expected: &str) -> GraphError {
    let node = match found {
        Value::Object(_) => "StartObject",
        Value::Array(_) => "StartArray",
        _ => "PrimitiveValue",
    };
    GraphError::bad_request(format!(
        "An unexpected '{node}' node was found when reading from the JSON reader. A '{expected}' node was expected."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::schema::types;
    use axum::http::StatusCode;
    use serde_json::json;

    const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
    const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

    /// The body the connector sends to create its app, which must pass.
    fn connector_app() -> Value {
        json!({
            "displayName": "Identity Sync",
            "signInAudience": "AzureADMyOrg",
            "uniqueName": "identity-sync-1",
            "tags": ["managed-by:m365-connector"],
            "notes": null,
            "requiredResourceAccess": [
                {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]},
                {"resourceAppId": "00000002-0000-0ff1-ce00-000000000000",
                 "resourceAccess": [{"id": "dc50a0fb-09a3-484d-be87-e023b12c6440", "type": "Role"}]}
            ],
            "keyCredentials": [{
                "type": "AsymmetricX509Cert", "usage": "Verify", "key": "MIIBszCCAV2gAwIBAgIU",
                "displayName": "CN=identity-sync", "endDateTime": "2027-01-01T00:00:00Z"
            }],
            "publicClient": {"redirectUris": ["http://localhost"]},
            "web": {"redirectUris": [], "implicitGrantSettings": {"enableIdTokenIssuance": false}},
            "spa": {"redirectUris": []},
            "api": {"requestedAccessTokenVersion": 2, "knownClientApplications": []},
            "info": {"supportUrl": "https://example.com/support"},
            "isFallbackPublicClient": true,
            "owners@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/4ab0b690-479b-47ff-af8f-2576cf521872"]
        })
    }

    fn refused(type_name: &str, body: Value, intent: Intent) -> String {
        let error = validate(type_name, &body, intent).expect_err("the body should be refused");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), "Request_BadRequest");
        error.message().to_owned()
    }

    #[test]
    fn the_connectors_application_body_is_accepted_on_create_and_update() {
        assert_eq!(
            validate(types::APPLICATION, &connector_app(), Intent::Create),
            Ok(())
        );
        assert_eq!(
            validate(types::APPLICATION, &connector_app(), Intent::Update),
            Ok(())
        );
        let patch = json!({"requiredResourceAccess": []});
        assert_eq!(validate(types::APPLICATION, &patch, Intent::Update), Ok(()));
    }

    #[test]
    fn misspelled_nested_property_is_refused_by_the_reader() {
        let body = json!({"displayName": "x", "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccesses": [{"id": USER_READ, "type": "Scope"}]}
        ]});
        assert_eq!(
            refused(types::APPLICATION, body, Intent::Create),
            "The property 'resourceAccesses' does not exist on type 'microsoft.graph.requiredResourceAccess'. Make sure to only use property names that are defined by the type or mark the type as open type."
        );
    }

    #[test]
    fn unknown_top_level_property_differs_for_open_and_closed_types() {
        let app = json!({"displayName": "x", "signInAudiences": "AzureADMyOrg"});
        assert_eq!(
            refused(types::APPLICATION, app, Intent::Create),
            "Invalid property 'signInAudiences'."
        );
        let sp = json!({"appId": GRAPH, "appRoleAssignmentRequred": true});
        assert!(
            refused(types::SERVICE_PRINCIPAL, sp, Intent::Create)
                .starts_with("The property 'appRoleAssignmentRequred' does not exist on type 'microsoft.graph.servicePrincipal'.")
        );
    }

    #[test]
    fn non_guid_app_role_id_is_refused() {
        let body = json!({"principalId": "4ab0b690-479b-47ff-af8f-2576cf521872",
            "resourceId": "7ea8f5a2-7d6e-4b0c-9c67-1b2b4d8f6a11", "appRoleId": "Exchange.ManageAsApp"});
        assert_eq!(
            refused(types::APP_ROLE_ASSIGNMENT, body, Intent::Create),
            "Cannot convert the literal 'Exchange.ManageAsApp' to the expected type 'Edm.Guid'."
        );
        let braced = json!({"displayName": "x", "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": "{e1fe6dd8-ba31-4d61-89e7-88639da4683d}", "type": "Scope"}]}
        ]});
        assert!(refused(types::APPLICATION, braced, Intent::Create).contains("'Edm.Guid'"));
    }

    #[test]
    fn read_only_properties_are_refused() {
        for (key, value) in [
            ("id", json!("4ab0b690-479b-47ff-af8f-2576cf521872")),
            ("appId", json!(GRAPH)),
            ("publisherDomain", json!("contoso.onmicrosoft.com")),
            ("createdDateTime", json!("2025-01-01T00:00:00Z")),
        ] {
            let mut body = json!({"displayName": "x"});
            body[key] = value;
            assert_eq!(
                refused(types::APPLICATION, body, Intent::Create),
                format!("Property '{key}' is read-only and cannot be set.")
            );
        }
        let secret = json!({"passwordCredential": {"displayName": "s", "secretText": "hunter2"}});
        assert_eq!(
            refused(types::ADD_PASSWORD, secret, Intent::Create),
            "Property 'secretText' is read-only and cannot be set."
        );
    }

    #[test]
    fn service_principal_app_id_is_set_on_create_only() {
        let body = json!({"appId": GRAPH});
        assert_eq!(
            validate(types::SERVICE_PRINCIPAL, &body, Intent::Create),
            Ok(())
        );
        assert_eq!(
            refused(types::SERVICE_PRINCIPAL, body, Intent::Update),
            "Property 'appId' is read-only and cannot be set."
        );
        assert_eq!(
            refused(
                types::SERVICE_PRINCIPAL,
                json!({"tags": []}),
                Intent::Create
            ),
            "Property appId value is required but is empty or missing."
        );
        assert_eq!(
            validate(
                types::SERVICE_PRINCIPAL,
                &json!({"tags": []}),
                Intent::Update
            ),
            Ok(())
        );
    }

    #[test]
    fn wrong_json_shapes_get_the_readers_messages() {
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "tags": "one"}),
                Intent::Create
            ),
            "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartArray' node was expected."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": {"text": "x"}}),
                Intent::Create
            ),
            "An unexpected 'StartObject' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "publicClient": ["http://localhost"]}),
                Intent::Create
            ),
            "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": 42}),
                Intent::Create
            ),
            "Cannot convert the literal '42' to the expected type 'Edm.String'."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "isFallbackPublicClient": "true"}),
                Intent::Create
            ),
            "Cannot convert the literal 'true' to the expected type 'Edm.Boolean'."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!([{"displayName": "x"}]),
                Intent::Create
            ),
            "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected."
        );
        let big =
            json!({"displayName": "x", "api": {"requestedAccessTokenVersion": 4_000_000_000_i64}});
        assert!(refused(types::APPLICATION, big, Intent::Create).contains("'Edm.Int32'"));
    }

    #[test]
    fn invalid_documented_values_are_refused() {
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "signInAudience": "MyOrg"}),
                Intent::Create
            ),
            "Invalid value specified for property 'signInAudience' of resource 'Application'."
        );
        let body = json!({"displayName": "x", "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Delegated"}]}
        ]});
        assert_eq!(
            refused(types::APPLICATION, body, Intent::Create),
            "Property requiredResourceAccess.resourceAccess is invalid."
        );
        let grant = json!({"clientId": "a", "resourceId": "b", "consentType": "allprincipals", "scope": "User.Read"});
        assert_eq!(
            refused(types::OAUTH2_PERMISSION_GRANT, grant, Intent::Create),
            "Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'."
        );
    }

    #[test]
    fn nulls_and_missing_required_values_are_refused() {
        assert!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "keyCredentials": null}),
                Intent::Update
            )
            .starts_with("A null value was found for the property named 'keyCredentials'")
        );
        let empty = json!({"displayName": "x", "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": []}]});
        assert_eq!(
            refused(types::APPLICATION, empty, Intent::Update),
            "Property requiredResourceAccess.resourceAccess value is required but is empty or missing."
        );
        let keyless =
            json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify"}]});
        assert_eq!(
            refused(types::APPLICATION, keyless, Intent::Update),
            "Property keyCredentials.key value is required but is empty or missing."
        );
        assert_eq!(
            refused(types::APPLICATION, json!({"tags": []}), Intent::Create),
            "Property displayName value is required but is empty or missing."
        );
    }

    #[test]
    fn literals_for_dates_and_binary_must_convert() {
        let date = json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": "AAAA", "endDateTime": "next year"}]});
        assert_eq!(
            refused(types::APPLICATION, date, Intent::Update),
            "Cannot convert the literal 'next year' to the expected type 'Edm.DateTimeOffset'."
        );
        let key = json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": "-----BEGIN CERTIFICATE-----"}]});
        assert!(refused(types::APPLICATION, key, Intent::Update).contains("'Edm.Binary'"));
    }

    #[test]
    fn odata_type_must_name_the_expected_type() {
        let mut assignment = json!({"@odata.type": "#microsoft.graph.unifiedRoleAssignment",
            "roleDefinitionId": "9360feb5-f418-4baa-8175-e2a00bac4301",
            "principalId": "4ab0b690-479b-47ff-af8f-2576cf521872", "directoryScopeId": "/"});
        assert_eq!(
            validate(types::UNIFIED_ROLE_ASSIGNMENT, &assignment, Intent::Create),
            Ok(())
        );
        assignment["@odata.type"] = json!("#microsoft.graph.appRoleAssignment");
        assert!(
            refused(types::UNIFIED_ROLE_ASSIGNMENT, assignment.clone(), Intent::Create)
                .starts_with("A resource with type 'microsoft.graph.appRoleAssignment' was found, but it is not assignable")
        );
        assignment["@odata.type"] = json!("#microsoft.graph.roleAssignment");
        assert!(
            refused(types::UNIFIED_ROLE_ASSIGNMENT, assignment, Intent::Create).starts_with(
                "A type named 'microsoft.graph.roleAssignment' could not be resolved by the model."
            )
        );
    }

    #[test]
    fn add_password_parameters_are_checked() {
        let body = json!({"passwordCredential": {"displayName": "sync", "endDateTime": "2027-01-01T00:00:00Z"}});
        assert_eq!(validate(types::ADD_PASSWORD, &body, Intent::Create), Ok(()));
        assert_eq!(
            validate(types::ADD_PASSWORD, &json!({}), Intent::Create),
            Ok(())
        );
        assert_eq!(
            refused(
                types::ADD_PASSWORD,
                json!({"password": {"displayName": "x"}}),
                Intent::Create
            ),
            "The parameter 'password' in the request payload is not a valid parameter for the operation 'addPassword'."
        );
    }

    #[test]
    fn upserts_take_their_key_from_the_url() {
        let key = ("appId", GRAPH);
        let sp = json!({"tags": ["x"]});
        assert_eq!(
            validate_upsert(types::SERVICE_PRINCIPAL, &sp, key, Intent::Create),
            Ok(())
        );
        assert_eq!(
            validate_upsert(types::SERVICE_PRINCIPAL, &sp, key, Intent::Update),
            Ok(())
        );
        let repeated = json!({"appId": GRAPH});
        assert_eq!(
            validate_upsert(types::SERVICE_PRINCIPAL, &repeated, key, Intent::Update),
            Ok(())
        );
        let other = json!({"appId": "00000002-0000-0ff1-ce00-000000000000"});
        assert!(
            refused_with(|| validate_upsert(types::SERVICE_PRINCIPAL, &other, key, Intent::Create))
                .contains("does not match the key")
        );
        let app_key = ("uniqueName", "identity-sync-1");
        assert_eq!(
            validate_upsert(
                types::APPLICATION,
                &connector_app(),
                app_key,
                Intent::Create
            ),
            Ok(())
        );
        let nameless = json!({"signInAudience": "AzureADMyOrg"});
        assert_eq!(
            refused_with(|| validate_upsert(
                types::APPLICATION,
                &nameless,
                app_key,
                Intent::Create
            )),
            "Property displayName value is required but is empty or missing."
        );
    }

    fn refused_with(check: impl FnOnce() -> Result<(), GraphError>) -> String {
        let error = check().expect_err("the body should be refused");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        error.message().to_owned()
    }

    #[test]
    fn bodies_must_be_json_sent_as_json() {
        let body = br#"{"displayName":"x"}"#;
        assert_eq!(
            parse_json_body(Some("application/json; charset=utf-8"), body),
            Ok(json!({"displayName": "x"}))
        );
        for (content_type, bytes) in [
            (None, &body[..]),
            (Some("text/plain"), &body[..]),
            (Some("application/json"), &b"{displayName: 'x'}"[..]),
            (Some("application/json"), &b""[..]),
        ] {
            let error = parse_json_body(content_type, bytes).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{content_type:?}");
            assert!(
                error
                    .message()
                    .starts_with("Unable to read JSON request payload.")
            );
        }
    }
}

//! The path of an authenticated Graph request, resolved segment by segment to its handler.
//!
//! A segment tenant-sim does not serve is looked up in Graph's own v1.0 model ([`crate::graph::model`]):
//! if Graph has it, the answer is 501 `TenantSim_NotSimulated` (ours, so it is never mistaken for
//! Graph's); if not, Graph's own 400 "Resource not found for the segment '…'.". Actions may carry the
//! `microsoft.graph.` prefix (`/applications/{id}/microsoft.graph.addPassword`); collections of
//! directory objects may end in a type-cast segment (`/me/memberOf/microsoft.graph.directoryRole`).

use axum::http::Method;
use axum::response::Response;

use crate::graph::app_role_assignments::{self, Side};
use crate::graph::applications::{self, AppKey, visible_app};
use crate::graph::error::GraphError;
use crate::graph::model::{self, Place};
use crate::graph::request::GraphRequest;
use crate::graph::service_principals::{self, SpKey, visible_sp};
use crate::graph::{
    application_credentials, delegated_grants, directory_roles, domains, me, organization, owners,
    role_management, users,
};

/// A segment `name` or `name(key='value')` / `name('value')`: the name and the key, if any.
pub(crate) struct Segment<'a> {
    pub name: &'a str,
    pub key: Option<(Option<&'a str>, String)>,
}

/// Splits a segment into its name and key.
pub(crate) fn parse_segment(segment: &str) -> Result<Segment<'_>, GraphError> {
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

/// An action segment's name without the optional `microsoft.graph.` namespace.
fn action(segment: &str) -> &str {
    segment.strip_prefix("microsoft.graph.").unwrap_or(segment)
}

/// A trailing type-cast segment of a directory-object collection, checked against Graph's types.
fn cast<'a>(place: Place<'_>, segment: Option<&&'a str>) -> Result<Option<&'a str>, GraphError> {
    match segment {
        None => Ok(None),
        Some(segment) => match model::cast_type(segment) {
            Some(type_name) if model::exists(place, segment) => Ok(Some(type_name)),
            _ => Err(GraphError::unknown_segment(segment)),
        },
    }
}

/// A handler of a request to an entity set as a whole.
type SetHandler = fn(&GraphRequest) -> Result<Response, GraphError>;

/// The set-level handlers of an entity set whose items are addressed by object id or alternate key.
struct EntitySet {
    /// The type of its items (`application`).
    type_name: &'static str,
    list: SetHandler,
    post: SetHandler,
    count: SetHandler,
}

/// `/applications`.
const APPLICATIONS: EntitySet = EntitySet {
    type_name: "application",
    list: applications::list,
    post: applications::post,
    count: applications::count,
};

/// `/servicePrincipals`.
const SERVICE_PRINCIPALS: EntitySet = EntitySet {
    type_name: "servicePrincipal",
    list: service_principals::list,
    post: service_principals::post,
    count: service_principals::count,
};

/// What the segments after an entity-set segment address.
enum SetPath<'a> {
    /// The set itself (`GET`, `POST`, `GET /$count`), answered.
    Answered(Result<Response, GraphError>),
    /// An item, by object id (`key: None`) or by the alternate key named `key`, and the segments after
    /// it. Object ids and appIds are checked to be GUIDs.
    Item {
        key: Option<&'a str>,
        value: String,
        tail: &'a [&'a str],
    },
}

/// Resolves the path below `set`, whose segment carried `key` (`(appId='…')`) or none: answers the
/// requests to the set as a whole; a segment after it that is no GUID but is in Graph's model (a
/// function such as `delta()`) answers 501.
fn set_path<'a>(
    request: &GraphRequest,
    set: &EntitySet,
    key: Option<(Option<&'a str>, String)>,
    rest: &'a [&'a str],
) -> Result<SetPath<'a>, GraphError> {
    let method = &request.method;
    let (key, value, tail) = match (key, rest) {
        (Some((key, value)), tail) => (key, value, tail),
        (None, []) => {
            return Ok(SetPath::Answered(match *method {
                Method::GET => (set.list)(request),
                Method::POST => (set.post)(request),
                _ => Err(not_allowed(request)),
            }));
        }
        (None, ["$count"]) if method == Method::GET => {
            return Ok(SetPath::Answered((set.count)(request)));
        }
        (None, [id, tail @ ..]) => {
            let collection = Place::Collection(set.type_name);
            if uuid::Uuid::try_parse(id).is_err() && model::exists(collection, id) {
                return Ok(SetPath::Answered(Err(unserved(request, collection, id))));
            }
            (None, (*id).to_owned(), tail)
        }
    };
    if matches!(key, None | Some("appId")) {
        check_guid_key(key, &value)?;
    }
    Ok(SetPath::Item { key, value, tail })
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

/// 501 for the request's method and path, which Graph serves.
fn not_simulated(request: &GraphRequest) -> GraphError {
    GraphError::not_simulated(&format!(
        "{} /v1.0/{}",
        request.method,
        request.request_path()
    ))
}

/// The refusal of a segment tenant-sim does not serve at `place`: 501 when Graph has it, else
/// Graph's 400.
fn unserved(request: &GraphRequest, place: Place<'_>, segment: &str) -> GraphError {
    if model::exists(place, segment) {
        not_simulated(request)
    } else {
        GraphError::unknown_segment(segment)
    }
}

/// Routes a request to its handler.
pub(crate) fn route(request: &GraphRequest) -> Result<Response, GraphError> {
    let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
    let Some((first, rest)) = segments.split_first() else {
        return Err(GraphError::unknown_segment("v1.0"));
    };
    let first_segment = *first;
    let first = parse_segment(first)?;
    let method = &request.method;
    match first.name {
        "applications" => applications_route(request, first.key, rest),
        "servicePrincipals" => service_principals_route(request, first.key, rest),
        "oauth2PermissionGrants" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => delegated_grants::list(request),
            ([], &Method::POST) => delegated_grants::post(request),
            ([id], &Method::GET) => delegated_grants::get(request, id),
            ([id], &Method::PATCH) => delegated_grants::patch(request, id),
            ([id], &Method::DELETE) => delegated_grants::delete(request, id),
            ([] | [_], _) => Err(not_allowed(request)),
            ([_, segment, ..], _) => Err(unserved(
                request,
                Place::Entity("oAuth2PermissionGrant"),
                segment,
            )),
        },
        "roleManagement" if first.key.is_none() => role_management_route(request, rest),
        "organization" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => organization::list(request),
            ([id], &Method::GET) => organization::get(request, id),
            ([] | [_], _) => Err(not_allowed(request)),
            ([_, segment, ..], _) => Err(unserved(request, Place::Entity("organization"), segment)),
        },
        "me" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => me::get(request),
            (["memberOf", tail @ ..], &Method::GET) if tail.len() <= 1 => {
                me::member_of(request, false, cast(Place::Entity("user"), tail.first())?)
            }
            (["transitiveMemberOf", tail @ ..], &Method::GET) if tail.len() <= 1 => {
                me::member_of(request, true, cast(Place::Entity("user"), tail.first())?)
            }
            ([] | ["memberOf" | "transitiveMemberOf"], _) => Err(not_allowed(request)),
            ([segment, ..], _) => Err(unserved(request, Place::Entity("user"), segment)),
        },
        "users" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => users::list(request),
            (["$count"], &Method::GET) => users::count(request),
            ([id], &Method::GET) => users::get(request, id),
            ([] | [_], _) => Err(not_allowed(request)),
            ([_, segment, ..], _) => Err(unserved(request, Place::Entity("user"), segment)),
        },
        "directoryRoles" => {
            let id = match (first.key, rest) {
                (None, []) => {
                    return match *method {
                        Method::GET => directory_roles::list(request),
                        _ => Err(not_allowed(request)),
                    };
                }
                (None, [id, tail @ ..]) => ((*id).to_owned(), tail),
                (Some((None | Some("roleTemplateId"), id)), tail) => (id, tail),
                (Some((Some(other), _)), _) => return Err(bad_key("directoryRoles", other)),
            };
            match (id.1, method) {
                ([], &Method::GET) => directory_roles::get(request, &id.0),
                ([], _) => Err(not_allowed(request)),
                ([segment, ..], _) => {
                    Err(unserved(request, Place::Entity("directoryRole"), segment))
                }
            }
        }
        "domains" if first.key.is_none() => match (rest, method) {
            ([], &Method::GET) => domains::list(request),
            ([name], &Method::GET) => domains::get(request, name),
            ([] | [_], _) => Err(not_allowed(request)),
            ([_, segment, ..], _) => Err(unserved(request, Place::Entity("domain"), segment)),
        },
        _ => Err(unserved(request, Place::Root, first_segment)),
    }
}

fn applications_route(
    request: &GraphRequest,
    key: Option<(Option<&str>, String)>,
    rest: &[&str],
) -> Result<Response, GraphError> {
    let method = &request.method;
    let (key, tail) = match set_path(request, &APPLICATIONS, key, rest)? {
        SetPath::Answered(answer) => return answer,
        SetPath::Item { key, value, tail } => match key {
            None => (AppKey::Id(value), tail),
            Some("appId") => (AppKey::AppId(value), tail),
            Some("uniqueName") => (AppKey::UniqueName(value), tail),
            Some(other) => return Err(bad_key("applications", other)),
        },
    };
    let place = Place::Entity("application");
    match (tail, method) {
        ([], &Method::GET) => applications::get(request, &key),
        ([], &Method::PATCH) => applications::patch(request, &key),
        ([], &Method::DELETE) => applications::delete(request, &key),
        ([], _) => Err(not_allowed(request)),
        ([name], &Method::POST) if action(name) == "addPassword" => {
            application_credentials::add_password(request, &key)
        }
        ([name], &Method::POST) if action(name) == "removePassword" => {
            application_credentials::remove_password(request, &key)
        }
        ([name], &Method::POST) if action(name) == "addKey" => {
            application_credentials::add_key(request, &key)
        }
        ([name], &Method::POST) if action(name) == "removeKey" => {
            application_credentials::remove_key(request, &key)
        }
        ([name], _)
            if matches!(
                action(name),
                "addPassword" | "removePassword" | "addKey" | "removeKey"
            ) =>
        {
            Err(not_allowed(request))
        }
        (["owners", tail @ ..], &Method::GET) if tail.len() <= 1 => {
            let cast_to = cast(place, tail.first())?;
            request.authorize(crate::graph::authz::Operation::ReadApplications)?;
            let app = {
                let data = request.state.directory.read();
                visible_app(request, &data, &key)?
            };
            owners::list(request, app.id(), cast_to)
        }
        (["owners"], _) => Err(not_allowed(request)),
        ([segment, ..], _) => Err(unserved(request, place, segment)),
    }
}

fn service_principals_route(
    request: &GraphRequest,
    key: Option<(Option<&str>, String)>,
    rest: &[&str],
) -> Result<Response, GraphError> {
    let method = &request.method;
    let (key, tail) = match set_path(request, &SERVICE_PRINCIPALS, key, rest)? {
        SetPath::Answered(answer) => return answer,
        SetPath::Item { key, value, tail } => match key {
            None => (SpKey::Id(value), tail),
            Some("appId") => (SpKey::AppId(value), tail),
            Some(other) => return Err(bad_key("servicePrincipals", other)),
        },
    };
    let place = Place::Entity("servicePrincipal");
    match (tail, method) {
        ([], &Method::GET) => service_principals::get(request, &key),
        ([], &Method::PATCH) => service_principals::patch(request, &key),
        ([], &Method::DELETE) => service_principals::delete(request, &key),
        (["appRoleAssignedTo"], &Method::GET) => {
            app_role_assignments::list(request, &key, Side::Resource)
        }
        (["appRoleAssignedTo"], &Method::POST) => {
            app_role_assignments::post(request, &key, Side::Resource)
        }
        (["appRoleAssignments"], &Method::GET) => {
            app_role_assignments::list(request, &key, Side::Principal)
        }
        (["appRoleAssignments"], &Method::POST) => {
            app_role_assignments::post(request, &key, Side::Principal)
        }
        (["appRoleAssignedTo" | "appRoleAssignments", id], &Method::DELETE) => {
            app_role_assignments::delete(request, &key, id)
        }
        (["oauth2PermissionGrants"], &Method::GET) => {
            service_principals::list_delegated_grants(request, &key)
        }
        (["owners", tail @ ..], &Method::GET) if tail.len() <= 1 => {
            let cast_to = cast(place, tail.first())?;
            request.authorize(crate::graph::authz::Operation::ReadServicePrincipals)?;
            let sp = visible_sp(request, &key)?;
            owners::list(request, sp.id(), cast_to)
        }
        (
            [] | ["appRoleAssignedTo" | "appRoleAssignments" | "oauth2PermissionGrants" | "owners"],
            _,
        )
        | (["appRoleAssignedTo" | "appRoleAssignments", _], _) => Err(not_allowed(request)),
        ([segment, ..], _) => Err(unserved(request, place, segment)),
    }
}

fn role_management_route(request: &GraphRequest, rest: &[&str]) -> Result<Response, GraphError> {
    let Some((directory, rest)) = rest.split_first() else {
        return Err(not_simulated(request));
    };
    if *directory != "directory" {
        return Err(unserved(
            request,
            Place::Entity("roleManagement"),
            directory,
        ));
    }
    let method = &request.method;
    let place = Place::Entity("rbacApplication");
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
        ([segment, ..], _) => Err(unserved(request, place, segment)),
        ([], _) => Err(not_simulated(request)),
    }
}

#[cfg(test)]
mod tests {
    use super::{action, parse_segment};

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
        assert_eq!(action("microsoft.graph.addKey"), "addKey");
        assert_eq!(action("addKey"), "addKey");
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

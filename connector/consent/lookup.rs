//! What consent reads first, in one `$batch`: the application's service principal, the app roles and
//! delegated grants it already has, the service principals of the resources whose permissions it gets
//! (Office 365 Exchange Online, Microsoft Graph, and those of the additional permissions, which are
//! resolved against them), and for browser consent the application's redirect URIs.
//!
//! A service principal provision created moments ago may not be readable yet (404): that is waited out
//! within `network.consistency_wait_ms`.

use serde_json::Value;

use crate::call::Call;
use crate::describe::{EXCHANGE_ONLINE, MICROSOFT_GRAPH, PermissionType};
use crate::error::{Error, ErrorKind};
use crate::event::WaitReason;
use crate::graph::odata::{alternate_key, with_query};
use crate::graph::{Graph, GraphAnswer, GraphRequest};
use crate::http::retry::Patience;
use crate::provision::lookup::{RESOURCE_SELECT, resource_of, resource_request, unknown_resource};
use crate::provision::permissions::{PermissionRef, known_app_id, required, resolve};
use crate::settings::AdditionalPermission;

/// What the lookups found.
#[derive(Debug)]
pub struct ConsentLookup {
    /// The application's service principal (`id`, `appId`, `displayName`).
    pub client: Value,
    /// The application (`id`, `displayName`, `web`), when asked for.
    pub application: Option<Value>,
    /// The app roles granted to the service principal.
    pub assignments: Vec<Value>,
    /// The delegated grants whose client is the service principal.
    pub grants: Vec<Value>,
    /// The resources' service principals.
    pub resources: Vec<Value>,
}

impl ConsentLookup {
    /// The service principal's object id.
    pub fn client_id(&self) -> &str {
        self.client["id"].as_str().unwrap_or_default()
    }

    /// The object id of the service principal of the resource `app_id`.
    pub fn resource_object_id(&self, app_id: &str) -> Option<&str> {
        self.resources
            .iter()
            .find(|r| {
                r["appId"]
                    .as_str()
                    .is_some_and(|a| a.eq_ignore_ascii_case(app_id))
            })
            .and_then(|r| r["id"].as_str())
    }

    /// The app role assignment that grants `permission`, when there is one.
    pub fn assignment(&self, permission: &PermissionRef) -> Option<&Value> {
        let resource = self.resource_object_id(&permission.resource_app_id)?;
        self.assignments.iter().find(|a| {
            a["resourceId"].as_str() == Some(resource)
                && a["appRoleId"]
                    .as_str()
                    .is_some_and(|id| id.eq_ignore_ascii_case(&permission.id))
        })
    }

    /// The organization-wide (`AllPrincipals`) delegated grant for the resource `app_id`, when there is one.
    pub fn organization_grant(&self, resource_app_id: &str) -> Option<&Value> {
        let resource = self.resource_object_id(resource_app_id)?;
        self.grants.iter().find(|g| {
            g["resourceId"].as_str() == Some(resource)
                && g["consentType"].as_str() == Some("AllPrincipals")
        })
    }

    /// Whether `permission` is granted for the organization.
    pub fn is_granted(&self, permission: &PermissionRef) -> bool {
        match permission.kind {
            PermissionType::Application => self.assignment(permission).is_some(),
            PermissionType::Delegated => self
                .organization_grant(&permission.resource_app_id)
                .is_some_and(|grant| has_scope(grant, &permission.value)),
        }
    }
}

/// Whether a delegated grant's `scope` holds `value` (scopes are compared without regard to case).
pub fn has_scope(grant: &Value, value: &str) -> bool {
    grant["scope"].as_str().is_some_and(|scope| {
        scope
            .split_whitespace()
            .any(|s| s.eq_ignore_ascii_case(value))
    })
}

/// The request reading the service principal of a resource the connector names by app id.
fn known_resource(app_id: &str, full: bool) -> GraphRequest {
    let select = if full {
        RESOURCE_SELECT
    } else {
        "id,appId,displayName"
    };
    GraphRequest::get(
        with_query(
            &format!("/{}", alternate_key("servicePrincipals", "appId", app_id)),
            &[("$select", select)],
        ),
        format!("read the service principal of {app_id}"),
    )
}

/// A list answer's values, or the failure.
fn values(answer: &GraphAnswer) -> Result<Vec<Value>, Error> {
    if answer.is_success() {
        Ok(answer.values().to_vec())
    } else {
        Err(answer.failure())
    }
}

/// The requests of one lookup, and which answer resolves each additional permission.
struct Plan {
    requests: Vec<GraphRequest>,
    resolved_by: Vec<usize>,
    application: Option<usize>,
}

const CLIENT: usize = 0;
const ASSIGNMENTS: usize = 1;
const GRANTS: usize = 2;
const EXCHANGE: usize = 3;
const GRAPH: usize = 4;

fn plan(app_id: &str, additional: &[AdditionalPermission], with_application: bool) -> Plan {
    let principal = format!("/{}", alternate_key("servicePrincipals", "appId", app_id));
    let targets = |resource: &str| {
        additional
            .iter()
            .any(|r| known_app_id(r).as_deref() == Some(resource))
    };
    let mut requests = vec![
        GraphRequest::get(
            with_query(&principal, &[("$select", "id,appId,displayName")]),
            "read the application's service principal",
        ),
        GraphRequest::get(
            format!("{principal}/appRoleAssignments"),
            "read the application permissions already granted",
        ),
        GraphRequest::get(
            format!("{principal}/oauth2PermissionGrants"),
            "read the delegated permissions already granted",
        ),
        known_resource(EXCHANGE_ONLINE.app_id, targets(EXCHANGE_ONLINE.app_id)),
        known_resource(MICROSOFT_GRAPH.app_id, targets(MICROSOFT_GRAPH.app_id)),
    ];
    let mut by_name: Vec<(String, usize)> = Vec::new();
    let resolved_by = additional
        .iter()
        .map(|request| match known_app_id(request).as_deref() {
            Some(id) if id == EXCHANGE_ONLINE.app_id => EXCHANGE,
            Some(id) if id == MICROSOFT_GRAPH.app_id => GRAPH,
            _ => {
                let key = request.resource.to_lowercase();
                if let Some((_, index)) = by_name.iter().find(|(k, _)| *k == key) {
                    return *index;
                }
                requests.push(resource_request(request));
                by_name.push((key, requests.len() - 1));
                requests.len() - 1
            }
        })
        .collect();
    let application = with_application.then(|| {
        requests.push(GraphRequest::get(
            with_query(
                &format!("/{}", alternate_key("applications", "appId", app_id)),
                &[("$select", "id,appId,displayName,web")],
            ),
            "read the application's redirect URIs",
        ));
        requests.len() - 1
    });
    Plan {
        requests,
        resolved_by,
        application,
    }
}

/// Reads what consent needs and resolves the permissions to grant: the connector's two and the additional
/// ones. Waits (within `patience`) while the application's service principal is not readable yet.
pub async fn look_up(
    call: &Call<'_>,
    graph: &Graph<'_>,
    app_id: &str,
    additional: &[AdditionalPermission],
    with_application: bool,
    patience: &mut Patience,
) -> Result<(ConsentLookup, Vec<PermissionRef>), Error> {
    let plan = plan(app_id, additional, with_application);
    let answers = loop {
        let answers = graph.batch(call, &plan.requests).await?;
        if answers[CLIENT].status != 404 {
            break answers;
        }
        patience
            .wait(call, WaitReason::Replication, "the application's service principal to become readable")
            .await
            .map_err(|error| match error.kind() {
                ErrorKind::Timeout => Error::new(
                    ErrorKind::NotFound,
                    format!("The application {app_id} has no service principal in this tenant, so nothing can be granted to it."),
                )
                .with_hint("Run Create or update Azure application first: it creates the service principal."),
                _ => error,
            })?;
    };
    let client = answers[CLIENT].clone().into_result()?;
    let mut resources = Vec::new();
    for (index, resource) in [(EXCHANGE, EXCHANGE_ONLINE), (GRAPH, MICROSOFT_GRAPH)] {
        match resource_of(&answers[index])? {
            Some(sp) => resources.push(sp),
            None => {
                return Err(Error::new(
                    ErrorKind::NotFound,
                    format!("This tenant has no service principal for {}, so its permission cannot be granted.", resource.name),
                )
                .with_hint("Check that the tenant has the Microsoft 365 service (an Exchange Online subscription)."));
            }
        }
    }
    let mut permissions = required();
    for (request, &index) in additional.iter().zip(&plan.resolved_by) {
        let Some(sp) = resource_of(&answers[index])? else {
            return Err(unknown_resource(request));
        };
        let permission = resolve(request, &sp)?;
        if !resources.iter().any(|r| r["id"] == sp["id"]) {
            resources.push(sp);
        }
        if !permissions.contains(&permission) {
            permissions.push(permission);
        }
    }
    let application = match plan.application {
        Some(index) => Some(answers[index].clone().into_result()?),
        None => None,
    };
    Ok((
        ConsentLookup {
            client,
            application,
            assignments: values(&answers[ASSIGNMENTS])?,
            grants: values(&answers[GRANTS])?,
            resources,
        },
        permissions,
    ))
}

#[cfg(test)]
mod tests {
    use super::{ConsentLookup, has_scope, plan};
    use crate::provision::permissions::required;
    use crate::settings::parse_additional;
    use serde_json::json;

    #[test]
    fn additional_permissions_of_the_two_resources_read_them_whole_and_others_once() {
        let additional = parse_additional(
            "Microsoft Graph: Mail.Read (delegated)\nContoso API: Read (application)\ncontoso api: Write (application)",
        )
        .unwrap();
        let plan = plan("a", &additional, true);
        assert_eq!(
            plan.requests.len(),
            7,
            "five lookups, one resource, the application"
        );
        assert!(
            plan.requests[4].path.contains("appRoles"),
            "Graph read whole"
        );
        assert!(
            !plan.requests[3].path.contains("appRoles"),
            "Exchange by id only"
        );
        assert_eq!(plan.resolved_by, [4, 5, 5]);
        assert_eq!(plan.application, Some(6));
    }

    #[test]
    fn granted_means_an_assignment_or_the_organizations_grant_with_the_scope() {
        let lookup = ConsentLookup {
            client: json!({"id": "client"}),
            application: None,
            assignments: vec![
                json!({"resourceId": "exo", "appRoleId": "DC50A0FB-09A3-484D-BE87-E023B12C6440"}),
            ],
            grants: vec![
                json!({"resourceId": "graph", "consentType": "Principal", "scope": "User.Read"}),
                json!({"id": "g", "resourceId": "graph", "consentType": "AllPrincipals", "scope": "email"}),
            ],
            resources: vec![
                json!({"id": "exo", "appId": "00000002-0000-0ff1-ce00-000000000000"}),
                json!({"id": "graph", "appId": "00000003-0000-0000-c000-000000000000"}),
            ],
        };
        let [user_read, manage] = [required()[0].clone(), required()[1].clone()];
        assert!(lookup.is_granted(&manage));
        assert!(
            !lookup.is_granted(&user_read),
            "a user's own grant does not count"
        );
        assert_eq!(
            lookup
                .organization_grant(&user_read.resource_app_id)
                .unwrap()["id"],
            "g"
        );
        assert!(has_scope(&json!({"scope": "email user.read"}), "User.Read"));
    }
}

//! Programmatic admin consent: what the lookups found missing is written in one `$batch`, an app role
//! assignment per application permission and, per resource, one organization-wide (`AllPrincipals`)
//! delegated grant: created when there is none, widened (its `scope` extended, what it had kept) when there
//! is one. Nothing granted already is written again.
//!
//! Each answer is taken item by item: granted; already there (a retried write whose first attempt landed:
//! "Permission being assigned already exists" or "Permission entry already exists", the grant then read and
//! widened); not replicated yet (404, waited out and sent again); or refused.
//! <https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignments>,
//! <https://learn.microsoft.com/graph/api/oauth2permissiongrant-post>,
//! <https://learn.microsoft.com/graph/api/oauth2permissiongrant-update>

use reqwest::Method;
use serde_json::{Value, json};

use crate::call::Call;
use crate::consent::grant::{Grant, GrantOutcome};
use crate::consent::lookup::{ConsentLookup, has_scope};
use crate::describe::{MICROSOFT_GRAPH, PermissionType};
use crate::directory_roles::MAY_GRANT_GRAPH_APP_ROLES;
use crate::error::{Error, ErrorKind};
use crate::event::WaitReason;
use crate::graph::{Graph, GraphAnswer, GraphRequest};
use crate::http::retry::Patience;
use crate::provision::lag::{is_duplicate, is_replication_lag};
use crate::provision::permissions::{PermissionRef, labels};
use crate::result::Done;
use crate::sign_in::account::Account;
use crate::sign_in::capability::{Ability, capability};

/// One write.
#[derive(Clone, Debug)]
enum Write {
    /// An app role assignment for one application permission.
    AppRole(PermissionRef),
    /// A new organization-wide grant of these delegated permissions of one resource.
    NewGrant {
        resource_app_id: String,
        permissions: Vec<PermissionRef>,
    },
    /// The existing grant `id`, its scope widened to `scope`, adding `permissions`.
    Widen {
        id: String,
        scope: String,
        permissions: Vec<PermissionRef>,
    },
}

/// What programmatic consent did.
#[derive(Debug, Default)]
pub struct Granted {
    /// One per permission, in the order asked.
    pub grants: Vec<Grant>,
    /// What was written.
    pub done: Vec<Done>,
    /// The refusal that stopped it, if any.
    pub error: Option<Error>,
}

fn request(write: &Write, lookup: &ConsentLookup) -> GraphRequest {
    let client = lookup.client_id();
    match write {
        Write::AppRole(permission) => GraphRequest::new(
            Method::POST,
            format!("/servicePrincipals/{client}/appRoleAssignments"),
            format!("grant {}", permission.label()),
        )
        .body(json!({
            "principalId": client,
            "resourceId": lookup.resource_object_id(&permission.resource_app_id),
            "appRoleId": permission.id,
        })),
        Write::NewGrant {
            resource_app_id,
            permissions,
        } => GraphRequest::new(
            Method::POST,
            "/oauth2PermissionGrants",
            format!("grant {} for all users", labels(permissions)),
        )
        .body(json!({
            "clientId": client,
            "consentType": "AllPrincipals",
            "resourceId": lookup.resource_object_id(resource_app_id),
            "scope": permissions.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(" "),
        })),
        Write::Widen {
            id,
            scope,
            permissions,
        } => GraphRequest::new(
            Method::PATCH,
            format!("/oauth2PermissionGrants/{id}"),
            format!("add {} to the grant for all users", labels(permissions)),
        )
        .body(json!({ "scope": scope })),
    }
}

/// The widened scope: what the grant has, then the missing values.
fn widened(grant: &Value, missing: &[PermissionRef]) -> String {
    let mut scope: Vec<String> = grant["scope"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    scope.extend(missing.iter().map(|p| p.value.clone()));
    scope.join(" ")
}

/// The write for a resource's missing delegated permissions, given its existing organization grant.
fn delegated_write(
    resource_app_id: &str,
    missing: Vec<PermissionRef>,
    existing: Option<&Value>,
) -> Write {
    match existing.and_then(|g| g["id"].as_str().map(|id| (id, g))) {
        Some((id, grant)) => Write::Widen {
            id: id.to_owned(),
            scope: widened(grant, &missing),
            permissions: missing,
        },
        None => Write::NewGrant {
            resource_app_id: resource_app_id.to_owned(),
            permissions: missing,
        },
    }
}

/// The refusal when the administrator may not grant a Microsoft Graph application permission.
fn graph_app_role_refused(account: &Account, permissions: &[PermissionRef]) -> Error {
    let roles = &account.user.roles;
    let user = &account.user.user_principal_name;
    let eligible = roles.eligible_among(&MAY_GRANT_GRAPH_APP_ROLES).is_some();
    let hint = if eligible {
        format!(
            "{user} holds Privileged Role Administrator (or Global Administrator) as eligible: activate it in \
             Privileged Identity Management, run Log in to Azure again, then Consent."
        )
    } else {
        "Sign in as a Global Administrator or a Privileged Role Administrator, then run Consent again; or ask one \
         to grant these permissions."
            .to_owned()
    };
    Error::new(
        ErrorKind::PermissionDenied,
        format!(
            "Granting Microsoft Graph application permissions ({}) needs Privileged Role Administrator or Global \
             Administrator, which {user} does not hold; they were not granted.",
            labels(permissions)
        ),
    )
    .with_hint(hint)
}

/// The refusal for a 403 on one write.
fn refused(answer: &GraphAnswer, account: &Account, permissions: &[PermissionRef]) -> Error {
    let graph_app_roles: Vec<PermissionRef> = permissions
        .iter()
        .filter(|p| {
            p.kind == PermissionType::Application && p.resource_app_id == MICROSOFT_GRAPH.app_id
        })
        .cloned()
        .collect();
    if !graph_app_roles.is_empty() {
        return graph_app_role_refused(account, &graph_app_roles)
            .with_service(answer.details.clone());
    }
    let error = answer.failure();
    match capability(account, Ability::GrantConsent).message {
        Some(message) => error.with_hint(message),
        None => error,
    }
}

fn done(action: &'static str, object_id: Option<String>, message: String) -> Done {
    Done {
        step: "consent",
        action,
        object_id,
        message,
    }
}

/// Grants what `lookup` shows missing of `permissions`, as `account`.
pub async fn grant(
    call: &Call<'_>,
    graph: &Graph<'_>,
    account: &Account,
    lookup: &ConsentLookup,
    permissions: &[PermissionRef],
    patience: &mut Patience,
) -> Granted {
    let mut outcome: Vec<Option<Grant>> = vec![None; permissions.len()];
    let mut granted = Granted::default();
    let resource_id = |p: &PermissionRef| {
        lookup
            .resource_object_id(&p.resource_app_id)
            .unwrap_or_default()
            .to_owned()
    };
    let may_grant_graph_app_roles = account.user.roles.has_active(&MAY_GRANT_GRAPH_APP_ROLES);
    let mut not_allowed = Vec::new();
    let mut writes = Vec::new();
    let mut delegated: Vec<(String, Vec<PermissionRef>)> = Vec::new();
    for (index, permission) in permissions.iter().enumerate() {
        if lookup.is_granted(permission) {
            let object = match permission.kind {
                PermissionType::Application => lookup.assignment(permission),
                PermissionType::Delegated => lookup.organization_grant(&permission.resource_app_id),
            };
            let id = object.and_then(|o| o["id"].as_str()).map(str::to_owned);
            outcome[index] = Some(Grant::new(
                permission,
                &resource_id(permission),
                GrantOutcome::AlreadyGranted,
                id,
            ));
            continue;
        }
        match permission.kind {
            PermissionType::Application
                if permission.resource_app_id == MICROSOFT_GRAPH.app_id
                    && !may_grant_graph_app_roles =>
            {
                not_allowed.push(permission.clone());
                outcome[index] = Some(Grant::new(
                    permission,
                    &resource_id(permission),
                    GrantOutcome::NotGranted,
                    None,
                ));
            }
            PermissionType::Application => writes.push(Write::AppRole(permission.clone())),
            PermissionType::Delegated => match delegated
                .iter_mut()
                .find(|(resource, _)| *resource == permission.resource_app_id)
            {
                Some((_, missing)) => missing.push(permission.clone()),
                None => {
                    delegated.push((permission.resource_app_id.clone(), vec![permission.clone()]))
                }
            },
        }
    }
    for (resource, missing) in delegated {
        writes.push(delegated_write(
            &resource,
            missing,
            lookup.organization_grant(&resource),
        ));
    }
    // What the administrator may not grant is reported after the rest was granted.
    let not_allowed =
        (!not_allowed.is_empty()).then(|| graph_app_role_refused(account, &not_allowed));
    let index_of = |p: &PermissionRef| permissions.iter().position(|q| q == p).unwrap_or_default();
    while !writes.is_empty() && granted.error.is_none() {
        let requests: Vec<GraphRequest> = writes.iter().map(|w| request(w, lookup)).collect();
        let answers = match graph.batch(call, &requests).await {
            Ok(answers) => answers,
            Err(error) => {
                granted.error = Some(error);
                break;
            }
        };
        let mut again = Vec::new();
        let mut lagging = false;
        for (write, answer) in writes.iter().zip(&answers) {
            match write {
                Write::AppRole(permission) => {
                    let id = answer.body["id"].as_str().map(str::to_owned);
                    let outcome_now = if answer.is_success() {
                        granted.done.push(done(
                            "app_role_granted",
                            id.clone(),
                            format!("Granted {}.", permission.label()),
                        ));
                        GrantOutcome::Granted
                    } else if is_duplicate(answer) {
                        GrantOutcome::AlreadyGranted
                    } else if is_replication_lag(answer) {
                        lagging = true;
                        again.push(write.clone());
                        continue;
                    } else if answer.status == 403 {
                        granted.error.get_or_insert_with(|| {
                            refused(answer, account, std::slice::from_ref(permission))
                        });
                        GrantOutcome::NotGranted
                    } else {
                        granted.error.get_or_insert_with(|| answer.failure());
                        GrantOutcome::NotGranted
                    };
                    outcome[index_of(permission)] = Some(Grant::new(
                        permission,
                        &resource_id(permission),
                        outcome_now,
                        id.filter(|_| outcome_now == GrantOutcome::Granted),
                    ));
                }
                Write::NewGrant {
                    resource_app_id,
                    permissions: added,
                } => {
                    if answer.is_success() {
                        let id = answer.body["id"].as_str().map(str::to_owned);
                        granted.done.push(done(
                            "delegated_grant_created",
                            id.clone(),
                            format!("Granted {} for all users.", labels(added)),
                        ));
                        for permission in added {
                            outcome[index_of(permission)] = Some(Grant::new(
                                permission,
                                &resource_id(permission),
                                GrantOutcome::Granted,
                                id.clone(),
                            ));
                        }
                    } else if is_duplicate(answer) {
                        // A grant for this client and resource exists after all (a retried write that
                        // landed, or one made meanwhile): read it and widen it.
                        let existing =
                            match organization_grant(call, graph, lookup, resource_app_id).await {
                                Ok(existing) => existing,
                                Err(error) => {
                                    granted.error.get_or_insert(error);
                                    continue;
                                }
                            };
                        if existing.is_none() {
                            // The grant that is there is not readable yet: wait for it, then try again.
                            lagging = true;
                            again.push(write.clone());
                            continue;
                        }
                        let missing: Vec<PermissionRef> = added
                            .iter()
                            .filter(|p| !existing.as_ref().is_some_and(|g| has_scope(g, &p.value)))
                            .cloned()
                            .collect();
                        for permission in added.iter().filter(|p| !missing.contains(p)) {
                            outcome[index_of(permission)] = Some(Grant::new(
                                permission,
                                &resource_id(permission),
                                GrantOutcome::AlreadyGranted,
                                existing
                                    .as_ref()
                                    .and_then(|g| g["id"].as_str())
                                    .map(str::to_owned),
                            ));
                        }
                        if !missing.is_empty() {
                            again.push(delegated_write(
                                resource_app_id,
                                missing,
                                existing.as_ref(),
                            ));
                        }
                    } else if is_replication_lag(answer) {
                        lagging = true;
                        again.push(write.clone());
                    } else {
                        granted
                            .error
                            .get_or_insert_with(|| refused(answer, account, added));
                        for permission in added {
                            outcome[index_of(permission)] = Some(Grant::new(
                                permission,
                                &resource_id(permission),
                                GrantOutcome::NotGranted,
                                None,
                            ));
                        }
                    }
                }
                Write::Widen {
                    id,
                    permissions: added,
                    ..
                } => {
                    let outcome_now = if answer.is_success() {
                        granted.done.push(done(
                            "delegated_grant_widened",
                            Some(id.clone()),
                            format!("Added {} to the grant for all users.", labels(added)),
                        ));
                        GrantOutcome::Widened
                    } else {
                        granted
                            .error
                            .get_or_insert_with(|| refused(answer, account, added));
                        GrantOutcome::NotGranted
                    };
                    for permission in added {
                        outcome[index_of(permission)] = Some(Grant::new(
                            permission,
                            &resource_id(permission),
                            outcome_now,
                            Some(id.clone()),
                        ));
                    }
                }
            }
        }
        if lagging
            && granted.error.is_none()
            && let Err(error) = patience
                .wait(
                    call,
                    WaitReason::Replication,
                    "the application's service principal to replicate before its consent",
                )
                .await
        {
            granted.error = Some(error);
        }
        writes = again;
    }
    for (index, permission) in permissions.iter().enumerate() {
        if outcome[index].is_none() {
            outcome[index] = Some(Grant::new(
                permission,
                &resource_id(permission),
                GrantOutcome::NotGranted,
                None,
            ));
        }
    }
    granted.grants = outcome.into_iter().flatten().collect();
    granted.error = granted.error.or(not_allowed);
    granted
}

/// Reads the organization-wide grant of the service principal for `resource_app_id` again.
async fn organization_grant(
    call: &Call<'_>,
    graph: &Graph<'_>,
    lookup: &ConsentLookup,
    resource_app_id: &str,
) -> Result<Option<Value>, Error> {
    let request = GraphRequest::get(
        format!(
            "/servicePrincipals/{}/oauth2PermissionGrants",
            lookup.client_id()
        ),
        "read the delegated permissions granted to the application",
    );
    let answer = graph.send(call, &request).await?;
    if !answer.is_success() {
        return Err(answer.failure());
    }
    let resource = lookup.resource_object_id(resource_app_id);
    Ok(answer
        .values()
        .iter()
        .find(|g| {
            g["resourceId"].as_str() == resource
                && g["consentType"].as_str() == Some("AllPrincipals")
        })
        .cloned())
}

#[cfg(test)]
mod tests {
    use super::{Write, delegated_write, widened};
    use crate::provision::permissions::required;
    use serde_json::json;

    #[test]
    fn an_existing_grant_is_widened_and_keeps_its_scope() {
        let user_read = required()[0].clone();
        let grant = json!({"id": "g1", "scope": "openid email"});
        assert_eq!(
            widened(&grant, std::slice::from_ref(&user_read)),
            "openid email User.Read"
        );
        match delegated_write(
            &user_read.resource_app_id,
            vec![user_read.clone()],
            Some(&grant),
        ) {
            Write::Widen { id, scope, .. } => {
                assert_eq!(id, "g1");
                assert_eq!(scope, "openid email User.Read");
            }
            other => panic!("expected a widening, got {other:?}"),
        }
        assert!(matches!(
            delegated_write(&user_read.resource_app_id.clone(), vec![user_read], None),
            Write::NewGrant { .. }
        ));
    }
}

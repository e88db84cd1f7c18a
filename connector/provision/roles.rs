//! The three directory roles of the service principal: read what it has (one request), assign what is
//! missing (one `$batch`), each answered item by item: created, already there (a duplicate), not yet
//! replicated (waited out, then sent again), or refused.
//! <https://learn.microsoft.com/graph/api/rbacapplication-post-roleassignments>

use reqwest::Method;
use serde_json::json;

use crate::call::Call;
use crate::describe::{DIRECTORY_ROLES, DirectoryRole};
use crate::error::{Error, ErrorKind};
use crate::event::WaitReason;
use crate::graph::odata::{quote, with_query};
use crate::graph::{Graph, GraphAnswer, GraphRequest};
use crate::http::retry::Patience;
use crate::provision::item::{Item, ItemKind, ItemOutcome};
use crate::provision::lag::{is_duplicate, is_replication_lag};
use crate::sign_in::account::Account;
use crate::sign_in::capability::{Ability, capability};

/// The request listing the service principal's role assignments.
pub fn list_request(sp_id: &str) -> GraphRequest {
    GraphRequest::get(
        with_query(
            "/roleManagement/directory/roleAssignments",
            &[
                ("$filter", &format!("principalId eq {}", quote(sp_id))),
                (
                    "$select",
                    "id,roleDefinitionId,principalId,directoryScopeId",
                ),
            ],
        ),
        "read the service principal's directory roles",
    )
}

/// The connector's roles with the id of their directory-wide assignment, when there is one.
pub fn assigned(answer: &GraphAnswer) -> Result<Vec<(DirectoryRole, Option<String>)>, Error> {
    if !answer.is_success() {
        return Err(answer.failure());
    }
    Ok(DIRECTORY_ROLES
        .iter()
        .map(|role| {
            let id = answer
                .values()
                .iter()
                .find(|a| {
                    a["roleDefinitionId"]
                        .as_str()
                        .is_some_and(|d| d.eq_ignore_ascii_case(role.id))
                        && a["directoryScopeId"].as_str().unwrap_or("/") == "/"
                })
                .and_then(|a| a["id"].as_str())
                .map(str::to_owned);
            (*role, id)
        })
        .collect())
}

/// An item for a role.
pub fn item(role: &DirectoryRole, outcome: ItemOutcome, id: Option<String>) -> Item {
    Item::new(ItemKind::RoleAssignment, outcome, role.name)
        .id(id)
        .with("role_template_id", role.id)
}

fn assign_request(role: &DirectoryRole, sp_id: &str) -> GraphRequest {
    GraphRequest::new(
        Method::POST,
        "/roleManagement/directory/roleAssignments",
        format!("assign {} to the service principal", role.name),
    )
    .body(json!({
        "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
        "roleDefinitionId": role.id,
        "principalId": sp_id,
        "directoryScopeId": "/",
    }))
}

/// The error when the administrator may not assign directory roles: which role they lack, and "activate
/// it" when they hold it as eligible.
fn refused(answer: &GraphAnswer, account: &Account) -> Error {
    let capability = capability(account, Ability::AssignRoles);
    let hint = capability.message.unwrap_or_else(|| {
        "Assigning directory roles needs Privileged Role Administrator or Global Administrator."
            .to_owned()
    });
    Error::new(
        ErrorKind::PermissionDenied,
        format!(
            "Microsoft Graph refused to assign the directory roles: {} may not assign directory roles, which needs \
             Privileged Role Administrator (or Global Administrator).",
            account.user.user_principal_name
        ),
    )
    .with_hint(hint)
    .with_service(answer.details.clone())
}

/// Assigns `missing` roles to `sp_id` in one `$batch`, retrying items the directory has not caught up with.
/// Returns an item per role; on a refusal, the items done so far with the error.
pub async fn assign(
    call: &Call<'_>,
    graph: &Graph<'_>,
    sp_id: &str,
    missing: &[DirectoryRole],
    account: &Account,
    patience: &mut Patience,
) -> Result<Vec<Item>, (Vec<Item>, Error)> {
    let mut items = Vec::new();
    let mut pending: Vec<DirectoryRole> = missing.to_vec();
    while !pending.is_empty() {
        let requests: Vec<GraphRequest> =
            pending.iter().map(|r| assign_request(r, sp_id)).collect();
        let answers = graph
            .batch(call, &requests)
            .await
            .map_err(|e| (items.clone(), e))?;
        let mut lagging = Vec::new();
        let mut failure = None;
        for (role, answer) in pending.iter().zip(&answers) {
            if answer.is_success() {
                let id = answer.body["id"].as_str().map(str::to_owned);
                items.push(item(role, ItemOutcome::Created, id));
            } else if is_duplicate(answer) {
                items.push(item(role, ItemOutcome::Unchanged, None));
            } else if is_replication_lag(answer) {
                lagging.push(*role);
            } else if answer.status == 403 {
                failure.get_or_insert_with(|| refused(answer, account));
            } else {
                failure.get_or_insert_with(|| answer.failure());
            }
        }
        if let Some(error) = failure {
            return Err((items, error));
        }
        if !lagging.is_empty()
            && let Err(error) = patience
                .wait(
                    call,
                    WaitReason::Replication,
                    "the new service principal to replicate before its roles",
                )
                .await
        {
            let error = error.with_message(format!(
                "The directory did not catch up with the new service principal in time to assign {}.",
                lagging.iter().map(|r| r.name).collect::<Vec<_>>().join(", ")
            ));
            return Err((items, error));
        }
        pending = lagging;
    }
    Ok(items)
}

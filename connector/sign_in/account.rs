//! Who signed in, to which tenant, with which directory roles: read after sign-in in one `$batch`
//! (the organization, the user, their active and eligible role assignments, the role names).
//!
//! Active assignments (including PIM activations) and eligible ones are the signed-in user's own schedule
//! instances (<https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignmentscheduleinstances>,
//! `filterByCurrentUser(on='principal')`, which needs no directory role); where those cannot be read (for
//! example a tenant without Microsoft Entra ID P2), the active roles come from `/me/memberOf`.

use serde::Serialize;
use serde_json::Value;

use crate::call::Call;
use crate::describe::DirectoryRole;
use crate::directory_roles::by_template_id;
use crate::error::{Error, ErrorKind};
use crate::graph::{Graph, GraphAnswer, GraphRequest};

/// The signed-in tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TenantInfo {
    /// The tenant id.
    pub id: String,
    /// The organization's display name.
    pub display_name: String,
    /// The initial `*.onmicrosoft.com` domain.
    pub initial_domain: Option<String>,
    /// The default domain.
    pub default_domain: Option<String>,
}

/// A directory role held by the signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeldRole {
    /// Its display name.
    pub name: String,
    /// Its template id.
    pub template_id: String,
}

/// The signed-in user's directory roles that apply to the whole directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Roles {
    /// Roles in effect now (assigned, or activated in Privileged Identity Management).
    pub active: Vec<HeldRole>,
    /// Roles the user may activate in Privileged Identity Management; `None` when they could not be read.
    pub eligible: Option<Vec<HeldRole>>,
}

impl Roles {
    /// Whether one of `roles` is active.
    pub fn has_active(&self, roles: &[DirectoryRole]) -> bool {
        self.active.iter().any(|held| {
            roles
                .iter()
                .any(|r| r.id.eq_ignore_ascii_case(&held.template_id))
        })
    }

    /// The first of `roles` the user holds as eligible (not active).
    pub fn eligible_among(&self, roles: &[DirectoryRole]) -> Option<&HeldRole> {
        self.eligible.as_ref()?.iter().find(|held| {
            roles
                .iter()
                .any(|r| r.id.eq_ignore_ascii_case(&held.template_id))
                && !self
                    .active
                    .iter()
                    .any(|a| a.template_id == held.template_id)
        })
    }
}

/// The signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// The user principal name.
    pub user_principal_name: String,
    /// The object id.
    pub object_id: String,
    /// The display name.
    pub display_name: Option<String>,
    /// The directory roles.
    pub roles: Roles,
}

/// What sign-in learned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    /// The tenant.
    pub tenant: TenantInfo,
    /// The user.
    pub user: UserInfo,
}

const ORGANIZATION: usize = 0;
const ME: usize = 1;
const ACTIVE: usize = 2;
const ELIGIBLE: usize = 3;
const DEFINITIONS: usize = 4;
const MEMBER_OF: usize = 5;

/// Reads the account facts in one round trip.
pub async fn read_account(call: &Call<'_>, graph: &Graph<'_>) -> Result<Account, Error> {
    let requests = [
        GraphRequest::get(
            "/organization?$select=id,displayName,verifiedDomains",
            "read the organization",
        ),
        GraphRequest::get(
            "/me?$select=id,userPrincipalName,displayName",
            "read the signed-in user",
        ),
        GraphRequest::get(
            "/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')",
            "read the signed-in user's active directory roles",
        ),
        GraphRequest::get(
            "/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')",
            "read the signed-in user's eligible directory roles",
        ),
        GraphRequest::get(
            "/roleManagement/directory/roleDefinitions?$select=id,displayName,templateId",
            "read the directory role names",
        ),
        GraphRequest::get(
            "/me/memberOf/microsoft.graph.directoryRole?$select=id,displayName,roleTemplateId",
            "read the signed-in user's directory roles",
        ),
    ];
    let answers = graph.batch(call, &requests).await?;
    let tenant = tenant_of(&answers[ORGANIZATION])?;
    let me = answers[ME].clone().into_result()?;
    let names = role_names(&answers[DEFINITIONS]);
    let active = match instances(&answers[ACTIVE], &names) {
        Some(active) => active,
        None => member_of_roles(&answers[MEMBER_OF]).ok_or_else(|| answers[ACTIVE].failure())?,
    };
    let eligible = instances(&answers[ELIGIBLE], &names);
    let text = |value: &Value| value.as_str().map(str::to_owned);
    Ok(Account {
        tenant,
        user: UserInfo {
            user_principal_name: text(&me["userPrincipalName"]).unwrap_or_default(),
            object_id: text(&me["id"]).unwrap_or_default(),
            display_name: text(&me["displayName"]),
            roles: Roles { active, eligible },
        },
    })
}

fn tenant_of(answer: &GraphAnswer) -> Result<TenantInfo, Error> {
    if !answer.is_success() {
        return Err(answer.failure());
    }
    let Some(organization) = answer.values().first() else {
        return Err(Error::new(
            ErrorKind::ServiceError,
            "Microsoft Graph listed no organization for the signed-in tenant.",
        ));
    };
    let domains = organization["verifiedDomains"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let domain = |flag: &str| {
        domains
            .iter()
            .find(|d| d[flag].as_bool() == Some(true))
            .and_then(|d| d["name"].as_str())
            .map(str::to_owned)
    };
    Ok(TenantInfo {
        id: organization["id"].as_str().unwrap_or_default().to_owned(),
        display_name: organization["displayName"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        initial_domain: domain("isInitial"),
        default_domain: domain("isDefault"),
    })
}

/// Role names by template id (and by definition id: built-in definitions use the template id as theirs).
fn role_names(answer: &GraphAnswer) -> Vec<(String, String)> {
    if !answer.is_success() {
        return Vec::new();
    }
    answer
        .values()
        .iter()
        .filter_map(|d| {
            let name = d["displayName"].as_str()?.to_owned();
            let id = d["templateId"]
                .as_str()
                .or(d["id"].as_str())?
                .to_ascii_lowercase();
            Some((id, name))
        })
        .collect()
}

fn name_of(template_id: &str, names: &[(String, String)]) -> String {
    names
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(template_id))
        .map(|(_, name)| name.clone())
        .or_else(|| by_template_id(template_id).map(|r| r.name.to_owned()))
        .unwrap_or_else(|| template_id.to_owned())
}

/// The directory-wide roles of a schedule-instance list; `None` when the list could not be read.
fn instances(answer: &GraphAnswer, names: &[(String, String)]) -> Option<Vec<HeldRole>> {
    if !answer.is_success() {
        return None;
    }
    let mut roles: Vec<HeldRole> = Vec::new();
    for instance in answer.values() {
        let scope = instance["directoryScopeId"].as_str().unwrap_or("/");
        let Some(id) = instance["roleDefinitionId"].as_str() else {
            continue;
        };
        if scope != "/" || roles.iter().any(|r| r.template_id.eq_ignore_ascii_case(id)) {
            continue;
        }
        roles.push(HeldRole {
            name: name_of(id, names),
            template_id: id.to_ascii_lowercase(),
        });
    }
    Some(roles)
}

/// The roles of `/me/memberOf/microsoft.graph.directoryRole`; `None` when it could not be read.
fn member_of_roles(answer: &GraphAnswer) -> Option<Vec<HeldRole>> {
    if !answer.is_success() {
        return None;
    }
    Some(
        answer
            .values()
            .iter()
            .filter_map(|role| {
                let id = role["roleTemplateId"].as_str()?;
                Some(HeldRole {
                    name: role["displayName"]
                        .as_str()
                        .map_or_else(|| name_of(id, &[]), str::to_owned),
                    template_id: id.to_ascii_lowercase(),
                })
            })
            .collect(),
    )
}

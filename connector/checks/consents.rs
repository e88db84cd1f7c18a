//! `consent_exchange_manage_as_app` and `consent_graph_user_read` (need an administrator): the two
//! permissions the connector requests are consented tenant-wide: the app role assignment of Office 365
//! Exchange Online's `Exchange.ManageAsApp`, and an `AllPrincipals` delegated grant of Microsoft Graph's
//! `User.Read`.

use crate::checks::application_certificate::needs_admin;
use crate::checks::check::{Check, Definition};
use crate::checks::directory::{AdminView, Facts};
use crate::describe::{PERMISSIONS, Permission, PermissionType};

/// The checks, one per permission of [`PERMISSIONS`], in that order.
pub const CONSENT_CHECKS: [Definition; 2] = [
    Definition {
        name: "consent_graph_user_read",
        label: "Microsoft Graph User.Read is consented for all users",
    },
    Definition {
        name: "consent_exchange_manage_as_app",
        label: "Office 365 Exchange Online Exchange.ManageAsApp is granted",
    },
];

/// What grants them.
const GRANT: &str = "Run Consent: it grants the application's permissions for the organization.";

/// Whether `facts` show `permission` consented.
fn consented(facts: &Facts, permission: &Permission) -> bool {
    match permission.permission_type {
        PermissionType::Application => facts.has_app_role(permission.id),
        PermissionType::Delegated => facts.grants.iter().any(|grant| {
            grant["consentType"].as_str() == Some("AllPrincipals")
                && facts
                    .graph_service_principal
                    .as_deref()
                    .is_some_and(|graph| grant["resourceId"].as_str() == Some(graph))
                && grant["scope"].as_str().is_some_and(|scope| {
                    scope
                        .split_whitespace()
                        .any(|s| s.eq_ignore_ascii_case(permission.name))
                })
        }),
    }
}

/// The two consent checks.
pub fn checks(view: &AdminView) -> Vec<Check> {
    CONSENT_CHECKS
        .iter()
        .zip(PERMISSIONS.iter())
        .map(|(definition, permission)| {
            let name = format!("{} {}", permission.resource.name, permission.name);
            match view {
                AdminView::NotSignedIn(reason) => Check::skipped(*definition, needs_admin(reason)),
                AdminView::NoApplication => Check::skipped(
                    *definition,
                    "Not checked: the settings name no application (see application_certificate).",
                ),
                AdminView::Failed(error) => Check::failed_with(*definition, error),
                AdminView::Read(facts) if facts.service_principal.is_none() => Check::fail(
                    *definition,
                    format!("The application has no service principal in the tenant, so {name} is not granted."),
                    "Run Create or update Azure application, then Consent.",
                ),
                AdminView::Read(facts) if consented(facts, permission) => {
                    Check::pass(*definition, format!("{name} is granted for the organization."))
                }
                AdminView::Read(_) => Check::fail(
                    *definition,
                    format!("{name} is not granted for the organization."),
                    GRANT,
                ),
            }
        })
        .collect()
}

//! `role_directory_writers`, `role_exchange_administrator`, `role_user_administrator` (need an
//! administrator): each of the connector's three directory roles is assigned to the application's service
//! principal, directory-wide.

use crate::checks::application_certificate::needs_admin;
use crate::checks::check::{Check, Definition};
use crate::checks::directory::AdminView;
use crate::describe::DIRECTORY_ROLES;

/// The checks, one per role of [`DIRECTORY_ROLES`], in that order.
pub const ROLE_CHECKS: [Definition; 3] = [
    Definition {
        name: "role_directory_writers",
        label: "The application holds Directory Writers",
    },
    Definition {
        name: "role_exchange_administrator",
        label: "The application holds Exchange Administrator",
    },
    Definition {
        name: "role_user_administrator",
        label: "The application holds User Administrator",
    },
];

/// What assigns the roles again.
const ASSIGN: &str = "Run Create or update Azure application (signed in as a Global Administrator or Privileged \
     Role Administrator): it assigns the directory roles the application lacks.";

/// The three role checks.
pub fn checks(view: &AdminView) -> Vec<Check> {
    ROLE_CHECKS
        .iter()
        .zip(DIRECTORY_ROLES)
        .map(|(definition, role)| {
            let facts = match view {
                AdminView::NotSignedIn(reason) => {
                    return Check::skipped(*definition, needs_admin(reason));
                }
                AdminView::NoApplication => {
                    return Check::skipped(
                        *definition,
                        "Not checked: the settings name no application (see application_certificate).",
                    );
                }
                AdminView::Failed(error) => return Check::failed_with(*definition, error),
                AdminView::Read(facts) => facts,
            };
            if facts.service_principal.is_none() {
                return Check::fail(
                    *definition,
                    format!(
                        "The application has no service principal in the tenant, so it holds no role ({} included).",
                        role.name
                    ),
                    "Run Create or update Azure application: it creates the service principal and assigns the roles.",
                );
            }
            match &facts.role_assignments {
                None => Check::skipped(*definition, "Not checked: the role assignments were not read."),
                Some(Err(error)) => Check::failed_with(*definition, error),
                Some(Ok(_)) => {
                    let held = facts.role_template_ids().unwrap_or_default();
                    if held.iter().any(|id| id.eq_ignore_ascii_case(role.id)) {
                        Check::pass(
                            *definition,
                            format!("{} is assigned to the application, directory-wide.", role.name),
                        )
                    } else {
                        Check::fail(
                            *definition,
                            format!("{} is not assigned to the application.", role.name),
                            ASSIGN,
                        )
                    }
                }
            }
        })
        .collect()
}

//! One permission of a consent result: what it is (resource, value, id, delegated or application), what
//! consent did about it, and the directory object that holds it (the app role assignment, or the
//! `AllPrincipals` delegated grant).

use serde::Serialize;
use serde_json::{Value, json};

use crate::describe::PermissionType;
use crate::provision::permissions::PermissionRef;

/// What consent did about one permission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantOutcome {
    /// It was granted now: a new app role assignment, or a new delegated grant.
    Granted,
    /// It was added to the existing delegated grant for its resource, whose other scopes stay.
    Widened,
    /// It was already granted; nothing was written.
    AlreadyGranted,
    /// It was not granted (the administrator lacks the role it needs, or declined).
    NotGranted,
}

/// One permission and what consent did about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The permission.
    pub permission: PermissionRef,
    /// The object id of its resource's service principal.
    pub resource_object_id: String,
    /// What happened.
    pub outcome: GrantOutcome,
    /// The app role assignment's or the delegated grant's id, when known.
    pub object_id: Option<String>,
    /// For people.
    pub message: String,
}

impl Grant {
    /// A permission and its outcome, with a message made from them.
    pub fn new(
        permission: &PermissionRef,
        resource_object_id: &str,
        outcome: GrantOutcome,
        object_id: Option<String>,
    ) -> Grant {
        let label = permission.label();
        let message = match outcome {
            GrantOutcome::Granted => format!("Granted {label} for the organization."),
            GrantOutcome::Widened => {
                format!(
                    "Added {label} to the organization's existing grant; its other permissions stay."
                )
            }
            GrantOutcome::AlreadyGranted => {
                format!("{label} was already granted; nothing was written.")
            }
            GrantOutcome::NotGranted => format!("{label} was not granted."),
        };
        Grant {
            permission: permission.clone(),
            resource_object_id: resource_object_id.to_owned(),
            outcome,
            object_id,
            message,
        }
    }

    /// With another message.
    pub fn with_message(mut self, message: impl Into<String>) -> Grant {
        self.message = message.into();
        self
    }

    /// Its form in the result document.
    pub fn to_json(&self) -> Value {
        let permission = &self.permission;
        let mut item = json!({
            "resource": {
                "name": permission.resource_name,
                "app_id": permission.resource_app_id,
                "object_id": self.resource_object_id,
            },
            "name": permission.value,
            "id": permission.id,
            "type": permission.kind,
            "outcome": self.outcome,
            "object_id": self.object_id,
            "message": self.message,
        });
        if permission.kind == PermissionType::Delegated {
            item["consent_type"] = json!("AllPrincipals");
        }
        item
    }
}

#[cfg(test)]
mod tests {
    use super::{Grant, GrantOutcome};
    use crate::provision::permissions::required;

    #[test]
    fn an_item_names_the_permission_its_resource_and_its_outcome() {
        let user_read = &required()[0];
        let item = Grant::new(user_read, "graph-sp", GrantOutcome::AlreadyGranted, None).to_json();
        assert_eq!(item["name"], "User.Read");
        assert_eq!(item["type"], "delegated");
        assert_eq!(item["consent_type"], "AllPrincipals");
        assert_eq!(item["outcome"], "already_granted");
        assert_eq!(item["resource"]["object_id"], "graph-sp");
        assert_eq!(
            item["message"],
            "Microsoft Graph User.Read (delegated) was already granted; nothing was written."
        );
        let manage = Grant::new(
            &required()[1],
            "exo-sp",
            GrantOutcome::Granted,
            Some("a".to_owned()),
        );
        assert!(manage.to_json().get("consent_type").is_none());
    }
}

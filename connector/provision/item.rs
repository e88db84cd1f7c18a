//! The items of a provision result: one per object the step manages, each with what happened to it (or,
//! in plan mode, what would).

use serde::Serialize;
use serde_json::{Map, Value};

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    /// It did not exist and was created.
    Created,
    /// It existed and was changed.
    Updated,
    /// It existed as it should; nothing was written.
    Unchanged,
    /// An existing application the connector did not create was taken over, as the host confirmed.
    Adopted,
    /// It was removed.
    Removed,
}

/// The kind of object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The application registration.
    Application,
    /// Its service principal (the enterprise application).
    ServicePrincipal,
    /// One directory role assigned to the service principal.
    RoleAssignment,
    /// One certificate credential on the application.
    Certificate,
    /// One client secret on the application.
    Secret,
    /// The loopback redirect URI browser admin consent comes back to.
    RedirectUri,
    /// One permission the application requests.
    Permission,
}

/// One item of the result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    /// The kind of object.
    pub kind: ItemKind,
    /// What happened (or, in plan mode, would happen).
    pub outcome: ItemOutcome,
    /// What the item is, for a person: `Directory Writers`, `CN=Contoso Sync`, `Microsoft Graph User.Read`.
    pub name: String,
    /// The object's id, once it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    /// Facts of the kind (`app_id`, `thumbprint`, `not_after`, `role_template_id`, `changes`, …).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl Item {
    /// An item without details.
    pub fn new(kind: ItemKind, outcome: ItemOutcome, name: impl Into<String>) -> Item {
        Item {
            kind,
            outcome,
            name: name.into(),
            object_id: None,
            details: Map::new(),
        }
    }

    /// Sets the object id.
    pub fn id(mut self, object_id: Option<impl Into<String>>) -> Item {
        self.object_id = object_id.map(Into::into);
        self
    }

    /// Adds a detail.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Item {
        self.details.insert(name.to_owned(), value.into());
        self
    }

    /// Whether the item wrote something.
    pub fn wrote(&self) -> bool {
        self.outcome != ItemOutcome::Unchanged
    }
}

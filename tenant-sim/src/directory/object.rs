//! One directory object: its Graph JSON and when it was written; and the helpers that make objects.

use serde_json::{Map, Value};

/// One directory object: its Graph JSON and when it was created.
#[derive(Clone, Debug)]
pub struct DirectoryObject {
    /// The Graph JSON representation (`id` always present).
    pub json: Map<String, Value>,
    /// When the object was written, on tokio's clock (for simulated replication lag).
    pub created_at: tokio::time::Instant,
}

impl DirectoryObject {
    /// Wraps a Graph JSON object created now.
    pub fn new(json: Map<String, Value>) -> Self {
        DirectoryObject {
            json,
            created_at: tokio::time::Instant::now(),
        }
    }

    /// The object id (`id`).
    pub fn id(&self) -> &str {
        self.str("id").unwrap_or_default()
    }

    /// A string property, if present and a string.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.json.get(key).and_then(Value::as_str)
    }

    /// An array property, or an empty slice.
    pub fn array(&self, key: &str) -> &[Value] {
        self.json
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The `value` of the permission `id` in `collection` (`appRoles` or `oauth2PermissionScopes`) of a
    /// service principal or application.
    pub fn permission_value(&self, collection: &str, id: &str) -> Option<&str> {
        self.array(collection)
            .iter()
            .find(|p| {
                p.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(id))
            })
            .and_then(|p| p.get("value"))
            .and_then(Value::as_str)
    }
}

/// A new random object id (a GUID, as [`crate::directory::ids::new_object_id`] makes them).
pub fn new_object_id() -> String {
    crate::directory::ids::new_object_id().to_string()
}

/// Builds a JSON object from key/value pairs.
pub(crate) fn object(pairs: impl IntoIterator<Item = (&'static str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

//! The members of provision's input beside the settings: `plan_only`, `adopt_application_id` and
//! `remove_other_certificates` (see `docs/abi.md`).

use serde_json::{Map, Value};

use crate::error::{Error, FieldError};

/// What the host asked of this provision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProvisionInput {
    /// Report what would change and write nothing.
    pub plan_only: bool,
    /// The application id (or object id) of an existing application the administrator confirmed the
    /// connector may take over.
    pub adopt_application_id: Option<String>,
    /// Remove every certificate of the application except the one the settings hold (after that one passed
    /// the connection test).
    pub remove_other_certificates: bool,
}

impl ProvisionInput {
    /// Reads the members from the input document; a wrong type is a field error.
    pub fn from_document(document: &Map<String, Value>) -> Result<ProvisionInput, Error> {
        let mut errors = Vec::new();
        let mut flag = |name: &str| match document.get(name) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(value)) => *value,
            Some(_) => {
                errors.push(FieldError::new(
                    name,
                    "wrong_type",
                    format!("{name} must be true or false."),
                ));
                false
            }
        };
        let plan_only = flag("plan_only");
        let remove_other_certificates = flag("remove_other_certificates");
        let adopt_application_id = match document.get("adopt_application_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) if text.trim().is_empty() => None,
            Some(Value::String(text)) => match crate::settings::parse_guid(text) {
                Some(guid) => Some(guid),
                None => {
                    errors.push(FieldError::new(
                        "adopt_application_id",
                        "invalid_guid",
                        "adopt_application_id must be the application (client) id of the application to adopt.",
                    ));
                    None
                }
            },
            Some(_) => {
                errors.push(FieldError::new(
                    "adopt_application_id",
                    "wrong_type",
                    "adopt_application_id must be a GUID in a string.",
                ));
                None
            }
        };
        if !errors.is_empty() {
            return Err(Error::invalid_settings(errors));
        }
        Ok(ProvisionInput {
            plan_only,
            adopt_application_id,
            remove_other_certificates,
        })
    }
}

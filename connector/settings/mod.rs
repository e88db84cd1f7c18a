//! The settings: the schema (the one source of truth for what `describe` publishes and what `configure`
//! checks), validation with field-by-field errors, migration of older versions, and the validated value the
//! operations read.
//!
//! A settings document is a flat JSON object, one member per schema field plus `settings_version` (see
//! `docs/abi.md`).
//!
//! | part | holds |
//! |---|---|
//! | `schema` | the schema model: fields, types, rules, conditions, groups |
//! | `fields` | this connector's fields, in the order a console shows them |
//! | `choices` | the values of the choice fields as types |
//! | `validate` | the walk over the schema: every field error at once, normal forms, endpoints |
//! | `checks` | the checks of single values (GUID, URL, thumbprint, text, PEM, the held certificate) |
//! | `migrate` | older settings versions brought to the current one |
//! | `value` | the validated [`Settings`] and their typed accessors |

mod checks;
mod choices;
mod fields;
mod migrate;
mod permissions;
mod schema;
mod validate;
mod value;

pub use crate::settings::choices::{
    AdminConsentMethod, CertificateStore, CredentialType, Mode, SettingChoice, SignInMethod,
    TenantMode,
};
pub use crate::settings::fields::{DEFAULT_CLIENT_ID, SETTINGS_VERSION, schema};
pub use crate::settings::permissions::{AdditionalPermission, PermissionKind, parse_additional};
pub use crate::settings::schema::{
    Choice, Condition, Field, FieldType, Group, Schema, Validation, When,
};
pub use crate::settings::validate::validate;
pub use crate::settings::value::Settings;

/// A GUID in its normal form (hyphenated, lower case), or `None` when `text` is not one (or is all zero):
/// the rule `configure` applies to every GUID field, for members that are not settings.
pub fn parse_guid(text: &str) -> Option<String> {
    checks::guid(text).ok()
}

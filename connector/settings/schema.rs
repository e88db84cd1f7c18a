//! The settings schema model: fields, their types, rules, conditions and groups, as `describe` publishes them
//! (format in `docs/abi.md`). The connector's own fields are in `fields.rs`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::operation::Step;
use crate::settings::checks::{GUID_PATTERN, THUMBPRINT_PATTERN};

/// The most characters of an endpoint URL.
const URL_MAX_LENGTH: u32 = 2048;
/// The most characters of a file system path.
const PATH_MAX_LENGTH: u32 = 4096;
/// The most characters of PEM text (a CA bundle of a few hundred certificates fits).
const PEM_MAX_LENGTH: u32 = 1024 * 1024;

/// The type of a settings field, as published in the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text.
    Text,
    /// A GUID in its hyphenated form.
    Guid,
    /// One of the listed `choices`.
    Choice,
    /// A whole number.
    Integer,
    /// An absolute URL (`validation.scheme` says which scheme).
    Url,
    /// One or more PEM blocks.
    Pem,
    /// A file system path.
    Path,
}

/// One choice of a `choice` field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The value stored in the settings.
    pub value: &'static str,
    /// What a console shows.
    pub label: &'static str,
}

/// The validation rules of a field, published so that a host can check as the user types. `configure`
/// enforces exactly these rules (on the text with surrounding white space removed), and a few more that a
/// pattern cannot say: no control or bidirectional formatting characters in text, no all-zero GUID, an
/// https URL written in its normal form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// A regular expression the whole text must match.
    pub pattern: Option<&'static str>,
    /// The least number of characters.
    pub min_length: Option<u32>,
    /// The greatest number of characters.
    pub max_length: Option<u32>,
    /// The least integer value.
    pub min: Option<i64>,
    /// The greatest integer value.
    pub max: Option<i64>,
    /// The URL scheme a `url` field must use.
    pub scheme: Option<&'static str>,
}

/// What a condition tests: another field's value equals this one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct When {
    /// The field tested; always listed before the field holding the condition.
    pub field: &'static str,
    /// The condition holds when the field's value equals this.
    pub equals: &'static str,
}

/// A condition: while `when` holds, it overrides the field's `visible` and/or `required`. Conditions apply in
/// order; a later one that holds wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    /// What must hold.
    pub when: When,
    /// The visibility while it holds (unchanged when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible: Option<bool>,
    /// Whether the field is required while it holds (unchanged when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
}

/// The connector's check of a field's value beyond its JSON type and length (not published as such: the
/// schema's `validation` says the same for hosts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Check {
    /// Text without control or bidirectional formatting characters.
    Text,
    /// A hyphenated GUID, not all zero.
    Guid,
    /// An https URL in its normal form.
    HttpsUrl,
    /// One of the field's choices.
    Choice,
    /// A whole number within `validation.min..=validation.max`.
    Integer,
    /// A SHA-1 thumbprint (`validation.pattern`).
    Thumbprint,
    /// PEM certificates, no private key.
    CaCertificates,
    /// A PEM certificate and its private key.
    CertificateWithKey,
    /// The `additional_permissions` list.
    Permissions,
}

/// How `configure` treats a value given for a field its conditions hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum IfHidden {
    /// Ignored, with the warning `fields_ignored`.
    Ignore,
    /// Refused with this field error code, and this reason after the condition that would show the field.
    Refuse {
        code: &'static str,
        reason: &'static str,
    },
}

/// One field of the settings schema.
#[derive(Clone, Debug, Serialize)]
pub struct Field {
    /// The member name in the settings document.
    pub name: &'static str,
    /// The label a console shows.
    pub label: &'static str,
    /// Help text a console shows beside the field.
    pub help: &'static str,
    /// The field type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Whether the field is required (before conditions).
    pub required: bool,
    /// Whether the field is shown (before conditions). A hidden field has no value.
    pub visible: bool,
    /// The value used when the field is visible and absent.
    pub default: Option<Value>,
    /// The choices of a `choice` field.
    pub choices: Option<Vec<Choice>>,
    /// The validation rules.
    pub validation: Validation,
    /// The conditions, applied in order.
    pub conditions: Vec<Condition>,
    /// The group the field is shown in.
    pub group: &'static str,
    /// Whether the value is a secret (masked, stored protected, never echoed back by the connector).
    pub secret: bool,
    /// The operation that fills this field in (`provision`): a host does not ask for it unless it is
    /// required, and stores what that operation returns in `data.settings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub set_by: Option<&'static str>,
    #[serde(skip)]
    pub(super) check: Check,
    #[serde(skip)]
    pub(super) if_hidden: IfHidden,
    /// Why the field is required while a condition requires it, for the `required` error's message.
    #[serde(skip)]
    pub(super) required_because: Option<&'static str>,
}

impl Field {
    /// A visible, optional field of `field_type` in `group`, with the checks and rules of its type.
    pub(super) fn new(
        name: &'static str,
        label: &'static str,
        field_type: FieldType,
        group: &'static str,
    ) -> Self {
        let (check, validation) = match field_type {
            FieldType::Guid => (
                Check::Guid,
                Validation {
                    pattern: Some(GUID_PATTERN),
                    ..Validation::default()
                },
            ),
            FieldType::Url => (
                Check::HttpsUrl,
                Validation {
                    scheme: Some("https"),
                    max_length: Some(URL_MAX_LENGTH),
                    ..Validation::default()
                },
            ),
            FieldType::Choice => (Check::Choice, Validation::default()),
            FieldType::Integer => (Check::Integer, Validation::default()),
            FieldType::Path => (
                Check::Text,
                Validation {
                    max_length: Some(PATH_MAX_LENGTH),
                    ..Validation::default()
                },
            ),
            FieldType::Pem => (
                Check::CaCertificates,
                Validation {
                    max_length: Some(PEM_MAX_LENGTH),
                    ..Validation::default()
                },
            ),
            FieldType::Text => (Check::Text, Validation::default()),
        };
        Field {
            name,
            label,
            help: "",
            field_type,
            required: false,
            visible: true,
            default: None,
            choices: None,
            validation,
            conditions: Vec::new(),
            group,
            secret: false,
            set_by: None,
            check,
            if_hidden: IfHidden::Ignore,
            required_because: None,
        }
    }

    pub(super) fn help(mut self, help: &'static str) -> Self {
        self.help = help;
        self
    }

    pub(super) fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub(super) fn hidden(mut self) -> Self {
        self.visible = false;
        self
    }

    pub(super) fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self
    }

    pub(super) fn choices(mut self, choices: impl IntoIterator<Item = Choice>) -> Self {
        self.choices = Some(choices.into_iter().collect());
        self
    }

    /// Required (but not shown) while `field` equals `value`.
    pub(super) fn required_when(mut self, field: &'static str, value: &'static str) -> Self {
        self.conditions.push(Condition {
            when: When {
                field,
                equals: value,
            },
            visible: None,
            required: Some(true),
        });
        self
    }

    /// Shown and required while `field` equals `value`.
    pub(super) fn shown_and_required_when(
        mut self,
        field: &'static str,
        value: &'static str,
    ) -> Self {
        self.conditions.push(Condition {
            when: When {
                field,
                equals: value,
            },
            visible: Some(true),
            required: Some(true),
        });
        self
    }

    /// Shown (but optional) while `field` equals `value`.
    pub(super) fn visible_when(mut self, field: &'static str, value: &'static str) -> Self {
        self.conditions.push(Condition {
            when: When {
                field,
                equals: value,
            },
            visible: Some(true),
            required: None,
        });
        self
    }

    /// A value given while the field is hidden is refused (not ignored).
    pub(super) fn refused_when_hidden(mut self, code: &'static str, reason: &'static str) -> Self {
        self.if_hidden = IfHidden::Refuse { code, reason };
        self
    }

    /// Says why the field is required while a condition requires it.
    pub(super) fn required_because(mut self, reason: &'static str) -> Self {
        self.required_because = Some(reason);
        self
    }

    pub(super) fn length(mut self, min: u32, max: u32) -> Self {
        self.validation.min_length = Some(min);
        self.validation.max_length = Some(max);
        self
    }

    pub(super) fn range(mut self, min: i64, max: i64) -> Self {
        self.validation.min = Some(min);
        self.validation.max = Some(max);
        self
    }

    /// A SHA-1 thumbprint: the published pattern is the one the check enforces.
    pub(super) fn thumbprint(mut self) -> Self {
        self.check = Check::Thumbprint;
        self.validation.pattern = Some(THUMBPRINT_PATTERN);
        self.validation.max_length = Some(59);
        self
    }

    /// PEM text holding a certificate and its private key (not CA certificates).
    pub(super) fn certificate_with_key(mut self) -> Self {
        self.check = Check::CertificateWithKey;
        self
    }

    pub(super) fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    /// Filled in by `operation` (the host stores what it returns).
    pub(super) fn set_by(mut self, operation: &'static str) -> Self {
        self.set_by = Some(operation);
        self
    }

    /// The `additional_permissions` list.
    pub(super) fn permissions(mut self) -> Self {
        self.check = Check::Permissions;
        self
    }

    /// Whether the field is shown and whether it is required, given the values of the fields before it.
    pub(super) fn state(&self, values: &Map<String, Value>) -> (bool, bool) {
        let (mut visible, mut required) = (self.visible, self.required);
        for condition in &self.conditions {
            if values.get(condition.when.field).and_then(Value::as_str)
                == Some(condition.when.equals)
            {
                visible = condition.visible.unwrap_or(visible);
                required = condition.required.unwrap_or(required);
            }
        }
        (visible, visible && required)
    }
}

/// A group of fields, shown together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The group's name, referred to by [`Field::group`].
    pub name: &'static str,
    /// The heading a console shows.
    pub label: &'static str,
    /// The wizard step that collects the group's fields.
    #[serde(skip)]
    pub step: Step,
}

/// The settings schema published by `describe`.
#[derive(Clone, Debug, Serialize)]
pub struct Schema {
    /// The settings version this schema describes.
    pub settings_version: u64,
    /// The fields, in the order a host shows them.
    pub fields: Vec<Field>,
    /// The groups, in order.
    pub groups: Vec<Group>,
}

impl Schema {
    /// The field named `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The names of the fields a wizard step collects (those of the step's groups), in schema order.
    pub fn fields_of(&self, step: Step) -> Vec<&'static str> {
        self.fields
            .iter()
            .filter(|field| {
                self.groups
                    .iter()
                    .any(|group| group.name == field.group && group.step == step)
            })
            .map(|field| field.name)
            .collect()
    }

    /// A condition for a person: `Tenant environment is "Custom endpoints"`.
    pub(super) fn say(&self, when: &When) -> String {
        let Some(field) = self.field(when.field) else {
            return format!("{} is {}", when.field, when.equals);
        };
        let value = field
            .choices
            .iter()
            .flatten()
            .find(|choice| choice.value == when.equals)
            .map_or(when.equals, |choice| choice.label);
        format!("{} is \"{value}\"", field.label)
    }

    /// The condition that shows `field`, for a person (`None` when no condition does).
    pub(super) fn shown_when(&self, field: &Field) -> Option<String> {
        field
            .conditions
            .iter()
            .find(|condition| condition.visible == Some(true))
            .map(|condition| self.say(&condition.when))
    }
}

//! The answers a script gives instead of typing: `--set FIELD=VALUE` and `--set-file FIELD=PATH` (the value
//! read from a file, for PEM text and secrets that should not sit on a command line), checked against the
//! plugin's schema before anything else happens.

use std::path::PathBuf;

use crate::description::Description;
use crate::exit::{BAD_INPUT, Failure};
use crate::values::Values;

/// The `--set` and `--set-file` arguments of one command, as given.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    /// `FIELD=VALUE`, in order.
    pub set: Vec<String>,
    /// `FIELD=PATH`, in order.
    pub set_file: Vec<String>,
}

impl Answers {
    /// Reads every answer into `values`, each parsed and checked as the field's prompt would check it.
    /// Returns the names given. An unknown field, a value the field refuses, an unreadable file or a field
    /// given twice is a [`BAD_INPUT`] failure naming the flag.
    pub fn apply(
        &self,
        description: &Description,
        values: &mut Values,
    ) -> Result<Vec<String>, Failure> {
        let mut given: Vec<String> = Vec::new();
        for (flag, argument) in self
            .set
            .iter()
            .map(|a| ("--set", a))
            .chain(self.set_file.iter().map(|a| ("--set-file", a)))
        {
            let Some((name, value)) = argument.split_once('=') else {
                return Err(Failure::new(
                    BAD_INPUT,
                    format!("{flag} {argument}: expected FIELD=VALUE"),
                ));
            };
            let name = name.trim();
            let Some(field) = description.schema.field(name) else {
                let names: Vec<&str> = description
                    .schema
                    .fields
                    .iter()
                    .map(|field| field.name.as_str())
                    .collect();
                return Err(Failure::new(
                    BAD_INPUT,
                    format!(
                        "{flag} {name}=…: {} has no setting named {name:?}; its settings are: {}",
                        description.display_name,
                        names.join(", ")
                    ),
                ));
            };
            if given.iter().any(|seen| seen == name) {
                return Err(Failure::new(
                    BAD_INPUT,
                    format!("{flag} {name}=…: {name} is given twice"),
                ));
            }
            let text = if flag == "--set-file" {
                let path = PathBuf::from(value);
                let mut text = std::fs::read_to_string(&path).map_err(|error| {
                    Failure::new(
                        BAD_INPUT,
                        format!("{flag} {name}={}: {error}", path.display()),
                    )
                })?;
                if field.kind.as_deref() != Some("pem") {
                    text.truncate(text.trim_end_matches(['\r', '\n']).len());
                }
                text
            } else {
                value.to_owned()
            };
            // The value itself is never echoed: it may be a secret.
            let parsed = crate::form::parse(field, &text)
                .map_err(|reason| Failure::new(BAD_INPUT, format!("{flag} {name}=…: {reason}")))?;
            values.set(description, name, parsed);
            given.push(name.to_owned());
        }
        Ok(given)
    }
}

#[cfg(test)]
mod tests {
    use super::Answers;
    use crate::description::Description;
    use crate::values::Values;
    use serde_json::json;

    fn description() -> Description {
        Description::from_data(
            &json!({ "display_name": "Demo", "settings_schema": { "fields": [
            { "name": "days", "label": "Days", "type": "integer", "validation": { "max": 10 } },
            { "name": "token", "label": "Token", "type": "text", "secret": true }
        ] } }),
        )
        .unwrap()
    }

    #[test]
    fn answers_are_typed_and_secrets_kept_apart() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "t0ken\n").unwrap();
        let answers = Answers {
            set: vec!["days=7".into()],
            set_file: vec![format!("token={}", file.display())],
        };
        let mut values = Values::default();
        let given = answers.apply(&description(), &mut values).unwrap();
        assert_eq!(given, ["days", "token"]);
        assert_eq!(values.settings["days"], json!(7));
        assert_eq!(values.secrets["token"].expose(), "t0ken");
    }

    #[test]
    fn a_wrong_answer_names_the_flag_and_never_echoes_the_value() {
        let description = description();
        let fail = |set: &str| {
            Answers {
                set: vec![set.into()],
                set_file: vec![],
            }
            .apply(&description, &mut Values::default())
            .unwrap_err()
            .message
        };
        assert_eq!(fail("days=70"), "--set days=…: Days must be at most 10.");
        assert!(
            fail("colour=red")
                .contains("Demo has no setting named \"colour\"; its settings are: days, token")
        );
        assert_eq!(fail("days"), "--set days: expected FIELD=VALUE");
    }
}

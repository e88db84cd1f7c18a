//! The input document of an operation: a flat JSON object holding the settings (see `docs/abi.md`), plus
//! the few members of the operation's own (`plan_only`). Every operation that takes settings reads them here.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::call::Call;
use crate::error::{ECHO_LIMIT, Error, ErrorKind, excerpt};
use crate::operation::Operation;
use crate::settings::{Settings, validate};

/// Parses and validates the settings document an operation got, checking for cancellation after each stage.
pub fn read_settings(call: &Call<'_>, input_json: &str) -> Result<Settings, Error> {
    read_input(call, input_json).map(|(settings, _)| settings)
}

/// Parses an operation's input document and validates its settings; returns them with the document, whose
/// members of the operation's own ([`Operation::input_members`]) the operation reads itself.
pub fn read_input(
    call: &Call<'_>,
    input_json: &str,
) -> Result<(Settings, Map<String, Value>), Error> {
    let document = parse_object("settings document", input_json)?;
    if call.operation() == Operation::Provision {
        crate::provision::input::ProvisionInput::from_document(&document)?;
    }
    call.checkpoint()?;
    let settings = validate(&document, call.operation().input_members())?;
    call.checkpoint()?;
    Ok((settings, document))
}

/// Parses `text` (named `what` in messages) as a JSON object whose members are each given once: a member
/// given twice is refused with its position, never silently replaced by the last one.
fn parse_object(what: &str, text: &str) -> Result<Map<String, Value>, Error> {
    match serde_json::from_str::<Members>(text) {
        Ok(Members(Some(members))) => Ok(members),
        Ok(Members(None)) => Err(Error::new(
            ErrorKind::InvalidJson { line: 0, column: 0 },
            format!("The {what} must be a JSON object ({{ … }})."),
        )
        .with_hint("Pass one flat JSON object, as described in docs/abi.md.")),
        Err(error) => Err(Error::invalid_json(what, &error, text)),
    }
}

/// The members of a JSON object, each given once (`None`: the document is valid JSON but no object).
struct Members(Option<Map<String, Value>>);

impl<'de> Deserialize<'de> for Members {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Members, D::Error> {
        deserializer.deserialize_any(MembersVisitor)
    }
}

struct MembersVisitor;

impl<'de> Visitor<'de> for MembersVisitor {
    type Value = Members;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if members.contains_key(&name) {
                return Err(serde::de::Error::custom(format!(
                    "the member \"{}\" is given twice",
                    excerpt(&name, ECHO_LIMIT)
                )));
            }
            let value: Value = map.next_value()?;
            members.insert(name, value);
        }
        Ok(Members(Some(members)))
    }

    // Anything but an object is valid JSON of the wrong shape: consumed whole, then refused by the caller.
    fn visit_bool<E>(self, _: bool) -> Result<Members, E> {
        Ok(Members(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Members, E> {
        Ok(Members(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Members, E> {
        Ok(Members(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Members, E> {
        Ok(Members(None))
    }
    fn visit_str<E>(self, _: &str) -> Result<Members, E> {
        Ok(Members(None))
    }
    fn visit_unit<E>(self) -> Result<Members, E> {
        Ok(Members(None))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Members, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Members(None))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_object;
    use crate::error::ErrorKind;

    #[test]
    fn a_member_given_twice_is_refused_where_it_stands() {
        let error = parse_object(
            "settings document",
            "{\"cloud\": \"custom\",\n \"cloud\": \"global\"}",
        )
        .unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::InvalidJson { line: 2, column: 8 });
        assert_eq!(
            error.message(),
            "The settings document has the wrong shape: the member \"cloud\" is given twice (line 2, column 8)."
        );
    }

    #[test]
    fn only_objects_are_documents() {
        for text in ["[1, 2]", "\"text\"", "null", "12", "true"] {
            let error = parse_object("settings document", text).unwrap_err();
            assert_eq!(
                error.message(),
                "The settings document must be a JSON object ({ … }).",
                "{text}"
            );
        }
        let members = parse_object("settings document", "{\"a\": {\"b\": 1}}").unwrap();
        assert_eq!(members["a"]["b"], 1);
    }
}

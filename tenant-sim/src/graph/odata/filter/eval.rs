//! A parsed `$filter` and its evaluation against Graph JSON objects: strings and GUIDs compare without
//! case, as the directory compares them.

use std::fmt;

use serde_json::Value;
use uuid::Uuid;

/// A literal in a `$filter`.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'` (with `''` unescaped).
    String(String),
    /// A bare GUID, e.g. `00000003-0000-0000-c000-000000000000`.
    Guid(Uuid),
    /// `true` / `false`.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// `null`.
    Null,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(text) => write!(f, "'{}'", text.replace('\'', "''")),
            Literal::Guid(id) => write!(f, "{id}"),
            Literal::Boolean(value) => write!(f, "{value}"),
            Literal::Integer(value) => write!(f, "{value}"),
            Literal::Null => f.write_str("null"),
        }
    }
}

/// A parsed `$filter` expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `prop eq literal`.
    Eq(String, Literal),
    /// `prop ne literal` (advanced queries only).
    Ne(String, Literal),
    /// `prop in (literal, …)`.
    In(String, Vec<Literal>),
    /// `startswith(prop, 'prefix')`.
    StartsWith(String, String),
    /// `endswith(prop, 'suffix')` (advanced queries only).
    EndsWith(String, String),
    /// `prop/any(x: x eq literal)` on a string collection.
    Any(String, Literal),
    /// `not expr` (advanced queries only).
    Not(Box<Filter>),
    /// `a and b`.
    And(Box<Filter>, Box<Filter>),
    /// `a or b`.
    Or(Box<Filter>, Box<Filter>),
}

impl Filter {
    /// Whether `object` (a Graph JSON object) matches.
    pub fn matches(&self, object: &Value) -> bool {
        match self {
            Filter::Eq(property, literal) => literal_matches(object.get(property), literal),
            Filter::Ne(property, literal) => !literal_matches(object.get(property), literal),
            Filter::In(property, literals) => literals
                .iter()
                .any(|literal| literal_matches(object.get(property), literal)),
            Filter::StartsWith(property, prefix) => object
                .get(property)
                .and_then(Value::as_str)
                .is_some_and(|value| value.to_lowercase().starts_with(&prefix.to_lowercase())),
            Filter::EndsWith(property, suffix) => object
                .get(property)
                .and_then(Value::as_str)
                .is_some_and(|value| value.to_lowercase().ends_with(&suffix.to_lowercase())),
            Filter::Any(property, literal) => object
                .get(property)
                .and_then(Value::as_array)
                .is_some_and(|items| {
                    items
                        .iter()
                        .any(|item| literal_matches(Some(item), literal))
                }),
            Filter::Not(inner) => !inner.matches(object),
            Filter::And(left, right) => left.matches(object) && right.matches(object),
            Filter::Or(left, right) => left.matches(object) || right.matches(object),
        }
    }
}

/// Equality as the directory applies it: strings and GUIDs ignore case; `null` matches a missing value.
fn literal_matches(value: Option<&Value>, literal: &Literal) -> bool {
    match (value, literal) {
        (None | Some(Value::Null), Literal::Null) => true,
        (Some(Value::String(text)), Literal::String(expected)) => {
            text.to_lowercase() == expected.to_lowercase()
        }
        (Some(Value::String(text)), Literal::Guid(expected)) => {
            Uuid::try_parse(text).is_ok_and(|id| id == *expected)
        }
        (Some(Value::Bool(value)), Literal::Boolean(expected)) => value == expected,
        (Some(Value::Number(value)), Literal::Integer(expected)) => {
            value.as_i64() == Some(*expected)
        }
        _ => false,
    }
}

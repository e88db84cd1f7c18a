//! OData in Graph URLs: string literals in `$filter` and key segments, and percent-encoding of query
//! values. <https://learn.microsoft.com/graph/query-parameters#escaping-single-quotes>

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters encoded in a query value: controls, space and the characters with a meaning in a URL or
/// its query (`+` would otherwise read as a space).
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'=')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// An OData string literal: single quotes around the text, a quote inside doubled.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A query value, percent-encoded.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// `path?name=value&…` with each value percent-encoded.
pub fn with_query(path: &str, options: &[(&str, &str)]) -> String {
    if options.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = options
        .iter()
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// A key segment with an alternate key, e.g. `applications(uniqueName='m365-…')`, its value quoted and
/// percent-encoded.
pub fn alternate_key(set: &str, key: &str, value: &str) -> String {
    format!("{set}({key}={})", encode(&quote(value)))
}

#[cfg(test)]
mod tests {
    use super::{alternate_key, quote, with_query};

    #[test]
    fn quotes_are_doubled_and_values_encoded() {
        assert_eq!(quote("O'Neil sync"), "'O''Neil sync'");
        assert_eq!(
            with_query(
                "/applications",
                &[("$filter", &format!("displayName eq {}", quote("A&B + C")))]
            ),
            "/applications?$filter=displayName%20eq%20'A%26B%20%2B%20C'"
        );
        assert_eq!(
            alternate_key("applications", "uniqueName", "m365-x"),
            "applications(uniqueName='m365-x')"
        );
    }
}

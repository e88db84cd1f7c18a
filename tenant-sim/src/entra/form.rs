//! Form bodies and query strings of the sign-in endpoints.

/// Parses an `application/x-www-form-urlencoded` body or query into pairs (last value wins).
pub(crate) fn form(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

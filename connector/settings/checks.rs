//! The checks of single values: GUIDs, endpoint URLs, thumbprints, text, PEM, and the certificate the host
//! holds. Each returns the value's normal form or what is wrong with it; messages never quote a long input,
//! a PEM text or a secret.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::certificate::read_pem;
use crate::error::{ECHO_LIMIT, FieldError, excerpt};
use crate::result::Warning;

/// The pattern a GUID field must match (published in the schema for hosts that check as the user types).
pub(super) const GUID_PATTERN: &str =
    "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

/// The pattern of a certificate thumbprint: SHA-1 in hex, optionally with a space or a colon between bytes.
/// [`thumbprint`] enforces exactly this pattern.
pub(super) const THUMBPRINT_PATTERN: &str = "^([0-9A-Fa-f]{2}[ :]?){19}[0-9A-Fa-f]{2}$";

/// A well-formed GUID for messages (the all-zero GUID is refused, so it cannot serve as the example).
pub(super) const GUID_EXAMPLE: &str = "8f3c2a91-4b7e-4d2a-9c1f-6e5b7a8d9c0e";

/// Parses a GUID in its hyphenated form (the form Microsoft shows), returning it in lower case. The
/// all-zero GUID names no tenant or application and is refused.
pub(super) fn guid(text: &str) -> Result<String, (&'static str, String)> {
    let parsed = (text.len() == 36)
        .then(|| uuid::Uuid::try_parse(text).ok())
        .flatten();
    match parsed {
        None => Err((
            "invalid_guid",
            format!("must be a GUID such as {GUID_EXAMPLE}."),
        )),
        Some(id) if id.is_nil() => Err((
            "invalid_guid",
            "must not be the all-zero GUID: it names no directory or application.".to_owned(),
        )),
        Some(id) => Ok(id.hyphenated().to_string()),
    }
}

/// Checks an endpoint: an absolute `https://` URL with a host, no credentials, query, fragment or port 0,
/// written as the URL parser reads it (so that what an admin reads is where the connector sends tokens).
/// Returns it without a trailing slash.
pub(super) fn https_url(text: &str) -> Result<String, (&'static str, String)> {
    let invalid = || {
        (
            "invalid_url",
            "must be an absolute URL such as https://login.microsoftonline.com.".to_owned(),
        )
    };
    let url = url::Url::parse(text).map_err(|_| invalid())?;
    if url.scheme() != "https" {
        return Err((
            "https_required",
            format!(
                "must use https:// (not {}://).",
                excerpt(url.scheme(), ECHO_LIMIT)
            ),
        ));
    }
    if url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
        || url.port() == Some(0)
    {
        return Err((
            "invalid_url",
            "must be an https:// URL with a host and no user name, query, fragment or port 0."
                .to_owned(),
        ));
    }
    let normal = url.as_str().trim_end_matches('/');
    if normal != text.trim_end_matches('/') {
        return Err((
            "invalid_url",
            format!(
                "must be written as the URL it is: it reads as {}, which differs from what was typed (look for \
                 backslashes, line breaks, upper-case letters in the host, a default port or a missing host).",
                excerpt(normal, ECHO_LIMIT)
            ),
        ));
    }
    Ok(normal.to_owned())
}

/// Checks a SHA-1 thumbprint against [`THUMBPRINT_PATTERN`] (20 hex bytes, each followed by at most one
/// space or colon except the last) and returns its 40 hex digits in upper case.
pub(super) fn thumbprint(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut hex = String::with_capacity(40);
    let mut at = 0;
    for pair in 0..20 {
        let digits = bytes.get(at..at + 2)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        hex.extend(digits.iter().map(|d| char::from(d.to_ascii_uppercase())));
        at += 2;
        if pair < 19 && matches!(bytes.get(at), Some(b' ' | b':')) {
            at += 1;
        }
    }
    (at == bytes.len()).then_some(hex)
}

/// Whether `c` may stand in a name or a path: no control characters (line breaks included), and none of
/// the invisible characters that change the direction of text, which can make a name read as another.
fn allowed_in_text(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// Checks text: no control, line-break or bidirectional formatting characters.
pub(super) fn text(text: &str) -> Result<(), String> {
    if text.chars().all(allowed_in_text) {
        Ok(())
    } else {
        Err(
            "must not contain control characters, line breaks or invisible characters that change the \
             direction of text."
                .to_owned(),
        )
    }
}

/// Checks PEM text: at least one certificate; with `with_key`, exactly one (unencrypted) private key too,
/// and without it none. Messages never quote the text.
pub(super) fn pem(text: &str, with_key: bool) -> Result<(), String> {
    let contents =
        read_pem(text).map_err(|message| excerpt(&message, 2 * ECHO_LIMIT).into_owned())?;
    if contents.certificates.is_empty() {
        return Err("no PEM certificate found (-----BEGIN CERTIFICATE-----).".to_owned());
    }
    match (with_key, contents.private_keys) {
        (true, 1) | (false, 0) => Ok(()),
        (true, keys) => Err(format!(
            "expected one private key (-----BEGIN PRIVATE KEY-----), found {keys}."
        )),
        (false, _) => Err("a private key does not belong here; only certificates.".to_owned()),
    }
}

/// The error for a member that is not a field of settings `version`; it names at most a short prefix of
/// the member.
pub(super) fn unknown_field(name: &str, version: u64) -> FieldError {
    let name = excerpt(name, ECHO_LIMIT);
    FieldError::new(
        name.as_ref(),
        "unknown_field",
        format!("\"{name}\" is not a setting of this connector (settings version {version})."),
    )
}

/// The thumbprint of the first certificate in PEM text, when it has one.
pub(super) fn held_thumbprint(pem: &str) -> Option<String> {
    read_pem(pem)
        .ok()?
        .certificates
        .into_iter()
        .next()
        .map(|certificate| certificate.thumbprint)
}

/// How close to its expiry a held certificate gets a warning.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// Checks the held certificate in `certificate_pem` against `certificate_thumbprint` and warns when it
/// expired or expires soon.
pub(super) fn held_certificate(
    values: &Map<String, Value>,
    warnings: &mut Vec<Warning>,
    now: OffsetDateTime,
) -> Result<(), Vec<FieldError>> {
    let Some(pem) = values.get("certificate_pem").and_then(Value::as_str) else {
        return Ok(());
    };
    let Some(held) = read_pem(pem)
        .ok()
        .and_then(|c| c.certificates.into_iter().next())
    else {
        return Ok(());
    };
    if let Some(thumbprint) = values.get("certificate_thumbprint").and_then(Value::as_str)
        && thumbprint != held.thumbprint
    {
        return Err(vec![FieldError::new(
            "certificate_thumbprint",
            "thumbprint_mismatch",
            format!(
                "Certificate thumbprint does not match the certificate in Certificate and private key (PEM), \
                 whose thumbprint is {}.",
                held.thumbprint
            ),
        )]);
    }
    let date = held.not_after.date();
    let subject = excerpt(&held.subject, 2 * ECHO_LIMIT);
    if held.not_after <= now {
        warnings.push(Warning {
            code: "certificate_expired",
            message: format!(
                "The certificate {} ({subject}) expired on {date}: signing in with it will fail. Create or \
                 update the Azure application to add a new certificate, or register a new one yourself.",
                held.thumbprint
            ),
        });
    } else if held.not_after - now <= time::Duration::days(EXPIRY_WARNING_DAYS) {
        warnings.push(Warning {
            code: "certificate_expiring",
            message: format!(
                "The certificate {} ({subject}) expires on {date}. Create or update the Azure application to \
                 add a new certificate before then.",
                held.thumbprint
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{GUID_EXAMPLE, guid, held_certificate, https_url, pem, text, thumbprint};
    use crate::certificate::read_pem;
    use serde_json::{Map, Value};

    const CA: &str = include_str!("../testdata/test-ca.pem");
    const KEY: &str =
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";

    #[test]
    fn guids_are_hyphenated_lower_case_and_not_all_zero() {
        assert_eq!(
            guid("6A1B0C3E-1111-2222-3333-444455556666").unwrap(),
            "6a1b0c3e-1111-2222-3333-444455556666"
        );
        assert!(guid(GUID_EXAMPLE).is_ok());
        for bad in [
            "00000000-0000-0000-0000-000000000000",
            "{6a1b0c3e-1111-2222-3333-444455556666}",
            "6a1b0c3e111122223333444455556666",
        ] {
            assert_eq!(guid(bad).unwrap_err().0, "invalid_guid", "{bad}");
        }
    }

    #[test]
    fn a_url_the_parser_would_rewrite_is_refused() {
        assert_eq!(
            https_url("https://graph.example.test/").unwrap(),
            "https://graph.example.test"
        );
        assert_eq!(
            https_url("https://127.0.0.1:8443").unwrap(),
            "https://127.0.0.1:8443"
        );
        for rewritten in [
            "https:///graph.example.test",
            "https://graph.example.test\\v1.0",
            "https://graph.example\n.test",
            "https://Graph.Example.test",
            "https://graph.example.test:443",
            "https://graph.example.test/a/../b",
            "https://gr%61ph.example.test",
        ] {
            assert_eq!(
                https_url(rewritten).unwrap_err().0,
                "invalid_url",
                "{rewritten:?}"
            );
        }
        assert_eq!(https_url("https://h.test:0").unwrap_err().0, "invalid_url");
        assert_eq!(https_url("http://h.test").unwrap_err().0, "https_required");
        let long_scheme = format!("{}://h.test", "a".repeat(10_000));
        assert!(https_url(&long_scheme).unwrap_err().1.len() < 200);
    }

    #[test]
    fn thumbprints_follow_the_published_pattern_exactly() {
        let plain = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
        assert_eq!(thumbprint(&plain.to_lowercase()).as_deref(), Some(plain));
        assert_eq!(
            thumbprint("ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01").as_deref(),
            Some(plain)
        );
        assert_eq!(
            thumbprint("ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01").as_deref(),
            Some(plain)
        );
        for bad in [
            "a bcdef0123456789ABCDEF0123456789ABCDEF01",
            "AB::CDEF0123456789ABCDEF0123456789ABCDEF01",
            "ABCDEF0123456789ABCDEF0123456789ABCDEF01:",
            "ABCDEF0123456789ABCDEF0123456789ABCDEF",
            "ABCDEF0123456789ABCDEF0123456789ABCDEF0123",
            "GHCDEF0123456789ABCDEF0123456789ABCDEF01",
        ] {
            assert_eq!(thumbprint(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_refuses_control_and_direction_characters() {
        assert!(text("Identity Sync – Produktion").is_ok());
        for bad in [
            "a\nb",
            "a\rb",
            "a\u{0}b",
            "a\u{202E}b",
            "a\u{2066}b",
            "a\u{200F}b",
            "a\u{2028}b",
        ] {
            assert!(text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pem_must_hold_certificates_and_the_right_number_of_keys() {
        assert!(pem(CA, false).is_ok());
        assert!(pem(&format!("{CA}{KEY}"), true).is_ok());
        assert_eq!(
            pem(&format!("{CA}{KEY}"), false).unwrap_err(),
            "a private key does not belong here; only certificates."
        );
        assert_eq!(
            pem("no pem here", false).unwrap_err(),
            "no PEM certificate found (-----BEGIN CERTIFICATE-----)."
        );
    }

    fn held(thumbprint: Option<&str>) -> Map<String, Value> {
        let mut values = Map::new();
        values.insert(
            "certificate_pem".to_owned(),
            Value::from(format!("{CA}{KEY}")),
        );
        if let Some(thumbprint) = thumbprint {
            values.insert("certificate_thumbprint".to_owned(), Value::from(thumbprint));
        }
        values
    }

    #[test]
    fn the_held_certificate_must_match_its_thumbprint() {
        let leaf = read_pem(CA).unwrap().certificates.remove(0);
        let now = leaf.not_after - time::Duration::days(365);
        let mut warnings = Vec::new();
        held_certificate(&held(Some(&leaf.thumbprint)), &mut warnings, now).unwrap();
        assert!(warnings.is_empty());
        let errors = held_certificate(
            &held(Some("0000000000000000000000000000000000000000")),
            &mut warnings,
            now,
        )
        .unwrap_err();
        assert_eq!(errors[0].code, "thumbprint_mismatch");
        assert!(
            errors[0]
                .message
                .ends_with(&format!("whose thumbprint is {}.", leaf.thumbprint))
        );
    }

    #[test]
    fn an_expired_or_expiring_certificate_is_a_warning() {
        let leaf = read_pem(CA).unwrap().certificates.remove(0);
        let mut warnings = Vec::new();
        let soon = leaf.not_after - time::Duration::days(10);
        held_certificate(&held(None), &mut warnings, soon).unwrap();
        let later = leaf.not_after + time::Duration::days(1);
        held_certificate(&held(None), &mut warnings, later).unwrap();
        let codes: Vec<&str> = warnings.iter().map(|w| w.code).collect();
        assert_eq!(codes, ["certificate_expiring", "certificate_expired"]);
        assert!(
            warnings[1]
                .message
                .contains(&format!("expired on {}", leaf.not_after.date()))
        );
        assert!(!warnings[1].message.contains("PRIVATE"));
    }
}

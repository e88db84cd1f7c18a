//! Secret values: a certificate's private key PEM, a client secret, a PKCS#12 and its password. A [`Secret`]
//! never shows its value in `Debug` and has no `Display`; its memory is wiped when it is dropped. What the
//! store shows of a secret is a [`MaskedSecret`]: the field, a mask and the value's length.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;
use zeroize::Zeroizing;

/// What the store prints in place of a secret value.
pub const MASK: &str = "••••••";

/// A secret value the host keeps for a connection. Only [`Secret::expose`] gives the value, for the host to
/// pass back to the plugin; the memory that held it is zeroed when the `Secret` is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value. The `String` is moved in, so no unwiped copy is left behind by this call.
    pub fn new(value: String) -> Secret {
        Secret(Zeroizing::new(value))
    }

    /// The value, for the host to put in the settings it passes to the plugin. Never print it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value's length in characters (what a masked view shows).
    pub fn chars(&self) -> usize {
        self.0.chars().count()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret::new(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK}, {} characters)", self.chars())
    }
}

/// A secret as listings show it: which field it is for, how long the value is, when it was last set; never
/// the value. Its `Display` is the mask and the length, e.g. `•••••• (1704 characters)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MaskedSecret {
    /// The settings field (or hand-off member) the secret is for, e.g. `certificate_pem`.
    pub field: String,
    /// Always [`MASK`]: what to show in place of the value.
    pub masked: &'static str,
    /// The value's length in characters.
    pub length: usize,
    /// When the value was last set.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl fmt::Display for MaskedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} characters)", self.masked, self.length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

    #[test]
    fn debug_shows_the_length_and_never_the_value() {
        let secret = Secret::from(KEY);
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        assert!(!shown.contains("MIIE"), "{shown}");
        assert_eq!(
            format!("{secret:?}"),
            format!("Secret(••••••, {} characters)", KEY.len())
        );
        assert_eq!(secret.expose(), KEY);
    }

    #[test]
    fn a_masked_secret_displays_the_mask_and_length() {
        let masked = MaskedSecret {
            field: "client_secret".into(),
            masked: MASK,
            length: 40,
            updated_at: OffsetDateTime::UNIX_EPOCH,
        };
        assert_eq!(masked.to_string(), "•••••• (40 characters)");
        let json = serde_json::to_value(&masked).unwrap();
        assert_eq!(json["masked"], "••••••");
        assert_eq!(json["length"], 40);
        assert_eq!(json["updated_at"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(Secret::from("pässwörd").chars(), 8);
    }
}

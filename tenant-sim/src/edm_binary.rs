//! `Edm.Binary` values as Microsoft Graph's reader reads them: base64 (standard or URL-safe alphabet,
//! padded or not) in which spaces, tabs and line breaks are ignored, as .NET's
//! `Convert.FromBase64String` ignores them
//! (<https://learn.microsoft.com/dotnet/api/system.convert.frombase64string>). So a certificate's PEM
//! body can be sent as it is in the file (without its `-----BEGIN` and `-----END` lines).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The bytes of a base64 value, or `None` when it is not base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    STANDARD
        .decode(&compact)
        .or_else(|_| STANDARD_NO_PAD.decode(&compact))
        .or_else(|_| URL_SAFE.decode(&compact))
        .or_else(|_| URL_SAFE_NO_PAD.decode(&compact))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn line_breaks_and_spaces_are_ignored_but_pem_armour_is_not_base64() {
        assert_eq!(
            decode("aGVs\r\nbG8g d29y\tbGQ="),
            Some(b"hello world".to_vec())
        );
        assert_eq!(decode("aGVsbG8"), Some(b"hello".to_vec()));
        assert_eq!(decode("-----BEGIN CERTIFICATE-----"), None);
        assert_eq!(decode("not base64!"), None);
    }
}

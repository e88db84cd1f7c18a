//! Containers for secret material (private key PEM, PKCS#12 bytes and password, signed assertions): their
//! `Debug` shows `<redacted>` and their memory is overwritten with zeros when they are dropped.

use std::fmt;

use zeroize::Zeroizing;

/// Secret text, e.g. a private key PEM, a PKCS#12 password or a signed client assertion.
///
/// `Debug` prints `<redacted>`; the text is zeroized on drop. Read it with [`SecretString::expose`] only where
/// it is handed over (to the host, or in a token request), never to log or format it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Takes ownership of `text`; its buffer is zeroized when the secret is dropped.
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Secret bytes, e.g. a PKCS#12 file.
///
/// `Debug` prints `<redacted>`; the bytes are zeroized on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Takes ownership of `bytes`; the buffer is zeroized when the secret is dropped.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The secret bytes.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use crate::certificate::secret::{SecretBytes, SecretString};

    #[test]
    fn secrets_never_show_in_debug_output() {
        let text = SecretString::new("hunter2-private".to_owned());
        let bytes = SecretBytes::new(b"pkcs12-bytes".to_vec());
        assert_eq!(format!("{text:?}"), "<redacted>");
        assert_eq!(format!("{bytes:?}"), "<redacted>");
        assert_eq!(
            format!("{:?}", Some((&text, &bytes))),
            "Some((<redacted>, <redacted>))"
        );
        assert_eq!(text.expose(), "hunter2-private");
        assert_eq!(bytes.expose(), b"pkcs12-bytes");
    }
}

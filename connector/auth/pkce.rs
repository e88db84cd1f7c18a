//! Proof Key for Code Exchange (RFC 7636) with `S256`, and the random `state` of an authorization request.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// A PKCE verifier and its challenge.
#[derive(Debug)]
pub struct Pkce {
    /// The verifier, sent with the code redemption.
    pub verifier: Secret,
    /// `BASE64URL(SHA256(verifier))`, sent with the authorization request.
    pub challenge: String,
}

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> Result<String, Error> {
    let mut buffer = zeroize::Zeroizing::new(vec![0u8; bytes]);
    aws_lc_rs::rand::fill(&mut buffer).map_err(|_| {
        Error::new(
            ErrorKind::Internal,
            "The system's random number generator failed.",
        )
    })?;
    Ok(URL_SAFE_NO_PAD.encode(&*buffer))
}

impl Pkce {
    /// A new verifier (32 random bytes: 43 characters, RFC 7636 §4.1) and its S256 challenge.
    pub fn new() -> Result<Pkce, Error> {
        let verifier = Secret::new(random_token(32)?);
        let challenge = challenge_of(verifier.expose());
        Ok(Pkce {
            verifier,
            challenge,
        })
    }
}

fn challenge_of(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

#[cfg(test)]
mod tests {
    use super::{Pkce, challenge_of};

    #[test]
    fn the_challenge_is_rfc_7636s() {
        // RFC 7636, appendix B.
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let pkce = Pkce::new().unwrap();
        assert_eq!(pkce.verifier.expose().len(), 43);
        assert_eq!(pkce.challenge, challenge_of(pkce.verifier.expose()));
    }
}

//! Tokens: the tenant's RS256 signing key, its JWKS, access and ID token claims, and verification of
//! access tokens for the Graph and Exchange services.

use std::time::Duration;

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, PKCS_RSA_SHA256, RsaKeySize};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::error::StartError;

/// The claims of an access token, as Entra writes v1 tokens (the kind Microsoft Graph and Exchange
/// Online receive). <https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference>
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The resource identifier (`https://graph.microsoft.com`).
    pub aud: String,
    /// `https://sts.windows.net/{tid}/`.
    pub iss: String,
    /// Issued at (Unix seconds; read with any fraction dropped).
    #[serde(deserialize_with = "numeric_date")]
    pub iat: i64,
    /// Not before (Unix seconds; read with any fraction dropped).
    #[serde(deserialize_with = "numeric_date")]
    pub nbf: i64,
    /// Expires (Unix seconds; read with any fraction dropped).
    #[serde(deserialize_with = "numeric_date")]
    pub exp: i64,
    /// The client's application id.
    pub appid: String,
    /// How the client authenticated: `0` public, `1` secret, `2` certificate.
    pub appidacr: String,
    /// The client's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_displayname: Option<String>,
    /// `user` or `app`.
    pub idtyp: String,
    /// The object id of the user, or of the client's service principal for app-only tokens.
    pub oid: String,
    /// The subject.
    pub sub: String,
    /// The tenant id.
    pub tid: String,
    /// Delegated permissions, space-separated (user tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Application permissions granted to the client on this resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Template ids of the active directory roles of the user (or of the service principal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wids: Option<Vec<String>>,
    /// The user principal name (user tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    /// The user principal name, v1 name (user tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    /// The user's display name (user tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A unique token identifier.
    pub uti: String,
    /// `1.0`.
    pub ver: String,
}

impl AccessClaims {
    /// The delegated scopes as a list.
    pub fn scopes(&self) -> Vec<&str> {
        self.scp
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect()
    }

    /// Whether the token carries a delegated scope (case-insensitive).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes().iter().any(|s| s.eq_ignore_ascii_case(scope))
    }

    /// Whether the token carries an application permission (case-insensitive).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles
            .as_deref()
            .unwrap_or_default()
            .iter()
            .any(|r| r.eq_ignore_ascii_case(role))
    }

    /// Whether this is an app-only token.
    pub fn is_app_only(&self) -> bool {
        self.idtyp == "app"
    }
}

/// The claims of an ID token (v2.0).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdClaims {
    /// The client id.
    pub aud: String,
    /// `{authority}/{tid}/v2.0`.
    pub iss: String,
    /// Issued at.
    #[serde(deserialize_with = "numeric_date")]
    pub iat: i64,
    /// Not before.
    #[serde(deserialize_with = "numeric_date")]
    pub nbf: i64,
    /// Expires.
    #[serde(deserialize_with = "numeric_date")]
    pub exp: i64,
    /// The tenant id.
    pub tid: String,
    /// The user's object id.
    pub oid: String,
    /// The subject (pairwise per application).
    pub sub: String,
    /// The user principal name.
    pub preferred_username: String,
    /// The display name.
    pub name: String,
    /// The nonce of the authorization request, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// `2.0`.
    pub ver: String,
}

/// Why an access token was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Not a JWT, or claims missing.
    #[error("the token is malformed")]
    Malformed,
    /// Not signed by this tenant's key.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// Past `exp`.
    #[error("the token has expired")]
    Expired,
    /// Before `nbf`.
    #[error("the token is not valid yet")]
    NotYetValid,
    /// Issued for another resource.
    #[error("the token's audience '{found}' is not the expected one")]
    WrongAudience {
        /// The `aud` the token carries.
        found: String,
    },
    /// Issued by another tenant.
    #[error("the token was issued by another tenant")]
    WrongIssuer,
}

/// The tenant's token-signing key: RSA 2048 with a self-signed certificate, published in the JWKS.
pub struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
    n: String,
    e: String,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    &bytes[first..]
}

impl SigningKey {
    /// Generates a fresh key and certificate.
    pub(crate) fn generate() -> Result<Self, StartError> {
        let key = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)
            .map_err(StartError::certificate)?;
        let mut params =
            CertificateParams::new(Vec::<String>::new()).map_err(StartError::certificate)?;
        let mut name = DistinguishedName::new();
        name.push(DnType::CommonName, "accounts.accesscontrol.windows.net");
        params.distinguished_name = name;
        let cert = params.self_signed(&key).map_err(StartError::certificate)?;
        let cert_der = cert.der().to_vec();
        let (_, parsed) =
            x509_parser::parse_x509_certificate(&cert_der).map_err(StartError::certificate)?;
        let public = parsed
            .public_key()
            .parsed()
            .map_err(StartError::certificate)?;
        let x509_parser::public_key::PublicKey::RSA(rsa) = public else {
            return Err(StartError::Certificate(
                "the signing key is not RSA".to_owned(),
            ));
        };
        let n = URL_SAFE_NO_PAD.encode(strip_leading_zeros(rsa.modulus));
        let e = URL_SAFE_NO_PAD.encode(strip_leading_zeros(rsa.exponent));
        let encoding = EncodingKey::from_rsa_pem(key.serialize_pem().as_bytes())
            .map_err(StartError::certificate)?;
        let decoding = DecodingKey::from_rsa_components(&n, &e).map_err(StartError::certificate)?;
        let kid = URL_SAFE_NO_PAD
            .encode(digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &cert_der).as_ref());
        Ok(SigningKey {
            kid,
            encoding,
            decoding,
            n,
            e,
            cert_der,
        })
    }

    /// The key id (`kid`, equal to `x5t` as in Entra's keys).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The JWKS document (`/discovery/v2.0/keys`), with `issuer` as Entra's v2 keys carry it.
    pub fn jwks(&self, issuer: &str) -> Value {
        json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "kid": self.kid,
                "x5t": self.kid,
                "n": self.n,
                "e": self.e,
                "x5c": [STANDARD.encode(&self.cert_der)],
                "cloud_instance_name": "microsoftonline.com",
                "issuer": issuer,
            }]
        })
    }

    /// Signs claims as a JWT (RS256, `kid` and `x5t` in the header).
    pub fn sign<T: Serialize>(&self, claims: &T) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.x5t = Some(self.kid.clone());
        // Signing with a key we generated cannot fail short of a broken crypto library.
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signing a token failed")
    }

    /// Verifies an access token's signature, lifetime and audience and returns its claims.
    pub fn verify_access_token(
        &self,
        token: &str,
        expected_audience: &str,
    ) -> Result<AccessClaims, TokenError> {
        verify_access_token(self, token, expected_audience)
    }
}

/// Verifies an access token issued by this tenant: signature (RS256 with the tenant key), `exp`, `nbf`
/// and `aud` (exact). Graph and Exchange call this on every request.
pub fn verify_access_token(
    key: &SigningKey,
    token: &str,
    expected_audience: &str,
) -> Result<AccessClaims, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
    if header.alg != Algorithm::RS256 {
        return Err(TokenError::BadSignature);
    }
    if header.kid.as_deref().is_some_and(|kid| kid != key.kid) {
        return Err(TokenError::BadSignature);
    }
    // `exp` and `nbf` are checked below, on the claims read as NumericDates (which may be fractional:
    // https://www.rfc-editor.org/rfc/rfc7519#section-2); the library reads them as integers only.
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims::<&str>(&[]);
    let data = jsonwebtoken::decode::<AccessClaims>(token, &key.decoding, &validation).map_err(
        |error| match error.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::BadSignature,
            _ => TokenError::Malformed,
        },
    )?;
    let claims = data.claims;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if now >= claims.exp {
        return Err(TokenError::Expired);
    }
    if now < claims.nbf {
        return Err(TokenError::NotYetValid);
    }
    if claims.aud.trim_end_matches('/') != expected_audience.trim_end_matches('/') {
        return Err(TokenError::WrongAudience { found: claims.aud });
    }
    if claims.iss != format!("https://sts.windows.net/{}/", claims.tid) {
        return Err(TokenError::WrongIssuer);
    }
    Ok(claims)
}

/// Reads a JWT NumericDate: seconds since the Unix epoch, an integer or not (RFC 7519 §2,
/// <https://www.rfc-editor.org/rfc/rfc7519#section-2>), as whole seconds (the fraction dropped).
pub(crate) fn numeric_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<i64, D::Error> {
    let seconds = f64::deserialize(deserializer)?;
    whole_seconds(seconds).ok_or_else(|| serde::de::Error::custom("a NumericDate out of range"))
}

/// [`numeric_date`] for an optional claim.
pub(crate) fn optional_numeric_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    match Option::<f64>::deserialize(deserializer)? {
        None => Ok(None),
        Some(seconds) => whole_seconds(seconds)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("a NumericDate out of range")),
    }
}

/// Whole seconds of a NumericDate, if it is a plausible one (years 0 to 9999 and a finite number).
fn whole_seconds(seconds: f64) -> Option<i64> {
    const LIMIT: f64 = 253_402_300_800.0;
    (seconds.is_finite() && seconds.abs() < LIMIT).then(|| seconds.floor() as i64)
}

/// Unix seconds now, and `lifetime` from now.
pub(crate) fn lifetime_window(lifetime: Duration) -> (i64, i64) {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX / 2);
    (now, now.saturating_add(seconds))
}

/// A random URL-safe string of `bytes` random bytes (codes, token ids).
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    aws_lc_rs::rand::fill(&mut buffer).expect("the system random generator failed");
    URL_SAFE_NO_PAD.encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Times {
        #[serde(deserialize_with = "numeric_date")]
        exp: i64,
        #[serde(default, deserialize_with = "optional_numeric_date")]
        nbf: Option<i64>,
    }

    #[test]
    fn numeric_dates_may_be_fractional() {
        let times: Times =
            serde_json::from_str(r#"{"exp": 1700000600.75, "nbf": 1700000000}"#).unwrap();
        assert_eq!((times.exp, times.nbf), (1_700_000_600, Some(1_700_000_000)));
        let times: Times = serde_json::from_str(r#"{"exp": 1700000600}"#).unwrap();
        assert_eq!(times.nbf, None);
        assert!(serde_json::from_str::<Times>(r#"{"exp": "soon"}"#).is_err());
        assert!(serde_json::from_str::<Times>(r#"{"exp": 1e300}"#).is_err());
    }
}

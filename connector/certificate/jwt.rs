//! JWTs signed with a held certificate's key (RS256, with the certificate's `x5t`): the client assertion of
//! Microsoft Entra's client-credentials grant, and the proof of possession Microsoft Graph's
//! `application: addKey` and `removeKey` ask for.
//!
//! - Client assertion: <https://learn.microsoft.com/entra/identity-platform/certificate-credentials>
//! - Proof of possession: <https://learn.microsoft.com/graph/api/application-addkey>

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::certificate::error::CertificateError;
use crate::certificate::held::HeldCertificate;
use crate::certificate::secret::SecretString;

/// How long a client assertion is valid (Entra accepts at most ten minutes).
pub const CLIENT_ASSERTION_LIFETIME: Duration = Duration::minutes(10);
/// How long a proof of possession is valid (Graph requires `exp` = `nbf` + 10 minutes).
pub const PROOF_OF_POSSESSION_LIFETIME: Duration = Duration::minutes(10);
/// The audience of a proof of possession: the Azure AD Graph application id, which Graph's addKey expects.
pub const PROOF_OF_POSSESSION_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";

impl HeldCertificate {
    /// The client assertion for the client-credentials grant: header
    /// `{"alg":"RS256","typ":"JWT","x5t":…}`, claims `aud` = `token_endpoint` (the tenant's
    /// `…/oauth2/v2.0/token` URL), `iss` = `sub` = `client_id`, a random `jti`, `nbf` = `iat` = `now` and
    /// `exp` = `now` + [`CLIENT_ASSERTION_LIFETIME`]. Refuses a key that does not belong to the certificate.
    pub fn client_assertion(
        &self,
        client_id: &str,
        token_endpoint: &str,
        now: OffsetDateTime,
    ) -> Result<SecretString, CertificateError> {
        if client_id.is_empty() {
            return Err(CertificateError::InvalidClaims(
                "the client id (application id) is empty.",
            ));
        }
        if token_endpoint.is_empty() {
            return Err(CertificateError::InvalidClaims(
                "the token endpoint URL is empty.",
            ));
        }
        let issued = now.unix_timestamp();
        let claims = json!({
            "aud": token_endpoint,
            "iss": client_id,
            "sub": client_id,
            "jti": uuid::Uuid::new_v4().to_string(),
            "nbf": issued,
            "iat": issued,
            "exp": (now + CLIENT_ASSERTION_LIFETIME).unix_timestamp(),
        });
        self.sign_jwt(&claims)
    }

    /// The proof of possession for Graph's `addKey` / `removeKey` on the application whose object id is
    /// `application_object_id`: claims `aud` = [`PROOF_OF_POSSESSION_AUDIENCE`], `iss` = the object id,
    /// `nbf` = `now`, `exp` = `now` + [`PROOF_OF_POSSESSION_LIFETIME`]. It must be signed by a certificate
    /// already valid on the application.
    pub fn proof_of_possession(
        &self,
        application_object_id: &str,
        now: OffsetDateTime,
    ) -> Result<SecretString, CertificateError> {
        if application_object_id.is_empty() {
            return Err(CertificateError::InvalidClaims(
                "the application's object id is empty.",
            ));
        }
        let claims = json!({
            "aud": PROOF_OF_POSSESSION_AUDIENCE,
            "iss": application_object_id,
            "nbf": now.unix_timestamp(),
            "exp": (now + PROOF_OF_POSSESSION_LIFETIME).unix_timestamp(),
        });
        self.sign_jwt(&claims)
    }

    /// Encodes and signs a compact JWS with the RS256 header of this certificate.
    fn sign_jwt(&self, claims: &Value) -> Result<SecretString, CertificateError> {
        let header = json!({
            "alg": "RS256",
            "typ": "JWT",
            "x5t": self.details().x5t(),
        });
        let mut token = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.sign_rs256(token.as_bytes())?;
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature));
        Ok(SecretString::new(token))
    }
}

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
        non_empty(client_id, "the client id (application id) is empty.")?;
        non_empty(token_endpoint, "the token endpoint URL is empty.")?;
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
        non_empty(
            application_object_id,
            "the application's object id is empty.",
        )?;
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

/// `Ok` when `value` is not empty, else [`CertificateError::InvalidClaims`] with `problem`.
fn non_empty(value: &str, problem: &'static str) -> Result<(), CertificateError> {
    if value.is_empty() {
        Err(CertificateError::InvalidClaims(problem))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use jsonwebtoken::{Algorithm, DecodingKey, Validation};
    use serde_json::Value;
    use time::{OffsetDateTime, macros::datetime};

    use crate::certificate::error::CertificateError;
    use crate::certificate::generate::{GenerateOptions, generate};
    use crate::certificate::held::HeldCertificate;
    use crate::certificate::jwt::PROOF_OF_POSSESSION_AUDIENCE;

    const CLIENT_ID: &str = "6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const ENDPOINT: &str =
        "https://login.microsoftonline.com/8c4b2a10-1f2e-4d3c-9b8a-7f6e5d4c3b2a/oauth2/v2.0/token";

    fn held(name: &str) -> HeldCertificate {
        generate(&GenerateOptions::new(name, 30), OffsetDateTime::now_utc())
            .unwrap()
            .held()
            .unwrap()
    }

    /// The key that verifies tokens of `certificate`, from its certificate alone.
    fn decoding_key(certificate: &HeldCertificate) -> DecodingKey {
        let parts = certificate.details().rsa_public_key().unwrap();
        DecodingKey::from_rsa_components(
            &URL_SAFE_NO_PAD.encode(&parts.modulus),
            &URL_SAFE_NO_PAD.encode(&parts.exponent),
        )
        .unwrap()
    }

    /// The JSON of a token's part (0 header, 1 claims).
    fn part(token: &str, index: usize) -> Value {
        let encoded = token.split('.').nth(index).unwrap();
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(encoded).unwrap()).unwrap()
    }

    #[test]
    fn a_client_assertion_verifies_with_the_certificate_and_says_who_for_whom() {
        let certificate = held("assertion");
        let now = OffsetDateTime::now_utc();
        let assertion = certificate
            .client_assertion(CLIENT_ID, ENDPOINT, now)
            .unwrap();
        let token = assertion.expose();

        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[ENDPOINT]);
        validation.set_issuer(&[CLIENT_ID]);
        validation.sub = Some(CLIENT_ID.to_owned());
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss", "sub"]);
        let decoded =
            jsonwebtoken::decode::<Value>(token, &decoding_key(&certificate), &validation).unwrap();

        let header = decoded.header;
        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        // x5t is the certificate's SHA-1 thumbprint (as the portal shows it), base64url-encoded.
        let x5t = URL_SAFE_NO_PAD.decode(header.x5t.unwrap()).unwrap();
        let x5t_hex: String = x5t.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(x5t_hex, certificate.details().thumbprint_sha1);

        let claims = decoded.claims;
        let issued = now.unix_timestamp();
        assert_eq!(claims["sub"], CLIENT_ID);
        assert_eq!(claims["nbf"], issued);
        assert_eq!(claims["iat"], issued);
        assert_eq!(claims["exp"], issued + 600);
        let jti = claims["jti"].as_str().unwrap();
        assert_eq!(uuid::Uuid::parse_str(jti).unwrap().get_version_num(), 4);
        let second = certificate
            .client_assertion(CLIENT_ID, ENDPOINT, now)
            .unwrap();
        assert_ne!(part(second.expose(), 1)["jti"], claims["jti"]);
    }

    #[test]
    fn an_assertion_does_not_verify_with_another_certificate_or_once_changed() {
        let certificate = held("signer");
        let other = held("other");
        let now = OffsetDateTime::now_utc();
        let assertion = certificate
            .client_assertion(CLIENT_ID, ENDPOINT, now)
            .unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[ENDPOINT]);
        assert!(
            jsonwebtoken::decode::<Value>(assertion.expose(), &decoding_key(&other), &validation)
                .is_err()
        );
        let mut parts: Vec<String> = assertion.expose().split('.').map(str::to_owned).collect();
        let mut claims = part(assertion.expose(), 1);
        claims["sub"] = Value::from("someone-else");
        parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
        let tampered = parts.join(".");
        assert!(
            jsonwebtoken::decode::<Value>(&tampered, &decoding_key(&certificate), &validation)
                .is_err()
        );
        assert_eq!(format!("{assertion:?}"), "<redacted>");
    }

    #[test]
    fn the_time_passed_in_sets_the_validity() {
        let certificate = held("clock");
        let now = datetime!(2026-05-04 03:02:01 UTC);
        let assertion = certificate
            .client_assertion(CLIENT_ID, ENDPOINT, now)
            .unwrap();
        let claims = part(assertion.expose(), 1);
        assert_eq!(claims["nbf"], 1_777_863_721);
        assert_eq!(claims["exp"], 1_777_863_721 + 600);
        assert_eq!(claims["aud"], ENDPOINT);
        assert_eq!(claims["iss"], CLIENT_ID);
    }

    #[test]
    fn a_proof_of_possession_names_the_application_for_graph() {
        let certificate = held("proof");
        let object_id = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
        let now = OffsetDateTime::now_utc();
        let proof = certificate.proof_of_possession(object_id, now).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_audience(&[PROOF_OF_POSSESSION_AUDIENCE]);
        validation.set_issuer(&[object_id]);
        validation.validate_nbf = true;
        let decoded =
            jsonwebtoken::decode::<Value>(proof.expose(), &decoding_key(&certificate), &validation)
                .unwrap();
        assert_eq!(
            decoded.claims["aud"],
            "00000002-0000-0000-c000-000000000000"
        );
        assert_eq!(
            decoded.claims["exp"].as_i64().unwrap() - decoded.claims["nbf"].as_i64().unwrap(),
            600
        );
        assert!(decoded.header.x5t.is_some());
    }

    #[test]
    fn empty_identifiers_are_refused() {
        let certificate = held("empty");
        let now = OffsetDateTime::now_utc();
        assert!(matches!(
            certificate.client_assertion("", ENDPOINT, now),
            Err(CertificateError::InvalidClaims(_))
        ));
        assert!(matches!(
            certificate.client_assertion(CLIENT_ID, "", now),
            Err(CertificateError::InvalidClaims(_))
        ));
        assert!(matches!(
            certificate.proof_of_possession("", now),
            Err(CertificateError::InvalidClaims(_))
        ));
    }
}

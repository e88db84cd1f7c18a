//! The claims of the ID token Entra ID returns with a sign-in: who signed in, and to which tenant.
//!
//! The token comes straight from the token endpoint over TLS, which OpenID Connect allows in place of
//! checking its signature (<https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation>, item
//! 6); the audience is still checked. Claims:
//! <https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference>.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use crate::error::{Error, ErrorKind};
use crate::secret::Secret;

/// What the connector reads from an ID token.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct IdClaims {
    /// The tenant the account signed in to.
    pub tid: String,
    /// The account's object id in that tenant.
    #[serde(default)]
    pub oid: Option<String>,
    /// The sign-in name (usually the user principal name).
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// The display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The client the token was issued to.
    pub aud: String,
}

fn unreadable(why: &str) -> Error {
    Error::new(
        ErrorKind::ServiceError,
        format!("Microsoft Entra ID's ID token could not be read: {why}."),
    )
    .with_hint("Run Log in to Azure again; if it keeps happening, check the authority endpoint in the settings.")
}

/// Reads the claims of an ID token issued to `client_id`.
pub fn read_id_token(token: &Secret, client_id: &str) -> Result<IdClaims, Error> {
    let mut parts = token.expose().split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(unreadable("it is not a JSON Web Token"));
    };
    let bytes = zeroize::Zeroizing::new(
        URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| unreadable("its claims are not base64url"))?,
    );
    let claims: IdClaims =
        serde_json::from_slice(&bytes).map_err(|_| unreadable("its claims lack tid or aud"))?;
    if !claims.aud.eq_ignore_ascii_case(client_id) {
        return Err(unreadable("it was issued to another application"));
    }
    if crate::settings::parse_guid(&claims.tid).is_none() {
        return Err(unreadable("its tenant id is not a GUID"));
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::read_id_token;
    use crate::secret::Secret;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn token(claims: &str) -> Secret {
        let encode = |s: &str| URL_SAFE_NO_PAD.encode(s);
        Secret::new(format!(
            "{}.{}.sig",
            encode(r#"{"alg":"RS256"}"#),
            encode(claims)
        ))
    }

    #[test]
    fn reads_the_tenant_and_the_account() {
        let client = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
        let claims = read_id_token(
            &token(&format!(
                r#"{{"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","oid":"o","preferred_username":"admin@contoso.onmicrosoft.com","aud":"{client}"}}"#
            )),
            client,
        )
        .unwrap();
        assert_eq!(claims.tid, "72f988bf-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(
            claims.preferred_username.as_deref(),
            Some("admin@contoso.onmicrosoft.com")
        );
        let other = read_id_token(
            &token(r#"{"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","aud":"someone-else"}"#),
            client,
        )
        .unwrap_err();
        assert!(other.message().contains("another application"));
        assert!(read_id_token(&Secret::new("not-a-jwt".to_owned()), client).is_err());
    }
}

//! Authorization code + PKCE through the `oauth2` crate: the loopback redirect (port ignored), code and
//! state, single-use and expiring codes, PKCE verification, refresh, and Entra's errors on the redirect.

mod support;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde_json::Value;
use support::{CONNECTOR_SCOPES, OAuthHttp, SIGN_IN_CLIENT};
use tenant_sim::{ConsentAnswer, Tenant};

type Client = oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
>;

fn oauth_client(tenant: &Tenant, redirect: &str) -> Client {
    let base = format!("{}/oauth2/v2.0", tenant.tenant_authority());
    BasicClient::new(ClientId::new(SIGN_IN_CLIENT.to_owned()))
        .set_auth_uri(AuthUrl::new(format!("{base}/authorize")).unwrap())
        .set_token_uri(TokenUrl::new(format!("{base}/token")).unwrap())
        .set_redirect_uri(RedirectUrl::new(redirect.to_owned()).unwrap())
}

/// Runs the browser leg: GET the authorize URL, return the redirect's Location.
async fn authorize(
    tenant: &Tenant,
    client: &Client,
    scopes: &[&str],
) -> (reqwest::StatusCode, String, CsrfToken, PkceCodeVerifier) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
        .add_extra_param("nonce", "n-0S6_WzA2Mj")
        .set_pkce_challenge(challenge)
        .url();
    let response = support::client(tenant)
        .get(url.as_str())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, csrf, verifier)
}

fn query(location: &str, name: &str) -> Option<String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn pkce_sign_in_through_the_loopback_redirect() {
    let tenant = support::start().await;
    let client = oauth_client(&tenant, "http://localhost:53682/");
    let (status, location, csrf, verifier) = authorize(&tenant, &client, CONNECTOR_SCOPES).await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("http://localhost:53682/?code="),
        "{location}"
    );
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = query(&location, "code").unwrap();

    let http = OAuthHttp(support::client(&tenant));
    let token = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .expect("tokens");
    let claims = tenant
        .state()
        .verify_access_token(token.access_token().secret(), "https://graph.microsoft.com")
        .unwrap();
    assert_eq!(claims.oid, tenant.users().global_admin.id);
    assert!(claims.has_scope("DelegatedPermissionGrant.ReadWrite.All"));
    assert!(token.refresh_token().is_some());

    // The code is single-use.
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("code", &code),
            ("redirect_uri", "http://localhost:53682/"),
            ("code_verifier", "whatever"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_grant", 54005);
}

#[tokio::test]
async fn the_id_token_carries_the_nonce_and_tenant() {
    let tenant = support::start().await;
    let client = oauth_client(&tenant, "http://localhost:1234");
    let (_, location, _, verifier) =
        authorize(&tenant, &client, &["openid", "profile", "User.Read"]).await;
    let code = query(&location, "code").expect(&location);
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("code", &code),
            ("redirect_uri", "http://localhost:1234"),
            ("code_verifier", verifier.secret()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    let scope = body["scope"].as_str().unwrap();
    assert!(scope.split(' ').any(|s| s == "User.Read"), "{scope}");
    let id = support::jwt_payload(body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["tid"], tenant.tenant_id());
    assert_eq!(id["aud"], SIGN_IN_CLIENT);
}

#[tokio::test]
async fn redirect_uris_must_be_registered_except_for_the_loopback_port() {
    let tenant = support::start().await;
    for accepted in [
        "http://localhost",
        "http://localhost/",
        "http://localhost:1/",
        "http://localhost:65535",
    ] {
        let (status, location, _, _) =
            authorize(&tenant, &oauth_client(&tenant, accepted), &["User.Read"]).await;
        assert_eq!(status, 302, "{accepted}");
        assert!(query(&location, "code").is_some(), "{accepted}: {location}");
    }
    for refused in [
        "http://127.0.0.1:8400/",
        "http://localhost:8400/callback",
        "https://localhost/",
        "http://evil.example/",
    ] {
        let (challenge, _) = PkceCodeChallenge::new_random_sha256();
        let (url, _) = oauth_client(&tenant, refused)
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("User.Read".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        let response = support::client(&tenant)
            .get(url.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{refused}");
        assert!(
            response.headers().get("location").is_none(),
            "never redirected to an unregistered URI"
        );
        let body: Value = response.json().await.unwrap();
        support::assert_entra_error(&body, "invalid_request", 50011);
    }
}

#[tokio::test]
async fn codes_expire_and_pkce_is_verified() {
    let tenant = support::start().await;
    let redirect = "http://localhost:9000/";
    let client = oauth_client(&tenant, redirect);
    let http = OAuthHttp(support::client(&tenant));

    let (_, location, _, _) = authorize(&tenant, &client, &["User.Read"]).await;
    let code = query(&location, "code").unwrap();
    let error = client
        .exchange_code(AuthorizationCode::new(code.clone()))
        .set_pkce_verifier(PkceCodeVerifier::new("x".repeat(43)))
        .request_async(&http)
        .await
        .unwrap_err();
    let RequestTokenError::ServerResponse(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.error().to_string(), "invalid_grant");
    assert!(
        error
            .error_description()
            .unwrap()
            .starts_with("AADSTS50148: ")
    );

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("code", &code),
            ("redirect_uri", redirect),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_request", 900144);

    let (_, location, _, verifier) = authorize(&tenant, &client, &["User.Read"]).await;
    let code = query(&location, "code").unwrap();
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("code", &code),
            ("redirect_uri", "http://localhost:9001/"),
            ("code_verifier", verifier.secret()),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_grant", 50011);

    tenant.expire_authorization_codes();
    let error = client
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap_err();
    let RequestTokenError::ServerResponse(error) = error else {
        panic!("{error:?}")
    };
    assert!(
        error
            .error_description()
            .unwrap()
            .starts_with("AADSTS70008: ")
    );

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("code", "0.AnotARealCode"),
            ("redirect_uri", redirect),
            ("code_verifier", &"y".repeat(43)),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn errors_after_the_redirect_is_trusted_go_to_the_redirect_uri() {
    let tenant = support::start().await;
    let redirect = "http://localhost:7000/";

    // A plain user asking for admin-only scopes: Entra's admin-approval error.
    let upn = tenant.users().plain_user.user_principal_name.clone();
    tenant.knobs().update(|k| k.sign_in_user = Some(upn));
    let (status, location, csrf, _) =
        authorize(&tenant, &oauth_client(&tenant, redirect), CONNECTOR_SCOPES).await;
    assert_eq!(status, 302);
    assert!(location.starts_with(redirect), "{location}");
    assert_eq!(query(&location, "error").as_deref(), Some("access_denied"));
    assert!(
        query(&location, "error_description")
            .unwrap()
            .starts_with("AADSTS90094: ")
    );
    assert_eq!(
        query(&location, "state").as_deref(),
        Some(csrf.secret().as_str())
    );
    assert!(query(&location, "code").is_none());

    // The user cancels the consent prompt.
    tenant.knobs().update(|k| {
        k.sign_in_user = None;
        k.consent_answer = ConsentAnswer::Decline;
    });
    let (_, location, _, _) =
        authorize(&tenant, &oauth_client(&tenant, redirect), &["User.Read"]).await;
    assert_eq!(query(&location, "error").as_deref(), Some("access_denied"));
    assert!(
        query(&location, "error_description")
            .unwrap()
            .starts_with("AADSTS65004: ")
    );

    // Two resources in one request.
    tenant
        .knobs()
        .update(|k| k.consent_answer = ConsentAnswer::AcceptForOrganization);
    let (_, location, _, _) = authorize(
        &tenant,
        &oauth_client(&tenant, redirect),
        &[
            "https://graph.microsoft.com/User.Read",
            "https://outlook.office365.com/.default",
        ],
    )
    .await;
    assert_eq!(query(&location, "error").as_deref(), Some("invalid_scope"));
    assert!(
        query(&location, "error_description")
            .unwrap()
            .starts_with("AADSTS28000: ")
    );

    // Accepting for the organisation makes an AllPrincipals grant.
    let (_, location, _, _) =
        authorize(&tenant, &oauth_client(&tenant, redirect), &["User.Read"]).await;
    assert!(query(&location, "code").is_some());
    let data = tenant.directory().read();
    assert!(
        data.oauth2_permission_grants
            .iter()
            .any(|g| g.str("consentType") == Some("AllPrincipals"))
    );
}

#[tokio::test]
async fn unknown_clients_and_tenants_are_shown_not_redirected() {
    let tenant = support::start().await;
    let unknown = uuid::Uuid::new_v4();
    let url = format!(
        "{}/oauth2/v2.0/authorize?client_id={unknown}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost&scope=User.Read",
        tenant.tenant_authority()
    );
    let response = support::client(&tenant).get(&url).send().await.unwrap();
    assert_eq!(response.status(), 400);
    support::assert_entra_error(
        &response.json().await.unwrap(),
        "unauthorized_client",
        700016,
    );

    let url = format!(
        "{}/{unknown}/oauth2/v2.0/authorize?client_id={SIGN_IN_CLIENT}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost&scope=User.Read",
        tenant.authority_url()
    );
    let response = support::client(&tenant).get(&url).send().await.unwrap();
    assert_eq!(response.status(), 400);
    support::assert_entra_error(&response.json().await.unwrap(), "invalid_request", 90002);
}

#[tokio::test]
async fn a_refresh_token_from_the_browser_flow_works_for_the_same_resource() {
    let tenant = support::start().await;
    let client = oauth_client(&tenant, "http://localhost:5000/");
    let (_, location, _, verifier) =
        authorize(&tenant, &client, &["offline_access", "User.Read"]).await;
    let http = OAuthHttp(support::client(&tenant));
    let token = client
        .exchange_code(AuthorizationCode::new(query(&location, "code").unwrap()))
        .set_pkce_verifier(verifier)
        .request_async(&http)
        .await
        .unwrap();
    let refreshed = client
        .exchange_refresh_token(token.refresh_token().unwrap())
        .request_async(&http)
        .await
        .expect("refresh without scope reuses the original request");
    assert_ne!(
        refreshed.refresh_token().unwrap().secret(),
        token.refresh_token().unwrap().secret()
    );
    let claims = tenant
        .state()
        .verify_access_token(
            refreshed.access_token().secret(),
            "https://graph.microsoft.com",
        )
        .unwrap();
    assert!(claims.has_scope("User.Read"));
}

//! Client credentials: secrets (form and HTTP Basic), certificate assertions (RS256/PS256, x5t/x5t#S256),
//! the claims of app-only tokens, Entra's errors, and Microsoft's azure_identity crate over TLS.

mod support;

use std::sync::Arc;

use azure_core::credentials::{Secret, TokenCredential};
use azure_core::http::ClientMethodOptions;
use azure_identity::{
    ClientAssertion, ClientAssertionCredential, ClientAssertionCredentialOptions,
    ClientSecretCredential, ClientSecretCredentialOptions,
};
use jsonwebtoken::Algorithm;
use serde_json::json;
use support::{TestCertificate, Thumbprint};
use tenant_sim::Tenant;
use tenant_sim::directory::well_known::{EXCHANGE_ADMINISTRATOR, EXCHANGE_ONLINE_APP_ID};

fn add_secret(tenant: &Tenant, object_id: &str) -> String {
    tenant
        .directory()
        .write()
        .add_client_secret(object_id, "test", None)
        .unwrap()["secretText"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An app with Exchange.ManageAsApp granted and Exchange Administrator assigned, as the connector sets up.
fn connector_like_app(tenant: &Tenant) -> support::App {
    let app = support::register_app(tenant, "Identity sync connector", json!({}));
    let mut data = tenant.directory().write();
    let exo = data
        .service_principal_by_app_id(EXCHANGE_ONLINE_APP_ID)
        .unwrap()
        .id()
        .to_owned();
    data.grant_app_role(
        &app.service_principal_id,
        &exo,
        "dc50a0fb-09a3-484d-be87-e023b12c6440",
    )
    .unwrap();
    data.assign_directory_role(&app.service_principal_id, EXCHANGE_ADMINISTRATOR)
        .unwrap();
    app
}

/// `app` with a new certificate on its key credentials.
fn with_certificate(tenant: &Tenant, app: support::App) -> (support::App, TestCertificate) {
    let certificate = TestCertificate::new();
    tenant
        .directory()
        .write()
        .add_certificate(&app.object_id, &certificate.der)
        .unwrap();
    (app, certificate)
}

#[tokio::test]
async fn a_client_secret_gets_an_app_only_token_with_roles_and_wids() {
    let tenant = support::start().await;
    let app = connector_like_app(&tenant);
    let secret = add_secret(&tenant, &app.object_id);
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("client_secret", &secret),
            ("scope", "https://outlook.office365.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert!(body.get("refresh_token").is_none());
    let claims = tenant
        .state()
        .verify_access_token(
            body["access_token"].as_str().unwrap(),
            "https://outlook.office365.com",
        )
        .expect("valid for Exchange");
    assert_eq!(claims.roles, Some(vec!["Exchange.ManageAsApp".to_owned()]));
    assert_eq!(claims.wids, Some(vec![EXCHANGE_ADMINISTRATOR.to_owned()]));
    assert_eq!(claims.idtyp, "app");
    assert_eq!(claims.appidacr, "1");
    assert_eq!(claims.appid, app.app_id);
    assert_eq!(claims.oid, app.service_principal_id);
    assert_eq!(claims.tid, tenant.tenant_id());
    assert_eq!(claims.scp, None);
    assert_eq!(
        tenant.state().verify_access_token(
            body["access_token"].as_str().unwrap(),
            "https://graph.microsoft.com"
        ),
        Err(tenant_sim::TokenError::WrongAudience {
            found: "https://outlook.office365.com".to_owned()
        })
    );

    // The same app asking for Graph gets no Graph roles: none were granted.
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("client_secret", &secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let claims = tenant
        .state()
        .verify_access_token(
            body["access_token"].as_str().unwrap(),
            "https://graph.microsoft.com",
        )
        .unwrap();
    assert_eq!(claims.roles, None);
}

#[tokio::test]
async fn a_client_secret_in_http_basic_works_too() {
    let tenant = support::start().await;
    let app = support::register_app(&tenant, "basic", json!({}));
    let secret = add_secret(&tenant, &app.object_id);
    let response = support::client(&tenant)
        .post(support::token_url(&tenant))
        .basic_auth(&app.app_id, Some(&secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn client_credential_errors_are_entras() {
    let tenant = support::start().await;
    let app = support::register_app(&tenant, "errors", json!({}));
    let secret = add_secret(&tenant, &app.object_id);
    let graph = "https://graph.microsoft.com/.default";

    let unknown = uuid::Uuid::new_v4().to_string();
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &unknown),
            ("client_secret", "x"),
            ("scope", graph),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "unauthorized_client", 700016);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains(&format!(
                "Application with identifier '{unknown}' was not found in the directory 'Contoso'"
            ))
    );

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("client_secret", "wrong"),
            ("scope", graph),
        ],
    )
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 7000215);

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("scope", graph),
        ],
    )
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 7000218);

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("client_secret", &secret),
            ("scope", "https://graph.microsoft.com/User.Read"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_scope", 1002012);

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("client_secret", &secret),
            (
                "scope",
                "https://graph.microsoft.com/.default https://outlook.office365.com/.default",
            ),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_scope", 28000);

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("client_id", &app.app_id),
            ("client_secret", &secret),
            ("scope", graph),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_request", 900144);

    // An application without a service principal in the tenant.
    let lonely = {
        let mut data = tenant.directory().write();
        let mut json = serde_json::Map::new();
        json.insert("displayName".into(), json!("no sp"));
        data.add_application(json)
    };
    let lonely_secret = add_secret(&tenant, lonely.id());
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", lonely.str("appId").unwrap()),
            ("client_secret", &lonely_secret),
            ("scope", graph),
        ],
    )
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 7000229);
}

#[tokio::test]
async fn certificate_assertions_in_every_accepted_form() {
    let tenant = support::start().await;
    let (app, certificate) = with_certificate(&tenant, connector_like_app(&tenant));
    let audience = support::token_url(&tenant);
    let now = support::now();
    for (algorithm, thumbprint) in [
        (Algorithm::RS256, Thumbprint::Sha1StandardBase64),
        (Algorithm::RS256, Thumbprint::Sha1Base64Url),
        (Algorithm::PS256, Thumbprint::Sha256),
        (Algorithm::RS256, Thumbprint::Sha256),
    ] {
        let assertion = support::assertion(
            &certificate,
            algorithm,
            thumbprint,
            &app.app_id,
            &audience,
            now,
            now + 600,
        );
        let (status, body) = support::post_assertion(
            &tenant,
            &app.app_id,
            &assertion,
            "https://outlook.office365.com/.default",
        )
        .await;
        assert_eq!(status, 200, "{algorithm:?}: {body}");
        let claims = tenant
            .state()
            .verify_access_token(
                body["access_token"].as_str().unwrap(),
                "https://outlook.office365.com",
            )
            .unwrap();
        assert_eq!(claims.appidacr, "2");
        assert!(claims.has_role("Exchange.ManageAsApp"));
    }
}

#[tokio::test]
async fn fractional_numeric_dates_are_accepted_and_a_past_exp_is_still_refused() {
    let tenant = support::start().await;
    let (app, certificate) = with_certificate(&tenant, connector_like_app(&tenant));
    let audience = support::token_url(&tenant);
    // As MSAL Python writes them: `exp = time.time() + 600`, a fraction included (RFC 7519 §2).
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64 + 0.375;
    let claims = |iat: f64, exp: f64| {
        json!({"aud": audience, "iss": app.app_id, "sub": app.app_id,
               "jti": uuid::Uuid::new_v4().to_string(), "iat": iat, "nbf": iat, "exp": exp})
    };
    let exchange = "https://outlook.office365.com/.default";
    let fractional = support::assertion_with_claims(&certificate, &claims(now, now + 599.5));
    let (status, body) = support::post_assertion(&tenant, &app.app_id, &fractional, exchange).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());

    // Expired twenty minutes ago, fraction and all: still refused.
    let expired =
        support::assertion_with_claims(&certificate, &claims(now - 1800.25, now - 1200.25));
    let (status, body) = support::post_assertion(&tenant, &app.app_id, &expired, exchange).await;
    assert_eq!(status, 401, "{body}");
    support::assert_entra_error(&body, "invalid_client", 700024);
}

#[tokio::test]
async fn bad_assertions_are_refused_with_entras_codes() {
    let tenant = support::start().await;
    let (app, certificate) = with_certificate(
        &tenant,
        support::register_app(&tenant, "assertions", json!({})),
    );
    let stranger = TestCertificate::new();
    let audience = support::token_url(&tenant);
    let now = support::now();
    let post = |assertion: String| {
        let tenant = &tenant;
        let app_id = app.app_id.clone();
        async move {
            support::post_assertion(
                tenant,
                &app_id,
                &assertion,
                "https://graph.microsoft.com/.default",
            )
            .await
        }
    };

    // Signed by a certificate the app does not have.
    let (status, body) = post(support::assertion(
        &stranger,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app.app_id,
        &audience,
        now,
        now + 300,
    ))
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 700027);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("The key was not found")
    );

    // The app's thumbprint, but signed by another key.
    let mut forged = support::assertion(
        &stranger,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app.app_id,
        &audience,
        now,
        now + 300,
    );
    let genuine_header = support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app.app_id,
        &audience,
        now,
        now + 300,
    );
    let header = genuine_header.split('.').next().unwrap();
    let rest: Vec<&str> = forged.splitn(2, '.').collect();
    forged = format!("{header}.{}", rest[1]);
    let (status, body) = post(forged).await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 700027);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("signature is invalid")
    );

    // Wrong audience.
    let (status, body) = post(support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app.app_id,
        "https://graph.microsoft.com",
        now,
        now + 300,
    ))
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 700027);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("audience")
    );

    // Expired long ago.
    let (status, body) = post(support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app.app_id,
        &audience,
        now - 3600,
        now - 3000,
    ))
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 700024);

    // Valid for longer than ten minutes.
    let (status, body) = post(support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app.app_id,
        &audience,
        now,
        now + 3600,
    ))
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 700024);

    // iss/sub not the client id.
    let other = uuid::Uuid::new_v4().to_string();
    let (status, body) = post(support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &other,
        &audience,
        now,
        now + 300,
    ))
    .await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 700021);

    // Not a JWT at all.
    let (status, body) = post("not-a-jwt".to_owned()).await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_request", 50027);
}

fn azure_options(tenant: &Tenant) -> azure_core::http::ClientOptions {
    let http = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(tenant.ca_pem().as_bytes()).unwrap()])
        .build()
        .unwrap();
    let mut cloud = azure_core::cloud::CustomConfiguration::default();
    cloud.authority_host = tenant.authority_url().to_owned();
    azure_core::http::ClientOptions {
        transport: Some(azure_core::http::Transport::new(Arc::new(http))),
        cloud: Some(Arc::new(cloud.into())),
        ..Default::default()
    }
}

#[tokio::test]
async fn azure_identity_client_secret_credential_gets_a_token_over_tls() {
    let tenant = support::start().await;
    let app = connector_like_app(&tenant);
    let secret = add_secret(&tenant, &app.object_id);
    let credential = ClientSecretCredential::new(
        tenant.tenant_id(),
        app.app_id.clone(),
        Secret::new(secret),
        Some(ClientSecretCredentialOptions {
            client_options: azure_options(&tenant),
        }),
    )
    .unwrap();
    let token = credential
        .get_token(&["https://outlook.office365.com/.default"], None)
        .await
        .expect("a token");
    let claims = tenant
        .state()
        .verify_access_token(token.token.secret(), "https://outlook.office365.com")
        .unwrap();
    assert!(claims.has_role("Exchange.ManageAsApp"));
    assert_eq!(claims.appidacr, "1");

    let wrong = ClientSecretCredential::new(
        tenant.tenant_id(),
        app.app_id.clone(),
        Secret::new("not the secret"),
        Some(ClientSecretCredentialOptions {
            client_options: azure_options(&tenant),
        }),
    )
    .unwrap();
    let error = wrong
        .get_token(&["https://graph.microsoft.com/.default"], None)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("AADSTS7000215"), "{error}");
}

/// A certificate-signed assertion, as a connector builds it for azure_identity.
#[derive(Debug)]
struct CertificateAssertion {
    key_pem: String,
    der: Vec<u8>,
    client_id: String,
    audience: String,
}

#[async_trait::async_trait]
impl ClientAssertion for CertificateAssertion {
    async fn secret(&self, _: Option<ClientMethodOptions<'_>>) -> azure_core::Result<String> {
        let now = support::now();
        let certificate = TestCertificate {
            key_pem: self.key_pem.clone(),
            der: self.der.clone(),
        };
        Ok(support::assertion(
            &certificate,
            Algorithm::PS256,
            Thumbprint::Sha256,
            &self.client_id,
            &self.audience,
            now,
            now + 600,
        ))
    }
}

#[tokio::test]
async fn azure_identity_client_assertion_credential_gets_a_token_over_tls() {
    let tenant = support::start().await;
    let (app, certificate) = with_certificate(&tenant, connector_like_app(&tenant));
    let credential = ClientAssertionCredential::new(
        tenant.tenant_id().to_owned(),
        app.app_id.clone(),
        CertificateAssertion {
            key_pem: certificate.key_pem.clone(),
            der: certificate.der.clone(),
            client_id: app.app_id.clone(),
            audience: support::token_url(&tenant),
        },
        Some(ClientAssertionCredentialOptions {
            client_options: azure_options(&tenant),
        }),
    )
    .unwrap();
    let token = credential
        .get_token(&["https://outlook.office365.com/.default"], None)
        .await
        .expect("a token");
    let claims = tenant
        .state()
        .verify_access_token(token.token.secret(), "https://outlook.office365.com")
        .unwrap();
    assert_eq!(claims.appidacr, "2");
    assert_eq!(claims.wids, Some(vec![EXCHANGE_ADMINISTRATOR.to_owned()]));
    assert!(
        tenant
            .request_log()
            .entries()
            .iter()
            .all(|e| e.path.ends_with("/oauth2/v2.0/token"))
    );
}

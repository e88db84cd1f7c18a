//! Helpers shared by the integration tests: an HTTPS client that trusts the tenant's CA, app
//! registration, certificates, assertions and checks of Entra's error bodies.
#![allow(dead_code)]

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tenant_sim::{DeviceCodeApproval, KnobSettings, Tenant, TenantOptions};

/// A tenant whose device codes may be polled without waiting.
pub async fn start() -> Tenant {
    start_with(KnobSettings {
        device_code_interval_secs: 0,
        ..KnobSettings::default()
    })
    .await
}

/// A tenant with the given knobs.
pub async fn start_with(knobs: KnobSettings) -> Tenant {
    Tenant::start(TenantOptions {
        knobs,
        ..TenantOptions::default()
    })
    .await
    .expect("the tenant starts")
}

/// A tenant whose device codes are approved only by the test.
pub async fn start_manual_device_codes() -> Tenant {
    start_with(KnobSettings {
        device_code_interval_secs: 0,
        device_code_approval: DeviceCodeApproval::Manual,
        ..KnobSettings::default()
    })
    .await
}

/// A reqwest client that trusts the tenant's CA and does not follow redirects.
pub fn client(tenant: &Tenant) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_certs_only([
            reqwest::Certificate::from_pem(tenant.ca_pem().as_bytes()).expect("CA PEM")
        ])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `{authority}/{tenant id}/oauth2/v2.0/token`.
pub fn token_url(tenant: &Tenant) -> String {
    format!("{}/oauth2/v2.0/token", tenant.tenant_authority())
}

/// The payload of a JWT, without verifying it (to read ID tokens).
pub fn jwt_payload(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload"))
        .expect("JSON payload")
}

/// Asserts an Entra error body: `error`, `error_description` starting with `AADSTSnnnn:` and carrying
/// the trace, correlation and timestamp trailer, `error_codes`, ids and `error_uri`.
pub fn assert_entra_error(body: &Value, error: &str, code: u32) {
    assert_eq!(body["error"], error, "error in {body}");
    let description = body["error_description"]
        .as_str()
        .expect("error_description");
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "description: {description}"
    );
    for part in ["Trace ID: ", "Correlation ID: ", "Timestamp: "] {
        assert!(
            description.contains(part),
            "description lacks {part}: {description}"
        );
    }
    assert_eq!(body["error_codes"], json!([code]));
    for id in ["trace_id", "correlation_id"] {
        let text = body[id].as_str().expect("id");
        uuid::Uuid::parse_str(text).expect("ids are GUIDs");
    }
    assert!(body["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(
        body["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
}

/// Posts a form to the token endpoint; returns status and JSON body.
pub async fn post_token(tenant: &Tenant, form: &[(&str, &str)]) -> (u16, Value) {
    post_form(tenant, &token_url(tenant), form).await
}

/// Asks the token endpoint for an app-only token for `scope`, the client proving itself with `assertion`;
/// returns status and JSON body.
pub async fn post_assertion(
    tenant: &Tenant,
    client_id: &str,
    assertion: &str,
    scope: &str,
) -> (u16, Value) {
    post_token(
        tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
            ("scope", scope),
        ],
    )
    .await
}

/// The token endpoint's status for a Graph app-only request of `app_id` with a fresh client assertion
/// signed by `certificate` (RS256, SHA-1 thumbprint).
pub async fn assertion_status(tenant: &Tenant, app_id: &str, certificate: &TestCertificate) -> u16 {
    let issued = now();
    let signed = assertion(
        certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        app_id,
        &token_url(tenant),
        issued,
        issued + 600,
    );
    post_assertion(
        tenant,
        app_id,
        &signed,
        "https://graph.microsoft.com/.default",
    )
    .await
    .0
}

/// Posts a form; returns status and JSON body.
pub async fn post_form(tenant: &Tenant, url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let response = client(tenant)
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

/// A registered application with its service principal.
pub struct App {
    pub app_id: String,
    pub object_id: String,
    pub service_principal_id: String,
}

/// Registers a single-tenant application with a service principal.
pub fn register_app(tenant: &Tenant, name: &str, extra: Value) -> App {
    let mut data = tenant.directory().write();
    let mut json = serde_json::Map::new();
    json.insert("displayName".into(), json!(name));
    json.insert("signInAudience".into(), json!("AzureADMyOrg"));
    if let Value::Object(extra) = extra {
        json.extend(extra);
    }
    let app = data.add_application(json);
    let app_id = app.str("appId").unwrap().to_owned();
    let sp = data
        .add_service_principal(&app_id)
        .expect("service principal");
    App {
        app_id,
        object_id: app.id().to_owned(),
        service_principal_id: sp.id().to_owned(),
    }
}

/// An RSA key and a self-signed certificate for it.
pub struct TestCertificate {
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl TestCertificate {
    pub fn new() -> Self {
        let key =
            rcgen::KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, rcgen::RsaKeySize::_2048)
                .unwrap();
        let params = rcgen::CertificateParams::new(vec!["connector.test".to_owned()]).unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCertificate {
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }

    /// SHA-1 thumbprint bytes.
    pub fn sha1(&self) -> Vec<u8> {
        digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &self.der)
            .as_ref()
            .to_vec()
    }

    /// SHA-256 thumbprint bytes.
    pub fn sha256(&self) -> Vec<u8> {
        digest::digest(&digest::SHA256, &self.der).as_ref().to_vec()
    }
}

/// How to mark the certificate in an assertion header.
#[derive(Clone, Copy)]
pub enum Thumbprint {
    /// `x5t` in standard base64, as azure_identity writes it.
    Sha1StandardBase64,
    /// `x5t` in base64url.
    Sha1Base64Url,
    /// `x5t#S256` in base64url.
    Sha256,
}

/// Builds a client assertion.
pub fn assertion(
    certificate: &TestCertificate,
    algorithm: Algorithm,
    thumbprint: Thumbprint,
    client_id: &str,
    audience: &str,
    not_before: i64,
    expires: i64,
) -> String {
    let mut header = Header::new(algorithm);
    match thumbprint {
        Thumbprint::Sha1StandardBase64 => header.x5t = Some(STANDARD.encode(certificate.sha1())),
        Thumbprint::Sha1Base64Url => header.x5t = Some(URL_SAFE_NO_PAD.encode(certificate.sha1())),
        Thumbprint::Sha256 => header.x5t_s256 = Some(URL_SAFE_NO_PAD.encode(certificate.sha256())),
    }
    let claims = json!({
        "aud": audience,
        "iss": client_id,
        "sub": client_id,
        "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": not_before,
        "iat": not_before,
        "exp": expires,
    });
    let key = EncodingKey::from_rsa_pem(certificate.key_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

/// A client assertion with exactly these claims, signed RS256 and marked with the SHA-1 `x5t`.
pub fn assertion_with_claims(certificate: &TestCertificate, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.x5t = Some(URL_SAFE_NO_PAD.encode(certificate.sha1()));
    let key = EncodingKey::from_rsa_pem(certificate.key_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

/// Unix seconds now.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The `oauth2` crate's async HTTP client over reqwest 0.13 (its own reqwest feature is for 0.12).
pub struct OAuthHttp(pub reqwest::Client);

impl<'c> oauth2::AsyncHttpClient<'c> for OAuthHttp {
    type Error = reqwest::Error;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<oauth2::HttpResponse, reqwest::Error>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut builder = self
                .0
                .request(parts.method, parts.uri.to_string())
                .body(body);
            for (name, value) in &parts.headers {
                builder = builder.header(name, value);
            }
            let response = builder.send().await?;
            let mut out = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                out = out.header(name, value);
            }
            let bytes = response.bytes().await?;
            Ok(out
                .body(bytes.to_vec())
                .expect("a response rebuilt from a valid one"))
        })
    }
}

/// The seeded sign-in client, Microsoft Graph Command Line Tools.
pub const SIGN_IN_CLIENT: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// The delegated scopes the connector signs in with (`docs/microsoft-services.md`, "Who may do what").
pub const CONNECTOR_SCOPES: &[&str] = &[
    "openid",
    "profile",
    "offline_access",
    "User.Read",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
];

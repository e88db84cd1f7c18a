//! Helpers for the Exchange and faults tests: an app set up as the connector sets it up (created
//! directly in the directory), app-only tokens through the real token endpoint, and calls to the
//! Exchange admin endpoint. Declared with `#[path]` next to `mod support;` by the test files using it.
#![allow(dead_code)]

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};
use tenant_sim::Tenant;
use tenant_sim::directory::well_known::{EXCHANGE_ONLINE_APP_ID, EXCHANGE_ONLINE_RESOURCE};

use crate::support::{self, App, TestCertificate, Thumbprint};

/// The `Exchange.ManageAsApp` app role id on Office 365 Exchange Online.
pub const MANAGE_AS_APP_ID: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";

/// The Exchange scope an app-only client asks for.
pub const EXCHANGE_SCOPE: &str = "https://outlook.office365.com/.default";

/// An app with a service principal, a client secret and a certificate.
pub struct ExchangeApp {
    pub app: App,
    pub secret: String,
    pub certificate: TestCertificate,
    pub certificate_key_id: String,
}

/// What an app gets before its first token.
#[derive(Clone, Copy)]
pub struct Setup<'a> {
    /// Grant `Exchange.ManageAsApp` (admin consent of the application permission).
    pub manage_as_app: bool,
    /// Directory roles (template ids) assigned to the service principal.
    pub roles: &'a [&'a str],
}

/// Registers an app and gives it what `setup` says, directly in the directory.
pub fn exchange_app(tenant: &Tenant, setup: Setup<'_>) -> ExchangeApp {
    let app = support::register_app(
        tenant,
        "Connector test",
        json!({"requiredResourceAccess": [{
            "resourceAppId": EXCHANGE_ONLINE_APP_ID,
            "resourceAccess": [{"id": MANAGE_AS_APP_ID, "type": "Role"}]
        }]}),
    );
    let certificate = TestCertificate::new();
    let mut data = tenant.directory().write();
    let secret = data
        .add_client_secret(&app.object_id, "test", None)
        .expect("secret")["secretText"]
        .as_str()
        .expect("secretText")
        .to_owned();
    let key = data
        .add_certificate(&app.object_id, &certificate.der)
        .expect("certificate");
    let certificate_key_id = key["keyId"].as_str().expect("keyId").to_owned();
    if setup.manage_as_app {
        let exchange = data
            .resource_service_principal(EXCHANGE_ONLINE_RESOURCE)
            .expect("Exchange Online service principal")
            .id()
            .to_owned();
        data.grant_app_role(&app.service_principal_id, &exchange, MANAGE_AS_APP_ID)
            .expect("grant Exchange.ManageAsApp");
    }
    for role in setup.roles {
        data.assign_directory_role(&app.service_principal_id, role)
            .expect("assign role");
    }
    drop(data);
    ExchangeApp {
        app,
        secret,
        certificate,
        certificate_key_id,
    }
}

/// Grants `Exchange.ManageAsApp` to an existing app's service principal.
pub fn grant_manage_as_app(tenant: &Tenant, app: &ExchangeApp) {
    let mut data = tenant.directory().write();
    let exchange = data
        .resource_service_principal(EXCHANGE_ONLINE_RESOURCE)
        .expect("Exchange Online service principal")
        .id()
        .to_owned();
    data.grant_app_role(&app.app.service_principal_id, &exchange, MANAGE_AS_APP_ID)
        .expect("grant Exchange.ManageAsApp");
}

/// An app-only token for `scope`, with the client secret. Panics with Entra's answer on failure.
pub async fn secret_token(tenant: &Tenant, app: &ExchangeApp, scope: &str) -> String {
    let (status, body) = support::post_token(
        tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app.app_id),
            ("client_secret", &app.secret),
            ("scope", scope),
        ],
    )
    .await;
    assert_eq!(status, 200, "token endpoint: {body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// Asks for an app-only Exchange token with a certificate assertion; returns status and body.
pub async fn certificate_token_response(tenant: &Tenant, app: &ExchangeApp) -> (u16, Value) {
    let now = support::now();
    let assertion = support::assertion(
        &app.certificate,
        Algorithm::PS256,
        Thumbprint::Sha256,
        &app.app.app_id,
        &support::token_url(tenant),
        now,
        now + 600,
    );
    support::post_assertion(tenant, &app.app.app_id, &assertion, EXCHANGE_SCOPE).await
}

/// The anchor header value an app-only caller sends.
pub fn app_anchor(tenant: &Tenant) -> String {
    format!(
        "APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{}",
        tenant.initial_domain()
    )
}

/// `{exchange}/adminapi/beta/{tenant id}/InvokeCommand`.
pub fn invoke_url(tenant: &Tenant) -> String {
    format!(
        "{}/adminapi/beta/{}/InvokeCommand",
        tenant.exchange_url(),
        tenant.tenant_id()
    )
}

/// An Exchange answer.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// Runs a cmdlet as the ExchangeOnlineManagement module does: token, anchor header and body.
pub async fn invoke(tenant: &Tenant, token: Option<&str>, cmdlet: &str) -> Answer {
    invoke_with(
        tenant,
        &invoke_url(tenant),
        token,
        Some(&app_anchor(tenant)),
        cmdlet,
    )
    .await
}

/// Runs a cmdlet with every part chosen by the caller.
pub async fn invoke_with(
    tenant: &Tenant,
    url: &str,
    token: Option<&str>,
    anchor: Option<&str>,
    cmdlet: &str,
) -> Answer {
    let mut request = support::client(tenant)
        .post(url)
        .json(&json!({"CmdletInput": {"CmdletName": cmdlet, "Parameters": {}}}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(anchor) = anchor {
        request = request.header("X-AnchorMailbox", anchor);
    }
    let response = request.send().await.expect("Exchange answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.expect("a JSON body");
    Answer {
        status,
        headers,
        body,
    }
}

/// Asserts Exchange's OData error shape and returns the message.
pub fn exchange_error<'a>(answer: &'a Answer, status: u16, code: &str) -> &'a str {
    assert_eq!(answer.status, status, "body: {}", answer.body);
    let error = &answer.body["error"];
    assert_eq!(error["code"], code, "body: {}", answer.body);
    let message = error["message"].as_str().expect("error.message");
    assert_eq!(error["innererror"]["message"], message);
    assert_eq!(
        error["innererror"]["type"],
        "Microsoft.Exchange.Admin.OData.Core.ODataServiceException"
    );
    message
}

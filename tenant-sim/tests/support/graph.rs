//! Helpers for the Graph tests: a tenant where the sign-in client's scopes are consented, tokens from the
//! real Entra endpoints (device code for users, client credentials for apps), a small Graph client and a
//! check of Graph's error envelope. Test files declare it beside `mod support;` with
//! `#[path = "support/graph.rs"] mod graph;`.
#![allow(dead_code)]

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use tenant_sim::{KnobSettings, SeedOptions, Tenant, TenantOptions};

use crate::support::{CONNECTOR_SCOPES, SIGN_IN_CLIENT};

/// The connector's delegated Graph scopes without the OpenID ones (what an admin consented tenant-wide).
pub fn graph_scopes() -> Vec<String> {
    CONNECTOR_SCOPES
        .iter()
        .filter(|scope| !["openid", "profile", "offline_access"].contains(scope))
        .map(|scope| (*scope).to_owned())
        .collect()
}

/// A tenant whose sign-in client has the connector's scopes consented for everyone (so every seeded
/// user gets them in `scp`, and Graph's own checks decide), and whose device codes poll without waiting.
pub async fn start() -> Tenant {
    start_with(graph_scopes(), KnobSettings::default()).await
}

/// A tenant with `consented` scopes for the sign-in client and the given knobs.
pub async fn start_with(consented: Vec<String>, knobs: KnobSettings) -> Tenant {
    Tenant::start(TenantOptions {
        seed: SeedOptions {
            sign_in_client_consented_scopes: consented,
            ..SeedOptions::default()
        },
        knobs: KnobSettings {
            device_code_interval_secs: 0,
            ..knobs
        },
    })
    .await
    .expect("the tenant starts")
}

/// A delegated Graph token for `upn`, through the device code flow (approved by the knob).
pub async fn user_token(tenant: &Tenant, upn: &str) -> String {
    tenant
        .knobs()
        .update(|k| k.sign_in_user = Some(upn.to_owned()));
    let scope = CONNECTOR_SCOPES.join(" ");
    let authority = tenant.tenant_authority();
    let (status, code) = crate::support::post_form(
        tenant,
        &format!("{authority}/oauth2/v2.0/devicecode"),
        &[("client_id", SIGN_IN_CLIENT), ("scope", &scope)],
    )
    .await;
    assert_eq!(status, 200, "device code: {code}");
    let device_code = code["device_code"].as_str().expect("device_code");
    let (status, token) = crate::support::post_token(
        tenant,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("device_code", device_code),
        ],
    )
    .await;
    assert_eq!(status, 200, "device code token for {upn}: {token}");
    token["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// The four seeded users' UPNs.
pub fn upn(user: &tenant_sim::SeededUser) -> &str {
    &user.user_principal_name
}

/// Client credentials with a secret for `resource` (`https://graph.microsoft.com`): status and body.
pub async fn app_token_reply(
    tenant: &Tenant,
    client_id: &str,
    secret: &str,
    resource: &str,
) -> (u16, Value) {
    let scope = format!("{resource}/.default");
    crate::support::post_token(
        tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", &scope),
        ],
    )
    .await
}

/// An app-only token for `resource`, which must be issued.
pub async fn app_token(tenant: &Tenant, client_id: &str, secret: &str, resource: &str) -> String {
    let (status, body) = app_token_reply(tenant, client_id, secret, resource).await;
    assert_eq!(status, 200, "client credentials: {body}");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// A registered app with a service principal, a client secret and the given Graph app roles granted.
pub fn app_with_graph_roles(
    tenant: &Tenant,
    name: &str,
    role_ids: &[&str],
) -> (crate::support::App, String) {
    let app = crate::support::register_app(tenant, name, json!({}));
    let mut data = tenant.directory().write();
    let secret = data
        .add_client_secret(&app.object_id, "test", None)
        .unwrap()["secretText"]
        .as_str()
        .unwrap()
        .to_owned();
    let graph = data
        .service_principal_by_app_id(tenant_sim::directory::well_known::MICROSOFT_GRAPH_APP_ID)
        .unwrap()
        .id()
        .to_owned();
    for role in role_ids {
        data.grant_app_role(&app.service_principal_id, &graph, role)
            .unwrap();
    }
    (app, secret)
}

/// A Graph answer.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The JSON body (`Null` when empty).
    pub body: Value,
}

/// A small Graph client: the tenant's Graph URL, a bearer token, JSON in and out.
pub struct Graph {
    client: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl Graph {
    /// A client sending `token` (none: no `Authorization` header).
    pub fn new(tenant: &Tenant, token: Option<String>) -> Self {
        Graph {
            client: crate::support::client(tenant),
            base: format!("{}/v1.0", tenant.graph_url()),
            token,
        }
    }

    /// Sends a request to `path` (relative to `/v1.0`, with its query), with extra headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(serde_json::to_vec(body).unwrap());
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("Graph answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON body")
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, &[]).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(&body), &[]).await
    }

    /// `PATCH path` with a JSON body.
    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PATCH, path, Some(&body), &[]).await
    }

    /// `PATCH path` with `Prefer: create-if-missing` (the upserts).
    pub async fn upsert(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::PATCH,
            path,
            Some(&body),
            &[("prefer", "create-if-missing")],
        )
        .await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, &[]).await
    }
}

/// Asserts Graph's error envelope: status, `code`, `message`, and `innerError` with the request's ids
/// (the `request-id` header equals the body's).
pub fn assert_graph_error(reply: &Reply, status: u16, code: &str, message: &str) {
    assert_eq!(reply.status, status, "status of {:#}", reply.body);
    assert_eq!(
        reply.body["error"]["code"], code,
        "code in {:#}",
        reply.body
    );
    assert_eq!(
        reply.body["error"]["message"], message,
        "message in {:#}",
        reply.body
    );
    let inner = &reply.body["error"]["innerError"];
    let request_id = inner["request-id"].as_str().expect("innerError.request-id");
    uuid::Uuid::parse_str(request_id).expect("request-id is a GUID");
    assert_eq!(
        reply
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok()),
        Some(request_id)
    );
    assert!(inner["date"].as_str().is_some(), "innerError.date");
    assert!(inner["client-request-id"].as_str().is_some());
}

/// 403 Authorization_RequestDenied, Graph's answer to a missing permission or role.
pub fn assert_denied(reply: &Reply) {
    assert_graph_error(
        reply,
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    );
}

/// 404 Request_ResourceNotFound for `id`.
pub fn assert_not_found(reply: &Reply, id: &str) {
    assert_graph_error(
        reply,
        404,
        "Request_ResourceNotFound",
        &format!(
            "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        ),
    );
}

/// The `id` of a created object.
pub fn id_of(reply: &Reply) -> String {
    reply.body["id"].as_str().expect("an id").to_owned()
}

//! The first-party resources carry Microsoft's published permission lists (from the data file): every
//! Microsoft Graph delegated scope resolves at `/authorize` and `/token`, every app role in an app-only
//! token, and a sample of ids is what Microsoft's permissions reference gives.

#[path = "support/graph.rs"]
mod graph;
mod support;

use aws_lc_rs::digest;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tenant_sim::directory::permissions::published;
use tenant_sim::directory::well_known::{EXCHANGE_ONLINE_APP_ID, MICROSOFT_GRAPH_APP_ID};
use tenant_sim::{KnobSettings, SeedOptions, Tenant, TenantOptions};

/// Microsoft Graph's resource identifier.
const GRAPH: &str = "https://graph.microsoft.com";

/// Ids as https://learn.microsoft.com/graph/permissions-reference gives them: (value, delegated id,
/// application id).
const SAMPLE: &[(&str, Option<&str>, Option<&str>)] = &[
    (
        "Organization.Read.All",
        Some("4908d5b9-3fb2-4b1e-9336-1888b7937185"),
        Some("498476ce-e0fe-48b0-b801-37ba7e2685c6"),
    ),
    (
        "RoleManagement.Read.All",
        Some("48fec646-b2ba-4019-8681-8eb31435aded"),
        Some("c7fbd983-d9aa-4fa7-84b8-17382c103bc4"),
    ),
    (
        "DelegatedPermissionGrant.Read.All",
        Some("a197cdc4-a8e8-4d49-9d35-4ca7c83887b4"),
        Some("81b4724a-58aa-41c1-8a55-84ef97466587"),
    ),
    (
        "Directory.AccessAsUser.All",
        Some("0e263e50-5827-48a4-b97c-d940288653c7"),
        None,
    ),
    (
        "User.Read",
        Some("e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
        None,
    ),
    (
        "Application.ReadWrite.All",
        Some("bdfbf15f-ee85-4955-8675-146e8e5296b5"),
        Some("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"),
    ),
];

/// The values of `collection` (`oauth2PermissionScopes`, `appRoles`) of a first-party service principal,
/// read through Graph as a client reads them.
async fn listed(tenant: &Tenant, token: &str, app_id: &str, collection: &str) -> Vec<Value> {
    let response = support::client(tenant)
        .get(format!(
            "{}/v1.0/servicePrincipals(appId='{app_id}')?$select={collection}",
            tenant.graph_url()
        ))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body[collection].as_array().cloned().unwrap_or_default()
}

fn id_of<'a>(items: &'a [Value], value: &str) -> Option<&'a str> {
    items
        .iter()
        .find(|item| item["value"] == value)
        .and_then(|item| item["id"].as_str())
}

#[tokio::test]
async fn every_graph_scope_resolves_at_authorize_and_token() {
    let graph = published(MICROSOFT_GRAPH_APP_ID).expect("Microsoft Graph's list");
    let values: Vec<String> = graph.delegated.iter().map(|s| s.value.clone()).collect();
    // Consented tenant-wide for the sign-in client, so no prompt stands between a scope and its token.
    let tenant = Tenant::start(TenantOptions {
        seed: SeedOptions {
            sign_in_client_consented_scopes: values.clone(),
            ..SeedOptions::default()
        },
        knobs: KnobSettings::default(),
    })
    .await
    .unwrap();
    let client = support::client(&tenant);
    let authority = tenant.tenant_authority();
    let oidc = ["openid", "profile", "email", "offline_access"];
    let mut seen = 0;
    for chunk in values.chunks(80) {
        let scope = chunk.join(" ");
        let verifier = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes().repeat(2));
        let challenge =
            URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref());
        let mut url = url::Url::parse(&format!("{authority}/oauth2/v2.0/authorize")).unwrap();
        url.query_pairs_mut()
            .append_pair("client_id", support::SIGN_IN_CLIENT)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", "http://localhost")
            .append_pair("scope", &scope)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256");
        let response = client.get(url.as_str()).send().await.unwrap();
        assert_eq!(response.status(), 302);
        let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
        let code = location
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("no code for {scope}: {location}"));
        let (status, body) = support::post_token(
            &tenant,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", support::SIGN_IN_CLIENT),
                ("code", &code),
                ("redirect_uri", "http://localhost"),
                ("code_verifier", &verifier),
            ],
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let claims = support::jwt_payload(body["access_token"].as_str().unwrap());
        let scp: Vec<&str> = claims["scp"].as_str().unwrap().split(' ').collect();
        for value in chunk {
            if oidc.contains(&value.as_str()) {
                continue;
            }
            assert!(scp.contains(&value.as_str()), "{value} not in scp");
            seen += 1;
        }
    }
    assert!(seen > 500, "only {seen} scopes");
}

#[tokio::test]
async fn every_graph_app_role_reaches_an_app_only_token() {
    let tenant = support::start().await;
    let published_graph = published(MICROSOFT_GRAPH_APP_ID).expect("Microsoft Graph's list");
    let role_ids: Vec<&str> = published_graph
        .application
        .iter()
        .map(|role| role.id.as_str())
        .collect();
    let (app, secret) = graph::app_with_graph_roles(&tenant, "every role", &role_ids);
    let token = graph::app_token(&tenant, &app.app_id, &secret, GRAPH).await;
    let claims = tenant.state().verify_access_token(&token, GRAPH).unwrap();
    for role in &published_graph.application {
        assert!(claims.has_role(&role.value), "{} not in roles", role.value);
    }
}

#[tokio::test]
async fn sample_ids_are_microsofts() {
    let tenant = support::start().await;
    // Application.Read.All, to read service principals.
    let (app, secret) =
        graph::app_with_graph_roles(&tenant, "reader", &["9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"]);
    let token = graph::app_token(&tenant, &app.app_id, &secret, GRAPH).await;
    let scopes = listed(
        &tenant,
        &token,
        MICROSOFT_GRAPH_APP_ID,
        "oauth2PermissionScopes",
    )
    .await;
    let roles = listed(&tenant, &token, MICROSOFT_GRAPH_APP_ID, "appRoles").await;
    for (value, delegated, application) in SAMPLE {
        assert_eq!(id_of(&scopes, value), *delegated, "delegated {value}");
        if let Some(application) = application {
            assert_eq!(
                id_of(&roles, value),
                Some(*application),
                "application {value}"
            );
        }
    }
    // Admin-only scopes say so, as on https://learn.microsoft.com/graph/permissions-reference.
    let organization = scopes
        .iter()
        .find(|s| s["value"] == "Organization.Read.All")
        .unwrap();
    assert_eq!(organization["type"], "Admin");
    // Office 365 Exchange Online: the ids Microsoft's Exchange pages give.
    let exchange_roles = listed(&tenant, &token, EXCHANGE_ONLINE_APP_ID, "appRoles").await;
    assert_eq!(
        id_of(&exchange_roles, "Exchange.ManageAsApp"),
        Some("dc50a0fb-09a3-484d-be87-e023b12c6440")
    );
    assert_eq!(
        id_of(&exchange_roles, "full_access_as_app"),
        Some("dc890d15-9560-4a4c-9b7f-a736ec74ec40")
    );
    let exchange_scopes = listed(
        &tenant,
        &token,
        EXCHANGE_ONLINE_APP_ID,
        "oauth2PermissionScopes",
    )
    .await;
    assert_eq!(
        id_of(&exchange_scopes, "EWS.AccessAsUser.All"),
        Some("3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5")
    );
}

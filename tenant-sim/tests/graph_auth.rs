//! Graph's front door: who gets in (401 for missing, malformed, expired and wrongly-addressed tokens),
//! the app-only token without `roles`, the request ids on every answer, unknown paths, and the two
//! resources every signed-in user may read, `/organization` and `/me`.

#[path = "support/graph.rs"]
mod graph;
mod support;

use graph::{Graph, assert_denied, assert_graph_error};
use serde_json::{Value, json};
use tenant_sim::KnobSettings;
use tenant_sim::directory::well_known::{
    APPLICATION_ADMINISTRATOR, EXCHANGE_ONLINE_RESOURCE, GLOBAL_ADMINISTRATOR, GRAPH_APP_ROLES,
    MICROSOFT_GRAPH_RESOURCE,
};

fn graph_role(value: &str) -> &'static str {
    GRAPH_APP_ROLES
        .iter()
        .find(|role| role.value == value)
        .expect("a Graph app role")
        .id
}

#[tokio::test]
async fn a_call_without_a_usable_token_is_401() {
    let tenant = graph::start().await;
    let anonymous = Graph::new(&tenant, None);
    let reply = anonymous.get("/organization").await;
    assert_graph_error(
        &reply,
        401,
        "InvalidAuthenticationToken",
        "Access token is empty.",
    );

    let garbage = Graph::new(&tenant, Some("not-a-jwt".to_owned()));
    assert_graph_error(
        &garbage.get("/organization").await,
        401,
        "InvalidAuthenticationToken",
        "CompactToken parsing failed with error code: 80049217",
    );

    // A token the tenant issued for Exchange Online is not for Graph.
    let (app, secret) = graph::app_with_graph_roles(&tenant, "exo caller", &[]);
    let exchange_token =
        graph::app_token(&tenant, &app.app_id, &secret, EXCHANGE_ONLINE_RESOURCE).await;
    let wrong_audience = Graph::new(&tenant, Some(exchange_token));
    assert_graph_error(
        &wrong_audience.get("/organization").await,
        401,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
    );
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let tenant = graph::start().await;
    let token = graph::user_token(&tenant, graph::upn(&tenant.users().global_admin)).await;
    // The same claims, signed by the tenant, but expired a minute ago.
    let mut claims = support::jwt_payload(&token);
    let now = support::now();
    claims["nbf"] = json!(now - 3600);
    claims["iat"] = json!(now - 3600);
    claims["exp"] = json!(now - 60);
    let expired = tenant.state().signing_key.sign(&claims);
    let reply = Graph::new(&tenant, Some(expired)).get("/me").await;
    assert_graph_error(
        &reply,
        401,
        "InvalidAuthenticationToken",
        "Access token has expired or is not yet valid.",
    );
    // The fresh token still works.
    assert_eq!(
        Graph::new(&tenant, Some(token)).get("/me").await.status,
        200
    );
}

#[tokio::test]
async fn an_app_only_token_without_roles_is_refused_by_graph() {
    let tenant = graph::start().await;
    let (app, secret) = graph::app_with_graph_roles(&tenant, "no graph roles", &[]);
    let token = graph::app_token(&tenant, &app.app_id, &secret, MICROSOFT_GRAPH_RESOURCE).await;
    let claims = support::jwt_payload(&token);
    assert!(claims.get("roles").is_none() && claims.get("scp").is_none());
    let app_only = Graph::new(&tenant, Some(token));
    for path in ["/organization", "/applications", "/servicePrincipals"] {
        assert_graph_error(
            &app_only.get(path).await,
            403,
            "AccessDenied",
            "Either scp or roles claim need to be present in the token.",
        );
    }
}

#[tokio::test]
async fn app_only_calls_need_a_granted_app_role() {
    let tenant = graph::start().await;
    let (app, secret) =
        graph::app_with_graph_roles(&tenant, "reader", &[graph_role("Application.Read.All")]);
    let token = graph::app_token(&tenant, &app.app_id, &secret, MICROSOFT_GRAPH_RESOURCE).await;
    let reader = Graph::new(&tenant, Some(token));
    let listed = reader.get("/applications").await;
    assert_eq!(listed.status, 200, "{:#}", listed.body);
    assert_eq!(listed.body["value"][0]["appId"], app.app_id.as_str());
    // Reading applications does not allow writing them, nor reading the organisation.
    assert_denied(
        &reader
            .post("/applications", json!({"displayName": "x"}))
            .await,
    );
    assert_denied(&reader.get("/organization").await);
    // /me is for users only.
    assert_graph_error(
        &reader.get("/me").await,
        400,
        "BadRequest",
        "/me request is only valid with delegated authentication flow.",
    );
}

#[tokio::test]
async fn every_answer_carries_request_ids_and_echoes_the_client_request_id() {
    let tenant = graph::start().await;
    let token = graph::user_token(&tenant, graph::upn(&tenant.users().global_admin)).await;
    let admin = Graph::new(&tenant, Some(token));
    let client_request_id = "7b0d4a6e-2f53-4a0a-9c8e-1f1a2b3c4d5e";
    let reply = admin
        .send(
            reqwest::Method::GET,
            "/organization",
            None,
            &[("client-request-id", client_request_id)],
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["client-request-id"], client_request_id);
    assert!(reply.headers.get("request-id").is_some());
    assert!(
        reply.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json;odata.metadata=minimal")
    );

    let unknown = admin
        .send(
            reqwest::Method::GET,
            "/applicatons",
            None,
            &[("client-request-id", client_request_id)],
        )
        .await;
    assert_graph_error(
        &unknown,
        400,
        "BadRequest",
        "Resource not found for the segment 'applicatons'.",
    );
    assert_eq!(
        unknown.body["error"]["innerError"]["client-request-id"],
        client_request_id
    );
    let wrong_method = admin.delete("/organization").await;
    assert_eq!(wrong_method.status, 405, "{:#}", wrong_method.body);
}

#[tokio::test]
async fn organization_shows_the_tenant_and_user_read_sees_only_three_properties() {
    let tenant = graph::start().await;
    let token = graph::user_token(&tenant, graph::upn(&tenant.users().plain_user)).await;
    let reply = Graph::new(&tenant, Some(token)).get("/organization").await;
    assert_eq!(reply.status, 200, "{:#}", reply.body);
    assert_eq!(
        reply.body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#organization"
    );
    let organization = &reply.body["value"][0];
    assert_eq!(organization["id"], tenant.tenant_id());
    assert_eq!(organization["displayName"], "Contoso");
    let domain = &organization["verifiedDomains"][0];
    assert_eq!(domain["name"], "contoso.onmicrosoft.com");
    assert_eq!(domain["isInitial"], true);
    assert_eq!(domain["isDefault"], true);
    // The connector's scopes carry no Directory.Read.All: User.Read shows id, displayName, verifiedDomains.
    let mut keys: Vec<&str> = organization
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["displayName", "id", "verifiedDomains"]);

    let by_id = Graph::new(
        &tenant,
        Some(graph::user_token(&tenant, graph::upn(&tenant.users().global_admin)).await),
    )
    .get(&format!("/organization/{}", tenant.tenant_id()))
    .await;
    assert_eq!(by_id.status, 200);
    assert_eq!(by_id.body["id"], tenant.tenant_id());
}

#[tokio::test]
async fn a_token_without_graph_scopes_cannot_read_the_organization() {
    // Only the OpenID scopes consented: the token has no Graph permission at all.
    let tenant = graph::start_with(Vec::new(), KnobSettings::default()).await;
    let admin = tenant.users().global_admin.user_principal_name.clone();
    tenant.knobs().update(|k| k.sign_in_user = Some(admin));
    let authority = tenant.tenant_authority();
    let (_, code) = support::post_form(
        &tenant,
        &format!("{authority}/oauth2/v2.0/devicecode"),
        &[
            ("client_id", support::SIGN_IN_CLIENT),
            ("scope", "openid profile"),
        ],
    )
    .await;
    let (status, token) = support::post_token(
        &tenant,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", support::SIGN_IN_CLIENT),
            ("device_code", code["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let graph_token = token["access_token"].as_str().unwrap().to_owned();
    assert_eq!(support::jwt_payload(&graph_token)["scp"], "openid profile");
    // Sign-in scopes are no Graph permission: even a Global Administrator is refused.
    let signed_in = Graph::new(&tenant, Some(graph_token));
    for path in [
        "/organization",
        "/me",
        "/applications",
        "/servicePrincipals",
    ] {
        assert_denied(&signed_in.get(path).await);
    }
}

#[tokio::test]
async fn me_shows_the_signed_in_user_and_only_its_active_roles() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = Graph::new(
        &tenant,
        Some(graph::user_token(&tenant, graph::upn(&users.global_admin)).await),
    );
    let me = admin.get("/me").await;
    assert_eq!(me.status, 200, "{:#}", me.body);
    assert_eq!(me.body["id"], users.global_admin.id.as_str());
    assert_eq!(
        me.body["userPrincipalName"],
        users.global_admin.user_principal_name.as_str()
    );
    assert!(
        me.body.get("accountEnabled").is_none(),
        "not a default property"
    );
    let selected = admin.get("/me?$select=id,accountEnabled").await;
    assert_eq!(selected.body["accountEnabled"], true);
    assert!(selected.body.get("displayName").is_none());

    let roles = |reply: &graph::Reply| -> Vec<String> {
        reply.body["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|role| {
                assert_eq!(role["@odata.type"], "#microsoft.graph.directoryRole");
                role["roleTemplateId"].as_str().unwrap().to_owned()
            })
            .collect()
    };
    assert_eq!(
        roles(&admin.get("/me/memberOf").await),
        [GLOBAL_ADMINISTRATOR]
    );
    let app_admin = Graph::new(
        &tenant,
        Some(graph::user_token(&tenant, graph::upn(&users.application_admin)).await),
    );
    assert_eq!(
        roles(&app_admin.get("/me/transitiveMemberOf").await),
        [APPLICATION_ADMINISTRATOR]
    );
    // The PIM-eligible Privileged Role Administrator is a member of nothing until activated.
    let eligible = Graph::new(
        &tenant,
        Some(graph::user_token(&tenant, graph::upn(&users.eligible_role_admin)).await),
    );
    let none = eligible.get("/me/memberOf").await;
    assert_eq!(none.status, 200);
    assert_eq!(none.body["value"], Value::Array(Vec::new()));
}

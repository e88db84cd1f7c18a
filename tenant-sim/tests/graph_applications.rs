//! `/applications` as the connector uses it: create, find (by id, `appId`, `$filter`, `$select`, paging),
//! `PATCH` with collection replacement, the `uniqueName` upsert, `addPassword` and certificates that
//! Entra then accepts, delete with everything that hangs on it, who may write which app, and the bodies
//! Graph refuses.

#[path = "support/graph.rs"]
mod graph;
mod support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use graph::{Graph, Reply, assert_denied, assert_graph_error, assert_not_found, id_of};
use jsonwebtoken::Algorithm;
use serde_json::{Value, json};
use support::{TestCertificate, Thumbprint};
use tenant_sim::Tenant;
use tenant_sim::directory::well_known::{
    EXCHANGE_ADMINISTRATOR, MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_RESOURCE,
};

const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const EXCHANGE_ONLINE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
const MANAGE_AS_APP: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";

async fn as_user(tenant: &Tenant, user: &tenant_sim::SeededUser) -> Graph {
    Graph::new(
        tenant,
        Some(graph::user_token(tenant, graph::upn(user)).await),
    )
}

async fn admin(tenant: &Tenant) -> Graph {
    as_user(tenant, &tenant.users().global_admin.clone()).await
}

fn connector_app_body(name: &str) -> Value {
    json!({
        "displayName": name,
        "signInAudience": "AzureADMyOrg",
        "tags": ["managed-by-connector"],
        "requiredResourceAccess": [
            {"resourceAppId": MICROSOFT_GRAPH_APP_ID, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]},
            {"resourceAppId": EXCHANGE_ONLINE_APP_ID, "resourceAccess": [{"id": MANAGE_AS_APP, "type": "Role"}]}
        ]
    })
}

/// An application's object id and appId, from the answer that created it.
fn ids(created: &Reply) -> (String, String) {
    (
        id_of(created),
        created.body["appId"].as_str().unwrap().to_owned(),
    )
}

/// Creates an application from `body`, then its service principal: the application's object id and
/// appId, and the service principal's id.
async fn app_with_sp(graph: &Graph, body: Value) -> (String, String, String) {
    let created = graph.post("/applications", body).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let (id, app_id) = ids(&created);
    let sp = graph
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    assert_eq!(sp.status, 201, "{:#}", sp.body);
    (id, app_id, id_of(&sp))
}

#[tokio::test]
async fn creating_an_application_returns_the_full_object_with_server_set_ids() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let created = graph
        .post("/applications", connector_app_body("Identity sync"))
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let app = &created.body;
    assert_eq!(
        app["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#applications/$entity"
    );
    uuid::Uuid::parse_str(app["id"].as_str().unwrap()).unwrap();
    uuid::Uuid::parse_str(app["appId"].as_str().unwrap()).unwrap();
    assert_ne!(app["id"], app["appId"]);
    assert_eq!(app["publisherDomain"], "contoso.onmicrosoft.com");
    assert!(app["createdDateTime"].as_str().unwrap().ends_with('Z'));
    assert_eq!(app["signInAudience"], "AzureADMyOrg");
    assert_eq!(app["keyCredentials"], json!([]));
    assert_eq!(app["passwordCredentials"], json!([]));
    assert_eq!(
        app["requiredResourceAccess"][1]["resourceAppId"],
        EXCHANGE_ONLINE_APP_ID
    );
    assert_eq!(app["web"]["redirectUris"], json!([]));

    // Without signInAudience Graph picks its own default
    // (https://learn.microsoft.com/graph/api/application-post-applications).
    let bare = graph
        .post("/applications", json!({"displayName": "bare"}))
        .await;
    assert_eq!(
        bare.body["signInAudience"],
        "AzureADandPersonalMicrosoftAccount"
    );

    let missing_name = graph
        .post("/applications", json!({"signInAudience": "AzureADMyOrg"}))
        .await;
    assert_graph_error(
        &missing_name,
        400,
        "Request_BadRequest",
        "Property displayName value is required but is empty or missing.",
    );
}

#[tokio::test]
async fn applications_are_found_by_id_app_id_and_filter_with_select_and_paging() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let first = graph
        .post("/applications", connector_app_body("O'Brien's app"))
        .await;
    let second = graph
        .post("/applications", connector_app_body("O'Brien's app"))
        .await;
    graph
        .post("/applications", connector_app_body("Other"))
        .await;
    let (id, app_id) = (
        id_of(&first),
        first.body["appId"].as_str().unwrap().to_owned(),
    );

    let by_id = graph.get(&format!("/applications/{id}")).await;
    assert_eq!(by_id.status, 200);
    assert_eq!(by_id.body["appId"], app_id.as_str());
    let by_app_id = graph.get(&format!("/applications(appId='{app_id}')")).await;
    assert_eq!(by_app_id.status, 200, "{:#}", by_app_id.body);
    assert_eq!(by_app_id.body["id"], id.as_str());

    let unknown = "0d1f6b54-2a3c-4c3e-9a7f-3c1d2e4f5a6b";
    assert_not_found(
        &graph.get(&format!("/applications/{unknown}")).await,
        unknown,
    );
    assert_not_found(
        &graph
            .get(&format!("/applications(appId='{unknown}')"))
            .await,
        unknown,
    );
    // Ids in the path are GUIDs; anything else is refused before any lookup.
    assert_graph_error(
        &graph.get("/applications(appId='Identity sync')").await,
        400,
        "Request_BadRequest",
        "Invalid value specified for object reference property 'appId'. Please ensure that this value has an appropriate syntax and length.",
    );
    assert_graph_error(
        &graph.get("/applications/identity-sync").await,
        400,
        "Request_BadRequest",
        "Invalid object identifier 'identity-sync'.",
    );

    // displayName is not unique: the filter finds both, quotes doubled as OData wants.
    let named = graph
        .get("/applications?$filter=displayName%20eq%20'O''Brien''s%20app'&$select=id,displayName")
        .await;
    assert_eq!(named.status, 200, "{:#}", named.body);
    assert_eq!(
        named.body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#applications(id,displayName)"
    );
    let found: Vec<&Value> = named.body["value"].as_array().unwrap().iter().collect();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0], &json!({"id": id, "displayName": "O'Brien's app"}));
    assert_eq!(found[1]["id"], second.body["id"]);

    let by_filter = graph
        .get(&format!("/applications?$filter=appId eq '{app_id}'"))
        .await;
    assert_eq!(by_filter.body["value"].as_array().unwrap().len(), 1);
    let none = graph
        .get(&format!("/applications?$filter=appId eq '{unknown}'"))
        .await;
    assert_eq!(none.status, 200);
    assert_eq!(none.body["value"], json!([]));

    // Paging: $top=2 of three, then the nextLink gives the rest.
    let page = graph.get("/applications?$top=2&$select=id").await;
    assert_eq!(page.body["value"].as_array().unwrap().len(), 2);
    let next = page.body["@odata.nextLink"].as_str().expect("a next page");
    let rest_path = next.split("/v1.0").nth(1).unwrap();
    let rest = graph.get(rest_path).await;
    assert_eq!(rest.body["value"].as_array().unwrap().len(), 1);
    assert!(rest.body.get("@odata.nextLink").is_none());

    let bad_select = graph.get("/applications?$select=nonsense").await;
    assert_eq!(bad_select.status, 400);
}

#[tokio::test]
async fn patch_replaces_collections_whole_and_answers_204() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let created = graph
        .post("/applications", connector_app_body("patched"))
        .await;
    let id = id_of(&created);
    let reply = graph
        .patch(
            &format!("/applications/{id}"),
            json!({
                "requiredResourceAccess": [
                    {"resourceAppId": MICROSOFT_GRAPH_APP_ID, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]}
                ],
                "web": {"redirectUris": ["http://localhost:8400/"]},
                "tags": []
            }),
        )
        .await;
    assert_eq!(reply.status, 204, "{:#}", reply.body);
    assert_eq!(reply.body, Value::Null);
    let app = graph.get(&format!("/applications/{id}")).await.body;
    assert_eq!(app["requiredResourceAccess"].as_array().unwrap().len(), 1);
    assert_eq!(app["tags"], json!([]));
    assert_eq!(
        app["web"]["redirectUris"],
        json!(["http://localhost:8400/"])
    );
    // A complex value is merged: what the PATCH did not name stays.
    assert_eq!(
        app["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
        false
    );

    let unknown = "6a0f3a3e-1b7e-4a8f-9d1e-2c3b4a5d6e7f";
    assert_not_found(
        &graph
            .patch(&format!("/applications/{unknown}"), json!({"notes": "x"}))
            .await,
        unknown,
    );
}

#[tokio::test]
async fn graph_refuses_bodies_that_do_not_fit_the_type() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let mut body = connector_app_body("typo");
    body["requiredResourceAccess"][0] = json!({
        "resourceAppId": MICROSOFT_GRAPH_APP_ID,
        "resourceAccesses": [{"id": USER_READ, "type": "Scope"}]
    });
    assert_graph_error(
        &graph.post("/applications", body).await,
        400,
        "Request_BadRequest",
        "The property 'resourceAccesses' does not exist on type 'microsoft.graph.requiredResourceAccess'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    );

    let mut body = connector_app_body("bad guid");
    body["requiredResourceAccess"][1]["resourceAccess"][0]["id"] = json!("Exchange.ManageAsApp");
    assert_graph_error(
        &graph.post("/applications", body).await,
        400,
        "Request_BadRequest",
        "Cannot convert the literal 'Exchange.ManageAsApp' to the expected type 'Edm.Guid'.",
    );

    for read_only in ["appId", "id", "publisherDomain"] {
        let mut body = connector_app_body("read only");
        body[read_only] = json!("00000000-0000-0000-0000-000000000001");
        assert_graph_error(
            &graph.post("/applications", body).await,
            400,
            "Request_BadRequest",
            &format!("Property '{read_only}' is read-only and cannot be set."),
        );
    }

    let created = graph.post("/applications", connector_app_body("ok")).await;
    let id = id_of(&created);
    assert_graph_error(
        &graph
            .patch(&format!("/applications/{id}"), json!({"appId": "x"}))
            .await,
        400,
        "Request_BadRequest",
        "Property 'appId' is read-only and cannot be set.",
    );
    assert_graph_error(
        &graph
            .patch(&format!("/applications/{id}"), json!({"displayNam": "x"}))
            .await,
        400,
        "Request_BadRequest",
        "Invalid property 'displayNam'.",
    );

    // Secrets are made by addPassword only.
    let mut body = connector_app_body("secret on create");
    body["passwordCredentials"] = json!([{"displayName": "mine"}]);
    assert_graph_error(
        &graph.post("/applications", body).await,
        400,
        "Request_BadRequest",
        "New password credentials must be generated with service actions.",
    );

    // Not JSON, or not declared as JSON.
    let not_json = graph
        .send(
            reqwest::Method::POST,
            "/applications",
            None,
            &[("content-type", "text/plain")],
        )
        .await;
    assert_graph_error(
        &not_json,
        400,
        "BadRequest",
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );

    // Nothing was created by the refused requests.
    let all = graph.get("/applications?$select=displayName").await;
    assert_eq!(all.body["value"], json!([{"displayName": "ok"}]));
}

#[tokio::test]
async fn the_unique_name_upsert_creates_once_then_updates() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let path = "/applications(uniqueName='identity-sync-connector')";

    // Without Prefer: create-if-missing a missing key is 404, as Graph answers.
    assert_not_found(
        &graph.patch(path, connector_app_body("Identity sync")).await,
        "identity-sync-connector",
    );

    let created = graph
        .upsert(path, connector_app_body("Identity sync"))
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(created.body["uniqueName"], "identity-sync-connector");
    assert_eq!(created.body["displayName"], "Identity sync");
    let id = id_of(&created);

    let updated = graph
        .upsert(path, json!({"displayName": "Identity sync (renamed)"}))
        .await;
    assert_eq!(updated.status, 204, "{:#}", updated.body);
    let apps = graph
        .get("/applications?$filter=uniqueName eq 'identity-sync-connector'")
        .await;
    let value = apps.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 1, "one application, not two");
    assert_eq!(value[0]["id"], id.as_str());
    assert_eq!(value[0]["displayName"], "Identity sync (renamed)");
    assert_eq!(graph.get(path).await.body["id"], id.as_str());

    // The key in the body must be the key in the URL.
    let mismatch = graph
        .upsert(path, json!({"uniqueName": "another", "displayName": "x"}))
        .await;
    assert_eq!(mismatch.status, 400, "{:#}", mismatch.body);
}

#[tokio::test]
async fn add_password_shows_the_secret_once_and_entra_accepts_it() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let (id, app_id, _) = app_with_sp(&graph, connector_app_body("secret")).await;

    let reply = graph
        .post(
            &format!("/applications/{id}/addPassword"),
            json!({"passwordCredential": {"displayName": "connector secret"}}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:#}", reply.body);
    let secret = reply.body["secretText"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 16);
    assert_eq!(reply.body["displayName"], "connector secret");
    assert_eq!(reply.body["hint"], &secret[..3]);
    let key_id = reply.body["keyId"].as_str().unwrap().to_owned();

    let app = graph.get(&format!("/applications/{id}")).await.body;
    assert_eq!(app["passwordCredentials"][0]["keyId"], key_id.as_str());
    assert_eq!(app["passwordCredentials"][0]["secretText"], Value::Null);

    // Entra's client-credentials flow takes the new secret.
    let token = graph::app_token(&tenant, &app_id, &secret, MICROSOFT_GRAPH_RESOURCE).await;
    assert_eq!(support::jwt_payload(&token)["appid"], app_id.as_str());
    let (status, body) =
        graph::app_token_reply(&tenant, &app_id, "wrong-secret", MICROSOFT_GRAPH_RESOURCE).await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 7000215);

    let bad = graph
        .post(
            &format!("/applications/{id}/addPassword"),
            json!({"passwordCredential": {"secretText": "chosen by me"}}),
        )
        .await;
    assert_graph_error(
        &bad,
        400,
        "Request_BadRequest",
        "Property 'secretText' is read-only and cannot be set.",
    );
}

#[tokio::test]
async fn a_certificate_sent_with_the_app_signs_client_assertions_entra_accepts() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let certificate = TestCertificate::new();
    let mut body = connector_app_body("certificate");
    body["keyCredentials"] = json!([{
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "key": STANDARD.encode(&certificate.der),
        "displayName": "CN=connector"
    }]);
    let created = graph.post("/applications", body).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let credential = &created.body["keyCredentials"][0];
    assert_eq!(credential["key"], Value::Null, "key only on $select");
    assert_eq!(credential["displayName"], "CN=connector");
    assert_eq!(
        credential["customKeyIdentifier"],
        STANDARD.encode(certificate.sha1())
    );
    let (id, app_id) = ids(&created);

    let selected = graph
        .get(&format!("/applications/{id}?$select=keyCredentials"))
        .await;
    assert_eq!(
        selected.body["keyCredentials"][0]["key"],
        STANDARD.encode(&certificate.der)
    );

    graph
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    let token_url = support::token_url(&tenant);
    let assertion = support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app_id,
        &token_url,
        support::now(),
        support::now() + 300,
    );
    let (status, body) = support::post_assertion(
        &tenant,
        &app_id,
        &assertion,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Rotating by PATCH replaces the collection: the old certificate no longer signs in.
    let newer = TestCertificate::new();
    let reply = graph
        .patch(
            &format!("/applications/{id}"),
            json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": STANDARD.encode(&newer.der)}]}),
        )
        .await;
    assert_eq!(reply.status, 204, "{:#}", reply.body);
    let stale = support::assertion(
        &certificate,
        Algorithm::RS256,
        Thumbprint::Sha1Base64Url,
        &app_id,
        &token_url,
        support::now(),
        support::now() + 300,
    );
    let (status, body) = support::post_assertion(
        &tenant,
        &app_id,
        &stale,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(status, 401, "{body}");
    support::assert_entra_error(&body, "invalid_client", 700027);

    let not_a_certificate = graph
        .patch(
            &format!("/applications/{id}"),
            json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": STANDARD.encode(b"nonsense")}]}),
        )
        .await;
    assert_eq!(
        not_a_certificate.status, 400,
        "{:#}",
        not_a_certificate.body
    );
}

#[tokio::test]
async fn a_pem_body_with_line_breaks_is_a_key_and_credentials_sent_back_as_read_are_kept() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let first = TestCertificate::new();
    // The certificate's PEM body as it stands in the file: 64-character lines, CRLF, a stray space.
    let encoded = STANDARD.encode(&first.der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    let pem_body = format!(" {}\r\n", lines.join("\r\n"));
    let mut body = connector_app_body("pem body");
    body["keyCredentials"] =
        json!([{"type": "AsymmetricX509Cert", "usage": "Verify", "key": pem_body}]);
    let (id, app_id, _) = app_with_sp(&graph, body).await;
    assert_eq!(
        support::assertion_status(&tenant, &app_id, &first).await,
        200
    );

    // Read the collection as Graph returns it (key: null), append one, write it back.
    let read = graph.get(&format!("/applications/{id}")).await;
    let mut credentials = read.body["keyCredentials"].as_array().unwrap().clone();
    assert_eq!(credentials[0]["key"], Value::Null);
    let second = TestCertificate::new();
    credentials.push(json!({"type": "AsymmetricX509Cert", "usage": "Verify",
                            "key": STANDARD.encode(&second.der)}));
    let patched = graph
        .patch(
            &format!("/applications/{id}"),
            json!({"keyCredentials": credentials}),
        )
        .await;
    assert_eq!(patched.status, 204, "{:#}", patched.body);
    let after = graph
        .get(&format!("/applications/{id}?$select=keyCredentials"))
        .await;
    let after = after.body["keyCredentials"].as_array().unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["keyId"], read.body["keyCredentials"][0]["keyId"]);
    assert_eq!(after[0]["key"], STANDARD.encode(&first.der));
    assert_eq!(
        support::assertion_status(&tenant, &app_id, &first).await,
        200,
        "the first is kept"
    );
    assert_eq!(
        support::assertion_status(&tenant, &app_id, &second).await,
        200
    );

    // A keyless credential the application does not have is still refused.
    let unknown = graph
        .patch(
            &format!("/applications/{id}"),
            json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify",
                   "keyId": "11111111-2222-4333-8444-555555555555", "key": null}]}),
        )
        .await;
    assert_graph_error(
        &unknown,
        400,
        "Request_BadRequest",
        "Property keyCredentials.key value is required but is empty or missing.",
    );
}

#[tokio::test]
async fn deleting_an_application_takes_its_service_principal_assignments_and_grants() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let (id, _, sp) = app_with_sp(&graph, connector_app_body("doomed")).await;
    let exo = id_of(
        &graph
            .get(&format!(
                "/servicePrincipals(appId='{EXCHANGE_ONLINE_APP_ID}')"
            ))
            .await,
    );
    let ms_graph = id_of(
        &graph
            .get(&format!(
                "/servicePrincipals(appId='{MICROSOFT_GRAPH_APP_ID}')"
            ))
            .await,
    );
    let role = graph
        .post(
            "/roleManagement/directory/roleAssignments",
            json!({"roleDefinitionId": EXCHANGE_ADMINISTRATOR, "principalId": sp, "directoryScopeId": "/"}),
        )
        .await;
    assert_eq!(role.status, 201, "{:#}", role.body);
    let app_role = graph
        .post(
            &format!("/servicePrincipals/{exo}/appRoleAssignedTo"),
            json!({"principalId": sp, "resourceId": exo, "appRoleId": MANAGE_AS_APP}),
        )
        .await;
    assert_eq!(app_role.status, 201, "{:#}", app_role.body);
    let grant = graph
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": sp, "consentType": "AllPrincipals", "resourceId": ms_graph, "scope": "User.Read"}),
        )
        .await;
    assert_eq!(grant.status, 201, "{:#}", grant.body);

    let deleted = graph.delete(&format!("/applications/{id}")).await;
    assert_eq!(deleted.status, 204, "{:#}", deleted.body);
    assert_not_found(&graph.get(&format!("/applications/{id}")).await, &id);
    assert_not_found(&graph.get(&format!("/servicePrincipals/{sp}")).await, &sp);
    let roles = graph
        .get(&format!(
            "/roleManagement/directory/roleAssignments?$filter=principalId eq '{sp}'"
        ))
        .await;
    assert_eq!(roles.body["value"], json!([]));
    let assigned = graph
        .get(&format!("/servicePrincipals/{exo}/appRoleAssignedTo"))
        .await;
    assert_eq!(assigned.body["value"], json!([]));
    let grants = graph
        .get(&format!(
            "/oauth2PermissionGrants?$filter=clientId eq '{sp}'"
        ))
        .await;
    assert_eq!(grants.body["value"], json!([]));
    assert_not_found(&graph.delete(&format!("/applications/{id}")).await, &id);
}

#[tokio::test]
async fn members_write_their_own_apps_and_application_admins_any() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let member = as_user(&tenant, &users.plain_user).await;
    let other = as_user(&tenant, &users.eligible_role_admin).await;
    let app_admin = as_user(&tenant, &users.application_admin).await;

    // A member may register an app and then owns it.
    let own = member
        .post("/applications", connector_app_body("mine"))
        .await;
    assert_eq!(own.status, 201, "{:#}", own.body);
    let id = id_of(&own);
    let path = format!("/applications/{id}");
    assert_eq!(
        member
            .patch(&path, json!({"notes": "by owner"}))
            .await
            .status,
        204
    );
    assert_eq!(
        member
            .post(&format!("{path}/addPassword"), json!({}))
            .await
            .status,
        200
    );
    // Another member (an eligible, not active, PRA) may read it but not change it.
    assert_eq!(other.get(&path).await.status, 200);
    assert_denied(&other.patch(&path, json!({"notes": "not mine"})).await);
    assert_denied(&other.post(&format!("{path}/addPassword"), json!({})).await);
    assert_denied(&other.delete(&path).await);
    // An Application Administrator may change any app.
    assert_eq!(
        app_admin
            .patch(&path, json!({"notes": "by admin"}))
            .await
            .status,
        204
    );
    assert_eq!(member.get(&path).await.body["notes"], "by admin");
    assert_eq!(app_admin.delete(&path).await.status, 204);
}

#[tokio::test]
async fn a_patch_may_drop_a_secret_but_not_add_one() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let (id, app_id, _) = app_with_sp(&graph, connector_app_body("secrets")).await;
    let path = format!("/applications/{id}");
    let first = graph
        .post(&format!("{path}/addPassword"), json!({}))
        .await
        .body;
    let second = graph
        .post(&format!("{path}/addPassword"), json!({}))
        .await
        .body;
    assert_graph_error(
        &graph
            .patch(
                &path,
                json!({"passwordCredentials": [{"keyId": "3c0e1f2a-4b5c-4d6e-8f70-8192a3b4c5d6"}]}),
            )
            .await,
        400,
        "Request_BadRequest",
        "New password credentials must be generated with service actions.",
    );
    let kept = graph
        .patch(
            &path,
            json!({"passwordCredentials": [{"keyId": second["keyId"]}]}),
        )
        .await;
    assert_eq!(kept.status, 204, "{:#}", kept.body);
    let app = graph.get(&path).await.body;
    assert_eq!(app["passwordCredentials"].as_array().unwrap().len(), 1);
    assert_eq!(app["passwordCredentials"][0]["keyId"], second["keyId"]);
    assert_eq!(app["passwordCredentials"][0]["hint"], second["hint"]);
    // The dropped secret no longer signs in; the kept one does.
    let dropped = first["secretText"].as_str().unwrap();
    let (status, body) =
        graph::app_token_reply(&tenant, &app_id, dropped, MICROSOFT_GRAPH_RESOURCE).await;
    assert_eq!(status, 401, "{body}");
    graph::app_token(
        &tenant,
        &app_id,
        second["secretText"].as_str().unwrap(),
        MICROSOFT_GRAPH_RESOURCE,
    )
    .await;
}

#[tokio::test]
async fn owners_of_an_application_are_listed() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let member = as_user(&tenant, &users.plain_user).await;
    let created = member
        .post("/applications", connector_app_body("owned"))
        .await;
    let id = id_of(&created);
    let owners = member.get(&format!("/applications/{id}/owners")).await;
    assert_eq!(owners.status, 200, "{:#}", owners.body);
    let listed = owners.body["value"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{:#}", owners.body);
    // A user owner as Graph lists it: its type and default properties.
    assert_eq!(listed[0]["@odata.type"], "#microsoft.graph.user");
    assert_eq!(listed[0]["id"], users.plain_user.id);
    assert_eq!(listed[0]["displayName"], users.plain_user.display_name);
    assert_eq!(
        listed[0]["userPrincipalName"],
        users.plain_user.user_principal_name
    );
    assert_eq!(listed[0]["mail"], users.plain_user.user_principal_name);
    assert!(listed[0].get("accountEnabled").is_none());
    let unknown = "11111111-2222-4333-8444-555555555555";
    assert_not_found(
        &member.get(&format!("/applications/{unknown}/owners")).await,
        unknown,
    );
}

#[tokio::test]
async fn an_app_with_owned_by_sees_and_writes_only_the_apps_it_owns() {
    let tenant = graph::start().await;
    let graph = admin(&tenant).await;
    let foreign = id_of(
        &graph
            .post("/applications", connector_app_body("foreign"))
            .await,
    );
    let owned_by = tenant_sim::directory::well_known::GRAPH_APP_ROLES
        .iter()
        .find(|role| role.value == "Application.ReadWrite.OwnedBy")
        .expect("Application.ReadWrite.OwnedBy is seeded")
        .id;
    let (automation, secret) = graph::app_with_graph_roles(&tenant, "automation", &[owned_by]);
    let token = graph::app_token(
        &tenant,
        &automation.app_id,
        &secret,
        MICROSOFT_GRAPH_RESOURCE,
    )
    .await;
    let app_only = Graph::new(&tenant, Some(token));

    let created = app_only
        .post("/applications", connector_app_body("made by automation"))
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let own = id_of(&created);
    let listed = app_only.get("/applications?$select=id").await;
    assert_eq!(listed.body["value"], json!([{"id": own}]));
    assert_not_found(
        &app_only.get(&format!("/applications/{foreign}")).await,
        &foreign,
    );
    assert_eq!(
        app_only
            .patch(&format!("/applications/{own}"), json!({"notes": "mine"}))
            .await
            .status,
        204
    );
    assert_denied(
        &app_only
            .patch(
                &format!("/applications/{foreign}"),
                json!({"notes": "not mine"}),
            )
            .await,
    );
    // The owner is the automation's service principal.
    let owners = graph.get(&format!("/applications/{own}/owners")).await;
    assert_eq!(
        owners.body["value"][0]["id"],
        automation.service_principal_id.as_str()
    );
    assert_eq!(
        owners.body["value"][0]["@odata.type"],
        "#microsoft.graph.servicePrincipal"
    );
}

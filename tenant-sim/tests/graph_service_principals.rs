//! `/servicePrincipals`: the seeded Microsoft services, create and the `appId` upsert (with
//! `NoBackingApplicationObject` while the application has not replicated), filters, delete, and the
//! application permissions granted with `appRoleAssignedTo` — by whom, on which resource.

#[path = "support/graph.rs"]
mod graph;
mod support;

use std::time::Duration;

use graph::{Graph, assert_denied, assert_graph_error, assert_not_found, id_of};
use serde_json::{Value, json};
use tenant_sim::directory::well_known::{
    EXCHANGE_ONLINE_APP_ID, GRAPH_APP_ROLES, MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_RESOURCE,
};
use tenant_sim::{KnobSettings, Tenant};

const MANAGE_AS_APP: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";
const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

async fn as_user(tenant: &Tenant, user: &tenant_sim::SeededUser) -> Graph {
    Graph::new(
        tenant,
        Some(graph::user_token(tenant, graph::upn(user)).await),
    )
}

fn graph_role(value: &str) -> &'static str {
    GRAPH_APP_ROLES
        .iter()
        .find(|role| role.value == value)
        .expect("a Graph app role")
        .id
}

/// Creates an app and its service principal through Graph; returns (appId, service principal id).
async fn app_with_sp(graph: &Graph, name: &str) -> (String, String) {
    let app = graph
        .post(
            "/applications",
            json!({"displayName": name, "signInAudience": "AzureADMyOrg"}),
        )
        .await;
    assert_eq!(app.status, 201, "{:#}", app.body);
    let app_id = app.body["appId"].as_str().unwrap().to_owned();
    let sp = graph
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    assert_eq!(sp.status, 201, "{:#}", sp.body);
    (app_id, id_of(&sp))
}

#[tokio::test]
async fn the_microsoft_services_are_found_by_app_id_with_their_roles_and_scopes() {
    let tenant = graph::start().await;
    let graph = as_user(&tenant, &tenant.users().plain_user.clone()).await;
    let ms_graph = graph
        .get(&format!(
            "/servicePrincipals(appId='{MICROSOFT_GRAPH_APP_ID}')?$select=id,appRoles,oauth2PermissionScopes"
        ))
        .await;
    assert_eq!(ms_graph.status, 200, "{:#}", ms_graph.body);
    assert_eq!(
        ms_graph.body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,appRoles,oauth2PermissionScopes)/$entity"
    );
    let scope = ms_graph.body["oauth2PermissionScopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["value"] == "User.Read")
        .expect("User.Read");
    assert_eq!(scope["id"], USER_READ);
    assert!(ms_graph.body.get("displayName").is_none());

    let exo = graph
        .get(&format!(
            "/servicePrincipals(appId='{EXCHANGE_ONLINE_APP_ID}')"
        ))
        .await;
    assert_eq!(exo.body["displayName"], "Office 365 Exchange Online");
    let role = exo.body["appRoles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == "Exchange.ManageAsApp")
        .expect("Exchange.ManageAsApp");
    assert_eq!(role["id"], MANAGE_AS_APP);
    let by_id = graph
        .get(&format!("/servicePrincipals/{}", id_of(&exo)))
        .await;
    assert_eq!(by_id.body["appId"], EXCHANGE_ONLINE_APP_ID);

    let filtered = graph
        .get("/servicePrincipals?$filter=displayName eq 'Microsoft Graph'&$select=appId")
        .await;
    assert_eq!(
        filtered.body["value"],
        json!([{"appId": MICROSOFT_GRAPH_APP_ID}])
    );
    let by_app_id = graph
        .get(&format!(
            "/servicePrincipals?$filter=appId eq '{EXCHANGE_ONLINE_APP_ID}'&$select=id"
        ))
        .await;
    assert_eq!(by_app_id.body["value"][0]["id"], exo.body["id"]);
    let unknown = "3f0c2b1a-9d8e-4f7a-8b6c-5d4e3f2a1b0c";
    assert_not_found(
        &graph
            .get(&format!("/servicePrincipals(appId='{unknown}')"))
            .await,
        unknown,
    );
}

#[tokio::test]
async fn creating_a_service_principal_needs_its_application() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let (app_id, sp_id) = app_with_sp(&admin, "with sp").await;
    let sp = admin.get(&format!("/servicePrincipals/{sp_id}")).await;
    assert_eq!(sp.body["appId"], app_id.as_str());
    assert_eq!(sp.body["displayName"], "with sp");
    assert_eq!(sp.body["appOwnerOrganizationId"], tenant.tenant_id());
    assert_eq!(sp.body["servicePrincipalType"], "Application");

    let again = admin
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    assert_eq!(again.status, 409, "{:#}", again.body);
    assert_eq!(
        again.body["error"]["code"],
        "Request_MultipleObjectsWithSameKeyValue"
    );

    let nobody = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e";
    let orphan = admin
        .post("/servicePrincipals", json!({"appId": nobody}))
        .await;
    assert_graph_error(
        &orphan,
        400,
        "Request_BadRequest",
        &format!(
            "The appId '{nobody}' of the service principal does not reference a valid application object."
        ),
    );
    assert_eq!(
        orphan.body["error"]["details"],
        json!([{"code": "NoBackingApplicationObject", "target": "appId"}])
    );
    let missing = admin.post("/servicePrincipals", json!({})).await;
    assert_graph_error(
        &missing,
        400,
        "Request_BadRequest",
        "Property appId value is required but is empty or missing.",
    );
    let read_only = admin
        .post(
            "/servicePrincipals",
            json!({"appId": app_id, "appOwnerOrganizationId": tenant.tenant_id()}),
        )
        .await;
    assert_graph_error(
        &read_only,
        400,
        "Request_BadRequest",
        "Property 'appOwnerOrganizationId' is read-only and cannot be set.",
    );
}

#[tokio::test]
async fn the_app_id_upsert_creates_once_then_updates() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let app = admin
        .post("/applications", json!({"displayName": "upserted"}))
        .await;
    let app_id = app.body["appId"].as_str().unwrap().to_owned();
    let path = format!("/servicePrincipals(appId='{app_id}')");
    assert_not_found(&admin.patch(&path, json!({})).await, &app_id);

    let created = admin
        .upsert(
            &path,
            json!({"tags": ["WindowsAzureActiveDirectoryIntegratedApp"]}),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(created.body["appId"], app_id.as_str());
    assert_eq!(
        created.body["tags"],
        json!(["WindowsAzureActiveDirectoryIntegratedApp"])
    );
    let updated = admin.upsert(&path, json!({"notes": "second run"})).await;
    assert_eq!(updated.status, 204, "{:#}", updated.body);
    let all = admin
        .get(&format!("/servicePrincipals?$filter=appId eq '{app_id}'"))
        .await;
    let value = all.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 1);
    assert_eq!(value[0]["notes"], "second run");

    let orphan = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let reply = admin
        .upsert(&format!("/servicePrincipals(appId='{orphan}')"), json!({}))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.body["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );

    let deleted = admin.delete(&path).await;
    assert_eq!(deleted.status, 204);
    assert_not_found(&admin.get(&path).await, &app_id);
}

#[tokio::test]
async fn a_service_principal_for_a_new_application_fails_like_entra_until_replication_catches_up() {
    let tenant = graph::start_with(
        graph::graph_scopes(),
        KnobSettings {
            replication_lag: Duration::from_secs(30),
            ..KnobSettings::default()
        },
    )
    .await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let created = admin
        .post("/applications", json!({"displayName": "just created"}))
        .await;
    // The creating call itself sees the object.
    assert_eq!(created.status, 201, "{:#}", created.body);
    let (id, app_id) = (
        id_of(&created),
        created.body["appId"].as_str().unwrap().to_owned(),
    );

    // Every other call does not, yet.
    let sp = admin
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    assert_eq!(sp.status, 400, "{:#}", sp.body);
    assert_eq!(
        sp.body["error"]["details"],
        json!([{"code": "NoBackingApplicationObject", "target": "appId"}])
    );
    assert_not_found(&admin.get(&format!("/applications/{id}")).await, &id);
    let listed = admin
        .get(&format!("/applications?$filter=appId eq '{app_id}'"))
        .await;
    assert_eq!(listed.body["value"], json!([]));
    let secret = admin
        .post(&format!("/applications/{id}/addPassword"), json!({}))
        .await;
    assert_not_found(&secret, &id);
    // Entra does not know the app yet either.
    let secret_text = tenant
        .directory()
        .write()
        .add_client_secret(&id, "direct", None)
        .unwrap()["secretText"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) =
        graph::app_token_reply(&tenant, &app_id, &secret_text, MICROSOFT_GRAPH_RESOURCE).await;
    assert_eq!(status, 400, "{body}");
    support::assert_entra_error(&body, "unauthorized_client", 700016);

    // Once replication has caught up, the same calls succeed.
    tenant
        .knobs()
        .update(|k| k.replication_lag = Duration::ZERO);
    let sp = admin
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    assert_eq!(sp.status, 201, "{:#}", sp.body);
    assert_eq!(admin.get(&format!("/applications/{id}")).await.status, 200);
}

#[tokio::test]
async fn a_client_polling_with_backoff_gets_its_service_principal_within_the_lag() {
    let lag = Duration::from_millis(1200);
    let tenant = graph::start_with(
        graph::graph_scopes(),
        KnobSettings {
            replication_lag: lag,
            ..KnobSettings::default()
        },
    )
    .await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let started = std::time::Instant::now();
    let created = admin
        .post("/applications", json!({"displayName": "retried"}))
        .await;
    let app_id = created.body["appId"].as_str().unwrap().to_owned();
    let mut attempts = 0;
    let sp = loop {
        attempts += 1;
        let reply = admin
            .post("/servicePrincipals", json!({"appId": app_id}))
            .await;
        if reply.status != 400 || attempts == 40 {
            break reply;
        }
        assert_eq!(
            reply.body["error"]["details"][0]["code"],
            "NoBackingApplicationObject"
        );
        // A real client's backoff between retries (not synchronisation: the loop checks the outcome).
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(sp.status, 201, "{:#}", sp.body);
    assert!(attempts > 1, "the first attempt must have been refused");
    assert!(started.elapsed() >= lag);
}

#[tokio::test]
async fn app_role_assignments_are_checked_and_duplicates_refused() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let (_, client) = app_with_sp(&admin, "consented").await;
    let exo = id_of(
        &admin
            .get(&format!(
                "/servicePrincipals(appId='{EXCHANGE_ONLINE_APP_ID}')"
            ))
            .await,
    );
    let path = format!("/servicePrincipals/{exo}/appRoleAssignedTo");
    let body = json!({"principalId": client, "resourceId": exo, "appRoleId": MANAGE_AS_APP});
    let created = admin.post(&path, body.clone()).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(created.body["principalType"], "ServicePrincipal");
    assert_eq!(created.body["principalDisplayName"], "consented");
    assert_eq!(
        created.body["resourceDisplayName"],
        "Office 365 Exchange Online"
    );
    assert_eq!(created.body["appRoleId"], MANAGE_AS_APP);
    assert_eq!(created.body["deletedDateTime"], Value::Null);
    let assignment_id = id_of(&created);

    assert_graph_error(
        &admin.post(&path, body.clone()).await,
        400,
        "Request_BadRequest",
        "Permission being assigned already exists on the object",
    );
    let mut not_a_guid = body.clone();
    not_a_guid["appRoleId"] = json!("Exchange.ManageAsApp");
    assert_graph_error(
        &admin.post(&path, not_a_guid).await,
        400,
        "Request_BadRequest",
        "Cannot convert the literal 'Exchange.ManageAsApp' to the expected type 'Edm.Guid'.",
    );
    let mut not_a_role = body.clone();
    not_a_role["appRoleId"] = json!(USER_READ);
    assert_graph_error(
        &admin.post(&path, not_a_role).await,
        400,
        "Request_BadRequest",
        &format!(
            "Permission being assigned was not found on application '{EXCHANGE_ONLINE_APP_ID}'."
        ),
    );
    let mut other_resource = body.clone();
    other_resource["resourceId"] = json!(client);
    assert_eq!(admin.post(&path, other_resource).await.status, 400);
    let ghost = "8c9d0e1f-2a3b-4c5d-8e6f-7a8b9c0d1e2f";
    let mut unknown_principal = body.clone();
    unknown_principal["principalId"] = json!(ghost);
    assert_not_found(&admin.post(&path, unknown_principal).await, ghost);
    assert_not_found(
        &admin
            .post(
                &format!("/servicePrincipals/{ghost}/appRoleAssignedTo"),
                body,
            )
            .await,
        ghost,
    );

    let listed = admin.get(&path).await;
    assert_eq!(listed.status, 200);
    let ids: Vec<&Value> = listed.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, [&json!(assignment_id)]);
    let held = admin
        .get(&format!("/servicePrincipals/{client}/appRoleAssignments"))
        .await;
    assert_eq!(held.body["value"][0]["resourceId"], exo.as_str());

    let deleted = admin.delete(&format!("{path}/{assignment_id}")).await;
    assert_eq!(deleted.status, 204);
    assert_eq!(admin.get(&path).await.body["value"], json!([]));
    assert_not_found(
        &admin.delete(&format!("{path}/{assignment_id}")).await,
        &assignment_id,
    );
}

#[tokio::test]
async fn application_admins_grant_exchange_but_not_microsoft_graph_app_roles() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let app_admin = as_user(&tenant, &users.application_admin).await;
    let eligible = as_user(&tenant, &users.eligible_role_admin).await;
    let (_, client) = app_with_sp(&admin, "permissions").await;
    let resource = |app_id: &str| format!("/servicePrincipals(appId='{app_id}')");
    let exo = id_of(&admin.get(&resource(EXCHANGE_ONLINE_APP_ID)).await);
    let ms_graph = id_of(&admin.get(&resource(MICROSOFT_GRAPH_APP_ID)).await);
    let directory_read = graph_role("Directory.Read.All");

    let on_graph =
        json!({"principalId": client, "resourceId": ms_graph, "appRoleId": directory_read});
    let on_exo = json!({"principalId": client, "resourceId": exo, "appRoleId": MANAGE_AS_APP});
    let graph_path = format!("/servicePrincipals/{ms_graph}/appRoleAssignedTo");
    let exo_path = format!("/servicePrincipals/{exo}/appRoleAssignedTo");

    assert_denied(&app_admin.post(&graph_path, on_graph.clone()).await);
    assert_denied(&eligible.post(&exo_path, on_exo.clone()).await);
    assert_eq!(app_admin.post(&exo_path, on_exo).await.status, 201);
    assert_eq!(admin.post(&graph_path, on_graph).await.status, 201);
}

#[tokio::test]
async fn app_only_callers_grant_with_app_role_assignment_and_application_read() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let (_, client) = app_with_sp(&admin, "target").await;
    let exo = id_of(
        &admin
            .get(&format!(
                "/servicePrincipals(appId='{EXCHANGE_ONLINE_APP_ID}')"
            ))
            .await,
    );
    let body = json!({"principalId": client, "resourceId": exo, "appRoleId": MANAGE_AS_APP});
    let path = format!("/servicePrincipals/{exo}/appRoleAssignedTo");

    // AppRoleAssignment.ReadWrite.All alone is not enough
    // (https://github.com/microsoftgraph/microsoft-graph-docs/issues/11378).
    let (alone, secret) = graph::app_with_graph_roles(
        &tenant,
        "assigner alone",
        &[graph_role("AppRoleAssignment.ReadWrite.All")],
    );
    let token = graph::app_token(&tenant, &alone.app_id, &secret, MICROSOFT_GRAPH_RESOURCE).await;
    assert_denied(
        &Graph::new(&tenant, Some(token))
            .post(&path, body.clone())
            .await,
    );

    let (paired, secret) = graph::app_with_graph_roles(
        &tenant,
        "assigner",
        &[
            graph_role("AppRoleAssignment.ReadWrite.All"),
            graph_role("Application.Read.All"),
        ],
    );
    let token = graph::app_token(&tenant, &paired.app_id, &secret, MICROSOFT_GRAPH_RESOURCE).await;
    let reply = Graph::new(&tenant, Some(token)).post(&path, body).await;
    assert_eq!(reply.status, 201, "{:#}", reply.body);
}

#[tokio::test]
async fn a_member_needs_application_developer_to_create_the_service_principal_of_its_own_app() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let member = as_user(&tenant, &users.plain_user).await;
    let app_admin = as_user(&tenant, &users.application_admin).await;
    let app = member
        .post(
            "/applications",
            json!({"displayName": "member's app", "signInAudience": "AzureADMyOrg"}),
        )
        .await;
    assert_eq!(app.status, 201, "{:#}", app.body);
    let app_id = app.body["appId"].as_str().unwrap().to_owned();
    assert_denied(
        &member
            .post("/servicePrincipals", json!({"appId": app_id}))
            .await,
    );
    assert_denied(
        &member
            .upsert(&format!("/servicePrincipals(appId='{app_id}')"), json!({}))
            .await,
    );
    // With Application Developer the owner may.
    tenant
        .directory()
        .write()
        .assign_directory_role(
            &users.plain_user.id,
            tenant_sim::directory::well_known::APPLICATION_DEVELOPER,
        )
        .unwrap();
    let created = member
        .post("/servicePrincipals", json!({"appId": app_id}))
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    // An Application Administrator may create and delete any app's service principal.
    assert_eq!(
        app_admin
            .delete(&format!("/servicePrincipals/{}", id_of(&created)))
            .await
            .status,
        204
    );
    assert_eq!(
        app_admin
            .post("/servicePrincipals", json!({"appId": app_id}))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn owners_bound_on_create_may_change_the_app() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let member = as_user(&tenant, &users.plain_user).await;
    let created = admin
        .post(
            "/applications",
            json!({
                "displayName": "co-owned",
                "owners@odata.bind": [format!("https://graph.microsoft.com/v1.0/directoryObjects/{}", users.plain_user.id)]
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert!(created.body.get("owners@odata.bind").is_none());
    let path = format!("/applications/{}", id_of(&created));
    assert_eq!(
        member
            .patch(&path, json!({"notes": "co-owner"}))
            .await
            .status,
        204
    );
    let ghost = "7d6c5b4a-3928-4716-8504-a3b2c1d0e9f8";
    let unknown_owner = admin
        .post(
            "/applications",
            json!({
                "displayName": "ghost-owned",
                "owners@odata.bind": [format!("https://graph.microsoft.com/v1.0/directoryObjects/{ghost}")]
            }),
        )
        .await;
    assert_not_found(&unknown_owner, ghost);
}

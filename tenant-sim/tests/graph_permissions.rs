//! Delegated permission grants (`/oauth2PermissionGrants`) and directory roles
//! (`/roleManagement/directory`): create, find, widen, delete, the duplicate answers, who may write them,
//! and how a connector finds a user's eligible-but-inactive roles.

#[path = "support/graph.rs"]
mod graph;
mod support;

use std::time::Duration;

use graph::{Graph, assert_denied, assert_graph_error, assert_not_found, id_of};
use serde_json::{Value, json};
use tenant_sim::Tenant;
use tenant_sim::directory::well_known::{
    DIRECTORY_WRITERS, EXCHANGE_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, MICROSOFT_GRAPH_APP_ID,
    PRIVILEGED_ROLE_ADMINISTRATOR, USER_ADMINISTRATOR,
};

async fn as_user(tenant: &Tenant, user: &tenant_sim::SeededUser) -> Graph {
    Graph::new(
        tenant,
        Some(graph::user_token(tenant, graph::upn(user)).await),
    )
}

/// An app and its service principal created through Graph; the service principal's id.
async fn client_sp(graph: &Graph, name: &str) -> String {
    let app = graph
        .post("/applications", json!({"displayName": name}))
        .await;
    let app_id = app.body["appId"].as_str().unwrap().to_owned();
    id_of(
        &graph
            .post("/servicePrincipals", json!({"appId": app_id}))
            .await,
    )
}

async fn graph_sp(graph: &Graph) -> String {
    id_of(
        &graph
            .get(&format!(
                "/servicePrincipals(appId='{MICROSOFT_GRAPH_APP_ID}')"
            ))
            .await,
    )
}

#[tokio::test]
async fn a_delegated_grant_is_created_once_then_widened_and_deleted() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let client = client_sp(&admin, "delegated").await;
    let resource = graph_sp(&admin).await;
    let body = json!({
        "clientId": client,
        "consentType": "AllPrincipals",
        "resourceId": resource,
        "scope": "User.Read"
    });
    let created = admin.post("/oauth2PermissionGrants", body.clone()).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(created.body["principalId"], Value::Null);
    let id = id_of(&created);
    // The id is Graph's shape: base64url of the client and resource GUIDs (43 characters).
    assert_eq!(id.len(), 43);

    assert_graph_error(
        &admin.post("/oauth2PermissionGrants", body).await,
        409,
        "Request_MultipleObjectsWithSameKeyValue",
        "Permission entry already exists.",
    );

    let found = admin
        .get(&format!(
            "/oauth2PermissionGrants?$filter=clientId eq '{client}' and resourceId eq '{resource}' and consentType eq 'AllPrincipals'"
        ))
        .await;
    assert_eq!(found.status, 200, "{:#}", found.body);
    assert_eq!(found.body["value"].as_array().unwrap().len(), 1);
    assert_eq!(found.body["value"][0]["id"], id.as_str());

    let widened = admin
        .patch(
            &format!("/oauth2PermissionGrants/{id}"),
            json!({"scope": "User.Read Directory.Read.All"}),
        )
        .await;
    assert_eq!(widened.status, 204, "{:#}", widened.body);
    let grant = admin.get(&format!("/oauth2PermissionGrants/{id}")).await;
    assert_eq!(grant.body["scope"], "User.Read Directory.Read.All");
    let moved = admin
        .patch(
            &format!("/oauth2PermissionGrants/{id}"),
            json!({"clientId": resource}),
        )
        .await;
    assert_eq!(moved.status, 400, "{:#}", moved.body);

    // A per-user grant for the same pair is another key.
    let user = tenant.users().plain_user.id.clone();
    let personal = admin
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": client, "consentType": "Principal", "principalId": user, "resourceId": resource, "scope": "User.Read"}),
        )
        .await;
    assert_eq!(personal.status, 201, "{:#}", personal.body);
    assert_eq!(id_of(&personal).len(), 64);
    let without_principal = admin
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": client, "consentType": "Principal", "resourceId": resource, "scope": "User.Read"}),
        )
        .await;
    assert_eq!(without_principal.status, 400);

    assert_eq!(
        admin
            .delete(&format!("/oauth2PermissionGrants/{id}"))
            .await
            .status,
        204
    );
    assert_not_found(
        &admin.get(&format!("/oauth2PermissionGrants/{id}")).await,
        &id,
    );
}

#[tokio::test]
async fn grants_naming_unknown_or_unreplicated_principals_are_not_found() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let resource = graph_sp(&admin).await;
    let ghost = "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6";
    let reply = admin
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": ghost, "consentType": "AllPrincipals", "resourceId": resource, "scope": "User.Read"}),
        )
        .await;
    assert_eq!(reply.status, 404, "{:#}", reply.body);
    assert_eq!(reply.body["error"]["code"], "Directory_ObjectNotFound");

    // Under a replication lag of 60 s, a service principal created a moment ago is not visible to
    // other calls yet.
    let client = client_sp(&admin, "fresh").await;
    tenant
        .knobs()
        .update(|k| k.replication_lag = Duration::from_secs(60));
    let reply = admin
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": client, "consentType": "AllPrincipals", "resourceId": resource, "scope": "User.Read"}),
        )
        .await;
    assert_eq!(reply.body["error"]["code"], "Directory_ObjectNotFound");
    let role = admin
        .post(
            "/roleManagement/directory/roleAssignments",
            json!({"roleDefinitionId": EXCHANGE_ADMINISTRATOR, "principalId": client, "directoryScopeId": "/"}),
        )
        .await;
    assert_not_found(&role, &client);
    tenant
        .knobs()
        .update(|k| k.replication_lag = Duration::ZERO);
    let reply = admin
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": client, "consentType": "AllPrincipals", "resourceId": resource, "scope": "User.Read"}),
        )
        .await;
    assert_eq!(reply.status, 201, "{:#}", reply.body);
}

#[tokio::test]
async fn who_may_read_and_write_delegated_grants() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let app_admin = as_user(&tenant, &users.application_admin).await;
    let member = as_user(&tenant, &users.plain_user).await;
    let client = client_sp(&admin, "grants").await;
    let resource = graph_sp(&admin).await;
    let body = json!({"clientId": client, "consentType": "AllPrincipals", "resourceId": resource, "scope": "User.Read"});
    assert_denied(&member.post("/oauth2PermissionGrants", body.clone()).await);
    let created = app_admin.post("/oauth2PermissionGrants", body).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let path = format!("/oauth2PermissionGrants/{}", id_of(&created));
    let wider = json!({"scope": "User.Read Directory.Read.All"});
    assert_denied(&member.patch(&path, wider.clone()).await);
    assert_denied(&member.delete(&path).await);
    assert_eq!(app_admin.patch(&path, wider).await.status, 204);
    // Listing needs Directory.Read.All or DelegatedPermissionGrant.ReadWrite.All and a reader role.
    assert_denied(&member.get("/oauth2PermissionGrants").await);
    assert_eq!(app_admin.get("/oauth2PermissionGrants").await.status, 200);
}

#[tokio::test]
async fn role_definitions_are_the_built_in_roles_by_template_id() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let listed = admin
        .get("/roleManagement/directory/roleDefinitions?$filter=displayName eq 'Exchange Administrator'")
        .await;
    assert_eq!(listed.status, 200, "{:#}", listed.body);
    assert_eq!(
        listed.body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleDefinitions"
    );
    assert_eq!(listed.body["value"][0]["id"], EXCHANGE_ADMINISTRATOR);
    assert_eq!(
        listed.body["value"][0]["templateId"],
        EXCHANGE_ADMINISTRATOR
    );
    let one = admin
        .get(&format!(
            "/roleManagement/directory/roleDefinitions/{DIRECTORY_WRITERS}"
        ))
        .await;
    assert_eq!(one.body["displayName"], "Directory Writers");
    let unknown = "44444444-4444-4444-8444-444444444444";
    assert_not_found(
        &admin
            .get(&format!(
                "/roleManagement/directory/roleDefinitions/{unknown}"
            ))
            .await,
        unknown,
    );
}

#[tokio::test]
async fn role_assignments_are_created_found_and_deleted_by_a_global_administrator() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let sp = client_sp(&admin, "roles").await;
    let path = "/roleManagement/directory/roleAssignments";
    let mut ids = Vec::new();
    for role in [
        DIRECTORY_WRITERS,
        EXCHANGE_ADMINISTRATOR,
        USER_ADMINISTRATOR,
    ] {
        let created = admin
            .post(
                path,
                json!({
                    "@odata.type": "#microsoft.graph.unifiedRoleAssignment",
                    "roleDefinitionId": role,
                    "principalId": sp,
                    "directoryScopeId": "/"
                }),
            )
            .await;
        assert_eq!(created.status, 201, "{:#}", created.body);
        assert_eq!(created.body["roleDefinitionId"], role);
        assert_eq!(created.body["principalId"], sp.as_str());
        assert!(created.body["id"].as_str().unwrap().ends_with("-1"));
        ids.push(id_of(&created));
    }
    assert_graph_error(
        &admin
            .post(
                path,
                json!({"roleDefinitionId": DIRECTORY_WRITERS, "principalId": sp, "directoryScopeId": "/"}),
            )
            .await,
        400,
        "Request_BadRequest",
        "A conflicting object with one or more of the specified property values is present in the directory.",
    );
    let ghost = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    assert_not_found(
        &admin
            .post(
                path,
                json!({"roleDefinitionId": DIRECTORY_WRITERS, "principalId": ghost}),
            )
            .await,
        ghost,
    );
    let bad_body = admin
        .post(
            path,
            json!({"roleDefinitionId": DIRECTORY_WRITERS, "principal": sp}),
        )
        .await;
    assert_eq!(bad_body.status, 400, "{:#}", bad_body.body);

    let mine = admin
        .get(&format!("{path}?$filter=principalId eq '{sp}'"))
        .await;
    let mut found: Vec<String> = mine.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["roleDefinitionId"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    let mut expected = vec![
        DIRECTORY_WRITERS.to_owned(),
        EXCHANGE_ADMINISTRATOR.to_owned(),
        USER_ADMINISTRATOR.to_owned(),
    ];
    expected.sort();
    assert_eq!(found, expected);
    let admins = admin
        .get(&format!(
            "{path}?$filter=roleDefinitionId eq '{GLOBAL_ADMINISTRATOR}'"
        ))
        .await;
    assert_eq!(
        admins.body["value"][0]["principalId"],
        tenant.users().global_admin.id.as_str()
    );
    assert_eq!(
        admin.get(&format!("{path}/{}", ids[0])).await.body["principalId"],
        sp.as_str()
    );

    assert_eq!(
        admin.delete(&format!("{path}/{}", ids[0])).await.status,
        204
    );
    assert_not_found(&admin.get(&format!("{path}/{}", ids[0])).await, &ids[0]);
    assert_not_found(&admin.delete(&format!("{path}/{}", ids[0])).await, &ids[0]);
}

#[tokio::test]
async fn only_an_active_privileged_role_administrator_or_global_admin_assigns_roles() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let sp = client_sp(&admin, "role target").await;
    let body = json!({"roleDefinitionId": EXCHANGE_ADMINISTRATOR, "principalId": sp, "directoryScopeId": "/"});
    let path = "/roleManagement/directory/roleAssignments";

    let app_admin = as_user(&tenant, &users.application_admin).await;
    assert_denied(&app_admin.post(path, body.clone()).await);
    // Eligible for Privileged Role Administrator, but not activated: refused.
    let eligible = as_user(&tenant, &users.eligible_role_admin).await;
    assert_denied(&eligible.post(path, body.clone()).await);

    // Once the role is active, the same user may (Graph reads the roles at call time).
    tenant
        .directory()
        .write()
        .assign_directory_role(&users.eligible_role_admin.id, PRIVILEGED_ROLE_ADMINISTRATOR)
        .unwrap();
    let created = eligible.post(path, body).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(
        eligible
            .delete(&format!("{path}/{}", id_of(&created)))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn eligible_roles_show_only_in_the_eligibility_schedule_instances() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let eligible = as_user(&tenant, &users.eligible_role_admin).await;
    let own = eligible
        .get("/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='principal')")
        .await;
    assert_eq!(own.status, 200, "{:#}", own.body);
    assert_eq!(own.body["value"].as_array().unwrap().len(), 1);
    assert_eq!(
        own.body["value"][0]["roleDefinitionId"],
        PRIVILEGED_ROLE_ADMINISTRATOR
    );
    assert_eq!(
        own.body["value"][0]["principalId"],
        users.eligible_role_admin.id.as_str()
    );
    let active = eligible
        .get("/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')")
        .await;
    assert_eq!(active.body["value"], json!([]));
    // The whole list needs a reader role: the eligible user has none active.
    assert_denied(
        &eligible
            .get("/roleManagement/directory/roleEligibilityScheduleInstances")
            .await,
    );
    assert_denied(
        &eligible
            .get("/roleManagement/directory/roleAssignments")
            .await,
    );

    let admin = as_user(&tenant, &users.global_admin).await;
    let all = admin
        .get(&format!(
            "/roleManagement/directory/roleEligibilityScheduleInstances?$filter=principalId eq '{}'",
            users.eligible_role_admin.id
        ))
        .await;
    assert_eq!(all.body["value"].as_array().unwrap().len(), 1);
    let assigned = admin
        .get("/roleManagement/directory/roleAssignmentScheduleInstances/filterByCurrentUser(on='principal')")
        .await;
    assert_eq!(assigned.body["value"][0]["assignmentType"], "Assigned");
    assert_eq!(
        assigned.body["value"][0]["roleDefinitionId"],
        GLOBAL_ADMINISTRATOR
    );
    let bad = admin
        .get("/roleManagement/directory/roleEligibilityScheduleInstances/filterByCurrentUser(on='directoryScope')")
        .await;
    assert_eq!(bad.status, 400);
}

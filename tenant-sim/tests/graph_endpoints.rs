//! The Graph endpoints an app-registration tool uses beyond the connector's own flow, `$expand` and
//! `$count`, and the honest answer for what Graph serves but tenant-sim does not (501) next to Graph's
//! own 400 for segments Graph does not have.

#[path = "support/graph.rs"]
mod graph;
mod support;

use graph::{Graph, assert_denied, assert_graph_error, assert_not_found, id_of};
use serde_json::{Value, json};
use tenant_sim::directory::permissions::published;
use tenant_sim::directory::well_known::{
    APPLICATION_ADMINISTRATOR, EXCHANGE_ONLINE_APP_ID, GLOBAL_ADMINISTRATOR,
    MICROSOFT_GRAPH_APP_ID, PRIVILEGED_ROLE_ADMINISTRATOR,
};
use tenant_sim::{SeededUser, Tenant};

const MANAGE_AS_APP: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";

async fn as_user(tenant: &Tenant, user: &SeededUser) -> Graph {
    Graph::new(
        tenant,
        Some(graph::user_token(tenant, graph::upn(user)).await),
    )
}

/// The id of a published Microsoft Graph app role.
fn graph_role(value: &str) -> String {
    published(MICROSOFT_GRAPH_APP_ID)
        .unwrap()
        .application
        .iter()
        .find(|role| role.value == value)
        .unwrap_or_else(|| panic!("{value} is published"))
        .id
        .clone()
}

/// A Graph client for an app holding these Graph app roles.
async fn as_app(tenant: &Tenant, name: &str, roles: &[&str]) -> (support::App, Graph) {
    let ids: Vec<String> = roles.iter().map(|role| graph_role(role)).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (app, secret) = graph::app_with_graph_roles(tenant, name, &ids);
    let token = graph::app_token(tenant, &app.app_id, &secret, "https://graph.microsoft.com").await;
    (app, Graph::new(tenant, Some(token)))
}

fn sp_id(tenant: &Tenant, app_id: &str) -> String {
    tenant
        .directory()
        .read()
        .service_principal_by_app_id(app_id)
        .unwrap()
        .id()
        .to_owned()
}

#[tokio::test]
async fn app_role_assignments_are_granted_from_the_principal_side_with_the_same_rules() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let client = support::register_app(&tenant, "client", json!({}));
    let exchange = sp_id(&tenant, EXCHANGE_ONLINE_APP_ID);
    let path = format!(
        "/servicePrincipals/{}/appRoleAssignments",
        client.service_principal_id
    );
    let body = json!({"principalId": client.service_principal_id, "resourceId": exchange,
                      "appRoleId": MANAGE_AS_APP});
    let created = admin.post(&path, body.clone()).await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(
        created.body["@odata.context"],
        format!(
            "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('{}')/appRoleAssignments/$entity",
            client.service_principal_id
        )
    );
    assert_eq!(created.body["resourceId"], exchange);
    assert_eq!(created.body["principalType"], "ServicePrincipal");
    assert_eq!(
        created.body["resourceDisplayName"],
        "Office 365 Exchange Online"
    );
    // The same assignment from either side is a repeat.
    assert_graph_error(
        &admin.post(&path, body.clone()).await,
        400,
        "Request_BadRequest",
        "Permission being assigned already exists on the object",
    );
    let resource_side = admin
        .post(
            &format!("/servicePrincipals/{exchange}/appRoleAssignedTo"),
            body,
        )
        .await;
    assert_eq!(resource_side.status, 400);
    let listed = admin.get(&path).await;
    assert_eq!(listed.body["value"][0]["id"], created.body["id"]);

    // The body must name the URL's principal.
    let other = support::register_app(&tenant, "other", json!({}));
    let mismatch = admin
        .post(
            &path,
            json!({"principalId": other.service_principal_id, "resourceId": exchange,
                   "appRoleId": MANAGE_AS_APP}),
        )
        .await;
    assert_eq!(mismatch.status, 400);
    // An Application Administrator may not grant Microsoft Graph app roles, from this side either.
    let app_admin = as_user(&tenant, &users.application_admin).await;
    let graph_sp = sp_id(&tenant, MICROSOFT_GRAPH_APP_ID);
    assert_denied(
        &app_admin
            .post(
                &path,
                json!({"principalId": client.service_principal_id, "resourceId": graph_sp,
                       "appRoleId": graph_role("Application.Read.All")}),
            )
            .await,
    );
    let unknown = "11111111-2222-4333-8444-555555555555";
    assert_not_found(
        &admin
            .post(
                &path,
                json!({"principalId": client.service_principal_id, "resourceId": unknown,
                       "appRoleId": MANAGE_AS_APP}),
            )
            .await,
        unknown,
    );
}

/// A proof of possession for addKey/removeKey, signed with `certificate`'s key.
fn proof(certificate: &support::TestCertificate, application_object_id: &str) -> String {
    let now = support::now();
    support::assertion_with_claims(
        certificate,
        &json!({"aud": "00000002-0000-0000-c000-000000000000", "iss": application_object_id,
                "nbf": now, "exp": now + 600}),
    )
}

#[tokio::test]
async fn credential_actions_roll_keys_and_secrets() {
    use base64::Engine;
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let app = support::register_app(&tenant, "rolling", json!({}));
    let first = support::TestCertificate::new();
    tenant
        .directory()
        .write()
        .add_certificate(&app.object_id, &first.der)
        .unwrap();
    let actions = format!("/applications/{}", app.object_id);

    // addPassword under its namespaced name, then removePassword: the secret stops working.
    let secret = admin
        .post(
            &format!("{actions}/microsoft.graph.addPassword"),
            json!({"passwordCredential": {"displayName": "rolled"}}),
        )
        .await;
    assert_eq!(secret.status, 200, "{:#}", secret.body);
    let text = secret.body["secretText"].as_str().unwrap().to_owned();
    let (status, _) =
        graph::app_token_reply(&tenant, &app.app_id, &text, "https://graph.microsoft.com").await;
    assert_eq!(status, 200);
    let removed = admin
        .post(
            &format!("{actions}/removePassword"),
            json!({"keyId": secret.body["keyId"]}),
        )
        .await;
    assert_eq!(removed.status, 204, "{:#}", removed.body);
    let (status, body) =
        graph::app_token_reply(&tenant, &app.app_id, &text, "https://graph.microsoft.com").await;
    assert_eq!(status, 401);
    support::assert_entra_error(&body, "invalid_client", 7000215);

    // addKey, proven with the current certificate: the new one signs assertions.
    let second = support::TestCertificate::new();
    let key = base64::engine::general_purpose::STANDARD.encode(&second.der);
    let added = admin
        .post(
            &format!("{actions}/addKey"),
            json!({"keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify", "key": key,
                                     "displayName": "CN=second"},
                   "passwordCredential": null, "proof": proof(&first, &app.object_id)}),
        )
        .await;
    assert_eq!(added.status, 200, "{:#}", added.body);
    assert_eq!(
        added.body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.keyCredential"
    );
    assert_eq!(added.body["displayName"], "CN=second");
    assert_eq!(added.body["key"], Value::Null);
    assert_eq!(
        support::assertion_status(&tenant, &app.app_id, &second).await,
        200
    );

    // A proof signed by a certificate the app does not have is refused.
    let stranger = support::TestCertificate::new();
    let forged = admin
        .post(
            &format!("{actions}/addKey"),
            json!({"keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify", "key": key},
                   "proof": proof(&stranger, &app.object_id)}),
        )
        .await;
    assert_eq!(forged.status, 400, "{:#}", forged.body);
    assert!(
        forged.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not signed by a current certificate")
    );

    // removeKey of the first, proven by the second; the first no longer signs.
    let first_id = tenant.directory().read().client_certificates(&app.app_id)[0]
        .key_id
        .clone();
    let gone = admin
        .post(
            &format!("{actions}/microsoft.graph.removeKey"),
            json!({"keyId": first_id, "proof": proof(&second, &app.object_id)}),
        )
        .await;
    assert_eq!(gone.status, 204, "{:#}", gone.body);
    assert_eq!(
        support::assertion_status(&tenant, &app.app_id, &first).await,
        401
    );
    assert_eq!(
        support::assertion_status(&tenant, &app.app_id, &second).await,
        200
    );
}

#[tokio::test]
async fn an_application_rolls_its_own_key_without_any_graph_permission() {
    use base64::Engine;
    let tenant = graph::start().await;
    let app = support::register_app(&tenant, "self-rolling", json!({}));
    let (current, secret) = {
        let certificate = support::TestCertificate::new();
        let mut data = tenant.directory().write();
        data.add_certificate(&app.object_id, &certificate.der)
            .unwrap();
        let secret = data.add_client_secret(&app.object_id, "s", None).unwrap()["secretText"]
            .as_str()
            .unwrap()
            .to_owned();
        (certificate, secret)
    };
    // Client credentials without any Graph app role: neither scp nor roles.
    let token =
        graph::app_token(&tenant, &app.app_id, &secret, "https://graph.microsoft.com").await;
    let itself = Graph::new(&tenant, Some(token));
    let next = support::TestCertificate::new();
    let added = itself
        .post(
            &format!("/applications/{}/addKey", app.object_id),
            json!({"keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify",
                                     "key": base64::engine::general_purpose::STANDARD.encode(&next.der)},
                   "proof": proof(&current, &app.object_id)}),
        )
        .await;
    assert_eq!(added.status, 200, "{:#}", added.body);
    // Another application's keys are not its to roll.
    let other = support::register_app(&tenant, "not mine", json!({}));
    let refused = itself
        .post(
            &format!("/applications/{}/addPassword", other.object_id),
            json!({}),
        )
        .await;
    assert_eq!(refused.status, 403, "{:#}", refused.body);
}

#[tokio::test]
async fn service_principal_owners_and_grants_and_type_casts() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let app = admin
        .post(
            "/applications",
            json!({"displayName": "owned sp", "signInAudience": "AzureADMyOrg"}),
        )
        .await;
    let app_id = app.body["appId"].as_str().unwrap().to_owned();
    let bind = format!(
        "https://graph.microsoft.com/v1.0/directoryObjects/{}",
        users.plain_user.id
    );
    let sp = admin
        .post(
            "/servicePrincipals",
            json!({"appId": app_id, "owners@odata.bind": [bind]}),
        )
        .await;
    assert_eq!(sp.status, 201, "{:#}", sp.body);
    let sp = id_of(&sp);
    let owners = admin.get(&format!("/servicePrincipals/{sp}/owners")).await;
    assert_eq!(owners.status, 200, "{:#}", owners.body);
    assert_eq!(owners.body["value"][0]["id"], users.plain_user.id);
    let users_only = admin
        .get(&format!(
            "/servicePrincipals/{sp}/owners/microsoft.graph.user"
        ))
        .await;
    assert_eq!(users_only.body["value"].as_array().unwrap().len(), 1);
    let sps_only = admin
        .get(&format!(
            "/servicePrincipals/{sp}/owners/microsoft.graph.servicePrincipal"
        ))
        .await;
    assert_eq!(sps_only.body["value"], json!([]));
    assert_graph_error(
        &admin
            .get(&format!(
                "/servicePrincipals/{sp}/owners/microsoft.graph.nothing"
            ))
            .await,
        400,
        "BadRequest",
        "Resource not found for the segment 'microsoft.graph.nothing'.",
    );
    let expanded = admin
        .get(&format!(
            "/servicePrincipals/{sp}?$select=id&$expand=owners"
        ))
        .await;
    assert_eq!(expanded.body["owners"][0]["id"], users.plain_user.id);

    // The delegated grants the service principal holds as a client.
    let graph_sp = sp_id(&tenant, MICROSOFT_GRAPH_APP_ID);
    let grant = admin
        .post(
            "/oauth2PermissionGrants",
            json!({"clientId": sp, "consentType": "AllPrincipals", "resourceId": graph_sp,
                   "scope": "User.Read"}),
        )
        .await;
    assert_eq!(grant.status, 201, "{:#}", grant.body);
    let grants = admin
        .get(&format!("/servicePrincipals/{sp}/oauth2PermissionGrants"))
        .await;
    assert_eq!(grants.status, 200, "{:#}", grants.body);
    assert_eq!(grants.body["value"][0]["id"], grant.body["id"]);

    // memberOf cast to directory roles.
    let roles = admin
        .get("/me/memberOf/microsoft.graph.directoryRole")
        .await;
    assert_eq!(roles.status, 200, "{:#}", roles.body);
    assert_eq!(
        roles.body["value"][0]["roleTemplateId"],
        GLOBAL_ADMINISTRATOR
    );
    let groups = admin
        .get("/me/transitiveMemberOf/microsoft.graph.group")
        .await;
    assert_eq!(groups.body["value"], json!([]));
}

#[tokio::test]
async fn users_directory_roles_and_domains() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let member = as_user(&tenant, &users.plain_user).await;
    let own = member.get(&format!("/users/{}", users.plain_user.id)).await;
    assert_eq!(own.status, 200, "{:#}", own.body);
    assert_eq!(
        own.body["userPrincipalName"],
        users.plain_user.user_principal_name
    );
    assert!(
        own.body.get("accountEnabled").is_none(),
        "default properties"
    );
    // User.Read reads the signed-in user only.
    assert_denied(
        &member
            .get(&format!("/users/{}", users.global_admin.id))
            .await,
    );

    let (_, reader) = as_app(
        &tenant,
        "directory reader",
        &[
            "User.Read.All",
            "Domain.Read.All",
            "RoleManagement.Read.Directory",
        ],
    )
    .await;
    let by_upn = reader
        .get(&format!(
            "/users/{}?$select=id,accountEnabled",
            users.global_admin.user_principal_name
        ))
        .await;
    assert_eq!(
        by_upn.body,
        json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,accountEnabled)/$entity",
               "id": users.global_admin.id, "accountEnabled": true})
    );
    let listed = reader
        .get("/users?$filter=startswith(displayName,'Plain')")
        .await;
    assert_eq!(listed.body["value"][0]["id"], users.plain_user.id);
    let unknown = "11111111-2222-4333-8444-555555555555";
    assert_not_found(&reader.get(&format!("/users/{unknown}")).await, unknown);

    // Activated roles: those with an active assignment (not the eligible-only PRA).
    let roles = reader.get("/directoryRoles").await;
    assert_eq!(roles.status, 200, "{:#}", roles.body);
    let templates: Vec<&str> = roles.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["roleTemplateId"].as_str().unwrap())
        .collect();
    assert!(templates.contains(&GLOBAL_ADMINISTRATOR));
    assert!(templates.contains(&APPLICATION_ADMINISTRATOR));
    assert!(!templates.contains(&PRIVILEGED_ROLE_ADMINISTRATOR));
    let by_template = reader
        .get(&format!(
            "/directoryRoles(roleTemplateId='{GLOBAL_ADMINISTRATOR}')"
        ))
        .await;
    assert_eq!(by_template.body["displayName"], "Global Administrator");

    let domains = reader.get("/domains").await;
    assert_eq!(domains.status, 200, "{:#}", domains.body);
    assert_eq!(domains.body["value"][0]["id"], tenant.initial_domain());
    assert_eq!(domains.body["value"][0]["isInitial"], true);
    let one = reader
        .get(&format!("/domains/{}", tenant.initial_domain()))
        .await;
    assert_eq!(one.body["isVerified"], true);
    assert_denied(&member.get("/domains").await);
}

#[tokio::test]
async fn expand_and_count_where_graph_offers_them() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let admin = as_user(&tenant, &users.global_admin).await;
    let assignments = admin
        .get(&format!(
            "/roleManagement/directory/roleAssignments?$filter=principalId eq '{}'&$expand=principal,roleDefinition",
            users.application_admin.id
        ))
        .await;
    assert_eq!(assignments.status, 200, "{:#}", assignments.body);
    let assignment = &assignments.body["value"][0];
    assert_eq!(
        assignment["principal"]["@odata.type"],
        "#microsoft.graph.user"
    );
    assert_eq!(assignment["principal"]["id"], users.application_admin.id);
    assert_eq!(
        assignment["roleDefinition"]["displayName"],
        "Application Administrator"
    );
    let one = admin
        .get(&format!(
            "/roleManagement/directory/roleAssignments/{}?$expand=principal",
            assignment["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(one.body["principal"]["id"], users.application_admin.id);

    let created = admin
        .post(
            "/applications",
            json!({"displayName": "expand me", "signInAudience": "AzureADMyOrg"}),
        )
        .await;
    let with_owners = admin
        .get("/applications?$filter=displayName eq 'expand me'&$select=id&$expand=owners")
        .await;
    assert_eq!(with_owners.status, 200, "{:#}", with_owners.body);
    assert_eq!(with_owners.body["value"][0]["id"], created.body["id"]);
    assert_eq!(
        with_owners.body["value"][0]["owners"][0]["id"],
        users.global_admin.id
    );

    // $count: a raw count needs ConsistencyLevel: eventual.
    let eventual = [("ConsistencyLevel", "eventual")];
    let raw = reqwest_text(
        &tenant,
        &admin_token(&tenant).await,
        "/applications/$count",
        &eventual,
    )
    .await;
    assert_eq!(raw, (200, "1".to_owned()));
    let filtered = reqwest_text(
        &tenant,
        &admin_token(&tenant).await,
        "/servicePrincipals/$count?$filter=appId eq '00000003-0000-0000-c000-000000000000'",
        &eventual,
    )
    .await;
    assert_eq!(filtered, (200, "1".to_owned()));
    let refused = admin.get("/applications/$count").await;
    assert_graph_error(
        &refused,
        400,
        "Request_UnsupportedQuery",
        "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    );
    let counted = admin
        .send(
            reqwest::Method::GET,
            "/applications?$count=true&$select=id",
            None,
            &eventual,
        )
        .await;
    assert_eq!(counted.body["@odata.count"], 1);
}

async fn admin_token(tenant: &Tenant) -> String {
    graph::user_token(tenant, graph::upn(&tenant.users().global_admin.clone())).await
}

/// A GET whose answer is text: status and body.
async fn reqwest_text(
    tenant: &Tenant,
    token: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request = support::client(tenant)
        .get(format!("{}/v1.0{path}", tenant.graph_url()))
        .bearer_auth(token);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/plain;charset=utf-8"
    );
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn what_graph_serves_but_tenant_sim_does_not_is_501_and_what_graph_lacks_is_graphs_400() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let app = admin
        .post(
            "/applications",
            json!({"displayName": "paths", "signInAudience": "AzureADMyOrg"}),
        )
        .await;
    let id = id_of(&app);
    for (path, what) in [
        ("/groups".to_owned(), "GET /v1.0/groups".to_owned()),
        (
            format!("/applications/{id}/extensionProperties"),
            format!("GET /v1.0/applications/{id}/extensionProperties"),
        ),
        (
            "/applications/delta()".to_owned(),
            "GET /v1.0/applications/delta()".to_owned(),
        ),
        (
            "/me/messages".to_owned(),
            "GET /v1.0/me/messages".to_owned(),
        ),
        (
            "/applications?$orderby=displayName".to_owned(),
            "the query option '$orderby'".to_owned(),
        ),
        (
            "/applications?$expand=extensionProperties".to_owned(),
            "$expand=extensionProperties on application".to_owned(),
        ),
    ] {
        let reply = admin.get(&path).await;
        assert_graph_error(
            &reply,
            501,
            "TenantSim_NotSimulated",
            &format!(
                "tenant-sim does not simulate {what}. Microsoft Graph serves it; tenant-sim's README lists what is simulated."
            ),
        );
    }
    for (path, segment) in [
        ("/applicatons".to_owned(), "applicatons"),
        (format!("/applications/{id}/frobnicate"), "frobnicate"),
        ("/me/memberOff".to_owned(), "memberOff"),
    ] {
        assert_graph_error(
            &admin.get(&path).await,
            400,
            "BadRequest",
            &format!("Resource not found for the segment '{segment}'."),
        );
    }
    assert_graph_error(
        &admin.get("/applications?$expand=nonsense").await,
        400,
        "BadRequest",
        "Parsing OData Select and Expand failed: Could not find a property named 'nonsense' on type 'microsoft.graph.application'.",
    );
}

//! The seeded directory and its operations: users and roles, first-party service principals with their
//! real ids, duplicates refused as Graph refuses them, grants widened, credentials kept private.

mod support;

use serde_json::{Value, json};
use tenant_sim::directory::ConsentType;
use tenant_sim::directory::well_known::{
    APPLICATION_ADMINISTRATOR, BUILT_IN_ROLES, DIRECTORY_WRITERS, EXCHANGE_ADMINISTRATOR,
    EXCHANGE_ONLINE_APP_ID, GLOBAL_ADMINISTRATOR, GRAPH_COMMAND_LINE_TOOLS_APP_ID,
    MICROSOFT_GRAPH_APP_ID, PRIVILEGED_ROLE_ADMINISTRATOR, USER_ADMINISTRATOR,
};
use tenant_sim::{SeedOptions, Tenant, TenantOptions};

#[tokio::test]
async fn the_seeded_tenant_looks_like_a_real_one() {
    let tenant = support::start().await;
    uuid::Uuid::parse_str(tenant.tenant_id()).expect("a GUID tenant id");
    assert_eq!(tenant.initial_domain(), "contoso.onmicrosoft.com");
    let data = tenant.directory().read();
    assert_eq!(data.organization.id(), tenant.tenant_id());
    assert_eq!(
        data.organization.json["verifiedDomains"],
        json!([{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": true, "isInitial": true, "name": "contoso.onmicrosoft.com", "type": "Managed"}])
    );
    for role in [
        DIRECTORY_WRITERS,
        EXCHANGE_ADMINISTRATOR,
        USER_ADMINISTRATOR,
        GLOBAL_ADMINISTRATOR,
    ] {
        let definition = data.role_definition(role).expect("built-in role");
        assert_eq!(definition.str("templateId"), Some(role));
        assert_eq!(definition.json["isBuiltIn"], true);
    }
    assert_eq!(data.role_definitions.len(), BUILT_IN_ROLES.len());

    let users = tenant.users();
    assert_eq!(
        data.active_role_template_ids(&users.global_admin.id),
        [GLOBAL_ADMINISTRATOR]
    );
    assert_eq!(
        data.active_role_template_ids(&users.application_admin.id),
        [APPLICATION_ADMINISTRATOR]
    );
    assert!(
        data.active_role_template_ids(&users.eligible_role_admin.id)
            .is_empty()
    );
    assert_eq!(
        data.eligible_role_template_ids(&users.eligible_role_admin.id),
        [PRIVILEGED_ROLE_ADMINISTRATOR]
    );
    assert!(
        data.active_role_template_ids(&users.plain_user.id)
            .is_empty()
    );
    assert_eq!(
        users.eligible_role_admin.eligible_roles,
        ["Privileged Role Administrator"]
    );

    let graph = data
        .service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .unwrap();
    let user_read = graph
        .array("oauth2PermissionScopes")
        .iter()
        .find(|s| s["value"] == "User.Read")
        .unwrap();
    assert_eq!(user_read["id"], "e1fe6dd8-ba31-4d61-89e7-88639da4683d");
    assert_eq!(user_read["type"], "User");
    let role_management = graph
        .array("oauth2PermissionScopes")
        .iter()
        .find(|s| s["value"] == "RoleManagement.ReadWrite.Directory")
        .unwrap();
    assert_eq!(role_management["type"], "Admin");
    assert!(
        graph
            .array("appRoles")
            .iter()
            .any(|r| r["id"] == "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"
                && r["value"] == "Application.ReadWrite.All")
    );
    let exchange = data
        .service_principal_by_app_id(EXCHANGE_ONLINE_APP_ID)
        .unwrap();
    assert_eq!(
        exchange.str("displayName"),
        Some("Office 365 Exchange Online")
    );
    assert!(
        exchange
            .array("appRoles")
            .iter()
            .any(|r| r["id"] == "dc50a0fb-09a3-484d-be87-e023b12c6440"
                && r["value"] == "Exchange.ManageAsApp")
    );
    let cli = data
        .client_registration(GRAPH_COMMAND_LINE_TOOLS_APP_ID)
        .unwrap();
    assert!(cli.public_client);
    assert!(cli.redirect_uris.contains(&"http://localhost".to_owned()));
    assert!(
        data.oauth2_permission_grants.is_empty(),
        "nobody consented yet by default"
    );
}

#[tokio::test]
async fn duplicates_conflict_and_grants_widen() {
    let tenant = support::start().await;
    let app = support::register_app(&tenant, "dupes", json!({}));
    let mut data = tenant.directory().write();
    let assignment = data
        .assign_directory_role(&app.service_principal_id, DIRECTORY_WRITERS)
        .unwrap();
    assert!(assignment.id().ends_with("-1"));
    assert_eq!(assignment.str("directoryScopeId"), Some("/"));
    assert!(matches!(
        data.assign_directory_role(&app.service_principal_id, DIRECTORY_WRITERS),
        Err(tenant_sim::directory::DirectoryError::Conflict(_))
    ));
    assert!(data.has_active_role(&app.service_principal_id, &[DIRECTORY_WRITERS]));

    let exchange = data
        .service_principal_by_app_id(EXCHANGE_ONLINE_APP_ID)
        .unwrap()
        .id()
        .to_owned();
    data.grant_app_role(
        &app.service_principal_id,
        &exchange,
        "dc50a0fb-09a3-484d-be87-e023b12c6440",
    )
    .unwrap();
    assert!(
        data.grant_app_role(
            &app.service_principal_id,
            &exchange,
            "dc50a0fb-09a3-484d-be87-e023b12c6440"
        )
        .is_err()
    );
    assert!(
        data.grant_app_role(
            &app.service_principal_id,
            &exchange,
            &uuid::Uuid::new_v4().to_string()
        )
        .is_err()
    );

    let graph = data
        .service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .unwrap()
        .id()
        .to_owned();
    data.grant_delegated_scopes(
        &app.service_principal_id,
        &graph,
        ConsentType::AllPrincipals,
        None,
        &["User.Read"],
    )
    .unwrap();
    let widened = data
        .grant_delegated_scopes(
            &app.service_principal_id,
            &graph,
            ConsentType::AllPrincipals,
            None,
            &["Directory.Read.All", "user.read"],
        )
        .unwrap();
    assert_eq!(widened.str("scope"), Some("User.Read Directory.Read.All"));
    assert_eq!(
        data.oauth2_permission_grants.len(),
        1,
        "one grant per client, resource and consent type"
    );
    assert!(
        data.add_service_principal(&app.app_id).is_err(),
        "one service principal per app"
    );
}

#[tokio::test]
async fn credentials_stay_out_of_the_graph_representation() {
    let tenant = support::start().await;
    let app = support::register_app(&tenant, "creds", json!({}));
    let certificate = support::TestCertificate::new();
    let mut data = tenant.directory().write();
    let shown = data.add_client_secret(&app.object_id, "ci", None).unwrap();
    let secret = shown["secretText"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 40);
    assert_eq!(shown["hint"], json!(&secret[..3]));
    let key = data
        .add_certificate(&app.object_id, &certificate.der)
        .unwrap();
    assert_eq!(key["type"], "AsymmetricX509Cert");
    assert_eq!(key["key"], Value::Null);

    let stored = serde_json::to_string(&data.application(&app.object_id).unwrap().json).unwrap();
    assert!(
        !stored.contains(&secret),
        "the secret is not in the application's JSON"
    );
    assert!(stored.contains("\"secretText\":null"));
    assert!(
        !format!("{data:?}").contains(&secret),
        "nor in Debug output"
    );
    assert_eq!(
        data.check_client_secret(&app.app_id, &secret),
        tenant_sim::directory::SecretCheck::Valid
    );
    assert_eq!(
        data.check_client_secret(&app.app_id, "nope"),
        tenant_sim::directory::SecretCheck::Invalid
    );
    let certificates = data.client_certificates(&app.app_id);
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0].sha1, certificate.sha1());

    // Replacing keyCredentials (as a Graph PATCH does) removes the certificate from sign-in.
    let app_object = data
        .applications
        .iter_mut()
        .find(|a| a.id() == app.object_id)
        .unwrap();
    app_object.json.insert("keyCredentials".into(), json!([]));
    assert!(data.client_certificates(&app.app_id).is_empty());
    assert!(data.add_certificate(&app.object_id, b"not DER").is_err());
}

#[tokio::test]
async fn pre_consented_scopes_let_a_non_admin_sign_in() {
    let tenant = Tenant::start(TenantOptions {
        seed: SeedOptions {
            sign_in_client_consented_scopes: support::CONNECTOR_SCOPES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            ..SeedOptions::default()
        },
        knobs: tenant_sim::KnobSettings {
            device_code_interval_secs: 0,
            ..Default::default()
        },
    })
    .await
    .unwrap();
    let upn = tenant.users().plain_user.user_principal_name.clone();
    tenant.knobs().update(|k| k.sign_in_user = Some(upn));
    let devicecode = format!("{}/oauth2/v2.0/devicecode", tenant.tenant_authority());
    let scope = support::CONNECTOR_SCOPES.join(" ");
    let (_, started) = support::post_form(
        &tenant,
        &devicecode,
        &[("client_id", support::SIGN_IN_CLIENT), ("scope", &scope)],
    )
    .await;
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", support::SIGN_IN_CLIENT),
            ("device_code", started["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let claims = tenant
        .state()
        .verify_access_token(
            body["access_token"].as_str().unwrap(),
            "https://graph.microsoft.com",
        )
        .unwrap();
    assert!(
        claims.has_scope("RoleManagement.ReadWrite.Directory"),
        "granted tenant-wide, so in scp"
    );
    assert_eq!(
        claims.wids, None,
        "but no role: Graph will refuse the writes"
    );
}

#[tokio::test]
async fn objects_record_when_they_were_created() {
    let tenant = support::start().await;
    let before = tokio::time::Instant::now();
    let app = support::register_app(&tenant, "timed", json!({}));
    let data = tenant.directory().read();
    let stored = data.application(&app.object_id).unwrap();
    assert!(stored.created_at >= before);
    assert!(stored.str("createdDateTime").unwrap().ends_with('Z'));
    assert!(
        data.service_principal(&app.service_principal_id)
            .unwrap()
            .created_at
            >= before
    );
}

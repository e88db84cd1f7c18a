//! The state helpers tests use to change the tenant behind the connector's back, checked through what a
//! client then sees: Entra refusing an expired certificate, a token that lost `Exchange.ManageAsApp`,
//! a PIM role that shows in `wids` once activated, and object counts.

#[path = "support/exchange.rs"]
mod exchange_support;
mod support;

use exchange_support::{
    EXCHANGE_SCOPE, MANAGE_AS_APP_ID, Setup, certificate_token_response, exchange_app,
    exchange_error, invoke, secret_token,
};
use tenant_sim::directory::ConsentType;
use tenant_sim::directory::well_known::{
    EXCHANGE_ADMINISTRATOR, MICROSOFT_GRAPH_RESOURCE, PRIVILEGED_ROLE_ADMINISTRATOR,
    USER_ADMINISTRATOR,
};
use tenant_sim::{ObjectCounts, Tenant};

const READY: Setup<'static> = Setup {
    manage_as_app: true,
    roles: &[EXCHANGE_ADMINISTRATOR],
};

#[tokio::test]
async fn an_expired_certificate_no_longer_gets_a_token() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let (status, body) = certificate_token_response(&tenant, &app).await;
    assert_eq!(status, 200, "{body}");

    assert_eq!(tenant.expire_certificates(&app.app.app_id), 1);
    let end = tenant
        .directory()
        .read()
        .application_by_app_id(&app.app.app_id)
        .unwrap()
        .array("keyCredentials")[0]["endDateTime"]
        .as_str()
        .unwrap()
        .to_owned();
    let end = tenant_sim::directory::parse_graph_timestamp(&end).unwrap();
    assert!(end < time::OffsetDateTime::now_utc());

    let (status, body) = certificate_token_response(&tenant, &app).await;
    assert_eq!(status, 401, "{body}");
    support::assert_entra_error(&body, "invalid_client", 700027);
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.contains("The key used is expired"),
        "{description}"
    );
    // The client secret is another credential and still works.
    secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    assert!(tenant.expire_certificate(&app.app.app_id, &app.certificate_key_id));
    assert!(!tenant.expire_certificate(&app.app.app_id, "00000000-0000-0000-0000-000000000000"));
    assert_eq!(tenant.expire_certificates("not-an-app"), 0);
}

#[tokio::test]
async fn removing_exchange_manage_as_app_takes_effect_with_the_next_token() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let before = tenant.object_counts();
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    assert!(tenant.remove_app_role_assignment(&app.app.service_principal_id, MANAGE_AS_APP_ID));
    assert!(!tenant.remove_app_role_assignment(&app.app.service_principal_id, MANAGE_AS_APP_ID));
    assert_eq!(
        tenant.object_counts(),
        ObjectCounts {
            app_role_assignments: before.app_role_assignments - 1,
            ..before
        }
    );
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    assert_eq!(answer.status, 200, "the old token keeps its roles");
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    exchange_error(&answer, 401, "Unauthorized");

    assert!(!tenant.remove_role_assignment(&app.app.service_principal_id, USER_ADMINISTRATOR));
    assert!(tenant.remove_role_assignment(&app.app.service_principal_id, EXCHANGE_ADMINISTRATOR));
    assert_eq!(
        tenant.object_counts().role_assignments,
        before.role_assignments - 1
    );
}

#[tokio::test]
async fn removing_a_delegated_grant() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let graph = {
        let mut data = tenant.directory().write();
        let graph = data
            .resource_service_principal(MICROSOFT_GRAPH_RESOURCE)
            .unwrap()
            .id()
            .to_owned();
        data.grant_delegated_scopes(
            &app.app.service_principal_id,
            &graph,
            ConsentType::AllPrincipals,
            None,
            &["User.Read"],
        )
        .unwrap();
        graph
    };
    let before = tenant.object_counts();
    assert_eq!(
        tenant.remove_delegated_grants(&app.app.service_principal_id, &graph),
        1
    );
    assert_eq!(
        tenant.remove_delegated_grants(&app.app.service_principal_id, &graph),
        0
    );
    assert_eq!(
        tenant.object_counts().oauth2_permission_grants,
        before.oauth2_permission_grants - 1
    );
    let data = tenant.directory().read();
    assert!(
        data.oauth2_permission_grant(
            &app.app.service_principal_id,
            &graph,
            ConsentType::AllPrincipals,
            None
        )
        .is_none()
    );
}

/// Signs the configured user in with a device code (approved at once) and returns the Graph token's
/// `wids`.
async fn signed_in_wids(tenant: &Tenant) -> Vec<String> {
    let (status, code) = support::post_form(
        tenant,
        &format!("{}/oauth2/v2.0/devicecode", tenant.tenant_authority()),
        &[
            ("client_id", support::SIGN_IN_CLIENT),
            ("scope", "User.Read"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{code}");
    let (status, body) = support::post_token(
        tenant,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", support::SIGN_IN_CLIENT),
            ("device_code", code["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    tenant
        .state()
        .verify_access_token(
            body["access_token"].as_str().unwrap(),
            MICROSOFT_GRAPH_RESOURCE,
        )
        .unwrap()
        .wids
        .unwrap_or_default()
}

#[tokio::test]
async fn an_activated_pim_role_shows_in_the_next_sign_in() {
    let tenant = support::start().await;
    let pim_user = tenant.users().eligible_role_admin.clone();
    tenant
        .knobs()
        .update(|k| k.sign_in_user = Some(pim_user.user_principal_name.clone()));
    assert!(
        !signed_in_wids(&tenant)
            .await
            .contains(&PRIVILEGED_ROLE_ADMINISTRATOR.to_owned())
    );

    let assignment = tenant
        .activate_eligible_role(&pim_user.id, PRIVILEGED_ROLE_ADMINISTRATOR)
        .expect("eligible");
    assert_eq!(assignment.str("principalId"), Some(pim_user.id.as_str()));
    assert_eq!(
        signed_in_wids(&tenant).await,
        vec![PRIVILEGED_ROLE_ADMINISTRATOR.to_owned()]
    );

    // Not eligible, or already active: refused.
    assert!(
        tenant
            .activate_eligible_role(&pim_user.id, EXCHANGE_ADMINISTRATOR)
            .is_err()
    );
    assert!(
        tenant
            .activate_eligible_role(&pim_user.id, PRIVILEGED_ROLE_ADMINISTRATOR)
            .is_err()
    );
}

//! The device code flow, driven by the `oauth2` crate: approval, approval after polls, refusal, expiry,
//! unrecognised codes, polling too fast, and a non-admin asking for admin-only scopes.

mod support;

use oauth2::basic::BasicClient;
use oauth2::{
    ClientId, DeviceAuthorizationUrl, DeviceCodeErrorResponseType, RefreshToken, RequestTokenError,
    Scope, StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};
use support::{CONNECTOR_SCOPES, OAuthHttp, SIGN_IN_CLIENT};
use tenant_sim::directory::well_known::{APPLICATION_ADMINISTRATOR, GLOBAL_ADMINISTRATOR};
use tenant_sim::{DeviceCodeApproval, Service, Tenant};

fn oauth_client(
    tenant: &Tenant,
    tenant_segment: &str,
) -> oauth2::Client<
    oauth2::basic::BasicErrorResponse,
    oauth2::basic::BasicTokenResponse,
    oauth2::basic::BasicTokenIntrospectionResponse,
    oauth2::StandardRevocableToken,
    oauth2::basic::BasicRevocationErrorResponse,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointNotSet,
    oauth2::EndpointSet,
> {
    let base = format!("{}/{tenant_segment}/oauth2/v2.0", tenant.authority_url());
    BasicClient::new(ClientId::new(SIGN_IN_CLIENT.to_owned()))
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(format!("{base}/devicecode")).unwrap(),
        )
        .set_token_uri(TokenUrl::new(format!("{base}/token")).unwrap())
}

async fn start_device_flow(
    tenant: &Tenant,
    scopes: &[&str],
) -> StandardDeviceAuthorizationResponse {
    let http = OAuthHttp(support::client(tenant));
    oauth_client(tenant, "organizations")
        .exchange_device_code()
        .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_owned())))
        .request_async(&http)
        .await
        .expect("device authorization")
}

async fn poll(
    tenant: &Tenant,
    details: &StandardDeviceAuthorizationResponse,
) -> Result<
    oauth2::basic::BasicTokenResponse,
    RequestTokenError<reqwest::Error, oauth2::DeviceCodeErrorResponse>,
> {
    let http = OAuthHttp(support::client(tenant));
    oauth_client(tenant, "organizations")
        .exchange_device_access_token(details)
        .request_async(&http, tokio::time::sleep, None)
        .await
}

fn server_error(
    error: RequestTokenError<reqwest::Error, oauth2::DeviceCodeErrorResponse>,
) -> oauth2::DeviceCodeErrorResponse {
    match error {
        RequestTokenError::ServerResponse(response) => response,
        other => panic!("expected an error response from Entra, got {other:?}"),
    }
}

#[tokio::test]
async fn an_admin_signs_in_with_a_device_code() {
    let tenant = support::start().await;
    let details = start_device_flow(&tenant, CONNECTOR_SCOPES).await;
    assert_eq!(details.user_code().secret().len(), 9);
    assert_eq!(
        details.verification_uri().as_str(),
        format!("{}/devicelogin", tenant.authority_url())
    );
    assert_eq!(details.expires_in().as_secs(), 900);

    let token = poll(&tenant, &details).await.expect("tokens");
    let claims = tenant
        .state()
        .verify_access_token(token.access_token().secret(), "https://graph.microsoft.com")
        .unwrap();
    assert_eq!(claims.oid, tenant.users().global_admin.id);
    assert_eq!(claims.idtyp, "user");
    assert_eq!(claims.appid, SIGN_IN_CLIENT);
    assert_eq!(claims.appidacr, "0");
    assert_eq!(
        claims.upn.as_deref(),
        Some(tenant.users().global_admin.user_principal_name.as_str())
    );
    for scope in [
        "User.Read",
        "Application.ReadWrite.All",
        "RoleManagement.ReadWrite.Directory",
        "openid",
        "profile",
    ] {
        assert!(
            claims.has_scope(scope),
            "scp {:?} lacks {scope}",
            claims.scp
        );
    }
    assert!(!claims.has_scope("offline_access"));
    assert_eq!(claims.wids, Some(vec![GLOBAL_ADMINISTRATOR.to_owned()]));
    assert!(
        token.refresh_token().is_some(),
        "offline_access gives a refresh token"
    );
    // The ID token (the oauth2 crate's basic response type drops it): read it from a raw poll.
    let details = start_device_flow(&tenant, &["openid", "profile", "User.Read"]).await;
    let (status, raw) = support::post_token(
        &tenant,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", SIGN_IN_CLIENT),
            ("device_code", details.device_code().secret()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{raw}");
    assert!(
        raw.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
    let id = support::jwt_payload(raw["id_token"].as_str().expect("openid gives an ID token"));
    assert_eq!(id["tid"], tenant.tenant_id());
    assert_eq!(id["oid"], tenant.users().global_admin.id);
    assert_eq!(id["aud"], SIGN_IN_CLIENT);
    assert_eq!(id["iss"], format!("{}/v2.0", tenant.tenant_authority()));
    assert_eq!(
        id["preferred_username"],
        tenant.users().global_admin.user_principal_name
    );

    // The admin consented for themselves only (Entra's default on the prompt).
    let data = tenant.directory().read();
    let grants: Vec<&str> = data
        .oauth2_permission_grants
        .iter()
        .map(|g| g.str("consentType").unwrap())
        .collect();
    assert_eq!(grants, ["Principal"]);
}

#[tokio::test]
async fn pending_until_the_user_approves_after_some_polls() {
    let tenant = support::start().await;
    tenant
        .knobs()
        .update(|k| k.device_code_approval = DeviceCodeApproval::ApproveAfterPolls(2));
    let details = start_device_flow(&tenant, &["User.Read"]).await;
    poll(&tenant, &details)
        .await
        .expect("approved on the third poll");
    let statuses: Vec<u16> = tenant
        .request_log()
        .entries()
        .iter()
        .filter(|e| e.path.ends_with("/token"))
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [400, 400, 200]);
    assert!(
        tenant
            .request_log()
            .entries()
            .iter()
            .all(|e| e.service == Service::Authority)
    );
}

#[tokio::test]
async fn a_declined_code_gives_authorization_declined() {
    let tenant = support::start().await;
    tenant
        .knobs()
        .update(|k| k.device_code_approval = DeviceCodeApproval::Decline);
    let details = start_device_flow(&tenant, &["User.Read"]).await;
    let error = server_error(poll(&tenant, &details).await.unwrap_err());
    assert_eq!(error.error().to_string(), "authorization_declined");
    assert!(error.error_description().unwrap().starts_with("AADSTS"));
}

#[tokio::test]
async fn an_expired_code_gives_expired_token() {
    let tenant = support::start_manual_device_codes().await;
    let details = start_device_flow(&tenant, &["User.Read"]).await;
    assert!(tenant.expire_device_code(details.user_code().secret()));
    let error = server_error(poll(&tenant, &details).await.unwrap_err());
    assert_eq!(*error.error(), DeviceCodeErrorResponseType::ExpiredToken);
    assert!(
        error
            .error_description()
            .unwrap()
            .starts_with("AADSTS70019: ")
    );
}

#[tokio::test]
async fn manual_approval_and_refusal_through_the_test_hooks() {
    let tenant = support::start_manual_device_codes().await;
    let details = start_device_flow(&tenant, &["User.Read"]).await;
    assert!(tenant.approve_device_code(details.user_code().secret()));
    poll(&tenant, &details).await.expect("approved by the test");

    let details = start_device_flow(&tenant, &["User.Read"]).await;
    assert!(tenant.decline_device_code(details.user_code().secret()));
    assert!(
        !tenant.approve_device_code(details.user_code().secret()),
        "no longer pending"
    );
    let error = server_error(poll(&tenant, &details).await.unwrap_err());
    assert_eq!(error.error().to_string(), "authorization_declined");
}

#[tokio::test]
async fn raw_polls_show_pending_unknown_codes_and_slow_down() {
    let tenant = support::start_manual_device_codes().await;
    tenant.knobs().update(|k| k.device_code_interval_secs = 5);
    let devicecode = format!("{}/oauth2/v2.0/devicecode", tenant.tenant_authority());
    let (status, started) = support::post_form(
        &tenant,
        &devicecode,
        &[("client_id", SIGN_IN_CLIENT), ("scope", "User.Read")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(started["interval"], 5);
    assert!(started.get("verification_uri_complete").is_none());
    assert!(
        started["message"]
            .as_str()
            .unwrap()
            .contains(started["user_code"].as_str().unwrap())
    );
    let device_code = started["device_code"].as_str().unwrap();
    let grant = "urn:ietf:params:oauth:grant-type:device_code";

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", grant),
            ("client_id", SIGN_IN_CLIENT),
            ("device_code", device_code),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "authorization_pending", 70016);

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", grant),
            ("client_id", SIGN_IN_CLIENT),
            ("device_code", device_code),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "slow_down", "polled again at once: {body}");

    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", grant),
            ("client_id", SIGN_IN_CLIENT),
            ("device_code", "not-a-code"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "bad_verification_code", 70018);

    let unknown = uuid::Uuid::new_v4().to_string();
    let (status, body) = support::post_form(
        &tenant,
        &devicecode,
        &[("client_id", &unknown), ("scope", "User.Read")],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "unauthorized_client", 700016);

    let (status, body) =
        support::post_form(&tenant, &devicecode, &[("client_id", SIGN_IN_CLIENT)]).await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_request", 900144);
}

#[tokio::test]
async fn a_non_admin_asking_for_admin_scopes_needs_admin_approval() {
    let tenant = support::start().await;
    for user in [
        &tenant.users().plain_user,
        &tenant.users().eligible_role_admin,
    ] {
        let upn = user.user_principal_name.clone();
        tenant.knobs().update(|k| k.sign_in_user = Some(upn));
        let details = start_device_flow(&tenant, CONNECTOR_SCOPES).await;
        let error = server_error(poll(&tenant, &details).await.unwrap_err());
        assert_eq!(*error.error(), DeviceCodeErrorResponseType::AccessDenied);
        assert!(
            error
                .error_description()
                .unwrap()
                .starts_with("AADSTS90094: "),
            "{:?}",
            error.error_description()
        );
    }

    // A user-consentable scope is fine for a plain user.
    let details = start_device_flow(&tenant, &["User.Read", "offline_access"]).await;
    let token = poll(&tenant, &details)
        .await
        .expect("user consent suffices");
    let claims = tenant
        .state()
        .verify_access_token(token.access_token().secret(), "https://graph.microsoft.com")
        .unwrap();
    assert_eq!(claims.oid, tenant.users().eligible_role_admin.id);
    assert_eq!(claims.wids, None, "an eligible role is not active");

    // An Application Administrator may consent; the token carries their role.
    let upn = tenant.users().application_admin.user_principal_name.clone();
    tenant.knobs().update(|k| k.sign_in_user = Some(upn));
    let details = start_device_flow(&tenant, CONNECTOR_SCOPES).await;
    let token = poll(&tenant, &details)
        .await
        .expect("an app admin consents");
    let claims = tenant
        .state()
        .verify_access_token(token.access_token().secret(), "https://graph.microsoft.com")
        .unwrap();
    assert_eq!(
        claims.wids,
        Some(vec![APPLICATION_ADMINISTRATOR.to_owned()])
    );
}

#[tokio::test]
async fn refresh_tokens_are_rotated_and_cannot_widen_consent() {
    let tenant = support::start().await;
    let details = start_device_flow(&tenant, &["User.Read", "offline_access"]).await;
    let token = poll(&tenant, &details).await.unwrap();
    let first = token.refresh_token().unwrap().clone();
    let http = OAuthHttp(support::client(&tenant));
    let client = oauth_client(&tenant, tenant.tenant_id());
    let refreshed = client
        .exchange_refresh_token(&first)
        .add_scope(Scope::new("User.Read".to_owned()))
        .request_async(&http)
        .await
        .expect("refresh");
    let second = refreshed
        .refresh_token()
        .expect("a new refresh token")
        .clone();
    assert_ne!(second.secret(), first.secret());
    tenant
        .state()
        .verify_access_token(
            refreshed.access_token().secret(),
            "https://graph.microsoft.com",
        )
        .unwrap();

    // Without an interactive prompt, a scope nobody consented to is AADSTS65001.
    let error = client
        .exchange_refresh_token(&second)
        .add_scope(Scope::new("Directory.ReadWrite.All".to_owned()))
        .request_async(&http)
        .await
        .unwrap_err();
    let RequestTokenError::ServerResponse(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.error().to_string(), "invalid_grant");
    assert!(
        error
            .error_description()
            .unwrap()
            .starts_with("AADSTS65001: ")
    );

    let error = client
        .exchange_refresh_token(&RefreshToken::new("garbage".to_owned()))
        .request_async(&http)
        .await
        .unwrap_err();
    let RequestTokenError::ServerResponse(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.error().to_string(), "invalid_grant");
}

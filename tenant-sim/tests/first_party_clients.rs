//! What Microsoft's own clients (MSAL-based tools such as the Azure CLI) rely on: the first-party public
//! clients and Azure Service Management seeded, the `scope` of a `.default` answer written as Entra
//! writes it, `client_info`, MSAL's instance discovery; and sign-ins refused the way a policy refuses
//! them (the `sign_in_refusal` knob).

mod support;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use tenant_sim::directory::well_known::{
    AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID, AZURE_SERVICE_MANAGEMENT_APP_ID,
    AZURE_TOOLS_GRAPH_SCOPES, MICROSOFT_GRAPH_APP_ID,
};
use tenant_sim::{SignInRefusal, Tenant};

/// Signs `client_id` in by the device code flow (approved by the knob) with `scope`; returns the
/// token endpoint's status and body.
async fn device_code_sign_in(tenant: &Tenant, client_id: &str, scope: &str) -> (u16, Value) {
    let authority = tenant.tenant_authority();
    let (status, code) = support::post_form(
        tenant,
        &format!("{authority}/oauth2/v2.0/devicecode"),
        &[("client_id", client_id), ("scope", scope)],
    )
    .await;
    assert_eq!(status, 200, "{code}");
    support::post_token(
        tenant,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", client_id),
            ("device_code", code["device_code"].as_str().unwrap()),
            ("client_info", "1"),
        ],
    )
    .await
}

#[tokio::test]
async fn azure_cli_signs_in_to_azure_service_management_and_then_gets_graph() {
    let tenant = support::start().await;
    let (status, body) = device_code_sign_in(
        &tenant,
        AZURE_CLI_APP_ID,
        "https://management.core.windows.net//.default offline_access openid profile",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // As Entra answers a `.default` request (https://github.com/Azure/azure-cli/issues/32931), so
    // MSAL finds the token again under the scope it asked for.
    assert_eq!(
        body["scope"],
        "https://management.core.windows.net//user_impersonation https://management.core.windows.net//.default openid profile"
    );
    let claims = support::jwt_payload(body["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], "https://management.core.windows.net/");
    assert_eq!(claims["appid"], AZURE_CLI_APP_ID);
    assert_eq!(claims["scp"], "user_impersonation");
    let admin = &tenant.users().global_admin;
    let info: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(body["client_info"].as_str().expect("client_info"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(info["uid"], admin.id);
    assert_eq!(info["utid"], tenant.tenant_id());

    // The refresh token gets a Graph token with the scopes Azure CLI is preauthorized for.
    let (status, graph) = support::post_token(
        &tenant,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", AZURE_CLI_APP_ID),
            ("refresh_token", body["refresh_token"].as_str().unwrap()),
            (
                "scope",
                "https://graph.microsoft.com/.default offline_access openid profile",
            ),
        ],
    )
    .await;
    assert_eq!(status, 200, "{graph}");
    let scope = graph["scope"].as_str().unwrap();
    assert!(
        scope
            .split(' ')
            .any(|s| s == "https://graph.microsoft.com/.default"),
        "{scope}"
    );
    assert!(graph.get("client_info").is_none(), "not asked for");
    let claims = support::jwt_payload(graph["access_token"].as_str().unwrap());
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    let scp: Vec<&str> = claims["scp"].as_str().unwrap().split(' ').collect();
    for preauthorized in AZURE_TOOLS_GRAPH_SCOPES {
        assert!(scp.contains(preauthorized), "{preauthorized} in {scp:?}");
        assert!(
            scope
                .split(' ')
                .any(|s| s == format!("https://graph.microsoft.com/{preauthorized}")),
            "{scope}"
        );
    }
    // No grant was written: the first-party client is preauthorized, not consented.
    assert_eq!(tenant.object_counts().oauth2_permission_grants, 0);
}

#[tokio::test]
async fn azure_powershell_and_the_resources_are_seeded() {
    let tenant = support::start().await;
    let (status, body) = device_code_sign_in(
        &tenant,
        AZURE_POWERSHELL_APP_ID,
        "https://management.core.windows.net//.default",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        support::jwt_payload(body["access_token"].as_str().unwrap())["scp"],
        "user_impersonation"
    );
    let data = tenant.directory().read();
    let arm = data
        .service_principal_by_app_id(AZURE_SERVICE_MANAGEMENT_APP_ID)
        .expect("Azure Service Management");
    assert_eq!(
        arm.array("oauth2PermissionScopes")[0]["id"],
        "41094075-9dad-400e-a0bd-54e686782033"
    );
    for client in [AZURE_CLI_APP_ID, AZURE_POWERSHELL_APP_ID] {
        let registration = data.client_registration(client).expect("a known client");
        assert!(registration.public_client);
        assert!(
            data.preauthorized_scopes(client, MICROSOFT_GRAPH_APP_ID)
                .iter()
                .any(|s| s == "Application.ReadWrite.All")
        );
    }
}

#[tokio::test]
async fn msal_instance_discovery_answers_with_the_public_clouds_metadata() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let authority = tenant.authority_url();
    let tenant_id = tenant.tenant_id();
    let mut url = url::Url::parse(&format!("{authority}/common/discovery/instance")).unwrap();
    url.query_pairs_mut()
        .append_pair("api-version", "1.1")
        .append_pair(
            "authorization_endpoint",
            &format!("{authority}/{tenant_id}/oauth2/v2.0/authorize"),
        );
    let body: Value = client
        .get(url.as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        body["tenant_discovery_endpoint"],
        format!("{authority}/{tenant_id}/v2.0/.well-known/openid-configuration")
    );
    assert_eq!(body["api-version"], "1.1");
    let public = &body["metadata"][0];
    assert_eq!(public["preferred_network"], "login.microsoftonline.com");
    assert!(
        public["aliases"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "login.windows.net")
    );
    // The discovery endpoint it names answers.
    let discovery = client
        .get(body["tenant_discovery_endpoint"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(discovery.status(), 200);

    let mut foreign = url::Url::parse(&format!("{authority}/common/discovery/instance")).unwrap();
    foreign
        .query_pairs_mut()
        .append_pair("api-version", "1.1")
        .append_pair(
            "authorization_endpoint",
            "https://login.example.invalid/common/oauth2/v2.0/authorize",
        );
    let response = client.get(foreign.as_str()).send().await.unwrap();
    assert_eq!(response.status(), 400);
    support::assert_entra_error(&response.json().await.unwrap(), "invalid_instance", 50049);
}

#[tokio::test]
async fn the_sign_in_refusal_knob_answers_with_entras_error_bodies() {
    let tenant = support::start().await;
    let graph = "https://graph.microsoft.com/.default";
    for (refusal, error, suberror, text) in [
        (
            SignInRefusal::MfaRequired,
            "invalid_grant",
            Some("basic_action"),
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
        ),
        (
            SignInRefusal::MfaRegistrationRequired,
            "interaction_required",
            Some("basic_action"),
            "Due to a configuration change made by your administrator, or because you moved to a new location, you must enroll in multi-factor authentication to access '00000003-0000-0000-c000-000000000000'.",
        ),
        (
            SignInRefusal::BlockedByConditionalAccess,
            "invalid_grant",
            Some("message_only"),
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        ),
        (
            SignInRefusal::ManagedDeviceRequired,
            "invalid_grant",
            None,
            "Your device is required to be managed to access this resource.",
        ),
        (
            SignInRefusal::ExternalChallengeRequired,
            "interaction_required",
            None,
            "External security challenge not satisfied. User will be redirected to another page or authentication provider to satisfy additional authentication challenges.",
        ),
    ] {
        tenant.knobs().update(|k| k.sign_in_refusal = Some(refusal));
        let (status, body) = device_code_sign_in(&tenant, AZURE_CLI_APP_ID, graph).await;
        assert_eq!(status, 400, "{refusal:?}: {body}");
        support::assert_entra_error(&body, error, refusal.code());
        let description = body["error_description"].as_str().unwrap();
        assert!(
            description.starts_with(&format!("AADSTS{}: {text} Trace ID: ", refusal.code())),
            "{description}"
        );
        assert_eq!(body.get("suberror").and_then(Value::as_str), suberror);
    }
    tenant.knobs().update(|k| k.sign_in_refusal = None);
    let (status, body) = device_code_sign_in(&tenant, AZURE_CLI_APP_ID, graph).await;
    assert_eq!(status, 200, "{body}");
}

//! The Exchange Online admin endpoint (`POST /adminapi/beta/{tenant}/InvokeCommand`), called as the
//! connector's Test connection calls it: an app-only token from the real token endpoint, the anchor
//! mailbox header, `Get-OrganizationConfig` and `Get-AcceptedDomain`.

#[path = "support/exchange.rs"]
mod exchange_support;
mod support;

use exchange_support::{
    EXCHANGE_SCOPE, Setup, app_anchor, exchange_app, exchange_error, invoke, invoke_url,
    invoke_with, secret_token,
};
use tenant_sim::directory::well_known::{
    COMPLIANCE_ADMINISTRATOR, DIRECTORY_WRITERS, EXCHANGE_ADMINISTRATOR,
    EXCHANGE_RECIPIENT_ADMINISTRATOR, GLOBAL_ADMINISTRATOR, GLOBAL_READER, HELPDESK_ADMINISTRATOR,
    SECURITY_ADMINISTRATOR, SECURITY_READER, USER_ADMINISTRATOR,
};
use tenant_sim::{AccessClaims, Service};

const READY: Setup<'static> = Setup {
    manage_as_app: true,
    roles: &[EXCHANGE_ADMINISTRATOR],
};

#[tokio::test]
async fn an_app_with_manage_as_app_and_exchange_administrator_reads_the_organization() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(
        answer.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(
        answer.body["@odata.context"],
        format!(
            "{}/adminapi/beta/{}/$metadata#Collection(Exchange.GenericHashTable)",
            tenant.exchange_url(),
            tenant.tenant_id()
        )
    );
    let values = answer.body["value"].as_array().expect("value");
    assert_eq!(values.len(), 1);
    let config = &values[0];
    assert_eq!(config["DisplayName"], "Contoso");
    assert_eq!(config["Name"], "contoso.onmicrosoft.com");
    assert_eq!(
        config["ExternalDirectoryOrganizationId"],
        tenant.tenant_id()
    );
    assert_eq!(config["IsDehydrated"], false);

    let answer = invoke(&tenant, Some(&token), "Get-AcceptedDomain").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let domains = answer.body["value"].as_array().expect("value");
    assert_eq!(domains.len(), 1);
    assert_eq!(domains[0]["DomainName"], "contoso.onmicrosoft.com");
    assert_eq!(domains[0]["InitialDomain"], true);
    assert_eq!(domains[0]["Default"], true);
    assert_eq!(domains[0]["DomainType"], "Authoritative");

    let logged = tenant.request_log().entries_for(Service::Exchange);
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|e| e.method == "POST"
        && e.path == format!("/adminapi/beta/{}/InvokeCommand", tenant.tenant_id())
        && e.status == 200
        && e.fault.is_none()));
}

#[tokio::test]
async fn global_reader_is_a_supported_role_too_and_the_domain_may_name_the_tenant() {
    let tenant = support::start().await;
    let app = exchange_app(
        &tenant,
        Setup {
            manage_as_app: true,
            roles: &[GLOBAL_READER],
        },
    );
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let url = format!(
        "{}/adminapi/beta/{}/InvokeCommand",
        tenant.exchange_url(),
        tenant.initial_domain()
    );
    let answer = invoke_with(
        &tenant,
        &url,
        Some(&token),
        Some(&app_anchor(&tenant)),
        "Get-OrganizationConfig",
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn the_anchor_mailbox_may_name_the_organization_by_its_tenant_id() {
    // As public tools send it: https://github.com/KelvinTegelaar/CIPP-API (`New-ExoBulkRequest`).
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let anchor = format!(
        "APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{}",
        tenant.tenant_id()
    );
    let url = invoke_url(&tenant);
    let answer = invoke_with(
        &tenant,
        &url,
        Some(&token),
        Some(&anchor),
        "Get-AcceptedDomain",
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let other = format!(
        "APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{}",
        uuid::Uuid::new_v4()
    );
    let answer = invoke_with(
        &tenant,
        &url,
        Some(&token),
        Some(&other),
        "Get-AcceptedDomain",
    )
    .await;
    exchange_error(&answer, 401, "Unauthorized");
}

#[tokio::test]
async fn every_role_microsoft_lists_for_exchange_app_only_access_is_accepted() {
    // https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2#assign-microsoft-entra-roles-to-the-application
    let tenant = support::start().await;
    for role in [
        COMPLIANCE_ADMINISTRATOR,
        EXCHANGE_ADMINISTRATOR,
        EXCHANGE_RECIPIENT_ADMINISTRATOR,
        GLOBAL_ADMINISTRATOR,
        GLOBAL_READER,
        HELPDESK_ADMINISTRATOR,
        SECURITY_ADMINISTRATOR,
        SECURITY_READER,
    ] {
        let app = exchange_app(
            &tenant,
            Setup {
                manage_as_app: true,
                roles: &[role],
            },
        );
        let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
        let answer = invoke(&tenant, Some(&token), "Get-AcceptedDomain").await;
        assert_eq!(answer.status, 200, "role {role}: {}", answer.body);
    }
}

#[tokio::test]
async fn a_token_without_manage_as_app_is_refused() {
    let tenant = support::start().await;
    let app = exchange_app(
        &tenant,
        Setup {
            manage_as_app: false,
            roles: &[EXCHANGE_ADMINISTRATOR],
        },
    );
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    let message = exchange_error(&answer, 401, "Unauthorized");
    assert!(message.contains("Exchange.ManageAsApp"), "{message}");
    assert!(message.contains(&app.app.app_id), "{message}");
    assert!(!message.contains("isn't supported"), "{message}");
}

#[tokio::test]
async fn a_service_principal_without_a_supported_role_is_refused_with_exchanges_message() {
    let tenant = support::start().await;
    // User Administrator and Directory Writers serve Graph writes, not Exchange
    // (https://learn.microsoft.com/powershell/exchange/app-only-auth-powershell-v2).
    for roles in [
        &[][..],
        &[USER_ADMINISTRATOR][..],
        &[DIRECTORY_WRITERS, USER_ADMINISTRATOR][..],
    ] {
        let app = exchange_app(
            &tenant,
            Setup {
                manage_as_app: true,
                roles,
            },
        );
        let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
        let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
        let message = exchange_error(&answer, 403, "Forbidden");
        assert_eq!(
            message,
            format!(
                "The role assigned to application {} isn't supported in this scenario. Please check online documentation for assigning correct Directory Roles to Azure AD Application for EXO App-Only Authentication.",
                app.app.app_id
            )
        );
    }
}

#[tokio::test]
async fn permissions_granted_after_the_token_was_issued_count_only_in_a_new_token() {
    let tenant = support::start().await;
    let app = exchange_app(
        &tenant,
        Setup {
            manage_as_app: false,
            roles: &[],
        },
    );
    let old = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    exchange_support::grant_manage_as_app(&tenant, &app);
    tenant
        .directory()
        .write()
        .assign_directory_role(&app.app.service_principal_id, EXCHANGE_ADMINISTRATOR)
        .unwrap();

    let answer = invoke(&tenant, Some(&old), "Get-OrganizationConfig").await;
    exchange_error(&answer, 401, "Unauthorized");

    let new = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let answer = invoke(&tenant, Some(&new), "Get-OrganizationConfig").await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // And the other way round: removing the role leaves a token already issued working.
    assert!(tenant.remove_role_assignment(&app.app.service_principal_id, EXCHANGE_ADMINISTRATOR));
    let answer = invoke(&tenant, Some(&new), "Get-OrganizationConfig").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let newest = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let answer = invoke(&tenant, Some(&newest), "Get-OrganizationConfig").await;
    exchange_error(&answer, 403, "Forbidden");
}

#[tokio::test]
async fn missing_expired_and_misaddressed_tokens_get_401_with_a_bearer_challenge() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let exchange_token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let graph_token = secret_token(&tenant, &app, "https://graph.microsoft.com/.default").await;

    let mut claims: AccessClaims = tenant
        .state()
        .verify_access_token(&exchange_token, "https://outlook.office365.com")
        .unwrap();
    claims.nbf -= 7200;
    claims.iat -= 7200;
    claims.exp = claims.nbf + 3599;
    let expired = tenant.state().signing_key.sign(&claims);

    let cases = [
        (None, "no bearer access token"),
        (Some("not-a-jwt"), "not valid"),
        (Some(expired.as_str()), "expired"),
        (
            Some(graph_token.as_str()),
            "audience 'https://graph.microsoft.com'",
        ),
    ];
    for (token, expected) in cases {
        let answer = invoke(&tenant, token, "Get-OrganizationConfig").await;
        let message = exchange_error(&answer, 401, "Unauthorized");
        assert!(message.contains(expected), "{expected}: {message}");
        let challenge = answer.headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.starts_with("Bearer "), "{challenge}");
    }
}

#[tokio::test]
async fn a_wrong_tenant_or_anchor_mailbox_is_refused() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    let other_tenant = format!(
        "{}/adminapi/beta/{}/InvokeCommand",
        tenant.exchange_url(),
        uuid::Uuid::new_v4()
    );
    let answer = invoke_with(
        &tenant,
        &other_tenant,
        Some(&token),
        Some(&app_anchor(&tenant)),
        "Get-OrganizationConfig",
    )
    .await;
    let message = exchange_error(&answer, 401, "Unauthorized");
    assert!(message.contains(tenant.tenant_id()), "{message}");

    let url = invoke_url(&tenant);
    let answer = invoke_with(&tenant, &url, Some(&token), None, "Get-OrganizationConfig").await;
    let message = exchange_error(&answer, 401, "Unauthorized");
    assert!(
        message.contains("X-AnchorMailbox header is required"),
        "{message}"
    );

    let wrong = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@fabrikam.onmicrosoft.com";
    let answer = invoke_with(
        &tenant,
        &url,
        Some(&token),
        Some(wrong),
        "Get-OrganizationConfig",
    )
    .await;
    let message = exchange_error(&answer, 401, "Unauthorized");
    assert!(message.contains("fabrikam"), "{message}");
    assert!(message.contains(&app_anchor(&tenant)), "{message}");
}

#[tokio::test]
async fn unknown_cmdlets_and_bad_bodies_are_refused() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    let answer = invoke(&tenant, Some(&token), "Get-Mailbox").await;
    assert_eq!(
        exchange_error(&answer, 401, "Unauthorized"),
        "User is not allowed to call Get-Mailbox"
    );

    let client = support::client(&tenant);
    for body in [
        "{}",
        "not json",
        r#"{"CmdletInput":{"Parameters":{}}}"#,
        r#"{"CmdletInput":{"CmdletName":"Get-OrganizationConfig","Parameters":[]}}"#,
    ] {
        let response = client
            .post(invoke_url(&tenant))
            .bearer_auth(&token)
            .header("X-AnchorMailbox", app_anchor(&tenant))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let json: serde_json::Value = response.json().await.unwrap();
        assert_eq!(json["error"]["code"], "BadRequest", "{body}");
    }

    let response = client
        .get(format!("{}/adminapi/beta/x/Other", tenant.exchange_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

#[tokio::test]
async fn a_token_from_a_certificate_assertion_works_as_the_connector_gets_it() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let (status, body) = exchange_support::certificate_token_response(&tenant, &app).await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let claims = tenant
        .state()
        .verify_access_token(token, "https://outlook.office365.com")
        .unwrap();
    assert_eq!(claims.appidacr, "2");
    let answer = invoke(&tenant, Some(token), "Get-AcceptedDomain").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.headers.contains_key("request-id"));
}

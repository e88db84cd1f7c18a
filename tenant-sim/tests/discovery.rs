//! OpenID Connect discovery and JWKS, under every way of naming the tenant, and AADSTS90002 for a
//! tenant that does not exist.

mod support;

use serde_json::Value;

#[tokio::test]
async fn discovery_document_has_entras_shape_for_each_tenant_alias() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let authority = tenant.authority_url();
    let tid = tenant.tenant_id();
    for alias in [
        tid.to_owned(),
        tid.to_uppercase(),
        tenant.initial_domain().to_owned(),
    ] {
        let url = format!("{authority}/{alias}/v2.0/.well-known/openid-configuration");
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        let doc: Value = response.json().await.unwrap();
        assert_eq!(doc["issuer"], format!("{authority}/{tid}/v2.0"));
        assert_eq!(
            doc["token_endpoint"],
            format!("{authority}/{tid}/oauth2/v2.0/token")
        );
        assert_eq!(
            doc["authorization_endpoint"],
            format!("{authority}/{tid}/oauth2/v2.0/authorize")
        );
        assert_eq!(
            doc["device_authorization_endpoint"],
            format!("{authority}/{tid}/oauth2/v2.0/devicecode")
        );
        assert_eq!(
            doc["jwks_uri"],
            format!("{authority}/{tid}/discovery/v2.0/keys")
        );
        assert_eq!(
            doc["token_endpoint_auth_methods_supported"],
            serde_json::json!([
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic"
            ])
        );
        assert_eq!(
            doc["id_token_signing_alg_values_supported"],
            serde_json::json!(["RS256"])
        );
        assert_eq!(doc["tenant_region_scope"], "NA");
        assert_eq!(doc["cloud_instance_name"], "microsoftonline.com");
        assert!(doc["msgraph_host"].is_string());
    }
    for alias in ["organizations", "common"] {
        let doc: Value = client
            .get(format!(
                "{authority}/{alias}/v2.0/.well-known/openid-configuration"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["issuer"], format!("{authority}/{{tenantid}}/v2.0"));
        assert_eq!(
            doc["token_endpoint"],
            format!("{authority}/{alias}/oauth2/v2.0/token")
        );
        assert_eq!(
            doc["device_authorization_endpoint"],
            format!("{authority}/{alias}/oauth2/v2.0/devicecode")
        );
    }
}

#[tokio::test]
async fn an_unknown_tenant_is_aadsts90002() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    for path in [
        "v2.0/.well-known/openid-configuration",
        "discovery/v2.0/keys",
    ] {
        let unknown = uuid::Uuid::new_v4();
        let response = client
            .get(format!("{}/{unknown}/{path}", tenant.authority_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        support::assert_entra_error(&body, "invalid_tenant", 90002);
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains(&format!("Tenant '{unknown}' not found"))
        );
    }
    let (status, body) = support::post_form(
        &tenant,
        &format!(
            "{}/fabrikam.onmicrosoft.com/oauth2/v2.0/token",
            tenant.authority_url()
        ),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body, "invalid_request", 90002);
}

#[tokio::test]
async fn jwks_publishes_the_key_that_signs_tokens() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let jwks: Value = client
        .get(format!("{}/discovery/v2.0/keys", tenant.tenant_authority()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["use"], "sig");
    for field in ["kid", "x5t", "n", "e"] {
        assert!(
            key[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    assert_eq!(key["e"], "AQAB");
    assert!(key["x5c"][0].as_str().is_some());

    // A token the tenant issues carries this kid and verifies against n/e.
    let app = support::register_app(&tenant, "jwks check", serde_json::json!({}));
    let secret = tenant
        .directory()
        .write()
        .add_client_secret(&app.object_id, "s", None)
        .unwrap()["secretText"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = support::post_token(
        &tenant,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &app.app_id),
            ("client_secret", &secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap(),
        key["e"].as_str().unwrap(),
    )
    .unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_audience(&["https://graph.microsoft.com"]);
    let data = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
        .expect("verifies with the JWKS key");
    assert_eq!(
        data.claims["iss"],
        format!("https://sts.windows.net/{}/", tenant.tenant_id())
    );
}

#[tokio::test]
async fn client_request_id_becomes_the_correlation_id_and_get_on_token_is_refused() {
    let tenant = support::start().await;
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let response = support::client(&tenant)
        .post(support::token_url(&tenant))
        .header("client-request-id", &client_request_id)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["client-request-id"],
        client_request_id.as_str()
    );
    assert!(response.headers().contains_key("x-ms-request-id"));
    let body: Value = response.json().await.unwrap();
    support::assert_entra_error(&body, "invalid_request", 900144);
    assert_eq!(body["correlation_id"], client_request_id);
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains(&format!("Correlation ID: {client_request_id}"))
    );

    let response = support::client(&tenant)
        .get(support::token_url(&tenant))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    support::assert_entra_error(&response.json().await.unwrap(), "invalid_request", 900561);
}

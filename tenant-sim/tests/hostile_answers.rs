//! Hostile answers on demand, as a client receives them: cut JSON, an HTML page, a JSON body labelled
//! `text/plain`, an oversized body, a body that never ends, and a redirect to another host name.

mod support;

use tenant_sim::{Fault, FaultRule, Service, Tenant};

/// Which requests a rule catches: service, method and path prefix.
type Target = (Service, &'static str, &'static str);

/// Every GET of the authority.
const AUTHORITY: Target = (Service::Authority, "GET", "/");
/// Graph's `GET /v1.0/organization`.
const ORGANIZATION: Target = (Service::Graph, "GET", "/v1.0/organization");

/// Makes the next request `target` catches get `fault`.
fn next(tenant: &Tenant, (service, method, path): Target, fault: Fault) {
    tenant
        .knobs()
        .update(|k| k.faults = vec![FaultRule::next(1, fault).service(service).on(method, path)]);
}

/// `GET url` with a client that trusts the tenant's CA and does not follow redirects.
async fn get(tenant: &Tenant, url: &str) -> reqwest::Response {
    support::client(tenant).get(url).send().await.unwrap()
}

fn discovery_url(tenant: &Tenant) -> String {
    format!(
        "{}/v2.0/.well-known/openid-configuration",
        tenant.tenant_authority()
    )
}

#[tokio::test]
async fn truncated_json_is_the_services_own_answer_cut_in_half() {
    let tenant = support::start().await;
    let whole = get(&tenant, &discovery_url(&tenant))
        .await
        .bytes()
        .await
        .unwrap();
    next(&tenant, AUTHORITY, Fault::TruncatedJson);
    let response = get(&tenant, &discovery_url(&tenant)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let length: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let cut = response.bytes().await.unwrap();
    assert_eq!(cut.len(), length);
    assert_eq!(cut.len(), whole.len() / 2);
    assert!(whole.starts_with(&cut));
    assert!(serde_json::from_slice::<serde_json::Value>(&cut).is_err());
    let entry = tenant.request_log().entries().pop().unwrap();
    assert_eq!(entry.fault, Some(Fault::TruncatedJson));
    assert_eq!(entry.status, 200);
}

#[tokio::test]
async fn html_instead_of_json_with_the_status_asked() {
    let tenant = support::start().await;
    next(&tenant, ORGANIZATION, Fault::Html { status: 200 });
    let response = get(
        &tenant,
        &format!("{}/v1.0/organization", tenant.graph_url()),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let page = response.text().await.unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    next(
        &tenant,
        (Service::Exchange, "POST", "/adminapi"),
        Fault::Html { status: 502 },
    );
    let bad_gateway = support::client(&tenant)
        .post(format!(
            "{}/adminapi/beta/{}/InvokeCommand",
            tenant.exchange_url(),
            tenant.tenant_id()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_gateway.status(), 502);
    assert!(bad_gateway.text().await.unwrap().contains("<html>"));
}

#[tokio::test]
async fn a_wrong_content_type_labels_the_real_json_text_plain() {
    let tenant = support::start().await;
    next(&tenant, AUTHORITY, Fault::WrongContentType);
    let response = get(&tenant, &discovery_url(&tenant)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert!(body["token_endpoint"].is_string());
}

#[tokio::test]
async fn an_oversized_body_is_exactly_as_long_as_asked() {
    let tenant = support::start().await;
    let bytes = 3_000_000;
    next(
        &tenant,
        (Service::Graph, "GET", "/v1.0/applications"),
        Fault::OversizedBody { bytes },
    );
    let response = get(
        &tenant,
        &format!("{}/v1.0/applications", tenant.graph_url()),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-length"], "3000000");
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len() as u64, bytes);
    let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(parsed["value"].is_array());
}

#[tokio::test]
async fn an_endless_body_keeps_coming_until_the_client_stops_reading() {
    let tenant = support::start().await;
    next(
        &tenant,
        (Service::Exchange, "POST", "/"),
        Fault::EndlessBody,
    );
    let mut response = support::client(&tenant)
        .post(format!(
            "{}/adminapi/beta/x/InvokeCommand",
            tenant.exchange_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("content-length").is_none());
    let limit = 4 * 1024 * 1024;
    let mut received = Vec::new();
    while received.len() < limit {
        let chunk = response
            .chunk()
            .await
            .unwrap()
            .expect("the body has not ended");
        received.extend_from_slice(&chunk);
    }
    assert!(received.starts_with(b"{\"value\":[\""));
    // The client gives up; the server notices the connection going away and stops.
    drop(response);
    let entry = tenant.request_log().entries().pop().unwrap();
    assert_eq!(entry.fault, Some(Fault::EndlessBody));
}

#[tokio::test]
async fn a_redirect_points_to_the_other_host_name_of_the_listener() {
    let tenant = support::start().await;
    let url = format!("{}/v1.0/organization?$select=id", tenant.graph_url());
    next(&tenant, ORGANIZATION, Fault::RedirectToOtherHost);
    let response = get(&tenant, &url).await;
    assert_eq!(response.status(), 307);
    assert_eq!(
        response.headers()["location"],
        url.replace("127.0.0.1", "localhost").as_str()
    );

    // A client that follows redirects reaches the tenant again, under the other name, on a new
    // connection (tokens would travel to a host the client did not choose).
    next(&tenant, ORGANIZATION, Fault::RedirectToOtherHost);
    tenant.request_log().clear();
    let following = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(tenant.ca_pem().as_bytes()).unwrap()])
        .build()
        .unwrap();
    let followed = following.get(&url).send().await.unwrap();
    assert_eq!(followed.url().host_str(), Some("localhost"));
    assert_eq!(
        followed.status(),
        401,
        "the second request, unfaulted, lacks a token"
    );
    let entries = tenant.request_log().entries();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].status, 307);
    assert_eq!(entries[0].fault, Some(Fault::RedirectToOtherHost));
    assert!(entries[1].new_connection);
    assert_ne!(entries[0].connection_id, entries[1].connection_id);
}

//! The server core: three HTTPS services with the tenant's CA, wrong-service calls failing, the shared
//! request log with connection reuse, latency injection, stop on drop, and the blocking variant.

mod support;

use std::time::Duration;

use serde_json::Value;
use tenant_sim::{KnobSettings, Service, Tenant, TenantOptions};

#[tokio::test]
async fn three_services_on_distinct_https_ports_trusting_only_the_tenant_ca() {
    let tenant = support::start().await;
    let urls = [
        tenant.authority_url(),
        tenant.graph_url(),
        tenant.exchange_url(),
    ];
    for url in urls {
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    }
    let ports: std::collections::HashSet<&str> =
        urls.iter().map(|u| u.rsplit(':').next().unwrap()).collect();
    assert_eq!(ports.len(), 3, "each service has its own listener");
    assert!(tenant.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));

    // A client without the CA refuses the certificate: TLS is real.
    let untrusting = reqwest::Client::builder()
        .tls_certs_only(Vec::<reqwest::Certificate>::new())
        .build()
        .unwrap();
    let discovery = format!(
        "{}/v2.0/.well-known/openid-configuration",
        tenant.tenant_authority()
    );
    assert!(untrusting.get(&discovery).send().await.is_err());

    // `localhost` is on the certificate too.
    let via_localhost = discovery.replace("127.0.0.1", "localhost");
    let response = support::client(&tenant)
        .get(&via_localhost)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_sign_in_call_sent_to_graph_or_exchange_fails_as_it_would() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let path = format!("/{}/oauth2/v2.0/token", tenant.tenant_id());

    let graph = client
        .post(format!("{}{path}", tenant.graph_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(graph.status(), 404);
    let body: Value = graph.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Request_ResourceNotFound");
    assert!(body["error"]["innerError"]["request-id"].is_string());

    let exchange = client
        .post(format!("{}{path}", tenant.exchange_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(exchange.status(), 404);

    let services: Vec<Service> = tenant
        .request_log()
        .entries()
        .iter()
        .map(|e| e.service)
        .collect();
    assert_eq!(services, [Service::Graph, Service::Exchange]);
}

#[tokio::test]
async fn the_request_log_records_each_request_and_connection_reuse() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let keys = format!("{}/discovery/v2.0/keys?x=1", tenant.tenant_authority());
    for _ in 0..3 {
        assert_eq!(client.get(&keys).send().await.unwrap().status(), 200);
    }
    let other = support::client(&tenant);
    assert_eq!(other.get(&keys).send().await.unwrap().status(), 200);

    let entries = tenant.request_log().entries();
    assert_eq!(entries.len(), 4);
    for entry in &entries {
        assert_eq!(entry.service, Service::Authority);
        assert_eq!(entry.method, "GET");
        assert_eq!(
            entry.path,
            format!("/{}/discovery/v2.0/keys", tenant.tenant_id())
        );
        assert_eq!(entry.query.as_deref(), Some("x=1"));
        assert_eq!(entry.status, 200);
        assert!(entry.finished_at >= entry.started_at);
    }
    let new: Vec<bool> = entries.iter().map(|e| e.new_connection).collect();
    assert_eq!(
        new,
        [true, false, false, true],
        "one client reuses its connection, the second opens one"
    );
    assert_eq!(entries[0].connection_id, entries[2].connection_id);
    assert_ne!(entries[0].connection_id, entries[3].connection_id);
    assert_eq!(tenant.request_log().connection_count(), 2);
}

#[tokio::test]
async fn the_latency_knob_delays_every_service() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let latency = Duration::from_millis(150);
    tenant.knobs().update(|k| k.latency = latency);
    let started = std::time::Instant::now();
    let response = client
        .get(format!("{}/v1.0/organization", tenant.graph_url()))
        .send()
        .await
        .unwrap();
    // No token: Graph answers 401, after the injected latency like every answer.
    assert_eq!(response.status(), 401);
    assert!(started.elapsed() >= latency);
    let entry = tenant.request_log().entries().pop().unwrap();
    assert!(entry.duration >= latency, "logged {:?}", entry.duration);

    tenant.knobs().update(|k| k.latency = Duration::ZERO);
    client
        .get(format!("{}/x", tenant.exchange_url()))
        .send()
        .await
        .unwrap();
    let entry = tenant.request_log().entries().pop().unwrap();
    assert!(
        entry.duration < latency,
        "latency off again: {:?}",
        entry.duration
    );
}

#[tokio::test]
async fn dropping_the_tenant_stops_its_listeners() {
    let tenant = support::start().await;
    let client = support::client(&tenant);
    let url = format!("{}/common/discovery/v2.0/keys", tenant.authority_url());
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    let address = tenant
        .authority_url()
        .trim_start_matches("https://")
        .to_owned();
    drop(tenant);
    // The accept loop is aborted at its next poll; let the runtime run it.
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(&address).await.is_err() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("the listener still accepts connections after drop");
}

#[tokio::test]
async fn stop_returns_once_the_listeners_are_closed() {
    let tenant = support::start().await;
    let url = format!("{}/common/discovery/v2.0/keys", tenant.authority_url());
    let client = support::client(&tenant);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    let ca = tenant.ca_pem().to_owned();
    tenant.stop().await;
    let fresh = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(ca.as_bytes()).unwrap()])
        .build()
        .unwrap();
    assert!(fresh.get(&url).send().await.is_err(), "stopped");
}

#[test]
fn the_blocking_variant_serves_synchronous_callers() {
    let tenant = Tenant::start_blocking(TenantOptions {
        knobs: KnobSettings::default(),
        ..TenantOptions::default()
    })
    .expect("starts");
    let url = format!(
        "{}/v2.0/.well-known/openid-configuration",
        tenant.tenant_authority()
    );
    let ca = tenant.ca_pem().to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A fresh client for each request, so no pooled connection outlives the tenant.
    let fetch = |url: &str| {
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(ca.as_bytes()).unwrap()])
            .build()
            .unwrap();
        runtime.block_on(async move { client.get(url).send().await.map(|r| r.status()) })
    };
    assert_eq!(fetch(&url).unwrap(), 200);
    assert_eq!(tenant.request_log().len(), 1);
    drop(tenant);
    // Drop waits until the listeners are closed, so nothing that trusts only this tenant's CA can be
    // answered at its address any more. (A plain TCP connect is no proof either way: once freed, the
    // port may be bound again at once by a test running in parallel.)
    assert!(fetch(&url).is_err(), "stopped on drop");
}

//! Injected faults and throttling, as a client sees them: 429 with Retry-After and recovery, 500 / 503 /
//! 504 in each service's error shape, and connections closed without an answer. Everything runs
//! against the tenant's own 127.0.0.1 listeners, a handful of requests per test.

#[path = "support/exchange.rs"]
mod exchange_support;
mod support;

use std::time::Duration;

use exchange_support::{EXCHANGE_SCOPE, Setup, exchange_app, exchange_error, invoke, secret_token};
use serde_json::Value;
use tenant_sim::directory::well_known::EXCHANGE_ADMINISTRATOR;
use tenant_sim::{Fault, FaultRule, KnobSettings, RateLimit, Service, Tenant};

const READY: Setup<'static> = Setup {
    manage_as_app: true,
    roles: &[EXCHANGE_ADMINISTRATOR],
};

/// Sends a request to Graph; returns status, headers and the body as JSON (`Null` when not JSON).
async fn graph(
    tenant: &Tenant,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let is_post = method == reqwest::Method::POST;
    let mut request = support::client(tenant)
        .request(method, format!("{}{path}", tenant.graph_url()))
        .header("client-request-id", "test-client-request-id");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if is_post {
        request = request
            .header("content-type", "application/json")
            .body(r#"{"appId":"00000000-0000-0000-0000-000000000000"}"#);
    }
    let response = request.send().await.expect("Graph answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds")
}

#[tokio::test]
async fn the_next_two_posts_to_service_principals_get_429_then_requests_pass() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, "https://graph.microsoft.com/.default").await;
    let path = "/v1.0/servicePrincipals";
    // What Graph answers without faults, whatever it is.
    let (unfaulted_post, ..) = graph(&tenant, reqwest::Method::POST, path, Some(&token)).await;
    let (unfaulted_get, ..) = graph(&tenant, reqwest::Method::GET, path, Some(&token)).await;
    assert_ne!(unfaulted_post, 429);

    tenant.knobs().update(|k| {
        k.faults = vec![
            FaultRule::next(
                2,
                Fault::Throttle {
                    retry_after_secs: 1,
                },
            )
            .service(Service::Graph)
            .on("POST", path),
        ]
    });
    for _ in 0..2 {
        let (status, headers, body) =
            graph(&tenant, reqwest::Method::POST, path, Some(&token)).await;
        assert_eq!(status, 429, "{body}");
        assert_eq!(retry_after(&headers), 1);
        assert_eq!(body["error"]["code"], "TooManyRequests");
        assert_eq!(body["error"]["innerError"]["status"], "429");
        assert_eq!(
            body["error"]["innerError"]["client-request-id"],
            "test-client-request-id"
        );
        assert_eq!(headers["client-request-id"], "test-client-request-id");
        assert!(headers.contains_key("request-id"));
        assert_eq!(
            headers["x-ms-throttle-scope"].to_str().unwrap(),
            format!(
                "Tenant_Application/ReadWrite/{}/{}",
                app.app.app_id,
                tenant.tenant_id()
            )
        );
        assert_eq!(
            headers["x-ms-throttle-information"],
            "ResourceUnitLimitExceeded"
        );
        // A GET on the same path is not caught by the rule.
        let (status, ..) = graph(&tenant, reqwest::Method::GET, path, Some(&token)).await;
        assert_eq!(status, unfaulted_get);
    }
    let (status, ..) = graph(&tenant, reqwest::Method::POST, path, Some(&token)).await;
    assert_eq!(status, unfaulted_post);
    assert!(
        tenant.knobs().get().faults.is_empty(),
        "the rule is used up"
    );

    let posts: Vec<_> = tenant
        .request_log()
        .entries_for(Service::Graph)
        .into_iter()
        .filter(|e| e.method == "POST")
        .collect();
    let statuses: Vec<u16> = posts.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [unfaulted_post, 429, 429, unfaulted_post],
        "{posts:?}"
    );
    assert_eq!(
        posts[1].fault,
        Some(Fault::Throttle {
            retry_after_secs: 1
        })
    );
    assert_eq!(posts[3].fault, None);
}

#[tokio::test]
async fn a_rate_limit_throttles_with_retry_after_and_a_client_that_waits_gets_through() {
    let tenant = support::start_with(KnobSettings {
        device_code_interval_secs: 0,
        rate_limits: vec![RateLimit {
            service: Service::Exchange,
            max_requests: 2,
            // Two seconds, so that a slow machine still sends three requests in one window.
            window: Duration::from_secs(2),
        }],
        ..KnobSettings::default()
    })
    .await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    let started = std::time::Instant::now();
    for _ in 0..2 {
        let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    exchange_error(&answer, 429, "TooManyRequests");
    let wait = retry_after(&answer.headers);
    assert!(
        (1..=2).contains(&wait),
        "the seconds left in the window: {wait}"
    );
    // The token endpoint is not limited.
    secret_token(&tenant, &app, EXCHANGE_SCOPE).await;

    // A real client waits Retry-After, then retries.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(started.elapsed() < Duration::from_secs(10));

    let statuses: Vec<u16> = tenant
        .request_log()
        .entries_for(Service::Exchange)
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [200, 200, 429, 200]);
}

#[tokio::test]
async fn injected_500_503_and_504_on_exchange_then_it_answers_again() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let on_exchange = |fault| {
        FaultRule::next(1, fault)
            .service(Service::Exchange)
            .on("POST", "/adminapi/")
    };
    tenant.knobs().update(|k| {
        k.faults = vec![
            on_exchange(Fault::InternalServerError),
            on_exchange(Fault::ServiceUnavailable {
                retry_after_secs: Some(2),
            }),
            on_exchange(Fault::GatewayTimeout),
        ]
    });
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    exchange_error(&answer, 500, "InternalServerError");
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    exchange_error(&answer, 503, "ServiceUnavailable");
    assert_eq!(retry_after(&answer.headers), 2);
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    exchange_error(&answer, 504, "GatewayTimeout");
    let answer = invoke(&tenant, Some(&token), "Get-OrganizationConfig").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn graph_and_entra_faults_come_in_their_own_shapes() {
    let tenant = support::start().await;
    tenant.knobs().update(|k| {
        k.faults = vec![
            FaultRule::next(
                1,
                Fault::ServiceUnavailable {
                    retry_after_secs: Some(3),
                },
            )
            .service(Service::Graph),
            FaultRule::next(1, Fault::GatewayTimeout).service(Service::Graph),
            FaultRule::next(1, Fault::InternalServerError).service(Service::Graph),
            FaultRule::next(
                1,
                Fault::ServiceUnavailable {
                    retry_after_secs: Some(1),
                },
            )
            .service(Service::Authority)
            .path_prefix(&format!("/{}/oauth2/v2.0/token", tenant.tenant_id())),
        ]
    });
    let (status, headers, body) =
        graph(&tenant, reqwest::Method::GET, "/v1.0/organization", None).await;
    assert_eq!(status, 503);
    assert_eq!(retry_after(&headers), 3);
    assert_eq!(body["error"]["code"], "serviceNotAvailable");
    assert!(body["error"]["innerError"]["request-id"].is_string());
    let (status, _, body) = graph(&tenant, reqwest::Method::GET, "/v1.0/organization", None).await;
    assert_eq!(status, 504);
    assert_eq!(body["error"]["code"], "gatewayTimeout");
    let (status, _, body) = graph(&tenant, reqwest::Method::GET, "/v1.0/organization", None).await;
    assert_eq!(status, 500);
    assert_eq!(body["error"]["code"], "UnknownError");

    let app = exchange_app(&tenant, READY);
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", app.app.app_id.as_str()),
        ("client_secret", app.secret.as_str()),
        ("scope", EXCHANGE_SCOPE),
    ];
    let (status, body) = support::post_token(&tenant, &form).await;
    assert_eq!(status, 503);
    support::assert_entra_error(&body, "temporarily_unavailable", 90033);
    let (status, body) = support::post_token(&tenant, &form).await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_dropped_connection_is_a_client_side_error_and_the_next_connection_works() {
    let tenant = support::start().await;
    let app = exchange_app(&tenant, READY);
    let token = secret_token(&tenant, &app, EXCHANGE_SCOPE).await;
    let http1 = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(tenant.ca_pem().as_bytes()).unwrap()])
        .http1_only()
        .build()
        .unwrap();
    for (name, client) in [
        ("negotiated (h2)", support::client(&tenant)),
        ("http/1.1", http1),
    ] {
        tenant.knobs().update(|k| {
            k.faults = vec![FaultRule::next(1, Fault::DropConnection).service(Service::Exchange)]
        });
        let send = || {
            client
                .post(exchange_support::invoke_url(&tenant))
                .bearer_auth(&token)
                .header("X-AnchorMailbox", exchange_support::app_anchor(&tenant))
                .json(&serde_json::json!({"CmdletInput": {"CmdletName": "Get-AcceptedDomain", "Parameters": {}}}))
                .timeout(Duration::from_secs(10))
                .send()
        };
        let error = send()
            .await
            .expect_err("no response on a dropped connection");
        assert!(
            !error.is_timeout(),
            "{name}: closed, not timed out: {error:?}"
        );
        assert!(error.status().is_none(), "{name}: {error:?}");
        let response = send().await.expect("the next request gets through");
        assert_eq!(response.status().as_u16(), 200, "{name}");
    }
    let entries = tenant.request_log().entries_for(Service::Exchange);
    let dropped: Vec<_> = entries
        .iter()
        .filter(|e| e.fault == Some(Fault::DropConnection))
        .collect();
    assert_eq!(dropped.len(), 2);
    assert!(dropped.iter().all(|e| e.status == 0));
    let versions: Vec<&str> = dropped.iter().map(|e| e.http_version.as_str()).collect();
    assert_eq!(versions, ["HTTP/2.0", "HTTP/1.1"]);
    // The request after a drop came on a new connection.
    let after: Vec<_> = entries.iter().filter(|e| e.status == 200).collect();
    assert!(after.iter().all(|e| e.new_connection), "{after:?}");
}

#[tokio::test]
async fn an_always_rule_holds_until_the_knob_changes() {
    let tenant = support::start().await;
    tenant.knobs().update(|k| {
        k.faults = vec![FaultRule::always(Fault::GatewayTimeout).on("GET", "/v1.0/me")]
    });
    for _ in 0..3 {
        let (status, ..) = graph(&tenant, reqwest::Method::GET, "/v1.0/me", None).await;
        assert_eq!(status, 504);
    }
    let (status, ..) = graph(&tenant, reqwest::Method::GET, "/v1.0/organization", None).await;
    assert_ne!(status, 504);
    tenant.knobs().update(|k| k.faults.clear());
    let (status, ..) = graph(&tenant, reqwest::Method::GET, "/v1.0/me", None).await;
    assert_ne!(status, 504);
}

/// The statuses of `count` unauthenticated GETs of `/v1.0/organization` (401 when not faulted).
async fn statuses(tenant: &Tenant, count: usize) -> Vec<u16> {
    let mut statuses = Vec::with_capacity(count);
    for _ in 0..count {
        statuses.push(
            graph(tenant, reqwest::Method::GET, "/v1.0/organization", None)
                .await
                .0,
        );
    }
    statuses
}

#[tokio::test]
async fn a_rule_with_a_chance_catches_about_that_share_the_same_way_for_one_seed() {
    let tenant = support::start().await;
    let rule = FaultRule::sometimes(
        20,
        Fault::Throttle {
            retry_after_secs: 0,
        },
    )
    .service(Service::Graph);
    tenant.knobs().update(|k| {
        k.fault_seed = 7;
        k.faults = vec![rule.clone()];
    });
    let first = statuses(&tenant, 200).await;
    let throttled = first.iter().filter(|s| **s == 429).count();
    assert!(
        (15..=70).contains(&throttled),
        "{throttled} of 200 throttled at 20%"
    );
    assert!(first.iter().all(|s| *s == 429 || *s == 401), "{first:?}");
    // The same seed again gives the same sequence; another seed another one.
    tenant.knobs().update(|k| k.fault_seed = 8);
    let other = statuses(&tenant, 200).await;
    tenant.knobs().update(|k| k.fault_seed = 7);
    let again = statuses(&tenant, 200).await;
    assert_eq!(again, first);
    assert_ne!(other, first);
}

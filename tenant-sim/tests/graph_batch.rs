//! `POST /v1.0/$batch`: items run through Graph one by one (authentication, authorization, validation
//! and replication lag apply to each), `dependsOn` and 424, per-item statuses inside a 200, and the
//! batches Graph refuses whole.

#[path = "support/graph.rs"]
mod graph;
mod support;

use std::time::Duration;

use graph::{Graph, Reply, assert_graph_error};
use serde_json::{Value, json};
use tenant_sim::directory::well_known::EXCHANGE_ADMINISTRATOR;
use tenant_sim::{KnobSettings, Tenant};

async fn as_user(tenant: &Tenant, user: &tenant_sim::SeededUser) -> Graph {
    Graph::new(
        tenant,
        Some(graph::user_token(tenant, graph::upn(user)).await),
    )
}

/// The response of item `id`.
fn item<'a>(reply: &'a Reply, id: &str) -> &'a Value {
    reply.body["responses"]
        .as_array()
        .expect("responses")
        .iter()
        .find(|response| response["id"] == id)
        .unwrap_or_else(|| panic!("no response for item {id} in {:#}", reply.body))
}

const JSON: &str = "application/json";

#[tokio::test]
async fn items_run_in_dependency_order_with_their_own_statuses() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let unknown = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
    let reply = admin
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "2", "method": "GET", "url": "/applications(uniqueName='batched')", "dependsOn": ["1"]},
                {"id": "1", "method": "PATCH", "url": "/applications(uniqueName='batched')",
                 "headers": {"Content-Type": JSON, "Prefer": "create-if-missing"},
                 "body": {"displayName": "Batched"}},
                {"id": "3", "method": "GET", "url": format!("/applications/{unknown}")},
                {"id": "4", "method": "GET", "url": "/organization", "dependsOn": ["3"]},
                {"id": "5", "method": "GET", "url": "/organization?$select=id"}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:#}", reply.body);
    let created = item(&reply, "1");
    assert_eq!(created["status"], 201);
    assert_eq!(created["body"]["displayName"], "Batched");
    let read = item(&reply, "2");
    assert_eq!(read["status"], 200);
    assert_eq!(read["body"]["id"], created["body"]["id"]);
    let missing = item(&reply, "3");
    assert_eq!(missing["status"], 404);
    assert_eq!(missing["body"]["error"]["code"], "Request_ResourceNotFound");
    assert_eq!(item(&reply, "4")["status"], 424);
    let organization = item(&reply, "5");
    assert_eq!(organization["status"], 200);
    assert_eq!(organization["body"]["value"][0]["id"], tenant.tenant_id());
    assert!(
        organization["headers"]["Content-Type"]
            .as_str()
            .unwrap()
            .starts_with("application/json")
    );
}

#[tokio::test]
async fn authorization_and_validation_apply_to_each_item() {
    let tenant = graph::start().await;
    let users = tenant.users().clone();
    let app_admin = as_user(&tenant, &users.application_admin).await;
    let reply = app_admin
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "app", "method": "POST", "url": "/applications",
                 "headers": {"Content-Type": JSON}, "body": {"displayName": "from a batch"}},
                {"id": "role", "method": "POST", "url": "/roleManagement/directory/roleAssignments",
                 "headers": {"Content-Type": JSON},
                 "body": {"roleDefinitionId": EXCHANGE_ADMINISTRATOR, "principalId": users.plain_user.id}},
                {"id": "typo", "method": "POST", "url": "/applications",
                 "headers": {"Content-Type": JSON},
                 "body": {"displayName": "x", "requiredResourceAccess": [{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccesses": []}]}}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:#}", reply.body);
    assert_eq!(item(&reply, "app")["status"], 201);
    let role = item(&reply, "role");
    assert_eq!(role["status"], 403);
    assert_eq!(role["body"]["error"]["code"], "Authorization_RequestDenied");
    let typo = item(&reply, "typo");
    assert_eq!(typo["status"], 400);
    assert!(
        typo["body"]["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The property 'resourceAccesses' does not exist")
    );

    // Without a token, the batch is answered and every item is refused.
    let anonymous = Graph::new(&tenant, None)
        .post(
            "/$batch",
            json!({"requests": [{"id": "1", "method": "GET", "url": "/organization"}]}),
        )
        .await;
    assert_eq!(anonymous.status, 200);
    assert_eq!(item(&anonymous, "1")["status"], 401);
}

#[tokio::test]
async fn replication_lag_applies_between_items_of_one_batch() {
    let tenant = graph::start_with(
        graph::graph_scopes(),
        KnobSettings {
            replication_lag: Duration::from_secs(30),
            ..KnobSettings::default()
        },
    )
    .await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let reply = admin
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "1", "method": "PATCH", "url": "/applications(uniqueName='lagging')",
                 "headers": {"Content-Type": JSON, "Prefer": "create-if-missing"},
                 "body": {"displayName": "Lagging"}},
                {"id": "2", "method": "GET", "url": "/applications(uniqueName='lagging')", "dependsOn": ["1"]}
            ]}),
        )
        .await;
    assert_eq!(item(&reply, "1")["status"], 201);
    assert_eq!(item(&reply, "2")["status"], 404);
}

#[tokio::test]
async fn malformed_batches_are_refused_whole() {
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    let too_many: Vec<Value> = (1..=21)
        .map(|n| json!({"id": n.to_string(), "method": "GET", "url": "/organization"}))
        .collect();
    assert_graph_error(
        &admin.post("/$batch", json!({"requests": too_many})).await,
        400,
        "BadRequest",
        "The batch contains 21 requests; at most 20 requests are allowed in one batch.",
    );
    let twenty: Vec<Value> = (1..=20)
        .map(|n| json!({"id": n.to_string(), "method": "GET", "url": "/organization?$select=id"}))
        .collect();
    let full = admin.post("/$batch", json!({"requests": twenty})).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.body["responses"].as_array().unwrap().len(), 20);

    assert_graph_error(
        &admin
            .post(
                "/$batch",
                json!({"requests": [
                    {"id": "1", "method": "GET", "url": "/organization"},
                    {"id": "1", "method": "GET", "url": "/me"}
                ]}),
            )
            .await,
        400,
        "BadRequest",
        "Request Id 1 has to be unique in a batch.",
    );
    let dangling = admin
        .post(
            "/$batch",
            json!({"requests": [{"id": "1", "method": "GET", "url": "/me", "dependsOn": ["9"]}]}),
        )
        .await;
    assert_eq!(dangling.status, 400, "{:#}", dangling.body);
    let not_a_batch = admin.post("/$batch", json!({"request": []})).await;
    assert_graph_error(
        &not_a_batch,
        400,
        "BadRequest",
        "Invalid batch payload format.",
    );
    let nested = admin
        .post(
            "/$batch",
            json!({"requests": [{"id": "1", "method": "POST", "url": "/$batch",
                "headers": {"Content-Type": JSON}, "body": {"requests": []}}]}),
        )
        .await;
    assert_eq!(nested.status, 200);
    assert_eq!(item(&nested, "1")["status"], 400);
}

#[tokio::test]
async fn one_item_of_a_five_item_batch_is_throttled_alone_and_the_log_shows_the_batch() {
    use tenant_sim::{Fault, FaultRule, Service};
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    tenant.knobs().update(|k| {
        k.faults = vec![
            FaultRule::next(
                1,
                Fault::Throttle {
                    retry_after_secs: 7,
                },
            )
            .service(Service::Graph)
            .on("GET", "/v1.0/organization"),
        ]
    });
    tenant.request_log().clear();
    let reply = admin
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "1", "method": "GET", "url": "/me"},
                {"id": "2", "method": "GET", "url": "/organization"},
                {"id": "3", "method": "GET", "url": "/applications?$top=1"},
                {"id": "4", "method": "GET", "url": "/servicePrincipals?$top=1"},
                {"id": "5", "method": "GET", "url": "/roleManagement/directory/roleDefinitions?$top=1"}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:#}", reply.body);
    let throttled = item(&reply, "2");
    assert_eq!(throttled["status"], 429);
    assert_eq!(throttled["headers"]["Retry-After"], "7");
    assert_eq!(throttled["body"]["error"]["code"], "TooManyRequests");
    for id in ["1", "3", "4", "5"] {
        assert_eq!(item(&reply, id)["status"], 200, "item {id}");
    }

    let entries = tenant.request_log().entries();
    let outer = entries
        .iter()
        .find(|e| e.path == "/v1.0/$batch")
        .expect("the $batch request");
    let batch_id = outer
        .batch_id
        .expect("the batch request carries its batch id");
    assert_eq!(outer.batch_item, None);
    let items: Vec<_> = entries
        .iter()
        .filter(|e| e.batch_id == Some(batch_id) && e.batch_item.is_some())
        .collect();
    assert_eq!(items.len(), 5, "{entries:#?}");
    let mut ids: Vec<&str> = items
        .iter()
        .map(|e| e.batch_item.as_deref().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["1", "2", "3", "4", "5"]);
    for entry in &items {
        assert_eq!(entry.service, Service::Graph);
        assert_eq!(entry.connection_id, outer.connection_id);
        assert!(!entry.new_connection);
        assert!(entry.finished_at >= entry.started_at);
    }
    let organization = items
        .iter()
        .find(|e| e.batch_item.as_deref() == Some("2"))
        .unwrap();
    assert_eq!(organization.path, "/v1.0/organization");
    assert_eq!(organization.status, 429);
    assert_eq!(
        organization.fault,
        Some(Fault::Throttle {
            retry_after_secs: 7
        })
    );
    let apps = items
        .iter()
        .find(|e| e.batch_item.as_deref() == Some("3"))
        .unwrap();
    assert_eq!(apps.query.as_deref(), Some("$top=1"));
    // One round trip: only the $batch request has no item id.
    let round_trips = entries.iter().filter(|e| e.batch_item.is_none()).count();
    assert_eq!(round_trips, 1);
}

#[tokio::test]
async fn items_count_against_rate_limits_one_by_one() {
    use tenant_sim::{RateLimit, Service};
    let tenant = graph::start().await;
    let admin = as_user(&tenant, &tenant.users().global_admin.clone()).await;
    tenant.knobs().update(|k| {
        k.rate_limits = vec![RateLimit {
            service: Service::Graph,
            max_requests: 3,
            window: Duration::from_secs(60),
        }]
    });
    // The $batch request is the first of three; its first two items the next; the rest are over.
    let reply = admin
        .post(
            "/$batch",
            json!({"requests": [
                {"id": "a", "method": "GET", "url": "/organization"},
                {"id": "b", "method": "GET", "url": "/organization"},
                {"id": "c", "method": "GET", "url": "/organization"},
                {"id": "d", "method": "GET", "url": "/organization"}
            ]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{:#}", reply.body);
    let statuses: Vec<u64> = ["a", "b", "c", "d"]
        .iter()
        .map(|id| item(&reply, id)["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 200, 429, 429]);
    assert!(item(&reply, "c")["headers"]["Retry-After"].is_string());
}

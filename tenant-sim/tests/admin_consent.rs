//! Admin consent: the signed-in admin grants an application's required permissions tenant-wide; who may
//! grant what; Entra's redirects on success and failure.

mod support;

use serde_json::{Value, json};
use tenant_sim::directory::well_known::{EXCHANGE_ONLINE_APP_ID, MICROSOFT_GRAPH_APP_ID};
use tenant_sim::{ConsentAnswer, Tenant};

const MANAGE_AS_APP: &str = "dc50a0fb-09a3-484d-be87-e023b12c6440";
const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const GRAPH_DIRECTORY_READ_ALL_ROLE: &str = "7ab1d382-f21e-4acd-a863-ba3e13f7da61";

/// The app the connector provisions: User.Read (delegated) and Exchange.ManageAsApp (application),
/// with a loopback redirect for browser admin consent.
fn connector_app(tenant: &Tenant, extra_graph_role: bool) -> support::App {
    let mut graph_access = vec![json!({"id": USER_READ, "type": "Scope"})];
    if extra_graph_role {
        graph_access.push(json!({"id": GRAPH_DIRECTORY_READ_ALL_ROLE, "type": "Role"}));
    }
    support::register_app(
        tenant,
        "Identity sync connector",
        json!({
            "publicClient": {"redirectUris": ["http://localhost"]},
            "requiredResourceAccess": [
                {"resourceAppId": MICROSOFT_GRAPH_APP_ID, "resourceAccess": graph_access},
                {"resourceAppId": EXCHANGE_ONLINE_APP_ID, "resourceAccess": [{"id": MANAGE_AS_APP, "type": "Role"}]},
            ],
        }),
    )
}

async fn consent(
    tenant: &Tenant,
    path: &str,
    client_id: &str,
    redirect: &str,
    extra: &str,
) -> (u16, String, Option<Value>) {
    let url = format!(
        "{}/{path}?client_id={client_id}&redirect_uri={}&state=s-42{extra}",
        tenant.tenant_authority(),
        url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>()
    );
    let response = support::client(tenant).get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = if status == 302 {
        None
    } else {
        response.json().await.ok()
    };
    (status, location, body)
}

fn query(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

#[tokio::test]
async fn a_global_admin_grants_the_required_permissions() {
    let tenant = support::start().await;
    let app = connector_app(&tenant, true);
    let (status, location, _) = consent(
        &tenant,
        "adminconsent",
        &app.app_id,
        "http://localhost:8765/",
        "",
    )
    .await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("http://localhost:8765/?"),
        "{location}"
    );
    let q = query(&location);
    assert_eq!(q["admin_consent"], "True");
    assert_eq!(q["tenant"], tenant.tenant_id());
    assert_eq!(q["state"], "s-42");

    {
        let data = tenant.directory().read();
        let graph = data
            .service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
            .unwrap()
            .id()
            .to_owned();
        let exo = data
            .service_principal_by_app_id(EXCHANGE_ONLINE_APP_ID)
            .unwrap()
            .id()
            .to_owned();
        assert_eq!(
            data.granted_app_role_values(&app.service_principal_id, &exo),
            ["Exchange.ManageAsApp"]
        );
        assert_eq!(
            data.granted_app_role_values(&app.service_principal_id, &graph),
            ["Directory.Read.All"]
        );
        let grant = data
            .oauth2_permission_grant(
                &app.service_principal_id,
                &graph,
                tenant_sim::directory::ConsentType::AllPrincipals,
                None,
            )
            .expect("a tenant-wide delegated grant");
        assert_eq!(grant.str("scope"), Some("User.Read"));
    }

    // Consenting again changes nothing and still succeeds.
    let (status, _, _) = consent(
        &tenant,
        "adminconsent",
        &app.app_id,
        "http://localhost:8765/",
        "",
    )
    .await;
    assert_eq!(status, 302);
    assert_eq!(tenant.directory().read().app_role_assignments.len(), 2);
}

#[tokio::test]
async fn an_application_admin_may_grant_exchange_but_not_graph_app_roles() {
    let tenant = support::start().await;
    let upn = tenant.users().application_admin.user_principal_name.clone();
    tenant.knobs().update(|k| k.sign_in_user = Some(upn));

    let app = connector_app(&tenant, false);
    let (status, location, _) =
        consent(&tenant, "adminconsent", &app.app_id, "http://localhost", "").await;
    assert_eq!(status, 302);
    assert_eq!(query(&location)["admin_consent"], "True");

    let greedy = connector_app(&tenant, true);
    let (status, location, _) = consent(
        &tenant,
        "adminconsent",
        &greedy.app_id,
        "http://localhost",
        "",
    )
    .await;
    assert_eq!(status, 302);
    let q = query(&location);
    assert_eq!(q["error"], "access_denied");
    assert!(q["error_description"].starts_with("AADSTS90094: "));
    assert_eq!(q["state"], "s-42");
}

#[tokio::test]
async fn non_admins_and_eligible_only_admins_are_refused() {
    let tenant = support::start().await;
    let app = connector_app(&tenant, false);
    for user in [
        tenant.users().plain_user.clone(),
        tenant.users().eligible_role_admin.clone(),
    ] {
        tenant
            .knobs()
            .update(|k| k.sign_in_user = Some(user.user_principal_name.clone()));
        let (status, location, _) =
            consent(&tenant, "adminconsent", &app.app_id, "http://localhost", "").await;
        assert_eq!(status, 302);
        let q = query(&location);
        assert_eq!(q["error"], "access_denied", "{}", user.user_principal_name);
        assert!(q["error_description"].starts_with("AADSTS90094: "));
        assert!(!q.contains_key("admin_consent"));
    }
    assert!(tenant.directory().read().app_role_assignments.is_empty());
}

#[tokio::test]
async fn the_v2_endpoint_echoes_scope_and_keeps_admin_consent_on_errors() {
    let tenant = support::start().await;
    let app = connector_app(&tenant, false);
    let scope = "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    let (status, location, _) = consent(
        &tenant,
        "v2.0/adminconsent",
        &app.app_id,
        "http://localhost",
        scope,
    )
    .await;
    assert_eq!(status, 302);
    assert_eq!(
        query(&location)["scope"],
        "https://graph.microsoft.com/.default"
    );

    tenant
        .knobs()
        .update(|k| k.consent_answer = ConsentAnswer::Decline);
    let (_, location, _) = consent(
        &tenant,
        "v2.0/adminconsent",
        &app.app_id,
        "http://localhost",
        scope,
    )
    .await;
    let q = query(&location);
    assert_eq!(q["admin_consent"], "True");
    assert_eq!(q["error"], "consent_required");

    let (_, location, _) =
        consent(&tenant, "adminconsent", &app.app_id, "http://localhost", "").await;
    let q = query(&location);
    assert_eq!(q["error"], "permission_denied");
    assert!(q["error_description"].starts_with("AADSTS65004: "));
}

#[tokio::test]
async fn an_unregistered_redirect_or_unknown_app_is_shown_not_redirected() {
    let tenant = support::start().await;
    let app = connector_app(&tenant, false);
    let (status, location, body) = consent(
        &tenant,
        "adminconsent",
        &app.app_id,
        "https://evil.example/",
        "",
    )
    .await;
    assert_eq!(status, 400);
    assert!(location.is_empty());
    support::assert_entra_error(&body.unwrap(), "invalid_request", 50011);

    let unknown = uuid::Uuid::new_v4().to_string();
    let (status, _, body) =
        consent(&tenant, "adminconsent", &unknown, "http://localhost", "").await;
    assert_eq!(status, 400);
    support::assert_entra_error(&body.unwrap(), "unauthorized_client", 700016);
}

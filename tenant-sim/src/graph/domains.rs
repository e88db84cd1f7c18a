//! `GET /domains` and `/domains/{name}`: the organisation's verified domains as `domain` objects
//! (<https://learn.microsoft.com/graph/api/domain-list>, <https://learn.microsoft.com/graph/api/resources/domain>).

use axum::response::Response;
use serde_json::{Value, json};

use crate::graph::authz::Operation;
use crate::graph::error::GraphError;
use crate::graph::odata::DOMAINS;
use crate::graph::request::GraphRequest;

/// The verified domains, as Graph's `domain` objects.
fn domains(request: &GraphRequest) -> Vec<Value> {
    let domains = request.state.directory.read().verified_domains();
    domains
        .into_iter()
        .map(|domain| {
            json!({
                "id": domain.name,
                "authenticationType": domain.authentication_type,
                "availabilityStatus": null,
                "isAdminManaged": true,
                "isDefault": domain.is_default,
                "isInitial": domain.is_initial,
                "isRoot": true,
                "isVerified": true,
                "passwordNotificationWindowInDays": null,
                "passwordValidityPeriodInDays": null,
                "supportedServices": ["Email", "OfficeCommunicationsOnline"],
                "state": null,
            })
        })
        .collect()
}

/// `GET /domains`.
pub fn list(request: &GraphRequest) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDomains)?;
    let options = request.list_options(&DOMAINS)?;
    request.list_answer(&options, domains(request), "domains")
}

/// `GET /domains/{name}`.
pub fn get(request: &GraphRequest, name: &str) -> Result<Response, GraphError> {
    request.authorize(Operation::ReadDomains)?;
    request.item_answer(DOMAINS.type_name, domains(request), name, "domains")
}

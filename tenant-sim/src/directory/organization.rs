//! The tenant's organisation object and its domains.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::directory::data::DirectoryData;
use crate::directory::object::{DirectoryObject, object};
use crate::directory::timestamps::graph_timestamp;

/// Builds the organisation (`GET /organization`) with one verified, initial, default domain.
pub(crate) fn organization(
    tenant_id: &str,
    display_name: &str,
    initial_domain: &str,
) -> DirectoryObject {
    DirectoryObject::new(object([
        ("id", json!(tenant_id)),
        ("displayName", json!(display_name)),
        ("tenantType", json!("AAD")),
        ("countryLetterCode", json!("US")),
        ("preferredLanguage", json!("en")),
        (
            "createdDateTime",
            json!(graph_timestamp(OffsetDateTime::now_utc())),
        ),
        ("deletedDateTime", Value::Null),
        ("onPremisesSyncEnabled", Value::Null),
        ("businessPhones", json!([])),
        ("technicalNotificationMails", json!([])),
        (
            "verifiedDomains",
            json!([{
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": true,
                "isInitial": true,
                "name": initial_domain,
                "type": "Managed"
            }]),
        ),
    ]))
}

/// One of the organisation's `verifiedDomains`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedDomain {
    /// The domain name (`contoso.onmicrosoft.com`).
    pub name: String,
    /// Whether it is the default domain.
    pub is_default: bool,
    /// Whether it is the initial `*.onmicrosoft.com` domain.
    pub is_initial: bool,
    /// `Managed` or `Federated`.
    pub authentication_type: String,
}

impl DirectoryData {
    /// The organisation's verified domains.
    pub fn verified_domains(&self) -> Vec<VerifiedDomain> {
        self.organization
            .array("verifiedDomains")
            .iter()
            .filter_map(|domain| {
                let flag = |key: &str| domain.get(key).and_then(Value::as_bool).unwrap_or(false);
                Some(VerifiedDomain {
                    name: domain.get("name")?.as_str()?.to_owned(),
                    is_default: flag("isDefault"),
                    is_initial: flag("isInitial"),
                    authentication_type: domain
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("Managed")
                        .to_owned(),
                })
            })
            .collect()
    }

    /// The organisation's display name.
    pub fn organization_name(&self) -> &str {
        self.organization.str("displayName").unwrap_or_default()
    }

    /// The initial `*.onmicrosoft.com` domain (`verifiedDomains[isInitial]`).
    pub fn initial_domain(&self) -> &str {
        self.organization
            .array("verifiedDomains")
            .iter()
            .find(|d| d.get("isInitial").and_then(Value::as_bool) == Some(true))
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Whether `name` is one of the tenant's verified domains (case-insensitive).
    pub fn has_domain(&self, name: &str) -> bool {
        self.organization.array("verifiedDomains").iter().any(|d| {
            d.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    }
}

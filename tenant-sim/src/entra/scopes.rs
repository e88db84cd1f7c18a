//! The `scope` parameter: one resource per request (`https://graph.microsoft.com/.default`,
//! `https://graph.microsoft.com/User.Read`, bare `User.Read` for Microsoft Graph,
//! `https://outlook.office365.com/.default`) plus the OpenID Connect scopes.

use axum::http::StatusCode;
use serde_json::Value;

use crate::directory::DirectoryData;
use crate::directory::well_known::{MICROSOFT_GRAPH_APP_ID, OIDC_SCOPES};
use crate::entra::error::EntraError;

/// The resource a request is for and the permissions asked of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResourceRequest {
    /// The resource's canonical identifier (`https://graph.microsoft.com`).
    pub identifier: String,
    /// The resource as the scope named it (`https://management.core.windows.net/` in
    /// `https://management.core.windows.net//.default`); the canonical identifier for bare Graph scopes.
    pub requested: String,
    /// The resource's appId.
    pub app_id: String,
    /// The resource's service principal in this tenant.
    pub service_principal_id: String,
    /// `…/.default` was asked.
    pub default: bool,
    /// Named delegated permissions (`User.Read`).
    pub permissions: Vec<String>,
}

impl ResourceRequest {
    /// The token's `aud`: the resource URI as the scope wrote it (Entra keeps a trailing slash, as in
    /// `https://management.core.windows.net/`), else the canonical identifier.
    pub(crate) fn audience(&self) -> String {
        if self.requested.contains("://") {
            self.requested.clone()
        } else {
            self.identifier.clone()
        }
    }
}

/// A parsed `scope` parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScopeRequest {
    /// The resource; Microsoft Graph when only OpenID Connect scopes were asked.
    pub resource: ResourceRequest,
    /// Whether any resource scope was named (else the request only had OIDC scopes).
    pub explicit_resource: bool,
    /// `openid`, `profile`, `offline_access`, `email` as asked.
    pub oidc: Vec<String>,
}

impl ScopeRequest {
    /// Whether an OIDC scope was asked.
    pub(crate) fn has_oidc(&self, name: &str) -> bool {
        self.oidc.iter().any(|s| s.eq_ignore_ascii_case(name))
    }
}

fn invalid_scope(code: u32, message: String) -> EntraError {
    EntraError::new(StatusCode::BAD_REQUEST, "invalid_scope", code, message)
}

fn canonical_identifier(sp: &crate::directory::DirectoryObject) -> String {
    sp.array("servicePrincipalNames")
        .iter()
        .filter_map(Value::as_str)
        .find(|n| n.starts_with("https://"))
        .map(|n| n.trim_end_matches('/').to_owned())
        .unwrap_or_else(|| sp.str("appId").unwrap_or_default().to_owned())
}

/// Parses `scope` for `client_id` against the directory.
pub(crate) fn parse(
    data: &DirectoryData,
    scope: &str,
    client_id: &str,
) -> Result<ScopeRequest, EntraError> {
    let mut oidc = Vec::new();
    let mut resource: Option<ResourceRequest> = None;
    let tokens: Vec<&str> = scope.split_whitespace().collect();
    if tokens.is_empty() {
        return Err(EntraError::missing_parameter("scope"));
    }
    for token in &tokens {
        if OIDC_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(token)) {
            oidc.push(token.to_ascii_lowercase());
            continue;
        }
        let (resource_name, permission, named) = match token.rfind('/') {
            Some(index) if token.contains("://") || index > 0 => {
                (&token[..index], &token[index + 1..], true)
            }
            _ => (MICROSOFT_GRAPH_APP_ID, *token, false),
        };
        if permission.is_empty() {
            return Err(invalid_scope(
                70011,
                format!(
                    "The provided value for the input parameter 'scope' is not valid. The scope '{scope}' is not valid."
                ),
            ));
        }
        let sp = data.resource_service_principal(resource_name).ok_or_else(|| {
            EntraError::new(
                StatusCode::BAD_REQUEST,
                "invalid_resource",
                500011,
                format!(
                    "The resource principal named {resource_name} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
                    data.organization_name()
                ),
            )
        })?;
        let sp_id = sp.id().to_owned();
        let entry = match &mut resource {
            Some(existing) if existing.service_principal_id == sp_id => existing,
            Some(_) => {
                return Err(invalid_scope(
                    28000,
                    format!(
                        "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid."
                    ),
                ));
            }
            None => resource.insert(ResourceRequest {
                requested: if named {
                    resource_name.to_owned()
                } else {
                    canonical_identifier(sp)
                },
                identifier: canonical_identifier(sp),
                app_id: sp.str("appId").unwrap_or_default().to_owned(),
                service_principal_id: sp_id,
                default: false,
                permissions: Vec::new(),
            }),
        };
        if permission == ".default" {
            entry.default = true;
        } else {
            let known = sp
                .array("oauth2PermissionScopes")
                .iter()
                .filter_map(|s| s.get("value").and_then(Value::as_str))
                .find(|v| v.eq_ignore_ascii_case(permission))
                .map(str::to_owned);
            let Some(value) = known else {
                return Err(EntraError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_client",
                    650053,
                    format!(
                        "The application '{client_id}' asked for scope '{permission}' that doesn't exist on the resource '{}'. Contact the app vendor.",
                        entry.app_id
                    ),
                ));
            };
            if !entry.permissions.contains(&value) {
                entry.permissions.push(value);
            }
        }
    }
    if let Some(resource) = &resource
        && resource.default
        && !resource.permissions.is_empty()
    {
        return Err(invalid_scope(
            70011,
            format!(
                "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid. .default scope can't be combined with resource-specific scopes."
            ),
        ));
    }
    let explicit_resource = resource.is_some();
    let resource = match resource {
        Some(resource) => resource,
        None => {
            let graph = data
                .resource_service_principal(MICROSOFT_GRAPH_APP_ID)
                .ok_or_else(|| {
                    invalid_scope(
                        70011,
                        "Microsoft Graph's service principal is missing.".to_owned(),
                    )
                })?;
            ResourceRequest {
                requested: canonical_identifier(graph),
                identifier: canonical_identifier(graph),
                app_id: MICROSOFT_GRAPH_APP_ID.to_owned(),
                service_principal_id: graph.id().to_owned(),
                default: false,
                permissions: Vec::new(),
            }
        }
    };
    Ok(ScopeRequest {
        resource,
        explicit_resource,
        oidc,
    })
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::directory::SeedOptions;

    fn data() -> crate::directory::DirectoryData {
        crate::directory::seed::seed(&SeedOptions::default())
            .unwrap()
            .0
    }

    #[test]
    fn bare_and_prefixed_graph_scopes_name_the_same_resource() {
        let data = data();
        let request = parse(
            &data,
            "openid User.Read https://graph.microsoft.com/Application.ReadWrite.All offline_access",
            "c",
        )
        .unwrap();
        assert_eq!(request.resource.identifier, "https://graph.microsoft.com");
        assert_eq!(
            request.resource.permissions,
            ["User.Read", "Application.ReadWrite.All"]
        );
        assert_eq!(request.oidc, ["openid", "offline_access"]);
        assert!(!request.resource.default);

        let request = parse(&data, "https://outlook.office365.com/.default", "c").unwrap();
        assert_eq!(request.resource.identifier, "https://outlook.office365.com");
        assert!(request.resource.default && request.explicit_resource);

        let only_oidc = parse(&data, "openid profile", "c").unwrap();
        assert!(!only_oidc.explicit_resource);
        assert_eq!(only_oidc.resource.identifier, "https://graph.microsoft.com");
    }

    #[test]
    fn two_resources_unknown_scopes_and_mixed_default_are_refused() {
        let data = data();
        let code = |scope: &str| parse(&data, scope, "c").unwrap_err().code;
        assert_eq!(
            code("User.Read https://outlook.office365.com/.default"),
            28000
        );
        assert_eq!(code("Not.A.Scope"), 650053);
        assert_eq!(code("https://unknown.example/.default"), 500011);
        assert_eq!(
            code("https://graph.microsoft.com/.default User.Read"),
            70011
        );
        assert_eq!(code(""), 900144);
    }
}

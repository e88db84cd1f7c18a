//! The delegated scopes of the administrator's sign-in: the least that covers every call the later steps
//! make (see `docs/microsoft-services.md`, "Who may do what"), named with the cloud's production resource
//! identifier of Microsoft Graph whatever endpoints the settings give.

/// The Microsoft Graph permissions asked at sign-in, without their resource prefix.
pub const GRAPH_SIGN_IN_PERMISSIONS: [&str; 5] = [
    "User.Read",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "RoleManagement.ReadWrite.Directory",
];

/// The OpenID Connect scopes asked at sign-in: an ID token (`openid`, `profile`) and a refresh token
/// (`offline_access`).
pub const OIDC_SCOPES: [&str; 3] = ["openid", "profile", "offline_access"];

/// The `scope` parameter of the sign-in, e.g. `openid profile offline_access
/// https://graph.microsoft.com/User.Read …` for the global cloud.
pub fn sign_in_scopes(graph_resource: &str) -> String {
    OIDC_SCOPES
        .iter()
        .map(|s| (*s).to_owned())
        .chain(
            GRAPH_SIGN_IN_PERMISSIONS
                .iter()
                .map(|p| format!("{graph_resource}/{p}")),
        )
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::sign_in_scopes;

    #[test]
    fn the_scopes_name_the_clouds_graph() {
        assert_eq!(
            sign_in_scopes("https://graph.microsoft.us"),
            "openid profile offline_access https://graph.microsoft.us/User.Read \
             https://graph.microsoft.us/Application.ReadWrite.All https://graph.microsoft.us/AppRoleAssignment.ReadWrite.All \
             https://graph.microsoft.us/DelegatedPermissionGrant.ReadWrite.All \
             https://graph.microsoft.us/RoleManagement.ReadWrite.Directory"
        );
    }
}

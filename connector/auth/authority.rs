//! The Entra ID authority a sign-in goes to: the cloud's authority host and the tenant part of the path
//! (`organizations` for "one directory", the typed tenant GUID for "several"), and the endpoint URLs under it.
//!
//! <https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud>

/// An authority: `https://<host>/<tenant>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authority {
    host: String,
    tenant: String,
}

impl Authority {
    /// The authority of `host` (e.g. `https://login.microsoftonline.com`, no trailing slash) for `tenant`
    /// (`organizations`, a tenant GUID, or a verified domain).
    pub fn new(host: &str, tenant: &str) -> Authority {
        Authority {
            host: host.trim_end_matches('/').to_owned(),
            tenant: tenant.to_owned(),
        }
    }

    /// The authority host.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The tenant part.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// `https://<host>/<tenant>`.
    pub fn url(&self) -> String {
        format!("{}/{}", self.host, self.tenant)
    }

    /// The same host, another tenant (after "one directory" learned its tenant id).
    pub fn for_tenant(&self, tenant: &str) -> Authority {
        Authority::new(&self.host, tenant)
    }

    /// The v2.0 token endpoint.
    pub fn token_endpoint(&self) -> String {
        format!("{}/oauth2/v2.0/token", self.url())
    }

    /// The v2.0 device authorization endpoint.
    pub fn device_code_endpoint(&self) -> String {
        format!("{}/oauth2/v2.0/devicecode", self.url())
    }

    /// The v2.0 authorization endpoint.
    pub fn authorize_endpoint(&self) -> String {
        format!("{}/oauth2/v2.0/authorize", self.url())
    }

    /// The tenant-wide admin consent endpoint, which grants every permission the application's
    /// registration lists (its `requiredResourceAccess`), as the Azure portal's "Grant admin consent" does
    /// (<https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent#construct-the-url-for-granting-tenant-wide-admin-consent>).
    pub fn admin_consent_endpoint(&self) -> String {
        format!("{}/adminconsent", self.url())
    }
}

#[cfg(test)]
mod tests {
    use super::Authority;

    #[test]
    fn endpoints_sit_under_the_tenant() {
        let authority = Authority::new("https://login.microsoftonline.com/", "organizations");
        assert_eq!(
            authority.token_endpoint(),
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
        );
        let tenant = authority.for_tenant("72f988bf-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(
            tenant.device_code_endpoint(),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/devicecode"
        );
    }
}

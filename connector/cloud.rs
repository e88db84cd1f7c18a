//! The Microsoft clouds: their endpoints (sign-in authority host, Microsoft Graph, Exchange Online) and the
//! resource identifiers used in scopes.
//!
//! Sources: <https://learn.microsoft.com/graph/deployments> and
//! <https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud> (the facts the
//! connector relies on are gathered in `docs/microsoft-services.md`).
//! A cloud is two things that are kept apart on purpose: where the connector sends requests (endpoints) and
//! which resource identifiers it asks tokens for. A built-in cloud's endpoints are never overridden one by
//! one: a token goes only to the services of the cloud whose authority issued it. Custom endpoints (a
//! simulator, a sovereign deployment) replace all three together and keep the worldwide cloud's resource
//! identifiers.

use serde::{Serialize, Serializer};

/// A built-in Microsoft cloud, or custom endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// The worldwide cloud (`AzureCloud`).
    Global,
    /// US Government Community Cloud: the worldwide endpoints.
    Gcc,
    /// US Government GCC High.
    GccHigh,
    /// US Government DoD.
    Dod,
    /// Azure China, operated by 21Vianet.
    China,
    /// Endpoints given in the settings; the worldwide cloud's resource identifiers.
    Custom,
}

impl Serialize for Cloud {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Where the connector sends requests, and what it asks tokens for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    /// The cloud (`global`, `gcc`, `gcc_high`, `dod`, `china`, `custom` in documents).
    pub cloud: Cloud,
    /// The Entra ID authority host, e.g. `https://login.microsoftonline.com`.
    pub authority_host: String,
    /// The Microsoft Graph host, e.g. `https://graph.microsoft.com` (API version not included).
    pub graph_endpoint: String,
    /// The Exchange Online host, e.g. `https://outlook.office365.com`.
    pub exchange_endpoint: String,
    /// The Microsoft Graph resource identifier for scopes, e.g. `https://graph.microsoft.com`.
    pub graph_resource: &'static str,
    /// The Exchange Online resource identifier for scopes, e.g. `https://outlook.office365.com`.
    pub exchange_resource: &'static str,
    /// The ExchangeOnlineManagement module's name for the environment, e.g. `O365Default`.
    pub exchange_environment: &'static str,
}

impl Endpoints {
    /// Custom endpoints: all three hosts given (absolute `https://` URLs without a trailing slash), with the
    /// worldwide cloud's resource identifiers, so the production scope strings are the ones used.
    pub fn custom(
        authority_host: String,
        graph_endpoint: String,
        exchange_endpoint: String,
    ) -> Self {
        Endpoints {
            cloud: Cloud::Custom,
            authority_host,
            graph_endpoint,
            exchange_endpoint,
            graph_resource: GLOBAL.graph,
            exchange_resource: GLOBAL.exchange,
            exchange_environment: GLOBAL.exchange_environment,
        }
    }

    /// The Microsoft Graph v1.0 base URL, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn graph_v1(&self) -> String {
        format!("{}/v1.0", self.graph_endpoint)
    }

    /// The `.default` scope for Microsoft Graph, e.g. `https://graph.microsoft.com/.default`.
    pub fn graph_default_scope(&self) -> String {
        format!("{}/.default", self.graph_resource)
    }

    /// The `.default` scope for Exchange Online, e.g. `https://outlook.office365.com/.default`.
    pub fn exchange_default_scope(&self) -> String {
        format!("{}/.default", self.exchange_resource)
    }
}

/// The built-in facts of one cloud.
struct Builtin {
    authority_host: &'static str,
    graph: &'static str,
    exchange: &'static str,
    exchange_environment: &'static str,
}

const GLOBAL: Builtin = Builtin {
    authority_host: "https://login.microsoftonline.com",
    graph: "https://graph.microsoft.com",
    exchange: "https://outlook.office365.com",
    exchange_environment: "O365Default",
};

impl Cloud {
    /// Every cloud, in the order the settings schema lists them.
    pub const ALL: [Cloud; 6] = [
        Cloud::Global,
        Cloud::Gcc,
        Cloud::GccHigh,
        Cloud::Dod,
        Cloud::China,
        Cloud::Custom,
    ];

    /// The cloud's name in settings.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::Gcc => "gcc",
            Cloud::GccHigh => "gcc_high",
            Cloud::Dod => "dod",
            Cloud::China => "china",
            Cloud::Custom => "custom",
        }
    }

    /// What a console shows for the cloud.
    pub fn label(self) -> &'static str {
        match self {
            Cloud::Global => "Azure Cloud (worldwide)",
            Cloud::Gcc => "Azure US Government (GCC)",
            Cloud::GccHigh => "Azure US Government (GCC High)",
            Cloud::Dod => "Azure US Government (DoD)",
            Cloud::China => "Azure China (operated by 21Vianet)",
            Cloud::Custom => "Custom endpoints",
        }
    }

    fn builtin(self) -> Option<Builtin> {
        match self {
            Cloud::Global | Cloud::Gcc => Some(GLOBAL),
            Cloud::GccHigh => Some(Builtin {
                authority_host: "https://login.microsoftonline.us",
                graph: "https://graph.microsoft.us",
                exchange: "https://outlook.office365.us",
                exchange_environment: "O365USGovGCCHigh",
            }),
            Cloud::Dod => Some(Builtin {
                authority_host: "https://login.microsoftonline.us",
                graph: "https://dod-graph.microsoft.us",
                exchange: "https://outlook-dod.office365.us",
                exchange_environment: "O365USGovDoD",
            }),
            Cloud::China => Some(Builtin {
                authority_host: "https://login.partner.microsoftonline.cn",
                graph: "https://microsoftgraph.chinacloudapi.cn",
                exchange: "https://partner.outlook.cn",
                exchange_environment: "O365China",
            }),
            Cloud::Custom => None,
        }
    }

    /// The endpoints of a built-in cloud; `None` for [`Cloud::Custom`], whose endpoints come from the
    /// settings ([`Endpoints::custom`]).
    pub fn builtin_endpoints(self) -> Option<Endpoints> {
        self.builtin().map(|builtin| Endpoints {
            cloud: self,
            authority_host: builtin.authority_host.to_owned(),
            graph_endpoint: builtin.graph.to_owned(),
            exchange_endpoint: builtin.exchange.to_owned(),
            graph_resource: builtin.graph,
            exchange_resource: builtin.exchange,
            exchange_environment: builtin.exchange_environment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Cloud, Endpoints};

    #[test]
    fn national_clouds_use_their_own_hosts_and_resources() {
        let high = Cloud::GccHigh.builtin_endpoints().unwrap();
        assert_eq!(high.authority_host, "https://login.microsoftonline.us");
        assert_eq!(high.graph_v1(), "https://graph.microsoft.us/v1.0");
        assert_eq!(
            high.exchange_default_scope(),
            "https://outlook.office365.us/.default"
        );
        let dod = Cloud::Dod.builtin_endpoints().unwrap();
        assert_eq!(
            dod.graph_default_scope(),
            "https://dod-graph.microsoft.us/.default"
        );
        assert_eq!(dod.exchange_environment, "O365USGovDoD");
        let china = Cloud::China.builtin_endpoints().unwrap();
        assert_eq!(
            china.authority_host,
            "https://login.partner.microsoftonline.cn"
        );
        assert_eq!(
            china.graph_resource,
            "https://microsoftgraph.chinacloudapi.cn"
        );
        let gcc = Cloud::Gcc.builtin_endpoints().unwrap();
        assert_eq!(gcc.graph_endpoint, "https://graph.microsoft.com");
        assert_eq!(Cloud::Custom.builtin_endpoints(), None);
    }

    #[test]
    fn custom_endpoints_move_hosts_but_never_resources() {
        let custom = Endpoints::custom(
            "https://127.0.0.1:4431".to_owned(),
            "https://127.0.0.1:4432".to_owned(),
            "https://127.0.0.1:4433".to_owned(),
        );
        assert_eq!(custom.cloud, Cloud::Custom);
        assert_eq!(custom.graph_v1(), "https://127.0.0.1:4432/v1.0");
        assert_eq!(
            custom.graph_default_scope(),
            "https://graph.microsoft.com/.default"
        );
        assert_eq!(
            custom.exchange_default_scope(),
            "https://outlook.office365.com/.default"
        );
        assert_eq!(serde_json::to_value(&custom).unwrap()["cloud"], "custom");
    }
}

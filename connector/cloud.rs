//! The Microsoft clouds: their endpoints (sign-in authority host, Microsoft Graph, Exchange Online) and the
//! resource identifiers used in scopes, with overrides.
//!
//! Sources: <https://learn.microsoft.com/graph/deployments> and
//! <https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud>.
//! A cloud is two things that are kept apart on purpose: where the connector sends requests (endpoints,
//! which settings may override, for example to point at a simulator or a proxy) and which resource
//! identifiers it asks tokens for (never overridden: tokens do not cross clouds).

use serde::Serialize;

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

/// Endpoint overrides from the settings: absolute `https://` URLs without a trailing slash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Replaces the authority host (`https://login.microsoftonline.com`).
    pub authority_host: Option<String>,
    /// Replaces the Microsoft Graph host (`https://graph.microsoft.com`).
    pub graph_endpoint: Option<String>,
    /// Replaces the Exchange Online host (`https://outlook.office365.com`).
    pub exchange_endpoint: Option<String>,
}

/// Where the connector sends requests, and what it asks tokens for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Endpoints {
    /// The cloud's name as in the settings (`global`, `gcc`, `gcc_high`, `dod`, `china`, `custom`).
    pub cloud: &'static str,
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

    /// The cloud with this settings name.
    pub fn from_name(name: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|cloud| cloud.name() == name)
    }

    fn builtin(self) -> Builtin {
        match self {
            Cloud::Global | Cloud::Gcc | Cloud::Custom => GLOBAL,
            Cloud::GccHigh => Builtin {
                authority_host: "https://login.microsoftonline.us",
                graph: "https://graph.microsoft.us",
                exchange: "https://outlook.office365.us",
                exchange_environment: "O365USGovGCCHigh",
            },
            Cloud::Dod => Builtin {
                authority_host: "https://login.microsoftonline.us",
                graph: "https://dod-graph.microsoft.us",
                exchange: "https://outlook-dod.office365.us",
                exchange_environment: "O365USGovDoD",
            },
            Cloud::China => Builtin {
                authority_host: "https://login.partner.microsoftonline.cn",
                graph: "https://microsoftgraph.chinacloudapi.cn",
                exchange: "https://partner.outlook.cn",
                exchange_environment: "O365China",
            },
        }
    }

    /// The endpoints of this cloud with the overrides applied. A custom cloud needs all three overrides; when
    /// some are missing, their settings field names are returned.
    pub fn endpoints(self, overrides: &Overrides) -> Result<Endpoints, Vec<&'static str>> {
        let builtin = self.builtin();
        if self == Cloud::Custom {
            let missing: Vec<&'static str> = [
                ("authority_host", &overrides.authority_host),
                ("graph_endpoint", &overrides.graph_endpoint),
                ("exchange_endpoint", &overrides.exchange_endpoint),
            ]
            .into_iter()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name)
            .collect();
            if !missing.is_empty() {
                return Err(missing);
            }
        }
        let pick = |given: &Option<String>, default: &str| {
            given.clone().unwrap_or_else(|| default.to_owned())
        };
        Ok(Endpoints {
            cloud: self.name(),
            authority_host: pick(&overrides.authority_host, builtin.authority_host),
            graph_endpoint: pick(&overrides.graph_endpoint, builtin.graph),
            exchange_endpoint: pick(&overrides.exchange_endpoint, builtin.exchange),
            graph_resource: builtin.graph,
            exchange_resource: builtin.exchange,
            exchange_environment: builtin.exchange_environment,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Cloud, Overrides};

    #[test]
    fn national_clouds_use_their_own_hosts_and_resources() {
        let high = Cloud::GccHigh.endpoints(&Overrides::default()).unwrap();
        assert_eq!(high.authority_host, "https://login.microsoftonline.us");
        assert_eq!(high.graph_v1(), "https://graph.microsoft.us/v1.0");
        assert_eq!(
            high.exchange_default_scope(),
            "https://outlook.office365.us/.default"
        );
        let dod = Cloud::Dod.endpoints(&Overrides::default()).unwrap();
        assert_eq!(
            dod.graph_default_scope(),
            "https://dod-graph.microsoft.us/.default"
        );
        assert_eq!(dod.exchange_environment, "O365USGovDoD");
        let china = Cloud::China.endpoints(&Overrides::default()).unwrap();
        assert_eq!(
            china.authority_host,
            "https://login.partner.microsoftonline.cn"
        );
        assert_eq!(
            china.graph_resource,
            "https://microsoftgraph.chinacloudapi.cn"
        );
        let gcc = Cloud::Gcc.endpoints(&Overrides::default()).unwrap();
        assert_eq!(gcc.graph_endpoint, "https://graph.microsoft.com");
    }

    #[test]
    fn overrides_move_endpoints_but_never_resources() {
        let overrides = Overrides {
            authority_host: Some("https://127.0.0.1:4431".to_owned()),
            graph_endpoint: Some("https://127.0.0.1:4432".to_owned()),
            exchange_endpoint: Some("https://127.0.0.1:4433".to_owned()),
        };
        let custom = Cloud::Custom.endpoints(&overrides).unwrap();
        assert_eq!(custom.graph_v1(), "https://127.0.0.1:4432/v1.0");
        assert_eq!(
            custom.graph_default_scope(),
            "https://graph.microsoft.com/.default"
        );
        assert_eq!(
            custom.exchange_default_scope(),
            "https://outlook.office365.com/.default"
        );
        let high = Cloud::GccHigh.endpoints(&overrides).unwrap();
        assert_eq!(high.authority_host, "https://127.0.0.1:4431");
        assert_eq!(high.graph_resource, "https://graph.microsoft.us");
    }

    #[test]
    fn custom_names_what_is_missing() {
        let overrides = Overrides {
            graph_endpoint: Some("https://g.test".to_owned()),
            ..Overrides::default()
        };
        assert_eq!(
            Cloud::Custom.endpoints(&overrides),
            Err(vec!["authority_host", "exchange_endpoint"])
        );
    }

    #[test]
    fn names_round_trip() {
        for cloud in Cloud::ALL {
            assert_eq!(Cloud::from_name(cloud.name()), Some(cloud));
        }
        assert_eq!(Cloud::from_name("AzureCloud"), None);
    }
}

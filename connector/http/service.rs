//! The Microsoft services the connector talks to, by the names result documents and messages use.

use serde::Serialize;

/// A Microsoft service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Microsoft Entra ID's sign-in service (the authority: `login.microsoftonline.com` and its clouds).
    Entra,
    /// Microsoft Graph.
    Graph,
    /// Exchange Online's admin endpoint.
    Exchange,
}

impl Service {
    /// The name in result documents (`error.service.name`): `entra`, `graph`, `exchange`.
    pub fn name(self) -> &'static str {
        match self {
            Service::Entra => "entra",
            Service::Graph => "graph",
            Service::Exchange => "exchange",
        }
    }

    /// The name a person knows it by, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Service::Entra => "Microsoft Entra ID",
            Service::Graph => "Microsoft Graph",
            Service::Exchange => "Exchange Online",
        }
    }
}

//! The three simulated services, as the request log, the knobs and the fault rules name them.

/// Which simulated service answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    /// Entra ID sign-in (`login.microsoftonline.com`).
    Authority,
    /// Microsoft Graph (`graph.microsoft.com`).
    Graph,
    /// Exchange Online (`outlook.office365.com`).
    Exchange,
}

impl Service {
    /// A short lowercase name (`authority`, `graph`, `exchange`).
    pub fn name(self) -> &'static str {
        match self {
            Service::Authority => "authority",
            Service::Graph => "graph",
            Service::Exchange => "exchange",
        }
    }
}

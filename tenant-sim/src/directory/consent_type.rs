//! Who a delegated permission grant applies to.

/// Who a delegated permission grant applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsentType {
    /// Every user of the tenant (admin consent).
    AllPrincipals,
    /// One user (user consent, or an admin consenting only for themselves).
    Principal,
}

impl ConsentType {
    /// The Graph value (`AllPrincipals` / `Principal`).
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentType::AllPrincipals => "AllPrincipals",
            ConsentType::Principal => "Principal",
        }
    }
}

//! Signing in to Entra ID: the administrator's interactive sign-in (device code, or the browser with PKCE
//! through a loopback redirect), the delegated tokens it yields and their renewal, the application's own
//! app-only tokens, Entra's error answers and what they mean for an administrator.

pub mod app_only;
pub mod authority;
pub mod browser;
pub mod delegated;
pub mod device_code;
pub mod entra_error;
pub mod flow;
pub mod id_token;
pub mod loopback;
pub mod pkce;
pub mod scopes;
pub mod token;
pub mod token_endpoint;

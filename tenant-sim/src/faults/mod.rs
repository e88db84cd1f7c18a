//! Injected faults, throttling and hostile answers: one layer in front of each service's router answers
//! chosen requests with a 429, 500, 503 or 504 in that service's own error shape, closes the connection
//! without answering, or sends a hostile answer (cut JSON, HTML, a wrong content type, an oversized or
//! endless body, a redirect to another host).
//!
//! Two knobs drive it (see [`crate::knobs::KnobSettings`]):
//! - `faults`: a list of [`FaultRule`]s. The first rule matching a request (service, method, path prefix)
//!   decides its fate; a rule made with [`FaultRule::next`] applies to that many requests and is then
//!   removed, one made with [`FaultRule::always`] stays until the test changes the knob.
//! - `rate_limits`: [`RateLimit`]s. More than `max_requests` requests to a service within one fixed
//!   `window` are answered 429 with `Retry-After` set to the seconds left in the window.
//!
//! The items of a Graph `$batch` go through the same rules and limits one by one, as Graph throttles
//! them (<https://learn.microsoft.com/graph/json-batching>): a faulted item answers inside the batch.
//!
//! Every faulted request is in the request log with the status it got and its [`Fault`]; a dropped
//! connection is logged with status 0.
//!
//! The layer knows no service: each one hands it the function that words its fault answers (Graph's
//! error envelope and throttling headers, <https://learn.microsoft.com/graph/throttling>; Exchange's
//! OData error; Entra's AADSTS body).

pub(crate) mod hostile;
pub(crate) mod injector;
pub mod rules;
mod windows;

pub use crate::faults::rules::{Fault, FaultRule, RateLimit};

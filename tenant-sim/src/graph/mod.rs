//! Microsoft Graph v1.0 as tenant-sim serves it.
//!
//! [`router`] serves `/v1.0/…`: [`request`] authenticates each call and carries it to the handlers
//! ([`applications`], [`service_principals`] with app role assignments, [`delegated_grants`],
//! [`role_management`], [`organization`], [`me`]) and `$batch`, which runs each item through the same
//! router. The handlers are built from pure, unit-tested pieces:
//!
//! | module | concept | what a handler takes from it |
//! |---|---|---|
//! | [`error`] | Graph's error envelope | return `Result<_, GraphError>`; mount [`error::request_ids_middleware`] so every response carries `request-id`/`client-request-id` and `innerError` |
//! | [`authz`] | who may call what (`docs/microsoft-services.md`, "Who may do what") | build an [`authz::Caller`] from the token, call [`authz::authorize`] with the [`authz::Operation`] |
//! | [`schema`] | request bodies against Graph types | [`schema::parse_json_body`], then [`schema::validate`] with an [`schema::Intent`] |
//! | [`odata`] | `$filter`, `$select`, `$top`, paging, `@odata.context` | [`odata::QueryOptions::parse`] with an [`odata::EntitySet`], then [`odata::QueryOptions::list_body`] / [`odata::QueryOptions::entity_body`], answered with [`odata::json_response`] or [`odata::no_content`] |
//! | [`batch`] | `POST /$batch` | [`batch::BatchRequest::parse`], [`batch::run`] with a closure that sends each item through the router, [`batch::responses_body`] |
//! | [`request`] | one authenticated request | [`request::authenticate`] (401s, the [`authz::Caller`] with the user's active roles), then [`request::GraphRequest`]'s helpers: `authorize`, `validated_body`, `list_options`, `visible` (replication lag) |
//!
//! A typical write handler, in order: authenticate (done by the router), authorize, read and
//! validate the body, check that the objects it names are visible (replication lag), apply the change
//! to the directory (duplicates and missing objects answer with the
//! named constructors of [`error::GraphError`]), and answer with the object shaped by
//! [`odata::QueryOptions::entity_body`].
//!
//! Where a status, code or message comes from is written beside it: Microsoft documentation, behaviour
//! reported publicly (with the URL), or, where no source gave Graph's wording, a message of ours
//! marked as such.

pub mod app_role_assignments;
pub mod application_credentials;
pub mod applications;
pub mod authz;
pub mod batch;
mod batch_endpoint;
pub mod delegated_grants;
pub mod directory_objects;
pub mod directory_roles;
mod dispatch;
pub mod domains;
pub mod error;
pub(crate) mod faults;
pub mod me;
pub mod model;
pub mod odata;
pub mod organization;
pub mod owners;
mod paths;
pub mod request;
pub mod role_management;
mod router;
pub mod schema;
pub mod service_principals;
pub mod users;

pub use crate::directory::ids;
pub use crate::graph::router::router;

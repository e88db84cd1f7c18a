//! Request bodies checked against the Graph types the path implies, as Graph checks them.
//!
//! Graph reads a body with the OData library against its CSDL model before the directory sees it, so a
//! body that does not fit the type is refused with 400 and the OData reader's message; what passes is then
//! checked by the directory, which has its own messages. This module holds a hand-written table of the
//! types the connector sends (from Microsoft's v1.0 resource pages, cited per type) and [`validate`], which
//! refuses, with Graph's code and message:
//!
//! - a property the type does not declare. Closed types (e.g. `requiredResourceAccess`) are refused by the
//!   OData reader ("The property 'resourceAccesses' does not exist on type …"). `application` is an
//!   OpenType in the CSDL (`docs/microsoft-services.md`, "Graph's model"), so the reader lets an undeclared top-level property through and
//!   the directory refuses it instead: `Invalid property 'x'.`
//!   (<https://github.com/pnp/PnP-Sites-Core/issues/1807> shows that answer for another open directory type);
//! - a JSON value of the wrong shape (an object where a string is declared, a string where a collection is
//!   declared…), with the reader's "An unexpected 'X' node was found…" message
//!   (<https://github.com/pnp/pnpjs/issues/2162>, <https://github.com/Azure/LogicAppsUX/issues/4415>);
//! - a literal that does not convert (a non-GUID where `Edm.Guid` is declared, a bad date or base64):
//!   "Cannot convert the literal 'x' to the expected type 'Edm.Guid'." (<https://github.com/OData/odata.net/issues/2137>);
//! - `null` for a non-nullable property, with the reader's message;
//! - a value outside a documented set (e.g. `signInAudience`), with the directory's
//!   "Invalid value specified for property 'p' of resource 'R'." (top level) or
//!   "Property a.b is invalid." (nested; <https://github.com/Azure/azure-cli/issues/15679>);
//! - a required property missing on create: "Property a.b value is required but is empty or missing."
//!   (<https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/1622>);
//! - a read-only property (`id`, `appId` of an application, `publisherDomain`, `createdDateTime`, …). No
//!   public source gave Graph's wording for this one; the message is ours and says what happened.
//!
//! All of these are 400 `Request_BadRequest` (Graph reports reader errors with the directory's code for
//! directory types: <https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/6272>).
//! Complex types the connector never sends (e.g. `optionalClaims`) are declared [`Kind::Unchecked`]:
//! any object is accepted there.
//!
//! The parts: [`model`] (what a type declares), the table of types ([`graph_type`]) and the validator
//! ([`validate`], [`validate_upsert`], [`parse_json_body`]).

pub mod model;
mod type_table;
mod validate;

pub use crate::graph::schema::model::{Access, GraphType, Intent, Kind, Property, TypeKind};
pub use crate::graph::schema::type_table::graph_type;
pub use crate::graph::schema::validate::{parse_json_body, validate, validate_upsert};

/// Names of the types handlers validate against.
pub mod types {
    /// `microsoft.graph.application`.
    pub const APPLICATION: &str = "application";
    /// `microsoft.graph.servicePrincipal`.
    pub const SERVICE_PRINCIPAL: &str = "servicePrincipal";
    /// `microsoft.graph.appRoleAssignment`.
    pub const APP_ROLE_ASSIGNMENT: &str = "appRoleAssignment";
    /// `microsoft.graph.oAuth2PermissionGrant`.
    pub const OAUTH2_PERMISSION_GRANT: &str = "oAuth2PermissionGrant";
    /// `microsoft.graph.unifiedRoleAssignment`.
    pub const UNIFIED_ROLE_ASSIGNMENT: &str = "unifiedRoleAssignment";
    /// The `addPassword` action's parameters.
    pub const ADD_PASSWORD: &str = "addPassword";
    /// The `addKey` action's parameters.
    pub const ADD_KEY: &str = "addKey";
    /// The `removeKey` action's parameters.
    pub const REMOVE_KEY: &str = "removeKey";
    /// The `removePassword` action's parameters.
    pub const REMOVE_PASSWORD: &str = "removePassword";
}

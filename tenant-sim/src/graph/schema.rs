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
//!   OpenType in the CSDL (reference §6), so the reader lets an undeclared top-level property through and
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

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::graph::error::GraphError;

/// Whether a body creates an object (required properties must be present) or updates one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// `POST`, or the upsert `PATCH` when the object does not exist yet.
    Create,
    /// `PATCH` of an existing object.
    Update,
}

/// The declared type of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Edm.String`.
    String,
    /// `Edm.Guid`: a hyphenated GUID string.
    Guid,
    /// `Edm.Boolean`: JSON `true`/`false`.
    Boolean,
    /// `Edm.Int32`.
    Int32,
    /// `Edm.DateTimeOffset`: an RFC 3339 date-time string.
    DateTimeOffset,
    /// `Edm.Binary`: base64 text.
    Binary,
    /// `Edm.String` whose documented values are these (the directory refuses others).
    OneOf(&'static [&'static str]),
    /// A complex type of this table, by name.
    Complex(&'static str),
    /// A complex type the simulator does not model: any JSON object.
    Unchecked,
}

impl Kind {
    fn edm_name(self) -> String {
        match self {
            Kind::String | Kind::OneOf(_) => "Edm.String".into(),
            Kind::Guid => "Edm.Guid".into(),
            Kind::Boolean => "Edm.Boolean".into(),
            Kind::Int32 => "Edm.Int32".into(),
            Kind::DateTimeOffset => "Edm.DateTimeOffset".into(),
            Kind::Binary => "Edm.Binary".into(),
            Kind::Complex(name) => format!("microsoft.graph.{name}"),
            Kind::Unchecked => "microsoft.graph.complexType".into(),
        }
    }
}

/// Who may write a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Writable on create and update.
    ReadWrite,
    /// Set by the service; refused in any body.
    ReadOnly,
    /// Writable on create only (e.g. a service principal's `appId`).
    CreateOnly,
}

/// One declared property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property {
    /// The JSON name.
    pub name: &'static str,
    /// The element type.
    pub kind: Kind,
    /// Whether it is a collection of `kind`.
    pub collection: bool,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// Who may write it.
    pub access: Access,
}

impl Property {
    /// A nullable, writable, single-valued property.
    const fn new(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            collection: false,
            nullable: true,
            access: Access::ReadWrite,
        }
    }

    /// A non-nullable collection.
    const fn many(self) -> Self {
        Self {
            collection: true,
            nullable: false,
            ..self
        }
    }

    const fn not_null(self) -> Self {
        Self {
            nullable: false,
            ..self
        }
    }

    const fn read_only(self) -> Self {
        Self {
            access: Access::ReadOnly,
            ..self
        }
    }

    const fn create_only(self) -> Self {
        Self {
            access: Access::CreateOnly,
            ..self
        }
    }
}

/// What a table entry describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// An entity type (a directory object); required properties apply on create only.
    Entity,
    /// A complex type; its required properties apply whenever a value is given (values are replaced whole).
    Complex,
    /// The parameters of an action (e.g. `addPassword`).
    Action,
}

/// A Graph type: its properties, whether it is open, and what a create must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphType {
    /// The name without namespace, e.g. `requiredResourceAccess`.
    pub name: &'static str,
    /// Entity, complex type or action parameters.
    pub kind: TypeKind,
    /// `OpenType="true"` in the CSDL: undeclared properties pass the reader (the directory refuses them).
    pub open: bool,
    /// The declared properties.
    pub properties: &'static [Property],
    /// Properties a new value must contain (non-empty for collections).
    pub required: &'static [&'static str],
    /// Navigation properties that may be bound with `name@odata.bind`.
    pub bindable: &'static [&'static str],
}

impl GraphType {
    /// The declared property `name`, if any.
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties
            .iter()
            .find(|property| property.name == name)
    }

    /// The name as the directory writes it in messages (`Application`, `ServicePrincipal`…).
    fn resource_name(&self) -> String {
        let mut chars = self.name.chars();
        match chars.next() {
            Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
            None => String::new(),
        }
    }
}

use crate::graph::schema::Kind::{
    Binary, Boolean, Complex, DateTimeOffset, Guid, Int32, OneOf, String as Str, Unchecked,
};

/// `signInAudience` values (<https://learn.microsoft.com/en-us/graph/api/resources/application>).
const SIGN_IN_AUDIENCES: &[&str] = &[
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
];

/// `application` (<https://learn.microsoft.com/en-us/graph/api/resources/application?view=graph-rest-1.0>).
const APPLICATION: GraphType = GraphType {
    name: "application",
    kind: TypeKind::Entity,
    open: true,
    properties: &[
        Property::new("addIns", Unchecked).many(),
        Property::new("api", Complex("apiApplication")),
        Property::new("appId", Str).read_only(),
        Property::new("applicationTemplateId", Str).read_only(),
        Property::new("appRoles", Unchecked).many(),
        Property::new("certification", Unchecked).read_only(),
        Property::new("createdDateTime", DateTimeOffset).read_only(),
        Property::new("defaultRedirectUri", Str),
        Property::new("deletedDateTime", DateTimeOffset).read_only(),
        Property::new("description", Str),
        Property::new("disabledByMicrosoftStatus", Str),
        Property::new("displayName", Str),
        Property::new("groupMembershipClaims", Str),
        Property::new("id", Str).read_only(),
        Property::new("identifierUris", Str).many(),
        Property::new("info", Complex("informationalUrl")),
        Property::new("isDeviceOnlyAuthSupported", Boolean),
        Property::new("isFallbackPublicClient", Boolean),
        Property::new("keyCredentials", Complex("keyCredential")).many(),
        Property::new("nativeAuthenticationApisEnabled", OneOf(&["none", "all"])),
        Property::new("notes", Str),
        Property::new("oauth2RequirePostResponse", Boolean).not_null(),
        Property::new("optionalClaims", Unchecked),
        Property::new("parentalControlSettings", Unchecked),
        Property::new("passwordCredentials", Complex("passwordCredential")).many(),
        Property::new("publicClient", Complex("publicClientApplication")),
        Property::new("publisherDomain", Str).read_only(),
        Property::new("requestSignatureVerification", Unchecked),
        Property::new("requiredResourceAccess", Complex("requiredResourceAccess")).many(),
        Property::new("samlMetadataUrl", Str),
        Property::new("serviceManagementReference", Str),
        Property::new("servicePrincipalLockConfiguration", Unchecked),
        Property::new("signInAudience", OneOf(SIGN_IN_AUDIENCES)),
        Property::new("spa", Complex("spaApplication")),
        Property::new("tags", Str).many(),
        Property::new("tokenEncryptionKeyId", Guid),
        Property::new("uniqueName", Str),
        Property::new("verifiedPublisher", Unchecked).read_only(),
        Property::new("web", Complex("webApplication")),
    ],
    required: &["displayName"],
    bindable: &["owners"],
};

/// `requiredResourceAccess` (<https://learn.microsoft.com/en-us/graph/api/resources/requiredresourceaccess>).
const REQUIRED_RESOURCE_ACCESS: GraphType = GraphType {
    name: "requiredResourceAccess",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("resourceAccess", Complex("resourceAccess")).many(),
        Property::new("resourceAppId", Str).not_null(),
    ],
    required: &["resourceAppId", "resourceAccess"],
    bindable: &[],
};

/// `resourceAccess` (<https://learn.microsoft.com/en-us/graph/api/resources/resourceaccess>): `id` is
/// `Edm.Guid` non-null in the CSDL (reference §6).
const RESOURCE_ACCESS: GraphType = GraphType {
    name: "resourceAccess",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("id", Guid).not_null(),
        Property::new("type", OneOf(&["Scope", "Role"])),
    ],
    required: &["id", "type"],
    bindable: &[],
};

/// `keyCredential` (<https://learn.microsoft.com/en-us/graph/api/resources/keycredential>).
const KEY_CREDENTIAL: GraphType = GraphType {
    name: "keyCredential",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("customKeyIdentifier", Binary),
        Property::new("displayName", Str),
        Property::new("endDateTime", DateTimeOffset),
        Property::new("key", Binary),
        Property::new("keyId", Guid),
        Property::new("startDateTime", DateTimeOffset),
        Property::new(
            "type",
            OneOf(&["AsymmetricX509Cert", "X509CertAndPassword", "Symmetric"]),
        ),
        Property::new("usage", OneOf(&["Verify", "Sign"])),
    ],
    required: &["type", "usage", "key"],
    bindable: &[],
};

/// `passwordCredential` (<https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential>):
/// `hint` and `secretText` are generated by the service.
const PASSWORD_CREDENTIAL: GraphType = GraphType {
    name: "passwordCredential",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("customKeyIdentifier", Binary),
        Property::new("displayName", Str),
        Property::new("endDateTime", DateTimeOffset),
        Property::new("hint", Str).read_only(),
        Property::new("keyId", Guid),
        Property::new("secretText", Str).read_only(),
        Property::new("startDateTime", DateTimeOffset),
    ],
    required: &[],
    bindable: &[],
};

/// `publicClientApplication` (<https://learn.microsoft.com/en-us/graph/api/resources/publicclientapplication>).
const PUBLIC_CLIENT_APPLICATION: GraphType = GraphType {
    name: "publicClientApplication",
    kind: TypeKind::Complex,
    open: false,
    properties: &[Property::new("redirectUris", Str).many()],
    required: &[],
    bindable: &[],
};

/// `webApplication` (<https://learn.microsoft.com/en-us/graph/api/resources/webapplication>).
const WEB_APPLICATION: GraphType = GraphType {
    name: "webApplication",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("homePageUrl", Str),
        Property::new("implicitGrantSettings", Complex("implicitGrantSettings")),
        Property::new("logoutUrl", Str),
        Property::new("redirectUris", Str).many(),
        Property::new("redirectUriSettings", Unchecked).many(),
    ],
    required: &[],
    bindable: &[],
};

/// `spaApplication` (<https://learn.microsoft.com/en-us/graph/api/resources/spaapplication>).
const SPA_APPLICATION: GraphType = GraphType {
    name: "spaApplication",
    kind: TypeKind::Complex,
    open: false,
    properties: &[Property::new("redirectUris", Str).many()],
    required: &[],
    bindable: &[],
};

/// `apiApplication` (<https://learn.microsoft.com/en-us/graph/api/resources/apiapplication>).
const API_APPLICATION: GraphType = GraphType {
    name: "apiApplication",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("acceptMappedClaims", Boolean),
        Property::new("knownClientApplications", Guid).many(),
        Property::new("oauth2PermissionScopes", Unchecked).many(),
        Property::new("preAuthorizedApplications", Unchecked).many(),
        Property::new("requestedAccessTokenVersion", Int32),
    ],
    required: &[],
    bindable: &[],
};

/// `implicitGrantSettings` (<https://learn.microsoft.com/en-us/graph/api/resources/implicitgrantsettings>).
const IMPLICIT_GRANT_SETTINGS: GraphType = GraphType {
    name: "implicitGrantSettings",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("enableAccessTokenIssuance", Boolean),
        Property::new("enableIdTokenIssuance", Boolean),
    ],
    required: &[],
    bindable: &[],
};

/// `informationalUrl` (<https://learn.microsoft.com/en-us/graph/api/resources/informationalurl>).
const INFORMATIONAL_URL: GraphType = GraphType {
    name: "informationalUrl",
    kind: TypeKind::Complex,
    open: false,
    properties: &[
        Property::new("logoUrl", Str).read_only(),
        Property::new("marketingUrl", Str),
        Property::new("privacyStatementUrl", Str),
        Property::new("supportUrl", Str),
        Property::new("termsOfServiceUrl", Str),
    ],
    required: &[],
    bindable: &[],
};

/// `servicePrincipal` (<https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal?view=graph-rest-1.0>):
/// `appId` is given on create and fixed afterwards.
const SERVICE_PRINCIPAL: GraphType = GraphType {
    name: "servicePrincipal",
    kind: TypeKind::Entity,
    open: false,
    properties: &[
        Property::new("accountEnabled", Boolean),
        Property::new("addIns", Unchecked).many(),
        Property::new("alternativeNames", Str).many(),
        Property::new("appDescription", Str),
        Property::new("appDisplayName", Str).read_only(),
        Property::new("appId", Str).create_only(),
        Property::new("applicationTemplateId", Str).read_only(),
        Property::new("appOwnerOrganizationId", Guid).read_only(),
        Property::new("appRoleAssignmentRequired", Boolean).not_null(),
        Property::new("appRoles", Unchecked).many(),
        Property::new("deletedDateTime", DateTimeOffset).read_only(),
        Property::new("description", Str),
        Property::new("disabledByMicrosoftStatus", Str),
        Property::new("displayName", Str),
        Property::new("homepage", Str),
        Property::new("id", Str).read_only(),
        Property::new("info", Complex("informationalUrl")),
        Property::new("keyCredentials", Complex("keyCredential")).many(),
        Property::new("loginUrl", Str),
        Property::new("logoutUrl", Str),
        Property::new("notes", Str),
        Property::new("notificationEmailAddresses", Str).many(),
        Property::new("oauth2PermissionScopes", Unchecked).many(),
        Property::new("passwordCredentials", Complex("passwordCredential")).many(),
        Property::new("preferredSingleSignOnMode", Str),
        Property::new("preferredTokenSigningKeyThumbprint", Str),
        Property::new("replyUrls", Str).many(),
        Property::new("resourceSpecificApplicationPermissions", Unchecked)
            .many()
            .read_only(),
        Property::new("samlSingleSignOnSettings", Unchecked),
        Property::new("servicePrincipalNames", Str).many(),
        Property::new("servicePrincipalType", Str),
        Property::new("signInAudience", Str).read_only(),
        Property::new("tags", Str).many(),
        Property::new("tokenEncryptionKeyId", Guid),
        Property::new("verifiedPublisher", Unchecked).read_only(),
    ],
    required: &["appId"],
    bindable: &["owners"],
};

/// `appRoleAssignment` (<https://learn.microsoft.com/en-us/graph/api/resources/approleassignment>): the
/// three ids are `Edm.Guid`.
const APP_ROLE_ASSIGNMENT: GraphType = GraphType {
    name: "appRoleAssignment",
    kind: TypeKind::Entity,
    open: false,
    properties: &[
        Property::new("appRoleId", Guid).not_null(),
        Property::new("createdDateTime", DateTimeOffset).read_only(),
        Property::new("deletedDateTime", DateTimeOffset).read_only(),
        Property::new("id", Str).read_only(),
        Property::new("principalDisplayName", Str).read_only(),
        Property::new("principalId", Guid),
        Property::new("principalType", Str).read_only(),
        Property::new("resourceDisplayName", Str).read_only(),
        Property::new("resourceId", Guid),
    ],
    required: &["principalId", "resourceId", "appRoleId"],
    bindable: &[],
};

/// `oAuth2PermissionGrant` (<https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant>):
/// the ids are `Edm.String` in the model.
const OAUTH2_PERMISSION_GRANT: GraphType = GraphType {
    name: "oAuth2PermissionGrant",
    kind: TypeKind::Entity,
    open: false,
    properties: &[
        Property::new("clientId", Str).not_null(),
        Property::new("consentType", OneOf(&["AllPrincipals", "Principal"])),
        Property::new("expiryTime", DateTimeOffset),
        Property::new("id", Str).read_only(),
        Property::new("principalId", Str),
        Property::new("resourceId", Str).not_null(),
        Property::new("scope", Str),
        Property::new("startTime", DateTimeOffset),
    ],
    required: &["clientId", "consentType", "resourceId"],
    bindable: &[],
};

/// `unifiedRoleAssignment` (<https://learn.microsoft.com/en-us/graph/api/resources/unifiedroleassignment>).
const UNIFIED_ROLE_ASSIGNMENT: GraphType = GraphType {
    name: "unifiedRoleAssignment",
    kind: TypeKind::Entity,
    open: false,
    properties: &[
        Property::new("appScopeId", Str),
        Property::new("condition", Str),
        Property::new("directoryScopeId", Str),
        Property::new("id", Str).read_only(),
        Property::new("principalId", Str),
        Property::new("roleDefinitionId", Str),
    ],
    required: &["roleDefinitionId", "principalId"],
    bindable: &[],
};

/// The parameters of `POST /applications/{id}/addPassword`
/// (<https://learn.microsoft.com/en-us/graph/api/application-addpassword>).
const ADD_PASSWORD: GraphType = GraphType {
    name: "addPassword",
    kind: TypeKind::Action,
    open: false,
    properties: &[Property::new(
        "passwordCredential",
        Complex("passwordCredential"),
    )],
    required: &[],
    bindable: &[],
};

/// Every type in the table.
const TYPES: &[GraphType] = &[
    APPLICATION,
    REQUIRED_RESOURCE_ACCESS,
    RESOURCE_ACCESS,
    KEY_CREDENTIAL,
    PASSWORD_CREDENTIAL,
    PUBLIC_CLIENT_APPLICATION,
    WEB_APPLICATION,
    SPA_APPLICATION,
    API_APPLICATION,
    IMPLICIT_GRANT_SETTINGS,
    INFORMATIONAL_URL,
    SERVICE_PRINCIPAL,
    APP_ROLE_ASSIGNMENT,
    OAUTH2_PERMISSION_GRANT,
    UNIFIED_ROLE_ASSIGNMENT,
    ADD_PASSWORD,
];

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
}

/// The table entry for `name` (without the `microsoft.graph.` namespace; case-sensitive, as in the model).
pub fn graph_type(name: &str) -> Option<&'static GraphType> {
    TYPES.iter().find(|graph_type| graph_type.name == name)
}

/// Checks the body of an upsert by alternate key (`PATCH /applications(uniqueName='k')`,
/// `PATCH /servicePrincipals(appId='…')`, <https://learn.microsoft.com/en-us/graph/api/application-upsert>).
/// The key comes from the URL: on create it counts as given (so a service principal's required `appId` is
/// satisfied), and a body may repeat it only with the same value.
pub fn validate_upsert(
    type_name: &str,
    body: &Value,
    key: (&str, &str),
    intent: Intent,
) -> Result<(), GraphError> {
    let (key_name, key_value) = key;
    let Value::Object(object) = body else {
        return validate(type_name, body, intent);
    };
    let mut object = object.clone();
    match object.remove(key_name) {
        Some(Value::String(given)) if given == key_value => {}
        None => {}
        Some(_) => {
            // Wording is ours: no public source gave Graph's answer to a body contradicting the URL's key.
            return Err(GraphError::bad_request(format!(
                "The value of '{key_name}' in the request body does not match the key in the request URL."
            )));
        }
    }
    if intent == Intent::Create {
        object.insert(key_name.to_owned(), Value::String(key_value.to_owned()));
    }
    validate(type_name, &Value::Object(object), intent)
}

/// Reads a request body as Graph does before any type check: it must be JSON, sent as `application/json`
/// (parameters such as `; charset=utf-8` are fine).
pub fn parse_json_body(content_type: Option<&str>, bytes: &[u8]) -> Result<Value, GraphError> {
    let is_json = content_type.is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Err(GraphError::unreadable_json());
    }
    serde_json::from_slice(bytes).map_err(|_| GraphError::unreadable_json())
}

/// Checks `body` against type `type_name` as Graph would for `intent`.
///
/// # Panics
/// Never for the names in [`types`]; an unknown `type_name` is a programming error and answers 500.
pub fn validate(type_name: &str, body: &Value, intent: Intent) -> Result<(), GraphError> {
    let Some(graph_type) = graph_type(type_name) else {
        debug_assert!(false, "no schema for type {type_name}");
        return Err(GraphError::internal_server_error());
    };
    let Value::Object(object) = body else {
        return Err(unexpected_node(body, "StartObject"));
    };
    validate_object(graph_type, object, intent, &[], true)
}

/// Validates one object of `graph_type`; `path` holds the property names leading to it.
fn validate_object(
    graph_type: &GraphType,
    object: &Map<String, Value>,
    intent: Intent,
    path: &[&str],
    top_level: bool,
) -> Result<(), GraphError> {
    for (key, value) in object {
        if key == "@odata.type" {
            check_odata_type(graph_type, value)?;
            continue;
        }
        if key.starts_with('@') {
            // Instance annotations (`@odata.context`, `@odata.etag`…) are read and ignored.
            continue;
        }
        if let Some(navigation) = key.strip_suffix("@odata.bind")
            && graph_type.bindable.contains(&navigation)
        {
            check_bind(value)?;
            continue;
        }
        let Some(property) = graph_type.property(key) else {
            return Err(unknown_property(graph_type, key, top_level));
        };
        let writable = match property.access {
            Access::ReadWrite => true,
            Access::ReadOnly => false,
            Access::CreateOnly => intent == Intent::Create,
        };
        if !writable {
            return Err(GraphError::bad_request(format!(
                "Property '{key}' is read-only and cannot be set."
            )));
        }
        let mut property_path = path.to_vec();
        property_path.push(property.name);
        validate_property(
            graph_type,
            property,
            value,
            intent,
            &property_path,
            top_level,
        )?;
    }
    let required_applies = match graph_type.kind {
        TypeKind::Entity => intent == Intent::Create,
        TypeKind::Complex => true,
        TypeKind::Action => false,
    };
    if required_applies {
        for name in graph_type.required {
            let present = match object.get(*name) {
                None | Some(Value::Null) => false,
                Some(Value::Array(items)) => !items.is_empty(),
                Some(Value::String(text)) => !text.is_empty(),
                Some(_) => true,
            };
            if !present {
                let mut property_path = path.to_vec();
                property_path.push(name);
                return Err(GraphError::bad_request(format!(
                    "Property {} value is required but is empty or missing.",
                    property_path.join(".")
                )));
            }
        }
    }
    Ok(())
}

fn validate_property(
    owner: &GraphType,
    property: &Property,
    value: &Value,
    intent: Intent,
    path: &[&str],
    top_level: bool,
) -> Result<(), GraphError> {
    if value.is_null() {
        if property.nullable {
            return Ok(());
        }
        let expected = if property.collection {
            format!("Collection({})", property.kind.edm_name())
        } else {
            property.kind.edm_name()
        };
        return Err(GraphError::bad_request(format!(
            "A null value was found for the property named '{}', which has the expected type '{expected}[Nullable=False]'. The expected type '{expected}[Nullable=False]' does not allow null values.",
            property.name
        )));
    }
    if property.collection {
        let Value::Array(items) = value else {
            return Err(unexpected_node(value, "StartArray"));
        };
        for item in items {
            if item.is_null() {
                let expected = property.kind.edm_name();
                return Err(GraphError::bad_request(format!(
                    "A null value was found with the expected type '{expected}[Nullable=False]'. The expected type '{expected}[Nullable=False]' does not allow null values."
                )));
            }
            validate_single(owner, property, item, intent, path, top_level)?;
        }
        return Ok(());
    }
    validate_single(owner, property, value, intent, path, top_level)
}

/// Validates one non-null value of `property.kind`.
fn validate_single(
    owner: &GraphType,
    property: &Property,
    value: &Value,
    intent: Intent,
    path: &[&str],
    top_level: bool,
) -> Result<(), GraphError> {
    match property.kind {
        Kind::Complex(name) => {
            let Value::Object(object) = value else {
                return Err(unexpected_node(value, "StartObject"));
            };
            let complex = graph_type(name).expect("complex types in the table exist");
            validate_object(complex, object, intent, path, false)
        }
        Kind::Unchecked => match value {
            Value::Object(_) => Ok(()),
            _ => Err(unexpected_node(value, "StartObject")),
        },
        Kind::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => primitive(value).and_then(|text| Err(cannot_convert(&text, property.kind))),
        },
        Kind::Int32 => match value.as_i64() {
            Some(number) if i32::try_from(number).is_ok() => Ok(()),
            _ => primitive(value).and_then(|text| Err(cannot_convert(&text, property.kind))),
        },
        kind => {
            let text = primitive(value)?;
            let Value::String(text) = value else {
                return Err(cannot_convert(&text, kind));
            };
            let converts = match kind {
                Kind::Guid => is_hyphenated_guid(text),
                Kind::DateTimeOffset => OffsetDateTime::parse(text, &Rfc3339).is_ok(),
                Kind::Binary => is_base64(text),
                _ => true,
            };
            if !converts {
                return Err(cannot_convert(text, kind));
            }
            if let Kind::OneOf(values) = kind
                && !values.contains(&text.as_str())
            {
                return Err(invalid_value(owner, path, top_level));
            }
            Ok(())
        }
    }
}

/// The text of a primitive JSON value, or the reader's error for an object or array.
fn primitive(value: &Value) -> Result<String, GraphError> {
    match value {
        Value::Object(_) | Value::Array(_) => Err(unexpected_node(value, "PrimitiveValue")),
        Value::String(text) => Ok(text.clone()),
        other => Ok(other.to_string()),
    }
}

fn is_hyphenated_guid(text: &str) -> bool {
    text.len() == 36 && Uuid::try_parse(text).is_ok()
}

fn is_base64(text: &str) -> bool {
    STANDARD.decode(text).is_ok()
        || URL_SAFE.decode(text).is_ok()
        || URL_SAFE_NO_PAD.decode(text).is_ok()
}

fn check_bind(value: &Value) -> Result<(), GraphError> {
    match value {
        Value::String(_) => Ok(()),
        Value::Array(items) if items.iter().all(Value::is_string) => Ok(()),
        other => Err(unexpected_node(other, "PrimitiveValue")),
    }
}

/// `@odata.type` must name this type (derived types are not modelled).
fn check_odata_type(graph_type: &GraphType, value: &Value) -> Result<(), GraphError> {
    let Value::String(text) = value else {
        return Err(unexpected_node(value, "PrimitiveValue"));
    };
    let name = text.strip_prefix('#').unwrap_or(text);
    let expected = format!("microsoft.graph.{}", graph_type.name);
    if name == expected {
        return Ok(());
    }
    let known = name
        .strip_prefix("microsoft.graph.")
        .is_some_and(graph_type_is_known);
    if known {
        Err(GraphError::bad_request(format!(
            "A resource with type '{name}' was found, but it is not assignable to the expected type '{expected}'. The type specified in the resource must be equal to either the expected type or a derived type."
        )))
    } else {
        Err(GraphError::bad_request(format!(
            "A type named '{name}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type."
        )))
    }
}

/// Types Graph knows beyond this table, so that a wrong but real type gets the "not assignable" answer.
fn graph_type_is_known(name: &str) -> bool {
    graph_type(name).is_some()
        || matches!(
            name,
            "user"
                | "group"
                | "directoryObject"
                | "organization"
                | "unifiedRoleDefinition"
                | "entity"
        )
}

fn unknown_property(graph_type: &GraphType, key: &str, top_level: bool) -> GraphError {
    if graph_type.kind == TypeKind::Action {
        return GraphError::bad_request(format!(
            "The parameter '{key}' in the request payload is not a valid parameter for the operation '{}'.",
            graph_type.name
        ));
    }
    if graph_type.open && top_level {
        return GraphError::bad_request(format!("Invalid property '{key}'."));
    }
    GraphError::bad_request(format!(
        "The property '{key}' does not exist on type 'microsoft.graph.{}'. Make sure to only use property names that are defined by the type or mark the type as open type.",
        graph_type.name
    ))
}

fn invalid_value(owner: &GraphType, path: &[&str], top_level: bool) -> GraphError {
    match path {
        [name] if top_level => GraphError::bad_request(format!(
            "Invalid value specified for property '{name}' of resource '{}'.",
            owner.resource_name()
        )),
        [.., _] => GraphError::bad_request(format!(
            "Property {} is invalid.",
            path[..path.len() - 1].join(".")
        )),
        [] => GraphError::bad_request("One or more properties contains invalid values."),
    }
}

fn cannot_convert(text: &str, kind: Kind) -> GraphError {
    GraphError::bad_request(format!(
        "Cannot convert the literal '{text}' to the expected type '{}'.",
        kind.edm_name()
    ))
}

fn unexpected_node(found: &Value, expected: &str) -> GraphError {
    let node = match found {
        Value::Object(_) => "StartObject",
        Value::Array(_) => "StartArray",
        _ => "PrimitiveValue",
    };
    GraphError::bad_request(format!(
        "An unexpected '{node}' node was found when reading from the JSON reader. A '{expected}' node was expected."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;
    use serde_json::json;

    const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
    const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";

    /// The body the connector sends to create its app (reference §1), which must pass.
    fn connector_app() -> Value {
        json!({
            "displayName": "Identity Sync",
            "signInAudience": "AzureADMyOrg",
            "uniqueName": "identity-sync-1",
            "tags": ["managed-by:m365-connector"],
            "notes": null,
            "requiredResourceAccess": [
                {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]},
                {"resourceAppId": "00000002-0000-0ff1-ce00-000000000000",
                 "resourceAccess": [{"id": "dc50a0fb-09a3-484d-be87-e023b12c6440", "type": "Role"}]}
            ],
            "keyCredentials": [{
                "type": "AsymmetricX509Cert", "usage": "Verify", "key": "MIIBszCCAV2gAwIBAgIU",
                "displayName": "CN=identity-sync", "endDateTime": "2027-01-01T00:00:00Z"
            }],
            "publicClient": {"redirectUris": ["http://localhost"]},
            "web": {"redirectUris": [], "implicitGrantSettings": {"enableIdTokenIssuance": false}},
            "spa": {"redirectUris": []},
            "api": {"requestedAccessTokenVersion": 2, "knownClientApplications": []},
            "info": {"supportUrl": "https://example.com/support"},
            "isFallbackPublicClient": true,
            "owners@odata.bind": ["https://graph.microsoft.com/v1.0/directoryObjects/4ab0b690-479b-47ff-af8f-2576cf521872"]
        })
    }

    fn refused(type_name: &str, body: Value, intent: Intent) -> String {
        let error = validate(type_name, &body, intent).expect_err("the body should be refused");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.code(), "Request_BadRequest");
        error.message().to_owned()
    }

    #[test]
    fn the_connectors_application_body_is_accepted_on_create_and_update() {
        assert_eq!(
            validate(types::APPLICATION, &connector_app(), Intent::Create),
            Ok(())
        );
        assert_eq!(
            validate(types::APPLICATION, &connector_app(), Intent::Update),
            Ok(())
        );
        let patch = json!({"requiredResourceAccess": []});
        assert_eq!(validate(types::APPLICATION, &patch, Intent::Update), Ok(()));
    }

    #[test]
    fn misspelled_nested_property_is_refused_by_the_reader() {
        let body = json!({"displayName": "x", "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccesses": [{"id": USER_READ, "type": "Scope"}]}
        ]});
        assert_eq!(
            refused(types::APPLICATION, body, Intent::Create),
            "The property 'resourceAccesses' does not exist on type 'microsoft.graph.requiredResourceAccess'. Make sure to only use property names that are defined by the type or mark the type as open type."
        );
    }

    #[test]
    fn unknown_top_level_property_differs_for_open_and_closed_types() {
        let app = json!({"displayName": "x", "signInAudiences": "AzureADMyOrg"});
        assert_eq!(
            refused(types::APPLICATION, app, Intent::Create),
            "Invalid property 'signInAudiences'."
        );
        let sp = json!({"appId": GRAPH, "appRoleAssignmentRequred": true});
        assert!(
            refused(types::SERVICE_PRINCIPAL, sp, Intent::Create)
                .starts_with("The property 'appRoleAssignmentRequred' does not exist on type 'microsoft.graph.servicePrincipal'.")
        );
    }

    #[test]
    fn non_guid_app_role_id_is_refused() {
        let body = json!({"principalId": "4ab0b690-479b-47ff-af8f-2576cf521872",
            "resourceId": "7ea8f5a2-7d6e-4b0c-9c67-1b2b4d8f6a11", "appRoleId": "Exchange.ManageAsApp"});
        assert_eq!(
            refused(types::APP_ROLE_ASSIGNMENT, body, Intent::Create),
            "Cannot convert the literal 'Exchange.ManageAsApp' to the expected type 'Edm.Guid'."
        );
        let braced = json!({"displayName": "x", "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": "{e1fe6dd8-ba31-4d61-89e7-88639da4683d}", "type": "Scope"}]}
        ]});
        assert!(refused(types::APPLICATION, braced, Intent::Create).contains("'Edm.Guid'"));
    }

    #[test]
    fn read_only_properties_are_refused() {
        for (key, value) in [
            ("id", json!("4ab0b690-479b-47ff-af8f-2576cf521872")),
            ("appId", json!(GRAPH)),
            ("publisherDomain", json!("contoso.onmicrosoft.com")),
            ("createdDateTime", json!("2025-01-01T00:00:00Z")),
        ] {
            let mut body = json!({"displayName": "x"});
            body[key] = value;
            assert_eq!(
                refused(types::APPLICATION, body, Intent::Create),
                format!("Property '{key}' is read-only and cannot be set.")
            );
        }
        let secret = json!({"passwordCredential": {"displayName": "s", "secretText": "hunter2"}});
        assert_eq!(
            refused(types::ADD_PASSWORD, secret, Intent::Create),
            "Property 'secretText' is read-only and cannot be set."
        );
    }

    #[test]
    fn service_principal_app_id_is_set_on_create_only() {
        let body = json!({"appId": GRAPH});
        assert_eq!(
            validate(types::SERVICE_PRINCIPAL, &body, Intent::Create),
            Ok(())
        );
        assert_eq!(
            refused(types::SERVICE_PRINCIPAL, body, Intent::Update),
            "Property 'appId' is read-only and cannot be set."
        );
        assert_eq!(
            refused(
                types::SERVICE_PRINCIPAL,
                json!({"tags": []}),
                Intent::Create
            ),
            "Property appId value is required but is empty or missing."
        );
        assert_eq!(
            validate(
                types::SERVICE_PRINCIPAL,
                &json!({"tags": []}),
                Intent::Update
            ),
            Ok(())
        );
    }

    #[test]
    fn wrong_json_shapes_get_the_readers_messages() {
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "tags": "one"}),
                Intent::Create
            ),
            "An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartArray' node was expected."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": {"text": "x"}}),
                Intent::Create
            ),
            "An unexpected 'StartObject' node was found when reading from the JSON reader. A 'PrimitiveValue' node was expected."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "publicClient": ["http://localhost"]}),
                Intent::Create
            ),
            "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": 42}),
                Intent::Create
            ),
            "Cannot convert the literal '42' to the expected type 'Edm.String'."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "isFallbackPublicClient": "true"}),
                Intent::Create
            ),
            "Cannot convert the literal 'true' to the expected type 'Edm.Boolean'."
        );
        assert_eq!(
            refused(
                types::APPLICATION,
                json!([{"displayName": "x"}]),
                Intent::Create
            ),
            "An unexpected 'StartArray' node was found when reading from the JSON reader. A 'StartObject' node was expected."
        );
        let big =
            json!({"displayName": "x", "api": {"requestedAccessTokenVersion": 4_000_000_000_i64}});
        assert!(refused(types::APPLICATION, big, Intent::Create).contains("'Edm.Int32'"));
    }

    #[test]
    fn invalid_documented_values_are_refused() {
        assert_eq!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "signInAudience": "MyOrg"}),
                Intent::Create
            ),
            "Invalid value specified for property 'signInAudience' of resource 'Application'."
        );
        let body = json!({"displayName": "x", "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Delegated"}]}
        ]});
        assert_eq!(
            refused(types::APPLICATION, body, Intent::Create),
            "Property requiredResourceAccess.resourceAccess is invalid."
        );
        let grant = json!({"clientId": "a", "resourceId": "b", "consentType": "allprincipals", "scope": "User.Read"});
        assert_eq!(
            refused(types::OAUTH2_PERMISSION_GRANT, grant, Intent::Create),
            "Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'."
        );
    }

    #[test]
    fn nulls_and_missing_required_values_are_refused() {
        assert!(
            refused(
                types::APPLICATION,
                json!({"displayName": "x", "keyCredentials": null}),
                Intent::Update
            )
            .starts_with("A null value was found for the property named 'keyCredentials'")
        );
        let empty = json!({"displayName": "x", "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": []}]});
        assert_eq!(
            refused(types::APPLICATION, empty, Intent::Update),
            "Property requiredResourceAccess.resourceAccess value is required but is empty or missing."
        );
        let keyless =
            json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify"}]});
        assert_eq!(
            refused(types::APPLICATION, keyless, Intent::Update),
            "Property keyCredentials.key value is required but is empty or missing."
        );
        assert_eq!(
            refused(types::APPLICATION, json!({"tags": []}), Intent::Create),
            "Property displayName value is required but is empty or missing."
        );
    }

    #[test]
    fn literals_for_dates_and_binary_must_convert() {
        let date = json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": "AAAA", "endDateTime": "next year"}]});
        assert_eq!(
            refused(types::APPLICATION, date, Intent::Update),
            "Cannot convert the literal 'next year' to the expected type 'Edm.DateTimeOffset'."
        );
        let key = json!({"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify", "key": "-----BEGIN CERTIFICATE-----"}]});
        assert!(refused(types::APPLICATION, key, Intent::Update).contains("'Edm.Binary'"));
    }

    #[test]
    fn odata_type_must_name_the_expected_type() {
        let mut assignment = json!({"@odata.type": "#microsoft.graph.unifiedRoleAssignment",
            "roleDefinitionId": "9360feb5-f418-4baa-8175-e2a00bac4301",
            "principalId": "4ab0b690-479b-47ff-af8f-2576cf521872", "directoryScopeId": "/"});
        assert_eq!(
            validate(types::UNIFIED_ROLE_ASSIGNMENT, &assignment, Intent::Create),
            Ok(())
        );
        assignment["@odata.type"] = json!("#microsoft.graph.appRoleAssignment");
        assert!(
            refused(types::UNIFIED_ROLE_ASSIGNMENT, assignment.clone(), Intent::Create)
                .starts_with("A resource with type 'microsoft.graph.appRoleAssignment' was found, but it is not assignable")
        );
        assignment["@odata.type"] = json!("#microsoft.graph.roleAssignment");
        assert!(
            refused(types::UNIFIED_ROLE_ASSIGNMENT, assignment, Intent::Create).starts_with(
                "A type named 'microsoft.graph.roleAssignment' could not be resolved by the model."
            )
        );
    }

    #[test]
    fn add_password_parameters_are_checked() {
        let body = json!({"passwordCredential": {"displayName": "sync", "endDateTime": "2027-01-01T00:00:00Z"}});
        assert_eq!(validate(types::ADD_PASSWORD, &body, Intent::Create), Ok(()));
        assert_eq!(
            validate(types::ADD_PASSWORD, &json!({}), Intent::Create),
            Ok(())
        );
        assert_eq!(
            refused(
                types::ADD_PASSWORD,
                json!({"password": {"displayName": "x"}}),
                Intent::Create
            ),
            "The parameter 'password' in the request payload is not a valid parameter for the operation 'addPassword'."
        );
    }

    #[test]
    fn upserts_take_their_key_from_the_url() {
        let key = ("appId", GRAPH);
        let sp = json!({"tags": ["x"]});
        assert_eq!(
            validate_upsert(types::SERVICE_PRINCIPAL, &sp, key, Intent::Create),
            Ok(())
        );
        assert_eq!(
            validate_upsert(types::SERVICE_PRINCIPAL, &sp, key, Intent::Update),
            Ok(())
        );
        let repeated = json!({"appId": GRAPH});
        assert_eq!(
            validate_upsert(types::SERVICE_PRINCIPAL, &repeated, key, Intent::Update),
            Ok(())
        );
        let other = json!({"appId": "00000002-0000-0ff1-ce00-000000000000"});
        assert!(
            refused_with(|| validate_upsert(types::SERVICE_PRINCIPAL, &other, key, Intent::Create))
                .contains("does not match the key")
        );
        let app_key = ("uniqueName", "identity-sync-1");
        assert_eq!(
            validate_upsert(
                types::APPLICATION,
                &connector_app(),
                app_key,
                Intent::Create
            ),
            Ok(())
        );
        let nameless = json!({"signInAudience": "AzureADMyOrg"});
        assert_eq!(
            refused_with(|| validate_upsert(
                types::APPLICATION,
                &nameless,
                app_key,
                Intent::Create
            )),
            "Property displayName value is required but is empty or missing."
        );
    }

    fn refused_with(check: impl FnOnce() -> Result<(), GraphError>) -> String {
        let error = check().expect_err("the body should be refused");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        error.message().to_owned()
    }

    #[test]
    fn bodies_must_be_json_sent_as_json() {
        let body = br#"{"displayName":"x"}"#;
        assert_eq!(
            parse_json_body(Some("application/json; charset=utf-8"), body),
            Ok(json!({"displayName": "x"}))
        );
        for (content_type, bytes) in [
            (None, &body[..]),
            (Some("text/plain"), &body[..]),
            (Some("application/json"), &b"{displayName: 'x'}"[..]),
            (Some("application/json"), &b""[..]),
        ] {
            let error = parse_json_body(content_type, bytes).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{content_type:?}");
            assert!(
                error
                    .message()
                    .starts_with("Unable to read JSON request payload.")
            );
        }
    }

    #[test]
    fn every_complex_reference_resolves() {
        for entry in TYPES {
            for property in entry.properties {
                if let Kind::Complex(name) = property.kind {
                    assert!(
                        graph_type(name).is_some(),
                        "{}.{} -> {name}",
                        entry.name,
                        property.name
                    );
                }
            }
            for name in entry.required {
                assert!(entry.property(name).is_some(), "{}.{name}", entry.name);
            }
        }
    }
}

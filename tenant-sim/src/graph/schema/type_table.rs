//! The Graph types the connector sends, hand-written from Microsoft's v1.0 resource pages (each cited).

use crate::graph::schema::model::Kind::{
    Binary, Boolean, Complex, DateTimeOffset, Guid, Int32, OneOf, String as Str, Unchecked,
};
use crate::graph::schema::model::{GraphType, Property, TypeKind};

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
/// `Edm.Guid` non-null in the CSDL (`docs/microsoft-services.md`, "Graph's model").
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

/// The parameters of `POST /applications/{id}/addKey`
/// (<https://learn.microsoft.com/graph/api/application-addkey>).
const ADD_KEY: GraphType = GraphType {
    name: "addKey",
    kind: TypeKind::Action,
    open: false,
    properties: &[
        Property::new("keyCredential", Complex("keyCredential")).not_null(),
        Property::new("passwordCredential", Complex("passwordCredential")),
        Property::new("proof", Str).not_null(),
    ],
    required: &["keyCredential", "proof"],
    bindable: &[],
};

/// The parameters of `POST /applications/{id}/removeKey`
/// (<https://learn.microsoft.com/graph/api/application-removekey>).
const REMOVE_KEY: GraphType = GraphType {
    name: "removeKey",
    kind: TypeKind::Action,
    open: false,
    properties: &[
        Property::new("keyId", Guid).not_null(),
        Property::new("proof", Str).not_null(),
    ],
    required: &["keyId", "proof"],
    bindable: &[],
};

/// The parameters of `POST /applications/{id}/removePassword`
/// (<https://learn.microsoft.com/graph/api/application-removepassword>).
const REMOVE_PASSWORD: GraphType = GraphType {
    name: "removePassword",
    kind: TypeKind::Action,
    open: false,
    properties: &[Property::new("keyId", Guid).not_null()],
    required: &["keyId"],
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
    ADD_KEY,
    REMOVE_KEY,
    REMOVE_PASSWORD,
];

/// The table entry for `name` (without the `microsoft.graph.` namespace; case-sensitive, as in the model).
pub fn graph_type(name: &str) -> Option<&'static GraphType> {
    TYPES.iter().find(|graph_type| graph_type.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::schema::model::Kind;

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

//! Object ids in the shapes Microsoft Graph gives them.
//!
//! Most directory objects (applications, service principals, users) have a GUID `id`. Three relationship
//! objects the connector writes have composite ids instead, decoded from the samples in Microsoft's docs
//! (`docs/microsoft-services.md`, "Id shapes"): GUIDs' 16 bytes each in .NET `Guid.ToByteArray()` order (the first three
//! fields little-endian), concatenated, then encoded base64url without padding:
//!
//! - unifiedRoleAssignment: `b64(roleDefinitionId ‖ principalId) + "-1"` (tenant-wide scope `/`), 43 + 2
//!   characters; the sample `lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1` decodes to Global
//!   Administrator's template id 62e90394-69f5-4237-9190-012177145e10 and principal
//!   4ab0b690-479b-47ff-af8f-2576cf521872
//!   (<https://learn.microsoft.com/en-us/graph/api/rbacapplication-post-roleassignments>);
//! - oAuth2PermissionGrant: `b64(clientId ‖ resourceId)` (43 characters), `‖ principalId` for a `Principal`
//!   grant (64 characters) (<https://learn.microsoft.com/en-us/graph/api/oauth2permissiongrant-get>);
//! - appRoleAssignment: `b64(principalId ‖ 16 more bytes)` (43 characters). Graph's second half is
//!   opaque; ours is the first 16 bytes of SHA-256 over the resource and app role ids, so one
//!   (principal, resource, role) always gets the same id.
//!
//! The functions are deterministic so tests and the state can predict ids.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// A new GUID object id for a created directory object.
pub fn new_object_id() -> Uuid {
    Uuid::new_v4()
}

/// The id of a directory role assignment at tenant scope (`directoryScopeId` `/`).
pub fn role_assignment_id(role_definition_id: Uuid, principal_id: Uuid) -> String {
    format!("{}-1", encode_guids(&[role_definition_id, principal_id]))
}

/// The id of a delegated permission grant. `principal_id` is `Some` for a `Principal` grant and `None` for
/// an `AllPrincipals` one.
pub fn oauth2_permission_grant_id(
    client_id: Uuid,
    resource_id: Uuid,
    principal_id: Option<Uuid>,
) -> String {
    match principal_id {
        Some(principal_id) => encode_guids(&[client_id, resource_id, principal_id]),
        None => encode_guids(&[client_id, resource_id]),
    }
}

/// The id of an app role assignment of `app_role_id` on `resource_id` to `principal_id`.
pub fn app_role_assignment_id(principal_id: Uuid, resource_id: Uuid, app_role_id: Uuid) -> String {
    let mut input = Vec::with_capacity(32);
    input.extend_from_slice(&resource_id.to_bytes_le());
    input.extend_from_slice(&app_role_id.to_bytes_le());
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &input);
    let mut bytes = Vec::with_capacity(32);
    bytes.extend_from_slice(&principal_id.to_bytes_le());
    bytes.extend_from_slice(&digest.as_ref()[..16]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a role assignment id into its `(roleDefinitionId, principalId)`, or `None` if it is not one.
pub fn parse_role_assignment_id(id: &str) -> Option<(Uuid, Uuid)> {
    match decode_guids(id.strip_suffix("-1")?)?.as_slice() {
        [role_definition_id, principal_id] => Some((*role_definition_id, *principal_id)),
        _ => None,
    }
}

/// Decodes a grant id into `(clientId, resourceId, principalId)`, or `None` if it is not one.
pub fn parse_oauth2_permission_grant_id(id: &str) -> Option<(Uuid, Uuid, Option<Uuid>)> {
    match decode_guids(id)?.as_slice() {
        [client_id, resource_id] => Some((*client_id, *resource_id, None)),
        [client_id, resource_id, principal_id] => {
            Some((*client_id, *resource_id, Some(*principal_id)))
        }
        _ => None,
    }
}

/// The principal id at the start of an app role assignment id, or `None` if it is not one.
pub fn parse_app_role_assignment_principal(id: &str) -> Option<Uuid> {
    match decode_guids(id)?.as_slice() {
        [principal_id, _opaque] => Some(*principal_id),
        _ => None,
    }
}

/// GUIDs in .NET byte order, concatenated, base64url without padding.
fn encode_guids(ids: &[Uuid]) -> String {
    let bytes: Vec<u8> = ids.iter().flat_map(|id| id.to_bytes_le()).collect();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The inverse of [`encode_guids`]; `None` unless the text is base64url of a whole number of GUIDs.
fn decode_guids(text: &str) -> Option<Vec<Uuid>> {
    let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
    if bytes.is_empty() || bytes.len() % 16 != 0 {
        return None;
    }
    bytes
        .chunks_exact(16)
        .map(|chunk| <[u8; 16]>::try_from(chunk).ok().map(Uuid::from_bytes_le))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLOBAL_ADMIN: Uuid = uuid::uuid!("62e90394-69f5-4237-9190-012177145e10");

    #[test]
    fn role_assignment_id_matches_microsofts_sample_prefix() {
        let principal = Uuid::parse_str("4ab0b690-479b-47ff-af8f-2576cf521872").unwrap();
        let id = role_assignment_id(GLOBAL_ADMIN, principal);
        assert_eq!(id, "lAPpYvVpN0KRkAEhdxReEJC2sEqbR_9Hr48lds9SGHI-1");
        assert_eq!(
            parse_role_assignment_id(&id),
            Some((GLOBAL_ADMIN, principal))
        );
    }

    #[test]
    fn grant_ids_have_two_or_three_parts() {
        let client = Uuid::new_v4();
        let resource = Uuid::new_v4();
        let user = Uuid::new_v4();
        let all = oauth2_permission_grant_id(client, resource, None);
        let one = oauth2_permission_grant_id(client, resource, Some(user));
        assert_eq!(all.len(), 43);
        assert_eq!(one.len(), 64);
        assert_eq!(
            parse_oauth2_permission_grant_id(&all),
            Some((client, resource, None))
        );
        assert_eq!(
            parse_oauth2_permission_grant_id(&one),
            Some((client, resource, Some(user)))
        );
        assert_eq!(parse_oauth2_permission_grant_id("short"), None);
    }

    #[test]
    fn app_role_assignment_id_is_stable_and_distinct_per_role() {
        let principal = Uuid::new_v4();
        let resource = Uuid::new_v4();
        let role_a = Uuid::new_v4();
        let role_b = Uuid::new_v4();
        let first = app_role_assignment_id(principal, resource, role_a);
        assert_eq!(first, app_role_assignment_id(principal, resource, role_a));
        assert_ne!(first, app_role_assignment_id(principal, resource, role_b));
        assert_eq!(first.len(), 43);
        assert!(
            first
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(parse_app_role_assignment_principal(&first), Some(principal));
    }

    #[test]
    fn parsers_refuse_other_shapes() {
        assert_eq!(
            parse_role_assignment_id("62e90394-69f5-4237-9190-012177145e10"),
            None
        );
        assert_eq!(parse_role_assignment_id("not base64 at all-1"), None);
        assert_eq!(
            parse_oauth2_permission_grant_id("lAPpYvVpN0KRkAEhdxReEA"),
            None
        );
        assert_ne!(new_object_id(), new_object_id());
    }
}

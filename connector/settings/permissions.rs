//! The `additional_permissions` setting: extra permissions the application requests beside the connector's
//! own, one per line (or separated by `;`): `<resource>: <permission> (delegated)` or `… (application)`,
//! where the resource is `Microsoft Graph`, `Office 365 Exchange Online`, another resource application's
//! display name, or its application id; e.g. `Microsoft Graph: Mail.Read (delegated)`. Blank entries and
//! lines starting with `#` are ignored. `configure` checks the form; provision resolves each against the
//! resource's service principal.

/// Whether a permission acts for a signed-in user or as the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PermissionKind {
    /// A delegated permission (a scope).
    Delegated,
    /// An application permission (an app role).
    Application,
}

/// One entry of `additional_permissions`, before resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdditionalPermission {
    /// The resource as written: a name or an application id.
    pub resource: String,
    /// The permission's value, e.g. `Mail.Read`.
    pub value: String,
    /// Delegated or application.
    pub kind: PermissionKind,
}

/// Parses `additional_permissions`; the error names the entry and says what is wrong.
pub fn parse_additional(text: &str) -> Result<Vec<AdditionalPermission>, String> {
    let mut entries = Vec::new();
    let mut number = 0;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        for entry in line.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            number += 1;
            let entry = parse_entry(entry).ok_or_else(|| {
                format!(
                    "entry {number} should read \"<resource>: <permission> (delegated)\" or \"… (application)\", \
                     e.g. \"Microsoft Graph: Mail.Read (delegated)\"."
                )
            })?;
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
    }
    Ok(entries)
}

fn parse_entry(entry: &str) -> Option<AdditionalPermission> {
    let (resource, rest) = entry.split_once(':')?;
    let (value, kind) = rest.trim().strip_suffix(')')?.rsplit_once('(')?;
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "delegated" => PermissionKind::Delegated,
        "application" => PermissionKind::Application,
        _ => return None,
    };
    let (resource, value) = (resource.trim(), value.trim());
    let bad = |s: &str| s.is_empty() || s.chars().any(char::is_control);
    if bad(resource) || bad(value) || value.chars().any(char::is_whitespace) {
        return None;
    }
    Some(AdditionalPermission {
        resource: resource.to_owned(),
        value: value.to_owned(),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::{AdditionalPermission, PermissionKind, parse_additional};

    #[test]
    fn entries_name_a_resource_a_permission_and_its_kind() {
        let parsed = parse_additional(
            "# extra\nMicrosoft Graph: Mail.Read (delegated)\n\n00000003-0000-0000-c000-000000000000: User.Read.All (Application); Microsoft Graph: Mail.Read (delegated)",
        )
        .unwrap();
        assert_eq!(
            parsed,
            [
                AdditionalPermission {
                    resource: "Microsoft Graph".to_owned(),
                    value: "Mail.Read".to_owned(),
                    kind: PermissionKind::Delegated
                },
                AdditionalPermission {
                    resource: "00000003-0000-0000-c000-000000000000".to_owned(),
                    value: "User.Read.All".to_owned(),
                    kind: PermissionKind::Application
                },
            ]
        );
        let error = parse_additional("Microsoft Graph Mail.Read").unwrap_err();
        assert!(error.starts_with("entry 1 "), "{error}");
        assert!(parse_additional("Graph: Mail.Read (both)").is_err());
        assert!(parse_additional("Graph: Mail Read (delegated)").is_err());
        assert_eq!(parse_additional("").unwrap(), []);
    }
}

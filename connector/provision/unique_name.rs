//! The application's `uniqueName`: the stable key by which provision finds the application it created,
//! even when the host lost the application id. Derived from the application name the connection uses:
//! `m365-connector-<slug>-<hash>`, where the slug is the name in lower case with every run of characters
//! other than `a-z` and `0-9` replaced by one `-` (at most 40 characters), and the hash the first 12 hex
//! digits of the SHA-256 of the exact name, so names that differ only in case or punctuation stay apart.
//! `uniqueName` is an alternate key of Graph's application
//! (<https://learn.microsoft.com/graph/api/application-upsert>) and cannot change once set.

/// The prefix of every `uniqueName` the connector sets.
pub const PREFIX: &str = "m365-connector-";

/// The `uniqueName` of the application named `name`.
pub fn unique_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, name.trim().as_bytes());
    let hash: String = digest.as_ref()[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if slug.is_empty() {
        format!("{PREFIX}{hash}")
    } else {
        format!("{PREFIX}{slug}-{hash}")
    }
}

#[cfg(test)]
mod tests {
    use super::unique_name;

    #[test]
    fn stable_readable_and_distinct() {
        let name = unique_name("Contoso Sync");
        assert!(name.starts_with("m365-connector-contoso-sync-"), "{name}");
        assert_eq!(name.len(), "m365-connector-contoso-sync-".len() + 12);
        assert_eq!(name, unique_name("  Contoso Sync "));
        assert_ne!(name, unique_name("contoso sync"));
        assert_ne!(unique_name("Sync!"), unique_name("Sync?"));
        assert!(unique_name("Синхронизация").starts_with("m365-connector-"));
        assert!(unique_name(&"x".repeat(120)).len() <= "m365-connector-".len() + 40 + 13);
    }
}

//! What the store keeps for a connection, and how it reads it back: the name, the plugin, the settings
//! document, the secrets (shown masked) and the times. The rules for names live here too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection as Sqlite, OptionalExtension, Row};
use serde::Serialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::error::{StoreError, from_sqlite};
use crate::store::secret::{MASK, MaskedSecret, Secret};

/// The longest connection name (and secret field name), in characters.
pub const MAX_NAME_CHARS: usize = 256;

/// The connector plugin a connection uses: where it was loaded from, and who it said it was in `describe`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PluginInfo {
    /// The plugin library's path, as the host loaded it.
    pub path: PathBuf,
    /// The connector's `name` from `describe`, e.g. `m365`.
    pub name: String,
    /// The connector's `version` from `describe`, e.g. `0.1.0`.
    pub version: String,
}

/// A connection to save: what the wizard has at Finish.
#[derive(Clone, Debug)]
pub struct NewConnection {
    /// The connection's name, unique in the store (ignoring ASCII case).
    pub name: String,
    /// The plugin it uses.
    pub plugin: PluginInfo,
    /// The settings document as the plugin's `configure` normalised it (secret fields left out).
    pub settings: Map<String, Value>,
    /// The secret values the host keeps for it, by field (e.g. `certificate_pem`).
    pub secrets: BTreeMap<String, Secret>,
}

/// A saved connection, as listings show it: everything but the secret values, which appear masked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Connection {
    /// The connection's name.
    pub name: String,
    /// The plugin it uses.
    pub plugin: PluginInfo,
    /// Its settings document (no secret values).
    pub settings: Map<String, Value>,
    /// Its secrets, masked, ordered by field.
    pub secrets: Vec<MaskedSecret>,
    /// When it was first saved under this name (a replace counts as a new save).
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When anything of it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Checks a connection name: not blank, no surrounding white space, no control characters, at most
/// [`MAX_NAME_CHARS`] characters. Every call that saves a name checks it; a wizard may check it at its
/// first prompt.
pub fn check_name(name: &str) -> Result<(), StoreError> {
    check_text(name).map_err(|reason| StoreError::InvalidName {
        name: name.to_owned(),
        reason,
    })
}

/// Checks a secret field's name by the same rules as a connection name.
pub fn check_field(field: &str) -> Result<(), StoreError> {
    check_text(field).map_err(|reason| StoreError::InvalidField {
        field: field.to_owned(),
        reason,
    })
}

fn check_text(text: &str) -> Result<(), &'static str> {
    if text.trim().is_empty() {
        Err("it is empty")
    } else if text.trim() != text {
        Err("it starts or ends with white space")
    } else if text.chars().any(char::is_control) {
        Err("it contains a control character")
    } else if text.chars().count() > MAX_NAME_CHARS {
        Err("it is longer than 256 characters")
    } else {
        Ok(())
    }
}

/// The plugin path as the text the store keeps.
pub fn path_text(path: &Path) -> Result<&str, StoreError> {
    path.to_str().ok_or_else(|| StoreError::PathNotUtf8 {
        path: path.to_path_buf(),
    })
}

/// The id of the connection named `name` (ignoring ASCII case), if there is one.
pub fn find_id(db: &Sqlite, path: &Path, name: &str) -> Result<Option<i64>, StoreError> {
    db.query_row("SELECT id FROM connection WHERE name = ?1", [name], |row| {
        row.get(0)
    })
    .optional()
    .map_err(|error| from_sqlite(path, error))
}

/// The id of the connection named `name`, or [`StoreError::NotFound`].
pub fn id(db: &Sqlite, path: &Path, name: &str) -> Result<i64, StoreError> {
    find_id(db, path, name)?.ok_or_else(|| StoreError::NotFound {
        name: name.to_owned(),
        path: path.to_path_buf(),
    })
}

const CONNECTION_COLUMNS: &str =
    "id, name, plugin_path, plugin_name, plugin_version, settings, created_at, updated_at";

/// The connection named `name`, if there is one.
pub fn find(db: &Sqlite, path: &Path, name: &str) -> Result<Option<Connection>, StoreError> {
    let row = db
        .query_row(
            &format!("SELECT {CONNECTION_COLUMNS} FROM connection WHERE name = ?1"),
            [name],
            RawConnection::read,
        )
        .optional()
        .map_err(|error| from_sqlite(path, error))?;
    let Some(raw) = row else {
        return Ok(None);
    };
    let mut masks = masked_secrets(db, path, Some(raw.id))?;
    let secrets = masks.remove(&raw.id).unwrap_or_default();
    raw.into_connection(path, secrets).map(Some)
}

/// Every connection, ordered by name (ignoring ASCII case).
pub fn list(db: &Sqlite, path: &Path) -> Result<Vec<Connection>, StoreError> {
    let raws: Vec<RawConnection> = db
        .prepare(&format!(
            "SELECT {CONNECTION_COLUMNS} FROM connection ORDER BY name"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([], RawConnection::read)?
                .collect::<Result<_, _>>()
        })
        .map_err(|error| from_sqlite(path, error))?;
    let mut masks = masked_secrets(db, path, None)?;
    raws.into_iter()
        .map(|raw| {
            let secrets = masks.remove(&raw.id).unwrap_or_default();
            raw.into_connection(path, secrets)
        })
        .collect()
}

/// The masked secrets of one connection (or of all), by connection id, each list ordered by field.
fn masked_secrets(
    db: &Sqlite,
    path: &Path,
    only: Option<i64>,
) -> Result<BTreeMap<i64, Vec<MaskedSecret>>, StoreError> {
    let rows: Vec<(i64, String, i64, String)> = db
        .prepare(
            "SELECT connection_id, field, length(value), updated_at FROM secret
             WHERE ?1 IS NULL OR connection_id = ?1 ORDER BY connection_id, field",
        )
        .and_then(|mut statement| {
            statement
                .query_map([only], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })?
                .collect::<Result<_, _>>()
        })
        .map_err(|error| from_sqlite(path, error))?;
    let mut masks: BTreeMap<i64, Vec<MaskedSecret>> = BTreeMap::new();
    for (id, field, length, updated_at) in rows {
        let updated_at = parse_time(path, &updated_at, "a secret's change time")?;
        masks.entry(id).or_default().push(MaskedSecret {
            field,
            masked: MASK,
            length: usize::try_from(length).unwrap_or_default(),
            updated_at,
        });
    }
    Ok(masks)
}

/// The value of one secret of the connection with this id, if it has one.
pub fn secret(
    db: &Sqlite,
    path: &Path,
    id: i64,
    field: &str,
) -> Result<Option<Secret>, StoreError> {
    db.query_row(
        "SELECT value FROM secret WHERE connection_id = ?1 AND field = ?2",
        (id, field),
        read_secret,
    )
    .optional()
    .map_err(|error| from_sqlite(path, error))
}

/// Every secret of the connection with this id, by field.
pub fn secrets(db: &Sqlite, path: &Path, id: i64) -> Result<BTreeMap<String, Secret>, StoreError> {
    db.prepare("SELECT field, value FROM secret WHERE connection_id = ?1")
        .and_then(|mut statement| {
            statement
                .query_map([id], |row| Ok((row.get(0)?, read_secret_at(row, 1)?)))?
                .collect::<Result<_, _>>()
        })
        .map_err(|error| from_sqlite(path, error))
}

fn read_secret(row: &Row<'_>) -> rusqlite::Result<Secret> {
    read_secret_at(row, 0)
}

/// Copies the value straight from SQLite's buffer into a [`Secret`], so no unwiped `String` holds it.
fn read_secret_at(row: &Row<'_>, column: usize) -> rusqlite::Result<Secret> {
    let text = row.get_ref(column)?.as_str()?;
    Ok(Secret::new(text.to_owned()))
}

/// The settings of the connection with this id.
pub fn settings(db: &Sqlite, path: &Path, id: i64) -> Result<Map<String, Value>, StoreError> {
    let text: String = db
        .query_row(
            "SELECT settings FROM connection WHERE id = ?1",
            [id],
            |row| row.get(0),
        )
        .map_err(|error| from_sqlite(path, error))?;
    parse_settings(path, &text)
}

fn parse_settings(path: &Path, text: &str) -> Result<Map<String, Value>, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("a connection's settings are not a JSON object: {error}"),
    })
}

fn parse_time(path: &Path, text: &str, what: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|error| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: format!("{what} {text:?} is not an RFC 3339 time: {error}"),
    })
}

/// A `connection` row as SQLite returns it, before its JSON and times are parsed.
struct RawConnection {
    id: i64,
    name: String,
    plugin_path: String,
    plugin_name: String,
    plugin_version: String,
    settings: String,
    created_at: String,
    updated_at: String,
}

impl RawConnection {
    fn read(row: &Row<'_>) -> rusqlite::Result<RawConnection> {
        Ok(RawConnection {
            id: row.get(0)?,
            name: row.get(1)?,
            plugin_path: row.get(2)?,
            plugin_name: row.get(3)?,
            plugin_version: row.get(4)?,
            settings: row.get(5)?,
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
        })
    }

    fn into_connection(
        self,
        path: &Path,
        secrets: Vec<MaskedSecret>,
    ) -> Result<Connection, StoreError> {
        Ok(Connection {
            settings: parse_settings(path, &self.settings)?,
            created_at: parse_time(path, &self.created_at, "a connection's creation time")?,
            updated_at: parse_time(path, &self.updated_at, "a connection's change time")?,
            name: self.name,
            plugin: PluginInfo {
                path: PathBuf::from(self.plugin_path),
                name: self.plugin_name,
                version: self.plugin_version,
            },
            secrets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_printable_trimmed_and_not_too_long() {
        assert!(check_name("Contoso (production)").is_ok());
        assert!(check_name("Fabrikam – Zürich").is_ok());
        for (name, reason) in [
            ("", "it is empty"),
            ("   ", "it is empty"),
            (" Contoso", "it starts or ends with white space"),
            ("Contoso\n", "it starts or ends with white space"),
            ("Con\u{7}toso", "it contains a control character"),
        ] {
            let error = check_name(name).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("{name:?} cannot name a connection: {reason}")
            );
        }
        assert!(check_name(&"x".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(check_name(&"x".repeat(MAX_NAME_CHARS + 1)).is_err());
        assert!(check_field("certificate_pem").is_ok());
        assert!(check_field("").is_err());
    }
}

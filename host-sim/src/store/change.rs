//! One change to the store: everything done through a [`Change`] lands together when the closure given to
//! [`Store::change`](crate::store::Store::change) returns `Ok`, or not at all (an `Err`, a panic, or the process
//! being killed leaves the store as it was). It runs in a SQLite `BEGIN IMMEDIATE` transaction, so a
//! concurrent host-sim waits for it rather than working from a stale copy.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Transaction;
use serde_json::{Map, Value};

use crate::store::error::{StoreError, from_sqlite};
use crate::store::record::{
    self, Connection, NewConnection, PluginInfo, check_field, check_name, path_text,
};
use crate::store::secret::Secret;

/// The changes of one transaction, and the store's reads as that transaction sees them.
pub struct Change<'store> {
    tx: Transaction<'store>,
    path: &'store Path,
    /// The time every change of this transaction is stamped with (RFC 3339, from SQLite's clock).
    now: String,
}

impl<'store> Change<'store> {
    /// Starts a change on `tx` (already begun immediate) of the database at `path`.
    pub(crate) fn begin(
        tx: Transaction<'store>,
        path: &'store Path,
    ) -> Result<Change<'store>, StoreError> {
        let now = tx
            .query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", [], |row| {
                row.get(0)
            })
            .map_err(|error| from_sqlite(path, error))?;
        Ok(Change { tx, path, now })
    }

    /// Makes every change of this transaction durable.
    pub(crate) fn commit(self) -> Result<(), StoreError> {
        self.tx
            .commit()
            .map_err(|error| from_sqlite(self.path, error))
    }

    /// The connection named `name` (ignoring ASCII case), as this change sees it.
    pub fn find(&self, name: &str) -> Result<Option<Connection>, StoreError> {
        record::find(&self.tx, self.path, name)
    }

    /// The connection named `name`, or [`StoreError::NotFound`].
    pub fn get(&self, name: &str) -> Result<Connection, StoreError> {
        self.find(name)?.ok_or_else(|| self.not_found(name))
    }

    /// The value of the secret `field` of the connection `name`.
    pub fn secret(&self, name: &str, field: &str) -> Result<Secret, StoreError> {
        let id = record::id(&self.tx, self.path, name)?;
        record::secret(&self.tx, self.path, id, field)?.ok_or_else(|| StoreError::SecretNotFound {
            name: name.to_owned(),
            field: field.to_owned(),
            path: self.path.to_path_buf(),
        })
    }

    /// Adds a connection; [`StoreError::NameTaken`] when one of that name (ignoring ASCII case) exists.
    pub fn add(&self, new: &NewConnection) -> Result<(), StoreError> {
        check_name(&new.name)?;
        if record::find_id(&self.tx, self.path, &new.name)?.is_some() {
            return Err(StoreError::NameTaken {
                name: new.name.clone(),
                path: self.path.to_path_buf(),
            });
        }
        self.insert(new)
    }

    /// Adds a connection, or replaces the one of that name (its plugin, settings and every secret; its
    /// creation time becomes now). Returns whether one was replaced.
    pub fn replace(&self, new: &NewConnection) -> Result<bool, StoreError> {
        check_name(&new.name)?;
        let replaced = match record::find_id(&self.tx, self.path, &new.name)? {
            Some(id) => {
                self.execute("DELETE FROM connection WHERE id = ?1", [id])?;
                true
            }
            None => false,
        };
        self.insert(new)?;
        Ok(replaced)
    }

    fn insert(&self, new: &NewConnection) -> Result<(), StoreError> {
        for field in new.secrets.keys() {
            check_field(field)?;
            self.refuse_secret_in_settings(&new.name, field, &new.settings)?;
        }
        let settings = Value::Object(new.settings.clone()).to_string();
        self.execute(
            "INSERT INTO connection
                 (name, plugin_path, plugin_name, plugin_version, settings, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
            (
                &new.name,
                path_text(&new.plugin.path)?,
                &new.plugin.name,
                &new.plugin.version,
                &settings,
                &self.now,
            ),
        )?;
        let id = self.tx.last_insert_rowid();
        for (field, value) in &new.secrets {
            self.write_secret(id, field, value)?;
        }
        Ok(())
    }

    /// Renames the connection `from` to `to`; [`StoreError::NameTaken`] when another connection has that
    /// name. A change of case alone (`contoso` to `Contoso`) is a rename too.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), StoreError> {
        check_name(to)?;
        let id = record::id(&self.tx, self.path, from)?;
        if record::find_id(&self.tx, self.path, to)?.is_some_and(|other| other != id) {
            return Err(StoreError::NameTaken {
                name: to.to_owned(),
                path: self.path.to_path_buf(),
            });
        }
        self.execute(
            "UPDATE connection SET name = ?2, updated_at = ?3 WHERE id = ?1",
            (id, to, &self.now),
        )
    }

    /// Replaces the settings document of the connection `name`. None of its secret fields may appear in it.
    pub fn update_settings(
        &self,
        name: &str,
        settings: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        let id = record::id(&self.tx, self.path, name)?;
        for field in record::secrets(&self.tx, self.path, id)?.keys() {
            self.refuse_secret_in_settings(name, field, settings)?;
        }
        self.execute(
            "UPDATE connection SET settings = ?2, updated_at = ?3 WHERE id = ?1",
            (id, Value::Object(settings.clone()).to_string(), &self.now),
        )
    }

    /// Records another plugin (or another version of it) for the connection `name`.
    pub fn update_plugin(&self, name: &str, plugin: &PluginInfo) -> Result<(), StoreError> {
        let id = record::id(&self.tx, self.path, name)?;
        self.execute(
            "UPDATE connection SET plugin_path = ?2, plugin_name = ?3, plugin_version = ?4, updated_at = ?5
             WHERE id = ?1",
            (
                id,
                path_text(&plugin.path)?,
                &plugin.name,
                &plugin.version,
                &self.now,
            ),
        )
    }

    /// Sets (adds or overwrites) the secret `field` of the connection `name`.
    pub fn set_secret(&self, name: &str, field: &str, value: &Secret) -> Result<(), StoreError> {
        check_field(field)?;
        let id = record::id(&self.tx, self.path, name)?;
        self.refuse_secret_in_settings(name, field, &record::settings(&self.tx, self.path, id)?)?;
        self.write_secret(id, field, value)?;
        self.touch(id)
    }

    /// Removes the secret `field` of the connection `name`; returns whether it had one.
    pub fn remove_secret(&self, name: &str, field: &str) -> Result<bool, StoreError> {
        let id = record::id(&self.tx, self.path, name)?;
        let removed = self
            .tx
            .execute(
                "DELETE FROM secret WHERE connection_id = ?1 AND field = ?2",
                (id, field),
            )
            .map_err(|error| from_sqlite(self.path, error))?;
        if removed > 0 {
            self.touch(id)?;
        }
        Ok(removed > 0)
    }

    /// Replaces every secret of the connection `name` with `secrets` (a field not in it is removed).
    pub fn replace_secrets(
        &self,
        name: &str,
        secrets: &BTreeMap<String, Secret>,
    ) -> Result<(), StoreError> {
        let id = record::id(&self.tx, self.path, name)?;
        let settings = record::settings(&self.tx, self.path, id)?;
        for field in secrets.keys() {
            check_field(field)?;
            self.refuse_secret_in_settings(name, field, &settings)?;
        }
        self.execute("DELETE FROM secret WHERE connection_id = ?1", [id])?;
        for (field, value) in secrets {
            self.write_secret(id, field, value)?;
        }
        self.touch(id)
    }

    /// Removes the connection `name` and its secrets.
    pub fn remove(&self, name: &str) -> Result<(), StoreError> {
        let id = record::id(&self.tx, self.path, name)?;
        self.execute("DELETE FROM connection WHERE id = ?1", [id])
    }

    fn write_secret(&self, id: i64, field: &str, value: &Secret) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO secret (connection_id, field, value, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (connection_id, field) DO UPDATE SET value = excluded.value,
                 updated_at = excluded.updated_at",
            (id, field, value.expose(), &self.now),
        )
    }

    fn touch(&self, id: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE connection SET updated_at = ?2 WHERE id = ?1",
            (id, &self.now),
        )
    }

    fn refuse_secret_in_settings(
        &self,
        name: &str,
        field: &str,
        settings: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        if settings.contains_key(field) {
            return Err(StoreError::SecretInSettings {
                name: name.to_owned(),
                field: field.to_owned(),
            });
        }
        Ok(())
    }

    fn execute(&self, sql: &str, params: impl rusqlite::Params) -> Result<(), StoreError> {
        self.tx
            .execute(sql, params)
            .map(drop)
            .map_err(|error| from_sqlite(self.path, error))
    }

    fn not_found(&self, name: &str) -> StoreError {
        StoreError::NotFound {
            name: name.to_owned(),
            path: self.path.to_path_buf(),
        }
    }
}

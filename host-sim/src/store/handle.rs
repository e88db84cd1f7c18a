//! [`Store`]: an open connection store, and every call the host makes on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection as Sqlite, TransactionBehavior};
use serde_json::{Map, Value};

use crate::store::change::Change;
use crate::store::create;
use crate::store::error::{StoreError, from_sqlite};
use crate::store::files;
use crate::store::probe;
use crate::store::record::{self, Connection, NewConnection, PluginInfo};
use crate::store::schema;
use crate::store::secret::Secret;
use crate::store::sqlite;

/// An open connection store: one directory holding one SQLite database. Several processes may have the same
/// store open; each change is one transaction, and none loses another's.
pub struct Store {
    db: Sqlite,
    dir: PathBuf,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the store in `dir`, creating the directory (mode 0700) and an empty store (mode 0600) when
    /// missing. Refuses, leaving every file as it was: a directory or file open to other users or owned by
    /// another user, a damaged database, another program's database, and a store written by a newer host-sim.
    /// An older store is migrated to the current schema.
    pub fn open(dir: impl AsRef<Path>) -> Result<Store, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        let (path, exists) = files::prepare(&dir)?;
        if !exists {
            create::create(&dir, &path)?;
        }
        files::check_database(&path)?;
        // Read-only first: nothing is written to a file until it is known to be a healthy store of ours.
        probe::check(&path)?;
        let mut db = sqlite::open_read_write(&path)?;
        schema::migrate(&mut db, &path)?;
        Ok(Store { db, dir, path })
    }

    /// Opens the store in [`Store::default_dir`].
    pub fn open_default() -> Result<Store, StoreError> {
        Store::open(Store::default_dir()?)
    }

    /// The directory of the default store: `host-sim` in the user's local data directory
    /// (`$XDG_DATA_HOME/host-sim`, else `~/.local/share/host-sim`, on Linux).
    pub fn default_dir() -> Result<PathBuf, StoreError> {
        files::default_dir()
    }

    /// The store's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The store's database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every connection, ordered by name, secrets masked.
    pub fn list(&self) -> Result<Vec<Connection>, StoreError> {
        self.read(|db| record::list(db, &self.path))
    }

    /// The connection named `name` (ignoring ASCII case), secrets masked, if there is one.
    pub fn find(&self, name: &str) -> Result<Option<Connection>, StoreError> {
        self.read(|db| record::find(db, &self.path, name))
    }

    /// The connection named `name`, secrets masked, or [`StoreError::NotFound`].
    pub fn get(&self, name: &str) -> Result<Connection, StoreError> {
        self.find(name)?.ok_or_else(|| StoreError::NotFound {
            name: name.to_owned(),
            path: self.path.clone(),
        })
    }

    /// The value of the secret `field` of the connection `name`, for the host to pass back to the plugin.
    /// This is the only call that returns a secret value; never print it.
    pub fn secret(&self, name: &str, field: &str) -> Result<Secret, StoreError> {
        self.read(|db| {
            let id = record::id(db, &self.path, name)?;
            record::secret(db, &self.path, id, field)?.ok_or_else(|| StoreError::SecretNotFound {
                name: name.to_owned(),
                field: field.to_owned(),
                path: self.path.clone(),
            })
        })
    }

    /// The values of every secret of the connection `name`, by field: what the host merges into the settings
    /// it passes to the plugin. Never print them.
    pub fn secrets(&self, name: &str) -> Result<BTreeMap<String, Secret>, StoreError> {
        self.read(|db| {
            let id = record::id(db, &self.path, name)?;
            record::secrets(db, &self.path, id)
        })
    }

    /// Runs `change` in one transaction: all that it did lands when it returns `Ok`, nothing when it returns
    /// `Err` or panics (or the process dies). Waits for another process's change to finish first (up
    /// to [`BUSY_TIMEOUT`](crate::store::BUSY_TIMEOUT)). Use it when several changes belong together, e.g. new settings and the new secret
    /// that goes with them.
    pub fn change<T>(
        &mut self,
        change: impl FnOnce(&mut Change<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .db
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|error| from_sqlite(&self.path, error))?;
        let mut open = Change::begin(tx, &self.path)?;
        let value = change(&mut open)?;
        open.commit()?;
        Ok(value)
    }

    /// Adds a connection; [`StoreError::NameTaken`] when one of that name exists (see [`Store::replace`]).
    pub fn add(&mut self, new: &NewConnection) -> Result<(), StoreError> {
        self.change(|change| change.add(new))
    }

    /// Adds a connection or replaces the one of that name, secrets included; returns whether it replaced one.
    pub fn replace(&mut self, new: &NewConnection) -> Result<bool, StoreError> {
        self.change(|change| change.replace(new))
    }

    /// Renames the connection `from` to `to`.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), StoreError> {
        self.change(|change| change.rename(from, to))
    }

    /// Replaces the settings document of the connection `name`.
    pub fn update_settings(
        &mut self,
        name: &str,
        settings: &Map<String, Value>,
    ) -> Result<(), StoreError> {
        self.change(|change| change.update_settings(name, settings))
    }

    /// Records another plugin (or version) for the connection `name`.
    pub fn update_plugin(&mut self, name: &str, plugin: &PluginInfo) -> Result<(), StoreError> {
        self.change(|change| change.update_plugin(name, plugin))
    }

    /// Sets the secret `field` of the connection `name`.
    pub fn set_secret(
        &mut self,
        name: &str,
        field: &str,
        value: &Secret,
    ) -> Result<(), StoreError> {
        self.change(|change| change.set_secret(name, field, value))
    }

    /// Removes the secret `field` of the connection `name`; returns whether it had one.
    pub fn remove_secret(&mut self, name: &str, field: &str) -> Result<bool, StoreError> {
        self.change(|change| change.remove_secret(name, field))
    }

    /// Replaces every secret of the connection `name`.
    pub fn replace_secrets(
        &mut self,
        name: &str,
        secrets: &BTreeMap<String, Secret>,
    ) -> Result<(), StoreError> {
        self.change(|change| change.replace_secrets(name, secrets))
    }

    /// Removes the connection `name` and its secrets.
    pub fn remove(&mut self, name: &str) -> Result<(), StoreError> {
        self.change(|change| change.remove(name))
    }

    /// Runs `read` on one consistent snapshot of the store.
    fn read<T>(
        &self,
        read: impl FnOnce(&Sqlite) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let snapshot = self
            .db
            .unchecked_transaction()
            .map_err(|error| from_sqlite(&self.path, error))?;
        read(&snapshot)
    }
}

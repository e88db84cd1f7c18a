//! The store's format: its schema version (SQLite's `user_version`), the mark that says a database is a
//! host-sim store (SQLite's `application_id`), the migrations from every older version, and telling which
//! of these a database file is.
//!
//! Version 0 is an empty database (a new store). Each later version is reached from the one before by one
//! entry of [`MIGRATIONS`], all in one transaction with the version bump, so a store is always at exactly one
//! version. A new version appends a migration; earlier ones never change.

use std::path::Path;

use rusqlite::{Connection as Sqlite, TransactionBehavior};

use crate::store::error::{StoreError, from_sqlite};

/// The newest schema version this host-sim reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// SQLite's `application_id` of a host-sim store: the ASCII bytes `hsim`.
pub const APPLICATION_ID: i32 = 0x6873_696d;

/// `MIGRATIONS[n]` takes a store from schema version `n` to `n + 1`.
const MIGRATIONS: [&str; SCHEMA_VERSION as usize] = [
    // 0 → 1: connections, and the secret values kept for each (removed with it).
    "CREATE TABLE connection (
        id             INTEGER PRIMARY KEY,
        name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
        plugin_path    TEXT NOT NULL,
        plugin_name    TEXT NOT NULL,
        plugin_version TEXT NOT NULL,
        settings       TEXT NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    ) STRICT;
    CREATE TABLE secret (
        connection_id INTEGER NOT NULL REFERENCES connection (id) ON DELETE CASCADE,
        field         TEXT NOT NULL,
        value         TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (connection_id, field)
    ) STRICT;",
];

/// What a database file holds, as far as the store is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    /// Nothing yet: a new store, to be created by the migrations.
    Empty,
    /// A host-sim store at this schema version (at most [`SCHEMA_VERSION`]).
    Store(u32),
}

/// Tells what `db` holds, and refuses a store of a newer version or a database of another program. Only
/// reads; call it inside a transaction, so that its reads see one state of the file.
pub fn identify(db: &Sqlite, path: &Path) -> Result<Contents, StoreError> {
    let read = |pragma: &str| -> Result<i64, StoreError> {
        db.pragma_query_value(None, pragma, |row| row.get(0))
            .map_err(|error| from_sqlite(path, error))
    };
    let application_id = read("application_id")?;
    let version = read("user_version")?;
    let objects: i64 = db
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .map_err(|error| from_sqlite(path, error))?;

    if application_id == i64::from(APPLICATION_ID) {
        return match u32::try_from(version) {
            Ok(version) if version <= SCHEMA_VERSION => Ok(Contents::Store(version)),
            Ok(found) => Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                supported: SCHEMA_VERSION,
            }),
            Err(_) => Err(StoreError::Corrupt {
                path: path.to_path_buf(),
                detail: format!("its schema version {version} is not a version"),
            }),
        };
    }
    if application_id == 0 && version == 0 && objects == 0 {
        return Ok(Contents::Empty);
    }
    Err(StoreError::NotAStore {
        path: path.to_path_buf(),
        detail: format!(
            "application id {application_id:#010x}, user version {version}, {objects} schema objects"
        ),
    })
}

/// Brings `db` to [`SCHEMA_VERSION`], in one `BEGIN IMMEDIATE` transaction: a concurrent host-sim opening
/// the same new store waits, then finds it migrated and does nothing.
pub fn migrate(db: &mut Sqlite, path: &Path) -> Result<(), StoreError> {
    let tx = db
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|error| from_sqlite(path, error))?;
    let from = match identify(&tx, path)? {
        Contents::Empty => 0,
        Contents::Store(version) => version,
    };
    if from == SCHEMA_VERSION {
        return Ok(());
    }
    for migration in &MIGRATIONS[from as usize..] {
        tx.execute_batch(migration)
            .map_err(|error| from_sqlite(path, error))?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .and_then(|()| tx.pragma_update(None, "user_version", SCHEMA_VERSION))
        .and_then(|()| tx.commit())
        .map_err(|error| from_sqlite(path, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_database_is_migrated_to_the_current_version_and_marked_as_a_store() {
        let mut db = Sqlite::open_in_memory().unwrap();
        let path = Path::new("memory");
        assert_eq!(identify(&db, path).unwrap(), Contents::Empty);
        migrate(&mut db, path).unwrap();
        assert_eq!(
            identify(&db, path).unwrap(),
            Contents::Store(SCHEMA_VERSION)
        );
        let tables: Vec<String> = db
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(tables, ["connection", "secret"]);
        // Migrating a current store changes nothing.
        migrate(&mut db, path).unwrap();
        assert_eq!(
            identify(&db, path).unwrap(),
            Contents::Store(SCHEMA_VERSION)
        );
    }

    #[test]
    fn a_database_of_another_program_is_not_a_store() {
        let db = Sqlite::open_in_memory().unwrap();
        db.execute_batch("CREATE TABLE notes (text TEXT)").unwrap();
        let error = identify(&db, Path::new("/tmp/notes.db")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "/tmp/notes.db is a SQLite database but not a host-sim connection store (application id \
             0x00000000, user version 0, 1 schema objects); it was left untouched"
        );
    }

    #[test]
    fn a_newer_schema_is_refused_by_name() {
        let mut db = Sqlite::open_in_memory().unwrap();
        migrate(&mut db, Path::new("memory")).unwrap();
        db.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        let error = migrate(&mut db, Path::new("/data/store.sqlite")).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "this store was written by a newer host-sim (schema {}); this one understands up to {}: \
                 /data/store.sqlite was left untouched",
                SCHEMA_VERSION + 1,
                SCHEMA_VERSION
            )
        );
    }
}

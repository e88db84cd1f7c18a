//! Opening SQLite on a store's database file: read-only for the first look, or read-write with the settings
//! every change relies on. Neither ever creates the file (the store makes it with its mode first).

use std::path::Path;

use rusqlite::{Connection as Sqlite, OpenFlags};

use crate::store::error::{BUSY_TIMEOUT, StoreError, from_sqlite};

/// Opens `path` read-only: such a connection never writes the file, not even to checkpoint the log.
pub fn open_read_only(path: &Path) -> Result<Sqlite, StoreError> {
    let db = Sqlite::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|error| from_sqlite(path, error))?;
    db.busy_timeout(BUSY_TIMEOUT)
        .map_err(|error| from_sqlite(path, error))?;
    Ok(db)
}

/// Opens `path` for changes: waits up to [`BUSY_TIMEOUT`] for other processes' locks, uses write-ahead
/// logging (readers never block the writer, and a killed writer's unfinished transaction is ignored), syncs
/// fully at each commit, cascades deletes, and overwrites deleted content (old secret values) with zeros in
/// the file.
pub fn open_read_write(path: &Path) -> Result<Sqlite, StoreError> {
    let sqlite = |error| from_sqlite(path, error);
    let db = Sqlite::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite)?;
    db.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    let mode: String = db
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(sqlite)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NoWal {
            path: path.to_path_buf(),
            mode,
        });
    }
    db.pragma_update(None, "synchronous", "FULL")
        .and_then(|()| db.pragma_update(None, "foreign_keys", true))
        .and_then(|()| db.pragma_update(None, "secure_delete", true))
        .map_err(sqlite)?;
    Ok(db)
}

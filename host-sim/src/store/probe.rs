//! The look before any write: the database file is opened read-only and must be an empty database or a
//! host-sim store of a version this host-sim knows, and pass SQLite's `quick_check`. A read-only connection
//! never writes the database file (it cannot even checkpoint the write-ahead log), so a file refused here is
//! left byte for byte as it was.

use std::path::Path;

use crate::store::error::{StoreError, from_sqlite};
use crate::store::schema::{Contents, identify};
use crate::store::sqlite;

/// How many of `quick_check`'s findings an error message quotes.
const FINDINGS_SHOWN: usize = 3;

/// Opens `path` read-only and tells what it holds; refuses (untouched) a damaged file, another program's
/// database, and a store of a newer version.
pub fn check(path: &Path) -> Result<Contents, StoreError> {
    let db = sqlite::open_read_only(path)?;
    // One read transaction, so that every look sees the same state even while another process migrates
    // or writes the store.
    let snapshot = db
        .unchecked_transaction()
        .map_err(|error| from_sqlite(path, error))?;
    let contents = identify(&snapshot, path)?;
    let findings: Vec<String> = snapshot
        .prepare("PRAGMA quick_check")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()
        })
        .map_err(|error| from_sqlite(path, error))?;
    if findings != ["ok"] {
        let mut detail = findings
            .iter()
            .take(FINDINGS_SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join("; ");
        if findings.len() > FINDINGS_SHOWN {
            detail.push_str(&format!("; and {} more", findings.len() - FINDINGS_SHOWN));
        }
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            detail: format!("SQLite's consistency check found: {detail}"),
        });
    }
    Ok(contents)
}

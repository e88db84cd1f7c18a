//! Making a new store: the database is built whole (write-ahead logging on, schema created) under a
//! temporary name in the store directory, closed (which folds the log into the file), and only then given
//! its name. Another process opening the store at that moment finds either no file or a finished store,
//! never an empty file that two processes would race to set up.

use std::path::Path;

use crate::store::error::{StoreError, from_sqlite};
use crate::store::files;
use crate::store::schema;
use crate::store::sqlite;

/// Creates the store's database at `database` in `dir`, unless another process does so first (then its
/// store is used).
pub fn create(dir: &Path, database: &Path) -> Result<(), StoreError> {
    let temp = files::new_private_file(dir)?;
    let mut db = sqlite::open_read_write(&temp)?;
    schema::migrate(&mut db, &temp)?;
    db.close().map_err(|(_, error)| from_sqlite(&temp, error))?;
    files::publish(temp, database)?;
    Ok(())
}

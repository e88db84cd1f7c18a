//! The one error type of the connection store. Every message names the store's path (or the connection), so
//! a person knows which file is meant, and none ever carries a secret value.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::ErrorCode;

/// How long a store call waits for another process to release the store's write lock before it gives up
/// with [`StoreError::Busy`].
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No data directory is known for this user (on Linux neither `XDG_DATA_HOME` nor `HOME` is set).
    #[error(
        "there is no data directory for this user to keep the connection store in (set HOME, or choose a store directory)"
    )]
    NoDataDirectory,

    /// A file or directory of the store could not be created, read or changed.
    #[error("could not {action} {path}: {source}")]
    Io {
        /// What was being done, e.g. "create the store directory".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },

    /// The store path exists but is not a directory.
    #[error("{path} is not a directory, so it cannot hold a connection store")]
    NotADirectory {
        /// The path given as the store directory.
        path: PathBuf,
    },

    /// The store directory or one of its files is open to other users, or belongs to another user. The store
    /// holds secrets, so it is not used until that is fixed; nothing was read or written.
    #[error("{path} {problem}; the store holds secrets, so host-sim will not use it until {fix}")]
    Insecure {
        /// The directory or file.
        path: PathBuf,
        /// What is wrong, e.g. "can be read or written by other users (mode 0755)".
        problem: String,
        /// What to do, e.g. "it is mode 0700 (chmod 700 …)".
        fix: String,
    },

    /// The database file is not a SQLite database, or fails SQLite's consistency check. It was left exactly
    /// as it was.
    #[error(
        "the connection store {path} is damaged ({detail}); it was left untouched: restore it from a backup, or move it away to start an empty store"
    )]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite found.
        detail: String,
    },

    /// The database file is a SQLite database of some other program. It was left exactly as it was.
    #[error(
        "{path} is a SQLite database but not a host-sim connection store ({detail}); it was left untouched"
    )]
    NotAStore {
        /// The database file.
        path: PathBuf,
        /// What gave it away.
        detail: String,
    },

    /// The store was written by a newer host-sim, whose format this one does not know. It was left exactly
    /// as it was.
    #[error(
        "this store was written by a newer host-sim (schema {found}); this one understands up to {supported}: {path} was left untouched"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: u32,
        /// The newest schema version this host-sim knows.
        supported: u32,
    },

    /// Another process held the store's write lock for longer than the busy timeout.
    #[error(
        "the connection store {path} stayed locked by another process for {seconds} s; nothing was changed, try again"
    )]
    Busy {
        /// The database file.
        path: PathBuf,
        /// How long host-sim waited.
        seconds: u64,
    },

    /// SQLite could not switch the database to write-ahead logging, which the store needs so that processes
    /// never lose each other's writes (it fails on file systems without shared memory, such as some network
    /// shares).
    #[error(
        "SQLite could not use write-ahead logging for {path} (it stayed in {mode} mode); keep the store on a local file system"
    )]
    NoWal {
        /// The database file.
        path: PathBuf,
        /// The journal mode SQLite kept.
        mode: String,
    },

    /// SQLite failed for another reason (a full disk, an I/O error).
    #[error("the connection store {path}: {source}")]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },

    /// A connection name that the store does not accept.
    #[error("{name:?} cannot name a connection: {reason}")]
    InvalidName {
        /// The name given.
        name: String,
        /// Which rule it breaks.
        reason: &'static str,
    },

    /// A connection of that name exists already (and the caller did not ask to replace it).
    #[error("a connection named {name:?} already exists in {path}")]
    NameTaken {
        /// The name asked for.
        name: String,
        /// The database file.
        path: PathBuf,
    },

    /// No connection of that name.
    #[error("there is no connection named {name:?} in {path}")]
    NotFound {
        /// The name asked for.
        name: String,
        /// The database file.
        path: PathBuf,
    },

    /// The connection has no secret for that field.
    #[error("the connection {name:?} keeps no secret for the field {field:?} (in {path})")]
    SecretNotFound {
        /// The connection.
        name: String,
        /// The field asked for.
        field: String,
        /// The database file.
        path: PathBuf,
    },

    /// A field was given both in the settings and as a secret: settings are shown, so a secret value must
    /// never be kept among them.
    #[error(
        "the field {field:?} of the connection {name:?} is a secret, so it cannot also be kept in its settings (settings are shown; secrets are not)"
    )]
    SecretInSettings {
        /// The connection.
        name: String,
        /// The field.
        field: String,
    },

    /// A secret field name that the store does not accept.
    #[error("{field:?} cannot name a secret field: {reason}")]
    InvalidField {
        /// The field name given.
        field: String,
        /// Which rule it breaks.
        reason: &'static str,
    },

    /// The plugin's path is not valid UTF-8; the store keeps paths as text.
    #[error(
        "the plugin path {path} is not valid UTF-8, which the connection store needs to keep it"
    )]
    PathNotUtf8 {
        /// The path.
        path: PathBuf,
    },
}

/// SQLite's error for the database at `path`: a damaged file becomes [`StoreError::Corrupt`], a lock held past
/// [`BUSY_TIMEOUT`] becomes [`StoreError::Busy`].
pub fn from_sqlite(path: &Path, error: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match error.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::Corrupt {
            path,
            detail: "it is not a SQLite database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path,
            detail: error.to_string(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
            path,
            seconds: BUSY_TIMEOUT.as_secs(),
        },
        _ => StoreError::Database {
            path,
            source: error,
        },
    }
}

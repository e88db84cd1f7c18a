//! The connection store: the connections host-sim has saved, each with its plugin, settings document and
//! secrets, in one SQLite database in one owner-only directory.
//!
//! ```no_run
//! use host_sim::store::{NewConnection, PluginInfo, Secret, Store};
//!
//! let mut store = Store::open_default()?;
//! let mut settings = serde_json::Map::new();
//! settings.insert("tenant_id".into(), "6f1c2b3a-0000-4000-8000-000000000001".into());
//! store.add(&NewConnection {
//!     name: "Contoso".into(),
//!     plugin: PluginInfo {
//!         path: "target/debug/libm365_connector.so".into(),
//!         name: "m365".into(),
//!         version: "0.1.0".into(),
//!     },
//!     settings,
//!     secrets: [("certificate_pem".to_owned(), Secret::from("-----BEGIN CERTIFICATE-----…"))].into(),
//! })?;
//! for connection in store.list()? {
//!     // Secrets are masked in everything but `Store::secret` and `Store::secrets`.
//!     println!("{} uses {} {}", connection.name, connection.plugin.name, connection.plugin.version);
//! }
//! let pem = store.secret("Contoso", "certificate_pem")?; // to pass back to the plugin
//! # let _ = pem;
//! # Ok::<(), host_sim::store::StoreError>(())
//! ```
//!
//! **On disk.** The directory is mode 0700 and the database `store.sqlite` (with SQLite's `-wal` and `-shm`
//! files beside it while it is open) mode 0600, created so from the start, whatever the umask. A new store is
//! built under a temporary name and then given its name, so no process ever sees a half-made one. The secret
//! values live in the same database, in a table of their own: one file to protect, and one transaction
//! covers a connection's settings and its secrets together, so a crash can never leave new settings with an
//! old key or the reverse. A store directory or file open to other users, or owned by another, is refused.
//!
//! **Safety of the data.** Every change is one `BEGIN IMMEDIATE` transaction in write-ahead-log mode
//! ([`Store::change`] groups several), so a killed process leaves the previous store and concurrent
//! processes never lose each other's writes. A file is first opened read-only and checked (`quick_check`,
//! schema version): a damaged file, another program's database or a store of a newer host-sim is reported
//! by path and never written. Older stores are migrated. Connection names are unique ignoring ASCII case.
//!
//! **Secrets.** A [`Secret`] has no `Display`, a masked `Debug`, and zeroes its memory on drop. Listings
//! ([`Store::list`], [`Store::get`]) carry [`MaskedSecret`]s; only [`Store::secret`] and
//! [`Store::secrets`] return values. Deleted values are overwritten with zeros in the database file
//! (`secure_delete`). Out of reach: the copies SQLite makes in its own memory, and older versions of pages
//! left in the write-ahead log file until SQLite reuses or deletes it (it deletes it when the last process
//! closes the store); both stay owner-only.

mod change;
mod create;
mod error;
mod files;
mod handle;
mod probe;
mod record;
mod schema;
mod secret;
mod sqlite;

pub use crate::store::change::Change;
pub use crate::store::error::{BUSY_TIMEOUT, StoreError};
pub use crate::store::files::DATABASE_FILE;
pub use crate::store::handle::Store;
pub use crate::store::record::{Connection, MAX_NAME_CHARS, NewConnection, PluginInfo, check_name};
pub use crate::store::schema::SCHEMA_VERSION;
pub use crate::store::secret::{MASK, MaskedSecret, Secret};

//! [`Plugin`]: a connector plugin's library, loaded once per process and shared by every handle of its
//! file, shut down and unloaded when the last handle goes.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use connector_abi::StatusCode;

use crate::plugin::error::LoadError;
use crate::plugin::loader::Loaded;

/// A loaded connector plugin. Every `Plugin` of one file in a process shares one loaded library (a plugin's
/// state is per process, whatever the number of handles): when the last of them is dropped, the plugin's
/// `shutdown` is called (unless [`Plugin::shutdown`] was called already) and the library is unloaded, or left
/// loaded when shutdown did not succeed.
pub struct Plugin {
    path: PathBuf,
    loaded: Arc<Loaded>,
}

/// The libraries this process loaded, by canonical path, so that a second `Plugin::load` of one file shares
/// the first's library instead of shutting it down under the first when it is dropped.
static LOADED: Mutex<Vec<(PathBuf, Weak<Loaded>)>> = Mutex::new(Vec::new());

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("path", &self.path)
            .field("abi_major", &self.loaded.abi_major)
            .field("abi_minor", &self.loaded.abi_minor)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    /// Loads the connector plugin at `path`: checks its ABI version and function table. A file this process
    /// already loaded (and still holds) is shared, not loaded again.
    pub fn load(path: impl AsRef<Path>) -> Result<Plugin, LoadError> {
        let given = path.as_ref().to_path_buf();
        if !given.is_file() {
            return Err(LoadError::NotFound { path: given });
        }
        // An absolute path, so that the dynamic loader never searches its library path for a bare name.
        let absolute = given.canonicalize().map_err(|_| LoadError::NotFound {
            path: given.clone(),
        })?;
        let mut registry = LOADED.lock().unwrap_or_else(PoisonError::into_inner);
        registry.retain(|(_, loaded)| loaded.strong_count() > 0);
        if let Some(loaded) = registry
            .iter()
            .find(|(path, _)| *path == absolute)
            .and_then(|(_, loaded)| loaded.upgrade())
        {
            return Ok(Plugin {
                path: given,
                loaded,
            });
        }
        let loaded = Arc::new(Loaded::open(&given, &absolute)?);
        registry.push((absolute, Arc::downgrade(&loaded)));
        Ok(Plugin {
            path: given,
            loaded,
        })
    }

    /// The path the plugin was loaded from, as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The plugin's ABI version, `(major, minor)`, as its function table reports it.
    pub fn abi_version(&self) -> (u16, u16) {
        (self.loaded.abi_major, self.loaded.abi_minor)
    }

    /// Stops the plugin's background threads, for every handle of this library in the process: later
    /// sessions are refused with `SHUT_DOWN`. Call it after every session was dropped; later calls return the
    /// status of the first. Dropping the last handle calls it when nobody did.
    pub fn shutdown(&self) -> StatusCode {
        self.loaded.shutdown()
    }

    /// The loaded library.
    pub(super) fn loaded(&self) -> &Loaded {
        &self.loaded
    }
}

#[cfg(test)]
mod tests {
    use super::Plugin;
    use crate::plugin::error::LoadError;

    #[test]
    fn a_missing_file_is_reported_by_its_path() {
        let error = Plugin::load("/nonexistent/libnothing.so").unwrap_err();
        assert!(matches!(error, LoadError::NotFound { .. }));
        assert_eq!(
            error.to_string(),
            "plugin /nonexistent/libnothing.so: no such file"
        );
    }

    #[test]
    fn a_file_that_is_not_a_library_is_refused() {
        let dir = std::env::temp_dir().join(format!("host-sim-plugin-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("libtext.so");
        std::fs::write(&path, "not an ELF file\n").unwrap();
        let error = Plugin::load(&path).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(matches!(error, LoadError::NotALibrary { .. }), "{error}");
        assert!(
            error
                .to_string()
                .contains("cannot be loaded as a shared library"),
            "{error}"
        );
    }
}

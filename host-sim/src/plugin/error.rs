//! Why a plugin could not be loaded, why a call produced no result document, and why a session was not
//! created. Each message names what is wrong in a sentence a person at the terminal reads.

use std::path::PathBuf;

use connector_abi::{CONNECTOR_ABI_VERSION_MAJOR, StatusCode};
use serde_json::Value;

/// Why a plugin could not be loaded. Each message names the plugin file and says what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The path does not name an existing file.
    #[error("plugin {}: no such file", .path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The operating system could not load the file as a shared library.
    #[error("plugin {}: cannot be loaded as a shared library: {reason}", .path.display())]
    NotALibrary {
        /// The path given.
        path: PathBuf,
        /// The loader's explanation.
        reason: String,
    },
    /// The library loaded but does not export the connector version query.
    #[error(
        "{} is not a connector plugin: it does not export `{symbol}`",
        .path.display()
    )]
    NotAConnector {
        /// The path given.
        path: PathBuf,
        /// The symbol that is missing.
        symbol: &'static str,
    },
    /// The plugin speaks another major version of the ABI.
    #[error(
        "plugin {} speaks connector ABI {major}.{minor}; this host speaks {host_major}.x",
        .path.display(),
        host_major = CONNECTOR_ABI_VERSION_MAJOR
    )]
    AbiMismatch {
        /// The path given.
        path: PathBuf,
        /// The plugin's ABI major version.
        major: u16,
        /// The plugin's ABI minor version.
        minor: u16,
    },
    /// The plugin exports the version query but its function table is missing or malformed.
    #[error("plugin {}: {problem}", .path.display())]
    BadTable {
        /// The path given.
        path: PathBuf,
        /// What is wrong with the table.
        problem: String,
    },
}

/// Why an operation call could not produce a result document.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// An input document contained a NUL byte, which a C string cannot carry.
    #[error("the {operation} input contains a NUL byte")]
    NulInInput {
        /// The operation called.
        operation: &'static str,
    },
    /// The plugin returned a status but no result document.
    #[error("the plugin returned {status} from {operation} without a result document")]
    NoDocument {
        /// The operation called.
        operation: &'static str,
        /// The status it returned.
        status: StatusCode,
    },
    /// The plugin returned a result document that is not UTF-8 JSON.
    #[error(
        "the plugin returned {status} from {operation} with a result document that is not JSON: {reason}"
    )]
    BadDocument {
        /// The operation called.
        operation: &'static str,
        /// The status it returned.
        status: StatusCode,
        /// What is wrong with the document.
        reason: String,
    },
}

/// Why a session could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The plugin refused to create the session; its result document says why.
    #[error("the plugin refused to create a session: {status}")]
    Refused {
        /// The status `session_new` returned.
        status: StatusCode,
        /// The result document it wrote.
        document: Value,
    },
    /// The call itself failed.
    #[error(transparent)]
    Call(#[from] CallError),
}

#[cfg(test)]
mod tests {
    use super::LoadError;

    #[test]
    fn an_abi_mismatch_names_both_versions() {
        let error = LoadError::AbiMismatch {
            path: "libfuture.so".into(),
            major: 2,
            minor: 0,
        };
        assert_eq!(
            error.to_string(),
            "plugin libfuture.so speaks connector ABI 2.0; this host speaks 1.x"
        );
    }
}

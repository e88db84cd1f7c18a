//! The build products the tests run from outside (the plugin library and host-sim), found beside the test
//! binary and refused when older than their sources, so no test ever runs a stale build.
//!
//! `cargo test` builds neither the cdylib nor other packages' binaries, so these tests need `cargo build`
//! first (the README's test command, `cargo build --workspace && cargo test --workspace`, does it). Shared by
//! the root package's tests and host-sim's (`#[path = "../../tests/artifacts/mod.rs"]`), so both check
//! freshness the same way.
#![allow(dead_code)] // each test binary uses part of this module

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The workspace root: the nearest directory above the including package's manifest whose `Cargo.toml`
/// declares the workspace.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| {
            fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
        })
        .expect("the package lives inside the workspace")
        .to_path_buf()
}

/// `target/<profile>`: the directory of this test binary's `deps/`, so `CARGO_TARGET_DIR` and the profile
/// are both honoured.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// The newest modification time of the given files and of the Rust sources (`*.rs`) under the given
/// directories. Only what a change of forces cargo to rebuild counts, so a touched fixture never makes a
/// fresh build look stale.
fn newest(paths: &[PathBuf]) -> SystemTime {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut pending: Vec<(PathBuf, bool)> = paths.iter().map(|path| (path.clone(), true)).collect();
    while let Some((path, named)) = pending.pop() {
        let Ok(metadata) = fs::metadata(&path) else {
            continue;
        };
        if metadata.is_dir() {
            if let Ok(entries) = fs::read_dir(&path) {
                pending.extend(
                    entries.filter_map(|entry| entry.ok().map(|entry| (entry.path(), false))),
                );
            }
        } else if (named || path.extension() == Some(OsStr::new("rs")))
            && let Ok(modified) = metadata.modified()
        {
            newest = newest.max(modified);
        }
    }
    newest
}

/// A build product in `target/<profile>` that must exist and be newer than its sources (paths from the
/// workspace root).
pub fn fresh_artifact(name: &str, sources: &[&str]) -> PathBuf {
    let path = profile_dir().join(name);
    let built = fs::metadata(&path)
        .and_then(|metadata| metadata.modified())
        .unwrap_or_else(|_| {
            panic!(
                "{} is missing: run `cargo build --workspace` first (the README's test command does)",
                path.display()
            )
        });
    let root = root();
    let sources: Vec<PathBuf> = sources.iter().map(|source| root.join(source)).collect();
    assert!(
        built >= newest(&sources),
        "{} is older than its sources: run `cargo build --workspace` first (the README's test command does)",
        path.display()
    );
    path
}

/// The plugin library just built.
pub fn plugin() -> PathBuf {
    fresh_artifact(
        "libm365_connector.so",
        &["connector", "build.rs", "cbindgen.toml"],
    )
}

/// The host-sim binary just built.
pub fn host_sim() -> PathBuf {
    fresh_artifact("host-sim", &["host-sim/src", "connector/abi/src"])
}

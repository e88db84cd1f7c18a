//! Native programs the tests build and run: scratch directories, the C compiler, running a command and
//! reading its output, and printing past the test harness's capture.
#![allow(dead_code)] // each test binary uses part of this module

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

use crate::artifacts::root;

/// A fresh scratch directory for one test's build outputs, under Cargo's temporary directory for tests.
pub fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hosts-{test}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

pub fn fixtures() -> PathBuf {
    root().join("tests/fixtures/settings")
}

/// Runs a command, failing with its output when it cannot start.
pub fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"))
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether `program` can be found on PATH.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A C compiler: `$CC`, else `cc`.
pub fn c_compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".to_owned())
}

/// Compiles C sources, failing with the compiler's messages.
pub fn compile_c(args: &[&OsStr]) {
    let output = run(Command::new(c_compiler()).args(args));
    assert!(
        output.status.success(),
        "the C compiler failed ({}):\n{}{}",
        c_compiler(),
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// Writes a line to the real standard error, past the test harness's capture, so a reader of the test
/// output sees it even when the test passes.
pub fn loud(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Builds the C host `tests/c/<source>.c` against the committed header into `output`, strictly
/// (`-std=c11 -Wall -Wextra -Wpedantic -Werror`, debug info), with `flags` added (sanitizers, optimisation).
pub fn build_c_host(source: &str, output: &std::path::Path, flags: &[&str]) {
    let include = root().join("include");
    let source = root().join(format!("tests/c/{source}.c"));
    let mut args: Vec<&OsStr> = [
        "-std=c11",
        "-Wall",
        "-Wextra",
        "-Wpedantic",
        "-Werror",
        "-g",
    ]
    .iter()
    .chain(flags)
    .map(OsStr::new)
    .collect();
    args.extend([
        OsStr::new("-I"),
        include.as_os_str(),
        source.as_os_str(),
        OsStr::new("-o"),
        output.as_os_str(),
        OsStr::new("-ldl"),
    ]);
    compile_c(&args);
}

//! The plugin's memory as a C host sees it: `tests/c/memcheck.c` loads the freshly built library and runs
//! under valgrind's memcheck over many describe/configure/free cycles and over one network flow against
//! tenant-sim (sign-in, provision, consent, test, remove), with no definite or indirect leak and no invalid read or write;
//! `shutdown` then `dlclose` (and loading the library again) does not crash; and the resident memory over
//! 10,000 calls is measured and printed (the assertion's bound is generous: the figure is the point).
//!
//! valgrind is installed by `.ci/run`; without it these tests say SKIPPED loudly, and fail when `CI` is set.

mod artifacts;
mod native;
mod plugin_host;
mod tenant;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::artifacts::plugin;
use crate::native::{build_c_host, fixtures, loud, on_path, run, scratch, text};

/// Builds `tests/c/memcheck.c` (no sanitizer: valgrind does the checking) into `dir`.
fn memcheck_host(dir: &Path) -> PathBuf {
    let host = dir.join("memcheck");
    build_c_host("memcheck", &host, &["-O1"]);
    host
}

/// valgrind, or `None` after saying loudly that the test did not run (a failure when `CI` is set).
fn valgrind(test: &str) -> Option<PathBuf> {
    match on_path("valgrind") {
        Some(valgrind) => Some(valgrind),
        None => {
            let message = format!("SKIPPED: valgrind is not installed; {test} did NOT run");
            assert!(std::env::var_os("CI").is_none(), "{message} (CI is set)");
            loud(&message);
            None
        }
    }
}

/// The memcheck summary lines of a run: errors, and each kind of leak.
fn summary(output: &Output) -> String {
    text(&output.stderr)
        .lines()
        .filter(|line| {
            [
                "ERROR SUMMARY",
                "definitely lost",
                "indirectly lost",
                "possibly lost",
                "still reachable",
                "All heap blocks",
                "Invalid read",
                "Invalid write",
            ]
            .iter()
            .any(|marker| line.contains(marker))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the memcheck host under valgrind with leak checking for definite and indirect leaks; asserts the
/// host's checks passed and valgrind found no error.
fn under_memcheck(valgrind: &Path, host: &Path, args: &[&OsStr], what: &str) {
    let output = run(Command::new(valgrind)
        .args([
            "--tool=memcheck",
            "--error-exitcode=99",
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
            "--num-callers=30",
        ])
        .arg(host)
        .args(args));
    let stdout = text(&output.stdout);
    let summary = summary(&output);
    loud(&format!("valgrind memcheck, {what}:\n{stdout}{summary}"));
    assert!(
        output.status.success(),
        "{what} under valgrind failed ({}):\n{stdout}{}",
        output.status,
        text(&output.stderr)
    );
    assert!(stdout.contains("\nPASS: 0 failed"), "{stdout}");
    assert!(
        summary.contains("ERROR SUMMARY: 0 errors"),
        "valgrind reported errors:\n{}",
        text(&output.stderr)
    );
}

#[test]
fn valgrind_finds_no_leak_and_no_invalid_access_over_many_cycles() {
    let Some(valgrind) = valgrind("the valgrind cycles test") else {
        return;
    };
    let plugin = plugin();
    let dir = scratch("memcheck-cycles");
    let host = memcheck_host(&dir);
    under_memcheck(
        &valgrind,
        &host,
        &[
            plugin.as_os_str(),
            OsStr::new("cycles"),
            fixtures().as_os_str(),
            OsStr::new("50"),
        ],
        "50 rounds of session_new, describe, configure (4 kinds), provision, cancel and session_free",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn valgrind_finds_no_leak_and_no_invalid_access_in_a_network_flow() {
    let Some(valgrind) = valgrind("the valgrind network flow test") else {
        return;
    };
    let plugin = plugin();
    let dir = scratch("memcheck-flow");
    let host = memcheck_host(&dir);
    let tenant = tenant::start_with(tenant::quick_knobs(), tenant_sim::SeedOptions::default());
    let before = tenant.object_counts();
    let settings = dir.join("settings.json");
    std::fs::write(
        &settings,
        tenant::settings(
            &tenant,
            serde_json::json!({"application_name": "Memcheck Sync"}),
        ),
    )
    .unwrap();
    under_memcheck(
        &valgrind,
        &host,
        &[plugin.as_os_str(), OsStr::new("flow"), settings.as_os_str()],
        "sign-in, provision, consent, test and remove against tenant-sim",
    );
    let after = tenant.object_counts();
    assert_eq!(
        (
            after.applications,
            after.service_principals,
            after.role_assignments
        ),
        (
            before.applications,
            before.service_principals,
            before.role_assignments
        ),
        "the flow removed the application, its service principal and its role assignments"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn shutdown_then_dlclose_and_a_second_load_do_not_crash() {
    let plugin = plugin();
    let dir = scratch("memcheck-unload");
    let host = memcheck_host(&dir);
    let fixtures = fixtures();
    let args = [
        plugin.as_os_str(),
        OsStr::new("unload"),
        fixtures.as_os_str(),
    ];
    let output = run(Command::new(&host).args(args));
    let stdout = text(&output.stdout);
    loud(&format!("unload after shutdown:\n{stdout}"));
    assert!(
        output.status.success() && stdout.contains("\nPASS: 0 failed"),
        "({}):\n{stdout}{}",
        output.status,
        text(&output.stderr)
    );
    if let Some(valgrind) = valgrind("the valgrind unload test") {
        // No leak check here: an unloaded library's statics are unreachable by design. Any invalid access,
        // say a plugin thread still running after the unmap, is an error.
        let output = run(Command::new(valgrind)
            .args(["--tool=memcheck", "--error-exitcode=99", "--leak-check=no"])
            .arg(&host)
            .args(args));
        let summary = summary(&output);
        loud(&format!("valgrind, unload after shutdown:\n{summary}"));
        assert!(
            output.status.success() && summary.contains("ERROR SUMMARY: 0 errors"),
            "({}):\n{}{}",
            output.status,
            text(&output.stdout),
            text(&output.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `name value` line of the memcheck host's output.
fn figure(stdout: &str, name: &str) -> i64 {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} line in:\n{stdout}"))
}

#[test]
fn resident_memory_stays_flat_over_ten_thousand_calls() {
    let plugin = plugin();
    let dir = scratch("memcheck-rss");
    let host = memcheck_host(&dir);
    let output = run(Command::new(&host).args([
        plugin.as_os_str(),
        OsStr::new("rss"),
        fixtures().as_os_str(),
        OsStr::new("10000"),
    ]));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let (start, end) = (
        figure(&stdout, "rss-start-kb"),
        figure(&stdout, "rss-end-kb"),
    );
    loud(&format!(
        "RSS over 10,000 calls (describe and configure alternately, after 1,000 warm-up calls): {start} kB -> \
         {end} kB ({:+} kB)",
        end - start
    ));
    // Generous: a leak of one small document per call (10,000 × ~10 kB) would exceed it several times.
    assert!(
        end - start < 8 * 1024,
        "RSS grew from {start} kB to {end} kB over 10,000 calls"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

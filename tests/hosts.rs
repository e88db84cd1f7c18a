//! The plugin seen from its hosts: the C host (under AddressSanitizer and UBSan), the C# host (mcs + mono) and
//! host-sim each load the freshly built `libm365_connector.so` by path and call it through the C ABI alone.
//!
//! `cargo test` does not build the cdylib nor other packages' binaries, so these tests need `cargo build`
//! (the README's test command, `cargo build --workspace && cargo test --workspace`, does it first). They
//! refuse a library or host-sim older than their sources rather than test a stale one (`artifacts`).

mod artifacts;
mod native;

use std::ffi::OsStr;
use std::fs;
use std::mem::size_of;
use std::path::{Path, PathBuf};
use std::process::Command;

use connector_abi::ConnectorApi;

use crate::artifacts::{host_sim, plugin, root};
use crate::native::{build_c_host, compile_c, fixtures, loud, on_path, run, scratch, text};

#[test]
fn the_c_host_passes_under_address_sanitizer() {
    let plugin = plugin();
    let dir = scratch("c-host");
    let host = dir.join("host");
    build_c_host(
        "host",
        &host,
        &["-fsanitize=address,undefined", "-fno-omit-frame-pointer"],
    );

    // Prove AddressSanitizer is in the executable, not only asked for.
    let symbols = run(Command::new("nm").arg(&host));
    assert!(
        text(&symbols.stdout).contains("__asan_init"),
        "the C host was built without AddressSanitizer (nm shows no __asan_init)"
    );

    let output = run(Command::new(&host)
        .arg(&plugin)
        .arg(fixtures())
        // Leak detection stays on; any ASan or UBSan report fails the run.
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=86",
        )
        .env(
            "UBSAN_OPTIONS",
            "halt_on_error=1:print_stacktrace=1:exitcode=87",
        ));
    let stdout = text(&output.stdout);
    loud(&format!("C host (AddressSanitizer, UBSan):\n{stdout}"));
    assert!(
        output.status.success(),
        "the C host failed ({}):\n{stdout}{}",
        output.status,
        text(&output.stderr)
    );
    assert!(stdout.contains("\nPASS: "), "no summary line:\n{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    // The host forces a plugin panic: it reaches the host as a document and an event, never on stderr.
    let stderr = text(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the plugin printed its panic:\n{stderr}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// Builds one of the fake plugins in `tests/c/` as a shared library in `dir`.
fn fake_plugin(dir: &Path, source: &str) -> PathBuf {
    let library = dir.join(format!("lib{source}.so"));
    compile_c(&[
        OsStr::new("-std=c11"),
        OsStr::new("-Wall"),
        OsStr::new("-Wextra"),
        OsStr::new("-Werror"),
        OsStr::new("-shared"),
        OsStr::new("-fPIC"),
        root().join(format!("tests/c/{source}.c")).as_os_str(),
        OsStr::new("-o"),
        library.as_os_str(),
    ]);
    library
}

#[test]
fn host_sim_refuses_a_plugin_of_another_abi_major_version() {
    let host_sim = host_sim();
    let dir = scratch("wrong-major");
    let fake = fake_plugin(&dir, "fake_wrong_major");
    let output = run(Command::new(&host_sim)
        .arg("describe")
        .arg("--plugin")
        .arg(&fake));
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        format!(
            "host-sim: plugin {} speaks connector ABI 2.0; this host speaks 1.x\n",
            fake.display()
        )
    );
    assert!(output.stdout.is_empty(), "{output:?}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn host_sim_refuses_a_library_that_is_not_a_connector() {
    let host_sim = host_sim();
    let dir = scratch("not-a-connector");
    let fake = fake_plugin(&dir, "not_a_connector");
    let output = run(Command::new(&host_sim)
        .arg("describe")
        .arg("--plugin")
        .arg(&fake));
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        format!(
            "host-sim: {} is not a connector plugin: it does not export `connector_abi_version`\n",
            fake.display()
        )
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn host_sim_refuses_a_function_table_smaller_than_it_needs() {
    let host_sim = host_sim();
    let dir = scratch("small-table");
    let fake = fake_plugin(&dir, "fake_small_table");
    let output = run(Command::new(&host_sim)
        .arg("describe")
        .arg("--plugin")
        .arg(&fake));
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        format!(
            "host-sim: plugin {}: its function table is 8 bytes; this host needs at least {} \
             (connector ABI 1.0)\n",
            fake.display(),
            size_of::<ConnectorApi>()
        )
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn host_sim_refuses_a_missing_plugin_file() {
    let host_sim = host_sim();
    let missing = scratch("missing").join("libnothing.so");
    let output = run(Command::new(&host_sim)
        .arg("describe")
        .arg("--plugin")
        .arg(&missing));
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    assert_eq!(
        text(&output.stderr),
        format!("host-sim: plugin {}: no such file\n", missing.display())
    );
}

#[test]
fn host_sim_describe_shows_the_settings_and_what_will_be_requested() {
    let output = run(Command::new(host_sim())
        .arg("describe")
        .arg("--plugin")
        .arg(plugin()));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    for expected in [
        // The schema, as the admin reads it: groups, labels with names, types, choices and conditions.
        "Tenant ID [tenant_id]",
        "GUID",
        "shown and required when",
        "Azure application name [application_name]",
        // What the connector will ask for.
        "Directory Writers",
        "Exchange Administrator",
        "User Administrator",
        "User.Read",
        "Exchange.ManageAsApp",
    ] {
        assert!(
            stdout.contains(expected),
            "describe does not show {expected:?}:\n{stdout}"
        );
    }

    let json = run(Command::new(host_sim())
        .arg("describe")
        .arg("--plugin")
        .arg(plugin())
        .arg("--json"));
    assert!(json.status.success(), "{json:?}");
    let document: serde_json::Value =
        serde_json::from_slice(&json.stdout).expect("describe --json prints a JSON document");
    assert_eq!(document["operation"], "describe");
    assert_eq!(document["ok"], true);
}

#[test]
fn host_sim_validate_says_valid_settings_are_valid() {
    let output = run(Command::new(host_sim())
        .arg("validate")
        .arg("--plugin")
        .arg(plugin())
        .arg("--settings")
        .arg(fixtures().join("auto-one-directory.json")));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.starts_with("settings are valid\n"), "{stdout}");
    assert!(
        stdout.contains("Azure application name (application_name): \"Identity Sync\""),
        "{stdout}"
    );
}

#[test]
fn host_sim_validate_lists_each_field_error_beside_its_label() {
    let settings = fixtures().join("several-directories-bad-tenant.json");
    let output = run(Command::new(host_sim())
        .arg("validate")
        .arg("--plugin")
        .arg(plugin())
        .arg("--settings")
        .arg(&settings));
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stdout.starts_with("settings are not valid\n"), "{stdout}");
    assert!(stdout.contains("\n  Tenant ID (tenant_id): "), "{stdout}");
    assert!(
        stdout.contains("\n  Azure application name (application_name): "),
        "{stdout}"
    );
    assert_eq!(
        text(&output.stderr),
        format!(
            "host-sim: the settings in {} are not valid\n",
            settings.display()
        )
    );
}

#[test]
fn host_sim_validate_passes_malformed_json_to_the_plugin_which_says_where() {
    let dir = scratch("malformed-settings");
    let settings = dir.join("settings.json");
    fs::write(
        &settings,
        "{\n  \"settings_version\": 2,\n  \"mode\": \"auto\",\n",
    )
    .unwrap();
    let output = run(Command::new(host_sim())
        .arg("validate")
        .arg("--plugin")
        .arg(plugin())
        .arg("--settings")
        .arg(&settings));
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(stdout.starts_with("settings are not valid\n"), "{stdout}");
    assert!(stdout.contains("INVALID_JSON (2)]"), "{stdout}");
    // The document ends after the line break of line 3: the position is the end of that line.
    assert!(stdout.contains("\n  at line 3, column 18\n"), "{stdout}");

    let missing = dir.join("missing.json");
    let output = run(Command::new(host_sim())
        .arg("validate")
        .arg("--plugin")
        .arg(plugin())
        .arg("--settings")
        .arg(&missing));
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        text(&output.stderr).starts_with(&format!(
            "host-sim: cannot read settings file {}: ",
            missing.display()
        )),
        "{output:?}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn host_sim_validate_migrates_version_1_settings() {
    let output = run(Command::new(host_sim())
        .arg("validate")
        .arg("--plugin")
        .arg(plugin())
        .arg("--settings")
        .arg(fixtures().join("manual-v1.json")));
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    assert!(stdout.starts_with("settings are valid\n"), "{stdout}");
    assert!(stdout.contains("[settings_migrated]"), "{stdout}");
    assert!(stdout.contains("  settings_version: 3\n"), "{stdout}");
}

#[test]
fn the_csharp_host_passes() {
    let plugin = plugin();
    let (Some(mcs), Some(mono)) = (on_path("mcs"), on_path("mono")) else {
        let message = "the C# host test needs `mcs` and `mono` (Debian: apt-get install mono-mcs mono-runtime)";
        let in_ci =
            std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0");
        assert!(!in_ci, "CI is set and {message}: .ci/run installs them");
        loud(&format!("SKIPPED: {message}; the C# host did NOT run"));
        return;
    };
    let dir = scratch("csharp-host");
    let exe = dir.join("Host.exe");
    let mut out_arg = std::ffi::OsString::from("-out:");
    out_arg.push(&exe);
    let output = run(Command::new(mcs)
        .arg("-langversion:7")
        .arg("-warnaserror")
        .arg(out_arg)
        .arg(root().join("include/M365Connector.cs"))
        .arg(root().join("tests/csharp/Host.cs")));
    assert!(
        output.status.success(),
        "mcs failed:\n{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );

    let output = run(Command::new(mono).arg(&exe).arg(&plugin).arg(fixtures()));
    let stdout = text(&output.stdout);
    loud(&format!("C# host (mono):\n{stdout}"));
    assert!(
        output.status.success(),
        "the C# host failed ({}):\n{stdout}{}",
        output.status,
        text(&output.stderr)
    );
    assert!(stdout.contains("\nPASS: "), "no summary line:\n{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let stderr = text(&output.stderr);
    assert!(
        !stderr.contains("panicked"),
        "the plugin printed its panic:\n{stderr}"
    );

    // The binding refuses what host-sim refuses, with the same messages.
    for (source, expected) in [
        (
            "fake_wrong_major",
            "plugin {} speaks connector ABI 2.0; this host speaks 1.x",
        ),
        (
            "not_a_connector",
            "{} is not a connector plugin: it does not export `connector_abi_version`",
        ),
        (
            "fake_small_table",
            "plugin {}: its function table is 8 bytes; this host needs at least {size} (connector ABI 1.0)",
        ),
    ] {
        let fake = fake_plugin(&dir, source);
        let expected = expected
            .replace("{}", &fake.display().to_string())
            .replace("{size}", &size_of::<ConnectorApi>().to_string());
        let output = run(Command::new(on_path("mono").expect("mono was found above"))
            .arg(&exe)
            .arg("--refuses")
            .arg(&fake)
            .arg(&expected));
        let stdout = text(&output.stdout);
        loud(&stdout);
        assert!(
            output.status.success(),
            "the C# binding did not refuse {source}:\n{stdout}"
        );
    }
    let _ = fs::remove_dir_all(&dir);
}

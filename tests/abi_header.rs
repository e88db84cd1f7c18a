//! The committed header `include/m365_connector.h` is exactly what build.rs generates from the Rust sources,
//! and it compiles as C11 and C++17 with every warning an error, agreeing with Rust on the layout.

use std::mem::{offset_of, size_of};
use std::path::Path;
use std::process::Command;

use connector_abi::{CONNECTOR_API_FUNCTIONS, ConnectorApi};

/// The command that brings the committed header up to date (also in the header's own preamble).
const UPDATE_COMMAND: &str = "M365_UPDATE_HEADER=1 cargo build -p m365-connector";

fn committed_header() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("include")
        .join("m365_connector.h");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}); create it with `{UPDATE_COMMAND}`",
            path.display()
        )
    })
}

fn generated_header() -> String {
    let path = env!("M365_CONNECTOR_GENERATED_HEADER");
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the generated header {path} is missing: {e}"))
}

#[test]
fn the_committed_header_is_up_to_date() {
    let (committed, generated) = (committed_header(), generated_header());
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(c, g)| c != g)
            .map_or_else(
                || committed.lines().count().min(generated.lines().count()) + 1,
                |index| index + 1,
            );
        panic!(
            "include/m365_connector.h differs from the header generated from the Rust sources (first difference at \
             line {line}: committed {:?}, generated {:?}).\nAn exported signature or a #[repr(C)] type changed. \
             Update the committed header with:\n\n    {UPDATE_COMMAND}\n\nand review the change: it is the ABI \
             hosts see.",
            committed.lines().nth(line - 1).unwrap_or("<end of file>"),
            generated.lines().nth(line - 1).unwrap_or("<end of file>"),
        );
    }
}

/// A translation unit that includes the header twice (the include guard), uses its declarations, and checks
/// at compile time that the C layout of the function table is the Rust one.
fn probe_source() -> String {
    let fields = [
        ("struct_size", offset_of!(ConnectorApi, struct_size)),
        ("abi_major", offset_of!(ConnectorApi, abi_major)),
        ("abi_minor", offset_of!(ConnectorApi, abi_minor)),
    ];
    let offsets: String = fields
        .iter()
        .chain(CONNECTOR_API_FUNCTIONS.iter())
        .map(|(field, offset)| {
            format!("CHECK(offsetof(ConnectorApi, {field}) == {offset}, \"offset of {field}\");\n")
        })
        .collect();
    format!(
        r#"#include "m365_connector.h"
#include "m365_connector.h"
#include <stddef.h>
#ifdef __cplusplus
#define CHECK(cond, what) static_assert(cond, what)
#else
#define CHECK(cond, what) _Static_assert(cond, what)
#endif
CHECK(sizeof(ConnectorApi) == {size}, "size of ConnectorApi");
CHECK(sizeof(ConnectorStatus) == 4, "size of ConnectorStatus");
CHECK(CONNECTOR_STATUS_OK == 0 && CONNECTOR_STATUS_BUSY == 4 && CONNECTOR_STATUS_PANIC == 99, "status values");
CHECK(CONNECTOR_ABI_VERSION == ((uint32_t)CONNECTOR_ABI_VERSION_MAJOR << 16 | CONNECTOR_ABI_VERSION_MINOR), "version");
{offsets}
static void on_event(void *user_data, const char *event_json) {{ (void)user_data; (void)event_json; }}
int probe(void);
int probe(void) {{
    const ConnectorApi *api = connector_entry();
    ConnectorSession *session = NULL;
    char *result = NULL;
    ConnectorEventFn callback = on_event;
    ConnectorStatus status = api->session_new(NULL, callback, NULL, &session, &result);
    api->document_free(result);
    if (status != CONNECTOR_STATUS_OK) return 1;
    status = api->describe(session, &result);
    api->document_free(result);
    api->session_free(session);
    return (int)status + (int)(connector_abi_version() >> 16) - CONNECTOR_ABI_VERSION_MAJOR;
}}
"#,
        size = size_of::<ConnectorApi>(),
    )
}

fn compile(compiler: &str, standard: &str, file_name: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let source = dir.path().join(file_name);
    std::fs::write(&source, probe_source()).unwrap();
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("include");
    let output = Command::new(compiler)
        .args([standard, "-Wall", "-Wextra", "-Werror", "-pedantic", "-c"])
        .arg("-I")
        .arg(&include)
        .arg(&source)
        .arg("-o")
        .arg(dir.path().join("probe.o"))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run the {compiler} compiler ({e}); install a C/C++ toolchain (gcc, g++)")
        });
    assert!(
        output.status.success(),
        "include/m365_connector.h does not compile with `{compiler} {standard} -Wall -Wextra -Werror -pedantic`:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_header_compiles_as_c11() {
    compile("cc", "-std=c11", "probe.c");
}

#[test]
fn the_header_compiles_as_cpp17() {
    compile("c++", "-std=c++17", "probe.cpp");
}

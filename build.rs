//! Generates the C header `m365_connector.h` with cbindgen into `OUT_DIR`.
//!
//! The committed copy lives in `include/`; `tests/abi_header.rs` compares the two. Setting
//! `M365_UPDATE_HEADER=1` for a build also writes the generated header over the committed copy.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let crate_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    for watched in ["build.rs", "cbindgen.toml", "connector", "Cargo.toml"] {
        println!(
            "cargo:rerun-if-changed={}",
            crate_dir.join(watched).display()
        );
    }
    println!("cargo:rerun-if-env-changed=M365_UPDATE_HEADER");

    let mut config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("cbindgen.toml is invalid: {e}"));
    // cbindgen does not emit the constants of a dependency, so the version macros are written from the abi
    // crate's constants here: the header can never disagree with them.
    let versions = format!(
        "\n\n/** The ABI major version this header describes. A host refuses a plugin with another major. */\n\
         #define CONNECTOR_ABI_VERSION_MAJOR {major}\n\
         /** The ABI minor version this header describes. Minor versions only append to ConnectorApi. */\n\
         #define CONNECTOR_ABI_VERSION_MINOR {minor}\n\
         /** The packed ABI version, `major << 16 | minor`, as `connector_abi_version()` returns it. */\n\
         #define CONNECTOR_ABI_VERSION ((uint32_t){major} << 16 | (uint32_t){minor})\n\
         /** The name of the exported version query. */\n\
         #define CONNECTOR_ABI_VERSION_SYMBOL \"{version_symbol}\"\n\
         /** The name of the exported entry returning the function table. */\n\
         #define CONNECTOR_ENTRY_SYMBOL \"{entry_symbol}\"",
        major = connector_abi::CONNECTOR_ABI_VERSION_MAJOR,
        minor = connector_abi::CONNECTOR_ABI_VERSION_MINOR,
        version_symbol = connector_abi::CONNECTOR_ABI_VERSION_SYMBOL,
        entry_symbol = connector_abi::CONNECTOR_ENTRY_SYMBOL,
    );
    config.after_includes = Some(config.after_includes.unwrap_or_default() + &versions);
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .unwrap_or_else(|e| panic!("cbindgen could not generate the header: {e}"));
    let generated = out_dir.join("m365_connector.h");
    bindings.write_to_file(&generated);
    println!(
        "cargo:rustc-env=M365_CONNECTOR_GENERATED_HEADER={}",
        generated.display()
    );

    if env::var_os("M365_UPDATE_HEADER").is_some_and(|v| v == "1") {
        let committed = crate_dir.join("include").join("m365_connector.h");
        fs::copy(&generated, &committed)
            .unwrap_or_else(|e| panic!("could not update {}: {e}", committed.display()));
    }
}

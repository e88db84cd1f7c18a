//! The C# binding (`include/M365Connector.cs`, written by hand) against the generated C header: the status
//! enum, the function table's layout, the function pointer signatures and the version constants must be
//! the header's, so the third view of the contract cannot drift from the other two. Read as text, so this
//! runs without a C# compiler.

use std::path::Path;

/// A file of the repository.
fn read(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between the line that contains `start` and the next line that is `end` (trimmed).
fn block<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|line| !line.contains(start))
        .skip(1)
        .take_while(|line| line.trim() != end)
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//") && !line.starts_with('*'))
        .filter(|line| !line.starts_with("/**") && !line.starts_with("*/") && *line != "{")
        .collect()
}

/// `InvalidArgument` as `INVALID_ARGUMENT`.
fn screaming_snake(pascal: &str) -> String {
    let mut out = String::new();
    for c in pascal.chars() {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// `struct_size` as `StructSize`, `options_json` as `optionsJson` (with `upper` false).
fn camel(snake: &str, upper: bool) -> String {
    let mut out = String::new();
    for (index, part) in snake.split('_').enumerate() {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if index > 0 || upper {
                out.push(first.to_ascii_uppercase());
            } else {
                out.push(first);
            }
            out.extend(chars);
        }
    }
    out
}

/// The header's statuses: `(NAME, value)` in order.
fn header_statuses(header: &str) -> Vec<(String, u32)> {
    header
        .lines()
        .filter_map(|line| line.trim().strip_prefix("CONNECTOR_STATUS_"))
        .map(|rest| {
            let (name, value) = rest.trim_end_matches(',').split_once(" = ").unwrap();
            (name.to_owned(), value.parse().unwrap())
        })
        .collect()
}

/// The C# enum's statuses, named as the header names them.
fn csharp_statuses(binding: &str) -> Vec<(String, u32)> {
    block(binding, "public enum ConnectorStatus : uint", "}")
        .into_iter()
        .filter(|line| !line.starts_with("///"))
        .map(|line| {
            let (name, value) = line.trim_end_matches(',').split_once(" = ").unwrap();
            (screaming_snake(name), value.parse().unwrap())
        })
        .collect()
}

#[test]
fn the_status_enum_is_the_headers() {
    let (header, binding) = (
        read("include/m365_connector.h"),
        read("include/M365Connector.cs"),
    );
    let statuses = header_statuses(&header);
    assert_eq!(statuses.len(), 20, "the header's statuses were not found");
    assert_eq!(
        csharp_statuses(&binding),
        statuses,
        "include/M365Connector.cs's ConnectorStatus differs from the header's (names and values, in order)"
    );
}

#[test]
fn the_function_table_is_laid_out_as_the_header_says() {
    let (header, binding) = (
        read("include/m365_connector.h"),
        read("include/M365Connector.cs"),
    );
    // C: `  uint32_t struct_size;`, `  ConnectorSessionNewFn session_new;` … inside `typedef struct { … } ConnectorApi;`.
    let c_fields: Vec<(String, String)> =
        block(&header, " * The plugin's function table", "} ConnectorApi;")
            .into_iter()
            .filter(|line| line.ends_with(';'))
            .map(|line| {
                let (c_type, name) = line.trim_end_matches(';').rsplit_once(' ').unwrap();
                let cs_type = match c_type {
                    "uint32_t" => "uint",
                    "uint16_t" => "ushort",
                    pointer if pointer.starts_with("Connector") && pointer.ends_with("Fn") => {
                        "IntPtr"
                    }
                    other => panic!("a field type the binding has no rule for: {other}"),
                };
                (cs_type.to_owned(), camel(name, true))
            })
            .collect();
    assert_eq!(
        c_fields.len(),
        15,
        "the header's ConnectorApi fields were not found"
    );
    let struct_at = binding
        .find("internal struct ConnectorApiNative")
        .expect("the binding declares ConnectorApiNative");
    assert!(
        binding[..struct_at]
            .trim_end()
            .ends_with("[StructLayout(LayoutKind.Sequential)]"),
        "ConnectorApiNative must have sequential layout, as C structs do"
    );
    let cs_fields: Vec<(String, String)> =
        block(&binding, "internal struct ConnectorApiNative", "}")
            .into_iter()
            .map(|line| {
                let mut words = line.trim_end_matches(';').split_whitespace();
                assert_eq!(words.next(), Some("public"), "{line}");
                (
                    words.next().unwrap().to_owned(),
                    words.next().unwrap().to_owned(),
                )
            })
            .collect();
    assert_eq!(
        cs_fields, c_fields,
        "ConnectorApiNative differs from the header's ConnectorApi"
    );
}

#[test]
fn the_function_pointers_have_the_headers_signatures() {
    let (header, binding) = (
        read("include/m365_connector.h"),
        read("include/M365Connector.cs"),
    );
    // C: `typedef RET (*ConnectorXFn)(TYPE name, …);`, possibly over several lines.
    let flat = header.replace('\n', " ");
    let mut checked = 0;
    for typedef in flat.split("typedef ").skip(1) {
        let Some((ret, rest)) = typedef.split_once(" (*") else {
            continue;
        };
        let (name, rest) = rest.split_once(")(").unwrap();
        let parameters: Vec<String> = rest
            .split_once(");")
            .unwrap()
            .0
            .split(',')
            .map(str::trim)
            .filter(|p| *p != "void")
            .map(|p| camel(p.rsplit(['*', ' ']).next().unwrap(), false))
            .collect();
        let cs_name = name.strip_prefix("Connector").unwrap();
        let declaration = binding
            .lines()
            .skip_while(|line| {
                !line.contains(" delegate ") || !line.contains(&format!(" {cs_name}("))
            })
            .take_while(|line| !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !declaration.is_empty(),
            "the binding has no delegate {cs_name}"
        );
        let cs_ret = declaration
            .split(" delegate ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap();
        let expected_ret = if ret.trim() == "void" { "void" } else { "uint" };
        assert_eq!(cs_ret, expected_ret, "{cs_name} returns {ret}");
        let cs_parameters: Vec<String> = declaration
            .split_once(&format!("{cs_name}("))
            .unwrap()
            .1
            .split_once(");")
            .unwrap()
            .0
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.rsplit(' ').next().unwrap().to_owned())
            .collect();
        assert_eq!(
            cs_parameters, parameters,
            "{cs_name}'s parameters differ from {name}'s"
        );
        checked += 1;
    }
    assert_eq!(
        checked, 8,
        "the header's function pointer typedefs were not all found"
    );
}

#[test]
fn the_version_constants_are_the_headers() {
    let (header, binding) = (
        read("include/m365_connector.h"),
        read("include/M365Connector.cs"),
    );
    let macro_value = |name: &str| {
        header
            .lines()
            .find_map(|line| line.strip_prefix(&format!("#define {name} ")))
            .unwrap_or_else(|| panic!("the header defines no {name}"))
            .to_owned()
    };
    let constant = |name: &str| {
        binding
            .lines()
            .find_map(|line| line.trim().split_once(&format!(" {name} = ")))
            .unwrap_or_else(|| panic!("the binding has no {name}"))
            .1
            .trim_end_matches(';')
            .to_owned()
    };
    for (c, cs) in [
        ("CONNECTOR_ABI_VERSION_MAJOR", "VersionMajor"),
        ("CONNECTOR_ABI_VERSION_MINOR", "VersionMinor"),
        ("CONNECTOR_ABI_VERSION_SYMBOL", "VersionSymbol"),
        ("CONNECTOR_ENTRY_SYMBOL", "EntrySymbol"),
    ] {
        assert_eq!(constant(cs), macro_value(c), "{cs} differs from {c}");
    }
}

//! `describe` and `configure` through the C function table, as a console would call them: what the wizard
//! shows, and the field errors it would display beside each field.

mod plugin_host;

use connector_abi::ConnectorStatus;
use serde_json::{Value, json};

use crate::plugin_host::{INPUT_OPERATIONS, Session};

fn configure(settings: Value) -> (ConnectorStatus, Value) {
    Session::new(None).call("configure", &settings.to_string())
}

/// The (field, code) pairs of a failed configure, in order.
fn field_errors(settings: Value) -> Vec<(String, String)> {
    let (status, result) = configure(settings);
    assert_eq!(status, ConnectorStatus::InvalidSettings, "{result}");
    assert_eq!(result["status"], "INVALID_SETTINGS");
    assert_eq!(result["ok"], false);
    assert_eq!(result["error"]["code"], "invalid_settings");
    result["error"]["fields"]
        .as_array()
        .expect("error.fields")
        .iter()
        .map(|f| {
            assert!(!f["message"].as_str().unwrap().is_empty(), "{f}");
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect()
}

fn field_message(settings: Value, field: &str) -> String {
    let (_, result) = configure(settings);
    let fields = result["error"]["fields"].as_array().unwrap();
    let found = fields
        .iter()
        .find(|f| f["field"] == field)
        .unwrap_or_else(|| panic!("no error on {field}"));
    found["message"].as_str().unwrap().to_owned()
}

const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

#[test]
fn several_directories_need_a_well_formed_tenant_id() {
    let settings = json!({"settings_version": 3, "tenant_mode": "several", "tenant_id": "72f988bf-86f1-41af-91ab", "application_name": "Sync"});
    assert_eq!(
        field_errors(settings.clone()),
        pairs(&[("tenant_id", "invalid_guid")])
    );
    assert_eq!(
        field_message(settings, "tenant_id"),
        "Tenant ID must be a GUID such as 8f3c2a91-4b7e-4d2a-9c1f-6e5b7a8d9c0e."
    );
}

#[test]
fn several_directories_need_a_tenant_id() {
    let settings =
        json!({"settings_version": 3, "tenant_mode": "several", "application_name": "Sync"});
    assert_eq!(
        field_errors(settings.clone()),
        pairs(&[("tenant_id", "required")])
    );
    assert_eq!(
        field_message(settings, "tenant_id"),
        "Tenant ID is required."
    );
}

#[test]
fn the_application_name_must_not_be_empty() {
    assert_eq!(
        field_errors(json!({"settings_version": 3, "application_name": "   "})),
        pairs(&[("application_name", "required")])
    );
    let long = "x".repeat(121);
    assert_eq!(
        field_errors(json!({"settings_version": 3, "application_name": long})),
        pairs(&[("application_name", "too_long")])
    );
}

#[test]
fn endpoint_overrides_must_use_https() {
    let settings = json!({
        "settings_version": 3, "application_name": "Sync", "cloud": "custom",
        "authority_host": "https://login.example.test", "graph_endpoint": "http://graph.example.test",
        "exchange_endpoint": "https://outlook.example.test"
    });
    assert_eq!(
        field_errors(settings.clone()),
        pairs(&[("graph_endpoint", "https_required")])
    );
    assert_eq!(
        field_message(settings, "graph_endpoint"),
        "Microsoft Graph endpoint must use https:// (not http://)."
    );
}

#[test]
fn unknown_fields_are_named() {
    let settings = json!({"settings_version": 3, "application_name": "Sync", "tenantid": TENANT});
    assert_eq!(
        field_errors(settings.clone()),
        pairs(&[("tenantid", "unknown_field")])
    );
    assert!(field_message(settings, "tenantid").contains("\"tenantid\" is not a setting"));
}

#[test]
fn wrong_json_types_are_field_errors() {
    assert_eq!(
        field_errors(
            json!({"settings_version": 3, "application_name": 42, "credential_lifetime_days": "365"})
        ),
        pairs(&[
            ("application_name", "wrong_type"),
            ("credential_lifetime_days", "wrong_type")
        ])
    );
    assert_eq!(
        field_errors(json!({"settings_version": "2", "application_name": "Sync"})),
        pairs(&[("settings_version", "wrong_type")])
    );
}

#[test]
fn settings_newer_than_the_connector_are_refused_by_name() {
    let settings = json!({"settings_version": 4, "application_name": "Sync"});
    assert_eq!(
        field_errors(settings.clone()),
        pairs(&[("settings_version", "unsupported_version")])
    );
    let message = field_message(settings, "settings_version");
    assert!(
        message.contains("version 4") && message.contains("version 3"),
        "{message}"
    );
}

#[test]
fn every_field_error_is_reported_at_once() {
    let errors = field_errors(json!({
        "settings_version": 3, "tenant_mode": "several", "tenant_id": "nope", "application_name": "",
        "authority_host": "http://login.example.test", "credential_lifetime_days": 0, "colour": "blue",
        "cloud": "mars", "extra_ca_pem": "not a certificate"
    }));
    assert_eq!(
        errors,
        pairs(&[
            ("colour", "unknown_field"),
            ("tenant_id", "invalid_guid"),
            ("cloud", "invalid_choice"),
            // Without a valid cloud there are no custom endpoints to override.
            ("authority_host", "custom_cloud_only"),
            ("extra_ca_pem", "invalid_pem"),
            ("application_name", "required"),
            ("credential_lifetime_days", "out_of_range"),
        ])
    );
}

#[test]
fn valid_settings_pass_with_defaults_filled_in() {
    let (status, result) = configure(json!({
        "settings_version": 3, "tenant_mode": "several", "tenant_id": TENANT.to_uppercase(),
        "application_name": "One Identity Sync", "cloud": "gcc_high"
    }));
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    assert_eq!(result["ok"], true);
    assert_eq!(result["operation"], "configure");
    assert_eq!(
        result["data"]["settings"],
        json!({
            "settings_version": 3, "mode": "auto", "tenant_mode": "several", "tenant_id": TENANT,
            "cloud": "gcc_high", "sign_in_method": "device_code",
            "client_id": "14d82eec-204b-4c2f-b7e8-296a70dab67e", "application_name": "One Identity Sync",
            "credential_type": "certificate", "credential_lifetime_days": 365,
            "certificate_renewal_days": 30, "admin_consent_method": "programmatic"
        })
    );
    assert_eq!(
        result["data"]["endpoints"]["authority_host"],
        "https://login.microsoftonline.us"
    );
    assert_eq!(
        result["data"]["endpoints"]["graph_resource"],
        "https://graph.microsoft.us"
    );
    assert_eq!(result["data"]["migrated_from"], Value::Null);
    assert_eq!(result["warnings"], json!([]));
}

#[test]
fn custom_endpoints_pass_with_an_extra_ca() {
    let (status, result) = configure(json!({
        "settings_version": 3, "application_name": "Sync", "cloud": "custom",
        "authority_host": "https://127.0.0.1:8443", "graph_endpoint": "https://127.0.0.1:8444/",
        "exchange_endpoint": "https://127.0.0.1:8445",
        "extra_ca_pem": include_str!("../connector/testdata/test-ca.pem")
    }));
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    assert_eq!(
        result["data"]["endpoints"]["graph_endpoint"],
        "https://127.0.0.1:8444"
    );
    // Endpoints move; the resource identifiers in scopes stay the worldwide cloud's.
    assert_eq!(
        result["data"]["endpoints"]["graph_resource"],
        "https://graph.microsoft.com"
    );
}

#[test]
fn version_1_settings_are_migrated_with_a_warning() {
    let (status, result) = configure(json!({
        "tenant_id": TENANT, "application_id": "0b7a2f4e-5d1c-4e8a-9f3b-2c6d8e0a1b4f",
        "certificate_thumbprint": "0123456789abcdef0123456789abcdef01234567", "environment": "GCCHigh"
    }));
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    assert_eq!(
        result["data"]["settings"],
        json!({
            "settings_version": 3, "mode": "manual", "tenant_id": TENANT, "cloud": "gcc_high",
            "application_id": "0b7a2f4e-5d1c-4e8a-9f3b-2c6d8e0a1b4f",
            "certificate_thumbprint": "0123456789ABCDEF0123456789ABCDEF01234567"
        })
    );
    assert_eq!(result["data"]["migrated_from"], 1);
    let codes: Vec<&str> = result["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["settings_migrated", "certificate_source_missing"]);
    assert!(
        result["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("migrated to version 3")
    );
}

#[test]
fn the_migrated_settings_configure_again_without_warning_of_migration() {
    let (_, first) = configure(
        json!({"tenant_id": TENANT, "application_id": TENANT, "certificate_thumbprint": "00".repeat(20), "environment": "AzureCloud"}),
    );
    let (status, second) = configure(first["data"]["settings"].clone());
    assert_eq!(status, ConnectorStatus::Ok, "{second}");
    assert_eq!(second["data"]["settings"], first["data"]["settings"]);
    assert_eq!(second["data"]["migrated_from"], Value::Null);
}

#[test]
fn a_private_key_in_the_settings_is_never_echoed() {
    let pem = format!(
        "{}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
        include_str!("../connector/testdata/test-ca.pem")
    );
    let (status, result) = configure(
        json!({"settings_version": 3, "application_name": "Sync", "certificate_pem": pem}),
    );
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    assert!(!result.to_string().contains("PRIVATE KEY"));
    assert_eq!(
        result["data"]["omitted_secrets"],
        json!(["certificate_pem"])
    );
}

#[test]
fn configure_reports_its_progress_as_events() {
    let session = Session::new(None);
    let (status, _) = session.call(
        "configure",
        r#"{"settings_version":3,"application_name":"Sync"}"#,
    );
    assert_eq!(status, ConnectorStatus::Ok);
    let events = session.events();
    assert_eq!(events.len(), 2, "{events:?}");
    for (event, phase) in events.iter().zip(["started", "finished"]) {
        assert_eq!(event["type"], "step");
        assert_eq!(event["operation"], "configure");
        assert_eq!(event["phase"], phase);
        assert!(event["time"].as_str().unwrap().ends_with('Z'));
    }
}

#[test]
fn describe_names_the_connector_and_its_abi() {
    let (status, result) = Session::new(None).describe();
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    let data = &result["data"];
    assert_eq!(data["name"], "m365");
    assert_eq!(data["display_name"], "Microsoft 365 Connector");
    assert_eq!(data["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(data["abi_version"], json!({"major": 1, "minor": 0}));
}

#[test]
fn describe_lists_the_wizard_steps_in_order() {
    let (_, result) = Session::new(None).describe();
    let steps: Vec<(&str, &str)> = result["data"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["label"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("mode", "Choose auto or manual configuration"),
            ("tenant", "Azure tenant"),
            ("sign_in", "Log in to Azure"),
            ("application", "Azure application"),
            ("provision", "Create or update Azure application"),
            ("consent", "Consent"),
            ("test", "Test connection"),
            ("finish", "Finish"),
        ]
    );
}

#[test]
fn describe_lists_the_exact_roles_and_permissions() {
    let (_, result) = Session::new(None).describe();
    let requests = &result["data"]["requests"];
    assert_eq!(
        requests["directory_roles"],
        json!([
            {"name": "Directory Writers", "id": "9360feb5-f418-4baa-8175-e2a00bac4301"},
            {"name": "Exchange Administrator", "id": "29232cdf-9323-42fd-ade2-1d097af3e4de"},
            {"name": "User Administrator", "id": "fe930be7-5e62-47db-91af-98c3a49a38b1"}
        ])
    );
    assert_eq!(
        requests["permissions"],
        json!([
            {
                "resource": {"name": "Microsoft Graph", "app_id": "00000003-0000-0000-c000-000000000000"},
                "name": "User.Read", "display_name": "Sign in and read user profile",
                "id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "delegated", "admin_consent_required": true
            },
            {
                "resource": {"name": "Office 365 Exchange Online", "app_id": "00000002-0000-0ff1-ce00-000000000000"},
                "name": "Exchange.ManageAsApp", "display_name": "Manage Exchange As Application",
                "id": "dc50a0fb-09a3-484d-be87-e023b12c6440", "type": "application", "admin_consent_required": true
            }
        ])
    );
}

#[test]
fn the_schema_renders_the_console_form() {
    let (_, result) = Session::new(None).describe();
    let schema = &result["data"]["settings_schema"];
    assert_eq!(schema["settings_version"], 3);
    let fields = schema["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "mode",
            "tenant_mode",
            "tenant_id",
            "cloud",
            "authority_host",
            "graph_endpoint",
            "exchange_endpoint",
            "extra_ca_pem",
            "sign_in_method",
            "client_id",
            "application_name",
            "application_id",
            "credential_type",
            "credential_lifetime_days",
            "certificate_renewal_days",
            "additional_permissions",
            "admin_consent_method",
            "client_secret",
            "certificate_thumbprint",
            "certificate_pem",
            "certificate_path",
            "certificate_password",
            "certificate_store"
        ]
    );
    let field = |name: &str| fields.iter().find(|f| f["name"] == name).unwrap().clone();
    let tenant_mode = field("tenant_mode");
    assert_eq!(
        tenant_mode["choices"][1]["label"],
        "I have more than one Azure AD in my Azure tenant"
    );
    let tenant_id = field("tenant_id");
    assert_eq!(tenant_id["type"], "guid");
    // Shown always: typed with several directories and in manual configuration, filled in by provision with
    // one directory (so that a connection test needs no sign-in).
    assert_eq!(tenant_id["visible"], true);
    assert_eq!(tenant_id["required"], false);
    assert_eq!(tenant_id["set_by"], "provision");
    assert_eq!(
        tenant_id["conditions"][0],
        json!({"when": {"field": "tenant_mode", "equals": "several"}, "visible": true, "required": true})
    );
    assert_eq!(field("graph_endpoint")["validation"]["scheme"], "https");
    assert_eq!(
        field("client_id")["default"],
        "14d82eec-204b-4c2f-b7e8-296a70dab67e"
    );
    assert!(
        field("client_id")["help"]
            .as_str()
            .unwrap()
            .contains("Register your own")
    );
    let lifetime = field("credential_lifetime_days");
    assert_eq!(
        (
            lifetime["default"].clone(),
            lifetime["validation"]["min"].clone(),
            lifetime["validation"]["max"].clone()
        ),
        (json!(365), json!(1), json!(730))
    );
    assert_eq!(field("application_name")["validation"]["max_length"], 120);
    assert_eq!(field("certificate_pem")["secret"], true);
    let cloud = field("cloud");
    let cloud_values: Vec<&str> = cloud["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        cloud_values,
        ["global", "gcc", "gcc_high", "dod", "china", "custom"]
    );
    let groups: Vec<&str> = schema["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for f in fields {
        assert!(groups.contains(&f["group"].as_str().unwrap()), "{f}");
    }
}

#[test]
fn the_held_certificate_gives_its_thumbprint_which_must_match() {
    let pem = format!(
        "{}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
        include_str!("../connector/testdata/test-ca.pem")
    );
    // Auto mode: the thumbprint is filled in from the certificate; the PEM itself is not echoed.
    let (status, result) = configure(
        json!({"settings_version": 3, "application_name": "Sync", "certificate_pem": pem}),
    );
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    let thumbprint = result["data"]["settings"]["certificate_thumbprint"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(thumbprint.len(), 40);
    assert_eq!(result["data"]["settings"].get("certificate_pem"), None);

    // Manual mode with that certificate: valid, and no warning about a missing certificate.
    let mut manual = json!({
        "settings_version": 3, "mode": "manual", "tenant_id": TENANT,
        "application_id": "0b7a2f4e-5d1c-4e8a-9f3b-2c6d8e0a1b4f", "certificate_pem": pem,
        "certificate_thumbprint": thumbprint.to_lowercase(),
    });
    let (status, result) = configure(manual.clone());
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    assert_eq!(result["warnings"], json!([]));

    manual["certificate_thumbprint"] = json!("AB".repeat(20));
    assert_eq!(
        field_errors(manual.clone()),
        pairs(&[("certificate_thumbprint", "thumbprint_mismatch")])
    );
    assert!(field_message(manual, "certificate_thumbprint").contains(&thumbprint));
}

// Hostile input: configure holds at every one of these, and says what is wrong without echoing it back.

#[test]
fn a_syntax_error_at_a_line_end_points_at_that_line_end() {
    let session = Session::new(None);
    let (status, result) = session.call(
        "configure",
        "{\n  \"settings_version\": 3,\n  \"application_name\": tru\n}",
    );
    assert_eq!(status, ConnectorStatus::InvalidJson, "{result}");
    // serde_json says "line 4 column 0"; the problem is the line break after `tru`, on line 3.
    assert_eq!(
        (
            result["error"]["line"].clone(),
            result["error"]["column"].clone()
        ),
        (json!(3), json!(26))
    );
    let (_, result) = session.call("configure", "{\n  \"settings_version\": 3,\n");
    assert_eq!(
        (
            result["error"]["line"].clone(),
            result["error"]["column"].clone()
        ),
        (json!(2), json!(25)),
        "{result}"
    );
    assert!(
        result["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("(line 2, column 25)."),
        "{result}"
    );
}

#[test]
fn a_setting_given_twice_is_refused_not_overwritten() {
    let (status, result) = Session::new(None).call(
        "configure",
        "{\"settings_version\": 3, \"application_name\": \"Sync\",\n \"application_name\": \"Other\"}",
    );
    assert_eq!(status, ConnectorStatus::InvalidJson, "{result}");
    assert_eq!(
        result["error"]["message"],
        "The settings document has the wrong shape: the member \"application_name\" is given twice \
         (line 2, column 19)."
    );
    assert_eq!(result["error"]["line"], 2);
}

#[test]
fn manual_mode_fills_an_empty_thumbprint_from_the_certificate() {
    let pem = format!(
        "{}-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
        include_str!("../connector/testdata/test-ca.pem")
    );
    let (_, auto) = configure(
        json!({"settings_version": 3, "application_name": "Sync", "certificate_pem": pem}),
    );
    let expected = auto["data"]["settings"]["certificate_thumbprint"].clone();
    assert_eq!(expected.as_str().map(str::len), Some(40), "{auto}");
    for empty in [json!(""), json!("   "), Value::Null] {
        let (status, result) = configure(json!({
            "settings_version": 3, "mode": "manual", "tenant_id": TENANT,
            "application_id": "0b7a2f4e-5d1c-4e8a-9f3b-2c6d8e0a1b4f",
            "certificate_thumbprint": empty, "certificate_pem": pem,
        }));
        assert_eq!(status, ConnectorStatus::Ok, "{result}");
        assert_eq!(
            result["data"]["settings"]["certificate_thumbprint"],
            expected
        );
    }
}

#[test]
fn urls_the_parser_would_rewrite_are_refused() {
    for (typed, why) in [
        ("https:///login.example.test", "an empty host"),
        ("https://login.example.test\\common", "a backslash"),
        ("https://login.example\r\n.test", "a line break"),
        ("https://login.example\t.test", "a tab"),
        ("https://LOGIN.example.test", "an upper-case host"),
        ("https://login.example.test:0", "port 0"),
        ("https://login.example.test:443", "the default port"),
    ] {
        let (status, result) = configure(json!({
            "settings_version": 3, "application_name": "Sync", "cloud": "custom",
            "authority_host": typed, "graph_endpoint": "https://graph.example.test",
            "exchange_endpoint": "https://outlook.example.test"
        }));
        assert_eq!(status, ConnectorStatus::InvalidSettings, "{why}: {result}");
        assert_eq!(
            result["error"]["fields"],
            json!([{"field": "authority_host", "code": "invalid_url",
                    "message": result["error"]["fields"][0]["message"]}]),
            "{why}"
        );
    }
}

#[test]
fn huge_values_and_member_names_come_back_as_short_errors() {
    let huge = "a".repeat(2 * 1024 * 1024);
    let (status, result) = configure(json!({
        "settings_version": 3, "application_name": "Sync", "cloud": "custom",
        "authority_host": format!("https://{huge}.test"), "graph_endpoint": "https://graph.example.test",
        "exchange_endpoint": "https://outlook.example.test"
    }));
    assert_eq!(status, ConnectorStatus::InvalidSettings);
    assert_eq!(result["error"]["fields"][0]["code"], "too_long");
    assert!(
        result.to_string().len() < 4096,
        "{} bytes",
        result.to_string().len()
    );

    let (status, result) = configure(json!({
        "settings_version": 3, "application_name": "Sync", &huge: "x", "certificate_path": huge.clone(),
    }));
    assert_eq!(status, ConnectorStatus::InvalidSettings);
    assert!(
        result.to_string().len() < 4096,
        "{} bytes",
        result.to_string().len()
    );
    let fields = result["error"]["fields"].as_array().unwrap();
    let unknown = fields
        .iter()
        .find(|f| f["code"] == "unknown_field")
        .unwrap();
    assert!(
        unknown["field"].as_str().unwrap().chars().count() <= 65,
        "{unknown}"
    );
    assert!(
        fields
            .iter()
            .any(|f| f["field"] == "certificate_path" && f["code"] == "too_long")
    );

    let (status, result) = configure(json!({"settings_version": 3, "application_name": huge}));
    assert_eq!(status, ConnectorStatus::InvalidSettings);
    assert_eq!(result["error"]["fields"][0]["code"], "too_long");
}

#[test]
fn the_application_name_refuses_control_and_direction_characters() {
    for name in [
        "Identity\nSync",
        "Identity\rSync",
        "Sync\u{0007}",
        "Sync \u{202E}cnyS",
        "\u{2067}Sync",
        "Sync\u{200F}",
    ] {
        let errors = field_errors(json!({"settings_version": 3, "application_name": name}));
        assert_eq!(
            errors,
            pairs(&[("application_name", "invalid_characters")]),
            "{name:?}"
        );
    }
    let (status, _) =
        configure(json!({"settings_version": 3, "application_name": "Identity Sync – Zürich"}));
    assert_eq!(status, ConnectorStatus::Ok);
}

#[test]
fn the_all_zero_tenant_id_is_refused() {
    let settings = json!({
        "settings_version": 3, "tenant_mode": "several", "application_name": "Sync",
        "tenant_id": "00000000-0000-0000-0000-000000000000"
    });
    assert_eq!(
        field_errors(settings.clone()),
        pairs(&[("tenant_id", "invalid_guid")])
    );
    assert!(field_message(settings, "tenant_id").contains("all-zero GUID"));
}

// Tokens go only where their cloud says: endpoints are overridden all together, under custom endpoints only.

#[test]
fn a_built_in_cloud_refuses_any_endpoint_override() {
    for cloud in ["global", "gcc", "gcc_high", "dod", "china"] {
        for field in ["authority_host", "graph_endpoint", "exchange_endpoint"] {
            let mut settings =
                json!({"settings_version": 3, "application_name": "Sync", "cloud": cloud});
            settings[field] = json!("https://attacker.example.test");
            assert_eq!(
                field_errors(settings.clone()),
                pairs(&[(field, "custom_cloud_only")]),
                "{cloud} {field}"
            );
            let message = field_message(settings, field);
            assert!(
                message.contains("can only be set when Tenant environment is \"Custom endpoints\"")
                    && message.contains("tokens are sent only to that cloud's services"),
                "{message}"
            );
        }
    }
}

#[test]
fn every_operation_refuses_a_lone_override_before_doing_anything() {
    let session = Session::new(None);
    let settings = json!({
        "settings_version": 3, "application_name": "Sync", "graph_endpoint": "https://graph.example.test"
    })
    .to_string();
    for operation in INPUT_OPERATIONS {
        let (status, result) = session.call(operation, &settings);
        assert_eq!(
            status,
            ConnectorStatus::InvalidSettings,
            "{operation}: {result}"
        );
        assert_eq!(result["error"]["fields"][0]["code"], "custom_cloud_only");
    }
}

#[test]
fn custom_endpoints_come_all_three_together() {
    let errors = field_errors(json!({
        "settings_version": 3, "application_name": "Sync", "cloud": "custom",
        "graph_endpoint": "https://graph.example.test"
    }));
    assert_eq!(
        errors,
        pairs(&[
            ("authority_host", "required"),
            ("exchange_endpoint", "required")
        ])
    );
    let message = field_message(
        json!({"settings_version": 3, "application_name": "Sync", "cloud": "custom"}),
        "exchange_endpoint",
    );
    assert_eq!(
        message,
        "Exchange Online endpoint is required when Tenant environment is \"Custom endpoints\": the sign-in, \
         Microsoft Graph and Exchange Online endpoints are given together."
    );
}

#[test]
fn custom_endpoints_are_named_in_a_warning_before_sign_in() {
    let (status, result) = configure(json!({
        "settings_version": 3, "application_name": "Sync", "cloud": "custom",
        "authority_host": "https://127.0.0.1:8443", "graph_endpoint": "https://127.0.0.1:8444",
        "exchange_endpoint": "https://127.0.0.1:8445"
    }));
    assert_eq!(status, ConnectorStatus::Ok, "{result}");
    let warnings = result["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{result}");
    assert_eq!(warnings[0]["code"], "endpoints_overridden");
    let message = warnings[0]["message"].as_str().unwrap();
    for named in [
        "Sign-in endpoint https://127.0.0.1:8443",
        "Microsoft Graph endpoint https://127.0.0.1:8444",
        "Exchange Online endpoint https://127.0.0.1:8445",
    ] {
        assert!(message.contains(named), "{message}");
    }
    assert_eq!(result["data"]["endpoints"]["cloud"], "custom");
}

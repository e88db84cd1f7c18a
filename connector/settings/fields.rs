//! The connector's settings schema: every field with its label, help, type, default, rules and conditions,
//! in the order a console shows them. `describe` publishes it and `configure` enforces it.

use crate::cloud::Cloud;
use crate::operation::Step;
use crate::settings::choices::{
    AdminConsentMethod, CertificateStore, CredentialType, Mode, SettingChoice, SignInMethod,
    TenantMode, choices_of,
};
use crate::settings::schema::{Field, FieldType, Group, Schema};

/// The settings format this connector writes and understands best.
pub const SETTINGS_VERSION: u64 = 3;

/// The public client the sign-in uses unless the settings name another: Microsoft Graph Command Line Tools.
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// Why an endpoint may only be set with custom endpoints.
const BUILTIN_CLOUDS_KEEP_THEIR_ENDPOINTS: &str = "a built-in cloud always uses its own sign-in, Microsoft \
     Graph and Exchange Online endpoints, so that an administrator's tokens are sent only to that cloud's \
     services";

/// Why custom endpoints need all three.
const CUSTOM_ENDPOINTS_COME_TOGETHER: &str =
    "the sign-in, Microsoft Graph and Exchange Online endpoints are given together";

/// The settings schema of this connector.
pub fn schema() -> Schema {
    use FieldType::{Choice as Choose, Guid, Integer, Path, Pem, Text, Url};
    let groups = vec![
        Group {
            name: "configuration",
            label: "Configuration",
            step: Step::Mode,
        },
        Group {
            name: "tenant",
            label: "Azure tenant",
            step: Step::Tenant,
        },
        Group {
            name: "sign_in",
            label: "Log in to Azure",
            step: Step::SignIn,
        },
        Group {
            name: "application",
            label: "Azure application",
            step: Step::Application,
        },
        Group {
            name: "certificate",
            label: "Certificate",
            step: Step::Application,
        },
    ];
    let endpoint = |name, label, help| {
        Field::new(name, label, Url, "tenant")
            .help(help)
            .hidden()
            .shown_and_required_when("cloud", Cloud::Custom.name())
            .refused_when_hidden("custom_cloud_only", BUILTIN_CLOUDS_KEEP_THEIR_ENDPOINTS)
            .required_because(CUSTOM_ENDPOINTS_COME_TOGETHER)
    };
    let fields = vec![
        Field::new("mode", "Configuration", Choose, "configuration")
            .help(
                "Auto configuration creates a new Azure application (or updates an existing one) for the \
                 connection; recommended for a new connection. Manual configuration uses an application you \
                 registered yourself.",
            )
            .required()
            .default_value(Mode::Auto.value())
            .choices(choices_of::<Mode>()),
        Field::new("tenant_mode", "Azure AD directories", Choose, "tenant")
            .help(
                "If you have more than one Azure AD in your Azure tenant, select the second option and enter \
                 the Tenant ID of the Azure AD to synchronize.",
            )
            .hidden()
            .default_value(TenantMode::One.value())
            .choices(choices_of::<TenantMode>())
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("tenant_id", "Tenant ID", Guid, "tenant")
            .help(
                "The GUID of the Azure AD (Microsoft Entra ID) directory to synchronize. You find it on the \
                 Overview page of Microsoft Entra ID in the Azure portal. Log in to Azure is possible only \
                 once this is a well-formed GUID. With one directory, Create or update Azure application fills \
                 it in (the directory the administrator signed in to), so that Test connection needs no sign-in.",
            )
            .set_by("provision")
            .shown_and_required_when("tenant_mode", TenantMode::Several.value())
            .shown_and_required_when("mode", Mode::Manual.value()),
        Field::new("cloud", "Tenant environment", Choose, "tenant")
            .help(
                "The Microsoft cloud your tenant lives in. Choose Custom endpoints to enter the sign-in, \
                 Microsoft Graph and Exchange Online hosts yourself (all three).",
            )
            .required()
            .default_value(Cloud::Global.name())
            .choices(choices_of::<Cloud>()),
        endpoint(
            "authority_host",
            "Sign-in endpoint",
            "The Microsoft Entra sign-in host, for example https://login.microsoftonline.com. Only with Custom \
             endpoints, where it is required. Must use https://.",
        ),
        endpoint(
            "graph_endpoint",
            "Microsoft Graph endpoint",
            "The Microsoft Graph host, for example https://graph.microsoft.com. Only with Custom endpoints, \
             where it is required. Must use https://.",
        ),
        endpoint(
            "exchange_endpoint",
            "Exchange Online endpoint",
            "The Exchange Online host, for example https://outlook.office365.com. Only with Custom endpoints, \
             where it is required. Must use https://.",
        ),
        Field::new("extra_ca_pem", "Additional trusted CA certificates", Pem, "tenant").help(
            "PEM certificates of certification authorities to trust in addition to the system's, for example \
             a TLS-inspecting proxy's CA. Leave empty when not needed.",
        ),
        Field::new("sign_in_method", "Sign-in method", Choose, "sign_in")
            .help(
                "How the administrator logs in to Azure: with a code entered at microsoft.com/devicelogin on any \
                 device, or in the system browser on this computer. Choose the browser when Conditional Access \
                 blocks device code sign-in.",
            )
            .hidden()
            .default_value(SignInMethod::DeviceCode.value())
            .choices(choices_of::<SignInMethod>())
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("client_id", "Sign-in client ID", Guid, "sign_in")
            .help(
                "The public client application used to log in to Azure. The default is Microsoft Graph Command \
                 Line Tools (14d82eec-204b-4c2f-b7e8-296a70dab67e). Register your own public client and enter \
                 its Application (client) ID when your organization blocks or restricts that application.",
            )
            .hidden()
            .default_value(DEFAULT_CLIENT_ID)
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("application_name", "Azure application name", Text, "application")
            .help(
                "The name of the new or existing Azure application the connection uses. Create or update Azure \
                 application creates it or brings an existing one up to date.",
            )
            .hidden()
            .length(1, 120)
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("application_id", "Application ID", Guid, "application")
            .help(
                "The Application (client) ID of the Azure application, from its Overview page in the Azure \
                 portal. In auto configuration, Create or update Azure application fills it in, and later runs \
                 find the application by it.",
            )
            .set_by("provision")
            .required_when("mode", Mode::Manual.value()),
        Field::new("credential_type", "Credentials", Choose, "application")
            .help(
                "What the connector creates for the application: a certificate, or a certificate and a client \
                 secret.",
            )
            .hidden()
            .default_value(CredentialType::Certificate.value())
            .choices(choices_of::<CredentialType>())
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("credential_lifetime_days", "Certificate lifetime (days)", Integer, "application")
            .help("How long a certificate the connector creates stays valid, in days (1 to 730).")
            .hidden()
            .default_value(365)
            .range(1, 730)
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("certificate_renewal_days", "Renew the certificate (days before it expires)", Integer, "application")
            .help(
                "Create or update Azure application adds a new certificate when the one the connection holds \
                 expires within this many days (1 to 365); the old one stays until the new one passed Test \
                 connection.",
            )
            .hidden()
            .default_value(30)
            .range(1, 365)
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("additional_permissions", "Additional permissions", Text, "application")
            .help(
                "Permissions the application needs beside the connector's own, one per line or separated by \
                 semicolons: \"<resource>: <permission> (delegated)\" or \"… (application)\", for example \
                 \"Microsoft Graph: Mail.Read (delegated)\". The resource is Microsoft Graph, Office 365 Exchange \
                 Online, another API's name, or its application ID. Consent grants them too.",
            )
            .hidden()
            .length(0, 8000)
            .permissions()
            .visible_when("mode", Mode::Auto.value()),
        Field::new("admin_consent_method", "Admin consent", Choose, "application")
            .help(
                "How the Consent step grants admin consent: from the connector, or on Entra ID's admin consent \
                 page in the browser (for organizations that require it). The browser method registers \
                 http://localhost as a redirect URI of the application.",
            )
            .hidden()
            .default_value(AdminConsentMethod::Programmatic.value())
            .choices(choices_of::<AdminConsentMethod>())
            .shown_and_required_when("mode", Mode::Auto.value()),
        Field::new("client_secret", "Client secret", Text, "application")
            .help(
                "The client secret the connection holds, when Credentials include one: Create or update Azure \
                 application hands it over once. The connector never returns or stores this value.",
            )
            .length(0, 1024)
            .secret(),
        Field::new("certificate_thumbprint", "Certificate thumbprint", Text, "certificate")
            .help(
                "The SHA-1 thumbprint of the certificate the connection signs in with (40 hexadecimal \
                 characters). Filled in after Create or update Azure application, or from Certificate and \
                 private key (PEM) when that is given; in manual configuration, the thumbprint of the \
                 certificate registered on your application.",
            )
            .thumbprint()
            .set_by("provision")
            .required_when("mode", Mode::Manual.value()),
        Field::new("certificate_pem", "Certificate and private key (PEM)", Pem, "certificate")
            .help(
                "The certificate and its private key as PEM text. The connector never returns or stores this \
                 value; keep it in the host's protected store.",
            )
            .certificate_with_key()
            .secret(),
        Field::new("certificate_path", "Certificate file", Path, "certificate").help(
            "The path of a PEM or PKCS#12 file holding the certificate and its private key, readable only by the \
             service account.",
        ),
        Field::new("certificate_password", "Certificate file password", Text, "certificate")
            .help("The password of the PKCS#12 certificate file, when it has one.")
            .length(0, 1024)
            .secret(),
        Field::new("certificate_store", "Certificate store (Windows)", Choose, "certificate")
            .help("On Windows, the certificate store that holds the certificate with the thumbprint above.")
            .choices(choices_of::<CertificateStore>()),
    ];
    Schema {
        settings_version: SETTINGS_VERSION,
        fields,
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::schema;
    use crate::operation::Step;
    use crate::settings::schema::{Check, FieldType};

    #[test]
    fn the_schema_is_consistent() {
        let schema = schema();
        for (index, field) in schema.fields.iter().enumerate() {
            assert!(
                schema.groups.iter().any(|g| g.name == field.group),
                "{} has no group",
                field.name
            );
            assert!(!field.help.is_empty(), "{} has no help", field.name);
            for condition in &field.conditions {
                let before = &schema.fields[..index];
                let tested = before.iter().find(|f| f.name == condition.when.field);
                let tested = tested.unwrap_or_else(|| panic!("{} refers forward", field.name));
                if let Some(choices) = &tested.choices {
                    assert!(
                        choices.iter().any(|c| c.value == condition.when.equals),
                        "{} tests a value {} does not have",
                        field.name,
                        tested.name
                    );
                }
            }
            if field.field_type != FieldType::Choice {
                assert!(field.choices.is_none(), "{} has choices", field.name);
            }
            // Free text has a published bound, so nothing is accepted at any length.
            if matches!(field.check, Check::Text | Check::HttpsUrl)
                || matches!(field.field_type, FieldType::Pem)
            {
                assert!(
                    field.validation.max_length.is_some(),
                    "{} has no max_length",
                    field.name
                );
            }
        }
    }

    #[test]
    fn every_field_belongs_to_exactly_one_step() {
        let schema = schema();
        for field in &schema.fields {
            let owners = Step::ALL
                .iter()
                .filter(|s| schema.fields_of(**s).contains(&field.name))
                .count();
            assert_eq!(owners, 1, "{} is collected in {owners} steps", field.name);
        }
        assert_eq!(
            schema.fields_of(Step::SignIn),
            ["sign_in_method", "client_id"]
        );
        assert!(schema.fields_of(Step::Consent).is_empty());
    }
}

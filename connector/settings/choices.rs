//! The values of the settings' choice fields as types: the schema lists its choices from these, and
//! [`crate::settings::Settings`] hands them back typed, so a choice is spelled in one place.

use crate::cloud::Cloud;
use crate::settings::schema::Choice;

/// A type whose values are the choices of one settings field.
pub trait SettingChoice: Copy + PartialEq + 'static {
    /// Every choice, in the order the schema lists them.
    const ALL: &'static [Self];

    /// The value stored in the settings.
    fn value(self) -> &'static str;

    /// What a console shows.
    fn label(self) -> &'static str;

    /// The choice stored as `value`.
    fn from_value(value: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|choice| choice.value() == value)
    }
}

/// The schema's choices of `C`.
pub(super) fn choices_of<C: SettingChoice>() -> impl Iterator<Item = Choice> {
    C::ALL.iter().map(|choice| Choice {
        value: choice.value(),
        label: choice.label(),
    })
}

/// Declares the type of a choice field: an enum whose variants are its choices, each with the value stored
/// in the settings and the label a console shows, in the order the schema lists them.
macro_rules! setting_choice {
    (
        $(#[$doc:meta])*
        $name:ident {
            $($(#[$variant_doc:meta])* $variant:ident => $value:literal, $label:literal;)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$variant_doc])* $variant,)+
        }

        impl SettingChoice for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn value(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }

            fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }
    };
}

setting_choice! {
    /// Auto configuration (the connector creates the application) or manual (an existing one).
    Mode {
        /// `auto`: the connector creates or updates the Azure application.
        Auto => "auto", "Auto configuration";
        /// `manual`: an application the organisation registered itself.
        Manual => "manual", "Manual configuration";
    }
}

setting_choice! {
    /// How many Entra ID directories the Azure tenant holds (auto configuration).
    TenantMode {
        /// `one`: sign in to `organizations` and learn the tenant from the sign-in.
        One => "one", "I have one Azure AD in my Azure tenant";
        /// `several`: sign in to the typed tenant id.
        Several => "several", "I have more than one Azure AD in my Azure tenant";
    }
}

setting_choice! {
    /// How the administrator signs in.
    SignInMethod {
        /// `device_code`: a code entered on any device.
        DeviceCode => "device_code", "Device code";
        /// `browser`: the system browser on this computer, with a loopback redirect.
        Browser => "browser", "Browser on this computer";
    }
}

setting_choice! {
    /// What credentials the connector creates for the application.
    CredentialType {
        /// `certificate`.
        Certificate => "certificate", "Certificate";
        /// `certificate_and_secret`: a certificate and a client secret.
        CertificateAndSecret => "certificate_and_secret", "Certificate and client secret";
    }
}

setting_choice! {
    /// How admin consent is granted in the Consent step.
    AdminConsentMethod {
        /// `programmatic`: the connector writes the grants through Microsoft Graph.
        Programmatic => "programmatic", "Grant consent from the connector";
        /// `browser`: the administrator accepts Entra ID's admin consent page in the browser.
        Browser => "browser", "Admin consent page in the browser";
    }
}

setting_choice! {
    /// The Windows certificate store that holds the connection's certificate.
    CertificateStore {
        /// `CurrentUser\My`.
        CurrentUser => "CurrentUser\\My", "Current user, Personal (CurrentUser\\My)";
        /// `LocalMachine\My`.
        LocalMachine => "LocalMachine\\My", "Local computer, Personal (LocalMachine\\My)";
    }
}

// The clouds' names and labels live with their endpoints.
impl SettingChoice for Cloud {
    const ALL: &'static [Cloud] = &Cloud::ALL;

    fn value(self) -> &'static str {
        self.name()
    }

    fn label(self) -> &'static str {
        Cloud::label(self)
    }
}

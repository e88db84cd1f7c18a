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

/// Auto configuration (the connector creates the application) or manual (an existing one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `auto`: the connector creates or updates the Azure application.
    Auto,
    /// `manual`: an application the organisation registered itself.
    Manual,
}

impl SettingChoice for Mode {
    const ALL: &'static [Mode] = &[Mode::Auto, Mode::Manual];

    fn value(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Manual => "manual",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Mode::Auto => "Auto configuration",
            Mode::Manual => "Manual configuration",
        }
    }
}

/// How many Entra ID directories the Azure tenant holds (auto configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantMode {
    /// `one`: sign in to `organizations` and learn the tenant from the sign-in.
    One,
    /// `several`: sign in to the typed tenant id.
    Several,
}

impl SettingChoice for TenantMode {
    const ALL: &'static [TenantMode] = &[TenantMode::One, TenantMode::Several];

    fn value(self) -> &'static str {
        match self {
            TenantMode::One => "one",
            TenantMode::Several => "several",
        }
    }

    fn label(self) -> &'static str {
        match self {
            TenantMode::One => "I have one Azure AD in my Azure tenant",
            TenantMode::Several => "I have more than one Azure AD in my Azure tenant",
        }
    }
}

/// How the administrator signs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    /// `device_code`: a code entered on any device.
    DeviceCode,
    /// `browser`: the system browser on this computer, with a loopback redirect.
    Browser,
}

impl SettingChoice for SignInMethod {
    const ALL: &'static [SignInMethod] = &[SignInMethod::DeviceCode, SignInMethod::Browser];

    fn value(self) -> &'static str {
        match self {
            SignInMethod::DeviceCode => "device_code",
            SignInMethod::Browser => "browser",
        }
    }

    fn label(self) -> &'static str {
        match self {
            SignInMethod::DeviceCode => "Device code",
            SignInMethod::Browser => "Browser on this computer",
        }
    }
}

/// What credentials the connector creates for the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialType {
    /// `certificate`.
    Certificate,
    /// `certificate_and_secret`: a certificate and a client secret.
    CertificateAndSecret,
}

impl SettingChoice for CredentialType {
    const ALL: &'static [CredentialType] = &[
        CredentialType::Certificate,
        CredentialType::CertificateAndSecret,
    ];

    fn value(self) -> &'static str {
        match self {
            CredentialType::Certificate => "certificate",
            CredentialType::CertificateAndSecret => "certificate_and_secret",
        }
    }

    fn label(self) -> &'static str {
        match self {
            CredentialType::Certificate => "Certificate",
            CredentialType::CertificateAndSecret => "Certificate and client secret",
        }
    }
}

/// The Windows certificate store that holds the connection's certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertificateStore {
    /// `CurrentUser\My`.
    CurrentUser,
    /// `LocalMachine\My`.
    LocalMachine,
}

impl SettingChoice for CertificateStore {
    const ALL: &'static [CertificateStore] = &[
        CertificateStore::CurrentUser,
        CertificateStore::LocalMachine,
    ];

    fn value(self) -> &'static str {
        match self {
            CertificateStore::CurrentUser => "CurrentUser\\My",
            CertificateStore::LocalMachine => "LocalMachine\\My",
        }
    }

    fn label(self) -> &'static str {
        match self {
            CertificateStore::CurrentUser => "Current user, Personal (CurrentUser\\My)",
            CertificateStore::LocalMachine => "Local computer, Personal (LocalMachine\\My)",
        }
    }
}

impl SettingChoice for Cloud {
    const ALL: &'static [Cloud] = &Cloud::ALL;

    fn value(self) -> &'static str {
        self.name()
    }

    fn label(self) -> &'static str {
        Cloud::label(self)
    }
}

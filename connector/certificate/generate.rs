//! A new self-signed certificate for an application's credential: an RSA key generated locally (aws-lc-rs,
//! through rcgen), `CN=<name>`, SHA-256 with RSA, key usage digitalSignature and extended key usage
//! clientAuth; handed over as PEM and as PKCS#12 for a Windows host.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, PKCS_RSA_SHA256,
};
use time::{Duration, OffsetDateTime, UtcOffset};
use zeroize::Zeroizing;

use crate::certificate::details::CertificateDetails;
use crate::certificate::error::CertificateError;
use crate::certificate::held::HeldCertificate;
use crate::certificate::pkcs12;
use crate::certificate::private_key::PrivateKey;
use crate::certificate::secret::{SecretBytes, SecretString};

/// The longest common name accepted (`ub-common-name`, RFC 5280 appendix A.1).
pub const MAX_COMMON_NAME_CHARS: usize = 64;
/// The longest lifetime accepted for a new certificate, in days (ten years).
pub const MAX_LIFETIME_DAYS: u32 = 3650;
/// How far before "now" the validity starts, so a signer whose clock is slightly behind accepts it.
pub const CLOCK_SKEW_ALLOWANCE: Duration = Duration::minutes(5);
/// Random bytes in a generated PKCS#12 password (144 bits, 24 base64url characters).
const PASSWORD_BYTES: usize = 18;

/// The RSA key size of a new certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RsaKeySize {
    /// 2048 bits, Microsoft Entra's minimum and the default.
    #[default]
    Rsa2048,
    /// 3072 bits.
    Rsa3072,
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// The common name: the subject becomes `CN=<common_name>`, and Windows shows it as the friendly name.
    pub common_name: String,
    /// How long the certificate is valid, in days from now (1 to [`MAX_LIFETIME_DAYS`]).
    pub lifetime_days: u32,
    /// The RSA key size.
    pub key_size: RsaKeySize,
}

impl GenerateOptions {
    /// Options for `CN=<common_name>`, valid `lifetime_days` days, with an RSA 2048 key.
    pub fn new(common_name: impl Into<String>, lifetime_days: u32) -> Self {
        Self {
            common_name: common_name.into(),
            lifetime_days,
            key_size: RsaKeySize::default(),
        }
    }
}

/// A newly generated certificate, in every form the host and Microsoft Graph need. `Debug` shows the public
/// parts only; the private key, PKCS#12 and password are zeroized on drop.
#[derive(Debug)]
pub struct GeneratedCertificate {
    /// DER, SHA-1 and SHA-256 thumbprints, validity and subject; [`CertificateDetails::key_base64`] is the
    /// `key` of Graph's `keyCredential`.
    pub details: CertificateDetails,
    /// The certificate as PEM (`-----BEGIN CERTIFICATE-----`).
    pub certificate_pem: String,
    /// The private key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub private_key_pem: SecretString,
    /// The certificate and key as a PKCS#12 file for a Windows host (see the `pkcs12` module).
    pub pkcs12: SecretBytes,
    /// The generated password of [`GeneratedCertificate::pkcs12`] (24 base64url characters).
    pub pkcs12_password: SecretString,
    /// The private key as PKCS#8 DER, for [`GeneratedCertificate::held`].
    pkcs8: SecretBytes,
}

impl GeneratedCertificate {
    /// The certificate with its key, ready to sign (e.g. the client assertion of a first test).
    pub fn held(&self) -> Result<HeldCertificate, CertificateError> {
        HeldCertificate::new(
            self.details.clone(),
            PrivateKey::from_pkcs8(self.pkcs8.expose())?,
        )
    }
}

/// Generates a self-signed certificate valid from `now` minus [`CLOCK_SKEW_ALLOWANCE`] until `now` plus
/// the lifetime (times are truncated to whole seconds, as X.509 stores them).
pub fn generate(
    options: &GenerateOptions,
    now: OffsetDateTime,
) -> Result<GeneratedCertificate, CertificateError> {
    let common_name = options.common_name.as_str();
    let length = common_name.chars().count();
    if length == 0 || length > MAX_COMMON_NAME_CHARS || common_name.chars().any(char::is_control) {
        return Err(CertificateError::InvalidCommonName {
            max: MAX_COMMON_NAME_CHARS,
        });
    }
    if !(1..=MAX_LIFETIME_DAYS).contains(&options.lifetime_days) {
        return Err(CertificateError::InvalidLifetime {
            days: options.lifetime_days,
            max: MAX_LIFETIME_DAYS,
        });
    }
    let generation = |error: rcgen::Error| CertificateError::Generation {
        reason: error.to_string(),
    };
    let key_size = match options.key_size {
        RsaKeySize::Rsa2048 => rcgen::RsaKeySize::_2048,
        RsaKeySize::Rsa3072 => rcgen::RsaKeySize::_3072,
    };
    let key_pair =
        Zeroizing::new(KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, key_size).map_err(generation)?);

    let now = now
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(now);
    let mut params = CertificateParams::default();
    let mut subject = DistinguishedName::new();
    subject.push(DnType::CommonName, common_name);
    params.distinguished_name = subject;
    params.not_before = now - CLOCK_SKEW_ALLOWANCE;
    params.not_after = now + Duration::days(i64::from(options.lifetime_days));
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let certificate = params.self_signed(&*key_pair).map_err(generation)?;

    let details = CertificateDetails::from_der(certificate.der())?;
    let pkcs8 = SecretBytes::new(key_pair.serialize_der());
    let password = generate_password()?;
    let local_key_id =
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &details.der);
    let pkcs12 = pkcs12::write::write(
        &pkcs12::write::Pkcs12Input {
            certificate_der: &details.der,
            pkcs8: pkcs8.expose(),
            friendly_name: common_name,
            local_key_id: local_key_id.as_ref(),
        },
        password.expose(),
    )?;
    Ok(GeneratedCertificate {
        certificate_pem: certificate.pem(),
        private_key_pem: SecretString::new(key_pair.serialize_pem()),
        pkcs12: SecretBytes::new(pkcs12),
        pkcs12_password: password,
        pkcs8,
        details,
    })
}

/// A random PKCS#12 password of base64url characters, which every shell and dialog accepts.
fn generate_password() -> Result<SecretString, CertificateError> {
    let mut bytes = Zeroizing::new([0u8; PASSWORD_BYTES]);
    SystemRandom::new()
        .fill(&mut *bytes)
        .map_err(|_| CertificateError::Generation {
            reason: "the system random number generator failed".to_owned(),
        })?;
    Ok(SecretString::new(URL_SAFE_NO_PAD.encode(&bytes[..])))
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
    use time::{Duration, OffsetDateTime, macros::datetime};

    use crate::certificate::details::thumbprint;
    use crate::certificate::error::CertificateError;
    use crate::certificate::generate::{GenerateOptions, MAX_LIFETIME_DAYS, RsaKeySize, generate};
    use crate::certificate::held::HeldCertificate;

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:34:56.789 UTC);

    #[test]
    fn a_certificate_is_self_signed_rsa_for_client_authentication() {
        let generated =
            generate(&GenerateOptions::new("m365-connector contoso", 365), NOW).unwrap();
        let details = &generated.details;
        assert_eq!(details.subject, "CN=m365-connector contoso");
        assert_eq!(details.not_before, datetime!(2026-03-01 12:29:56 UTC));
        assert_eq!(details.not_after, datetime!(2027-03-01 12:34:56 UTC));
        assert_eq!(details.thumbprint_sha1, thumbprint(&details.der));
        assert_eq!(details.thumbprint_sha1.len(), 40);
        assert_eq!(details.thumbprint_sha256.len(), 64);

        let (_, certificate) = x509_parser::parse_x509_certificate(&details.der).unwrap();
        assert_eq!(
            certificate.issuer().to_string(),
            "CN=m365-connector contoso"
        );
        assert_eq!(
            certificate.signature_algorithm.algorithm.to_id_string(),
            "1.2.840.113549.1.1.11",
            "sha256WithRSAEncryption"
        );
        let key_usage = certificate.key_usage().unwrap().unwrap().value;
        assert!(key_usage.digital_signature());
        assert!(!key_usage.key_cert_sign());
        let extended = certificate.extended_key_usage().unwrap().unwrap().value;
        assert!(extended.client_auth);
        assert!(!extended.server_auth);
        assert!(!certificate.is_ca());
        // The self-signature verifies with the certificate's own public key.
        let public_key = certificate.public_key().subject_public_key.data.to_vec();
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key)
            .verify(
                certificate.tbs_certificate.as_ref(),
                &certificate.signature_value.data,
            )
            .unwrap();
    }

    #[test]
    fn every_form_handed_over_holds_the_same_certificate_and_key() {
        let generated = generate(&GenerateOptions::new("handover", 30), NOW).unwrap();
        let pem = format!(
            "{}{}",
            generated.certificate_pem,
            generated.private_key_pem.expose()
        );
        assert!(
            generated
                .private_key_pem
                .expose()
                .starts_with("-----BEGIN PRIVATE KEY-----")
        );
        let from_pem = HeldCertificate::from_pem(&pem).unwrap();
        let from_pkcs12 = HeldCertificate::from_pkcs12(
            generated.pkcs12.expose(),
            generated.pkcs12_password.expose(),
        )
        .unwrap();
        let held = generated.held().unwrap();
        for certificate in [&from_pem, &from_pkcs12, &held] {
            assert_eq!(certificate.details(), &generated.details);
            certificate.check_key_matches().unwrap();
        }
        assert_eq!(
            generated.details.key_base64(),
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                &generated.details.der
            )
        );
        let password = generated.pkcs12_password.expose();
        assert_eq!(password.len(), 24);
        assert!(
            password
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn the_key_size_is_the_one_asked_for() {
        let mut options = GenerateOptions::new("big", 1);
        options.key_size = RsaKeySize::Rsa3072;
        let generated = generate(&options, NOW).unwrap();
        let parts = generated.details.rsa_public_key().unwrap();
        assert_eq!(parts.modulus.len(), 384);
        let small = generate(&GenerateOptions::new("small", 1), NOW).unwrap();
        assert_eq!(small.details.rsa_public_key().unwrap().modulus.len(), 256);
    }

    #[test]
    fn two_certificates_never_share_a_key_or_password() {
        let first = generate(&GenerateOptions::new("same", 1), NOW).unwrap();
        let second = generate(&GenerateOptions::new("same", 1), NOW).unwrap();
        assert_ne!(
            first.details.thumbprint_sha1,
            second.details.thumbprint_sha1
        );
        assert_ne!(
            first.details.rsa_public_key().unwrap(),
            second.details.rsa_public_key().unwrap()
        );
        assert_ne!(
            first.pkcs12_password.expose(),
            second.pkcs12_password.expose()
        );
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let generated = generate(&GenerateOptions::new("debug", 1), NOW).unwrap();
        let debug = format!("{generated:?}");
        assert!(debug.contains(&generated.details.thumbprint_sha1));
        assert!(!debug.contains("PRIVATE KEY"));
        assert!(!debug.contains(generated.pkcs12_password.expose()));
        assert_eq!(debug.matches("<redacted>").count(), 4);
        let held = generated.held().unwrap();
        assert!(format!("{held:?}").contains("key: \"<redacted>\""));
    }

    #[test]
    fn bad_names_and_lifetimes_are_refused() {
        for name in ["", "a\nb", &"x".repeat(65)] {
            let error = generate(&GenerateOptions::new(name, 30), NOW).unwrap_err();
            assert!(
                matches!(error, CertificateError::InvalidCommonName { max: 64 }),
                "{name:?}: {error:?}"
            );
        }
        assert!(generate(&GenerateOptions::new("x".repeat(64), 1), NOW).is_ok());
        for days in [0, MAX_LIFETIME_DAYS + 1] {
            let error = generate(&GenerateOptions::new("name", days), NOW).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("the certificate lifetime must be 1 to 3650 days, not {days}.")
            );
        }
        let longest = generate(&GenerateOptions::new("name", MAX_LIFETIME_DAYS), NOW).unwrap();
        assert_eq!(
            longest.details.not_after - longest.details.not_before,
            Duration::days(3650) + Duration::minutes(5)
        );
    }
}

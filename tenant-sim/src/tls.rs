//! The simulator's own certificate authority and the rustls server configuration built from it.
//!
//! Every tenant generates a fresh CA and one server certificate for `127.0.0.1` and `localhost`, so a
//! client must be given the CA to talk to it: TLS is never switched off.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::StartError;

/// The certificate authority and the server configuration of one tenant.
pub(crate) struct TlsMaterial {
    /// The CA certificate in PEM, to be trusted by clients.
    pub ca_pem: String,
    /// The rustls configuration serving the CA-signed certificate (HTTP/2 and HTTP/1.1 by ALPN).
    pub server_config: Arc<rustls::ServerConfig>,
}

/// Generates a CA and a server certificate for `127.0.0.1` and `localhost`.
pub(crate) fn generate(tenant_name: &str) -> Result<TlsMaterial, StartError> {
    let ca_key = KeyPair::generate().map_err(StartError::certificate)?;
    let mut ca_params =
        CertificateParams::new(Vec::<String>::new()).map_err(StartError::certificate)?;
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CommonName, format!("tenant-sim CA ({tenant_name})"));
    ca_name.push(DnType::OrganizationName, "tenant-sim");
    ca_params.distinguished_name = ca_name;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(StartError::certificate)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(StartError::certificate)?;
    let mut server_params =
        CertificateParams::new(vec!["localhost".to_owned()]).map_err(StartError::certificate)?;
    server_params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let mut server_name = DistinguishedName::new();
    server_name.push(DnType::CommonName, "localhost");
    server_params.distinguished_name = server_name;
    server_params.is_ca = IsCa::ExplicitNoCa;
    server_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .map_err(StartError::certificate)?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let chain = vec![
        CertificateDer::from(server_cert.der().to_vec()),
        CertificateDer::from(ca_cert.der().to_vec()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let mut server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(StartError::tls)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(StartError::tls)?;
    server_config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsMaterial {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(server_config),
    })
}

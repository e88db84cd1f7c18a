//! X.509 `AlgorithmIdentifier` (RFC 5280 §4.1.1.2) as PKCS#12 uses it: an OID and optional parameters, read
//! from BER and written as DER.

use yasna::models::ObjectIdentifier;
use yasna::{ASN1Result, BERReader, DERWriter};

use crate::certificate::pkcs12::oid::oid;

/// An algorithm and its parameters, still encoded.
pub(crate) struct AlgorithmIdentifier {
    /// The algorithm.
    pub(crate) oid: ObjectIdentifier,
    /// The encoded parameters (a whole TLV), when present.
    pub(crate) parameters: Option<Vec<u8>>,
}

impl AlgorithmIdentifier {
    /// Reads `SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`.
    pub(crate) fn read(reader: BERReader<'_, '_>) -> ASN1Result<Self> {
        reader.read_sequence(|reader| {
            let oid = reader.next().read_oid()?;
            let parameters = reader.read_optional(|reader| reader.read_der())?;
            Ok(Self { oid, parameters })
        })
    }

    /// Whether this is the algorithm with `arcs`.
    pub(crate) fn is(&self, arcs: &[u64]) -> bool {
        self.oid.components().as_slice() == arcs
    }

    /// Whether the parameters are absent or NULL, as they must be for hash and HMAC algorithms.
    pub(crate) fn has_no_parameters(&self) -> bool {
        match &self.parameters {
            None => true,
            Some(parameters) => parameters.as_slice() == [0x05, 0x00],
        }
    }
}

/// Writes `SEQUENCE { algorithm, NULL }`, the form hash and HMAC identifiers take.
pub(crate) fn write_with_null(writer: DERWriter<'_>, arcs: &[u64]) {
    writer.write_sequence(|writer| {
        writer.next().write_oid(&oid(arcs));
        writer.next().write_null();
    });
}

//! `MetaEncryptor` seals bytes to devices with age (claims' ephemeral keys, local key stores);
//! `MetaDistributor` seals a secret once to a generation's public key, and opens it again.

use std::io::Write;

use curve25519_dalek::ristretto::RistrettoPoint;
use zeroize::Zeroizing;

use super::cipher::{self, CipherError, Part, SecretContext};
use super::events::{SealedSecret, SecretMetadata, SECRET_FORMAT};
use super::kem;
use super::vss::VssError;
use crate::encoding::Bytes;
use crate::error::{ErrorCode, HasErrorCode};
use crate::event::VaultName;
use crate::vault::generations::GenerationId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(transparent)]
    Vss(#[from] VssError),
    #[error(transparent)]
    Cipher(#[from] CipherError),
    #[error("could not seal data to the devices")]
    Seal,
    /// Opaque on purpose: a wrong key and a tampered blob look the same.
    #[error("could not open sealed data")]
    Open,
    #[error("invalid threshold: {0}")]
    Threshold(String),
    #[error("a member's keys are invalid")]
    BadMember,
    #[error("need {needed} valid shares, have {have}")]
    Insufficient { needed: u8, have: usize },
    #[error("shares from {0} did not match the public commitments and were skipped")]
    BadShares(String),
}

impl HasErrorCode for SecretError {
    fn code(&self) -> ErrorCode {
        match self {
            SecretError::Vss(_) | SecretError::BadShares(_) => ErrorCode::InvalidShares,
            SecretError::Cipher(CipherError::TooLarge) => ErrorCode::TooLarge,
            SecretError::Cipher(CipherError::Open) => ErrorCode::InvalidShares,
            SecretError::Seal | SecretError::Open => ErrorCode::Crypto,
            SecretError::Threshold(_) | SecretError::BadMember => ErrorCode::InvalidInput,
            SecretError::Insufficient { .. } => ErrorCode::InsufficientShares,
        }
    }
}

pub struct MetaEncryptor;

impl MetaEncryptor {
    pub fn seal(plaintext: &[u8], recipients: &[age::x25519::Recipient]) -> Result<Bytes, SecretError> {
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|_| SecretError::Seal)?;
        let mut sealed = Vec::with_capacity(plaintext.len() + 200 * recipients.len());
        let mut writer = encryptor.wrap_output(&mut sealed).map_err(|_| SecretError::Seal)?;
        writer.write_all(plaintext).map_err(|_| SecretError::Seal)?;
        writer.finish().map_err(|_| SecretError::Seal)?;
        Ok(Bytes(sealed))
    }

    pub fn open(sealed: &Bytes, identity: &age::x25519::Identity) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        age::decrypt(identity, &sealed.0).map(Zeroizing::new).map_err(|_| SecretError::Open)
    }

    /// Seals a serializable payload; the JSON is wiped after sealing.
    pub fn seal_json<T: serde::Serialize>(
        payload: &T,
        recipient: &age::x25519::Recipient,
    ) -> Result<Bytes, SecretError> {
        let plain = Zeroizing::new(serde_json::to_vec(payload).map_err(|_| SecretError::Seal)?);
        Self::seal(&plain, std::slice::from_ref(recipient))
    }

    pub fn open_json<T: serde::de::DeserializeOwned>(
        sealed: &Bytes,
        identity: &age::x25519::Identity,
    ) -> Result<T, SecretError> {
        let plain = Self::open(sealed, identity)?;
        serde_json::from_slice(&plain).map_err(|_| SecretError::Open)
    }
}

pub fn check_threshold(k: u8, n: usize) -> Result<(), SecretError> {
    if k == 0 || usize::from(k) > n {
        return Err(SecretError::Threshold(format!("threshold must be between 1 and {n} (the number of devices)")));
    }
    if k == 1 && n > 1 {
        return Err(SecretError::Threshold("k = 1 is allowed only in a one-device vault".into()));
    }
    Ok(())
}

/// Seals secrets to a generation: one KEM encapsulation per secret, whatever the number of
/// holders.
pub struct MetaDistributor<'a> {
    vault: &'a VaultName,
}

impl<'a> MetaDistributor<'a> {
    pub fn new(vault: &'a VaultName) -> Self {
        MetaDistributor { vault }
    }

    /// Seals `secret` to the generation's public key and its name under the names key.
    pub fn seal(
        &self,
        secret_id: &str,
        generation: GenerationId,
        public_key: &[u8],
        names_key: &[u8; 32],
        secret: &[u8],
        metadata: &SecretMetadata,
    ) -> Result<SealedSecret, SecretError> {
        let public = kem::decode_point(public_key).map_err(|_| SecretError::BadMember)?;
        let kem_context = SecretContext { vault: self.vault, secret_id, generation, r: &[] }.kem_context();
        let parts: Vec<&[u8]> = kem_context.iter().map(|c| c.as_slice()).collect();
        let scalar = Zeroizing::new(curve25519_dalek::scalar::Scalar::random(&mut rand_core::OsRng));
        let (r, data_key) = kem::encapsulate_with_scalar(&public, &parts, &scalar).map_err(|_| SecretError::Seal)?;
        let proof_context = SecretContext { vault: self.vault, secret_id, generation, r: &[] }.r_proof_context();
        let r_proof = super::dleq::prove_knowledge(&scalar, &proof_context);
        let r = r.compress().to_bytes();
        let context = SecretContext { vault: self.vault, secret_id, generation, r: &r };
        let (nonce, ciphertext) = cipher::seal(secret, &data_key, Part::Value, &context)?;
        let name_key = cipher::name_key(names_key, secret_id);
        let (name_nonce, name_ciphertext) = cipher::seal(metadata.name.as_bytes(), &name_key, Part::Name, &context)?;
        Ok(SealedSecret {
            format: SECRET_FORMAT,
            secret_id: secret_id.to_owned(),
            generation,
            r: Bytes(r.to_vec()),
            r_proof: Bytes(r_proof.to_bytes().to_vec()),
            nonce,
            ciphertext,
            name_nonce,
            name_ciphertext,
        })
    }

    /// A secret's name, for any holder of its generation.
    pub fn open_name(&self, sealed: &SealedSecret, names_key: &[u8; 32]) -> Result<String, SecretError> {
        let context = SecretContext {
            vault: self.vault,
            secret_id: &sealed.secret_id,
            generation: sealed.generation,
            r: &sealed.r.0,
        };
        let name_key = cipher::name_key(names_key, &sealed.secret_id);
        let plain = cipher::open(&sealed.name_nonce, &sealed.name_ciphertext, &name_key, Part::Name, &context)?;
        String::from_utf8(plain.to_vec()).map_err(|_| SecretError::Open)
    }

    /// A secret's value from the shared point `x·R` that k partials interpolated.
    pub fn open_value(
        &self,
        sealed: &SealedSecret,
        shared: &RistrettoPoint,
        public_key: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, SecretError> {
        let public = kem::decode_point(public_key).map_err(|_| SecretError::BadMember)?;
        let r = kem::decode_point(&sealed.r.0).map_err(|_| SecretError::Open)?;
        let context = SecretContext {
            vault: self.vault,
            secret_id: &sealed.secret_id,
            generation: sealed.generation,
            r: &sealed.r.0,
        };
        let kem_context = context.kem_context();
        let parts: Vec<&[u8]> = kem_context.iter().map(|c| c.as_slice()).collect();
        let data_key = kem::derive_key(shared, &r, &public, &parts);
        Ok(cipher::open(&sealed.nonce, &sealed.ciphertext, &data_key, Part::Value, &context)?)
    }
}

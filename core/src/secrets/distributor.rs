//! `MetaEncryptor` seals bytes to devices with age; `MetaDistributor` turns a secret into one
//! `SecretSplit` event: k-of-n envelopes, each sealed with the secret's metadata to one member.
//! Carrying the metadata inside each share keeps a split at one age wrap per member.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize};

use super::envelope::{split, ShareEnvelope, ShareError};
use super::events::{SealedShare, SecretSplit};
use crate::encoding::Bytes;
use crate::error::{ErrorCode, HasErrorCode};
use crate::identity::{DeviceId, DeviceInfo};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error(transparent)]
    Shares(#[from] ShareError),
    #[error("could not seal data to the devices")]
    Seal,
    /// Opaque on purpose: a wrong key and a tampered blob look the same.
    #[error("could not open sealed data")]
    Open,
    #[error("invalid threshold: {0}")]
    Threshold(String),
    #[error("a member's keys are invalid")]
    BadMember,
}

impl HasErrorCode for SecretError {
    fn code(&self) -> ErrorCode {
        match self {
            SecretError::Shares(error) => error.code(),
            SecretError::Seal | SecretError::Open => ErrorCode::Crypto,
            SecretError::Threshold(_) | SecretError::BadMember => ErrorCode::InvalidInput,
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

    pub fn open(sealed: &Bytes, identity: &age::x25519::Identity) -> Result<Vec<u8>, SecretError> {
        age::decrypt(identity, &sealed.0).map_err(|_| SecretError::Open)
    }
}

/// What members see about a secret besides its value. Sealed; the server never reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretMetadata {
    pub name: String,
}

/// What one member's sealed share holds: its envelope and the secret's metadata (its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharePayload {
    pub envelope: ShareEnvelope,
    pub metadata: SecretMetadata,
}

impl SharePayload {
    pub fn parse(bytes: &[u8]) -> Result<SharePayload, SecretError> {
        serde_json::from_slice(bytes).map_err(|_| SecretError::Open)
    }
}

/// The threshold a secret keeps after a membership change: unchanged when possible, at least 2
/// whenever there are two devices, at most n.
pub fn resplit_threshold(old_k: u8, new_n: usize) -> u8 {
    let new_n = u8::try_from(new_n).unwrap_or(u8::MAX);
    if new_n <= 1 {
        1
    } else {
        old_k.max(2).min(new_n)
    }
}

pub struct MetaDistributor<'a> {
    members: &'a BTreeMap<DeviceId, DeviceInfo>,
}

impl<'a> MetaDistributor<'a> {
    pub fn new(members: &'a BTreeMap<DeviceId, DeviceInfo>) -> Self {
        MetaDistributor { members }
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

    pub fn distribute(
        &self,
        secret_id: &str,
        version: u32,
        k: u8,
        secret: &[u8],
        metadata: &SecretMetadata,
    ) -> Result<SecretSplit, SecretError> {
        let n = self.members.len();
        Self::check_threshold(k, n)?;
        let n = u8::try_from(n).map_err(|_| SecretError::Threshold("at most 255 devices".into()))?;
        let recipients: Vec<age::x25519::Recipient> = self
            .members
            .values()
            .map(|m| m.recipient().map_err(|_| SecretError::BadMember))
            .collect::<Result<_, _>>()?;
        let envelopes = split(secret, secret_id, version, k, n)?;
        let shares = self
            .members
            .keys()
            .zip(&recipients)
            .zip(&envelopes)
            .map(|((device, recipient), envelope)| {
                let payload = SharePayload { envelope: envelope.clone(), metadata: metadata.clone() };
                let plain = serde_json::to_vec(&payload).map_err(|_| SecretError::Seal)?;
                let sealed = MetaEncryptor::seal(&plain, std::slice::from_ref(recipient))?;
                Ok(SealedShare { device: device.clone(), sealed })
            })
            .collect::<Result<_, SecretError>>()?;
        Ok(SecretSplit { secret_id: secret_id.to_owned(), version, k, n, shares })
    }
}

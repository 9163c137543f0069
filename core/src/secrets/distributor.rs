//! `MetaEncryptor` seals bytes to devices with age; `MetaDistributor` turns a secret into one
//! `SecretSplit` event; [`deal_reshare`] builds a dealer's re-share of its own shares.

use litemap::LiteMap;
use std::io::Write;

use zeroize::Zeroizing;

use super::cipher::{self, metadata_commitment, random_salt, CipherError, SecretContext};
use super::events::{
    Dealing, DealingBundle, SecretDealing, SecretMetadata, SecretSplit, SharePayload, SubShare, SECRET_FORMAT,
};
use super::vss::{deal, ShareValue, VssError};
use crate::encoding::Bytes;
use crate::error::{ErrorCode, HasErrorCode};
use crate::event::VaultName;
use crate::identity::{DeviceId, DeviceInfo};

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

pub fn check_threshold(k: u8, n: usize) -> Result<(), SecretError> {
    if k == 0 || usize::from(k) > n {
        return Err(SecretError::Threshold(format!("threshold must be between 1 and {n} (the number of devices)")));
    }
    if k == 1 && n > 1 {
        return Err(SecretError::Threshold("k = 1 is allowed only in a one-device vault".into()));
    }
    Ok(())
}

fn recipients(devices: &[&DeviceInfo]) -> Result<Vec<age::x25519::Recipient>, SecretError> {
    devices.iter().map(|m| m.recipient().map_err(|_| SecretError::BadMember)).collect()
}

pub struct MetaDistributor<'a> {
    vault: &'a VaultName,
    members: &'a LiteMap<DeviceId, DeviceInfo>,
}

impl<'a> MetaDistributor<'a> {
    pub fn new(vault: &'a VaultName, members: &'a LiteMap<DeviceId, DeviceInfo>) -> Self {
        MetaDistributor { vault, members }
    }

    /// Shares a fresh random scalar k-of-n over the members and seals `secret` under it.
    pub fn distribute(
        &self,
        secret_id: &str,
        k: u8,
        secret: &[u8],
        metadata: &SecretMetadata,
    ) -> Result<SecretSplit, SecretError> {
        let n = self.members.len();
        check_threshold(k, n)?;
        let n = u8::try_from(n).map_err(|_| SecretError::Threshold("at most 255 devices".into()))?;
        let members: Vec<&DeviceInfo> = self.members.values().collect();
        let recipients = recipients(&members)?;
        let salt = random_salt();
        let commitment = metadata_commitment(secret_id, &salt.0, metadata);
        let scalar = ShareValue::random();
        let context = SecretContext { vault: self.vault, secret_id, metadata_commitment: &commitment };
        let (nonce, ciphertext) = cipher::seal(secret, &scalar, &context)?;
        let (values, commitments) = deal(&scalar, k, n)?;
        drop(scalar);
        let shares = values
            .iter()
            .zip(&recipients)
            .enumerate()
            .map(|(i, (value, recipient))| {
                let payload = SharePayload {
                    format: SECRET_FORMAT,
                    secret_id: secret_id.to_owned(),
                    x: i as u8 + 1,
                    value: value.to_bytes(),
                    metadata: metadata.clone(),
                    metadata_salt: salt.clone(),
                };
                MetaEncryptor::seal_json(&payload, recipient)
            })
            .collect::<Result<_, _>>()?;
        Ok(SecretSplit {
            format: SECRET_FORMAT,
            secret_id: secret_id.to_owned(),
            k,
            holders: self.members.keys().cloned().collect(),
            commitments: commitments.to_wire(),
            metadata_commitment: commitment,
            nonce,
            ciphertext,
            shares,
        })
    }
}

/// What a dealer knows about one of its shares: enough to re-share it.
pub struct SecretShareKnowledge {
    pub secret_id: String,
    pub epoch: u32,
    /// Threshold of the new sharing.
    pub new_k: u8,
    pub value: ShareValue,
    pub metadata: SecretMetadata,
    pub metadata_salt: Bytes,
}

/// A dealer's re-share of several of its shares to `targets` (sorted; target j gets x = j + 1):
/// one bundle per target, so the cost is one age wrap per target however many secrets move.
pub fn deal_reshare(targets: &[&DeviceInfo], shares: &[SecretShareKnowledge]) -> Result<Dealing, SecretError> {
    let n = u8::try_from(targets.len()).map_err(|_| SecretError::Threshold("at most 255 devices".into()))?;
    let recipients = recipients(targets)?;
    let mut bundles: Vec<Vec<SubShare>> = (0..targets.len()).map(|_| Vec::with_capacity(shares.len())).collect();
    let mut secrets = Vec::with_capacity(shares.len());
    for share in shares {
        let (values, commitments) = deal(&share.value, share.new_k, n)?;
        for (bundle, value) in bundles.iter_mut().zip(&values) {
            bundle.push(SubShare {
                secret_id: share.secret_id.clone(),
                epoch: share.epoch,
                value: value.to_bytes(),
                metadata: share.metadata.clone(),
                metadata_salt: share.metadata_salt.clone(),
            });
        }
        secrets.push(SecretDealing {
            secret_id: share.secret_id.clone(),
            epoch: share.epoch,
            commitments: commitments.to_wire(),
        });
    }
    let sealed = bundles
        .into_iter()
        .zip(&recipients)
        .map(|(entries, recipient)| {
            let bundle = DealingBundle { format: SECRET_FORMAT, entries };
            let sealed = MetaEncryptor::seal_json(&bundle, recipient);
            wipe_bundle(bundle);
            sealed
        })
        .collect::<Result<_, _>>()?;
    Ok(Dealing { format: SECRET_FORMAT, targets: targets.iter().map(|t| t.id.clone()).collect(), secrets, sealed })
}

fn wipe_bundle(mut bundle: DealingBundle) {
    use zeroize::Zeroize;
    for entry in &mut bundle.entries {
        entry.value.0.zeroize();
    }
}

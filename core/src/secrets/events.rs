//! Log events of the secret and recovery tables.

use serde::{Deserialize, Serialize};

use crate::encoding::Bytes;
use crate::identity::DeviceId;

/// One member's share envelope, sealed (age) to that member alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedShare {
    pub device: DeviceId,
    pub sealed: Bytes,
}

/// A whole distribution in one event: a new secret (version 1) or a re-split (version + 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretSplit {
    pub secret_id: String,
    pub version: u32,
    pub k: u8,
    pub n: u8,
    /// One sealed share per member; each also carries the name, which the server never sees.
    pub shares: Vec<SealedShare>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RecoveryPurpose {
    /// A person wants to see the secret; approvers decide by hand.
    Reveal,
    /// The member set changed at `membership_seq`; devices may approve automatically.
    Resplit { membership_seq: u64 },
}

/// A recovery claim: approvers re-seal their shares to `ephemeral_recipient`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryRequest {
    pub claim_id: String,
    pub secret_id: String,
    pub version: u32,
    pub ephemeral_recipient: String,
    pub purpose: RecoveryPurpose,
}

/// Secret ids and claim ids: 32 lowercase hex characters chosen by the creating device.
pub fn valid_object_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

pub fn new_object_id() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

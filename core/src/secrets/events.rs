//! Log events of the secret, re-share and recovery tables, and the payloads sealed inside them.
//! Every sealed payload carries `format` so a later version can be told apart.

use serde::{Deserialize, Serialize};

use crate::encoding::{Bytes, Hash32};
use crate::identity::DeviceId;

/// Version of the secret formats below (split, dealing, sealed payloads).
pub const SECRET_FORMAT: u16 = 2;

/// A new secret, shared k-of-n over the members in one event. The value is sealed once
/// (`ciphertext`) under a key derived from the shared scalar; `shares[i]` (a sealed
/// [`SharePayload`]) goes to `holders[i]`, whose x is i + 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretSplit {
    pub format: u16,
    pub secret_id: String,
    pub k: u8,
    pub holders: Vec<DeviceId>,
    /// Feldman commitments to the sharing polynomial (k compressed ristretto255 points).
    pub commitments: Vec<Bytes>,
    /// Binds the sealed metadata (name) without revealing it: H(id, salt, metadata).
    pub metadata_commitment: Hash32,
    pub nonce: Bytes,
    pub ciphertext: Bytes,
    pub shares: Vec<Bytes>,
}

/// What a holder's sealed share of a split holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharePayload {
    pub format: u16,
    pub secret_id: String,
    pub x: u8,
    pub value: Bytes,
    pub metadata: SecretMetadata,
    pub metadata_salt: Bytes,
}

/// What members see about a secret besides its value. Sealed; the server never reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretMetadata {
    pub name: String,
}

/// One dealer's re-share of its own shares of several secrets to a target member set: for each
/// secret a fresh polynomial whose constant term is the dealer's share. `sealed[j]` (a sealed
/// [`DealingBundle`]) goes to `targets[j]`, whose new x is j + 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dealing {
    pub format: u16,
    pub targets: Vec<DeviceId>,
    pub secrets: Vec<SecretDealing>,
    pub sealed: Vec<Bytes>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretDealing {
    pub secret_id: String,
    /// The epoch whose share is re-shared.
    pub epoch: u32,
    /// Commitments to the dealer's polynomial; the first must equal the epoch's public image of
    /// the dealer's share, which anyone can check.
    pub commitments: Vec<Bytes>,
}

/// What one target's sealed part of a dealing holds: its sub-share of every secret dealt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealingBundle {
    pub format: u16,
    pub entries: Vec<SubShare>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubShare {
    pub secret_id: String,
    pub epoch: u32,
    pub value: Bytes,
    pub metadata: SecretMetadata,
    pub metadata_salt: Bytes,
}

/// A target has checked its sub-shares from the round's chosen dealings (named by `round`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReshareAck {
    pub secret_id: String,
    pub epoch: u32,
    pub round: Hash32,
}

/// A target's sub-share from `dealing_seq` did not match its commitments: the dealing is skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReshareComplaint {
    pub secret_id: String,
    pub epoch: u32,
    pub dealing_seq: u64,
}

/// A recovery claim: approvers re-seal their shares to `ephemeral_recipient`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryRequest {
    pub claim_id: String,
    pub secret_id: String,
    pub epoch: u32,
    pub ephemeral_recipient: String,
    /// Claims one device opened together (an unlock of several logins) share a batch id, so a
    /// person approves them with one action. Absent on single claims (and on claims written
    /// before batches existed, which read the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
}

/// What an approver seals to a claim's ephemeral key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveredShare {
    pub format: u16,
    pub secret_id: String,
    pub epoch: u32,
    pub x: u8,
    pub value: Bytes,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_without_a_batch_reads_and_writes_as_before_batches() {
        let old =
            r#"{"claim_id":"00000000000000000000000000000000","secret_id":"s","epoch":1,"ephemeral_recipient":"r"}"#;
        let request: RecoveryRequest = serde_json::from_str(old).unwrap();
        assert_eq!(request.batch, None);
        assert_eq!(serde_json::to_string(&request).unwrap(), old, "the same bytes, so the same signature");
    }
}

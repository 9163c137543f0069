//! Log events of the secret and recovery tables, and the payloads sealed inside them. Every
//! sealed payload carries `format` so a later version can be told apart.

use serde::{Deserialize, Serialize};

use crate::encoding::Bytes;
use crate::vault::generations::GenerationId;

/// Version of the secret formats below (sealed secret, claim, partial). 3: vault key generations.
pub const SECRET_FORMAT: u16 = 3;

/// A secret sealed once to a generation's public key X: `r` is the KEM's `R = r·G`; the value
/// (padded to a size bucket) is sealed under the key derived from `r·X`, the name (padded too)
/// under the generation's names key, which every holder has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedSecret {
    pub format: u16,
    pub secret_id: String,
    pub generation: GenerationId,
    pub r: Bytes,
    /// A Schnorr proof that the sealer knows r (bound to vault, secret and generation): without
    /// it a holder could seal `R' = R + t·G` of another secret under a harmless name, and a reveal
    /// people approve for it would give `x·R` of the other.
    pub r_proof: Bytes,
    pub nonce: Bytes,
    pub ciphertext: Bytes,
    pub name_nonce: Bytes,
    pub name_ciphertext: Bytes,
}

/// What members see about a secret besides its value. Sealed; the server never reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretMetadata {
    pub name: String,
}

/// A recovery claim: approvers send their partial decryption of the secret's R, sealed to
/// `ephemeral_recipient`. It names the generation's epoch the partials must verify against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryRequest {
    pub claim_id: String,
    pub secret_id: String,
    pub epoch: u32,
    pub ephemeral_recipient: String,
    /// Claims one device opened together (an unlock of several logins) share a batch id, so a
    /// person approves them with one action. Absent on single claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
}

/// What an approver seals to a claim's ephemeral key: its partial `x_j·R` with the DLEQ proof
/// (`threshold::Partial`'s bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveredPartial {
    pub format: u16,
    pub claim_id: String,
    pub partial: Bytes,
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
    fn a_claim_without_a_batch_has_no_batch_field() {
        let old =
            r#"{"claim_id":"00000000000000000000000000000000","secret_id":"s","epoch":1,"ephemeral_recipient":"r"}"#;
        let request: RecoveryRequest = serde_json::from_str(old).unwrap();
        assert_eq!(request.batch, None);
        assert_eq!(serde_json::to_string(&request).unwrap(), old, "the same bytes, so the same signature");
    }
}

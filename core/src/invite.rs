//! Invites: a member makes one for one device. The code holds the invite's private key, the
//! vault's name and its genesis hash: the candidate's request, signed with the invite key, skips
//! the outsiders' small pool of waiting requests, and the candidate can tell that the vault it
//! reached is the one its inviter meant (a server cannot substitute another vault of that name).

use ed25519_dalek::{Signer, SigningKey};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::encoding::{Bytes, Hash32};
use crate::event::VaultName;
use crate::identity::{parse_verifying_key, verify_signature, DeviceInfo, IdentityError};

/// An invite's lifetime when its maker does not choose one, and the longest it may have.
pub const DEFAULT_INVITE_TTL_MS: u64 = 24 * 60 * 60 * 1000;
pub const MAX_INVITE_TTL_MS: u64 = 30 * 24 * 60 * 60 * 1000;
/// Bytes of the genesis hash an invite code names (128 bits: no server can grind a match).
const GENESIS_PREFIX: usize = 16;
const CODE_VERSION: &str = "msi1";

/// A join request's proof that its candidate holds an invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteUse {
    pub invite_key: Bytes,
    /// The invite key's signature over [`InviteUse::message`].
    pub signature: Bytes,
}

impl InviteUse {
    /// What the invite key signs (v1): the vault, and the candidate's keys and receive key, so a
    /// proof seen on the wire admits no other device.
    pub fn message(vault: &VaultName, candidate: &DeviceInfo, receive_key: &Bytes) -> Vec<u8> {
        let mut message = b"meta-secret invite use v1\0".to_vec();
        let parts: [&[u8]; 4] =
            [vault.as_str().as_bytes(), candidate.id.as_str().as_bytes(), &candidate.signing_key.0, &receive_key.0];
        for part in parts {
            message.extend_from_slice(&(part.len() as u32).to_be_bytes());
            message.extend_from_slice(part);
        }
        message
    }

    pub fn verify(&self, vault: &VaultName, candidate: &DeviceInfo, receive_key: &Bytes) -> Result<(), IdentityError> {
        let key = parse_verifying_key(&self.invite_key.0)?;
        verify_signature(&key, &Self::message(vault, candidate, receive_key), &self.signature.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("this is not a meta-secret invite code (it starts with {CODE_VERSION}:)")]
    Malformed,
}

/// An invite as its code carries it. The key wipes itself when dropped.
pub struct Invite {
    seed: Zeroizing<[u8; 32]>,
    pub vault: VaultName,
    genesis: [u8; GENESIS_PREFIX],
}

impl Invite {
    pub fn generate(vault: VaultName, genesis: Hash32) -> Invite {
        let mut seed = Zeroizing::new([0u8; 32]);
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, seed.as_mut());
        let mut prefix = [0u8; GENESIS_PREFIX];
        prefix.copy_from_slice(&genesis.0[..GENESIS_PREFIX]);
        Invite { seed, vault, genesis: prefix }
    }

    fn signing_key(&self) -> SigningKey {
        let mut key = Zeroizing::new([0u8; 32]);
        // 32 bytes is a valid HKDF-SHA256 output length, so expand cannot fail.
        let _ = Hkdf::<Sha256>::new(Some(b"meta-secret invite v1"), self.seed.as_ref()).expand(b"key", key.as_mut());
        SigningKey::from_bytes(&key)
    }

    /// The public key `InviteCreated` publishes.
    pub fn public_key(&self) -> Bytes {
        Bytes(self.signing_key().verifying_key().to_bytes().to_vec())
    }

    pub fn genesis_prefix(&self) -> &[u8] {
        &self.genesis
    }

    /// Whether `genesis` is the genesis of the vault the inviter meant.
    pub fn names_genesis(&self, genesis: &Hash32) -> bool {
        genesis.0[..GENESIS_PREFIX] == self.genesis
    }

    /// The proof a candidate's join request carries.
    pub fn sign_join(&self, candidate: &DeviceInfo, receive_key: &Bytes) -> InviteUse {
        let message = InviteUse::message(&self.vault, candidate, receive_key);
        InviteUse {
            invite_key: self.public_key(),
            signature: Bytes(self.signing_key().sign(&message).to_bytes().to_vec()),
        }
    }

    /// `msi1:<vault>:<key seed>:<genesis prefix>`, base64url; vault names never hold ':'.
    pub fn code(&self) -> Zeroizing<String> {
        let seed = Bytes(self.seed.to_vec());
        let genesis = Bytes(self.genesis.to_vec());
        Zeroizing::new(format!("{CODE_VERSION}:{}:{}:{}", self.vault, seed.to_base64(), genesis.to_base64()))
    }

    pub fn parse(code: &str) -> Result<Invite, InviteError> {
        let mut parts = code.trim().split(':');
        let (Some(CODE_VERSION), Some(vault), Some(seed), Some(genesis), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(InviteError::Malformed);
        };
        let vault = VaultName::parse(vault).map_err(|_| InviteError::Malformed)?;
        let seed = Zeroizing::new(Bytes::from_base64(seed).ok_or(InviteError::Malformed)?.0);
        let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| InviteError::Malformed)?;
        let genesis = Bytes::from_base64(genesis).ok_or(InviteError::Malformed)?;
        let genesis: [u8; GENESIS_PREFIX] = genesis.0.as_slice().try_into().map_err(|_| InviteError::Malformed)?;
        Ok(Invite { seed: Zeroizing::new(seed), vault, genesis })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{DeviceKeys, DeviceKind};

    #[test]
    fn a_code_round_trips_and_its_proof_admits_only_its_candidate() {
        let vault = VaultName::parse("family").unwrap();
        let invite = Invite::generate(vault.clone(), Hash32([7; 32]));
        let again = Invite::parse(&format!("  {}\n", invite.code().as_str())).unwrap();
        assert_eq!(again.public_key(), invite.public_key());
        assert!(again.names_genesis(&Hash32([7; 32])));
        assert!(!again.names_genesis(&Hash32([8; 32])));
        let keys = DeviceKeys::generate("phone", DeviceKind::Mobile).unwrap();
        let other = DeviceKeys::generate("laptop", DeviceKind::Desktop).unwrap();
        let receive = Bytes(vec![1; 32]);
        let proof = again.sign_join(keys.info(), &receive);
        proof.verify(&vault, keys.info(), &receive).unwrap();
        assert!(proof.verify(&vault, other.info(), &receive).is_err());
        assert!(proof.verify(&vault, keys.info(), &Bytes(vec![2; 32])).is_err());
        assert!(proof.verify(&VaultName::parse("other").unwrap(), keys.info(), &receive).is_err());
        for bad in ["", "msi1:family", "msi2:family:AAAA:AAAA", "msi1:fa mily:AAAA:AAAA", "msi1:f:AAAA:AAAA:x"] {
            assert!(Invite::parse(bad).is_err(), "{bad}");
        }
    }
}

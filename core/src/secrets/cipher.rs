//! A secret's value and name, each padded to a size bucket (so the ciphertext's length tells the
//! server only the bucket) and sealed with ChaCha20-Poly1305: the value under the key its KEM
//! encapsulation gives (`kem.rs`), the name under a key derived from the generation's names key.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::kem::DataKey;
use crate::encoding::{Bytes, Hash32};
use crate::event::VaultName;
use crate::vault::generations::GenerationId;

/// Padded plaintext sizes (a 4-byte length prefix included). The largest bounds a secret.
pub const SIZE_BUCKETS: [usize; 6] = [256, 1024, 4096, 16384, 65536, 262144];
/// The largest secret value, in bytes, whatever the vault's size.
pub const MAX_SECRET_BYTES: usize = SIZE_BUCKETS[SIZE_BUCKETS.len() - 1] - 4;
const NONCE_LEN: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("a secret may be at most {MAX_SECRET_BYTES} bytes")]
    TooLarge,
    /// Opaque on purpose: a wrong key and a tampered ciphertext look the same.
    #[error("the shares do not open the secret")]
    Open,
}

/// What the AEAD binds besides the value: vault, secret id, generation and the encapsulation.
pub struct SecretContext<'a> {
    pub vault: &'a VaultName,
    pub secret_id: &'a str,
    pub generation: GenerationId,
    pub r: &'a [u8],
}

impl SecretContext<'_> {
    fn aad(&self, what: &[u8]) -> Vec<u8> {
        let h = Hash32::digest(&[
            b"meta-secret/secret-aad/v3",
            what,
            self.vault.as_str().as_bytes(),
            self.secret_id.as_bytes(),
            &[self.generation.level],
            &self.generation.number.to_be_bytes(),
            self.r,
        ]);
        h.0.to_vec()
    }

    /// What the proof of knowledge of a secret's r is bound to.
    pub fn r_proof_context(&self) -> Vec<u8> {
        let mut out = b"meta-secret/secret-r/v1".to_vec();
        for part in self.kem_context() {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(&part);
        }
        out
    }

    /// The KEM context a secret's data key is bound to.
    pub fn kem_context(&self) -> [Vec<u8>; 4] {
        [
            self.vault.as_str().as_bytes().to_vec(),
            self.secret_id.as_bytes().to_vec(),
            vec![self.generation.level],
            self.generation.number.to_be_bytes().to_vec(),
        ]
    }
}

fn cipher(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(Key::from_slice(key))
}

/// The key a secret's name is sealed under: the generation's names key, bound to the secret id.
pub fn name_key(names_key: &[u8; 32], secret_id: &str) -> DataKey {
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = Hkdf::<Sha256>::new(None, names_key)
        .expand_multi_info(&[b"meta-secret/name-key/v1".as_slice(), secret_id.as_bytes()], key.as_mut());
    key
}

/// The bucket a value of `len` bytes is padded to.
pub fn bucket_for(len: usize) -> Result<usize, CipherError> {
    SIZE_BUCKETS.iter().copied().find(|b| len + 4 <= *b).ok_or(CipherError::TooLarge)
}

/// What is sealed: the value (under its data key) or the name (under its name key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Value,
    Name,
}

impl Part {
    fn label(self) -> &'static [u8] {
        match self {
            Part::Value => b"value",
            Part::Name => b"name",
        }
    }
}

pub fn seal(
    value: &[u8],
    key: &[u8; 32],
    part: Part,
    context: &SecretContext<'_>,
) -> Result<(Bytes, Bytes), CipherError> {
    let bucket = bucket_for(value.len())?;
    let mut padded = Zeroizing::new(Vec::with_capacity(bucket));
    padded.extend_from_slice(&(value.len() as u32).to_be_bytes());
    padded.extend_from_slice(value);
    padded.resize(bucket, 0);
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let aad = context.aad(part.label());
    let ciphertext = cipher(key)
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: padded.as_ref(), aad: &aad })
        .map_err(|_| CipherError::Open)?;
    Ok((Bytes(nonce.to_vec()), Bytes(ciphertext)))
}

pub fn open(
    nonce: &Bytes,
    ciphertext: &Bytes,
    key: &[u8; 32],
    part: Part,
    context: &SecretContext<'_>,
) -> Result<Zeroizing<Vec<u8>>, CipherError> {
    if nonce.0.len() != NONCE_LEN {
        return Err(CipherError::Open);
    }
    let aad = context.aad(part.label());
    let padded = Zeroizing::new(
        cipher(key)
            .decrypt(Nonce::from_slice(&nonce.0), Payload { msg: &ciphertext.0, aad: &aad })
            .map_err(|_| CipherError::Open)?,
    );
    let len_bytes: [u8; 4] = padded.get(..4).and_then(|b| b.try_into().ok()).ok_or(CipherError::Open)?;
    let len = u32::from_be_bytes(len_bytes) as usize;
    let value = padded.get(4..4 + len).ok_or(CipherError::Open)?;
    Ok(Zeroizing::new(value.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const GEN: GenerationId = GenerationId { level: 2, number: 1 };

    fn context(vault: &VaultName) -> SecretContext<'_> {
        SecretContext { vault, secret_id: ID, generation: GEN, r: &[7; 32] }
    }

    #[test]
    fn padding_hides_lengths_within_a_bucket() {
        let vault = VaultName::parse("v").unwrap();
        let key = [9u8; 32];
        let sizes: Vec<usize> = [0usize, 1, 100, 252]
            .iter()
            .map(|len| seal(&vec![b'x'; *len], &key, Part::Value, &context(&vault)).unwrap().1 .0.len())
            .collect();
        assert!(sizes.iter().all(|s| *s == sizes[0]), "{sizes:?}");
        let bigger = seal(&[b'x'; 253], &key, Part::Value, &context(&vault)).unwrap().1;
        assert!(bigger.0.len() > sizes[0]);
        assert_eq!(
            seal(&vec![0; MAX_SECRET_BYTES + 1], &key, Part::Value, &context(&vault)),
            Err(CipherError::TooLarge)
        );
    }

    #[test]
    fn the_value_opens_only_with_the_same_key_part_and_context() {
        let vault = VaultName::parse("v").unwrap();
        let other_vault = VaultName::parse("w").unwrap();
        let key = [9u8; 32];
        let (nonce, ct) = seal("pässword".as_bytes(), &key, Part::Value, &context(&vault)).unwrap();
        let open_with = |key: &[u8; 32], part, ctx: &SecretContext<'_>| open(&nonce, &ct, key, part, ctx);
        assert_eq!(open_with(&key, Part::Value, &context(&vault)).unwrap().as_slice(), "pässword".as_bytes());
        assert!(open_with(&[8u8; 32], Part::Value, &context(&vault)).is_err());
        assert!(open_with(&key, Part::Name, &context(&vault)).is_err(), "a value is not a name");
        assert!(open_with(&key, Part::Value, &context(&other_vault)).is_err());
        let moved = SecretContext { generation: GenerationId { level: 2, number: 2 }, ..context(&vault) };
        assert!(open_with(&key, Part::Value, &moved).is_err(), "the generation is bound");
        assert_ne!(*name_key(&key, ID), *name_key(&key, "another id"));
    }
}

//! The secret's value is sealed once with ChaCha20-Poly1305 under a key derived (HKDF-SHA256)
//! from the shared random scalar; the scalar, not the value, is what Shamir shares. The value is
//! padded to a size bucket so the ciphertext's length tells the server only the bucket.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use super::events::SecretMetadata;
use super::vss::ShareValue;
use crate::encoding::{Bytes, Hash32};
use crate::event::VaultName;

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

/// What the AEAD binds besides the value: vault, secret id and the sealed metadata.
pub struct SecretContext<'a> {
    pub vault: &'a VaultName,
    pub secret_id: &'a str,
    pub metadata_commitment: &'a Hash32,
}

impl SecretContext<'_> {
    fn aad(&self) -> Vec<u8> {
        let h = Hash32::digest(&[
            b"meta-secret/secret-aad/v2",
            self.vault.as_str().as_bytes(),
            self.secret_id.as_bytes(),
            &self.metadata_commitment.0,
        ]);
        h.0.to_vec()
    }
}

pub fn metadata_commitment(secret_id: &str, salt: &[u8], metadata: &SecretMetadata) -> Hash32 {
    Hash32::digest(&[b"meta-secret/metadata/v2", secret_id.as_bytes(), salt, metadata.name.as_bytes()])
}

pub fn random_salt() -> Bytes {
    let mut salt = vec![0u8; 32];
    OsRng.fill_bytes(&mut salt);
    Bytes(salt)
}

fn cipher(scalar: &ShareValue) -> ChaCha20Poly1305 {
    let mut ikm = Zeroizing::new(scalar.0.to_bytes());
    let hkdf = Hkdf::<Sha256>::new(None, ikm.as_ref());
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = hkdf.expand(b"meta-secret/secret-key/v2", key.as_mut());
    ikm.zeroize();
    ChaCha20Poly1305::new(Key::from_slice(key.as_ref()))
}

/// The bucket a value of `len` bytes is padded to.
pub fn bucket_for(len: usize) -> Result<usize, CipherError> {
    SIZE_BUCKETS.iter().copied().find(|b| len + 4 <= *b).ok_or(CipherError::TooLarge)
}

pub fn seal(value: &[u8], scalar: &ShareValue, context: &SecretContext<'_>) -> Result<(Bytes, Bytes), CipherError> {
    let bucket = bucket_for(value.len())?;
    let mut padded = Zeroizing::new(Vec::with_capacity(bucket));
    padded.extend_from_slice(&(value.len() as u32).to_be_bytes());
    padded.extend_from_slice(value);
    padded.resize(bucket, 0);
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let aad = context.aad();
    let ciphertext = cipher(scalar)
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: padded.as_ref(), aad: &aad })
        .map_err(|_| CipherError::Open)?;
    Ok((Bytes(nonce.to_vec()), Bytes(ciphertext)))
}

pub fn open(
    nonce: &Bytes,
    ciphertext: &Bytes,
    scalar: &ShareValue,
    context: &SecretContext<'_>,
) -> Result<Zeroizing<Vec<u8>>, CipherError> {
    if nonce.0.len() != NONCE_LEN {
        return Err(CipherError::Open);
    }
    let aad = context.aad();
    let padded = Zeroizing::new(
        cipher(scalar)
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

    fn context<'a>(vault: &'a VaultName, commitment: &'a Hash32) -> SecretContext<'a> {
        SecretContext { vault, secret_id: "0123456789abcdef0123456789abcdef", metadata_commitment: commitment }
    }

    #[test]
    fn padding_hides_lengths_within_a_bucket() {
        let vault = VaultName::parse("v").unwrap();
        let commitment = Hash32([7; 32]);
        let scalar = ShareValue::random();
        let sizes: Vec<usize> = [0usize, 1, 100, 252]
            .iter()
            .map(|len| seal(&vec![b'x'; *len], &scalar, &context(&vault, &commitment)).unwrap().1 .0.len())
            .collect();
        assert!(sizes.iter().all(|s| *s == sizes[0]), "{sizes:?}");
        let bigger = seal(&[b'x'; 253], &scalar, &context(&vault, &commitment)).unwrap().1;
        assert!(bigger.0.len() > sizes[0]);
        assert_eq!(
            seal(&vec![0; MAX_SECRET_BYTES + 1], &scalar, &context(&vault, &commitment)),
            Err(CipherError::TooLarge)
        );
    }

    #[test]
    fn the_value_opens_only_with_the_same_scalar_and_context() {
        let vault = VaultName::parse("v").unwrap();
        let other_vault = VaultName::parse("w").unwrap();
        let commitment = Hash32([7; 32]);
        let other_commitment = Hash32([8; 32]);
        let scalar = ShareValue::random();
        let (nonce, ct) = seal("pässword".as_bytes(), &scalar, &context(&vault, &commitment)).unwrap();
        assert_eq!(
            open(&nonce, &ct, &scalar, &context(&vault, &commitment)).unwrap().as_slice(),
            "pässword".as_bytes()
        );
        assert!(open(&nonce, &ct, &ShareValue::random(), &context(&vault, &commitment)).is_err());
        assert!(open(&nonce, &ct, &scalar, &context(&other_vault, &commitment)).is_err());
        assert!(open(&nonce, &ct, &scalar, &context(&vault, &other_commitment)).is_err());
    }
}

//! The Shamir envelope. Shamir is never used bare: a random key K is split, the secret is sealed
//! with ChaCha20-Poly1305 under K, and every share travels with the ciphertext and the parameters
//! it belongs to. A bad set of shares is an error, never a wrong secret.

use std::collections::BTreeSet;

use blahaj::{Share, Sharks};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

use crate::encoding::Bytes;
use crate::error::{ErrorCode, HasErrorCode};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;

/// One device's share of one secret version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareEnvelope {
    pub secret_id: String,
    pub version: u32,
    pub k: u8,
    pub n: u8,
    pub x: u8,
    /// The share's y values: one byte per byte of K.
    pub share: Bytes,
    pub nonce: Bytes,
    pub ciphertext: Bytes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error("threshold must satisfy 1 <= k <= n <= 255")]
    BadThreshold,
    #[error("no shares given")]
    Empty,
    #[error("need {needed} shares, have {have}")]
    Insufficient { needed: u8, have: usize },
    #[error("a share has x = 0, which would expose the key")]
    ZeroX,
    #[error("two shares have the same x")]
    DuplicateX,
    #[error("shares belong to different secrets, versions or parameters")]
    Mixed,
    #[error("a share is malformed")]
    Malformed,
    #[error("the shares do not open the secret")]
    Corrupt,
}

impl HasErrorCode for ShareError {
    fn code(&self) -> ErrorCode {
        match self {
            ShareError::BadThreshold => ErrorCode::InvalidInput,
            ShareError::Empty | ShareError::Insufficient { .. } => ErrorCode::InsufficientShares,
            _ => ErrorCode::InvalidShares,
        }
    }
}

fn aad(secret_id: &str, version: u32, k: u8, n: u8) -> Vec<u8> {
    let mut aad = b"meta-secret/secret/v1\0".to_vec();
    aad.extend_from_slice(secret_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad.extend_from_slice(&[k, n]);
    aad
}

/// Splits the 32-byte key into `n` Shamir shares with threshold `k` (x = 1..=n).
pub(crate) fn split_key(key: &[u8; KEY_LEN], k: u8, n: u8) -> Vec<Share> {
    Sharks(k).dealer(key).take(n as usize).collect()
}

/// Seals `secret` and splits its key k-of-n. Envelope `i` has x = i + 1.
pub fn split(secret: &[u8], secret_id: &str, version: u32, k: u8, n: u8) -> Result<Vec<ShareEnvelope>, ShareError> {
    if k == 0 || k > n {
        return Err(ShareError::BadThreshold);
    }
    let mut key = [0u8; KEY_LEN];
    OsRng.fill_bytes(&mut key);
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
    let aad = aad(secret_id, version, k, n);
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: secret, aad: &aad })
        .map_err(|_| ShareError::Malformed)?;
    let shares = split_key(&key, k, n);
    key.fill(0);
    Ok(shares
        .iter()
        .map(|share| {
            let bytes = Vec::from(share);
            ShareEnvelope {
                secret_id: secret_id.to_owned(),
                version,
                k,
                n,
                x: bytes[0],
                share: Bytes(bytes[1..].to_vec()),
                nonce: Bytes(nonce.to_vec()),
                ciphertext: Bytes(ciphertext.clone()),
            }
        })
        .collect())
}

/// Recovers the secret from at least k envelopes of one secret version.
pub fn combine(envelopes: &[ShareEnvelope]) -> Result<Vec<u8>, ShareError> {
    let first = envelopes.first().ok_or(ShareError::Empty)?;
    let same_set = |e: &ShareEnvelope| {
        e.secret_id == first.secret_id
            && e.version == first.version
            && e.k == first.k
            && e.n == first.n
            && e.nonce == first.nonce
            && e.ciphertext == first.ciphertext
    };
    if !envelopes.iter().all(same_set) {
        return Err(ShareError::Mixed);
    }
    if first.k == 0 || first.k > first.n || first.nonce.0.len() != NONCE_LEN {
        return Err(ShareError::Malformed);
    }
    let mut xs = BTreeSet::new();
    for envelope in envelopes {
        if envelope.x == 0 {
            return Err(ShareError::ZeroX);
        }
        if envelope.share.0.len() != KEY_LEN {
            return Err(ShareError::Malformed);
        }
        if !xs.insert(envelope.x) {
            return Err(ShareError::DuplicateX);
        }
    }
    if envelopes.len() < first.k as usize {
        return Err(ShareError::Insufficient { needed: first.k, have: envelopes.len() });
    }
    let shares: Vec<Share> = envelopes
        .iter()
        .map(|e| {
            let mut bytes = vec![e.x];
            bytes.extend_from_slice(&e.share.0);
            Share::try_from(bytes.as_slice()).map_err(|_| ShareError::Malformed)
        })
        .collect::<Result<_, _>>()?;
    let mut key = Sharks(first.k).recover(&shares).map_err(|_| ShareError::Corrupt)?;
    if key.len() != KEY_LEN {
        return Err(ShareError::Corrupt);
    }
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
    key.fill(0);
    let aad = aad(&first.secret_id, first.version, first.k, first.n);
    cipher
        .decrypt(Nonce::from_slice(&first.nonce.0), Payload { msg: &first.ciphertext.0, aad: &aad })
        .map_err(|_| ShareError::Corrupt)
}

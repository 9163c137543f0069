//! Wire encodings: bytes travel as base64url strings, hashes as hex.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// Owned bytes that serialize as unpadded base64url.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Bytes {
    pub fn to_base64(&self) -> String {
        URL_SAFE_NO_PAD.encode(&self.0)
    }

    pub fn from_base64(text: &str) -> Option<Self> {
        URL_SAFE_NO_PAD.decode(text).ok().map(Bytes)
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Bytes::from_base64(&text).ok_or_else(|| serde::de::Error::custom("invalid base64url"))
    }
}

/// A SHA-256 digest, hex on the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hash32(pub [u8; 32]);

impl Hash32 {
    pub const ZERO: Hash32 = Hash32([0; 32]);

    pub fn digest(parts: &[&[u8]]) -> Hash32 {
        let mut hasher = Sha256::new();
        for part in parts {
            // Length-prefix every part so distinct part lists never hash alike.
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        Hash32(hasher.finalize().into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl std::fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash32({})", &self.to_hex()[..12])
    }
}

impl std::fmt::Display for Hash32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Hash32 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hash32 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&text, &mut out).map_err(|_| serde::de::Error::custom("invalid 32-byte hex hash"))?;
        Ok(Hash32(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_and_reject_garbage() {
        let b = Bytes(vec![0, 1, 2, 250, 255]);
        let json = serde_json::to_string(&b).unwrap();
        assert_eq!(serde_json::from_str::<Bytes>(&json).unwrap(), b);
        assert!(serde_json::from_str::<Bytes>("\"***\"").is_err());
    }

    #[test]
    fn hash_parts_are_length_prefixed() {
        assert_ne!(Hash32::digest(&[b"ab", b"c"]), Hash32::digest(&[b"a", b"bc"]));
        let h = Hash32::digest(&[b"x"]);
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<Hash32>(&json).unwrap(), h);
        assert!(serde_json::from_str::<Hash32>("\"00\"").is_err());
    }
}

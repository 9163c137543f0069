//! Device identity: an Ed25519 signing key, an age X25519 key, and the public `DeviceInfo`.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::encoding::{Bytes, Hash32};
use crate::error::{ErrorCode, HasErrorCode};

/// Stable device identifier: the first 16 bytes of SHA-256 over the public signing key, as hex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeviceId(String);

impl DeviceId {
    pub fn from_signing_key(key: &[u8; 32]) -> DeviceId {
        let digest = Hash32::digest(&[b"meta-secret/device-id/v1", key]);
        DeviceId(hex::encode(&digest.0[..16]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a device id given by a user or JS; only the shape is checked.
    pub fn parse(text: &str) -> Result<DeviceId, IdentityError> {
        let ok = text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        ok.then(|| DeviceId(text.to_owned()))
            .ok_or(IdentityError::Invalid("device id must be 32 lowercase hex characters"))
    }
}

impl std::fmt::Display for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Browser,
    Extension,
    Mobile,
    Desktop,
    Paper,
}

/// The public half of a device, as members see it in the vault log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub id: DeviceId,
    pub name: String,
    pub kind: DeviceKind,
    pub signing_key: Bytes,
    pub age_recipient: String,
}

pub const MAX_DEVICE_NAME_CHARS: usize = 64;

/// Bidirectional controls can make one name display as another ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A device name as a device introduces itself: bidirectional controls stripped, trimmed.
pub fn clean_device_name(name: &str) -> String {
    name.chars().filter(|c| !is_bidi_control(*c)).collect::<String>().trim().to_owned()
}

/// Characters that show as nothing (zero-width spaces and joiners, soft hyphen, word joiner,
/// BOM, variation selectors, Hangul fillers, tags, interlinear annotations, musical format
/// controls): a name with them looks like one without.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    ) || is_bidi_control(c)
}

/// What two device names are compared by, so people can tell devices apart by name: case-folded,
/// invisible characters removed, typographic apostrophes as `'`, blanks (the braille blank too)
/// as one space, trimmed. Look-alike letters from other scripts are not mapped (see
/// ARCHITECTURE.md, Known limits).
pub fn device_name_key(name: &str) -> String {
    let visible: String = name
        .chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{FF07}' => '\'',
            '\u{2800}' => ' ',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn validate_device_name(name: &str) -> Result<(), IdentityError> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > MAX_DEVICE_NAME_CHARS {
        return Err(IdentityError::Invalid("device name must be 1 to 64 characters"));
    }
    if name.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(IdentityError::Invalid("device name must not contain control or bidirectional characters"));
    }
    Ok(())
}

impl DeviceInfo {
    /// Checks that the info is self-consistent: the id derives from the key, both keys parse.
    pub fn validate(&self) -> Result<(), IdentityError> {
        validate_device_name(&self.name)?;
        let key = self.verifying_key()?;
        if DeviceId::from_signing_key(key.as_bytes()) != self.id {
            return Err(IdentityError::Invalid("device id does not match its signing key"));
        }
        self.recipient()?;
        Ok(())
    }

    pub fn verifying_key(&self) -> Result<VerifyingKey, IdentityError> {
        parse_verifying_key(&self.signing_key.0)
    }

    /// The code a candidate shows and an approver compares before accepting it: 16 digits
    /// (about 53 bits) from the device's keys and the vault name, so an impostor cannot grind a
    /// key whose code matches another device's.
    pub fn verification_code(&self, vault: &str) -> String {
        let digest = crate::encoding::Hash32::digest(&[
            b"meta-secret/verification-code/v1",
            vault.as_bytes(),
            &self.signing_key.0,
            self.age_recipient.as_bytes(),
        ]);
        let mut number = u64::from_be_bytes(digest.0[..8].try_into().unwrap_or_default()) % 10_u64.pow(16);
        let mut groups = [0u64; 4];
        for group in groups.iter_mut().rev() {
            *group = number % 10_000;
            number /= 10_000;
        }
        groups.iter().map(|g| format!("{g:04}")).collect::<Vec<_>>().join("-")
    }

    pub fn recipient(&self) -> Result<age::x25519::Recipient, IdentityError> {
        age::x25519::Recipient::from_str(&self.age_recipient)
            .map_err(|_| IdentityError::Invalid("age recipient does not parse"))
    }
}

pub fn parse_verifying_key(bytes: &[u8]) -> Result<VerifyingKey, IdentityError> {
    let array: [u8; 32] = bytes.try_into().map_err(|_| IdentityError::Invalid("signing key must be 32 bytes"))?;
    VerifyingKey::from_bytes(&array).map_err(|_| IdentityError::Invalid("signing key is not a valid point"))
}

/// Verifies an Ed25519 signature strictly (no malleable or small-order keys).
pub fn verify_signature(key: &VerifyingKey, message: &[u8], signature: &[u8]) -> Result<(), IdentityError> {
    let signature = Signature::from_slice(signature).map_err(|_| IdentityError::BadSignature)?;
    key.verify_strict(message, &signature).map_err(|_| IdentityError::BadSignature)
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("invalid identity: {0}")]
    Invalid(&'static str),
    #[error("signature does not verify")]
    BadSignature,
    #[error("wrong passphrase for the device keys")]
    WrongPassphrase,
    #[error("stored device keys are unreadable")]
    Corrupt,
}

impl HasErrorCode for IdentityError {
    fn code(&self) -> ErrorCode {
        match self {
            IdentityError::Invalid(_) | IdentityError::Corrupt => ErrorCode::InvalidInput,
            IdentityError::BadSignature => ErrorCode::BadSignature,
            IdentityError::WrongPassphrase => ErrorCode::WrongPassphrase,
        }
    }
}

/// A device's private keys together with its public info.
pub struct DeviceKeys {
    signing: SigningKey,
    age: age::x25519::Identity,
    info: DeviceInfo,
}

impl std::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceKeys").field("id", &self.info.id).finish_non_exhaustive()
    }
}

/// How exported key material is protected at rest.
pub enum KeyProtection<'a> {
    /// age scrypt recipient; `work_factor` is scrypt's log2(N) (age's default is 18).
    Passphrase { passphrase: &'a str, work_factor: u8 },
    /// Plain JSON, for demos and tests only.
    Unprotected,
}

impl KeyProtection<'_> {
    pub const DEFAULT_WORK_FACTOR: u8 = 18;
    /// Below this a stolen key blob falls to a cheap brute force (2^14 scrypt rounds ≈ 16 MiB).
    pub const MIN_WORK_FACTOR: u8 = 14;
    /// scrypt needs 1 KiB × 2^factor of memory: 2^20 is 1 GiB, the most a browser tab can give.
    pub const MAX_WORK_FACTOR: u8 = 20;

    /// Refuses a work factor outside the sane range (age itself panics on 0 and on 64 and up).
    pub fn check_work_factor(work_factor: u8) -> Result<(), IdentityError> {
        match (Self::MIN_WORK_FACTOR..=Self::MAX_WORK_FACTOR).contains(&work_factor) {
            true => Ok(()),
            false => Err(IdentityError::Invalid("the key work factor must be between 14 and 20")),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    version: u8,
    name: String,
    kind: DeviceKind,
    signing_seed: Bytes,
    age_identity: String,
}

impl Drop for StoredKeys {
    /// The private keys in their serialized form are wiped, not left for the allocator.
    fn drop(&mut self) {
        self.signing_seed.0.zeroize();
        self.age_identity.zeroize();
    }
}

const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

impl DeviceKeys {
    pub fn generate(name: &str, kind: DeviceKind) -> Result<DeviceKeys, IdentityError> {
        let name = &clean_device_name(name);
        validate_device_name(name)?;
        let signing = SigningKey::generate(&mut rand_core::OsRng);
        Ok(Self::assemble(signing, age::x25519::Identity::generate(), name.to_owned(), kind))
    }

    fn assemble(signing: SigningKey, age: age::x25519::Identity, name: String, kind: DeviceKind) -> DeviceKeys {
        let public = signing.verifying_key().to_bytes();
        let info = DeviceInfo {
            id: DeviceId::from_signing_key(&public),
            name,
            kind,
            signing_key: Bytes(public.to_vec()),
            age_recipient: age.to_public().to_string(),
        };
        DeviceKeys { signing, age, info }
    }

    /// Keys from secret material derived elsewhere (a recovery kit's seed): an Ed25519 seed and
    /// an X25519 secret, handed to age in its own encoding.
    pub fn from_secrets(
        signing_seed: &[u8; 32],
        x25519_secret: &[u8; 32],
        name: &str,
        kind: DeviceKind,
    ) -> Result<DeviceKeys, IdentityError> {
        let name = clean_device_name(name);
        validate_device_name(&name)?;
        let hrp = bech32::Hrp::parse("age-secret-key-").map_err(|_| IdentityError::Corrupt)?;
        // Written into a buffer sized up front, so no copy of the secret is left behind by growth.
        let mut encoded = Zeroizing::new(String::with_capacity(128));
        bech32::encode_upper_to_fmt::<bech32::Bech32, String>(&mut encoded, hrp, x25519_secret)
            .map_err(|_| IdentityError::Corrupt)?;
        let age = age::x25519::Identity::from_str(&encoded).map_err(|_| IdentityError::Corrupt)?;
        Ok(Self::assemble(SigningKey::from_bytes(signing_seed), age, name, kind))
    }

    pub fn id(&self) -> &DeviceId {
        &self.info.id
    }

    pub fn info(&self) -> &DeviceInfo {
        &self.info
    }

    pub fn sign(&self, message: &[u8]) -> Bytes {
        Bytes(self.signing.sign(message).to_bytes().to_vec())
    }

    pub fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }

    /// Serializes the private keys, encrypted with age's scrypt recipient when given a passphrase.
    pub fn export(&self, protection: KeyProtection<'_>) -> Result<Vec<u8>, IdentityError> {
        let plain = self.to_plain_blob()?;
        match protection {
            KeyProtection::Unprotected => Ok(plain.to_vec()),
            KeyProtection::Passphrase { passphrase, work_factor } => seal_key_blob(&plain, passphrase, work_factor),
        }
    }

    /// Reads keys written by [`DeviceKeys::export`]. A protected blob needs the right passphrase;
    /// an unprotected one refuses a passphrase, so a caller never believes plain keys are protected.
    pub fn import(bytes: &[u8], passphrase: Option<&str>) -> Result<DeviceKeys, IdentityError> {
        match (is_sealed_key_blob(bytes), passphrase) {
            (true, Some(passphrase)) => Self::from_plain_blob(&unseal_key_blob(bytes, passphrase)?),
            (true, None) => Err(IdentityError::WrongPassphrase),
            (false, Some(_)) => Err(IdentityError::Invalid("keys are stored without a passphrase")),
            (false, None) => Self::from_plain_blob(bytes),
        }
    }

    /// The private keys as the unprotected blob (JSON, format version 1).
    pub fn to_plain_blob(&self) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
        let stored = StoredKeys {
            version: 1,
            name: self.info.name.clone(),
            kind: self.info.kind,
            signing_seed: Bytes(self.signing.to_bytes().to_vec()),
            age_identity: self.age.to_string().expose_secret().to_owned(),
        };
        Ok(Zeroizing::new(serde_json::to_vec(&stored).map_err(|_| IdentityError::Corrupt)?))
    }

    pub fn from_plain_blob(plain: &[u8]) -> Result<DeviceKeys, IdentityError> {
        let stored: StoredKeys = serde_json::from_slice(plain).map_err(|_| IdentityError::Corrupt)?;
        if stored.version != 1 {
            return Err(IdentityError::Corrupt);
        }
        let seed: Zeroizing<[u8; 32]> =
            Zeroizing::new(stored.signing_seed.0.as_slice().try_into().map_err(|_| IdentityError::Corrupt)?);
        let age = age::x25519::Identity::from_str(&stored.age_identity).map_err(|_| IdentityError::Corrupt)?;
        Ok(Self::assemble(SigningKey::from_bytes(&seed), age, stored.name.clone(), stored.kind))
    }
}

/// Whether a stored key blob is passphrase-protected (an age file) rather than plain.
pub fn is_sealed_key_blob(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_MAGIC)
}

/// The slow half of protecting keys (scrypt), apart from parsing them, so that a browser can run
/// it on another thread.
pub fn seal_key_blob(plain: &[u8], passphrase: &str, work_factor: u8) -> Result<Vec<u8>, IdentityError> {
    if passphrase.is_empty() {
        return Err(IdentityError::Invalid("passphrase must not be empty"));
    }
    KeyProtection::check_work_factor(work_factor)?;
    let mut recipient = age::scrypt::Recipient::new(passphrase.to_owned().into());
    recipient.set_work_factor(work_factor);
    age::encrypt(&recipient, plain).map_err(|_| IdentityError::Corrupt)
}

/// Opens a blob from [`seal_key_blob`]; any failure reads as a wrong passphrase.
pub fn unseal_key_blob(sealed: &[u8], passphrase: &str) -> Result<Zeroizing<Vec<u8>>, IdentityError> {
    let identity = age::scrypt::Identity::new(passphrase.to_owned().into());
    Ok(Zeroizing::new(age::decrypt(&identity, sealed).map_err(|_| IdentityError::WrongPassphrase)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_info_is_self_consistent() {
        let keys = DeviceKeys::generate("laptop", DeviceKind::Browser).unwrap();
        keys.info().validate().unwrap();
        let mut forged = keys.info().clone();
        forged.id = DeviceKeys::generate("other", DeviceKind::Browser).unwrap().id().clone();
        assert_eq!(forged.validate(), Err(IdentityError::Invalid("device id does not match its signing key")));
    }

    #[test]
    fn names_are_checked() {
        assert!(DeviceKeys::generate("", DeviceKind::Browser).is_err());
        assert!(DeviceKeys::generate("a\nb", DeviceKind::Browser).is_err());
        assert!(DeviceKeys::generate(&"x".repeat(65), DeviceKind::Browser).is_err());
        assert!(DeviceKeys::generate("ключ 🔑", DeviceKind::Browser).is_ok());
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let keys = DeviceKeys::generate("a", DeviceKind::Browser).unwrap();
        let sig = keys.sign(b"hello");
        let key = keys.info().verifying_key().unwrap();
        verify_signature(&key, b"hello", &sig.0).unwrap();
        assert_eq!(verify_signature(&key, b"hellO", &sig.0), Err(IdentityError::BadSignature));
        assert_eq!(verify_signature(&key, b"hello", &sig.0[..10]), Err(IdentityError::BadSignature));
    }

    #[test]
    fn unprotected_export_round_trips() {
        let keys = DeviceKeys::generate("a", DeviceKind::Paper).unwrap();
        let blob = keys.export(KeyProtection::Unprotected).unwrap();
        let back = DeviceKeys::import(&blob, None).unwrap();
        assert_eq!(back.info(), keys.info());
        assert!(DeviceKeys::import(&blob, Some("pw")).is_err());
        assert_eq!(DeviceKeys::import(b"{not json", None).unwrap_err(), IdentityError::Corrupt);
    }

    #[test]
    fn passphrase_export_is_encrypted_and_checks_the_passphrase() {
        let keys = DeviceKeys::generate("a", DeviceKind::Browser).unwrap();
        let protection = KeyProtection::Passphrase { passphrase: "correct horse", work_factor: 14 };
        let blob = keys.export(protection).unwrap();
        let seed_b64 = Bytes(keys.signing.to_bytes().to_vec()).to_base64();
        assert!(!String::from_utf8_lossy(&blob).contains(&seed_b64), "seed must not be in the clear");
        let back = DeviceKeys::import(&blob, Some("correct horse")).unwrap();
        assert_eq!(back.info(), keys.info());
        assert_eq!(DeviceKeys::import(&blob, Some("wrong")).unwrap_err(), IdentityError::WrongPassphrase);
        assert_eq!(DeviceKeys::import(&blob, None).unwrap_err(), IdentityError::WrongPassphrase);
    }

    #[test]
    fn the_work_factor_is_bounded() {
        let keys = DeviceKeys::generate("a", DeviceKind::Browser).unwrap();
        for bad in [0, 1, 10, 13, 21, 63, 64, 255] {
            let protection = KeyProtection::Passphrase { passphrase: "pw", work_factor: bad };
            let error = keys.export(protection).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidInput, "work factor {bad}");
        }
        for good in [KeyProtection::MIN_WORK_FACTOR, 15] {
            assert!(keys.export(KeyProtection::Passphrase { passphrase: "pw", work_factor: good }).is_ok());
        }
    }

    #[test]
    fn the_split_seal_matches_export_and_import() {
        let keys = DeviceKeys::generate("a", DeviceKind::Browser).unwrap();
        let sealed = seal_key_blob(&keys.to_plain_blob().unwrap(), "pw", 14).unwrap();
        assert!(is_sealed_key_blob(&sealed));
        assert_eq!(DeviceKeys::import(&sealed, Some("pw")).unwrap().id(), keys.id());
        let plain = unseal_key_blob(&sealed, "pw").unwrap();
        assert_eq!(DeviceKeys::from_plain_blob(&plain).unwrap().id(), keys.id());
        assert_eq!(unseal_key_blob(&sealed, "no").unwrap_err(), IdentityError::WrongPassphrase);
        assert!(seal_key_blob(&plain, "", 14).is_err());
        assert!(seal_key_blob(&plain, "pw", 13).is_err());
        let future = String::from_utf8(plain.to_vec()).unwrap().replace("\"version\":1", "\"version\":2");
        assert_eq!(DeviceKeys::from_plain_blob(future.as_bytes()).unwrap_err(), IdentityError::Corrupt);
    }
}

//! Recovery kits: a vault member on paper. A kit is a 32-byte seed, written as 24 BIP39 words
//! (with their checksum); its Ed25519 and X25519 keys are derived from the seed with HKDF under
//! distinct labels, so the words alone bring the member back on any device. The seed is never
//! stored, and errors never repeat a word.

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::identity::{DeviceKeys, DeviceKind, IdentityError};

pub const KIT_WORDS: usize = 24;
const SALT: &[u8] = b"meta-secret recovery kit";
const SIGNING_LABEL: &[u8] = b"meta-secret/kit/v1/ed25519";
const X25519_LABEL: &[u8] = b"meta-secret/kit/v1/x25519";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KitError {
    #[error("a recovery kit has {KIT_WORDS} words; this has {0}")]
    WordCount(usize),
    #[error("word {0} is not a recovery-kit word")]
    UnknownWord(usize),
    #[error("the words do not check out: one is wrong, or two are swapped")]
    Checksum,
    #[error("this kit card is of a format this version cannot read (it reads format 1)")]
    CardVersion,
    #[error("the kit card names no valid vault: {0}")]
    CardVault(String),
}

impl KitError {
    /// The 1-based position of the word at fault, when one word is.
    pub fn position(&self) -> Option<usize> {
        match self {
            KitError::UnknownWord(position) => Some(*position),
            _ => None,
        }
    }
}

/// The first line of a kit card's text (its QR code): the format, versioned.
pub const CARD_PREFIX: &str = "meta-secret-kit/";
const CARD_VERSION: &str = "1";

/// What a kit's QR code holds, or what a person pastes: the vault and the words.
pub struct KitCard {
    pub vault: Option<String>,
    pub seed: KitSeed,
}

impl KitCard {
    /// The card's text: `meta-secret-kit/1`, the vault name and the 24 words, one per line.
    pub fn text(vault: &str, seed: &KitSeed) -> Zeroizing<String> {
        let words = seed.words();
        let mut text = Zeroizing::new(String::with_capacity(CARD_PREFIX.len() + vault.len() + words.len() + 8));
        for part in [CARD_PREFIX, CARD_VERSION, "\n", vault, "\n", words.as_str()] {
            text.push_str(part);
        }
        text
    }

    /// Reads a card's text, or bare words (then the vault is not named). Whitespace of any kind
    /// separates the parts (a scanner or a PDF may join the lines); invisible characters a copy
    /// may carry are dropped. Errors never repeat what was read.
    pub fn parse(text: &str) -> Result<KitCard, KitError> {
        // Sized up front: a String grown by collect() reallocates, leaving unwiped partial copies of
        // the words in freed memory (the wasm memory-scan test caught one).
        let mut clean = Zeroizing::new(String::with_capacity(text.len()));
        clean.extend(text.chars().filter(|c| !INVISIBLE.contains(c)));
        let text = clean;
        let text = text.trim();
        let Some(rest) = text.strip_prefix(CARD_PREFIX) else {
            return Ok(KitCard { vault: None, seed: KitSeed::from_words(text)? });
        };
        let mut parts = rest.split_whitespace();
        if parts.next() != Some(CARD_VERSION) {
            return Err(KitError::CardVersion);
        }
        let vault = parts.next().unwrap_or_default();
        crate::event::VaultName::parse(vault).map_err(|e| KitError::CardVault(e.to_string()))?;
        let words = rest.split_whitespace().skip(2).collect::<Vec<_>>();
        let mut joined = Zeroizing::new(String::with_capacity(rest.len()));
        for word in words {
            joined.push_str(word);
            joined.push(' ');
        }
        Ok(KitCard { vault: Some(vault.to_string()), seed: KitSeed::from_words(&joined)? })
    }

    /// How many words `text` holds as a person types it (a card's header not counted).
    pub fn word_count(text: &str) -> usize {
        let words = text.split_whitespace();
        match text.trim_start().starts_with(CARD_PREFIX) {
            true => words.count().saturating_sub(2),
            false => words.count(),
        }
    }
}

/// Zero-width and soft-hyphen characters that copying from a PDF or a chat can slip in.
const INVISIBLE: &[char] = &['\u{00AD}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// The kit words that start with `prefix` (lowercase), for autocomplete.
pub fn words_starting_with(prefix: &str) -> Vec<&'static str> {
    let prefix = prefix.trim().to_ascii_lowercase();
    if prefix.is_empty() {
        return Vec::new();
    }
    bip39::Language::English.words_by_prefix(&prefix).to_vec()
}

/// A kit's secret: held only while a kit is made or used, and wiped on drop.
pub struct KitSeed(Zeroizing<[u8; 32]>);

impl KitSeed {
    pub fn generate() -> KitSeed {
        let mut seed = Zeroizing::new([0u8; 32]);
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, seed.as_mut());
        KitSeed(seed)
    }

    /// The seed as 24 lowercase words separated by single spaces.
    pub fn words(&self) -> Zeroizing<String> {
        // 32 bytes of entropy always make a valid 24-word mnemonic.
        let mnemonic = bip39::Mnemonic::from_entropy(self.0.as_ref()).expect("32 bytes is valid BIP39 entropy");
        // Sized up front: a growing String would leave copies of the words in freed memory.
        let mut text = Zeroizing::new(String::with_capacity(KIT_WORDS * 9));
        for (i, word) in mnemonic.words().enumerate() {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(word);
        }
        text
    }

    /// Reads words as a person types them: any case, any whitespace between words.
    pub fn from_words(text: &str) -> Result<KitSeed, KitError> {
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.len() != KIT_WORDS {
            return Err(KitError::WordCount(words.len()));
        }
        if let Some(position) = words.iter().position(|word| !word.chars().all(|c| c.is_ascii_alphabetic())) {
            return Err(KitError::UnknownWord(position + 1));
        }
        let mut normalized = Zeroizing::new(String::with_capacity(text.len()));
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                normalized.push(' ');
            }
            normalized.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        let mnemonic =
            bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normalized).map_err(|e| match e {
                bip39::Error::UnknownWord(index) => KitError::UnknownWord(index + 1),
                bip39::Error::InvalidChecksum => KitError::Checksum,
                _ => KitError::WordCount(words.len()),
            })?;
        let (entropy, length) = mnemonic.to_entropy_array();
        let entropy = Zeroizing::new(entropy);
        if length != 32 {
            return Err(KitError::WordCount(words.len()));
        }
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&entropy[..32]);
        Ok(KitSeed(seed))
    }

    /// The kit's keys, as a member of kind `paper` named `label`.
    pub fn device_keys(&self, label: &str) -> Result<DeviceKeys, IdentityError> {
        let hkdf = Hkdf::<Sha256>::new(Some(SALT), self.0.as_ref());
        let (mut signing, mut x25519) = (Zeroizing::new([0u8; 32]), Zeroizing::new([0u8; 32]));
        hkdf.expand(SIGNING_LABEL, signing.as_mut()).map_err(|_| IdentityError::Corrupt)?;
        hkdf.expand(X25519_LABEL, x25519.as_mut()).map_err(|_| IdentityError::Corrupt)?;
        DeviceKeys::from_secrets(&signing, &x25519, label, DeviceKind::Paper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_derive_the_same_member() {
        let seed = KitSeed::generate();
        let words = seed.words();
        assert_eq!(words.split(' ').count(), KIT_WORDS);
        let typed = format!("  {}\n", words.to_uppercase().replace(' ', "  \t"));
        let again = KitSeed::from_words(&typed).unwrap();
        let (a, b) = (seed.device_keys("kit").unwrap(), again.device_keys("kit").unwrap());
        assert_eq!(a.info(), b.info());
        assert_eq!(a.info().kind, DeviceKind::Paper);
        // The two keys come from distinct labels, and another seed gives another member.
        assert_ne!(a.info().signing_key.0, a.age_identity().to_public().to_string().into_bytes());
        assert_ne!(KitSeed::generate().device_keys("kit").unwrap().id(), a.id());
        // The derived keys sign and seal like any device's.
        let signature = a.sign(b"hello");
        crate::identity::verify_signature(&a.info().verifying_key().unwrap(), b"hello", &signature.0).unwrap();
    }

    #[test]
    fn a_derivation_is_pinned() {
        let seed = KitSeed(Zeroizing::new([7u8; 32]));
        assert_eq!(seed.words().split(' ').next(), Some("alpha"));
        // A printed kit must keep working: the derivation may never change under format v1.
        let keys = seed.device_keys("pinned").unwrap();
        assert_eq!(keys.id().as_str(), "bec8fd010385f7f68cc72378cf966dae");
        assert_eq!(keys.info().age_recipient, "age1rtxn77xe9aq02ncsnfhdm2ww0jw5ff6g5l26zlpgmz2y684tg5zq3vqrxd");
    }

    #[test]
    fn wrong_swapped_missing_and_foreign_words_are_clear_errors() {
        let words = KitSeed::generate().words();
        let list: Vec<&str> = words.split(' ').collect();
        let mut wrong = list.clone();
        wrong[4] = "notaword";
        assert_eq!(KitSeed::from_words(&wrong.join(" ")).err(), Some(KitError::UnknownWord(5)));
        let mut digits = list.clone();
        digits[0] = "abandon1";
        assert_eq!(KitSeed::from_words(&digits.join(" ")).err(), Some(KitError::UnknownWord(1)));
        assert_eq!(KitSeed::from_words(&list[..23].join(" ")).err(), Some(KitError::WordCount(23)));
        // A swap keeps every word valid; the checksum catches it (unless the two are equal, or the
        // swap happens to keep the 8-bit checksum: try swaps until one breaks it).
        let broken = (0..23).find_map(|i| {
            let mut swapped = list.clone();
            swapped.swap(i, i + 1);
            (swapped != list).then(|| KitSeed::from_words(&swapped.join(" ")).err()).flatten()
        });
        assert_eq!(broken, Some(KitError::Checksum));
        // The message never repeats a word.
        assert!(!KitError::UnknownWord(5).to_string().contains("notaword"));
    }

    #[test]
    fn a_card_names_its_vault_and_is_versioned() {
        let seed = KitSeed(Zeroizing::new([7u8; 32]));
        let text = KitCard::text("family", &seed);
        assert!(text.starts_with("meta-secret-kit/1\nfamily\nalpha "), "{}", text.as_str());
        let card = KitCard::parse(&format!("  {}\r\n", text.as_str())).unwrap();
        assert_eq!(card.vault.as_deref(), Some("family"));
        assert_eq!(card.seed.words(), seed.words());
        let bare = KitCard::parse(&seed.words()).unwrap();
        assert_eq!((bare.vault, bare.seed.words()), (None, seed.words()));
        let later = text.replacen("kit/1", "kit/2", 1);
        assert_eq!(KitCard::parse(&later).err(), Some(KitError::CardVersion));
        // Lines joined by a scanner, and zero-width characters from a copy, still read.
        let joined = format!("{}\u{200B}", text.replace('\n', " ").replacen("alpha", "al\u{200B}pha", 1));
        assert_eq!(KitCard::parse(&joined).unwrap().seed.words(), seed.words());
        // A format error never repeats what follows the prefix (it may be the words).
        let garbled = format!("meta-secret-kit/1family {}", seed.words().as_str());
        let error = KitCard::parse(&garbled).err().unwrap().to_string();
        assert!(!error.contains("alpha") && !error.contains("family"), "{error}");
        assert_eq!(KitCard::word_count(&text), 24);
        assert!(matches!(KitCard::parse("meta-secret-kit/1\n\u{202e}x\nalpha"), Err(KitError::CardVault(_))));
    }

    #[test]
    fn completions_come_from_the_word_list() {
        assert_eq!(words_starting_with("zo"), ["zone", "zoo"]);
        assert_eq!(words_starting_with(" ZOO"), ["zoo"]);
        assert!(words_starting_with("").is_empty() && words_starting_with("qq").is_empty());
    }
}

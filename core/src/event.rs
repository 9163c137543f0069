//! Events of the vault log: `GenericKvLogEvent` (one row), its object descriptor, and the signed
//! envelope every device pushes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::encoding::{Bytes, Hash32};
use crate::error::{ErrorCode, HasErrorCode};
use crate::identity::{verify_signature, DeviceId, DeviceInfo, DeviceKeys, IdentityError};
use crate::secrets::events::{RecoveryRequest, SealedSecret};
use crate::vault::generations::{GenerationAck, GenerationComplaint, GenerationDealing, GenerationId};

/// A vault's name: its join handle, and the key of its Durable Object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct VaultName(String);

pub const MAX_VAULT_NAME_LEN: usize = 64;

impl VaultName {
    pub fn parse(text: &str) -> Result<VaultName, EventError> {
        // Full-width forms (U+FF01..U+FF5E) are what NFKC maps to ASCII in the characters a name
        // may use; every other non-ASCII character (other scripts, so no look-alikes across
        // scripts, invisible and compatibility characters) is refused rather than mapped.
        let normalized: String = text
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
                _ => c,
            })
            .collect();
        let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if normalized.is_empty() || normalized.len() > MAX_VAULT_NAME_LEN {
            return Err(EventError::InvalidVaultName("must be 1 to 64 characters"));
        }
        if !normalized.chars().all(ok_char) || normalized.starts_with('.') {
            return Err(EventError::InvalidVaultName(
                "use ASCII letters, digits, '-', '_' or '.', not starting with '.' (other scripts and \
                 invisible characters are refused so that no two names look alike)",
            ));
        }
        // Case-folded, so names that read the same reach the same vault.
        Ok(VaultName(normalized.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for VaultName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        VaultName::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for VaultName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The member that made a recovery kit, vouching for the kit's join request. The maker saw the
/// kit's words, so its vote never counts toward the kit's admission (only its word that the words
/// are stored): the kit needs the quorum of the other members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KitMaker {
    pub maker: DeviceId,
    /// The maker's signature over [`KitMaker::message`].
    pub signature: Bytes,
}

impl KitMaker {
    /// What the maker signs: the vault and the kit's keys (v1).
    pub fn message(vault: &VaultName, kit: &DeviceInfo) -> Vec<u8> {
        let mut message = b"meta-secret kit maker v1\0".to_vec();
        for part in [vault.as_str().as_bytes(), kit.id.as_str().as_bytes(), &kit.signing_key.0] {
            message.extend_from_slice(&(part.len() as u32).to_be_bytes());
            message.extend_from_slice(part);
        }
        message
    }

    pub fn sign(maker: &DeviceKeys, vault: &VaultName, kit: &DeviceInfo) -> KitMaker {
        KitMaker { maker: maker.id().clone(), signature: maker.sign(&Self::message(vault, kit)) }
    }

    pub fn verify(&self, maker: &DeviceInfo, vault: &VaultName, kit: &DeviceInfo) -> Result<(), IdentityError> {
        verify_signature(&maker.verifying_key()?, &Self::message(vault, kit), &self.signature.0)
    }
}

/// Which table (object log) of the vault an event belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "table", content = "id", rename_all = "snake_case")]
pub enum ObjectDescriptor {
    /// The vault itself: creation and membership.
    Vault,
    /// One secret's log: its sealed value and its deletion.
    Secret(String),
    /// One recovery claim's log: the claim, partials, declines and completion.
    Recovery(String),
    /// Vault key generations: openings, dealings, acknowledgements and complaints.
    Generation,
}

/// One row of the vault commit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GenericKvLogEvent {
    /// Genesis: the owner creates the vault and is its first member.
    VaultCreated {
        owner: DeviceInfo,
        /// Member approvals a governance change needs (capped by the member count).
        quorum: u8,
        /// The key the owner's first generation parts are sealed to.
        receive_key: Bytes,
    },
    /// A candidate device asks to join; signed by the candidate itself.
    JoinRequested {
        candidate: DeviceInfo,
        /// The key its first parts are sealed to (a ristretto255 point; renewed with each ack).
        receive_key: Bytes,
        /// For a recovery kit (kind `paper`): the member that made it and saw its words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kit_maker: Option<KitMaker>,
        /// Proof that the candidate holds an invite a member made (`InviteCreated`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invite: Option<crate::invite::InviteUse>,
    },
    /// A member invites one device: a join request signed with the invite's key skips the
    /// outsiders' small pool of waiting requests. Used once; void after `expires_ms`.
    InviteCreated {
        /// The invite's ed25519 public key; its private half is in the invite code only.
        invite_key: Bytes,
        expires_ms: u64,
    },
    /// A member withdraws an unused invite.
    InviteRevoked {
        invite_key: Bytes,
    },
    /// A member's vote to accept `device`. It carries the approver's re-share of its generation
    /// shares to the member set the device joins: a person's approval is the only moment shares
    /// are dealt to a device no one dealt to before.
    JoinApproved {
        device: DeviceId,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dealings: Vec<GenerationDealing>,
    },
    /// One member may turn a request down; letting the device ask again takes a quorum.
    JoinDeclined {
        device: DeviceId,
    },
    /// A vote to let a declined device ask again.
    ReadmitApproved {
        device: DeviceId,
    },
    /// A vote to remove a member.
    RemovalApproved {
        device: DeviceId,
    },
    DeviceLeft,
    /// A vote to change the vault's quorum.
    QuorumApproved {
        quorum: u8,
    },
    /// A vote to change how long a claim may be approved after it is opened (claims opened
    /// before the change keep their lifetime).
    ClaimLifetimeApproved {
        minutes: u16,
    },
    /// A new secret, sealed once to a generation's public key.
    SecretSealed(SealedSecret),
    /// A vote to delete a secret.
    SecretDeletionApproved {
        secret_id: String,
    },
    /// Opens a protection level's next generation: a DKG among the devices trusted for it.
    GenerationOpened {
        level: u8,
    },
    /// A dealing of an open generation round (DKG, or a re-share to a set no larger than trusted).
    GenerationDealt(GenerationDealing),
    /// The author checked its parts of these rounds' chosen dealings; `receive_key` is where its
    /// next parts are sealed.
    GenerationAcked {
        acks: Vec<GenerationAck>,
        receive_key: Bytes,
    },
    /// A complaint with the evidence that lets anyone decide it.
    GenerationComplained(GenerationComplaint),
    /// A holder lost its share of `generation` (its device store was restored from its keys
    /// alone): the other holders re-share to the same holders, its parts sealed to `receive_key`.
    GenerationShareLost {
        generation: GenerationId,
        receive_key: Bytes,
    },
    RecoveryRequested(RecoveryRequest),
    /// An approver's partial decryption, sealed to the claim's ephemeral key.
    RecoveryPartial {
        claim_id: String,
        sealed: Bytes,
    },
    RecoveryDeclined {
        claim_id: String,
    },
    /// The requester closes its claim (revealed, or given up).
    RecoveryCompleted {
        claim_id: String,
    },
}

impl GenericKvLogEvent {
    /// The event as signed and hashed: every dealing without the parts that travel beside it.
    pub fn signed_form(&self) -> Cow<'_, GenericKvLogEvent> {
        match self {
            GenericKvLogEvent::GenerationDealt(dealing) if !dealing.parts.is_empty() => {
                Cow::Owned(GenericKvLogEvent::GenerationDealt(dealing.without_parts()))
            }
            GenericKvLogEvent::JoinApproved { device, dealings } if dealings.iter().any(|d| !d.parts.is_empty()) => {
                Cow::Owned(GenericKvLogEvent::JoinApproved {
                    device: device.clone(),
                    dealings: dealings.iter().map(GenerationDealing::without_parts).collect(),
                })
            }
            _ => Cow::Borrowed(self),
        }
    }

    /// The dealings this event carries.
    pub fn dealings(&self) -> &[GenerationDealing] {
        match self {
            GenericKvLogEvent::GenerationDealt(dealing) => std::slice::from_ref(dealing),
            GenericKvLogEvent::JoinApproved { dealings, .. } => dealings,
            _ => &[],
        }
    }

    pub fn dealings_mut(&mut self) -> &mut [GenerationDealing] {
        match self {
            GenericKvLogEvent::GenerationDealt(dealing) => std::slice::from_mut(dealing),
            GenericKvLogEvent::JoinApproved { dealings, .. } => dealings,
            _ => &mut [],
        }
    }

    /// Keeps only the part addressed to `reader`, with its path to the dealing's root: what a
    /// server sends each device of the whole dealings it stores.
    pub fn keep_parts_for(&mut self, reader: &DeviceId) {
        for dealing in self.dealings_mut() {
            let mine = crate::vault::generations::parts::addressed_to(&dealing.parts, reader);
            dealing.parts = mine.into_iter().collect();
        }
    }

    pub fn descriptor(&self) -> ObjectDescriptor {
        use GenericKvLogEvent as E;
        match self {
            E::SecretSealed(sealed) => ObjectDescriptor::Secret(sealed.secret_id.clone()),
            E::SecretDeletionApproved { secret_id } => ObjectDescriptor::Secret(secret_id.clone()),
            E::GenerationOpened { .. }
            | E::GenerationDealt(_)
            | E::GenerationAcked { .. }
            | E::GenerationComplained(_)
            | E::GenerationShareLost { .. } => ObjectDescriptor::Generation,
            E::RecoveryRequested(request) => ObjectDescriptor::Recovery(request.claim_id.clone()),
            E::RecoveryPartial { claim_id, .. }
            | E::RecoveryDeclined { claim_id }
            | E::RecoveryCompleted { claim_id } => ObjectDescriptor::Recovery(claim_id.clone()),
            _ => ObjectDescriptor::Vault,
        }
    }
}

/// An event as its author signed it. `(author, author_seq)` is unique in a vault, which makes a
/// re-push after a lost response idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEvent {
    /// [`EVENT_FORMAT`]; signed, so a verifier never reads one format as another.
    pub format: u16,
    pub vault: VaultName,
    pub author: DeviceId,
    pub author_seq: u64,
    /// The head its author had when it signed: a server that shows devices different histories
    /// is caught as soon as an event from one reaches the other.
    pub seen: Cursor,
    /// When its author signed it (ms since the epoch, the author's clock; 0 if unknown). Lets a
    /// person see how recent each device's newest event is, and lets a device prove a server
    /// withheld commits (see `sync::gateway`).
    pub time_ms: u64,
    pub event: GenericKvLogEvent,
    pub signature: Bytes,
}

/// Version of the signed event format (3 added `time_ms`; 4: vault key generations; 5: invites
/// and kit makers; 6: dealings sign their parts' Merkle root, the parts travel beside).
pub const EVENT_FORMAT: u16 = 6;

#[derive(Serialize)]
struct SignedPart<'a> {
    domain: &'static str,
    format: u16,
    vault: &'a VaultName,
    author: &'a DeviceId,
    author_seq: u64,
    seen: &'a Cursor,
    time_ms: u64,
    event: Cow<'a, GenericKvLogEvent>,
}

/// The whole signed event as its digest covers it: the signed part and the signature. Dealings'
/// parts, which travel beside the signature (each device receives only its own), are left out.
#[derive(Serialize)]
struct Digested<'a> {
    #[serde(flatten)]
    signed: SignedPart<'a>,
    signature: &'a Bytes,
}

impl SignedPart<'_> {
    fn bytes(&self) -> Vec<u8> {
        // Serializing plain structs, enums and strings cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl SignedEvent {
    /// Signs an event that cites no head (tools and tests; devices use [`SignedEvent::sign_seen`]).
    pub fn sign(keys: &DeviceKeys, vault: &VaultName, author_seq: u64, event: GenericKvLogEvent) -> SignedEvent {
        Self::sign_seen(keys, vault, author_seq, Cursor::EMPTY, event)
    }

    /// Signs an event citing `seen`, the head its author has, with no time.
    pub fn sign_seen(
        keys: &DeviceKeys,
        vault: &VaultName,
        author_seq: u64,
        seen: Cursor,
        event: GenericKvLogEvent,
    ) -> SignedEvent {
        Self::sign_at(keys, vault, author_seq, seen, 0, event)
    }

    /// Signs an event citing `seen` at `time_ms` (what devices do).
    pub fn sign_at(
        keys: &DeviceKeys,
        vault: &VaultName,
        author_seq: u64,
        seen: Cursor,
        time_ms: u64,
        event: GenericKvLogEvent,
    ) -> SignedEvent {
        let mut signed = SignedEvent {
            format: EVENT_FORMAT,
            vault: vault.clone(),
            author: keys.id().clone(),
            author_seq,
            seen,
            time_ms,
            event,
            signature: Bytes(Vec::new()),
        };
        signed.signature = keys.sign(&signed.signed_part().bytes());
        signed
    }

    fn signed_part(&self) -> SignedPart<'_> {
        SignedPart {
            domain: "meta-secret/event",
            format: self.format,
            vault: &self.vault,
            author: &self.author,
            author_seq: self.author_seq,
            seen: &self.seen,
            time_ms: self.time_ms,
            event: self.event.signed_form(),
        }
    }

    pub fn verify(&self, key: &ed25519_dalek::VerifyingKey) -> Result<(), IdentityError> {
        if self.format != EVENT_FORMAT {
            return Err(IdentityError::Invalid("unknown event format"));
        }
        verify_signature(key, &self.signed_part().bytes(), &self.signature.0)
    }

    /// Digest of the whole signed event, signature included, parts left out.
    pub fn digest(&self) -> Hash32 {
        let digested = Digested { signed: self.signed_part(), signature: &self.signature };
        Hash32::digest(&[&serde_json::to_vec(&digested).unwrap_or_default()])
    }
}

/// Where a log stands: the last commit's seq and hash (seq 0 and a zero hash for an empty log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cursor {
    pub seq: u64,
    pub hash: Hash32,
}

impl Cursor {
    pub const EMPTY: Cursor = Cursor { seq: 0, hash: Hash32::ZERO };
}

/// Largest seq a commit may carry, so it stays exact in JavaScript numbers and SQLite.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// A server-ordered row: the Durable Object assigns `seq` and chains it to the previous commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commit {
    pub seq: u64,
    pub prev_hash: Hash32,
    pub event: SignedEvent,
}

impl Commit {
    pub fn hash(&self) -> Hash32 {
        let digest = self.event.digest();
        Hash32::digest(&[b"meta-secret/commit/v1", &self.seq.to_be_bytes(), &self.prev_hash.0, &digest.0])
    }

    pub fn cursor(&self) -> Cursor {
        Cursor { seq: self.seq, hash: self.hash() }
    }

    /// The commit that follows `head`.
    pub fn after(head: Cursor, event: SignedEvent) -> Commit {
        Commit { seq: head.seq + 1, prev_hash: head.hash, event }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EventError {
    #[error("invalid vault name: {0}")]
    InvalidVaultName(&'static str),
}

impl HasErrorCode for EventError {
    fn code(&self) -> ErrorCode {
        ErrorCode::InvalidInput
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::DeviceKind;

    fn keys() -> DeviceKeys {
        DeviceKeys::generate("dev", DeviceKind::Browser).unwrap()
    }

    #[test]
    fn vault_names_are_checked() {
        assert!(VaultName::parse("family-vault_1.x").is_ok());
        for bad in ["", ".hidden", "a/b", "a b", "ä", &"x".repeat(65)] {
            assert!(VaultName::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(serde_json::from_str::<VaultName>("\"a/b\"").is_err());
    }

    /// The normalisation table: what reaches the vault `family`, and what is refused.
    #[test]
    fn vault_names_normalise_case_and_full_width_and_refuse_look_alikes() {
        let family = VaultName::parse("family").unwrap();
        // Case folding and NFKC's full-width forms reach the same vault.
        for same in ["Family", "FAMILY", "fAmIlY", "ｆａｍｉｌｙ", "ＦＡＭＩＬＹ", "ｆamily"] {
            assert_eq!(VaultName::parse(same).unwrap(), family, "{same:?}");
        }
        assert_eq!(VaultName::parse("FAMILY-Vault").unwrap().as_str(), "family-vault");
        assert_eq!(VaultName::parse("ｖａｕｌｔ＿１").unwrap().as_str(), "vault_1");
        let refused = [
            ("Cyrillic a (mixed scripts)", "fаmily"),
            ("Greek iota", "famіly"),
            ("all Cyrillic look-alike", "аррӏе"),
            ("zero-width space", "family\u{200B}"),
            ("zero-width joiner", "fam\u{200D}ily"),
            ("soft hyphen", "fam\u{00AD}ily"),
            ("bidi override", "\u{202E}family"),
            ("byte order mark", "\u{FEFF}family"),
            ("script l (compatibility, not mapped)", "famiℓy"),
            ("ligature", "ﬁle"),
            ("combining accent", "fami\u{0301}ly"),
            ("full-width space", "fam\u{3000}ily"),
            ("full-width slash", "a／b"),
            ("leading dot after mapping", "．hidden"),
            ("non-breaking space", "fam\u{00A0}ily"),
        ];
        for (what, name) in refused {
            assert!(VaultName::parse(name).is_err(), "{what}: {name:?} accepted");
        }
    }

    #[test]
    fn signed_event_round_trips_through_json_and_verifies() {
        let k = keys();
        let vault = VaultName::parse("v").unwrap();
        let event = SignedEvent::sign(
            &k,
            &vault,
            1,
            GenericKvLogEvent::VaultCreated { owner: k.info().clone(), quorum: 2, receive_key: Bytes(vec![1; 32]) },
        );
        let json = serde_json::to_string(&event).unwrap();
        let back: SignedEvent = serde_json::from_str(&json).unwrap();
        back.verify(&k.info().verifying_key().unwrap()).unwrap();
        assert_eq!(back.digest(), event.digest());
    }

    #[test]
    fn any_changed_field_breaks_the_signature() {
        let k = keys();
        let vault = VaultName::parse("v").unwrap();
        let event = SignedEvent::sign(&k, &vault, 7, GenericKvLogEvent::DeviceLeft);
        let key = k.info().verifying_key().unwrap();
        let mut e = event.clone();
        e.author_seq = 8;
        assert!(e.verify(&key).is_err());
        let mut e = event.clone();
        e.vault = VaultName::parse("w").unwrap();
        assert!(e.verify(&key).is_err());
        let mut e = event;
        e.event = GenericKvLogEvent::JoinDeclined { device: k.id().clone() };
        assert!(e.verify(&key).is_err());
    }

    #[test]
    fn commit_hash_covers_seq_prev_and_event() {
        let k = keys();
        let vault = VaultName::parse("v").unwrap();
        let event = SignedEvent::sign(&k, &vault, 1, GenericKvLogEvent::DeviceLeft);
        let c = Commit::after(Cursor::EMPTY, event);
        let mut other = c.clone();
        other.seq = 2;
        assert_ne!(c.hash(), other.hash());
        let mut other = c.clone();
        other.prev_hash = Hash32([1; 32]);
        assert_ne!(c.hash(), other.hash());
        assert_eq!(ObjectDescriptor::Vault, c.event.event.descriptor());
    }
}

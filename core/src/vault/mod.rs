//! The vault aggregate: one pure function, [`apply`], folds the commit log into [`VaultState`].
//! The server runs it before appending; every client runs it over what it pulls.

pub mod generations;
pub mod governance;
pub mod invites;
mod membership;
mod secrets;
mod shared;
mod violation;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::event::{Commit, Cursor, SignedEvent, VaultName, MAX_SEQ};
use crate::identity::{DeviceId, DeviceInfo};

pub use generations::{GenerationId, Generations};
pub use governance::{Proposal, Vote};
/// The state's maps bounded by the member set and open votes (a sorted Vec: each BTreeMap key/value
/// type costs the wasm its own copy of the B-tree code). Maps that outsiders or the user's data
/// can grow (declined, removed, author_seqs, secrets, claims) stay BTreeMaps: a LiteMap insert
/// shifts the whole Vec. Re-exported so callers can name the type.
pub use litemap::LiteMap;
pub use secrets::{ClaimRecord, ClaimStatus, SecretRecord, CLAIM_TTL_MS, MAX_LEVEL};
pub use shared::Shared;
pub use violation::RuleViolation;

/// Writes a LiteMap as a JSON object even when empty (LiteMap alone writes `[]` then), so the
/// snapshot stays what a BTreeMap wrote and older readers still read it.
pub(crate) fn map_json<K: Serialize, V: Serialize, S: serde::Serializer>(
    map: &LiteMap<K, V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(map.iter())
}

/// Everything the log says about a vault at its head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultState {
    pub vault: VaultName,
    pub head: Cursor,
    pub owner: Option<DeviceId>,
    /// The quorum; what a proposal needs is [`VaultState::required_votes_for`] (capped by a majority).
    pub quorum: u8,
    #[serde(serialize_with = "map_json")]
    pub members: LiteMap<DeviceId, DeviceInfo>,
    #[serde(serialize_with = "map_json")]
    pub pending: LiteMap<DeviceId, DeviceInfo>,
    pub declined: BTreeMap<DeviceId, DeviceInfo>,
    /// Devices that were removed or left. They may ask to join again like any outsider.
    pub removed: BTreeMap<DeviceId, DeviceInfo>,
    /// Highest `author_seq` committed per device; a new event must exceed it.
    pub author_seqs: BTreeMap<DeviceId, u64>,
    /// Open governance proposals by key, with their voters.
    #[serde(serialize_with = "map_json")]
    pub votes: LiteMap<String, Vote>,
    /// For each member admitted by vote: the members who approved it (at admission or later).
    /// A holder deals generation shares to a device no one dealt to only if it approved it.
    #[serde(serialize_with = "map_json")]
    pub approved_by: LiteMap<DeviceId, BTreeSet<DeviceId>>,
    /// Every protection level's key generations, and the devices' receive keys.
    pub generations: Generations,
    /// Every live secret: its generation and the commit that seals it.
    pub secrets: Shared<BTreeMap<String, SecretRecord>>,
    /// Ids of deleted secrets, never reused.
    pub deleted_secrets: Shared<BTreeSet<String>>,
    /// Recovery claims by claim id.
    pub claims: Shared<BTreeMap<String, ClaimRecord>>,
    /// The newest signed time of each member's events, so a person can notice a device that
    /// hears nothing new (a server freezing it).
    #[serde(default, serialize_with = "map_json")]
    pub last_event_ms: LiteMap<DeviceId, u64>,
    /// Open invites, and who vouched for each waiting device (a kit's maker, an inviter).
    #[serde(default)]
    pub vouching: invites::Vouching,
    /// How long a claim opened now may be approved (voted by the quorum; 15 minutes by default).
    #[serde(default = "default_claim_ttl")]
    pub claim_ttl_ms: u64,
}

fn default_claim_ttl() -> u64 {
    CLAIM_TTL_MS
}

/// A device's standing in a vault, as it may read it even as an outsider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatus {
    NoVault,
    NotMember,
    Pending,
    Declined,
    Member,
}

impl VaultState {
    pub fn empty(vault: VaultName) -> VaultState {
        VaultState {
            vault: vault.clone(),
            head: Cursor::EMPTY,
            owner: None,
            quorum: governance::DEFAULT_QUORUM,
            members: LiteMap::new(),
            pending: LiteMap::new(),
            declined: BTreeMap::new(),
            removed: BTreeMap::new(),
            author_seqs: BTreeMap::new(),
            votes: LiteMap::new(),
            approved_by: LiteMap::new(),
            generations: Generations::new(vault.clone()),
            secrets: Shared::default(),
            deleted_secrets: Shared::default(),
            claims: Shared::default(),
            last_event_ms: LiteMap::new(),
            vouching: invites::Vouching::default(),
            claim_ttl_ms: CLAIM_TTL_MS,
        }
    }

    pub fn exists(&self) -> bool {
        self.head.seq > 0
    }

    pub fn is_member(&self, device: &DeviceId) -> bool {
        self.members.contains_key(device)
    }

    pub fn status_of(&self, device: &DeviceId) -> MembershipStatus {
        if !self.exists() {
            MembershipStatus::NoVault
        } else if self.members.contains_key(device) {
            MembershipStatus::Member
        } else if self.pending.contains_key(device) {
            MembershipStatus::Pending
        } else if self.declined.contains_key(device) {
            MembershipStatus::Declined
        } else {
            MembershipStatus::NotMember
        }
    }

    pub fn last_author_seq(&self, device: &DeviceId) -> u64 {
        self.author_seqs.get(device).copied().unwrap_or(0)
    }

    /// Checks that `event` would be valid as the next commit, without changing anything.
    pub fn check_event(&self, event: &SignedEvent) -> Result<(), RuleViolation> {
        if event.vault != self.vault {
            return Err(RuleViolation::WrongVault);
        }
        // Stored as an exact integer in SQLite and JavaScript: refused before anything else.
        if event.author_seq == 0 || event.author_seq > MAX_SEQ {
            return Err(RuleViolation::AuthorSeqOutOfRange);
        }
        if event.time_ms > MAX_SEQ {
            return Err(RuleViolation::TimeOutOfRange);
        }
        let key = membership::author_key(self, event)?;
        event.verify(&key).map_err(|_| RuleViolation::BadSignature)?;
        let last = self.last_author_seq(&event.author);
        if event.author_seq <= last {
            return Err(RuleViolation::AuthorSeqNotIncreasing { last, got: event.author_seq });
        }
        membership::check_rules(self, &event.author, &event.event)?;
        invites::check(self, event)?;
        secrets::check_rules(self, &event.author, &event.event)?;
        secrets::check_claim_time(self, event)
    }

    /// [`Self::apply_commit`] for a commit the server takes in (pushed, or restored from a backup):
    /// a dealing must carry every target's part, so the server checks every part's proof and
    /// can hand each device its own (a device's copy of the log holds only those).
    pub fn apply_whole_commit(&mut self, commit: &Commit) -> Result<(), RuleViolation> {
        use crate::event::GenericKvLogEvent as E;
        let targets = match &commit.event.event {
            E::GenerationDealt(dealing) => {
                let round = self.generations.generations.get(&dealing.generation).and_then(|g| g.round.as_ref());
                round.map_or(dealing.parts.len(), |round| round.targets.len())
            }
            E::JoinApproved { device, .. } => membership::approval_targets(self, device).len(),
            _ => 0,
        };
        if commit.event.event.dealings().iter().any(|d| d.parts.len() != targets) {
            return Err(RuleViolation::InvalidSecret("a dealing needs one sealed part per target"));
        }
        self.apply_commit(commit)
    }

    /// Validates `commit` against the chain and the rules, then folds it in. On error the state is
    /// left exactly as it was.
    pub fn apply_commit(&mut self, commit: &Commit) -> Result<(), RuleViolation> {
        if commit.seq != self.head.seq + 1 || commit.prev_hash != self.head.hash {
            return Err(RuleViolation::ChainBroken { expected_seq: self.head.seq + 1, got_seq: commit.seq });
        }
        if commit.seq > MAX_SEQ {
            return Err(RuleViolation::SeqOverflow);
        }
        let seen = commit.event.seen;
        if seen.seq >= commit.seq || (seen.seq == 0 && seen.hash != crate::encoding::Hash32::ZERO) {
            return Err(RuleViolation::SeenAhead);
        }
        self.check_event(&commit.event)?;
        let event = &commit.event;
        self.author_seqs.insert(event.author.clone(), event.author_seq);
        let members_before: Vec<DeviceId> = self.members.keys().cloned().collect();
        let membership_changed = membership::fold(self, commit.seq, &event.author, &event.event);
        secrets::fold(self, commit.seq, event.time_ms, &event.author, &event.event);
        invites::fold(self, event);
        if membership_changed {
            let gone: Vec<DeviceId> = members_before.into_iter().filter(|d| !self.members.contains_key(d)).collect();
            for device in &gone {
                secrets::on_member_gone(self, device);
                self.approved_by.remove(device);
                self.last_event_ms.remove(device);
            }
            secrets::on_membership_change(self, !gone.is_empty());
        }
        if self.is_member(&event.author) && event.time_ms > 0 {
            let newest = self.last_event_ms.entry(event.author.clone()).or_default();
            *newest = (*newest).max(event.time_ms);
        }
        governance::prune(self);
        invites::prune(self);
        self.head = commit.cursor();
        Ok(())
    }
}

/// The pure form of the aggregate: the state after `commit`, or why `commit` is invalid.
pub fn apply(state: &VaultState, commit: &Commit) -> Result<VaultState, RuleViolation> {
    let mut next = state.clone();
    next.apply_commit(commit)?;
    Ok(next)
}

/// Folds a run of commits; all or nothing.
pub fn apply_all(state: &VaultState, commits: &[Commit]) -> Result<VaultState, RuleViolation> {
    let mut next = state.clone();
    for commit in commits {
        next.apply_commit(commit)?;
    }
    Ok(next)
}

impl generations::Membership for VaultState {
    fn is_member(&self, device: &DeviceId) -> bool {
        self.members.contains_key(device)
    }
    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool {
        self.approved_by.get(target).is_some_and(|voters| voters.contains(dealer))
    }
}

//! Secret, generation and recovery rules of the vault aggregate.

use litemap::LiteMap;
use std::collections::BTreeSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::generations::{verify_complaint, Generation, GenerationId, Membership};
use super::{RuleViolation, VaultState};
use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::cipher::SIZE_BUCKETS;
use crate::secrets::events::{valid_object_id, RecoveryRequest, SealedSecret, SECRET_FORMAT};

/// Largest sealed partial of a claim (an age file around a 97-byte partial).
pub const MAX_SEALED_PARTIAL: usize = 1024;
/// Highest protection level (threshold) a vault may open.
pub const MAX_LEVEL: u8 = 200;

/// A live secret: the generation it is sealed to and the commit that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRecord {
    pub generation: GenerationId,
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Open,
    Completed,
    /// Too many declines for the threshold to be reached.
    Failed,
    /// The secret's generation moved to a new epoch, or the secret was deleted, or the requester
    /// left.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub requester: DeviceId,
    pub request: RecoveryRequest,
    /// Approver → seq of its `recovery_partial` commit.
    #[serde(serialize_with = "super::map_json")]
    pub partials: LiteMap<DeviceId, u64>,
    pub declines: BTreeSet<DeviceId>,
    pub status: ClaimStatus,
    /// When the requester opened it (its signed event time); approvals end `ttl_ms` later.
    #[serde(default)]
    pub opened_ms: u64,
    /// The vault's claim lifetime when the claim was opened.
    #[serde(default = "default_ttl")]
    pub ttl_ms: u64,
}

fn default_ttl() -> u64 {
    CLAIM_TTL_MS
}

/// How long a claim may be approved after it was opened. A person approves a request they can see
/// being made; one left open (a device stolen since, a request forgotten) must not be approvable
/// days later.
pub const CLAIM_TTL_MS: u64 = 15 * 60 * 1000;

impl ClaimRecord {
    /// Whether an approval signed at `time_ms` comes too late.
    pub fn expired_at(&self, time_ms: u64) -> bool {
        time_ms > self.expires_ms()
    }

    /// The last time an approval may carry.
    pub fn expires_ms(&self) -> u64 {
        self.opened_ms.saturating_add(self.ttl_ms)
    }
}

/// Claims and approvals must say when they were made, or a claim could never expire.
pub(super) fn check_claim_time(state: &VaultState, event: &crate::event::SignedEvent) -> Result<(), RuleViolation> {
    use GenericKvLogEvent as E;
    match &event.event {
        E::RecoveryRequested(_) | E::RecoveryPartial { .. } if event.time_ms == 0 => {
            Err(RuleViolation::InvalidSecret("a claim and its approvals must carry their time"))
        }
        E::RecoveryPartial { claim_id, .. } => match state.claims.get(claim_id) {
            Some(claim) if claim.expired_at(event.time_ms) => Err(RuleViolation::ClaimExpired),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Governance as the generations see it: members, and who approved whom (`approving` is the
/// device the event itself approves).
pub(super) struct MembersView<'a> {
    pub members: &'a LiteMap<DeviceId, crate::identity::DeviceInfo>,
    pub approved_by: &'a LiteMap<DeviceId, BTreeSet<DeviceId>>,
    pub approving: Option<&'a DeviceId>,
}

impl Membership for MembersView<'_> {
    fn is_member(&self, device: &DeviceId) -> bool {
        self.members.contains_key(device)
    }
    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool {
        Some(target) == self.approving || self.approved_by.get(target).is_some_and(|v| v.contains(dealer))
    }
}

/// The membership view of `state`'s fields, borrowed apart from its generations.
macro_rules! members_view {
    ($state:expr, $approving:expr) => {
        MembersView { members: &$state.members, approved_by: &$state.approved_by, approving: $approving }
    };
}
pub(super) use members_view;

impl VaultState {
    /// The generation a secret is sealed to.
    pub fn generation_of(&self, secret_id: &str) -> Option<(GenerationId, &Generation)> {
        let record = self.secrets.get(secret_id)?;
        self.generations.generations.get(&record.generation).map(|g| (record.generation, g))
    }

    /// Members other than the requester who hold a usable share of the claim's generation.
    pub fn possible_approvers(&self, claim: &ClaimRecord) -> usize {
        let Some((_, generation)) = self.generation_of(&claim.request.secret_id) else { return 0 };
        generation
            .holders
            .keys()
            .filter(|d| self.is_member(d) && **d != claim.requester && !generation.faulty.contains(*d))
            .count()
    }

    /// The threshold of the claim's secret, if it still exists.
    pub fn claim_threshold(&self, claim: &ClaimRecord) -> Option<u8> {
        self.generation_of(&claim.request.secret_id).map(|(_, g)| g.k)
    }

    fn members_view(&self) -> MembersView<'_> {
        members_view!(self, None)
    }

    /// A usable holder of the secret's generation at `epoch`.
    fn holds(&self, secret_id: &str, epoch: u32, device: &DeviceId) -> Result<(), RuleViolation> {
        let (_, generation) = self.generation_of(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        if !generation.is_ready() || generation.epoch != epoch {
            return Err(RuleViolation::StaleEpoch);
        }
        if !generation.holders.contains_key(device) || generation.faulty.contains(device) {
            return Err(RuleViolation::NoShare);
        }
        Ok(())
    }

    /// Who a new generation of `level` is made among: the members trusted for it, or every
    /// member while no device holds anything yet (a new vault).
    pub fn generation_targets(&self, level: u8) -> Vec<DeviceId> {
        if self.generations.holders().is_empty() {
            return self.members.keys().cloned().collect();
        }
        let trusted = self.generations.trusted_for(level);
        self.members.keys().filter(|d| trusted.contains(*d)).cloned().collect()
    }

    /// True while `level` has a DKG under way among members only.
    fn dkg_under_way(&self, level: u8) -> bool {
        self.generations.generations.iter().any(|(id, g)| id.level == level && g.epoch == 0 && g.round.is_some())
    }
}

fn open_claim<'a>(state: &'a VaultState, claim_id: &str) -> Result<&'a ClaimRecord, RuleViolation> {
    let claim = state.claims.get(claim_id).ok_or(RuleViolation::UnknownClaim)?;
    if claim.status != ClaimStatus::Open {
        return Err(RuleViolation::ClaimClosed);
    }
    Ok(claim)
}

/// An approver's partial or decline: an open claim, by another holder of the claim's epoch who
/// has not answered yet.
fn check_response(state: &VaultState, author: &DeviceId, claim_id: &str) -> Result<(), RuleViolation> {
    let claim = open_claim(state, claim_id)?;
    if &claim.requester == author {
        return Err(RuleViolation::InvalidSecret("a requester cannot answer its own claim"));
    }
    state.holds(&claim.request.secret_id, claim.request.epoch, author).map_err(|e| match e {
        RuleViolation::StaleEpoch => RuleViolation::ClaimClosed,
        other => other,
    })?;
    if claim.partials.contains_key(author) || claim.declines.contains(author) {
        return Err(RuleViolation::AlreadyResponded);
    }
    Ok(())
}

fn padded(bytes: &Bytes) -> bool {
    SIZE_BUCKETS.iter().any(|b| b + 16 == bytes.0.len())
}

fn check_sealed(state: &VaultState, author: &DeviceId, sealed: &SealedSecret) -> Result<(), RuleViolation> {
    let bad = RuleViolation::InvalidSecret;
    if sealed.format != SECRET_FORMAT {
        return Err(bad("unknown secret format"));
    }
    if !valid_object_id(&sealed.secret_id) {
        return Err(bad("secret id must be 32 lowercase hex characters"));
    }
    if state.secrets.contains_key(&sealed.secret_id) || state.deleted_secrets.contains(&sealed.secret_id) {
        // A secret's value is never replaced in place: a new value is a new secret.
        return Err(RuleViolation::IdInUse);
    }
    // New secrets go to the level's newest usable generation, sealed by one of its holders.
    let (current, generation) = state.generations.current(sealed.generation.level).ok_or(RuleViolation::NoRound)?;
    if current != sealed.generation {
        return Err(RuleViolation::StaleEpoch);
    }
    if !generation.holders.contains_key(author) {
        return Err(RuleViolation::NoShare);
    }
    let r =
        crate::secrets::kem::decode_point(&sealed.r.0).map_err(|_| bad("the encapsulation is not a valid point"))?;
    let context = crate::secrets::cipher::SecretContext {
        vault: &state.vault,
        secret_id: &sealed.secret_id,
        generation: sealed.generation,
        r: &[],
    };
    let proof =
        crate::secrets::dleq::Proof::from_bytes(&sealed.r_proof.0).ok_or(bad("no proof of the encapsulation"))?;
    if !crate::secrets::dleq::verify_knowledge(&r, &context.r_proof_context(), &proof) {
        return Err(bad("the encapsulation is not the sealer's own"));
    }
    // Padded to a bucket, plus the 16-byte tag.
    let nonces = sealed.nonce.0.len() == 12 && sealed.name_nonce.0.len() == 12;
    if !nonces || !padded(&sealed.ciphertext) || !padded(&sealed.name_ciphertext) {
        return Err(bad("the sealed value and name must be padded to a size bucket"));
    }
    Ok(())
}

fn check_request(state: &VaultState, author: &DeviceId, request: &RecoveryRequest) -> Result<(), RuleViolation> {
    if !valid_object_id(&request.claim_id) {
        return Err(RuleViolation::InvalidSecret("claim id must be 32 lowercase hex characters"));
    }
    if state.claims.contains_key(&request.claim_id) {
        return Err(RuleViolation::IdInUse);
    }
    if request.batch.as_deref().is_some_and(|batch| !valid_object_id(batch)) {
        return Err(RuleViolation::InvalidSecret("batch id must be 32 lowercase hex characters"));
    }
    state.holds(&request.secret_id, request.epoch, author)?;
    if age::x25519::Recipient::from_str(&request.ephemeral_recipient).is_err() {
        return Err(RuleViolation::InvalidSecret("ephemeral recipient is not an age X25519 recipient"));
    }
    Ok(())
}

fn check_opened(state: &VaultState, author: &DeviceId, level: u8) -> Result<(), RuleViolation> {
    if level == 0 || level > MAX_LEVEL {
        return Err(RuleViolation::InvalidSecret("a protection level needs 1 to 200 devices"));
    }
    let targets = state.generation_targets(level);
    if !targets.contains(author) {
        return Err(RuleViolation::NoShare);
    }
    if state.generations.current(level).is_some() || state.dkg_under_way(level) {
        return Err(RuleViolation::AlreadyResponded);
    }
    let mut probe = state.generations.clone();
    probe.open_generation(level, &targets).map(drop)
}

pub(super) fn check_rules(
    state: &VaultState,
    author: &DeviceId,
    event: &GenericKvLogEvent,
) -> Result<(), RuleViolation> {
    use GenericKvLogEvent as E;
    match event {
        E::SecretSealed(sealed) => check_sealed(state, author, sealed),
        E::GenerationOpened { level } => check_opened(state, author, *level),
        E::GenerationDealt(dealing) => state.generations.check_dealing(author, dealing, &state.members_view()),
        E::GenerationAcked { acks, receive_key } => {
            // No acknowledgements: a key rotation (a device that took up a share without
            // acknowledging must not keep the key its parts were sealed to).
            let mut seen = BTreeSet::new();
            if !acks.iter().all(|a| seen.insert(a.generation)) {
                return Err(RuleViolation::InvalidSecret("an acknowledgement names each round once"));
            }
            crate::secrets::kem::decode_point(&receive_key.0)
                .map_err(|_| RuleViolation::InvalidSecret("bad receive key"))?;
            acks.iter().try_for_each(|ack| state.generations.check_ack(author, ack, &state.members_view()))
        }
        E::GenerationComplained(complaint) => {
            verify_complaint(&state.generations, author, complaint, &state.members_view()).map(drop)
        }
        E::GenerationShareLost { generation, receive_key } => {
            state.generations.check_share_lost(author, *generation, receive_key)
        }
        E::RecoveryRequested(request) => check_request(state, author, request),
        E::RecoveryPartial { claim_id, sealed } => {
            check_response(state, author, claim_id)?;
            let ok = !sealed.0.is_empty() && sealed.0.len() <= MAX_SEALED_PARTIAL;
            ok.then_some(()).ok_or(RuleViolation::InvalidSecret("a partial must be sealed"))
        }
        E::RecoveryDeclined { claim_id } => check_response(state, author, claim_id),
        E::RecoveryCompleted { claim_id } => {
            let claim = open_claim(state, claim_id)?;
            (&claim.requester == author)
                .then_some(())
                .ok_or(RuleViolation::InvalidSecret("only the requester completes its claim"))
        }
        _ => Ok(()),
    }
}

/// Closes open claims matching `which`.
fn close_claims(state: &mut VaultState, which: impl Fn(&ClaimRecord) -> bool, status: ClaimStatus) {
    for claim in state.claims.values_mut() {
        if claim.status == ClaimStatus::Open && which(claim) {
            claim.status = status;
        }
    }
}

pub(super) fn fold(state: &mut VaultState, seq: u64, time_ms: u64, author: &DeviceId, event: &GenericKvLogEvent) {
    use GenericKvLogEvent as E;
    match event {
        E::SecretSealed(sealed) => {
            let record = SecretRecord { generation: sealed.generation, seq };
            state.secrets.insert(sealed.secret_id.clone(), record);
        }
        E::GenerationOpened { level } => {
            let targets = state.generation_targets(*level);
            let _ = state.generations.open_generation(*level, &targets);
        }
        E::GenerationDealt(dealing) => state.generations.fold_dealing(seq, author, dealing),
        E::GenerationAcked { acks, receive_key } => {
            for ack in acks {
                state.generations.fold_ack(author, ack, &members_view!(state, None));
            }
            state.generations.receive_keys.insert(author.clone(), receive_key.clone());
            // A generation made while the members changed (a DKG, a repair) moves on to them.
            let members: Vec<DeviceId> = state.members.keys().cloned().collect();
            state.generations.reshare_idle_to(&members);
            close_stale_claims(state);
        }
        E::GenerationComplained(complaint) => {
            if let Ok(verdict) = verify_complaint(&state.generations, author, complaint, &state.members_view()) {
                state.generations.fold_complaint(author, complaint, verdict);
            }
            close_stale_claims(state);
        }
        E::GenerationShareLost { generation, receive_key } => {
            state.generations.fold_share_lost(author, *generation, receive_key);
        }
        E::RecoveryRequested(request) => {
            let claim = ClaimRecord {
                requester: author.clone(),
                request: request.clone(),
                partials: LiteMap::new(),
                declines: BTreeSet::new(),
                status: ClaimStatus::Open,
                opened_ms: time_ms,
                ttl_ms: state.claim_ttl_ms,
            };
            state.claims.insert(request.claim_id.clone(), claim);
        }
        E::RecoveryPartial { claim_id, .. } => {
            if let Some(claim) = state.claims.get_mut(claim_id) {
                claim.partials.insert(author.clone(), seq);
            }
        }
        E::RecoveryDeclined { claim_id } => {
            let Some(mut claim) = state.claims.remove(claim_id) else { return };
            // check_response admitted only a usable holder, so the decline counts.
            claim.declines.insert(author.clone());
            let needed = state.claim_threshold(&claim).unwrap_or(1).saturating_sub(1) as usize;
            if state.possible_approvers(&claim).saturating_sub(claim.declines.len()) < needed {
                claim.status = ClaimStatus::Failed;
            }
            state.claims.insert(claim_id.clone(), claim);
        }
        E::RecoveryCompleted { claim_id } => {
            if let Some(claim) = state.claims.get_mut(claim_id) {
                claim.status = ClaimStatus::Completed;
            }
        }
        _ => {}
    }
}

pub(super) fn delete(state: &mut VaultState, secret_id: &str) {
    state.secrets.remove(secret_id);
    state.deleted_secrets.insert(secret_id.to_owned());
    close_claims(state, |c| c.request.secret_id == secret_id, ClaimStatus::Stale);
}

/// Claims whose secret's generation moved to another epoch (or was lost) can no longer be
/// answered: partials verify only against the epoch they name.
pub(super) fn close_stale_claims(state: &mut VaultState) {
    let stale: Vec<String> = state
        .claims
        .iter()
        .filter(|(_, c)| c.status == ClaimStatus::Open)
        .filter(|(_, c)| {
            state.generation_of(&c.request.secret_id).is_none_or(|(_, g)| !g.is_ready() || g.epoch != c.request.epoch)
        })
        .map(|(id, _)| id.clone())
        .collect();
    for id in stale {
        if let Some(claim) = state.claims.get_mut(&id) {
            claim.status = ClaimStatus::Stale;
        }
    }
}

/// Older generations no secret is sealed to any more are dropped before a membership change, so
/// re-sharing costs the generations in use, not every one a level ever had. Kept: each level's
/// newest usable generation, one being made, and any a secret is sealed to.
fn retire_unused_generations(state: &mut VaultState) {
    let in_use: BTreeSet<GenerationId> = state.secrets.values().map(|r| r.generation).collect();
    let current: BTreeSet<GenerationId> = state
        .generations
        .levels()
        .into_iter()
        .filter_map(|level| state.generations.current(level).map(|(id, _)| id))
        .collect();
    state.generations.generations.retain(|id, generation| {
        in_use.contains(id) || current.contains(id) || (generation.epoch == 0 && generation.round.is_some())
    });
}

/// A device that leaves or is removed can no longer finish its claims.
pub(super) fn on_member_gone(state: &mut VaultState, device: &DeviceId) {
    close_claims(state, |c| &c.requester == device, ClaimStatus::Stale);
}

/// After the member set changed: generations re-share to the members; when a device left, each
/// level with a usable generation starts a new one among the members trusted for it (new secrets
/// go there; the refreshed older ones keep theirs).
pub(super) fn on_membership_change(state: &mut VaultState, someone_left: bool) {
    retire_unused_generations(state);
    let members: Vec<DeviceId> = state.members.keys().cloned().collect();
    state.generations.reshare_to(&members, &members_view!(state, None));
    if someone_left {
        for level in state.generations.levels() {
            if state.generations.current(level).is_some() && !state.dkg_under_way(level) {
                let targets = state.generation_targets(level);
                let _ = state.generations.open_generation(level, &targets);
            }
        }
    }
    close_stale_claims(state);
}

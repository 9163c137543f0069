//! Secret and recovery rules of the vault aggregate.

use litemap::LiteMap;
use std::collections::BTreeSet;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::reshare::DealingRef;
use super::{reshare, RuleViolation, VaultState};
use crate::encoding::Hash32;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::cipher::SIZE_BUCKETS;
use crate::secrets::distributor::check_threshold;
use crate::secrets::events::{valid_object_id, RecoveryRequest, SecretSplit, SECRET_FORMAT};
use crate::secrets::vss::Commitments;

/// Largest sealed share of a split.
pub const MAX_SEALED_SHARE: usize = 4096;

/// A secret's current epoch: threshold, holders with their x, public commitments, and where the
/// holders' shares come from. Share bytes stay in the log, so the state stays small.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRecord {
    /// 1 at the split, + 1 per completed re-share.
    pub epoch: u32,
    pub k: u8,
    #[serde(serialize_with = "super::map_json")]
    pub holders: LiteMap<DeviceId, u8>,
    pub commitments: Vec<crate::encoding::Bytes>,
    /// The `secret_split` commit: ciphertext and metadata commitment.
    pub split_seq: u64,
    pub source: ShareSource,
    /// Dealings towards the next epoch.
    pub round: Vec<DealingRef>,
    /// Targets' acknowledgements, by the round id they name.
    #[serde(serialize_with = "super::map_json")]
    pub acks: LiteMap<DeviceId, Hash32>,
    /// The round that produced this epoch (none for a split).
    pub source_round: Option<Hash32>,
    /// Holders that checked their share of this epoch against the commitments.
    pub confirmed: BTreeSet<DeviceId>,
    /// Holders whose share of this epoch is bad (they complained about a chosen dealing).
    pub faulty: BTreeSet<DeviceId>,
    /// Devices that ever complained late about this secret: once each, so no device can keep
    /// forcing repair rounds (each of which closes the open claims).
    pub late_complainers: BTreeSet<DeviceId>,
}

impl SecretRecord {
    pub fn n(&self) -> usize {
        self.holders.len()
    }
}

/// Where holders find their share of the current epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ShareSource {
    /// In the `secret_split` commit.
    Split,
    /// Combined (Lagrange weights at the dealers' old x) from these dealings' sub-shares.
    Reshare { dealings: Vec<UsedDealing> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedDealing {
    pub dealer_x: u8,
    pub seq: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Open,
    Completed,
    /// Too many declines for the threshold to be reached.
    Failed,
    /// The secret moved to a new epoch or was deleted, or the requester left.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub requester: DeviceId,
    pub request: RecoveryRequest,
    /// Approver → seq of its `recovery_share` commit.
    #[serde(serialize_with = "super::map_json")]
    pub shares: LiteMap<DeviceId, u64>,
    pub declines: BTreeSet<DeviceId>,
    pub status: ClaimStatus,
}

impl VaultState {
    /// Members other than the requester who hold a share of the claim's epoch.
    pub fn possible_approvers(&self, claim: &ClaimRecord) -> usize {
        let Some(secret) = self.secrets.get(&claim.request.secret_id) else { return 0 };
        secret
            .holders
            .keys()
            .filter(|d| self.members.contains_key(*d) && **d != claim.requester && !secret.faulty.contains(*d))
            .count()
    }

    /// The threshold of the claim's secret, if it still exists.
    pub fn claim_threshold(&self, claim: &ClaimRecord) -> Option<u8> {
        self.secrets.get(&claim.request.secret_id).map(|s| s.k)
    }
}

fn open_claim<'a>(state: &'a VaultState, claim_id: &str) -> Result<&'a ClaimRecord, RuleViolation> {
    let claim = state.claims.get(claim_id).ok_or(RuleViolation::UnknownClaim)?;
    if claim.status != ClaimStatus::Open {
        return Err(RuleViolation::ClaimClosed);
    }
    Ok(claim)
}

/// An approver's share or decline: an open claim on the current epoch, by another holder who
/// has not answered yet.
fn check_response(state: &VaultState, author: &DeviceId, claim_id: &str) -> Result<(), RuleViolation> {
    let claim = open_claim(state, claim_id)?;
    if &claim.requester == author {
        return Err(RuleViolation::InvalidSecret("a requester cannot answer its own claim"));
    }
    let secret = state.secrets.get(&claim.request.secret_id).ok_or(RuleViolation::ClaimClosed)?;
    if secret.epoch != claim.request.epoch {
        return Err(RuleViolation::ClaimClosed);
    }
    if !secret.holders.contains_key(author) {
        return Err(RuleViolation::NoShare);
    }
    if claim.shares.contains_key(author) || claim.declines.contains(author) {
        return Err(RuleViolation::AlreadyResponded);
    }
    Ok(())
}

fn check_split(state: &VaultState, split: &SecretSplit) -> Result<(), RuleViolation> {
    let bad = RuleViolation::InvalidSecret;
    if split.format != SECRET_FORMAT {
        return Err(bad("unknown secret format"));
    }
    if !valid_object_id(&split.secret_id) {
        return Err(bad("secret id must be 32 lowercase hex characters"));
    }
    if state.secrets.contains_key(&split.secret_id) || state.deleted_secrets.contains(&split.secret_id) {
        // A secret's value is never replaced in place: a new value is a new secret.
        return Err(RuleViolation::IdInUse);
    }
    let n = state.members.len();
    if !split.holders.iter().eq(state.members.keys()) || split.shares.len() != n {
        return Err(bad("a split must give exactly one share to every member"));
    }
    check_threshold(split.k, n).map_err(|_| bad("threshold must be 1 <= k <= n, and k = 1 only for one device"))?;
    let commitments = Commitments::from_wire(&split.commitments).map_err(|_| bad("commitments do not parse"))?;
    if commitments.threshold() != usize::from(split.k) {
        return Err(bad("a split needs one commitment per coefficient"));
    }
    if split.shares.iter().any(|s| s.0.is_empty() || s.0.len() > MAX_SEALED_SHARE) {
        return Err(bad("shares must be sealed"));
    }
    // Padded to a bucket, plus the 16-byte tag.
    if split.nonce.0.len() != 12 || !SIZE_BUCKETS.iter().any(|b| b + 16 == split.ciphertext.0.len()) {
        return Err(bad("the sealed value must be padded to a size bucket"));
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
    let secret = state.secrets.get(&request.secret_id).ok_or(RuleViolation::UnknownSecret)?;
    if request.epoch != secret.epoch {
        return Err(RuleViolation::StaleEpoch);
    }
    if !secret.holders.contains_key(author) {
        return Err(RuleViolation::NoShare);
    }
    if age::x25519::Recipient::from_str(&request.ephemeral_recipient).is_err() {
        return Err(RuleViolation::InvalidSecret("ephemeral recipient is not an age X25519 recipient"));
    }
    Ok(())
}

pub(super) fn check_rules(
    state: &VaultState,
    author: &DeviceId,
    event: &GenericKvLogEvent,
) -> Result<(), RuleViolation> {
    use GenericKvLogEvent as E;
    match event {
        E::SecretSplit(split) => check_split(state, split),
        E::ReshareDealt(dealing) => {
            let members: Vec<DeviceId> = state.members.keys().cloned().collect();
            reshare::check_dealing(state, author, dealing, &members, None)?;
            let all_open = dealing.secrets.iter().all(|s| state.round(&s.secret_id).is_some());
            all_open.then_some(()).ok_or(RuleViolation::NoRound)
        }
        E::ReshareAcked { acks } => reshare::check_acks(state, author, acks),
        E::ReshareComplained(complaint) => reshare::check_complaint(state, author, complaint),
        E::RecoveryRequested(request) => check_request(state, author, request),
        E::RecoveryShare { claim_id, sealed } => {
            check_response(state, author, claim_id)?;
            let ok = !sealed.0.is_empty() && sealed.0.len() <= MAX_SEALED_SHARE;
            ok.then_some(()).ok_or(RuleViolation::InvalidSecret("share must be sealed"))
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

pub(super) fn fold(state: &mut VaultState, seq: u64, author: &DeviceId, event: &GenericKvLogEvent) {
    use GenericKvLogEvent as E;
    match event {
        E::SecretSplit(split) => {
            let holders = split.holders.iter().enumerate().map(|(i, d)| (d.clone(), i as u8 + 1)).collect();
            let record = SecretRecord {
                epoch: 1,
                k: split.k,
                holders,
                commitments: split.commitments.clone(),
                split_seq: seq,
                source: ShareSource::Split,
                round: Vec::new(),
                acks: LiteMap::new(),
                source_round: None,
                // A split's creator chose every share; a holder checks its own when it uses it.
                confirmed: split.holders.iter().cloned().collect(),
                faulty: BTreeSet::new(),
                late_complainers: BTreeSet::new(),
            };
            state.secrets.insert(split.secret_id.clone(), record);
        }
        E::ReshareDealt(dealing) => reshare::fold_dealing(state, seq, author, dealing),
        E::ReshareAcked { acks } => reshare::fold_acks(state, author, acks),
        E::ReshareComplained(complaint) => reshare::fold_complaint(state, author, complaint),
        E::RecoveryRequested(request) => {
            let claim = ClaimRecord {
                requester: author.clone(),
                request: request.clone(),
                shares: LiteMap::new(),
                declines: BTreeSet::new(),
                status: ClaimStatus::Open,
            };
            state.claims.insert(request.claim_id.clone(), claim);
        }
        E::RecoveryShare { claim_id, .. } => {
            if let Some(claim) = state.claims.get_mut(claim_id) {
                claim.shares.insert(author.clone(), seq);
            }
        }
        E::RecoveryDeclined { claim_id } => {
            let Some(mut claim) = state.claims.remove(claim_id) else { return };
            // Only a holder that could have approved makes a decline count.
            let eligible = state
                .secrets
                .get(&claim.request.secret_id)
                .is_some_and(|r| r.holders.contains_key(author) && !r.faulty.contains(author));
            if eligible {
                claim.declines.insert(author.clone());
            }
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

/// Claims on an older epoch can no longer be answered.
pub(super) fn on_new_epoch(state: &mut VaultState, secret_id: &str) {
    close_claims(state, |c| c.request.secret_id == secret_id, ClaimStatus::Stale);
}

/// A device that leaves or is removed can no longer finish its claims.
pub(super) fn on_member_gone(state: &mut VaultState, device: &DeviceId) {
    close_claims(state, |c| &c.requester == device, ClaimStatus::Stale);
}

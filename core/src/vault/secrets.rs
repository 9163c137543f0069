//! Secret and recovery rules of the vault aggregate.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{RuleViolation, VaultState};
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::events::{valid_object_id, RecoveryPurpose, RecoveryRequest, SecretSplit};

/// The current version of a secret: parameters, and for each holder the seq of the commit that
/// carries its sealed share. The bytes stay in the log, so the state (and its snapshot, rewritten
/// on every push) stays small however many secrets and devices there are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRecord {
    pub version: u32,
    pub k: u8,
    pub n: u8,
    pub shares: BTreeMap<DeviceId, u64>,
}

impl SecretRecord {
    pub fn holders(&self) -> impl Iterator<Item = &DeviceId> {
        self.shares.keys()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Open,
    Completed,
    /// Too many declines for the threshold to be reached.
    Failed,
    /// The secret was re-split or deleted, or the requester left, before the claim completed.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub requester: DeviceId,
    pub request: RecoveryRequest,
    /// Approver → seq of its `recovery_share` commit.
    pub shares: BTreeMap<DeviceId, u64>,
    pub declines: BTreeSet<DeviceId>,
    pub status: ClaimStatus,
}

impl VaultState {
    /// Members other than the requester who hold a share of the claim's version.
    pub fn possible_approvers(&self, claim: &ClaimRecord) -> usize {
        let Some(secret) = self.secrets.get(&claim.request.secret_id) else { return 0 };
        secret.holders().filter(|d| self.members.contains_key(*d) && **d != claim.requester).count()
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

/// Checks an approver's share or decline: an open claim on the current version, by someone else,
/// who holds a share and has not answered yet.
fn check_response(state: &VaultState, author: &DeviceId, claim_id: &str) -> Result<(), RuleViolation> {
    let claim = open_claim(state, claim_id)?;
    if &claim.requester == author {
        return Err(RuleViolation::InvalidSecret("a requester cannot answer its own claim"));
    }
    let secret = state.secrets.get(&claim.request.secret_id).ok_or(RuleViolation::ClaimClosed)?;
    if secret.version != claim.request.version {
        return Err(RuleViolation::ClaimClosed);
    }
    if !secret.shares.contains_key(author) {
        return Err(RuleViolation::NoShare);
    }
    if claim.shares.contains_key(author) || claim.declines.contains(author) {
        return Err(RuleViolation::AlreadyResponded);
    }
    Ok(())
}

fn check_split(state: &VaultState, split: &SecretSplit) -> Result<(), RuleViolation> {
    if !valid_object_id(&split.secret_id) {
        return Err(RuleViolation::InvalidSecret("secret id must be 32 lowercase hex characters"));
    }
    let n = state.members.len();
    if split.n as usize != n || split.shares.len() != n {
        return Err(RuleViolation::InvalidSecret("a split must give exactly one share to every member"));
    }
    let devices: BTreeSet<&DeviceId> = split.shares.iter().map(|s| &s.device).collect();
    if devices.len() != n || !devices.iter().all(|d| state.members.contains_key(*d)) {
        return Err(RuleViolation::InvalidSecret("a split must give exactly one share to every member"));
    }
    if split.k == 0 || split.k > split.n || (split.k == 1 && split.n > 1) {
        return Err(RuleViolation::InvalidSecret("threshold must be 1 <= k <= n, and k = 1 only for one device"));
    }
    if split.shares.iter().any(|s| s.sealed.0.is_empty()) {
        return Err(RuleViolation::InvalidSecret("shares must be sealed"));
    }
    match state.secrets.get(&split.secret_id) {
        Some(current) if split.version != current.version + 1 => {
            Err(RuleViolation::SecretVersion { current: current.version, got: split.version })
        }
        Some(_) => Ok(()),
        None if state.deleted_secrets.contains(&split.secret_id) => Err(RuleViolation::IdInUse),
        None if split.version != 1 => Err(RuleViolation::SecretVersion { current: 0, got: split.version }),
        None => Ok(()),
    }
}

fn check_request(state: &VaultState, author: &DeviceId, request: &RecoveryRequest) -> Result<(), RuleViolation> {
    if !valid_object_id(&request.claim_id) {
        return Err(RuleViolation::InvalidSecret("claim id must be 32 lowercase hex characters"));
    }
    if state.claims.contains_key(&request.claim_id) {
        return Err(RuleViolation::IdInUse);
    }
    let secret = state.secrets.get(&request.secret_id).ok_or(RuleViolation::UnknownSecret)?;
    if request.version != secret.version {
        return Err(RuleViolation::SecretVersion { current: secret.version, got: request.version });
    }
    if !secret.shares.contains_key(author) {
        return Err(RuleViolation::NoShare);
    }
    if age::x25519::Recipient::from_str(&request.ephemeral_recipient).is_err() {
        return Err(RuleViolation::InvalidSecret("ephemeral recipient is not an age X25519 recipient"));
    }
    if let RecoveryPurpose::Resplit { membership_seq } = request.purpose {
        // Auto-approvable claims must answer the latest membership change, for a secret whose
        // holders no longer match the members.
        let holders_match = secret.holders().eq(state.members.keys());
        if membership_seq != state.membership_seq || holders_match {
            return Err(RuleViolation::InvalidSecret("re-split claim is not tied to the latest membership change"));
        }
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
        E::SecretDeleted { secret_id } => {
            state.secrets.contains_key(secret_id).then_some(()).ok_or(RuleViolation::UnknownSecret)
        }
        E::RecoveryRequested(request) => check_request(state, author, request),
        E::RecoveryShare { claim_id, sealed } => {
            check_response(state, author, claim_id)?;
            (!sealed.0.is_empty()).then_some(()).ok_or(RuleViolation::InvalidSecret("share must be sealed"))
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

/// Closes open claims on `secret_id` matching `which`.
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
            let shares = split.shares.iter().map(|s| (s.device.clone(), seq)).collect();
            let record = SecretRecord { version: split.version, k: split.k, n: split.n, shares };
            state.secrets.insert(split.secret_id.clone(), record);
            // The re-splitter's own claim is fulfilled by the split; everyone else's is outdated.
            let id = &split.secret_id;
            close_claims(state, |c| &c.request.secret_id == id && &c.requester == author, ClaimStatus::Completed);
            close_claims(state, |c| &c.request.secret_id == id, ClaimStatus::Stale);
        }
        E::SecretDeleted { secret_id } => {
            state.secrets.remove(secret_id);
            state.deleted_secrets.insert(secret_id.clone());
            close_claims(state, |c| &c.request.secret_id == secret_id, ClaimStatus::Stale);
        }
        E::RecoveryRequested(request) => {
            let claim = ClaimRecord {
                requester: author.clone(),
                request: request.clone(),
                shares: BTreeMap::new(),
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
            claim.declines.insert(author.clone());
            let needed = state.claim_threshold(&claim).unwrap_or(1).saturating_sub(1) as usize;
            if state.possible_approvers(&claim).saturating_sub(claim.declines.len()) < needed {
                claim.status = ClaimStatus::Failed;
            }
            state.claims.insert(claim_id.clone(), claim);
        }
        E::RecoveryCompleted { claim_id } => {
            let Some(claim) = state.claims.get(claim_id) else { return };
            let (requester, secret_id) = (claim.requester.clone(), claim.request.secret_id.clone());
            close_claims(
                state,
                |c| c.requester == requester && c.request.secret_id == secret_id,
                ClaimStatus::Completed,
            );
        }
        _ => {}
    }
}

/// A device that leaves or is removed can no longer finish its claims.
pub(super) fn on_member_gone(state: &mut VaultState, device: &DeviceId) {
    close_claims(state, |c| &c.requester == device, ClaimStatus::Stale);
}

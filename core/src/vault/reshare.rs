//! Re-share rounds (redistribution without reconstruction). When the members differ from a
//! secret's holders, holders deal fresh sharings of their own shares to the members; the first k
//! dealings (in log order) that no target complained about are the round's choice; once enough
//! targets acknowledged that choice, the secret moves to a new epoch whose holders are the members
//! and whose commitments are the Lagrange-weighted sum of the chosen dealings'.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{RuleViolation, SecretRecord, ShareSource, UsedDealing, VaultState};
use crate::encoding::{Bytes, Hash32};
use crate::identity::DeviceId;
use crate::secrets::distributor::resplit_threshold;
use crate::secrets::events::{Dealing, ReshareAck, ReshareComplaint, SECRET_FORMAT};
use crate::secrets::vss::{lagrange_at_zero, Commitments};

/// Largest sealed part of a dealing for one target.
pub const MAX_SEALED_PART: usize = 64 * 1024;

/// One dealing of a secret in the current epoch, as the aggregate remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealingRef {
    pub dealer: DeviceId,
    pub dealer_x: u8,
    /// The commit carrying the dealing.
    pub seq: u64,
    pub targets: Hash32,
    pub commitments: Vec<Bytes>,
    pub disqualified: bool,
}

/// The open round of a secret, derived from the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub targets: Vec<DeviceId>,
    pub targets_hash: Hash32,
    pub new_k: u8,
    /// Chosen dealings so far (at most the secret's k), in log order.
    pub chosen: Vec<DealingRef>,
    /// Set once k dealings are chosen: what acknowledgements name.
    pub id: Option<Hash32>,
    pub acks: usize,
}

pub fn targets_hash(targets: &[DeviceId]) -> Hash32 {
    let parts: Vec<&[u8]> = targets.iter().map(|d| d.as_str().as_bytes()).collect();
    let mut all: Vec<&[u8]> = vec![b"meta-secret/reshare-targets/v2"];
    all.extend(parts);
    Hash32::digest(&all)
}

fn round_id(chosen: &[DealingRef]) -> Hash32 {
    let seqs: Vec<[u8; 8]> = chosen.iter().map(|d| d.seq.to_be_bytes()).collect();
    let mut all: Vec<&[u8]> = vec![b"meta-secret/reshare-round/v2"];
    all.extend(seqs.iter().map(|s| s.as_slice()));
    Hash32::digest(&all)
}

impl VaultState {
    /// The secret's open re-share round, or `None` when its holders are the members.
    pub fn round(&self, secret_id: &str) -> Option<RoundView> {
        let record = self.secrets.get(secret_id)?;
        // A holder whose share proved bad gets a fresh one by a re-share to the same members.
        if record.holders.keys().eq(self.members.keys()) && record.faulty.is_empty() {
            return None;
        }
        let targets: Vec<DeviceId> = self.members.keys().cloned().collect();
        let targets_hash = targets_hash(&targets);
        let mut dealers = BTreeSet::new();
        let chosen: Vec<DealingRef> = record
            .round
            .iter()
            .filter(|d| d.targets == targets_hash && !d.disqualified && self.is_member(&d.dealer))
            .filter(|d| !record.faulty.contains(&d.dealer))
            .filter(|d| dealers.insert(d.dealer.clone()))
            .take(usize::from(record.k))
            .cloned()
            .collect();
        let id = (chosen.len() == usize::from(record.k)).then(|| round_id(&chosen));
        let acks = id.map_or(0, |id| record.acks.iter().filter(|(d, a)| **a == id && self.is_member(d)).count());
        Some(RoundView { new_k: resplit_threshold(record.k, targets.len()), targets, targets_hash, chosen, id, acks })
    }
}

/// `approving`: the device the event carrying the dealing approves (counts as approved by its
/// author).
pub(super) fn check_dealing(
    state: &VaultState,
    author: &DeviceId,
    dealing: &Dealing,
    expected_targets: &[DeviceId],
    approving: Option<&DeviceId>,
) -> Result<(), RuleViolation> {
    let bad = RuleViolation::InvalidSecret;
    if dealing.format != SECRET_FORMAT {
        return Err(bad("unknown dealing format"));
    }
    if dealing.targets != expected_targets {
        return Err(bad("a dealing must go to exactly the member set it re-shares to"));
    }
    if dealing.sealed.len() != dealing.targets.len()
        || dealing.sealed.iter().any(|s| s.0.is_empty() || s.0.len() > MAX_SEALED_PART)
    {
        return Err(bad("a dealing needs one sealed part per target"));
    }
    if dealing.secrets.is_empty() || dealing.secrets.len() > state.secrets.len() {
        return Err(bad("a dealing must re-share at least one secret, each once"));
    }
    let hash = targets_hash(&dealing.targets);
    let mut seen = BTreeSet::new();
    for entry in &dealing.secrets {
        if !seen.insert(&entry.secret_id) {
            return Err(bad("a dealing must re-share at least one secret, each once"));
        }
        let record = state.secrets.get(&entry.secret_id).ok_or(RuleViolation::UnknownSecret)?;
        if entry.epoch != record.epoch {
            return Err(RuleViolation::StaleEpoch);
        }
        let x = *record.holders.get(author).ok_or(RuleViolation::NoShare)?;
        if record.faulty.contains(author) {
            return Err(RuleViolation::NoShare);
        }
        // Shares reach a device that holds none only from holders who approved that device.
        let approved = |t: &DeviceId| {
            Some(t) == approving || state.approved_by.get(t).is_some_and(|voters| voters.contains(author))
        };
        if !dealing.targets.iter().filter(|t| !record.holders.contains_key(*t)).all(approved) {
            return Err(RuleViolation::NotApprovedByDealer);
        }
        if record.round.iter().any(|d| &d.dealer == author && d.targets == hash && !d.disqualified) {
            return Err(RuleViolation::AlreadyResponded);
        }
        let commitments = Commitments::from_wire(&entry.commitments).map_err(|_| bad("commitments do not parse"))?;
        if commitments.threshold() != usize::from(resplit_threshold(record.k, dealing.targets.len())) {
            return Err(bad("a dealing must keep the secret's threshold rule"));
        }
        // Public check: the dealing must share exactly the dealer's committed share.
        let epoch = Commitments::from_wire(&record.commitments).map_err(|_| bad("stored commitments"))?;
        if commitments.0[0] != epoch.eval(x) {
            return Err(bad("the dealing does not re-share the dealer's own share"));
        }
    }
    Ok(())
}

/// The dealing is recorded; rounds advance when acknowledged.
pub(super) fn fold_dealing(state: &mut VaultState, seq: u64, author: &DeviceId, dealing: &Dealing) {
    let hash = targets_hash(&dealing.targets);
    for entry in &dealing.secrets {
        if let Some(record) = state.secrets.get_mut(&entry.secret_id) {
            let Some(x) = record.holders.get(author).copied() else { continue };
            record.round.push(DealingRef {
                dealer: author.clone(),
                dealer_x: x,
                seq,
                targets: hash,
                commitments: entry.commitments.clone(),
                disqualified: false,
            });
        }
    }
}

/// A holder of an epoch made by a round that has not yet said whether its share checks out.
pub fn unconfirmed(record: &SecretRecord, device: &DeviceId) -> bool {
    record.source_round.is_some()
        && record.holders.contains_key(device)
        && !record.confirmed.contains(device)
        && !record.faulty.contains(device)
}

/// An acknowledgement after its round completed: a holder confirming its share late.
fn is_late_ack(record: &SecretRecord, author: &DeviceId, ack: &ReshareAck) -> bool {
    unconfirmed(record, author) && record.source_round == Some(ack.round) && ack.epoch + 1 == record.epoch
}

pub(super) fn check_acks(state: &VaultState, author: &DeviceId, acks: &[ReshareAck]) -> Result<(), RuleViolation> {
    if acks.is_empty() || acks.len() > state.secrets.len() {
        return Err(RuleViolation::InvalidSecret("an acknowledgement names one round per secret"));
    }
    let mut seen = BTreeSet::new();
    for ack in acks {
        if !seen.insert(&ack.secret_id) {
            return Err(RuleViolation::InvalidSecret("an acknowledgement names one round per secret"));
        }
        let record = state.secrets.get(&ack.secret_id).ok_or(RuleViolation::UnknownSecret)?;
        if is_late_ack(record, author, ack) {
            continue;
        }
        let round = state.round(&ack.secret_id).ok_or(RuleViolation::NoRound)?;
        if ack.epoch != record.epoch || round.id != Some(ack.round) {
            return Err(RuleViolation::StaleEpoch);
        }
        if record.acks.get(author) == Some(&ack.round) {
            return Err(RuleViolation::AlreadyResponded);
        }
    }
    Ok(())
}

pub(super) fn fold_acks(state: &mut VaultState, author: &DeviceId, acks: &[ReshareAck]) {
    for ack in acks {
        if let Some(record) = state.secrets.get_mut(&ack.secret_id) {
            if is_late_ack(record, author, ack) {
                record.confirmed.insert(author.clone());
                continue;
            }
            record.acks.insert(author.clone(), ack.round);
        }
        try_complete(state, &ack.secret_id);
    }
}

/// A complaint after the round completed, about a dealing the epoch was built from.
fn is_late_complaint(record: &SecretRecord, author: &DeviceId, complaint: &ReshareComplaint) -> bool {
    let used = match &record.source {
        ShareSource::Reshare { dealings } => dealings.iter().any(|d| d.seq == complaint.dealing_seq),
        ShareSource::Split => false,
    };
    used && unconfirmed(record, author)
        && complaint.epoch + 1 == record.epoch
        && !record.late_complainers.contains(author)
}

pub(super) fn check_complaint(
    state: &VaultState,
    author: &DeviceId,
    complaint: &ReshareComplaint,
) -> Result<(), RuleViolation> {
    let record = state.secrets.get(&complaint.secret_id).ok_or(RuleViolation::UnknownSecret)?;
    if is_late_complaint(record, author, complaint) {
        return Ok(());
    }
    let round = state.round(&complaint.secret_id).ok_or(RuleViolation::NoRound)?;
    if complaint.epoch != record.epoch {
        return Err(RuleViolation::StaleEpoch);
    }
    let live = record
        .round
        .iter()
        .any(|d| d.seq == complaint.dealing_seq && d.targets == round.targets_hash && !d.disqualified);
    live.then_some(()).ok_or(RuleViolation::InvalidSecret("no such dealing in the open round"))
}

pub(super) fn fold_complaint(state: &mut VaultState, author: &DeviceId, complaint: &ReshareComplaint) {
    if let Some(record) = state.secrets.get_mut(&complaint.secret_id) {
        if is_late_complaint(record, author, complaint) {
            // Its share of this epoch is unusable; the dealer is named in the log.
            record.faulty.insert(author.clone());
            record.late_complainers.insert(author.clone());
            return;
        }
        for dealing in record.round.iter_mut().filter(|d| d.seq == complaint.dealing_seq) {
            dealing.disqualified = true;
        }
    }
}

/// Moves the secret to its next epoch once the chosen dealings have enough acknowledgements.
fn try_complete(state: &mut VaultState, secret_id: &str) {
    let Some(round) = state.round(secret_id) else { return };
    if round.id.is_none() || round.acks < usize::from(round.new_k) {
        return;
    }
    let xs: Vec<u8> = round.chosen.iter().map(|d| d.dealer_x).collect();
    let parts: Result<Vec<Commitments>, _> =
        round.chosen.iter().map(|d| Commitments::from_wire(&d.commitments)).collect();
    let (Ok(weights), Ok(parts)) = (lagrange_at_zero(&xs), parts) else { return };
    let refs: Vec<&Commitments> = parts.iter().collect();
    let Ok(combined) = Commitments::combine(&refs, &weights) else { return };
    let Some(record) = state.secrets.get_mut(secret_id) else { return };
    let holders = round.targets.iter().enumerate().map(|(i, d)| (d.clone(), i as u8 + 1)).collect();
    let Some(id) = round.id else { return };
    let confirmed = record.acks.iter().filter(|(_, a)| **a == id).map(|(d, _)| d.clone()).collect();
    *record = SecretRecord {
        epoch: record.epoch + 1,
        k: round.new_k,
        holders,
        commitments: combined.to_wire(),
        split_seq: record.split_seq,
        source: ShareSource::Reshare {
            dealings: round.chosen.iter().map(|d| UsedDealing { dealer_x: d.dealer_x, seq: d.seq }).collect(),
        },
        round: Vec::new(),
        acks: Default::default(),
        source_round: Some(id),
        confirmed,
        faulty: Default::default(),
        late_complainers: std::mem::take(&mut record.late_complainers),
    };
    super::secrets::on_new_epoch(state, secret_id);
}

/// After the member set changed: forget dealings that can no longer be chosen.
pub(super) fn on_membership_change(state: &mut VaultState) {
    let members: Vec<DeviceId> = state.members.keys().cloned().collect();
    let mut allowed = BTreeSet::from([targets_hash(&members)]);
    for candidate in state.pending.keys() {
        allowed.insert(targets_hash(&super::membership::join_targets(state, candidate)));
    }
    let member_set = state.members.clone();
    for record in state.secrets.values_mut() {
        if record.holders.keys().eq(member_set.keys()) && record.faulty.is_empty() {
            record.round.clear();
            record.acks.clear();
        } else {
            record.round.retain(|d| allowed.contains(&d.targets) && member_set.contains_key(&d.dealer));
        }
    }
}

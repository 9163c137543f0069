//! Membership rules: who may sign what, and how each event changes the member set.

use ed25519_dalek::VerifyingKey;

use super::generations::{GenerationDealing, Generations};
use super::governance::{self, Proposal, DEFAULT_QUORUM, MAX_QUORUM};
use super::secrets::{members_view, MembersView};
use super::{RuleViolation, VaultState};
use crate::encoding::Bytes;
use crate::event::{GenericKvLogEvent, SignedEvent};
use crate::identity::{DeviceId, DeviceInfo};

/// The key that must have signed `event`: a member's, or, for the two events an outsider may sign
/// (genesis and its own join request), the key the event itself introduces.
pub(super) fn author_key(state: &VaultState, event: &SignedEvent) -> Result<VerifyingKey, RuleViolation> {
    if let Some(member) = state.members.get(&event.author) {
        return member.verifying_key().map_err(RuleViolation::InvalidDevice);
    }
    match &event.event {
        GenericKvLogEvent::VaultCreated { owner: introduced, .. }
        | GenericKvLogEvent::JoinRequested { candidate: introduced, .. } => {
            self_introduced_key(introduced, &event.author)
        }
        _ => Err(RuleViolation::NotMember),
    }
}

/// Whether a member already goes by `name`, as people would read it. Waiting devices reserve no
/// name: an outsider could otherwise squat the name a person's next device will ask under.
fn name_taken(state: &VaultState, name: &str) -> bool {
    let key = crate::identity::device_name_key(name);
    state.members.values().any(|device| crate::identity::device_name_key(&device.name) == key)
}

/// A device introduces only its own keys, and only valid ones.
fn self_introduced_key(info: &DeviceInfo, author: &DeviceId) -> Result<VerifyingKey, RuleViolation> {
    info.validate().map_err(RuleViolation::InvalidDevice)?;
    if &info.id != author {
        return Err(RuleViolation::Impersonation);
    }
    info.verifying_key().map_err(RuleViolation::InvalidDevice)
}

/// The proposal a vote event stands for.
pub(super) fn proposal_of(event: &GenericKvLogEvent) -> Option<Proposal> {
    use GenericKvLogEvent::*;
    Some(match event {
        JoinApproved { device, .. } => Proposal::Accept { device: device.clone() },
        ReadmitApproved { device } => Proposal::Readmit { device: device.clone() },
        RemovalApproved { device } => Proposal::Remove { device: device.clone() },
        SecretDeletionApproved { secret_id } => Proposal::DeleteSecret { secret_id: secret_id.clone() },
        QuorumApproved { quorum } => Proposal::SetQuorum { quorum: *quorum },
        ClaimLifetimeApproved { minutes } => Proposal::SetClaimLifetime { minutes: *minutes },
        _ => return None,
    })
}

pub(super) fn check_rules(
    state: &VaultState,
    author: &DeviceId,
    event: &GenericKvLogEvent,
) -> Result<(), RuleViolation> {
    use GenericKvLogEvent::*;
    match event {
        VaultCreated { .. } if state.exists() => Err(RuleViolation::VaultExists),
        VaultCreated { owner, quorum, receive_key } => {
            self_introduced_key(owner, author)?;
            check_receive_key(receive_key)?;
            (DEFAULT_QUORUM..=MAX_QUORUM).contains(quorum).then_some(()).ok_or(RuleViolation::InvalidQuorum)
        }
        _ if !state.exists() => Err(RuleViolation::NoVault),
        JoinRequested { candidate, receive_key, .. } => {
            // Members too may only introduce their own keys: no one posts a request for another.
            self_introduced_key(candidate, author)?;
            check_receive_key(receive_key)?;
            if state.members.contains_key(&candidate.id) {
                Err(RuleViolation::AlreadyMember)
            } else if state.pending.contains_key(&candidate.id) {
                Err(RuleViolation::AlreadyPending)
            } else if state.declined.contains_key(&candidate.id) {
                Err(RuleViolation::Declined)
            } else if state.pending.len() >= governance::MAX_PENDING {
                Err(RuleViolation::TooManyPending)
            } else if name_taken(state, &candidate.name) {
                Err(RuleViolation::NameTaken)
            } else {
                Ok(())
            }
        }
        _ if !state.is_member(author) => Err(RuleViolation::NotMember),
        JoinApproved { device, dealings } if state.is_member(device) => {
            // A late approval of a member: it lets this holder deal its shares to that member.
            if device == author || state.approved_by.get(device).is_some_and(|v| v.contains(author)) {
                return Err(RuleViolation::AlreadyVoted);
            }
            check_join_dealings(state, author, device, dealings, &approval_targets(state, device))
        }
        JoinApproved { device, dealings } => {
            governance::check_vote(state, author, &Proposal::Accept { device: device.clone() })?;
            check_join_dealings(state, author, device, dealings, &approval_targets(state, device))
        }
        JoinDeclined { device } => state.pending.contains_key(device).then_some(()).ok_or(RuleViolation::NotPending),
        DeviceLeft => (state.members.len() > 1).then_some(()).ok_or(RuleViolation::LastMember),
        other => match proposal_of(other) {
            Some(proposal) => governance::check_vote(state, author, &proposal),
            // Secret and recovery events: members only (checked above); their own rules follow.
            None => Ok(()),
        },
    }
}

fn check_receive_key(key: &Bytes) -> Result<(), RuleViolation> {
    crate::secrets::kem::decode_point(&key.0).map(drop).map_err(|_| RuleViolation::InvalidSecret("bad receive key"))
}

/// Opens each dealt generation's round towards `targets` (if not open) and folds or checks the
/// dealings in it, on a copy when only checking.
fn join_dealings_into(
    generations: &mut Generations,
    view: &MembersView<'_>,
    seq: Option<u64>,
    author: &DeviceId,
    dealings: &[GenerationDealing],
    targets: &[DeviceId],
) -> Result<(), RuleViolation> {
    let mut seen = std::collections::BTreeSet::new();
    for dealing in dealings {
        if !seen.insert(dealing.generation) {
            return Err(RuleViolation::InvalidSecret("one dealing per generation"));
        }
        generations.open_join_round(dealing.generation, targets)?;
        generations.check_dealing(author, dealing, view)?;
        if let Some(seq) = seq {
            generations.fold_dealing(seq, author, dealing);
        }
    }
    Ok(())
}

fn check_join_dealings(
    state: &VaultState,
    author: &DeviceId,
    device: &DeviceId,
    dealings: &[GenerationDealing],
    targets: &[DeviceId],
) -> Result<(), RuleViolation> {
    if dealings.is_empty() {
        return Ok(());
    }
    let mut probe = state.generations.clone();
    join_dealings_into(&mut probe, &members_view!(state, Some(device)), None, author, dealings, targets)
}

/// Who an approval of `device` deals to: the members (a late approval of a member), or the member
/// set `device` joins.
pub(super) fn approval_targets(state: &VaultState, device: &DeviceId) -> Vec<DeviceId> {
    match state.is_member(device) {
        true => state.members.keys().cloned().collect(),
        false => join_targets(state, device),
    }
}

/// The member set after `device` joins.
pub(super) fn join_targets(state: &VaultState, device: &DeviceId) -> Vec<DeviceId> {
    let mut targets: Vec<DeviceId> = state.members.keys().cloned().collect();
    targets.push(device.clone());
    targets.sort();
    targets
}

/// Applies an already-checked event; returns true when the member set changed.
pub(super) fn fold(state: &mut VaultState, seq: u64, author: &DeviceId, event: &GenericKvLogEvent) -> bool {
    use GenericKvLogEvent::*;
    match event {
        VaultCreated { owner, quorum, receive_key } => {
            state.owner = Some(owner.id.clone());
            state.quorum = *quorum;
            state.members.insert(owner.id.clone(), owner.clone());
            state.generations.receive_keys.insert(owner.id.clone(), receive_key.clone());
            true
        }
        JoinRequested { candidate, receive_key, .. } => {
            state.removed.remove(&candidate.id);
            state.pending.insert(candidate.id.clone(), candidate.clone());
            state.generations.receive_keys.insert(candidate.id.clone(), receive_key.clone());
            false
        }
        JoinDeclined { device } => {
            move_device(&mut state.pending, &mut state.declined, device);
            false
        }
        DeviceLeft => {
            move_device(&mut state.members, &mut state.removed, author);
            true
        }
        JoinApproved { device, dealings } => {
            if !dealings.is_empty() {
                let targets = approval_targets(state, device);
                let view = members_view!(state, Some(device));
                let _ = join_dealings_into(&mut state.generations, &view, Some(seq), author, dealings, &targets);
            }
            if state.is_member(device) {
                state.approved_by.entry(device.clone()).or_default().insert(author.clone());
                return false;
            }
            vote(state, author, event)
        }
        other => vote(state, author, other),
    }
}

/// Records a vote and applies its effect at quorum; true when the member set changed.
fn vote(state: &mut VaultState, author: &DeviceId, event: &GenericKvLogEvent) -> bool {
    let Some(proposal) = proposal_of(event) else { return false };
    let Some(voters) = governance::record_vote(state, author, &proposal) else { return false };
    match proposal {
        Proposal::Accept { device } => {
            move_device(&mut state.pending, &mut state.members, &device);
            state.approved_by.insert(device, voters);
            true
        }
        Proposal::Readmit { device } => {
            // The device is an outsider again and may send a fresh request.
            state.declined.remove(&device);
            false
        }
        Proposal::Remove { device } => {
            move_device(&mut state.members, &mut state.removed, &device);
            true
        }
        Proposal::DeleteSecret { secret_id } => {
            super::secrets::delete(state, &secret_id);
            false
        }
        Proposal::SetQuorum { quorum } => {
            state.quorum = quorum;
            governance::on_quorum_change(state);
            false
        }
        Proposal::SetClaimLifetime { minutes } => {
            state.claim_ttl_ms = u64::from(minutes) * 60_000;
            // Tallies for other lifetimes start over, like quorum tallies.
            state.votes.retain(|_, v| !matches!(v.proposal, Proposal::SetClaimLifetime { .. }));
            false
        }
    }
}

/// From a LiteMap (members, pending) to either kind of map (declined and removed are BTreeMaps).
fn move_device(
    from: &mut litemap::LiteMap<DeviceId, DeviceInfo>,
    to: &mut impl Extend<(DeviceId, DeviceInfo)>,
    device: &DeviceId,
) {
    if let Some(info) = from.remove(device) {
        to.extend([(device.clone(), info)]);
    }
}

//! Membership rules: who may sign what, and how each event changes the member set.

use ed25519_dalek::VerifyingKey;

use super::governance::{self, Proposal, DEFAULT_QUORUM, MAX_QUORUM};
use super::{reshare, RuleViolation, VaultState};
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
        | GenericKvLogEvent::JoinRequested { candidate: introduced } => self_introduced_key(introduced, &event.author),
        _ => Err(RuleViolation::NotMember),
    }
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
        VaultCreated { owner, quorum } => {
            self_introduced_key(owner, author)?;
            (DEFAULT_QUORUM..=MAX_QUORUM).contains(quorum).then_some(()).ok_or(RuleViolation::InvalidQuorum)
        }
        _ if !state.exists() => Err(RuleViolation::NoVault),
        JoinRequested { candidate } => {
            // Members too may only introduce their own keys: no one posts a request for another.
            self_introduced_key(candidate, author)?;
            if state.members.contains_key(&candidate.id) {
                Err(RuleViolation::AlreadyMember)
            } else if state.pending.contains_key(&candidate.id) {
                Err(RuleViolation::AlreadyPending)
            } else if state.declined.contains_key(&candidate.id) {
                Err(RuleViolation::Declined)
            } else if state.pending.len() >= governance::MAX_PENDING {
                Err(RuleViolation::TooManyPending)
            } else {
                Ok(())
            }
        }
        _ if !state.is_member(author) => Err(RuleViolation::NotMember),
        JoinApproved { device, dealing } if state.is_member(device) => {
            // A late approval of a member: it lets this holder deal its shares to that member.
            if device == author || state.approved_by.get(device).is_some_and(|v| v.contains(author)) {
                return Err(RuleViolation::AlreadyVoted);
            }
            let members: Vec<DeviceId> = state.members.keys().cloned().collect();
            match dealing {
                Some(dealing) => reshare::check_dealing(state, author, dealing, &members, Some(device)),
                None => Ok(()),
            }
        }
        JoinApproved { device, dealing } => {
            governance::check_vote(state, author, &Proposal::Accept { device: device.clone() })?;
            match dealing {
                Some(dealing) => {
                    reshare::check_dealing(state, author, dealing, &join_targets(state, device), Some(device))
                }
                None => Ok(()),
            }
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
        VaultCreated { owner, quorum } => {
            state.owner = Some(owner.id.clone());
            state.quorum = *quorum;
            state.members.insert(owner.id.clone(), owner.clone());
            true
        }
        JoinRequested { candidate } => {
            state.removed.remove(&candidate.id);
            state.pending.insert(candidate.id.clone(), candidate.clone());
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
        JoinApproved { device, dealing } => {
            if let Some(dealing) = dealing {
                reshare::fold_dealing(state, seq, author, dealing);
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

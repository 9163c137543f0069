//! Membership rules: who may sign what, and how each event changes the member set.

use ed25519_dalek::VerifyingKey;

use super::{RuleViolation, VaultState};
use crate::event::{GenericKvLogEvent, SignedEvent};
use crate::identity::{DeviceId, DeviceInfo};

/// The key that must have signed `event`: a member's, or, for the two events an outsider may sign
/// (genesis and its own join request), the key the event itself introduces.
pub(super) fn author_key(state: &VaultState, event: &SignedEvent) -> Result<VerifyingKey, RuleViolation> {
    if let Some(member) = state.members.get(&event.author) {
        return member.verifying_key().map_err(RuleViolation::InvalidDevice);
    }
    match &event.event {
        GenericKvLogEvent::VaultCreated { owner: introduced }
        | GenericKvLogEvent::JoinRequested { candidate: introduced } => self_introduced_key(introduced, &event.author),
        _ => Err(RuleViolation::NotMember),
    }
}

fn self_introduced_key(info: &DeviceInfo, author: &DeviceId) -> Result<VerifyingKey, RuleViolation> {
    info.validate().map_err(RuleViolation::InvalidDevice)?;
    if &info.id != author {
        return Err(RuleViolation::Impersonation);
    }
    info.verifying_key().map_err(RuleViolation::InvalidDevice)
}

pub(super) fn check_rules(
    state: &VaultState,
    author: &DeviceId,
    event: &GenericKvLogEvent,
) -> Result<(), RuleViolation> {
    use GenericKvLogEvent::*;
    match event {
        VaultCreated { .. } => (!state.exists()).then_some(()).ok_or(RuleViolation::VaultExists),
        _ if !state.exists() => Err(RuleViolation::NoVault),
        JoinRequested { candidate } => {
            if state.members.contains_key(&candidate.id) {
                Err(RuleViolation::AlreadyMember)
            } else if state.pending.contains_key(&candidate.id) {
                Err(RuleViolation::AlreadyPending)
            } else if state.declined.contains_key(&candidate.id) {
                Err(RuleViolation::Declined)
            } else {
                Ok(())
            }
        }
        _ if !state.is_member(author) => Err(RuleViolation::NotMember),
        JoinAccepted { device } | JoinDeclined { device } => {
            state.pending.contains_key(device).then_some(()).ok_or(RuleViolation::NotPending)
        }
        JoinReopened { device } => state.declined.contains_key(device).then_some(()).ok_or(RuleViolation::NotDeclined),
        DeviceRemoved { device } if device == author => Err(RuleViolation::CannotRemoveSelf),
        DeviceRemoved { device } => {
            state.members.contains_key(device).then_some(()).ok_or(RuleViolation::UnknownDevice)
        }
        DeviceLeft => (state.members.len() > 1).then_some(()).ok_or(RuleViolation::LastMember),
        // Secret and recovery events: members only (checked above); their own rules follow.
        _ => Ok(()),
    }
}

/// Applies an already-checked event.
pub(super) fn fold(state: &mut VaultState, author: &DeviceId, event: &GenericKvLogEvent) {
    use GenericKvLogEvent::*;
    match event {
        VaultCreated { owner } => {
            state.owner = Some(owner.id.clone());
            state.members.insert(owner.id.clone(), owner.clone());
        }
        JoinRequested { candidate } => {
            state.removed.remove(&candidate.id);
            state.pending.insert(candidate.id.clone(), candidate.clone());
        }
        JoinAccepted { device } => move_device(&mut state.pending, &mut state.members, device),
        JoinDeclined { device } => move_device(&mut state.pending, &mut state.declined, device),
        JoinReopened { device } => {
            // The device is an outsider again and may send a fresh request.
            state.declined.remove(device);
        }
        DeviceRemoved { device } => move_device(&mut state.members, &mut state.removed, device),
        DeviceLeft => move_device(&mut state.members, &mut state.removed, author),
        _ => {}
    }
}

fn move_device(
    from: &mut std::collections::BTreeMap<DeviceId, DeviceInfo>,
    to: &mut std::collections::BTreeMap<DeviceId, DeviceInfo>,
    device: &DeviceId,
) {
    if let Some(info) = from.remove(device) {
        to.insert(device.clone(), info);
    }
}

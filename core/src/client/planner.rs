//! The orchestrator's policy as a pure function over the vault state: what this device does on
//! its own after a sync. It never approves a reveal and never deals shares to a device that is
//! not already a holder: that happens only inside a person's approval.

use crate::identity::DeviceId;
use crate::vault::reshare::unconfirmed;
use crate::vault::VaultState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedAction {
    /// Re-share my shares of these secrets to the current members, all of whom already hold a
    /// share (a removal or a leave shrank the set).
    Deal { secret_ids: Vec<String> },
    /// Check my sub-shares from these rounds' chosen dealings; acknowledge or complain.
    Verify { secret_ids: Vec<String> },
}

/// Rounds where a person's approval on this device is what is missing: the members include a
/// device that holds no share yet, and this holder has not dealt to it.
pub fn awaiting_my_approval(state: &VaultState, me: &DeviceId) -> Vec<String> {
    round_needs(state, me).into_iter().filter(|(_, adds)| *adds).map(|(id, _)| id).collect()
}

/// Secrets whose open round still needs a dealing from me, and whether the round adds a device.
fn round_needs(state: &VaultState, me: &DeviceId) -> Vec<(String, bool)> {
    let mut needs = Vec::new();
    if !state.is_member(me) {
        return needs;
    }
    for (secret_id, record) in &state.secrets {
        let Some(round) = state.round(secret_id) else { continue };
        let usable = record.holders.contains_key(me) && !record.faulty.contains(me);
        if !usable || round.chosen.len() >= usize::from(record.k) {
            continue;
        }
        let dealt = record.round.iter().any(|d| &d.dealer == me && d.targets == round.targets_hash && !d.disqualified);
        if !dealt {
            let adds_device = round.targets.iter().any(|t| !record.holders.contains_key(t));
            needs.push((secret_id.clone(), adds_device));
        }
    }
    needs
}

pub fn plan(state: &VaultState, me: &DeviceId) -> Vec<PlannedAction> {
    let mut actions = Vec::new();
    if !state.is_member(me) {
        return actions;
    }
    let deal: Vec<String> = round_needs(state, me).into_iter().filter(|(_, adds)| !*adds).map(|(id, _)| id).collect();
    if !deal.is_empty() {
        actions.push(PlannedAction::Deal { secret_ids: deal });
    }
    let verify: Vec<String> = state
        .secrets
        .iter()
        .filter_map(|(secret_id, record)| match state.round(secret_id) {
            Some(round) => {
                let id = round.id?;
                (record.acks.get(me) != Some(&id)).then(|| secret_id.clone())
            }
            // The epoch came from a round that completed before this device checked its share.
            None => unconfirmed(record, me).then(|| secret_id.clone()),
        })
        .collect();
    if !verify.is_empty() {
        actions.push(PlannedAction::Verify { secret_ids: verify });
    }
    actions
}

//! The orchestrator's policy as a pure function over the vault state: what this device does on
//! its own after a sync. It never approves a reveal and never deals a share to a device no one
//! dealt to that it did not approve: that happens only inside a person's approval.

use crate::identity::DeviceId;
use crate::vault::generations::{GenerationId, RoundKind};
use crate::vault::VaultState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedAction {
    /// Deal to these generations' open rounds: a DKG among trusted devices, or a re-share to a
    /// set that adds no one (a removal, a leave, a repair).
    Deal { generations: Vec<GenerationId> },
    /// Check my parts of these rounds' live dealings, complain about bad ones, acknowledge.
    Verify { generations: Vec<GenerationId> },
    /// Take up my share of these generations' current epoch (a round completed).
    TakeUp { generations: Vec<GenerationId> },
}

/// Open rounds that add a device this holder has not dealt to: its person's approval (`accept`,
/// `share_with_new_members`) is what they wait for.
pub fn awaiting_my_approval(state: &VaultState, me: &DeviceId) -> Vec<GenerationId> {
    round_needs(state, me).into_iter().filter(|(_, adds)| *adds).map(|(id, _)| id).collect()
}

/// Open rounds that still need a dealing from me, and whether the round adds a device.
fn round_needs(state: &VaultState, me: &DeviceId) -> Vec<(GenerationId, bool)> {
    let mut needs = Vec::new();
    if !state.is_member(me) || state.generations.cheaters.contains(me) {
        return needs;
    }
    for (id, generation) in &state.generations.generations {
        let Some(round) = &generation.round else { continue };
        if round.dealings.iter().any(|d| &d.dealer == me) {
            continue;
        }
        let dealer = match round.kind {
            RoundKind::Dkg => round.targets.contains(me),
            RoundKind::Reshare => generation.holders.contains_key(me) && !generation.faulty.contains(me),
        };
        if !dealer {
            continue;
        }
        let trusted = state.generations.trusted_for(id.level);
        let adds = round.targets.iter().any(|t| t != me && !trusted.contains(t));
        needs.push((*id, adds));
    }
    needs
}

/// `has_share(generation, epoch)`: whether this device has taken up that share.
pub fn plan(state: &VaultState, me: &DeviceId, has_share: impl Fn(GenerationId, u32) -> bool) -> Vec<PlannedAction> {
    let mut actions = Vec::new();
    if !state.is_member(me) {
        return actions;
    }
    let mut take_up = Vec::new();
    for (id, generation) in &state.generations.generations {
        let mine = generation.holders.contains_key(me) && !generation.faulty.contains(me);
        if generation.is_ready() && mine && !has_share(*id, generation.epoch) {
            take_up.push(*id);
        }
    }
    if !take_up.is_empty() {
        actions.push(PlannedAction::TakeUp { generations: take_up.clone() });
    }
    let deal: Vec<GenerationId> = round_needs(state, me)
        .into_iter()
        .filter(|(id, adds)| !*adds && !take_up.contains(id))
        .map(|(id, _)| id)
        .collect();
    if !deal.is_empty() {
        actions.push(PlannedAction::Deal { generations: deal });
    }
    let verify: Vec<GenerationId> = state
        .generations
        .generations
        .iter()
        .filter(|(_, g)| g.round.as_ref().is_some_and(|r| r.targets.contains(me) && !r.dealings.is_empty()))
        .filter(|(id, g)| {
            let round = g.round.as_ref();
            let acked = round.and_then(|r| r.acks.get(me)).copied();
            let live = round.is_some_and(|r| r.dealings.iter().any(|d| !d.disqualified));
            let view_id = state.generations.round(**id, state).and_then(|v| v.id);
            live && (view_id.is_none() || acked != view_id)
        })
        .map(|(id, _)| *id)
        .collect();
    if !verify.is_empty() {
        actions.push(PlannedAction::Verify { generations: verify });
    }
    actions
}

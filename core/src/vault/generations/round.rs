//! The round's choice (the first k good dealings from distinct dealers), acknowledgements and
//! completion.

use std::collections::BTreeSet;

use curve25519_dalek::scalar::Scalar;
use serde::{Deserialize, Serialize};

use super::{DealingRecord, GenerationId, Generations, MadeBy, Membership, RoundKind};
use crate::encoding::Hash32;
use crate::identity::DeviceId;
use crate::secrets::vss::{lagrange_at_zero, Commitments};
use crate::vault::RuleViolation;

/// The open round of a generation, derived from the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundView {
    pub kind: RoundKind,
    pub targets: Vec<DeviceId>,
    pub new_k: u8,
    /// How many dealings the choice needs: the generation's k (re-share) or the new k (DKG).
    pub needed: usize,
    pub chosen: Vec<DealingRecord>,
    /// Set once the choice is complete: what acknowledgements name.
    pub id: Option<Hash32>,
    pub acks: usize,
}

pub fn round_id(generation: GenerationId, chosen: &[DealingRecord]) -> Hash32 {
    let level = [generation.level];
    let number = generation.number.to_be_bytes();
    let seqs: Vec<[u8; 8]> = chosen.iter().map(|d| d.seq.to_be_bytes()).collect();
    let mut all: Vec<&[u8]> = vec![b"meta-secret/generation-round/v1", &level, &number];
    all.extend(seqs.iter().map(|s| s.as_slice()));
    Hash32::digest(&all)
}

/// An acknowledgement: the target checked its parts of the round's chosen dealings. The event
/// carrying acknowledgements also publishes the key the device's next parts are sealed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationAck {
    pub generation: GenerationId,
    pub round: Hash32,
}

impl Generations {
    pub fn round(&self, id: GenerationId, members: &dyn Membership) -> Option<RoundView> {
        let generation = self.generations.get(&id)?;
        let round = generation.round.as_ref()?;
        let needed = usize::from(match round.kind {
            RoundKind::Dkg => round.new_k,
            RoundKind::Reshare => generation.k,
        });
        let mut dealers = BTreeSet::new();
        let chosen: Vec<DealingRecord> = round
            .dealings
            .iter()
            .filter(|d| !d.disqualified && members.is_member(&d.dealer))
            .filter(|d| dealers.insert(d.dealer.clone()))
            .take(needed)
            .cloned()
            .collect();
        let complete = chosen.len() == needed;
        let round_id = complete.then(|| round_id(id, &chosen));
        let acks =
            round_id.map_or(0, |rid| round.acks.iter().filter(|(d, a)| **a == rid && members.is_member(d)).count());
        Some(RoundView {
            kind: round.kind,
            targets: round.targets.clone(),
            new_k: round.new_k,
            needed,
            chosen,
            id: round_id,
            acks,
        })
    }

    pub fn check_ack(
        &self,
        author: &DeviceId,
        ack: &GenerationAck,
        members: &dyn Membership,
    ) -> Result<(), RuleViolation> {
        let view = self.round(ack.generation, members).ok_or(RuleViolation::NoRound)?;
        if !view.targets.contains(author) {
            return Err(RuleViolation::NoShare);
        }
        if view.id != Some(ack.round) {
            return Err(RuleViolation::StaleEpoch);
        }
        let round =
            self.generations.get(&ack.generation).and_then(|g| g.round.as_ref()).ok_or(RuleViolation::NoRound)?;
        if round.acks.get(author) == Some(&ack.round) {
            return Err(RuleViolation::AlreadyResponded);
        }
        Ok(())
    }

    /// Records the acknowledgement and completes the round when it has enough.
    pub fn fold_ack(&mut self, author: &DeviceId, ack: &GenerationAck, members: &dyn Membership) {
        if let Some(round) = self.generations.get_mut(&ack.generation).and_then(|g| g.round.as_mut()) {
            round.acks.insert(author.clone(), ack.round);
        }
        self.try_complete(ack.generation, members);
    }

    fn try_complete(&mut self, id: GenerationId, members: &dyn Membership) {
        let Some(view) = self.round(id, members) else { return };
        if view.id.is_none() || view.acks < usize::from(view.new_k) {
            return;
        }
        let parts: Result<Vec<Commitments>, _> =
            view.chosen.iter().map(|d| Commitments::from_wire(&d.commitments)).collect();
        let Ok(parts) = parts else { return };
        let weights = match view.kind {
            RoundKind::Dkg => Ok(vec![Scalar::ONE; parts.len()]),
            RoundKind::Reshare => lagrange_at_zero(&view.chosen.iter().map(|d| d.dealer_x).collect::<Vec<_>>()),
        };
        let Ok(weights) = weights else { return };
        let refs: Vec<&Commitments> = parts.iter().collect();
        let Ok(combined) = Commitments::combine(&refs, &weights) else { return };
        let Some(generation) = self.generations.get_mut(&id) else { return };
        if view.kind == RoundKind::Dkg {
            generation.names_check = view.chosen.first().map(|d| d.names_check);
        }
        generation.k = view.new_k;
        generation.epoch += 1;
        generation.holders = view.targets.iter().enumerate().map(|(i, d)| (d.clone(), i as u8 + 1)).collect();
        generation.commitments = combined.to_wire();
        let target_keys = generation.round.take().map(|r| r.target_keys).unwrap_or_default();
        generation.made_by = view.id.map(|round| MadeBy { kind: view.kind, chosen: view.chosen, target_keys, round });
        generation.faulty.clear();
    }
}

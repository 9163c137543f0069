//! The orchestrator's thin driver: runs [`plan`] after a sync and carries out its actions on the
//! vault key generations. Bad dealings are complained about with evidence and skipped; nothing a
//! peer sends can make a sync fail.

use serde::{Deserialize, Serialize};

use super::generation_store::{keep_receive_keys, new_receive_key, receive_secret, store_share, stored_share};
use super::planner::{plan, PlannedAction};
use super::VaultClient;
use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::vss::Commitments;
use crate::store::{LogStore, StoreError};
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::generations::{
    combine_sub_shares, deal_dkg, deal_reshare, make_complaint, open_part, verify_complaint, GenerationAck,
    GenerationComplaint, GenerationDealing, GenerationId, MyShare, RoundKind,
};
use crate::vault::{RuleViolation, VaultState};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrchestratorReport {
    /// Generations ("level/number") this device dealt to.
    pub dealt: Vec<String>,
    /// Generations whose round this device checked and acknowledged.
    pub acknowledged: Vec<String>,
    /// Dealings (commit seqs) this device proved bad.
    pub complaints: Vec<u64>,
    /// Generations whose new share this device took up.
    pub taken_up: Vec<String>,
    /// Generations this device could not act on (a key or share it lacks).
    pub skipped: Vec<String>,
}

pub(super) fn label(id: GenerationId) -> String {
    format!("{}/{}", id.level, id.number)
}

/// Another device's concurrent step can overtake ours; such a rejection is skipped and the next
/// pass sees the new state. Anything else is a real error.
pub(super) fn tolerate_race(result: Result<(), ClientError>) -> Result<bool, ClientError> {
    match result {
        Ok(()) => Ok(true),
        Err(ClientError::Rejected { .. } | ClientError::Rule(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// The dealing of `generation` in the commit at `seq` (a `generation_dealt` or a join approval).
pub(super) async fn dealing_at<S: LogStore>(
    store: &S,
    seq: u64,
    generation: GenerationId,
) -> Result<(DeviceId, GenerationDealing), ClientError> {
    let commit = store.commit_at(seq).await?.ok_or_else(|| StoreError::Corrupt(format!("no commit {seq}")))?;
    let author = commit.event.author.clone();
    let found = match commit.event.event {
        GenericKvLogEvent::GenerationDealt(dealing) => Some(dealing),
        GenericKvLogEvent::JoinApproved { dealings, .. } => dealings.into_iter().find(|d| d.generation == generation),
        _ => None,
    };
    let dealing = found.filter(|d| d.generation == generation);
    dealing.map(|d| (author, d)).ok_or_else(|| StoreError::Corrupt(format!("commit {seq} carries no dealing")).into())
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Runs the planner until it has nothing left to do on this device's current view.
    pub async fn orchestrate(&self) -> Result<OrchestratorReport, ClientError> {
        let mut report = OrchestratorReport::default();
        // An unverified session deals nothing: its open rounds may be an old log's.
        if self.gateway.is_unverified().await {
            return Ok(report);
        }
        let me = self.gateway.keys().id().clone();
        for _ in 0..4 {
            let state = self.state().await?;
            let mut held = Vec::new();
            for (id, generation) in &state.generations.generations {
                if generation.holders.contains_key(&me) && self.has_share(*id, generation.epoch).await? {
                    held.push((*id, generation.epoch));
                }
            }
            let actions = plan(&state, &me, |id, epoch| held.contains(&(id, epoch)));
            if actions.is_empty() {
                break;
            }
            let mut progressed = false;
            for action in actions {
                progressed |= match action {
                    PlannedAction::TakeUp { generations } => self.take_up(&state, &generations, &mut report).await?,
                    PlannedAction::Deal { generations } => self.deal(&state, &generations, &mut report).await?,
                    PlannedAction::Verify { generations } => self.verify(&state, &generations, &mut report).await?,
                };
            }
            if !progressed {
                break;
            }
        }
        self.forget_unneeded_keys().await?;
        self.discard_closed_keys().await?;
        Ok(report)
    }

    async fn has_share(&self, id: GenerationId, epoch: u32) -> Result<bool, ClientError> {
        Ok(stored_share(self.gateway.store(), self.gateway.keys(), id, epoch).await?.is_some())
    }

    /// My verified share of a generation's current epoch: stored, or taken up from the log now.
    pub(super) async fn my_share(&self, state: &VaultState, id: GenerationId) -> Result<MyShare, ClientError> {
        let generation = state.generations.generations.get(&id).ok_or(RuleViolation::UnknownSecret)?;
        let (store, keys) = (self.gateway.store(), self.gateway.keys());
        if let Some(share) = stored_share(store, keys, id, generation.epoch).await? {
            return Ok(share);
        }
        match self.build_share(state, id).await? {
            Ok(share) => Ok(share),
            Err(_) => Err(RuleViolation::NoShare.into()),
        }
    }

    /// Rebuilds my share of `id`'s current epoch from my parts of the chosen dealings and stores
    /// it. `Ok(Err(complaint))`: a part is bad, here is the proof.
    async fn build_share(
        &self,
        state: &VaultState,
        id: GenerationId,
    ) -> Result<Result<MyShare, Option<GenerationComplaint>>, ClientError> {
        let (store, keys) = (self.gateway.store(), self.gateway.keys());
        let me = keys.id();
        let generation = state.generations.generations.get(&id).ok_or(RuleViolation::UnknownSecret)?;
        let x = *generation.holders.get(me).ok_or(RuleViolation::NoShare)?;
        let made_by = generation.made_by.as_ref().ok_or(RuleViolation::NoShare)?;
        let index = usize::from(x) - 1;
        let key = made_by.target_keys.get(index).ok_or(RuleViolation::NoShare)?;
        let Some(secret) = receive_secret(store, keys, key, state.last_author_seq(me)).await? else {
            return Ok(Err(None));
        };
        let mut subs = Vec::with_capacity(made_by.chosen.len());
        let mut names_key = None;
        for record in &made_by.chosen {
            let (dealer, dealing) = dealing_at(store, record.seq, id).await?;
            // The server gives each target its own part; without it there is nothing to prove.
            let Some(part) = dealing.part_for(me).filter(|p| usize::from(p.index) == index) else {
                return Ok(Err(None));
            };
            match open_part(state.vault.as_str(), id, &dealing, &dealer, me, part, &secret) {
                Ok(opened) => {
                    names_key.get_or_insert(opened.names_key);
                    subs.push((record.dealer_x, opened.value));
                }
                Err(_) => {
                    let generations = &state.generations;
                    let complaint = make_complaint(generations, id, record.seq, &dealer, dealing.epoch, part, &secret);
                    return Ok(Err(complaint.ok()));
                }
            }
        }
        let (Some(names_key), Ok(value)) = (names_key, combine_sub_shares(made_by.kind, &subs)) else {
            return Ok(Err(None));
        };
        let commitments = Commitments::from_wire(&generation.commitments).map_err(crate::secrets::SecretError::from)?;
        if !commitments.verify(x, &value) {
            return Ok(Err(None));
        }
        let share = MyShare { generation: id, epoch: generation.epoch, x, value, names_key };
        let live: Vec<GenerationId> = state.generations.generations.keys().copied().collect();
        store_share(store, keys, &share, &live).await?;
        Ok(Ok(share))
    }

    async fn take_up(
        &self,
        state: &VaultState,
        generations: &[GenerationId],
        report: &mut OrchestratorReport,
    ) -> Result<bool, ClientError> {
        let mut progressed = false;
        let me = self.gateway.keys().id().clone();
        let published = state.generations.receive_keys.get(&me).cloned();
        let mut still_published = false;
        for id in generations {
            match self.build_share(state, *id).await? {
                Ok(share) => {
                    report.taken_up.push(label(*id));
                    progressed = true;
                    // Taken up without an acknowledgement (the round completed first): the key its
                    // parts were sealed to may still be the one this device publishes.
                    let made_by = state.generations.generations.get(id).and_then(|g| g.made_by.as_ref());
                    let used = made_by.and_then(|m| m.target_keys.get(usize::from(share.x) - 1)).cloned();
                    still_published |= used.is_some() && used == published;
                }
                Err(Some(complaint)) => {
                    let seq = complaint.dealing_seq;
                    let event = GenericKvLogEvent::GenerationComplained(complaint);
                    if tolerate_race(self.submit(event).await.map(drop))? {
                        report.complaints.push(seq);
                        progressed = true;
                    }
                }
                Err(None) => {
                    // The key its parts were sealed to is gone (a store restored from the keys
                    // alone): ask the other holders to re-share to it.
                    if self.lost_receive_key(state, *id).await? {
                        let index =
                            u32::try_from(state.last_author_seq(self.gateway.keys().id()) + 1).unwrap_or(u32::MAX);
                        let receive_key = new_receive_key(self.gateway.store(), self.gateway.keys(), index).await?;
                        let event = GenericKvLogEvent::GenerationShareLost { generation: *id, receive_key };
                        progressed |= tolerate_race(self.submit(event).await.map(drop))?;
                    } else {
                        report.skipped.push(label(*id));
                    }
                }
            }
        }
        if still_published {
            // Rotate, so the key that opened this epoch's parts can be deleted.
            let index = u32::try_from(state.last_author_seq(&me) + 1).unwrap_or(u32::MAX);
            let receive_key = new_receive_key(self.gateway.store(), self.gateway.keys(), index).await?;
            let event = GenericKvLogEvent::GenerationAcked { acks: Vec::new(), receive_key };
            tolerate_race(self.submit(event).await.map(drop))?;
        }
        Ok(progressed)
    }

    /// True when this device holds `id` but no longer has the receive key its share was sealed to.
    async fn lost_receive_key(&self, state: &VaultState, id: GenerationId) -> Result<bool, ClientError> {
        let (store, keys) = (self.gateway.store(), self.gateway.keys());
        let me = keys.id();
        let Some(generation) = state.generations.generations.get(&id) else { return Ok(false) };
        let (Some(made_by), Some(x)) = (&generation.made_by, generation.holders.get(me)) else { return Ok(false) };
        if generation.faulty.contains(me) || generation.lost_by.contains(me) {
            return Ok(false);
        }
        let Some(key) = made_by.target_keys.get(usize::from(*x) - 1) else { return Ok(false) };
        Ok(receive_secret(store, keys, key, state.last_author_seq(me)).await?.is_none())
    }

    /// This device's dealing for `id`'s open round: a fresh DKG polynomial, or its share re-dealt.
    pub(super) async fn my_dealing(
        &self,
        state: &VaultState,
        id: GenerationId,
    ) -> Result<GenerationDealing, ClientError> {
        let me = self.gateway.keys().id();
        let generation = state.generations.generations.get(&id).ok_or(RuleViolation::UnknownSecret)?;
        let round = generation.round.as_ref().ok_or(RuleViolation::NoRound)?;
        Ok(match round.kind {
            RoundKind::Dkg => deal_dkg(&state.generations, id, me)?,
            RoundKind::Reshare => {
                let share = self.my_share(state, id).await?;
                deal_reshare(&state.generations, &share, me)?
            }
        })
    }

    async fn deal(
        &self,
        state: &VaultState,
        generations: &[GenerationId],
        report: &mut OrchestratorReport,
    ) -> Result<bool, ClientError> {
        let mut events = Vec::new();
        for id in generations {
            match self.my_dealing(state, *id).await {
                Ok(dealing) => events.push(GenericKvLogEvent::GenerationDealt(dealing)),
                Err(ClientError::Rule(_) | ClientError::Secret(_)) => report.skipped.push(label(*id)),
                Err(other) => return Err(other),
            }
        }
        if events.is_empty() {
            return Ok(false);
        }
        let ok = tolerate_race(self.submit_all(events).await.map(drop))?;
        if ok {
            report.dealt.extend(generations.iter().map(|id| label(*id)));
        }
        Ok(ok)
    }

    /// Checks my parts of every live dealing of these rounds: complaints for bad ones, then one
    /// acknowledgement event for the rounds whose (post-complaint) choice is complete.
    async fn verify(
        &self,
        state: &VaultState,
        generations: &[GenerationId],
        report: &mut OrchestratorReport,
    ) -> Result<bool, ClientError> {
        let (store, keys) = (self.gateway.store(), self.gateway.keys());
        let me = keys.id().clone();
        let mut after = state.generations.clone();
        let mut complaints = Vec::new();
        let mut acks = Vec::new();
        for id in generations {
            let Some(round) = state.generations.generations.get(id).and_then(|g| g.round.as_ref()) else { continue };
            let Some(index) = round.targets.iter().position(|t| *t == me) else { continue };
            let Some(secret) =
                receive_secret(store, keys, &round.target_keys[index], state.last_author_seq(&me)).await?
            else {
                report.skipped.push(label(*id));
                continue;
            };
            let mut missing = false;
            for record in round.dealings.iter().filter(|d| !d.disqualified) {
                let (dealer, dealing) = dealing_at(store, record.seq, *id).await?;
                // A part the server withheld is neither checked nor complained about: no ack.
                let Some(part) = dealing.part_for(&me).filter(|p| usize::from(p.index) == index) else {
                    missing = true;
                    continue;
                };
                if open_part(state.vault.as_str(), *id, &dealing, &dealer, &me, part, &secret).is_ok() {
                    continue;
                }
                let complaint = make_complaint(&after, *id, record.seq, &dealer, dealing.epoch, part, &secret);
                let Ok(complaint) = complaint else { continue };
                if let Ok(verdict) = verify_complaint(&after, &me, &complaint, state) {
                    after.fold_complaint(&me, &complaint, verdict);
                    complaints.push(complaint);
                }
            }
            if missing {
                report.skipped.push(label(*id));
                continue;
            }
            let Some(view) = after.round(*id, state) else { continue };
            let acked = after.generations.get(id).and_then(|g| g.round.as_ref()).and_then(|r| r.acks.get(&me)).copied();
            if let Some(round_id) = view.id.filter(|rid| acked != Some(*rid)) {
                acks.push(GenerationAck { generation: *id, round: round_id });
            }
        }
        let mut progressed = false;
        for complaint in complaints {
            let seq = complaint.dealing_seq;
            if tolerate_race(self.submit(GenericKvLogEvent::GenerationComplained(complaint)).await.map(drop))? {
                report.complaints.push(seq);
                progressed = true;
            }
        }
        if !acks.is_empty() {
            let index = u32::try_from(state.last_author_seq(&me) + 1).unwrap_or(u32::MAX);
            let receive_key = new_receive_key(store, keys, index).await?;
            let ids: Vec<String> = acks.iter().map(|a| label(a.generation)).collect();
            let event = GenericKvLogEvent::GenerationAcked { acks, receive_key };
            if tolerate_race(self.submit(event).await.map(drop))? {
                report.acknowledged.extend(ids);
                progressed = true;
            }
        }
        Ok(progressed)
    }

    /// Deletes the receive keys nothing needs any more: not the published one, not one an open
    /// round sealed parts to, not one a share still to take up was sealed to.
    async fn forget_unneeded_keys(&self) -> Result<(), ClientError> {
        let state = self.state().await?;
        let me = self.gateway.keys().id();
        // A pending device's state is empty: its join key must survive until it is admitted.
        if !state.is_member(me) {
            return Ok(());
        }
        let mut needed: Vec<Bytes> = state.generations.receive_keys.get(me).cloned().into_iter().collect();
        for (id, generation) in &state.generations.generations {
            if let Some(round) = &generation.round {
                if let Some(index) = round.targets.iter().position(|t| t == me) {
                    needed.push(round.target_keys[index].clone());
                }
            }
            if let (Some(made_by), Some(x)) = (&generation.made_by, generation.holders.get(me)) {
                if generation.is_ready() && !self.has_share(*id, generation.epoch).await? {
                    needed.extend(made_by.target_keys.get(usize::from(*x) - 1).cloned());
                }
            }
        }
        // Keys queued in the outbox (an ack not yet committed) stay too.
        needed.extend(self.gateway.queued_receive_keys().await);
        keep_receive_keys(self.gateway.store(), self.gateway.keys(), &needed).await
    }
}

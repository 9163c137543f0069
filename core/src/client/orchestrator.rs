//! The orchestrator's thin driver: runs [`plan`] after a sync and carries out its actions. Bad
//! dealings are complained about and skipped; nothing a peer sends can make a sync fail.

use serde::{Deserialize, Serialize};

use super::planner::{plan, PlannedAction};
use super::shares::{own_share, split_at, BundleCache};
use super::VaultClient;
use crate::event::GenericKvLogEvent;
use crate::secrets::distributor::resplit_threshold;
use crate::secrets::events::{ReshareAck, ReshareComplaint};
use crate::secrets::{deal_reshare, SecretShareKnowledge};
use crate::store::LogStore;
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::{ShareSource, VaultState};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrchestratorReport {
    /// Secrets whose shares this device re-shared.
    pub dealt: Vec<String>,
    /// Secrets whose new sub-shares this device checked and acknowledged.
    pub acknowledged: Vec<String>,
    /// Dealings (commit seqs) this device found bad and complained about.
    pub complaints: Vec<u64>,
    /// Secrets this device could not act on (its own share did not verify).
    pub skipped: Vec<String>,
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

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Runs the planner until it has nothing left to do on this device's current view.
    pub async fn orchestrate(&self) -> Result<OrchestratorReport, ClientError> {
        let mut report = OrchestratorReport::default();
        let me = self.gateway.keys().id().clone();
        for _ in 0..3 {
            let state = self.state().await?;
            let actions = plan(&state, &me);
            if actions.is_empty() {
                break;
            }
            let mut progressed = false;
            for action in actions {
                progressed |= match action {
                    PlannedAction::Deal { secret_ids } => self.deal(&state, &secret_ids, &mut report).await?,
                    PlannedAction::Verify { secret_ids } => self.verify(&state, &secret_ids, &mut report).await?,
                };
            }
            if !progressed {
                break;
            }
        }
        self.discard_closed_keys().await?;
        Ok(report)
    }

    /// What this device needs to re-share `secret_ids` to `target_count` devices; secrets whose
    /// own share does not verify are left out.
    pub(super) async fn dealable_shares(
        &self,
        state: &VaultState,
        secret_ids: &[String],
        target_count: usize,
        skipped: &mut Vec<String>,
    ) -> Result<Vec<SecretShareKnowledge>, ClientError> {
        let mut cache = BundleCache::default();
        let mut shares = Vec::with_capacity(secret_ids.len());
        for secret_id in secret_ids {
            let Some(record) = state.secrets.get(secret_id) else { continue };
            match own_share(self.gateway.store(), self.gateway.keys(), state, secret_id, &mut cache).await {
                Ok(own) => shares.push(SecretShareKnowledge {
                    secret_id: secret_id.clone(),
                    epoch: record.epoch,
                    new_k: resplit_threshold(record.k, target_count),
                    value: own.value,
                    metadata: own.metadata,
                    metadata_salt: own.metadata_salt,
                }),
                Err(ClientError::Secret(_)) => skipped.push(secret_id.clone()),
                Err(other) => return Err(other),
            }
        }
        Ok(shares)
    }

    async fn deal(
        &self,
        state: &VaultState,
        secret_ids: &[String],
        report: &mut OrchestratorReport,
    ) -> Result<bool, ClientError> {
        let targets: Vec<_> = state.members.values().collect();
        let shares = self.dealable_shares(state, secret_ids, targets.len(), &mut report.skipped).await?;
        if shares.is_empty() {
            return Ok(false);
        }
        let dealing = deal_reshare(&targets, &shares)?;
        drop(shares);
        let ok = tolerate_race(self.submit(GenericKvLogEvent::ReshareDealt(dealing)).await.map(drop))?;
        if ok {
            report.dealt.extend(secret_ids.iter().cloned());
        }
        Ok(ok)
    }

    async fn verify(
        &self,
        state: &VaultState,
        secret_ids: &[String],
        report: &mut OrchestratorReport,
    ) -> Result<bool, ClientError> {
        let mut cache = BundleCache::default();
        let (store, keys) = (self.gateway.store(), self.gateway.keys());
        let mut acks = Vec::new();
        let mut complaints = Vec::new();
        for secret_id in secret_ids {
            let Some(record) = state.secrets.get(secret_id) else { continue };
            // An open round's chosen dealings, or those that made the current epoch.
            let (epoch, round_id, seqs) = match (state.round(secret_id), &record.source, record.source_round) {
                (Some(round), _, _) => match round.id {
                    Some(id) => (record.epoch, id, round.chosen.iter().map(|d| d.seq).collect::<Vec<_>>()),
                    None => continue,
                },
                (None, ShareSource::Reshare { dealings }, Some(id)) => {
                    (record.epoch - 1, id, dealings.iter().map(|d| d.seq).collect())
                }
                _ => continue,
            };
            let metadata = split_at(store, record.split_seq).await?.metadata_commitment;
            let mut bad = None;
            for seq in seqs {
                if !cache.verify_sub_share(store, keys, seq, secret_id, epoch, &metadata).await {
                    bad = Some(seq);
                    break;
                }
            }
            match bad {
                Some(seq) => {
                    complaints.push(ReshareComplaint { secret_id: secret_id.clone(), epoch, dealing_seq: seq })
                }
                None => acks.push(ReshareAck { secret_id: secret_id.clone(), epoch, round: round_id }),
            }
        }
        let mut progressed = false;
        for complaint in complaints {
            let seq = complaint.dealing_seq;
            if tolerate_race(self.submit(GenericKvLogEvent::ReshareComplained(complaint)).await.map(drop))? {
                report.complaints.push(seq);
                progressed = true;
            }
        }
        if !acks.is_empty() {
            let ids: Vec<String> = acks.iter().map(|a| a.secret_id.clone()).collect();
            if tolerate_race(self.submit(GenericKvLogEvent::ReshareAcked { acks }).await.map(drop))? {
                report.acknowledged.extend(ids);
                progressed = true;
            }
        }
        Ok(progressed)
    }
}

//! The orchestrator: keeps every secret shared over the current members. After a membership change
//! a holder opens a re-split claim, other holders approve it automatically, and the requester
//! re-splits to the new member set at version + 1.
//!
//! Auto-approval policy: a device approves without asking only a `Resplit` claim whose
//! `membership_seq` is the vault's latest membership change, on the secret's current version. The
//! aggregate refuses any other `Resplit` claim, so a reveal can never pose as one.

use serde::{Deserialize, Serialize};

use super::VaultClient;
use crate::event::GenericKvLogEvent;
use crate::secrets::distributor::resplit_threshold;
use crate::secrets::events::RecoveryPurpose;
use crate::secrets::MetaDistributor;
use crate::store::LogStore;
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::{ClaimStatus, VaultState};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrchestratorReport {
    /// Re-split claims this device approved automatically.
    pub approved: Vec<String>,
    /// Re-split claims this device opened.
    pub requested: Vec<String>,
    /// Secrets this device re-split.
    pub resplit: Vec<String>,
}

impl OrchestratorReport {
    fn is_empty(&self) -> bool {
        self.approved.is_empty() && self.requested.is_empty() && self.resplit.is_empty()
    }
}

/// Another device's concurrent step can overtake ours (two holders re-splitting at once); such a
/// rejection is skipped and the next pass sees the new state. Anything else is a real error.
fn tolerate_race(result: Result<(), ClientError>) -> Result<bool, ClientError> {
    match result {
        Ok(()) => Ok(true),
        Err(ClientError::Rejected { .. } | ClientError::Rule(_)) => Ok(false),
        Err(other) => Err(other),
    }
}

fn needs_resplit(state: &VaultState, secret_id: &str) -> bool {
    state.secrets.get(secret_id).is_some_and(|s| !s.holders().eq(state.members.keys()))
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Runs the orchestrator until it has nothing left to do on this device's current view.
    pub async fn orchestrate(&self) -> Result<OrchestratorReport, ClientError> {
        let mut report = OrchestratorReport::default();
        let me = self.gateway.keys().id().clone();
        for _ in 0..3 {
            let state = self.state().await?;
            if !state.is_member(&me) {
                break;
            }
            let mut pass = OrchestratorReport::default();
            for (claim_id, claim) in &state.claims {
                let RecoveryPurpose::Resplit { membership_seq } = claim.request.purpose else { continue };
                let current = state.secrets.get(&claim.request.secret_id);
                let answerable = claim.status == ClaimStatus::Open
                    && claim.requester != me
                    && membership_seq == state.membership_seq
                    && current.is_some_and(|s| s.version == claim.request.version && s.shares.contains_key(&me))
                    && !claim.shares.contains_key(&me)
                    && !claim.declines.contains(&me);
                if answerable && tolerate_race(self.approve(claim_id).await)? {
                    pass.approved.push(claim_id.clone());
                }
            }
            for (claim_id, claim) in &state.claims {
                let own_open_resplit = claim.requester == me
                    && claim.status == ClaimStatus::Open
                    && matches!(claim.request.purpose, RecoveryPurpose::Resplit { .. });
                let enough = state.claim_threshold(claim).is_some_and(|k| claim.shares.len() + 1 >= usize::from(k));
                if own_open_resplit
                    && enough
                    && needs_resplit(&state, &claim.request.secret_id)
                    && tolerate_race(self.resplit(&state, claim_id).await)?
                {
                    pass.resplit.push(claim.request.secret_id.clone());
                }
            }
            for (secret_id, record) in &state.secrets {
                let claimed = state.claims.values().any(|c| {
                    &c.request.secret_id == secret_id
                        && c.status == ClaimStatus::Open
                        && matches!(c.request.purpose, RecoveryPurpose::Resplit { .. })
                });
                if !claimed && record.shares.contains_key(&me) && needs_resplit(&state, secret_id) {
                    let purpose = RecoveryPurpose::Resplit { membership_seq: state.membership_seq };
                    match self.open_claim(secret_id, purpose).await {
                        Ok(claim_id) => pass.requested.push(claim_id),
                        Err(error) => drop(tolerate_race(Err(error))?),
                    }
                }
            }
            let done = pass.is_empty();
            report.approved.extend(pass.approved);
            report.requested.extend(pass.requested);
            report.resplit.extend(pass.resplit);
            if done {
                break;
            }
        }
        self.discard_closed_keys().await?;
        Ok(report)
    }

    async fn resplit(&self, state: &VaultState, claim_id: &str) -> Result<(), ClientError> {
        let claim = &state.claims[claim_id];
        let secret_id = &claim.request.secret_id;
        let record = &state.secrets[secret_id];
        let secret = self.recover(state, claim_id, claim).await?;
        let metadata = self.own_payload(state, secret_id).await?.metadata;
        let k = resplit_threshold(record.k, state.members.len());
        let split =
            MetaDistributor::new(&state.members).distribute(secret_id, record.version + 1, k, &secret, &metadata)?;
        // The split closes this claim as completed (see the aggregate).
        self.submit(GenericKvLogEvent::SecretSplit(split)).await.map(drop)
    }
}

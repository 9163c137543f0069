//! Reveals: claims, approvals (one by one or a batch exactly as a person saw it), and the
//! requester's threshold decryption from its own share and the approvers' partials.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use age::secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::secrets::MAX_BATCH_CLAIMS;
use super::VaultClient;
use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::events::{new_object_id, RecoveredPartial, RecoveryRequest, SECRET_FORMAT};
use crate::secrets::threshold::{combine_verified, partial, Partial};
use crate::secrets::vss::Commitments;
use crate::secrets::{MetaDistributor, MetaEncryptor, SecretError};
use crate::store::{LogStore, StoreBatch, StoreError};
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::generations::GenerationId;
use crate::vault::{ClaimRecord, ClaimStatus, RuleViolation, VaultState};

const RECOVERY_KEYS: &str = "recovery/keys";
/// What a partial's proof is bound to: the vault, the secret, its generation and epoch, the claim.
fn partial_context(state: &VaultState, secret_id: &str, id: GenerationId, epoch: u32, claim_id: &str) -> Vec<u8> {
    let mut context = b"meta-secret/partial/v1/".to_vec();
    for part in [state.vault.as_str().as_bytes(), secret_id.as_bytes(), claim_id.as_bytes()] {
        context.extend_from_slice(&(part.len() as u64).to_be_bytes());
        context.extend_from_slice(part);
    }
    context.push(id.level);
    context.extend_from_slice(&id.number.to_be_bytes());
    context.extend_from_slice(&epoch.to_be_bytes());
    context
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimInfo {
    pub id: String,
    pub secret_id: String,
    pub requester: DeviceId,
    pub status: ClaimStatus,
    pub approvals: usize,
    pub declines: usize,
    /// Approvals the requester needs besides its own partial (k - 1).
    pub needed: usize,
    /// The batch this claim was opened in, if any (see `request_recoveries`).
    pub batch: Option<String>,
    /// Devices that approved or declined it.
    pub answered_by: Vec<DeviceId>,
    /// When the requester opened it (its clock, ms since the epoch); approvals end
    /// `CLAIM_TTL_MS` later. A person sees the claim's age before approving.
    pub opened_ms: u64,
    /// The last moment an approval is accepted.
    pub expires_ms: u64,
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Opens a reveal claim on `secret_id`; other holders approve or decline it by hand.
    pub async fn request_recovery(&self, secret_id: &str) -> Result<String, ClientError> {
        self.open_claim(secret_id, None).await
    }

    /// Opens one claim per secret, all in one new batch, so that a person on another device
    /// approves them together ([`VaultClient::approve_batch`]). Returns the batch id and each
    /// secret's claim id, in order. A failure part way leaves the claims opened so far open.
    pub async fn request_recoveries(&self, secret_ids: &[String]) -> Result<(String, Vec<String>), ClientError> {
        if secret_ids.is_empty() || secret_ids.len() > MAX_BATCH_CLAIMS {
            return Err(ClientError::InvalidInput(format!("a batch holds 1 to {MAX_BATCH_CLAIMS} secrets")));
        }
        let batch = new_object_id();
        let mut claims = Vec::with_capacity(secret_ids.len());
        for secret_id in secret_ids {
            claims.push(self.open_claim(secret_id, Some(batch.clone())).await?);
        }
        Ok((batch, claims))
    }

    /// One person's approval of exactly the claims `seen` (the ids the person was shown) of the
    /// batch `requester` opened: anything the requester added since is left alone. An id that is
    /// not `requester`'s claim in `batch` refuses the whole approval; claims this device already
    /// answered or cannot approve are skipped. Returns how many it approved.
    pub async fn approve_batch(
        &self,
        requester: &DeviceId,
        batch: &str,
        seen: &[String],
    ) -> Result<usize, ClientError> {
        let me = self.gateway.keys().id().clone();
        self.ensure_verified_view().await?;
        let state = self.member_state_synced().await?;
        if seen.is_empty() {
            return Err(ClientError::InvalidInput("name the claims the person approves".into()));
        }
        let outside = seen.iter().find(|id| {
            state
                .claims
                .get(id.as_str())
                .is_none_or(|c| &c.requester != requester || c.request.batch.as_deref() != Some(batch))
        });
        if let Some(id) = outside {
            return Err(ClientError::InvalidInput(format!(
                "claim {id} is not one of this requester's claims in this batch"
            )));
        }
        let now = self.gateway.now_ms();
        // Expired claims are skipped like answered ones: one old claim must not sink the batch.
        let holds = |claim: &ClaimRecord| {
            approvable_now(claim, now)
                && state.generation_of(&claim.request.secret_id).is_some_and(|(_, g)| g.holders.contains_key(&me))
        };
        let claim_ids: Vec<String> = unanswered_in_batch(&state, requester, batch, &me, holds)
            .into_iter()
            .filter(|id| seen.contains(id))
            .collect();
        if claim_ids.is_empty() {
            return Err(ClientError::InvalidInput("nothing in this batch waits for this device's approval".into()));
        }
        // One state and one sync for the whole batch. A secret whose partial this device cannot
        // make is skipped, not fatal to the others' approvals.
        let mut approvals = Vec::with_capacity(claim_ids.len());
        let mut first_error = None;
        // Most claims of a batch use one generation: its share is read and opened once.
        let mut shares = BTreeMap::new();
        for claim_id in &claim_ids {
            match self.approval_event(&state, claim_id, &mut shares).await {
                Ok(approval) => approvals.push(approval),
                Err(error @ ClientError::Secret(_)) => first_error = first_error.or(Some(error)),
                Err(other) => return Err(other),
            }
        }
        if approvals.is_empty() {
            return Err(first_error.unwrap_or(ClientError::InvalidInput("nothing to approve".into())));
        }
        let approved = approvals.len();
        self.submit_all(approvals).await?;
        Ok(approved)
    }

    /// Declines every open claim `requester` opened in `batch` that this device has not answered.
    pub async fn decline_batch(&self, requester: &DeviceId, batch: &str) -> Result<usize, ClientError> {
        let me = self.gateway.keys().id().clone();
        let state = self.member_state_synced().await?;
        let claim_ids = unanswered_in_batch(&state, requester, batch, &me, |_| true);
        let declines =
            claim_ids.iter().map(|id| GenericKvLogEvent::RecoveryDeclined { claim_id: id.clone() }).collect::<Vec<_>>();
        if !declines.is_empty() {
            self.submit_all(declines).await?;
        }
        Ok(claim_ids.len())
    }

    async fn member_state_synced(&self) -> Result<Arc<VaultState>, ClientError> {
        self.gateway.sync().await?;
        self.member_state().await
    }

    async fn open_claim(&self, secret_id: &str, batch: Option<String>) -> Result<String, ClientError> {
        let state = self.state_knowing(|state| state.secrets.contains_key(secret_id)).await?;
        let (_, generation) = state.generation_of(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let ephemeral = age::x25519::Identity::generate();
        let claim_id = new_object_id();
        let request = RecoveryRequest {
            claim_id: claim_id.clone(),
            secret_id: secret_id.to_owned(),
            epoch: generation.epoch,
            ephemeral_recipient: ephemeral.to_public().to_string(),
            batch,
        };
        // Keep the key before the claim exists, so no approval is ever sealed to a lost key.
        let own_recipient = self.gateway.keys().age_identity().to_public();
        let key_text = Zeroizing::new(ephemeral.to_string().expose_secret().as_bytes().to_vec());
        let sealed_key = MetaEncryptor::seal(&key_text, &[own_recipient])?;
        let mut keys = self.recovery_keys().await?;
        keys.insert(claim_id.clone(), sealed_key);
        self.save_recovery_keys(&keys).await?;
        if let Err(error) = self.submit(GenericKvLogEvent::RecoveryRequested(request)).await {
            // A claim still queued (the network failed) goes out with the next sync, and its
            // approvals must find the key; only a refused claim drops it.
            let queued = self
                .gateway
                .is_queued(|event| matches!(event, GenericKvLogEvent::RecoveryRequested(r) if r.claim_id == claim_id))
                .await;
            if !queued {
                keys.remove(&claim_id);
                self.save_recovery_keys(&keys).await?;
            }
            return Err(error);
        }
        Ok(claim_id)
    }

    /// Every claim in the vault, with approval progress.
    pub async fn recovery_claims(&self) -> Result<Vec<ClaimInfo>, ClientError> {
        self.gateway.sync().await?;
        self.known_claims().await
    }

    /// The claims as of the last sync, without a request.
    pub async fn known_claims(&self) -> Result<Vec<ClaimInfo>, ClientError> {
        let state = self.state().await?;
        Ok(state.claims.iter().map(|(id, claim)| claim_info(&state, id, claim)).collect())
    }

    /// A person's approval: this device's partial decryption of the claim's secret, sealed to
    /// the claim's ephemeral key.
    pub async fn approve(&self, claim_id: &str) -> Result<(), ClientError> {
        self.ensure_verified_view().await?;
        let state = self.state_knowing(|state| state.claims.contains_key(claim_id)).await?;
        let approval = self.approval_event(&state, claim_id, &mut BTreeMap::new()).await?;
        self.submit(approval).await.map(drop)
    }

    /// My partial `x_j·R` for a claim, on the R of the secret as my own verified log holds it
    /// (never a point the claim carries), with its proof, sealed to the claim's key.
    async fn approval_event(
        &self,
        state: &VaultState,
        claim_id: &str,
        shares: &mut BTreeMap<GenerationId, crate::vault::generations::MyShare>,
    ) -> Result<GenericKvLogEvent, ClientError> {
        let claim = state.claims.get(claim_id).ok_or(RuleViolation::UnknownClaim)?;
        if !approvable_now(claim, self.gateway.now_ms()) {
            return Err(RuleViolation::ClaimExpired.into());
        }
        let secret_id = &claim.request.secret_id;
        let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let (id, generation) = state.generation_of(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        if generation.epoch != claim.request.epoch {
            return Err(RuleViolation::ClaimClosed.into());
        }
        let share = match shares.entry(id) {
            std::collections::btree_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::btree_map::Entry::Vacant(slot) => slot.insert(self.my_share(state, id).await?),
        };
        let sealed = self.sealed_secret(record.seq).await?;
        let r = crate::secrets::kem::decode_point(&sealed.r.0).map_err(|_| SecretError::Open)?;
        let context = partial_context(state, secret_id, id, generation.epoch, claim_id);
        let made = partial(&share.value, share.x, &r, &context);
        let recipient = age::x25519::Recipient::from_str(&claim.request.ephemeral_recipient)
            .map_err(|_| ClientError::Secret(SecretError::BadMember))?;
        let payload =
            RecoveredPartial { format: SECRET_FORMAT, claim_id: claim_id.to_owned(), partial: Bytes(made.to_bytes()) };
        let sealed = MetaEncryptor::seal_json(&payload, &recipient)?;
        Ok(GenericKvLogEvent::RecoveryPartial { claim_id: claim_id.to_owned(), sealed })
    }

    pub async fn decline_claim(&self, claim_id: &str) -> Result<(), ClientError> {
        self.state_knowing(|state| state.claims.contains_key(claim_id)).await?;
        self.submit(GenericKvLogEvent::RecoveryDeclined { claim_id: claim_id.to_owned() }).await.map(drop)
    }

    /// Combines this device's share with valid approvals, returns the secret, posts "completed"
    /// and discards the ephemeral key. Approvals that do not match the commitments are skipped.
    pub async fn reveal(&self, claim_id: &str) -> Result<Vec<u8>, ClientError> {
        self.gateway.sync().await?;
        let state = self.member_state().await?;
        let claim = state.claims.get(claim_id).ok_or(RuleViolation::UnknownClaim)?;
        if &claim.requester != self.gateway.keys().id() {
            return Err(ClientError::InvalidInput("only the device that asked can reveal".into()));
        }
        match claim.status {
            ClaimStatus::Open => {}
            ClaimStatus::Failed => return Err(ClientError::ClaimFailed),
            ClaimStatus::Completed | ClaimStatus::Stale => return Err(RuleViolation::ClaimClosed.into()),
        }
        let secret = self.recover(&state, claim_id, claim).await?;
        self.submit(GenericKvLogEvent::RecoveryCompleted { claim_id: claim_id.to_owned() }).await?;
        self.discard_closed_keys().await?;
        Ok(secret.to_vec())
    }

    /// Gives up an open claim of this device.
    pub async fn cancel_recovery(&self, claim_id: &str) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::RecoveryCompleted { claim_id: claim_id.to_owned() }).await?;
        self.discard_closed_keys().await
    }

    /// Verifies every partial (this device's own first), names and skips bad ones, interpolates
    /// k and opens the value. A bad partial is an error naming its sender, never a wrong secret.
    async fn recover(
        &self,
        state: &VaultState,
        claim_id: &str,
        claim: &ClaimRecord,
    ) -> Result<Zeroizing<Vec<u8>>, ClientError> {
        let secret_id = &claim.request.secret_id;
        let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let (id, generation) = state.generation_of(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        if generation.epoch != claim.request.epoch {
            return Err(RuleViolation::ClaimClosed.into());
        }
        let commitments = Commitments::from_wire(&generation.commitments).map_err(SecretError::from)?;
        let sealed = self.sealed_secret(record.seq).await?;
        let r = crate::secrets::kem::decode_point(&sealed.r.0).map_err(|_| SecretError::Open)?;
        let context = partial_context(state, secret_id, id, generation.epoch, claim_id);
        let share = self.my_share(state, id).await?;
        let mut partials = vec![partial(&share.value, share.x, &r, &context)];
        let mut senders = vec![self.gateway.keys().id().clone()];
        if claim.partials.len() + 1 >= usize::from(generation.k) {
            let ephemeral = self.ephemeral_key(claim_id).await?;
            for (approver, seq) in &claim.partials {
                let opened = self.approval(*seq, &ephemeral, claim_id).await;
                // A partial counts only at its sender's own x.
                let x = generation.holders.get(approver).copied();
                match opened.filter(|p| Some(p.x) == x) {
                    Some(p) => partials.push(p),
                    None => partials.push(Partial { x: 0, ..partials[0] }),
                }
                senders.push(approver.clone());
            }
        }
        let by_x =
            |x: u8| senders.get(partials.iter().position(|p| p.x == x).unwrap_or(usize::MAX)).map(|d| d.to_string());
        match combine_verified(&commitments, &r, &partials, &context) {
            Ok(combined) => {
                let public = generation.public_key().ok_or(SecretError::Open)?;
                Ok(MetaDistributor::new(&state.vault).open_value(&sealed, &combined.shared, &public.0)?)
            }
            Err((have, bad)) => {
                let mut named: Vec<String> = bad.iter().filter_map(|x| by_x(*x)).collect();
                let unreadable = partials.iter().zip(&senders).filter(|(p, _)| p.x == 0).map(|(_, d)| d.to_string());
                named.extend(unreadable);
                if !named.is_empty() {
                    return Err(SecretError::BadShares(named.join(", ")).into());
                }
                Err(SecretError::Insufficient { needed: generation.k, have }.into())
            }
        }
    }

    /// One approver's partial, if it opens and names this claim.
    async fn approval(&self, seq: u64, ephemeral: &age::x25519::Identity, claim_id: &str) -> Option<Partial> {
        let commit = self.gateway.store().commit_at(seq).await.ok()??;
        let GenericKvLogEvent::RecoveryPartial { sealed, .. } = commit.event.event else { return None };
        let payload: RecoveredPartial = MetaEncryptor::open_json(&sealed, ephemeral).ok()?;
        (payload.format == SECRET_FORMAT && payload.claim_id == claim_id).then_some(())?;
        Partial::from_bytes(&payload.partial.0).ok()
    }

    async fn ephemeral_key(&self, claim_id: &str) -> Result<age::x25519::Identity, ClientError> {
        let sealed_key = self.recovery_keys().await?.remove(claim_id).ok_or(RuleViolation::ClaimClosed)?;
        let key_text = MetaEncryptor::open(&sealed_key, self.gateway.keys().age_identity())?;
        let key_text = std::str::from_utf8(&key_text).map_err(|_| SecretError::Open)?;
        Ok(age::x25519::Identity::from_str(key_text).map_err(|_| SecretError::Open)?)
    }

    /// Forgets ephemeral keys of claims that are no longer open.
    pub(super) async fn discard_closed_keys(&self) -> Result<(), ClientError> {
        let mut keys = self.recovery_keys().await?;
        if keys.is_empty() {
            return Ok(());
        }
        let state = self.state().await?;
        let before = keys.len();
        keys.retain(|id, _| state.claims.get(id).is_some_and(|c| c.status == ClaimStatus::Open));
        if keys.len() != before {
            self.save_recovery_keys(&keys).await?;
        }
        Ok(())
    }

    async fn recovery_keys(&self) -> Result<BTreeMap<String, Bytes>, ClientError> {
        match self.gateway.store().kv_get(RECOVERY_KEYS).await? {
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt(format!("recovery keys: {e}")).into())
            }
            None => Ok(BTreeMap::new()),
        }
    }

    async fn save_recovery_keys(&self, keys: &BTreeMap<String, Bytes>) -> Result<(), ClientError> {
        let mut batch = StoreBatch::default();
        if keys.is_empty() {
            batch.delete(RECOVERY_KEYS);
        } else {
            batch.put(RECOVERY_KEYS, serde_json::to_vec(keys).unwrap_or_default());
        }
        Ok(self.gateway.store().write(batch).await?)
    }
}

/// The open claims `requester` opened in `batch` that `me` has neither approved nor declined and
/// that pass `also`. Matching the requester too means a batch id copied onto another device's
/// claim reaches nothing.
fn unanswered_in_batch(
    state: &VaultState,
    requester: &DeviceId,
    batch: &str,
    me: &DeviceId,
    also: impl Fn(&ClaimRecord) -> bool,
) -> Vec<String> {
    state
        .claims
        .iter()
        .filter(|(_, c)| &c.requester == requester && c.request.batch.as_deref() == Some(batch))
        .filter(|(_, c)| c.status == ClaimStatus::Open && !c.partials.contains_key(me) && !c.declines.contains(me))
        .filter(|(_, c)| also(c))
        .map(|(id, _)| id.clone())
        .collect()
}

/// Whether this device may approve `claim` at `now_ms` (its own clock): not expired, and not
/// dated in its future (a hostile server could admit a claim dated years ahead, which would never
/// expire).
fn approvable_now(claim: &ClaimRecord, now_ms: u64) -> bool {
    !claim.expired_at(now_ms) && claim.opened_ms <= now_ms.saturating_add(crate::sync::wire::MAX_CLOCK_SKEW_MS)
}

fn claim_info(state: &VaultState, id: &str, claim: &ClaimRecord) -> ClaimInfo {
    ClaimInfo {
        id: id.to_owned(),
        secret_id: claim.request.secret_id.clone(),
        requester: claim.requester.clone(),
        status: claim.status,
        approvals: claim.partials.len(),
        declines: claim.declines.len(),
        needed: usize::from(state.claim_threshold(claim).unwrap_or(1).saturating_sub(1)),
        batch: claim.request.batch.clone(),
        answered_by: claim.partials.keys().chain(claim.declines.iter()).cloned().collect(),
        opened_ms: claim.opened_ms,
        expires_ms: claim.expires_ms(),
    }
}

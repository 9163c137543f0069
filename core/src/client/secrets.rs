//! Secret flows: add, list, delete (by quorum), and recovery by approval.

use std::collections::BTreeMap;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::shares::{own_share, split_at, BundleCache, OwnShare};
use super::VaultClient;
use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::cipher::{self, SecretContext};
use crate::secrets::events::{new_object_id, RecoveredShare, RecoveryRequest, SecretMetadata, SECRET_FORMAT};
use crate::secrets::vss::{combine, Commitments, ShareValue};
use crate::secrets::{MetaDistributor, MetaEncryptor, SecretError};
use crate::store::{LogStore, StoreBatch, StoreError};
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::{ClaimRecord, ClaimStatus, MembershipStatus, Proposal, RuleViolation, VaultState};

/// Ephemeral recovery keys this device holds, by claim id, each sealed to the device itself.
const RECOVERY_KEYS: &str = "recovery/keys";
pub const MAX_SECRET_NAME_CHARS: usize = 200;
/// Claims one batch may open: an unlock of this many logins at most.
pub const MAX_BATCH_CLAIMS: usize = 500;
pub use crate::secrets::cipher::MAX_SECRET_BYTES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub id: String,
    /// `None` until this device holds a share (a new member before the re-share completes).
    pub name: Option<String>,
    pub k: u8,
    pub n: u8,
    /// 1 at creation, + 1 per completed re-share.
    pub epoch: u32,
    /// Deletion votes so far, and the votes it needs.
    pub deletion_votes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimInfo {
    pub id: String,
    pub secret_id: String,
    pub requester: DeviceId,
    pub status: ClaimStatus,
    pub approvals: usize,
    pub declines: usize,
    /// Approvals the requester needs besides its own share (k - 1).
    pub needed: usize,
    /// The batch this claim was opened in, if any (see `request_recoveries`).
    pub batch: Option<String>,
    /// Devices that approved or declined it.
    pub answered_by: Vec<DeviceId>,
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Shares `secret` k-of-n over the current members in one signed event.
    pub async fn add_secret(&self, name: &str, secret: &[u8], threshold: u8) -> Result<SecretInfo, ClientError> {
        let chars = name.chars().count();
        if name.trim().is_empty() || chars > MAX_SECRET_NAME_CHARS {
            return Err(ClientError::InvalidInput(format!(
                "secret name must be 1 to {MAX_SECRET_NAME_CHARS} characters"
            )));
        }
        if secret.len() > MAX_SECRET_BYTES {
            return Err(SecretError::Cipher(cipher::CipherError::TooLarge).into());
        }
        self.gateway.sync().await?;
        let state = self.member_state().await?;
        let id = new_object_id();
        let metadata = SecretMetadata { name: name.to_owned() };
        let split = MetaDistributor::new(&state.vault, &state.members).distribute(&id, threshold, secret, &metadata)?;
        let (k, n) = (split.k, split.holders.len() as u8);
        self.submit(GenericKvLogEvent::SecretSplit(split)).await?;
        Ok(SecretInfo { id, name: Some(name.to_owned()), k, n, epoch: 1, deletion_votes: 0 })
    }

    /// Every live secret, names decrypted on this device.
    pub async fn secrets(&self) -> Result<Vec<SecretInfo>, ClientError> {
        let state = self.state().await?;
        let mut cache = BundleCache::default();
        let mut secrets = Vec::with_capacity(state.secrets.len());
        for (id, record) in &state.secrets {
            let name = self.own(&state, id, &mut cache).await.ok().map(|share| share.metadata.name.clone());
            secrets.push(SecretInfo {
                id: id.clone(),
                name,
                k: record.k,
                n: record.n() as u8,
                epoch: record.epoch,
                deletion_votes: state.votes_for(&Proposal::DeleteSecret { secret_id: id.clone() }),
            });
        }
        Ok(secrets)
    }

    /// Votes to delete `secret_id`; it is deleted once the quorum voted.
    pub async fn delete_secret(&self, secret_id: &str) -> Result<(), ClientError> {
        let event = GenericKvLogEvent::SecretDeletionApproved { secret_id: secret_id.to_owned() };
        self.submit(event).await.map(drop)
    }

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

    /// One person's approval of every open claim `requester` opened in `batch` that this device
    /// can approve and has not yet: its shares re-sealed to each claim's key. Returns how many.
    pub async fn approve_batch(&self, requester: &DeviceId, batch: &str) -> Result<usize, ClientError> {
        let me = self.gateway.keys().id().clone();
        let state = self.member_state_synced().await?;
        let holds = |claim: &ClaimRecord| {
            state.secrets.get(&claim.request.secret_id).is_some_and(|secret| secret.holders.contains_key(&me))
        };
        let claim_ids = unanswered_in_batch(&state, requester, batch, &me, holds);
        if claim_ids.is_empty() {
            return Err(ClientError::InvalidInput("nothing in this batch waits for this device's approval".into()));
        }
        // One state, one bundle cache and one sync for the whole batch. A secret whose share on
        // this device does not verify is skipped, not fatal to the others' approvals.
        let mut cache = BundleCache::default();
        let mut approvals = Vec::with_capacity(claim_ids.len());
        let mut first_error = None;
        for claim_id in &claim_ids {
            match self.approval_event(&state, claim_id, &mut cache).await {
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

    async fn member_state_synced(&self) -> Result<VaultState, ClientError> {
        self.gateway.sync().await?;
        self.member_state().await
    }

    async fn open_claim(&self, secret_id: &str, batch: Option<String>) -> Result<String, ClientError> {
        let state = self.state_knowing(|state| state.secrets.contains_key(secret_id)).await?;
        let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let ephemeral = age::x25519::Identity::generate();
        let claim_id = new_object_id();
        let request = RecoveryRequest {
            claim_id: claim_id.clone(),
            secret_id: secret_id.to_owned(),
            epoch: record.epoch,
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

    /// A person's approval: re-seals this device's share to the claim's ephemeral key.
    pub async fn approve(&self, claim_id: &str) -> Result<(), ClientError> {
        let state = self.state_knowing(|state| state.claims.contains_key(claim_id)).await?;
        let approval = self.approval_event(&state, claim_id, &mut BundleCache::default()).await?;
        self.submit(approval).await.map(drop)
    }

    /// This device's share of a claim's secret, re-sealed to the claim's ephemeral key.
    async fn approval_event(
        &self,
        state: &VaultState,
        claim_id: &str,
        cache: &mut BundleCache,
    ) -> Result<GenericKvLogEvent, ClientError> {
        let claim = state.claims.get(claim_id).ok_or(RuleViolation::UnknownClaim)?;
        let secret_id = claim.request.secret_id.clone();
        let epoch = claim.request.epoch;
        let own = self.own(state, &secret_id, cache).await?;
        let recipient = age::x25519::Recipient::from_str(&claim.request.ephemeral_recipient)
            .map_err(|_| ClientError::Secret(SecretError::BadMember))?;
        let payload = RecoveredShare { format: SECRET_FORMAT, secret_id, epoch, x: own.x, value: own.value.to_bytes() };
        let sealed = MetaEncryptor::seal_json(&payload, &recipient);
        drop(payload);
        Ok(GenericKvLogEvent::RecoveryShare { claim_id: claim_id.to_owned(), sealed: sealed? })
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

    async fn recover(
        &self,
        state: &VaultState,
        claim_id: &str,
        claim: &ClaimRecord,
    ) -> Result<Zeroizing<Vec<u8>>, ClientError> {
        let secret_id = &claim.request.secret_id;
        let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let commitments = Commitments::from_wire(&record.commitments).map_err(SecretError::from)?;
        let own = self.own(state, secret_id, &mut BundleCache::default()).await?;
        let mut shares: Vec<(u8, ShareValue)> = vec![(own.x, own.value.clone())];
        let mut bad = Vec::new();
        if claim.shares.len() + 1 >= usize::from(record.k) {
            let ephemeral = self.ephemeral_key(claim_id).await?;
            for (approver, seq) in &claim.shares {
                match self.approval(*seq, &ephemeral, claim, record.holders.get(approver), &commitments).await {
                    Some(share) => shares.push(share),
                    None => bad.push(approver.to_string()),
                }
            }
        }
        if shares.len() < usize::from(record.k) {
            if !bad.is_empty() {
                return Err(SecretError::BadShares(bad.join(", ")).into());
            }
            return Err(SecretError::Insufficient { needed: record.k, have: shares.len() }.into());
        }
        let picked: Vec<(u8, &ShareValue)> = shares.iter().take(usize::from(record.k)).map(|(x, v)| (*x, v)).collect();
        let scalar = combine(&picked).map_err(SecretError::from)?;
        let split = split_at(self.gateway.store(), record.split_seq).await?;
        let context = SecretContext { vault: &state.vault, secret_id, metadata_commitment: &split.metadata_commitment };
        Ok(cipher::open(&split.nonce, &split.ciphertext, &scalar, &context).map_err(SecretError::from)?)
    }

    /// One approver's share, if it opens and matches the public commitments at its x.
    async fn approval(
        &self,
        seq: u64,
        ephemeral: &age::x25519::Identity,
        claim: &ClaimRecord,
        x: Option<&u8>,
        commitments: &Commitments,
    ) -> Option<(u8, ShareValue)> {
        let commit = self.gateway.store().commit_at(seq).await.ok()??;
        let GenericKvLogEvent::RecoveryShare { sealed, .. } = commit.event.event else { return None };
        let payload: RecoveredShare = MetaEncryptor::open_json(&sealed, ephemeral).ok()?;
        let value = ShareValue::from_bytes(&payload.value.0).ok()?;
        let matches = payload.secret_id == claim.request.secret_id
            && payload.epoch == claim.request.epoch
            && Some(&payload.x) == x
            && commitments.verify(payload.x, &value);
        matches.then_some((payload.x, value))
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

    pub(super) async fn own(
        &self,
        state: &VaultState,
        secret_id: &str,
        cache: &mut BundleCache,
    ) -> Result<OwnShare, ClientError> {
        own_share(self.gateway.store(), self.gateway.keys(), state, secret_id, cache).await
    }

    pub(super) async fn member_state(&self) -> Result<VaultState, ClientError> {
        let state = self.state().await?;
        if !state.is_member(self.gateway.keys().id()) {
            return Err(RuleViolation::NotMember.into());
        }
        Ok(state)
    }

    /// The member state, synced once first if it does not yet satisfy `knows` (the device may be
    /// behind). A device removed meanwhile learns it from the server's answer.
    pub(super) async fn state_knowing(&self, knows: impl Fn(&VaultState) -> bool) -> Result<VaultState, ClientError> {
        let state = self.member_state().await?;
        if knows(&state) {
            return Ok(state);
        }
        if self.gateway.sync().await?.status != MembershipStatus::Member {
            return Err(RuleViolation::NotMember.into());
        }
        self.member_state().await
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
        .filter(|(_, c)| c.status == ClaimStatus::Open && !c.shares.contains_key(me) && !c.declines.contains(me))
        .filter(|(_, c)| also(c))
        .map(|(id, _)| id.clone())
        .collect()
}

fn claim_info(state: &VaultState, id: &str, claim: &ClaimRecord) -> ClaimInfo {
    ClaimInfo {
        id: id.to_owned(),
        secret_id: claim.request.secret_id.clone(),
        requester: claim.requester.clone(),
        status: claim.status,
        approvals: claim.shares.len(),
        declines: claim.declines.len(),
        needed: usize::from(state.claim_threshold(claim).unwrap_or(1).saturating_sub(1)),
        batch: claim.request.batch.clone(),
        answered_by: claim.shares.keys().chain(claim.declines.iter()).cloned().collect(),
    }
}

//! Secret flows: add, list, delete, and recovery by approval.

use std::collections::BTreeMap;
use std::str::FromStr;

use age::secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::VaultClient;
use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::secrets::events::{new_object_id, RecoveryPurpose, RecoveryRequest};
use crate::secrets::{
    combine, MetaDistributor, MetaEncryptor, SecretError, SecretMetadata, ShareEnvelope, SharePayload,
};
use crate::store::{LogStore, StoreBatch, StoreError};
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::{ClaimRecord, ClaimStatus, MembershipStatus, RuleViolation, VaultState};

/// Ephemeral recovery keys this device holds, by claim id, each sealed to the device itself.
const RECOVERY_KEYS: &str = "recovery/keys";
pub const MAX_SECRET_NAME_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub id: String,
    /// `None` until this device receives a share (a new member before the re-split).
    pub name: Option<String>,
    pub k: u8,
    pub n: u8,
    pub version: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimInfo {
    pub id: String,
    pub secret_id: String,
    pub requester: DeviceId,
    pub purpose: RecoveryPurpose,
    pub status: ClaimStatus,
    pub approvals: usize,
    pub declines: usize,
    /// Approvals the requester needs besides its own share (k - 1).
    pub needed: usize,
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Splits `secret` k-of-n over the current members in one signed event.
    pub async fn add_secret(&self, name: &str, secret: &[u8], threshold: u8) -> Result<SecretInfo, ClientError> {
        let chars = name.chars().count();
        if name.trim().is_empty() || chars > MAX_SECRET_NAME_CHARS {
            return Err(ClientError::InvalidInput(format!(
                "secret name must be 1 to {MAX_SECRET_NAME_CHARS} characters"
            )));
        }
        self.gateway.sync().await?;
        let state = self.member_state().await?;
        let id = new_object_id();
        let metadata = SecretMetadata { name: name.to_owned() };
        let split = MetaDistributor::new(&state.members).distribute(&id, 1, threshold, secret, &metadata)?;
        let (k, n) = (split.k, split.n);
        self.submit(GenericKvLogEvent::SecretSplit(split)).await?;
        Ok(SecretInfo { id, name: Some(name.to_owned()), k, n, version: 1 })
    }

    /// Every live secret, names decrypted on this device.
    pub async fn secrets(&self) -> Result<Vec<SecretInfo>, ClientError> {
        let state = self.state().await?;
        let mut secrets = Vec::with_capacity(state.secrets.len());
        for (id, record) in &state.secrets {
            let name = self.own_payload(&state, id).await.ok().map(|payload| payload.metadata.name);
            secrets.push(SecretInfo { id: id.clone(), name, k: record.k, n: record.n, version: record.version });
        }
        Ok(secrets)
    }

    pub async fn delete_secret(&self, secret_id: &str) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::SecretDeleted { secret_id: secret_id.to_owned() }).await.map(drop)
    }

    /// Opens a reveal claim on `secret_id`; other members approve or decline it.
    pub async fn request_recovery(&self, secret_id: &str) -> Result<String, ClientError> {
        self.open_claim(secret_id, RecoveryPurpose::Reveal).await
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

    /// Re-seals this device's share to the claim's ephemeral key.
    pub async fn approve(&self, claim_id: &str) -> Result<(), ClientError> {
        let state = self.state_knowing_claim(claim_id).await?;
        let claim = state.claims.get(claim_id).ok_or(RuleViolation::UnknownClaim)?;
        let own = self.own_share_bytes(&state, &claim.request.secret_id).await?;
        let recipient = age::x25519::Recipient::from_str(&claim.request.ephemeral_recipient)
            .map_err(|_| ClientError::Secret(SecretError::BadMember))?;
        let sealed = MetaEncryptor::seal(&own, &[recipient])?;
        self.submit(GenericKvLogEvent::RecoveryShare { claim_id: claim_id.to_owned(), sealed }).await.map(drop)
    }

    pub async fn decline_claim(&self, claim_id: &str) -> Result<(), ClientError> {
        self.state_knowing_claim(claim_id).await?;
        self.submit(GenericKvLogEvent::RecoveryDeclined { claim_id: claim_id.to_owned() }).await.map(drop)
    }

    /// Combines this device's share with the approvals, returns the secret, posts "completed"
    /// and discards the ephemeral key.
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
        Ok(secret)
    }

    pub(super) async fn open_claim(&self, secret_id: &str, purpose: RecoveryPurpose) -> Result<String, ClientError> {
        let state = self.state_knowing(|state| state.secrets.contains_key(secret_id)).await?;
        let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let ephemeral = age::x25519::Identity::generate();
        let claim_id = new_object_id();
        let request = RecoveryRequest {
            claim_id: claim_id.clone(),
            secret_id: secret_id.to_owned(),
            version: record.version,
            ephemeral_recipient: ephemeral.to_public().to_string(),
            purpose,
        };
        // Keep the key before the claim exists, so no approval is ever sealed to a lost key.
        let own_recipient = self.gateway.keys().age_identity().to_public();
        let sealed_key = MetaEncryptor::seal(ephemeral.to_string().expose_secret().as_bytes(), &[own_recipient])?;
        let mut keys = self.recovery_keys().await?;
        keys.insert(claim_id.clone(), sealed_key);
        self.save_recovery_keys(&keys).await?;
        if let Err(error) = self.submit(GenericKvLogEvent::RecoveryRequested(request)).await {
            keys.remove(&claim_id);
            self.save_recovery_keys(&keys).await?;
            return Err(error);
        }
        Ok(claim_id)
    }

    /// The secret behind an open claim of this device: own share plus the approvals.
    pub(super) async fn recover(
        &self,
        state: &VaultState,
        claim_id: &str,
        claim: &ClaimRecord,
    ) -> Result<Vec<u8>, ClientError> {
        let k = state.claim_threshold(claim).ok_or(RuleViolation::UnknownSecret)?;
        let have = claim.shares.len() + 1;
        if have < usize::from(k) {
            return Err(SecretError::Shares(crate::secrets::ShareError::Insufficient { needed: k, have }).into());
        }
        let sealed_key = self.recovery_keys().await?.remove(claim_id).ok_or(RuleViolation::ClaimClosed)?;
        let key_text = MetaEncryptor::open(&sealed_key, self.gateway.keys().age_identity())?;
        let key_text = String::from_utf8(key_text).map_err(|_| SecretError::Open)?;
        let ephemeral = age::x25519::Identity::from_str(&key_text).map_err(|_| SecretError::Open)?;
        let mut envelopes = vec![parse_envelope(&self.own_share_bytes(state, &claim.request.secret_id).await?)?];
        for (approver, seq) in &claim.shares {
            let sealed = sealed_share(self.gateway.store(), *seq, approver).await?;
            envelopes.push(parse_envelope(&MetaEncryptor::open(&sealed, &ephemeral)?)?);
        }
        Ok(combine(&envelopes).map_err(SecretError::from)?)
    }

    /// Forgets ephemeral keys of claims that are no longer open.
    pub(super) async fn discard_closed_keys(&self) -> Result<(), ClientError> {
        let mut keys = self.recovery_keys().await?;
        let state = self.state().await?;
        let before = keys.len();
        keys.retain(|id, _| state.claims.get(id).is_some_and(|c| c.status == ClaimStatus::Open));
        if keys.len() != before {
            self.save_recovery_keys(&keys).await?;
        }
        Ok(())
    }

    /// This device's share of `secret_id` with the secret's metadata.
    pub(super) async fn own_payload(&self, state: &VaultState, secret_id: &str) -> Result<SharePayload, ClientError> {
        Ok(SharePayload::parse(&self.own_share_bytes(state, secret_id).await?)?)
    }

    async fn own_share_bytes(&self, state: &VaultState, secret_id: &str) -> Result<Vec<u8>, ClientError> {
        let record = state.secrets.get(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        let me = self.gateway.keys().id();
        let seq = record.shares.get(me).ok_or(RuleViolation::NoShare)?;
        let sealed = sealed_share(self.gateway.store(), *seq, me).await?;
        Ok(MetaEncryptor::open(&sealed, self.gateway.keys().age_identity())?)
    }

    async fn member_state(&self) -> Result<VaultState, ClientError> {
        let state = self.state().await?;
        if !state.is_member(self.gateway.keys().id()) {
            return Err(RuleViolation::NotMember.into());
        }
        Ok(state)
    }

    async fn state_knowing_claim(&self, claim_id: &str) -> Result<VaultState, ClientError> {
        self.state_knowing(|state| state.claims.contains_key(claim_id)).await
    }

    /// The member state, synced once first if it does not yet satisfy `knows` (the device may be
    /// behind). A device removed meanwhile learns it from the server's answer.
    async fn state_knowing(&self, knows: impl Fn(&VaultState) -> bool) -> Result<VaultState, ClientError> {
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
            Some(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| crate::store::StoreError::Corrupt(format!("recovery keys: {e}")).into()),
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

/// The sealed share `holder` has in commit `seq`: its part of a `secret_split`, or the
/// `recovery_share` it posted. The state keeps only where shares are; the log keeps the bytes.
pub async fn sealed_share<S: LogStore>(store: &S, seq: u64, holder: &DeviceId) -> Result<Bytes, ClientError> {
    let missing = || StoreError::Corrupt(format!("commit {seq} holds no share of {holder}"));
    let commit = store.commit_at(seq).await?.ok_or_else(missing)?;
    let sealed = match commit.event.event {
        GenericKvLogEvent::SecretSplit(split) => {
            split.shares.into_iter().find(|s| &s.device == holder).map(|s| s.sealed)
        }
        GenericKvLogEvent::RecoveryShare { sealed, .. } if &commit.event.author == holder => Some(sealed),
        _ => None,
    };
    Ok(sealed.ok_or_else(missing)?)
}

fn parse_envelope(bytes: &[u8]) -> Result<ShareEnvelope, ClientError> {
    Ok(SharePayload::parse(bytes)?.envelope)
}

fn claim_info(state: &VaultState, id: &str, claim: &ClaimRecord) -> ClaimInfo {
    ClaimInfo {
        id: id.to_owned(),
        secret_id: claim.request.secret_id.clone(),
        requester: claim.requester.clone(),
        purpose: claim.request.purpose,
        status: claim.status,
        approvals: claim.shares.len(),
        declines: claim.declines.len(),
        needed: usize::from(state.claim_threshold(claim).unwrap_or(1).saturating_sub(1)),
    }
}

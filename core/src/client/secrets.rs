//! Secret flows: add, list, delete (by quorum), and recovery by approval.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::VaultClient;
use crate::event::GenericKvLogEvent;
use crate::secrets::cipher;
use crate::secrets::events::{new_object_id, SealedSecret, SecretMetadata};
use crate::secrets::{MetaDistributor, SecretError};
use crate::store::{LogStore, StoreError};
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::generations::{GenerationId, NamesKey};
use crate::vault::{MembershipStatus, Proposal, RuleViolation, VaultState};

/// Ephemeral recovery keys this device holds, by claim id, each sealed to the device itself.
pub const MAX_SECRET_NAME_CHARS: usize = 200;
/// Claims one batch may open: an unlock of this many logins at most.
pub const MAX_BATCH_CLAIMS: usize = 500;
pub use crate::secrets::cipher::MAX_SECRET_BYTES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub id: String,
    /// `None` until this device holds the secret's generation (a new member before the re-share
    /// completes).
    pub name: Option<String>,
    /// Devices a reveal needs (the generation's threshold) and devices that hold it.
    pub k: u8,
    pub n: u8,
    /// The generation's epoch: 1 when made, + 1 per completed re-share.
    pub epoch: u32,
    /// Deletion votes so far, and the votes it needs.
    pub deletion_votes: usize,
}

/// A protection level as people see it: "needs k devices", held by n.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelInfo {
    pub level: u8,
    /// Devices a reveal needs now, and devices holding the newest usable generation.
    pub k: u8,
    pub n: u8,
    /// A usable generation exists: secrets can be added at this level.
    pub ready: bool,
    /// A generation of this level is being made or re-shared.
    pub in_progress: bool,
    pub secrets: usize,
}

/// The level whose newest usable generation has threshold `k`: the level made for k first.
fn level_for(state: &VaultState, k: u8) -> Option<GenerationId> {
    let mut levels: Vec<u8> = state.generations.levels().into_iter().collect();
    levels.sort_by_key(|level| (*level != k, *level));
    levels.into_iter().find_map(|level| state.generations.current(level).filter(|(_, g)| g.k == k).map(|(id, _)| id))
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Seals `secret` once to the newest generation of the level that needs `threshold` devices.
    /// A level no generation protects yet is opened (its devices make one on their next syncs)
    /// and the call fails with `LEVEL_NOT_READY`, except for a device alone in its vault, which
    /// makes it on the spot.
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
        self.ensure_verified_view().await?;
        self.sync().await?;
        let state = self.member_state().await?;
        crate::secrets::distributor::check_threshold(threshold, state.members.len())?;
        let state = match level_for(&state, threshold) {
            Some(_) => state,
            None => self.open_level_on(&state, threshold).await?,
        };
        let id = level_for(&state, threshold).ok_or_else(|| not_ready(threshold))?;
        let generation = state.generations.generations.get(&id).ok_or(RuleViolation::UnknownSecret)?;
        let public = generation.public_key().ok_or_else(|| not_ready(threshold))?.clone();
        let share = self.my_share(&state, id).await?;
        let secret_id = new_object_id();
        let metadata = SecretMetadata { name: name.to_owned() };
        let sealed =
            MetaDistributor::new(&state.vault).seal(&secret_id, id, &public.0, &share.names_key, secret, &metadata)?;
        let (k, n, epoch) = (generation.k, generation.holders.len() as u8, generation.epoch);
        self.submit(GenericKvLogEvent::SecretSealed(sealed)).await?;
        Ok(SecretInfo { id: secret_id, name: Some(name.to_owned()), k, n, epoch, deletion_votes: 0 })
    }

    /// Opens protection level `k` (a DKG among the devices trusted for it). Alone in a vault, the
    /// level is ready when this returns; otherwise once k of its devices synced.
    pub async fn open_level(&self, k: u8) -> Result<LevelInfo, ClientError> {
        self.sync().await?;
        let state = self.member_state().await?;
        crate::secrets::distributor::check_threshold(k, state.members.len())?;
        let state = self.open_level_on(&state, k).await?;
        self.levels_of(&state).into_iter().find(|l| l.k == k || l.level == k).ok_or_else(|| not_ready(k))
    }

    async fn open_level_on(&self, state: &VaultState, k: u8) -> Result<Arc<VaultState>, ClientError> {
        if level_for(state, k).is_none() && state.generations.current(k).is_none() {
            let under_way =
                state.generations.generations.iter().any(|(id, g)| id.level == k && g.epoch == 0 && g.round.is_some());
            if !under_way {
                self.submit(GenericKvLogEvent::GenerationOpened { level: k }).await?;
            }
            self.orchestrate().await?;
        }
        let state = self.member_state().await?;
        if level_for(&state, k).is_none() {
            return Err(not_ready(k));
        }
        Ok(state)
    }

    /// The vault's protection levels as of the last sync.
    pub async fn levels(&self) -> Result<Vec<LevelInfo>, ClientError> {
        let state = self.state().await?;
        Ok(self.levels_of(&state))
    }

    fn levels_of(&self, state: &VaultState) -> Vec<LevelInfo> {
        state
            .generations
            .levels()
            .into_iter()
            .map(|level| {
                let current = state.generations.current(level);
                let in_progress =
                    state.generations.generations.iter().any(|(id, g)| id.level == level && g.round.is_some());
                LevelInfo {
                    level,
                    k: current.map_or(0, |(_, g)| g.k),
                    n: current.map_or(0, |(_, g)| g.holders.len() as u8),
                    ready: current.is_some(),
                    in_progress,
                    secrets: state.secrets.values().filter(|r| r.generation.level == level).count(),
                }
            })
            .collect()
    }

    /// Every live secret, names decrypted on this device (those of generations it holds).
    pub async fn secrets(&self) -> Result<Vec<SecretInfo>, ClientError> {
        let state = self.state().await?;
        let mut names_keys: BTreeMap<GenerationId, Option<NamesKey>> = BTreeMap::new();
        let distributor = MetaDistributor::new(&state.vault);
        let mut secrets = Vec::with_capacity(state.secrets.len());
        for (id, record) in &state.secrets {
            let Some(generation) = state.generations.generations.get(&record.generation) else { continue };
            if let std::collections::btree_map::Entry::Vacant(slot) = names_keys.entry(record.generation) {
                slot.insert(self.my_share(&state, record.generation).await.ok().map(|share| share.names_key));
            }
            let name = match names_keys.get(&record.generation) {
                Some(Some(key)) => match self.sealed_secret(record.seq).await {
                    Ok(sealed) => distributor.open_name(&sealed, key).ok(),
                    Err(_) => None,
                },
                _ => None,
            };
            secrets.push(SecretInfo {
                id: id.clone(),
                name,
                k: generation.k,
                n: generation.holders.len() as u8,
                epoch: generation.epoch,
                deletion_votes: state.votes_for(&Proposal::DeleteSecret { secret_id: id.clone() }),
            });
        }
        Ok(secrets)
    }

    /// This device's verified share of the generation `secret_id` is sealed to (for tools and
    /// tests: a share never leaves the device but as a proven partial).
    pub async fn share_of(&self, secret_id: &str) -> Result<crate::vault::generations::MyShare, ClientError> {
        let state = self.member_state().await?;
        let (id, _) = state.generation_of(secret_id).ok_or(RuleViolation::UnknownSecret)?;
        self.my_share(&state, id).await
    }

    /// This device's verified share of generation `id` (for tools and tests).
    pub async fn generation_share(&self, id: GenerationId) -> Result<crate::vault::generations::MyShare, ClientError> {
        let state = self.member_state().await?;
        self.my_share(&state, id).await
    }

    pub(super) async fn sealed_secret(&self, seq: u64) -> Result<SealedSecret, ClientError> {
        match self.gateway.store().commit_at(seq).await?.map(|c| c.event.event) {
            Some(GenericKvLogEvent::SecretSealed(sealed)) => Ok(sealed),
            _ => Err(StoreError::Corrupt(format!("commit {seq} is not a sealed secret")).into()),
        }
    }

    /// Votes to delete `secret_id`; it is deleted once the quorum voted.
    pub async fn delete_secret(&self, secret_id: &str) -> Result<(), ClientError> {
        let event = GenericKvLogEvent::SecretDeletionApproved { secret_id: secret_id.to_owned() };
        self.submit(event).await.map(drop)
    }

    pub(super) async fn member_state(&self) -> Result<Arc<VaultState>, ClientError> {
        let state = self.state().await?;
        if !state.is_member(self.gateway.keys().id()) {
            return Err(RuleViolation::NotMember.into());
        }
        Ok(state)
    }

    /// The member state, synced once first if it does not yet satisfy `knows` (the device may be
    /// behind). A device removed meanwhile learns it from the server's answer.
    pub(super) async fn state_knowing(
        &self,
        knows: impl Fn(&VaultState) -> bool,
    ) -> Result<Arc<VaultState>, ClientError> {
        let state = self.member_state().await?;
        if knows(&state) {
            return Ok(state);
        }
        if self.gateway.sync().await?.status != MembershipStatus::Member {
            return Err(RuleViolation::NotMember.into());
        }
        self.member_state().await
    }
}

fn not_ready(k: u8) -> ClientError {
    ClientError::LevelNotReady(format!(
        "the protection level \"needs {k} devices\" has no key yet: it is made once {k} of its devices have synced; add the secret again then"
    ))
}

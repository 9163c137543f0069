//! Invites: a member makes a code for one device; the device's join request carries proof of it.

use zeroize::Zeroizing;

use super::VaultClient;
use crate::encoding::Bytes;
use crate::event::GenericKvLogEvent;
use crate::identity::DeviceId;
use crate::invite::{Invite, DEFAULT_INVITE_TTL_MS, MAX_INVITE_TTL_MS};
use crate::store::{LogStore, StoreError};
use crate::sync::{ClientError, SyncProtocol};

/// An invite just made: give `code` to the person joining (it is shown once; the log holds only
/// its public key).
pub struct NewInvite {
    pub code: Zeroizing<String>,
    pub invite_key: Bytes,
    pub expires_ms: u64,
}

/// An unused invite as members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteInfo {
    pub invite_key: Bytes,
    pub creator: DeviceId,
    pub expires_ms: u64,
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Makes an invite for one device, valid for `ttl_ms` (default 24 hours, at most 30 days).
    pub async fn create_invite(&self, ttl_ms: Option<u64>) -> Result<NewInvite, ClientError> {
        let ttl = ttl_ms.unwrap_or(DEFAULT_INVITE_TTL_MS);
        if ttl == 0 || ttl > MAX_INVITE_TTL_MS {
            return Err(ClientError::InvalidInput("an invite lasts from 1 ms to 30 days".into()));
        }
        self.sync().await?;
        let state = self.member_state().await?;
        let genesis = match self.gateway.store().commit_at(1).await? {
            Some(commit) => commit.hash(),
            None => return Err(StoreError::Corrupt("the vault's genesis is missing".into()).into()),
        };
        let invite = Invite::generate(state.vault.clone(), genesis);
        let invite_key = invite.public_key();
        let expires_ms = self.gateway.now_ms().saturating_add(ttl);
        self.submit(GenericKvLogEvent::InviteCreated { invite_key: invite_key.clone(), expires_ms }).await?;
        Ok(NewInvite { code: invite.code(), invite_key, expires_ms })
    }

    /// Withdraws an unused invite.
    pub async fn revoke_invite(&self, invite_key: &Bytes) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::InviteRevoked { invite_key: invite_key.clone() }).await.map(drop)
    }

    /// Unused invites, as of the last sync (expired ones aside).
    pub async fn invites(&self) -> Result<Vec<InviteInfo>, ClientError> {
        let state = self.member_state().await?;
        let now = self.gateway.now_ms();
        Ok(state
            .vouching
            .invites
            .iter()
            .filter(|(_, open)| open.expires_ms >= now)
            .map(|(key, open)| InviteInfo {
                invite_key: key.clone(),
                creator: open.creator.clone(),
                expires_ms: open.expires_ms,
            })
            .collect())
    }
}

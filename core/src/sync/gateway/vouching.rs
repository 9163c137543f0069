//! What a person vouches for before this session may act: the vault an invite named (its genesis,
//! checked once the first pull verified) and whether the log came from the server alone.

use super::{Local, SyncGateway, INVITED_GENESIS_KEY, INVITE_MISMATCH_KEY, UNVERIFIED_KEY};
use crate::event::Commit;
use crate::store::{LogStore, StoreBatch};
use crate::sync::client_error::ClientError;
use crate::sync::transport::SyncProtocol;

impl<S: LogStore, T: SyncProtocol> SyncGateway<S, T> {
    /// Remembers the genesis `invite` names; the first pull that brings the vault's genesis checks
    /// it. Only for a device with no log yet.
    pub async fn expect_genesis(&self, invite: &crate::invite::Invite) -> Result<(), ClientError> {
        let mut local = self.local.lock().await;
        if local.state.as_ref().is_some_and(|s| s.head.seq > 0) {
            return Err(ClientError::InvalidInput("this device already belongs to a vault".into()));
        }
        let prefix = crate::encoding::Bytes(invite.genesis_prefix().to_vec());
        let mut batch = StoreBatch::default();
        batch.put(INVITED_GENESIS_KEY, serde_json::to_vec(&prefix).unwrap_or_default());
        self.store.write(batch).await?;
        local.invited_genesis = Some(prefix);
        Ok(())
    }

    /// Marks this store's view as unverified (`true`: its log will come from the server alone) or
    /// verified by a person.
    pub async fn set_unverified(&self, unverified: bool) -> Result<(), ClientError> {
        let mut local = self.local.lock().await;
        let mut batch = StoreBatch::default();
        if unverified {
            batch.put(UNVERIFIED_KEY, vec![1]);
        } else {
            batch.delete(UNVERIFIED_KEY);
        }
        self.store.write(batch).await?;
        local.unverified = unverified;
        Ok(())
    }

    pub async fn is_unverified(&self) -> bool {
        self.local.lock().await.unverified
    }

    /// Checks the genesis an invite named against the first pulled commit, once the pull verified:
    /// a mismatch stops the device for good (stored); `true` when it matched (the caller forgets
    /// the expectation in the same write that stores the genesis).
    pub(super) async fn check_invited_genesis(
        &self,
        local: &mut Local,
        commits: &[Commit],
    ) -> Result<bool, ClientError> {
        let (Some(expected), Some(genesis)) = (&local.invited_genesis, commits.first().filter(|c| c.seq == 1)) else {
            return Ok(false);
        };
        let hash = genesis.hash();
        let mut batch = StoreBatch::default();
        let matches = hash.0.get(..expected.0.len()).is_some_and(|prefix| prefix == &expected.0[..]);
        let mismatch = (!matches).then(|| {
            format!(
                "vault {} is not the one the invite names: its genesis is {}, the invite's begins {}",
                genesis.event.vault,
                hash.to_hex(),
                expected.0.iter().map(|b| format!("{b:02x}")).collect::<String>()
            )
        });
        match mismatch {
            Some(evidence) => {
                batch.put(INVITE_MISMATCH_KEY, serde_json::to_vec(&evidence).unwrap_or_default());
                self.store.write(batch).await?;
                local.invite_mismatch = Some(evidence.clone());
                Err(ClientError::InviteMismatch(evidence))
            }
            None => Ok(true),
        }
    }

    /// Forgets the genesis an invite named (its join request was refused).
    pub async fn forget_invited_genesis(&self) -> Result<(), ClientError> {
        let mut local = self.local.lock().await;
        let mut batch = StoreBatch::default();
        batch.delete(INVITED_GENESIS_KEY);
        self.store.write(batch).await?;
        local.invited_genesis = None;
        Ok(())
    }
}

//! "Add a recovery kit": a member device makes a kit, the kit asks to join from a throwaway
//! in-memory session, and the device casts its own approval. The seed leaves only as the words
//! handed back for the printed page; nothing of it is stored or sent.

use super::VaultClient;
use crate::clock::Clock;
use crate::identity::DeviceInfo;
use crate::paper::KitSeed;
use crate::store::LogStore;
use crate::sync::{ClientError, SyncProtocol};

/// A kit just made: shown once, then dropped (the seed wipes itself).
pub struct NewKit {
    pub seed: KitSeed,
    pub member: DeviceInfo,
    pub vault: String,
    /// The code members compare before approving the kit's join.
    pub verification_code: String,
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Makes a recovery kit labelled `label` and asks the vault to admit it, with this device's
    /// vote and shares. Other members approve it like any join until the quorum is met.
    /// The kit's one join request goes from a throwaway session on `kit_store` (empty; dropped
    /// after) over `kit_transport` (to this device's server). They are of this device's types so
    /// that wasm carries one copy of the client's code.
    pub async fn add_recovery_kit(
        &self,
        label: &str,
        kit_store: S,
        kit_transport: T,
        clock: Box<dyn Clock>,
    ) -> Result<NewKit, ClientError> {
        self.sync().await?;
        let state = self.member_state().await?;
        let vault = state.vault.as_str().to_string();
        let seed = KitSeed::generate();
        let kit = VaultClient::open_with_keys(kit_store, kit_transport, clock, seed.device_keys(label)?).await?;
        kit.request_join(&vault).await?;
        let member = kit.device().clone();
        let verification_code = kit.verification_code(&vault)?;
        drop(kit);
        if let Err(error) = self.accept(&member.id).await {
            // Nobody could ever approve with these words again: turn the request down.
            let _ = self.decline(&member.id).await;
            return Err(error);
        }
        Ok(NewKit { seed, member, vault, verification_code })
    }
}

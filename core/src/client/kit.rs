//! "Add a recovery kit": a member device makes a kit and the kit asks to join from a throwaway
//! session, vouched for by the maker's signature. The device does not vote here: the person
//! approves the kit (`accept`) only once its words are stored, so a failure can never leave a
//! member whose words nobody has. The maker saw the words, so its vote is needed but does not
//! count: the kit also needs the quorum of the other members (all of them, if fewer).

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
    /// Makes a recovery kit labelled `label` whose join request waits in this device's vault.
    /// Show the kit, then approve it with [`VaultClient::accept`] once it is stored; the other
    /// members approve it like any join until the quorum is met. A request nobody approves can
    /// be declined like any other.
    ///
    /// The kit's request goes from a throwaway session on `kit_store` (empty; dropped after) over
    /// `kit_transport` (to this device's server). They are of this device's types so that wasm
    /// carries one copy of the client's code.
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
        let vouch = crate::event::KitMaker::sign(self.gateway.keys(), &state.vault, kit.device());
        kit.request_join_vouched(&state.vault, Some(vouch), None).await?;
        let member = kit.device().clone();
        let verification_code = kit.verification_code(&vault)?;
        Ok(NewKit { seed, member, vault, verification_code })
    }
}

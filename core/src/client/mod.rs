//! The device-side API: one call per flow. Each call queues a signed event and syncs it, so a
//! flow's result is what the server's copy of the vault aggregate decided.

mod claims;
mod freshness;
mod generation_store;
mod governance;
mod invites;
mod kit;
mod orchestrator;
pub mod planner;
mod secrets;

pub use claims::ClaimInfo;
use governance::infos;
pub use governance::{DeviceLists, GovernanceView, PendingRequest};
pub use invites::{InviteInfo, NewInvite};
pub use kit::NewKit;
pub use orchestrator::OrchestratorReport;
pub use secrets::{LevelInfo, SecretInfo, MAX_BATCH_CLAIMS, MAX_SECRET_BYTES, MAX_SECRET_NAME_CHARS};

use crate::clock::Clock;
use crate::error::ErrorCode;
use crate::event::{GenericKvLogEvent, VaultName};
use crate::identity::{DeviceId, DeviceInfo, DeviceKeys, DeviceKind, KeyProtection};
use crate::store::{LogStore, StoreBatch};
use crate::sync::live::Wake;
use crate::sync::{ClientError, SyncGateway, SyncProtocol, SyncReport, TransportRequest};
use crate::vault::{MembershipStatus, RuleViolation, VaultState};

const KEYS_KEY: &str = "device/keys";

/// How a device comes into being on first open.
pub struct DeviceSetup<'a> {
    pub name: &'a str,
    pub kind: DeviceKind,
    /// Encrypts the keys at rest (age scrypt). `None` stores them in the clear, for demos only.
    pub passphrase: Option<&'a str>,
    /// scrypt log2(N) for new keys; [`KeyProtection::DEFAULT_WORK_FACTOR`] unless testing.
    pub work_factor: u8,
}

/// Loads this device's keys from the store, or creates and stores them on first use.
pub async fn load_or_create_keys<S: LogStore>(store: &S, setup: &DeviceSetup<'_>) -> Result<DeviceKeys, ClientError> {
    if let Some(blob) = stored_key_blob(store).await? {
        return Ok(DeviceKeys::import(&blob, setup.passphrase)?);
    }
    let keys = DeviceKeys::generate(setup.name, setup.kind)?;
    let protection = match setup.passphrase {
        Some(passphrase) => KeyProtection::Passphrase { passphrase, work_factor: setup.work_factor },
        None => KeyProtection::Unprotected,
    };
    store_key_blob(store, keys.export(protection)?).await?;
    Ok(keys)
}

/// This device's keys as stored (see [`DeviceKeys::export`]), if it has any yet.
pub async fn stored_key_blob<S: LogStore>(store: &S) -> Result<Option<Vec<u8>>, ClientError> {
    Ok(store.kv_get(KEYS_KEY).await?)
}

pub async fn store_key_blob<S: LogStore>(store: &S, blob: Vec<u8>) -> Result<(), ClientError> {
    let mut batch = StoreBatch::default();
    batch.put(KEYS_KEY, blob);
    Ok(store.write(batch).await?)
}

pub struct VaultClient<S, T> {
    gateway: SyncGateway<S, T>,
}

fn vault_name(text: &str) -> Result<VaultName, ClientError> {
    VaultName::parse(text).map_err(|e| ClientError::InvalidInput(e.to_string()))
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    pub async fn open(
        store: S,
        transport: T,
        clock: Box<dyn Clock>,
        setup: DeviceSetup<'_>,
    ) -> Result<Self, ClientError> {
        let keys = load_or_create_keys(&store, &setup).await?;
        Self::open_with_keys(store, transport, clock, keys).await
    }

    /// Opens with keys the caller loaded itself (the browser unseals them off the page's thread).
    pub async fn open_with_keys(
        store: S,
        transport: T,
        clock: Box<dyn Clock>,
        keys: DeviceKeys,
    ) -> Result<Self, ClientError> {
        Ok(VaultClient { gateway: SyncGateway::open(store, transport, clock, keys).await? })
    }

    pub fn device(&self) -> &DeviceInfo {
        self.gateway.keys().info()
    }

    pub fn gateway(&self) -> &SyncGateway<S, T> {
        &self.gateway
    }

    /// Creates `vault` with this device as owner and first member, and the default quorum.
    pub async fn create_vault(&self, vault: &str) -> Result<(), ClientError> {
        self.create_vault_with_quorum(vault, crate::vault::governance::DEFAULT_QUORUM).await
    }

    /// Creates `vault` whose governance changes need `quorum` member approvals (2 to 32, capped
    /// by the member count).
    pub async fn create_vault_with_quorum(&self, vault: &str, quorum: u8) -> Result<(), ClientError> {
        self.gateway.bind(&vault_name(vault)?).await?;
        let receive_key = self.fresh_receive_key(0).await?;
        self.submit(GenericKvLogEvent::VaultCreated { owner: self.device().clone(), quorum, receive_key }).await?;
        // The owner's first level, made alone (a DKG of one): the vault's first join re-shares it
        // to two devices, so secrets can be added at once.
        self.submit(GenericKvLogEvent::GenerationOpened { level: 1 }).await?;
        self.orchestrate().await?;
        Ok(())
    }

    /// The code this device shows when it asks to join `vault`; approvers compare it with
    /// [`VaultClient::verification_code_of`].
    pub fn verification_code(&self, vault: &str) -> Result<String, ClientError> {
        Ok(self.device().verification_code(vault_name(vault)?.as_str()))
    }

    /// The verification code of a device that asked to join this device's vault.
    pub async fn verification_code_of(&self, device: &DeviceId) -> Result<String, ClientError> {
        let state = self.state().await?;
        let info =
            state.pending.get(device).or_else(|| state.members.get(device)).ok_or(RuleViolation::UnknownDevice)?;
        Ok(info.verification_code(state.vault.as_str()))
    }

    /// Asks to join `vault`; a member must accept. Returns the standing after the request.
    pub async fn request_join(&self, vault: &str) -> Result<MembershipStatus, ClientError> {
        self.request_join_vouched(&vault_name(vault)?, None, None).await
    }

    /// Asks to join with an invite code a member made (`create_invite`): the request skips the
    /// outsiders' small pool, and once admitted this device checks that the vault is the one the
    /// invite names (`INVITE_MISMATCH` otherwise, and it acts no further).
    pub async fn request_join_with_invite(&self, code: &str) -> Result<MembershipStatus, ClientError> {
        let invite = crate::invite::Invite::parse(code).map_err(|e| ClientError::InvalidInput(e.to_string()))?;
        self.gateway.expect_genesis(&invite).await?;
        let result = self.request_join_vouched(&invite.vault.clone(), None, Some(&invite)).await;
        let refused = match &result {
            Err(error) => crate::error::HasErrorCode::code(error) != ErrorCode::Network,
            Ok(status) => *status == MembershipStatus::NotMember,
        };
        if refused {
            // Refused (not merely unsent): this invite must not hold the device to a vault it
            // never joined.
            self.gateway.forget_invited_genesis().await?;
        }
        result
    }

    /// Asks to join vouched for by a kit's maker or by an invite (`add_recovery_kit` and
    /// `request_join_with_invite` call it; public for tools and tests).
    pub async fn request_join_vouched(
        &self,
        vault: &VaultName,
        kit_maker: Option<crate::event::KitMaker>,
        invite: Option<&crate::invite::Invite>,
    ) -> Result<MembershipStatus, ClientError> {
        self.gateway.bind(vault).await?;
        let receive_key = self.fresh_receive_key(0).await?;
        let candidate = self.device().clone();
        let invite = invite.map(|invite| invite.sign_join(&candidate, &receive_key));
        let event = GenericKvLogEvent::JoinRequested { candidate, receive_key, kit_maker, invite };
        let report = self.submit(event).await?;
        Ok(report.status)
    }

    /// Takes up this device's existing membership of `vault` on a device with no copy of it: a
    /// recovery kit typed in, or keys restored onto a fresh store. Anything but a member (a
    /// revoked kit, a kit of another vault) is refused with `NOT_MEMBER`.
    pub async fn attach(&self, vault: &str) -> Result<SyncReport, ClientError> {
        let name = vault_name(vault)?;
        let status = self.gateway.probe_status(&name).await?;
        if status != MembershipStatus::Member {
            let message = format!("these keys are not a member of vault {name} (their standing: {status:?})");
            return Err(ClientError::Api(crate::sync::wire::ApiError::new(crate::ErrorCode::NotMember, message)));
        }
        // A store with no log takes its whole view from the server: a hostile one could show an
        // old prefix (a removed device still a member), so nothing leaves until a person checks.
        let fresh = self.gateway.state().await.map_or(true, |s| s.head.seq == 0);
        self.gateway.bind(&name).await?;
        if fresh {
            self.gateway.set_unverified(true).await?;
        }
        self.sync().await
    }

    /// This device's standing in `vault`, readable by outsiders too.
    pub async fn status(&self, vault: &str) -> Result<MembershipStatus, ClientError> {
        self.gateway.probe_status(&vault_name(vault)?).await
    }

    /// The vault's size against its quota, as its server reports it to members.
    pub async fn server_usage(&self) -> Result<crate::sync::VaultUsage, ClientError> {
        self.gateway.usage().await
    }

    /// Syncs, then lets the orchestrator keep secrets shared over the current members.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        let report = self.gateway.sync().await?;
        if report.status == MembershipStatus::Member {
            self.orchestrate().await?;
        }
        Ok(report)
    }

    /// Reacts to a live poke or a polling tick; both end in the same sync (and orchestration).
    /// A poke for a head this device already has does nothing. Returns the sync's report, if any.
    pub async fn on_wake(&self, wake: Wake) -> Result<Option<SyncReport>, ClientError> {
        let report = match wake {
            Wake::Poke { head } => self.gateway.sync_if_behind(head).await?,
            Wake::Tick => Some(self.gateway.sync().await?),
        };
        if report.as_ref().is_some_and(|r| r.status == MembershipStatus::Member) {
            self.orchestrate().await?;
        }
        Ok(report)
    }

    /// A signed handshake for the vault's live socket; see [`crate::sync::live`].
    pub async fn live_request(&self) -> Result<TransportRequest, ClientError> {
        self.gateway.live_request().await
    }

    /// The head as a short fingerprint (`seq · xxxx-xxxx`): two devices showing the same one see
    /// the same history.
    pub async fn log_fingerprint(&self) -> Result<String, ClientError> {
        Ok(crate::sync::fork::fingerprint(self.state().await?.head))
    }

    /// Evidence of a fork this device found, if any; it then refuses to sync, vote or approve.
    pub async fn fork_evidence(&self) -> Option<String> {
        self.gateway.fork().await
    }

    /// Proof that the server once withheld commits from this device (a freeze), if found.
    pub async fn withheld_evidence(&self) -> Option<String> {
        self.gateway.withheld().await
    }

    /// The vault as of the last sync (verified commits only).
    pub async fn state(&self) -> Result<std::sync::Arc<VaultState>, ClientError> {
        self.gateway.state().await
    }

    pub async fn members(&self) -> Result<Vec<DeviceInfo>, ClientError> {
        Ok(infos(&self.state().await?.members))
    }

    /// A fresh receive key, its secret kept on this device (sealed to its own key).
    async fn fresh_receive_key(&self, index: u32) -> Result<crate::encoding::Bytes, ClientError> {
        generation_store::new_receive_key(self.gateway.store(), self.gateway.keys(), index).await
    }

    pub async fn leave(&self) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::DeviceLeft).await.map(drop)
    }

    /// Queues `event`, syncs, and reports the server's verdict on it. When the local check fails
    /// the device may just be behind, so it syncs once and checks again before giving up.
    /// Queues `events` against one view of the state and sends them in one sync; fails if the
    /// server rejected any of them.
    pub(crate) async fn submit_all(&self, events: Vec<GenericKvLogEvent>) -> Result<SyncReport, ClientError> {
        let author_seqs = self.gateway.enqueue_all(events).await?;
        let report = self.gateway.sync().await?;
        match report.rejected.iter().find(|r| author_seqs.contains(&r.author_seq)) {
            Some(rejected) => Err(ClientError::Rejected { code: rejected.code, message: rejected.message.clone() }),
            None => Ok(report),
        }
    }

    pub(crate) async fn submit(&self, event: GenericKvLogEvent) -> Result<SyncReport, ClientError> {
        let author_seq = match self.gateway.enqueue(event.clone()).await {
            Err(ClientError::Rule(_)) => {
                self.gateway.sync().await?;
                self.gateway.enqueue(event).await?
            }
            other => other?,
        };
        let report = self.gateway.sync().await?;
        match report.rejected.iter().find(|r| r.author_seq == author_seq) {
            Some(rejected) => Err(ClientError::Rejected { code: rejected.code, message: rejected.message.clone() }),
            None => Ok(report),
        }
    }
}

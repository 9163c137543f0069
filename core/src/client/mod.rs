//! The device-side API: one call per flow. Each call queues a signed event and syncs it, so a
//! flow's result is what the server's copy of the vault aggregate decided.

mod claims;
mod freshness;
mod generation_store;
mod invites;
mod kit;
mod orchestrator;
pub mod planner;
mod secrets;

pub use claims::ClaimInfo;
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
use crate::vault::invites::Voucher;
use crate::vault::{MembershipStatus, Proposal, RuleViolation, VaultState};

const KEYS_KEY: &str = "device/keys";

/// The vault's devices by standing, from local state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceLists {
    pub members: Vec<DeviceInfo>,
    pub pending: Vec<DeviceInfo>,
    pub declined: Vec<DeviceInfo>,
    pub removed: Vec<DeviceInfo>,
}

/// A join request as an approver sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRequest {
    pub device: DeviceInfo,
    /// Compare with the code the candidate shows before approving.
    pub verification_code: String,
    pub votes: usize,
    /// Votes its admission needs (a kit's maker plus the other members; see `kit_maker`).
    pub votes_needed: usize,
    pub voted_by_me: bool,
    /// For a recovery kit: the member that made it, which saw its words. Its vote is needed but
    /// does not count toward the quorum.
    pub kit_maker: Option<DeviceId>,
    /// The member whose invite the device used, if any.
    pub invited_by: Option<DeviceId>,
}

/// Governance as of the last sync: what waits for votes, and what waits for this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GovernanceView {
    pub quorum: u8,
    /// Votes a change needs now (the quorum capped by the member count).
    pub required_votes: usize,
    /// How long a claim opened now may be approved.
    pub claim_lifetime_ms: u64,
    pub pending: Vec<PendingRequest>,
    /// Members with removal votes: (member, votes, voted by me).
    pub removals: Vec<(DeviceId, usize, bool)>,
    /// Key generations ("level/number") being re-shared to members that hold no share yet,
    /// waiting for this device's approval (`accept` of that member) to deal its share.
    pub awaiting_my_approval: Vec<String>,
    /// Key generations with an open round (being made, or re-shared).
    pub resharing: Vec<String>,
    /// Members holding no share of a level this device holds and that this device has not
    /// approved, with their codes: what `share_with_new_members` approves. An unknown device here
    /// is a reason to vote it out.
    pub to_approve: Vec<(DeviceInfo, String)>,
    /// Secrets that can no longer be revealed: their generation has fewer than k holders left.
    pub unrecoverable: Vec<String>,
    /// Each member's newest signed event time (ms), when it has one: a device that keeps
    /// showing old times while others are in use may be frozen by its server.
    pub last_event_ms: Vec<(DeviceId, u64)>,
}

/// Members that hold no share of a level this device holds and that this device has not
/// approved: what "share with new members" approves.
fn to_approve<'a>(state: &'a VaultState, me: &DeviceId) -> Vec<&'a DeviceInfo> {
    let levels: Vec<u8> = state
        .generations
        .generations
        .iter()
        .filter(|(_, g)| g.is_ready() && g.holders.contains_key(me))
        .map(|(id, _)| id.level)
        .collect();
    state
        .members
        .values()
        .filter(|info| &info.id != me)
        .filter(|info| !state.approved_by.get(&info.id).is_some_and(|v| v.contains(me)))
        .filter(|info| levels.iter().any(|level| !state.generations.trusted_for(*level).contains(&info.id)))
        .collect()
}

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

    /// Every device the vault knows, by standing, as of the last sync (no request).
    pub async fn devices(&self) -> Result<DeviceLists, ClientError> {
        let state = self.state().await?;
        Ok(DeviceLists {
            members: infos(&state.members),
            pending: infos(&state.pending),
            declined: state.declined.values().cloned().collect(),
            removed: state.removed.values().cloned().collect(),
        })
    }

    /// Votes, join requests with their verification codes, and re-shares waiting for this device.
    pub async fn governance(&self) -> Result<GovernanceView, ClientError> {
        let state = self.state().await?;
        let me = self.gateway.keys().id();
        let pending = state
            .pending
            .values()
            .map(|info| {
                let proposal = Proposal::Accept { device: info.id.clone() };
                let (kit_maker, invited_by) = match state.vouching.vouchers.get(&info.id) {
                    Some(Voucher { by, kit: true }) => (Some(by.clone()), None),
                    Some(Voucher { by, kit: false }) => (None, Some(by.clone())),
                    None => (None, None),
                };
                PendingRequest {
                    device: info.clone(),
                    verification_code: info.verification_code(state.vault.as_str()),
                    votes: state.votes_for(&proposal),
                    votes_needed: state.required_votes_for(&proposal),
                    voted_by_me: state.has_voted(&proposal, me),
                    kit_maker,
                    invited_by,
                }
            })
            .collect();
        let removals = state
            .members
            .keys()
            .filter_map(|id| {
                let proposal = Proposal::Remove { device: id.clone() };
                let votes = state.votes_for(&proposal);
                (votes > 0).then(|| (id.clone(), votes, state.has_voted(&proposal, me)))
            })
            .collect();
        Ok(GovernanceView {
            quorum: state.quorum,
            required_votes: state.required_votes(),
            claim_lifetime_ms: state.claim_ttl_ms,
            pending,
            removals,
            awaiting_my_approval: planner::awaiting_my_approval(&state, me)
                .into_iter()
                .map(orchestrator::label)
                .collect(),
            resharing: state
                .generations
                .generations
                .iter()
                .filter(|(_, g)| g.round.is_some())
                .map(|(id, _)| orchestrator::label(*id))
                .collect(),
            unrecoverable: state
                .secrets
                .iter()
                .filter(|(_, r)| state.generations.generations.get(&r.generation).is_none_or(|g| g.lost))
                .map(|(id, _)| id.clone())
                .collect(),
            to_approve: to_approve(&state, me)
                .into_iter()
                .map(|info| (info.clone(), info.verification_code(state.vault.as_str())))
                .collect(),
            last_event_ms: state.last_event_ms.iter().map(|(id, ms)| (id.clone(), *ms)).collect(),
        })
    }

    /// Syncs, then lists the devices waiting for a member's decision.
    pub async fn pending_requests(&self) -> Result<Vec<DeviceInfo>, ClientError> {
        self.sync().await?;
        Ok(infos(&self.state().await?.pending))
    }

    /// A person's approval of a device: a vote to accept it (effective at the quorum) that also
    /// re-shares this device's generation shares to the member set it joins. For a device that
    /// is already a member, a late approval that deals this device's shares to it.
    pub async fn accept(&self, device: &DeviceId) -> Result<(), ClientError> {
        // Dealings name the generation's epoch: deal on the newest view (another device's ack may
        // have just completed a round), and once more if one completes meanwhile.
        self.ensure_verified_view().await?;
        self.gateway.sync().await?;
        match self.accept_on_current_view(device).await {
            Err(ClientError::Rejected { code: ErrorCode::StaleEpoch | ErrorCode::NoRound, .. }) => {
                self.gateway.sync().await?;
                self.accept_on_current_view(device).await
            }
            other => other,
        }
    }

    async fn accept_on_current_view(&self, device: &DeviceId) -> Result<(), ClientError> {
        let state = self.state_knowing(|s| s.pending.contains_key(device) || s.is_member(device)).await?;
        let me = self.gateway.keys().id();
        let already_approved = state.approved_by.get(device).is_some_and(|v| v.contains(me));
        if state.is_member(device) && (already_approved || device == me) {
            return self.deal_to_new_members_on(&state).await;
        }
        let targets: Vec<DeviceId> = if state.is_member(device) {
            state.members.keys().cloned().collect()
        } else if state.pending.contains_key(device) {
            let mut targets: Vec<DeviceId> = state.members.keys().cloned().collect();
            targets.push(device.clone());
            targets.sort();
            targets
        } else {
            return Err(RuleViolation::NotPending.into());
        };
        let dealings = self.join_dealings(&state, device, &targets).await?;
        self.submit(GenericKvLogEvent::JoinApproved { device: device.clone(), dealings }).await?;
        // The approver is a target of its own round: it checks and acknowledges at once, so the
        // join completes with the new device's first sync.
        self.orchestrate().await.map(drop)
    }

    /// This holder's re-share of every generation it holds to `targets`, inside its approval of
    /// `device`: only what the aggregate will accept (its own rounds, not dealt yet).
    async fn join_dealings(
        &self,
        state: &VaultState,
        device: &DeviceId,
        targets: &[DeviceId],
    ) -> Result<Vec<crate::vault::generations::GenerationDealing>, ClientError> {
        let me = self.gateway.keys().id();
        let mut probe = state.clone();
        let mut dealings = Vec::new();
        let ids: Vec<_> = state.generations.generations.keys().copied().collect();
        for id in ids {
            let Some(generation) = probe.generations.generations.get(&id) else { continue };
            if !generation.is_ready() || !generation.holders.contains_key(me) || generation.faulty.contains(me) {
                continue;
            }
            if probe.generations.open_join_round(id, targets).is_err() {
                continue;
            }
            let round = probe.generations.generations.get(&id).and_then(|g| g.round.as_ref());
            if round.is_some_and(|r| r.dealings.iter().any(|d| &d.dealer == me)) {
                continue;
            }
            let dealing = match self.my_dealing(&probe, id).await {
                Ok(dealing) => dealing,
                Err(ClientError::Rule(_) | ClientError::Secret(_)) => continue,
                Err(other) => return Err(other),
            };
            let view = ApprovingView { state: &probe, device };
            if probe.generations.check_dealing(me, &dealing, &view).is_ok() {
                dealings.push(dealing);
            }
        }
        Ok(dealings)
    }

    /// A person's approval of every member that holds no share yet (listed with their codes in
    /// [`GovernanceView::to_approve`]) and of dealing this device's shares to them.
    pub async fn share_with_new_members(&self) -> Result<(), ClientError> {
        self.ensure_verified_view().await?;
        self.gateway.sync().await?;
        let state = self.member_state().await?;
        for info in to_approve(&state, self.gateway.keys().id()) {
            self.submit(GenericKvLogEvent::JoinApproved { device: info.id.clone(), dealings: Vec::new() }).await?;
        }
        let state = self.member_state().await?;
        self.deal_to_new_members_on(&state).await
    }

    async fn deal_to_new_members_on(&self, state: &VaultState) -> Result<(), ClientError> {
        let me = self.gateway.keys().id();
        let waiting = planner::awaiting_my_approval(state, me);
        let mut events = Vec::new();
        for id in waiting {
            let Ok(dealing) = self.my_dealing(state, id).await else { continue };
            if state.generations.check_dealing(me, &dealing, state).is_ok() {
                events.push(GenericKvLogEvent::GenerationDealt(dealing));
            }
        }
        if events.is_empty() {
            return Err(RuleViolation::AlreadyMember.into());
        }
        self.submit_all(events).await?;
        self.orchestrate().await.map(drop)
    }

    /// A fresh receive key, its secret kept on this device (sealed to its own key).
    async fn fresh_receive_key(&self, index: u32) -> Result<crate::encoding::Bytes, ClientError> {
        generation_store::new_receive_key(self.gateway.store(), self.gateway.keys(), index).await
    }

    /// Turns a join request down (one member suffices; letting it ask again takes a quorum).
    pub async fn decline(&self, device: &DeviceId) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::JoinDeclined { device: device.clone() }).await.map(drop)
    }

    /// Declines every waiting join request in one request (after a flood of them).
    pub async fn decline_all_pending(&self) -> Result<usize, ClientError> {
        self.gateway.sync().await?;
        let pending: Vec<DeviceId> = self.member_state().await?.pending.keys().cloned().collect();
        for device in &pending {
            self.gateway.enqueue(GenericKvLogEvent::JoinDeclined { device: device.clone() }).await?;
        }
        let report = self.gateway.sync().await?;
        let rejected = report.rejected.len();
        Ok(pending.len() - rejected.min(pending.len()))
    }

    /// Votes to let a declined device ask again.
    pub async fn reopen(&self, device: &DeviceId) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::ReadmitApproved { device: device.clone() }).await.map(drop)
    }

    /// Votes to remove a member; effective at the quorum.
    pub async fn remove_device(&self, device: &DeviceId) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::RemovalApproved { device: device.clone() }).await.map(drop)
    }

    /// Votes to change the vault's quorum.
    pub async fn set_quorum(&self, quorum: u8) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::QuorumApproved { quorum }).await.map(drop)
    }

    /// Votes to change how long a claim may be approved after it is opened (1 to 1,440 minutes;
    /// 15 by default); effective at the quorum, for claims opened from then on.
    pub async fn set_claim_lifetime(&self, minutes: u16) -> Result<(), ClientError> {
        self.submit(GenericKvLogEvent::ClaimLifetimeApproved { minutes }).await.map(drop)
    }

    /// Votes so far for a proposal, and the votes it needs, as of the last sync.
    pub async fn votes(&self, proposal: &Proposal) -> Result<(usize, usize), ClientError> {
        let state = self.state().await?;
        Ok((state.votes_for(proposal), state.required_votes_for(proposal)))
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

/// The state's membership with one more device counted as approved by everyone checking (the
/// device an approval event approves).
struct ApprovingView<'a> {
    state: &'a VaultState,
    device: &'a DeviceId,
}

impl crate::vault::generations::Membership for ApprovingView<'_> {
    fn is_member(&self, device: &DeviceId) -> bool {
        self.state.is_member(device)
    }
    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool {
        target == self.device || crate::vault::generations::Membership::approved(self.state, dealer, target)
    }
}

/// The devices of one standing, in id order.
fn infos(devices: &litemap::LiteMap<DeviceId, DeviceInfo>) -> Vec<DeviceInfo> {
    devices.values().cloned().collect()
}

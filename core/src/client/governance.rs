//! Governance from a device: the vault's devices and votes as of the last sync, and a person's
//! decisions (accept with its dealings, decline, remove, quorum and claim lifetime).

use super::{orchestrator, planner, VaultClient};
use crate::error::ErrorCode;
use crate::event::GenericKvLogEvent;
use crate::identity::{DeviceId, DeviceInfo};
use crate::store::LogStore;
use crate::sync::{ClientError, SyncProtocol};
use crate::vault::invites::Voucher;
use crate::vault::{Proposal, RuleViolation, VaultState};

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

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
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
pub(super) fn infos(devices: &litemap::LiteMap<DeviceId, DeviceInfo>) -> Vec<DeviceInfo> {
    devices.values().cloned().collect()
}

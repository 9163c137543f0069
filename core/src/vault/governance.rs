//! Governance by quorum: accepting, re-admitting and removing devices, deleting secrets and
//! changing the quorum take effect only when `required_votes_for` current members voted for them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{RuleViolation, VaultState};
use crate::identity::DeviceId;

/// Largest quorum a vault may ask for.
pub const MAX_QUORUM: u8 = 32;
/// Most join requests that may wait at once; beyond it new requests are refused until members
/// act (`decline_all_pending` clears the list in one request).
pub const MAX_PENDING: usize = 64;
/// Most members a vault may have (share x-values are one byte).
pub const MAX_MEMBERS: usize = 200;
/// Bounds of a claim's lifetime a vault may vote for (default `CLAIM_TTL_MS`, 15 minutes).
pub const MIN_CLAIM_MINUTES: u16 = 1;
pub const MAX_CLAIM_MINUTES: u16 = 24 * 60;
/// The quorum a vault gets when its creator does not choose one.
pub const DEFAULT_QUORUM: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Proposal {
    Accept { device: DeviceId },
    Readmit { device: DeviceId },
    Remove { device: DeviceId },
    DeleteSecret { secret_id: String },
    SetQuorum { quorum: u8 },
    SetClaimLifetime { minutes: u16 },
}

impl Proposal {
    /// The key of the proposal's vote tally in the state.
    pub fn key(&self) -> String {
        match self {
            Proposal::Accept { device } => format!("accept:{device}"),
            Proposal::Readmit { device } => format!("readmit:{device}"),
            Proposal::Remove { device } => format!("remove:{device}"),
            Proposal::DeleteSecret { secret_id } => format!("delete:{secret_id}"),
            Proposal::SetQuorum { quorum } => format!("quorum:{quorum}"),
            Proposal::SetClaimLifetime { minutes } => format!("claim-lifetime:{minutes}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub proposal: Proposal,
    pub voters: BTreeSet<DeviceId>,
}

impl VaultState {
    /// Approvals most proposals need now: the quorum, capped by a majority of the members.
    pub fn required_votes(&self) -> usize {
        usize::from(self.quorum).min(majority(self.members.len())).max(1)
    }

    /// Approvals `proposal` needs now. The rules, so that fewer than q attacker devices change
    /// nothing and attackers that are a minority never lock the others out:
    /// - everything needs q votes, but never more than a majority of the members: the honest
    ///   majority can always remove a device that stopped voting and lower q again;
    /// - raising q needs max(old, new) votes, capped likewise: a change needs as many votes as
    ///   the quorum it brings will ask for.
    /// - a recovery kit needs its maker's word that the words are stored, plus votes of members
    ///   the maker does not control (`kit_pool`: not the maker, not kits it made, whose words it
    ///   saw too): the quorum capped by how many devices other than kits are in that pool (a kit
    ///   is paper in a drawer: typing one in to admit the next would make a second kit
    ///   impractical), at least one whenever the pool is not empty, and never fewer votes in all
    ///   than another join needs.
    pub fn required_votes_for(&self, proposal: &Proposal) -> usize {
        let cap = majority(self.members.len());
        if let Proposal::Accept { device } = proposal {
            if let Some(maker) = super::invites::kit_maker_of(self, device) {
                if !self.is_member(maker) {
                    return MAX_MEMBERS + 1;
                }
                let base = usize::from(self.quorum).min(cap).max(1);
                let pool = self.kit_pool(maker);
                let devices = pool.iter().filter(|d| !self.is_paper(d)).count();
                let others = match pool.is_empty() {
                    true => 0,
                    false => usize::from(self.quorum).min(cap).min(devices).max(1).max(base - 1).min(pool.len()),
                };
                return 1 + others;
            }
        }
        let needed = match proposal {
            Proposal::SetQuorum { quorum } => self.quorum.max(*quorum),
            _ => self.quorum,
        };
        usize::from(needed).min(cap).max(1)
    }

    /// Current members who voted for `proposal` (for a kit: its maker and its pool only).
    pub fn votes_for(&self, proposal: &Proposal) -> usize {
        let Some(vote) = self.votes.get(&proposal.key()) else { return 0 };
        if let Proposal::Accept { device } = proposal {
            if let Some(maker) = super::invites::kit_maker_of(self, device) {
                let pool = self.kit_pool(maker);
                return vote
                    .voters
                    .iter()
                    .filter(|d| *d == maker || pool.contains(d))
                    .filter(|d| self.is_member(d))
                    .count();
            }
        }
        vote.voters.iter().filter(|d| self.is_member(d)).count()
    }

    /// The members whose votes count for a kit `maker` made: every member but the maker and the
    /// kits it made (it saw their words); only those kits when nobody else is left.
    fn kit_pool(&self, maker: &DeviceId) -> Vec<&DeviceId> {
        let made_by_maker = |d: &DeviceId| super::invites::kit_maker_of(self, d) == Some(maker);
        let others: Vec<&DeviceId> = self.members.keys().filter(|d| *d != maker).collect();
        let independent: Vec<&DeviceId> = others.iter().copied().filter(|d| !made_by_maker(d)).collect();
        if independent.is_empty() {
            others
        } else {
            independent
        }
    }

    fn is_paper(&self, device: &DeviceId) -> bool {
        self.members.get(device).is_some_and(|d| d.kind == crate::identity::DeviceKind::Paper)
    }

    pub fn has_voted(&self, proposal: &Proposal, device: &DeviceId) -> bool {
        self.votes.get(&proposal.key()).is_some_and(|v| v.voters.contains(device))
    }

    fn proposal_is_live(&self, proposal: &Proposal) -> bool {
        match proposal {
            Proposal::Accept { device } => self.pending.contains_key(device),
            Proposal::Readmit { device } => self.declined.contains_key(device),
            Proposal::Remove { device } => self.members.contains_key(device),
            Proposal::DeleteSecret { secret_id } => self.secrets.contains_key(secret_id),
            Proposal::SetQuorum { quorum } => *quorum != self.quorum,
            Proposal::SetClaimLifetime { minutes } => u64::from(*minutes) * 60_000 != self.claim_ttl_ms,
        }
    }
}

pub(super) fn check_vote(state: &VaultState, author: &DeviceId, proposal: &Proposal) -> Result<(), RuleViolation> {
    match proposal {
        Proposal::Accept { device } if !state.pending.contains_key(device) => return Err(RuleViolation::NotPending),
        Proposal::Accept { .. } if state.members.len() >= MAX_MEMBERS => return Err(RuleViolation::VaultFull),
        Proposal::Readmit { device } if !state.declined.contains_key(device) => return Err(RuleViolation::NotDeclined),
        Proposal::Remove { device } if device == author => return Err(RuleViolation::CannotRemoveSelf),
        Proposal::Remove { device } if !state.members.contains_key(device) => return Err(RuleViolation::UnknownDevice),
        Proposal::DeleteSecret { secret_id } if !state.secrets.contains_key(secret_id) => {
            return Err(RuleViolation::UnknownSecret)
        }
        Proposal::SetQuorum { quorum } if *quorum < DEFAULT_QUORUM || *quorum > MAX_QUORUM => {
            return Err(RuleViolation::InvalidQuorum)
        }
        Proposal::SetQuorum { quorum } if *quorum == state.quorum => return Err(RuleViolation::InvalidQuorum),
        Proposal::SetClaimLifetime { minutes }
            if !(MIN_CLAIM_MINUTES..=MAX_CLAIM_MINUTES).contains(minutes)
                || u64::from(*minutes) * 60_000 == state.claim_ttl_ms =>
        {
            return Err(RuleViolation::InvalidClaimLifetime)
        }
        _ => {}
    }
    if state.has_voted(proposal, author) {
        return Err(RuleViolation::AlreadyVoted);
    }
    Ok(())
}

/// More than half of `members` (1 for an empty or one-member vault).
pub fn majority(members: usize) -> usize {
    members / 2 + 1
}

/// Records a checked vote; when the proposal reached the quorum its tally is removed and its
/// voters (current members) are returned, and the caller applies the effect.
pub(super) fn record_vote(
    state: &mut VaultState,
    author: &DeviceId,
    proposal: &Proposal,
) -> Option<BTreeSet<DeviceId>> {
    let key = proposal.key();
    let vote =
        state.votes.entry(key.clone()).or_insert_with(|| Vote { proposal: proposal.clone(), voters: BTreeSet::new() });
    vote.voters.insert(author.clone());
    let maker_agrees = match proposal {
        Proposal::Accept { device } => {
            super::invites::kit_maker_of(state, device).is_none_or(|maker| state.has_voted(proposal, maker))
        }
        _ => true,
    };
    if maker_agrees && state.votes_for(proposal) >= state.required_votes_for(proposal) {
        let voters = state.votes.remove(&key).map(|v| v.voters).unwrap_or_default();
        return Some(voters.into_iter().filter(|d| state.is_member(d)).collect());
    }
    None
}

/// After the quorum changed, older quorum tallies start over: votes cast under another quorum
/// must not add up with new ones.
pub(super) fn on_quorum_change(state: &mut VaultState) {
    state.votes.retain(|_, v| !matches!(v.proposal, Proposal::SetQuorum { .. }));
}

/// Drops tallies that can no longer take effect and votes of devices that are no longer members.
pub(super) fn prune(state: &mut VaultState) {
    let live: Vec<String> =
        state.votes.iter().filter(|(_, v)| state.proposal_is_live(&v.proposal)).map(|(k, _)| k.clone()).collect();
    state.votes.retain(|k, _| live.contains(k));
    let members = state.members.clone();
    for (_, vote) in state.votes.iter_mut() {
        vote.voters.retain(|d| members.contains_key(d));
    }
    state.votes.retain(|_, v| !v.voters.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{DeviceKeys, DeviceKind};
    use crate::vault::VaultState;

    fn state(members: usize, quorum: u8) -> VaultState {
        let mut state = VaultState::empty(crate::event::VaultName::parse("v").unwrap());
        for i in 0..members {
            let keys = DeviceKeys::generate(&format!("d{i}"), DeviceKind::Desktop).unwrap();
            state.members.insert(keys.id().clone(), keys.info().clone());
        }
        state.quorum = quorum;
        state
    }

    #[test]
    fn the_votes_each_proposal_needs() {
        let someone = DeviceKeys::generate("x", DeviceKind::Desktop).unwrap().id().clone();
        let remove = Proposal::Remove { device: someone.clone() };
        let accept = Proposal::Accept { device: someone };
        let to = |quorum| Proposal::SetQuorum { quorum };
        // (members, q, proposal, votes needed)
        let table = [
            (1, 2, &accept, 1),
            (2, 2, &accept, 2),
            (2, 2, &remove, 2),
            (3, 2, &remove, 2),
            (3, 3, &remove, 2),
            (3, 3, &accept, 2),
            (5, 2, &accept, 2),
            (5, 2, &to(32), 3),
            (5, 2, &to(3), 3),
            (5, 32, &remove, 3),
            (5, 32, &to(2), 3),
            (5, 5, &accept, 3),
            (10, 2, &to(4), 4),
            (10, 4, &to(2), 4),
            (10, 8, &remove, 6),
            (200, 32, &remove, 32),
            (200, 2, &to(32), 32),
        ];
        for (members, quorum, proposal, needed) in table {
            let state = state(members, quorum);
            assert_eq!(state.required_votes_for(proposal), needed, "{members} members, q = {quorum}, {proposal:?}");
        }
    }

    /// The two properties, over every vault size and quorum: c < q attackers pass nothing alone,
    /// and a minority of attackers never outvotes or blocks the rest.
    #[test]
    fn fewer_than_q_attackers_pass_nothing_and_a_minority_never_blocks_the_rest() {
        let someone = DeviceKeys::generate("x", DeviceKind::Desktop).unwrap().id().clone();
        let proposals = [
            Proposal::Remove { device: someone.clone() },
            Proposal::Accept { device: someone },
            Proposal::SetQuorum { quorum: 2 },
            Proposal::SetQuorum { quorum: 32 },
        ];
        for members in 1..=40 {
            for quorum in DEFAULT_QUORUM..=MAX_QUORUM {
                let state = state(members, quorum);
                for proposal in &proposals {
                    let needed = state.required_votes_for(proposal);
                    for attackers in 0..=members {
                        let honest = members - attackers;
                        let minority = attackers < members - attackers;
                        if attackers < usize::from(quorum) && minority {
                            assert!(attackers < needed, "{attackers} of {members} pass {proposal:?} at q = {quorum}");
                        }
                        if minority {
                            assert!(honest >= needed, "{attackers} of {members} block {proposal:?} at q = {quorum}");
                        }
                    }
                }
            }
        }
    }

    /// A kit needs its maker plus at least one other member whenever there is one, and never
    /// fewer votes than any other join, whatever mix of devices and kits the vault has.
    #[test]
    fn a_kit_never_needs_fewer_votes_than_a_device_and_never_its_maker_alone() {
        let maker = DeviceKeys::generate("maker", DeviceKind::Desktop).unwrap();
        let kit = DeviceKeys::generate("kit", DeviceKind::Paper).unwrap();
        let device = DeviceKeys::generate("device", DeviceKind::Desktop).unwrap();
        for devices in 0..=12 {
            for kits in 0..=4 {
                for quorum in DEFAULT_QUORUM..=MAX_QUORUM {
                    let mut state = state(devices, quorum);
                    state.members.insert(maker.id().clone(), maker.info().clone());
                    for i in 0..kits {
                        let paper = DeviceKeys::generate(&format!("k{i}"), DeviceKind::Paper).unwrap();
                        state.members.insert(paper.id().clone(), paper.info().clone());
                    }
                    let voucher = super::super::invites::Voucher { by: maker.id().clone(), kit: true };
                    state.vouching.vouchers.insert(kit.id().clone(), voucher);
                    let as_kit = state.required_votes_for(&Proposal::Accept { device: kit.id().clone() });
                    let as_device = state.required_votes_for(&Proposal::Accept { device: device.id().clone() });
                    let members = state.members.len();
                    assert!(as_kit >= as_device, "{devices} devices, {kits} kits, q = {quorum}");
                    if members > 1 {
                        assert!(as_kit >= 2, "the maker alone admits a kit among {members} members");
                    }
                    assert!(as_kit <= members, "a kit can never be admitted: {as_kit} of {members}");
                }
            }
        }
    }
}

//! Who vouches for a join request: a recovery kit's maker, or a member's invite. Requests nobody
//! vouches for share a small pool, so outsiders cannot shut the door on invited devices.

use litemap::LiteMap;
use serde::{Deserialize, Serialize};

use super::{RuleViolation, VaultState};
use crate::encoding::Bytes;
use crate::event::{GenericKvLogEvent, SignedEvent};
use crate::identity::{parse_verifying_key, DeviceId, DeviceKind};
use crate::invite::MAX_INVITE_TTL_MS;

/// Join requests nobody vouches for that may wait at once (of `MAX_PENDING`).
pub const MAX_UNVOUCHED_PENDING: usize = 16;
/// Unused invites a vault may hold at once, and one member may hold (so no member can use up
/// the others' invites or the places invited devices wait in).
pub const MAX_INVITES: usize = 64;
pub const MAX_INVITES_PER_MEMBER: usize = 8;
/// Kits one member may have waiting at once.
pub const MAX_KITS_WAITING_PER_MAKER: usize = 4;

/// An invite a member made and no device used yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvite {
    pub creator: DeviceId,
    pub expires_ms: u64,
}

/// Who vouched for a waiting device: a recovery kit's maker (who saw its words), or the member
/// whose invite it used. (A plain struct, not a tagged enum: smaller wasm.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voucher {
    pub by: DeviceId,
    pub kit: bool,
}

/// Open invites by public key, and the vouchers of waiting devices (few: small sorted vectors).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vouching {
    #[serde(serialize_with = "super::map_json")]
    pub invites: LiteMap<Bytes, OpenInvite>,
    #[serde(serialize_with = "super::map_json")]
    pub vouchers: LiteMap<DeviceId, Voucher>,
}

pub(super) fn check(state: &VaultState, event: &SignedEvent) -> Result<(), RuleViolation> {
    use GenericKvLogEvent as E;
    let vouching = &state.vouching;
    match &event.event {
        E::InviteCreated { invite_key, expires_ms } => {
            parse_verifying_key(&invite_key.0).map_err(RuleViolation::InvalidDevice)?;
            if event.time_ms == 0 || *expires_ms <= event.time_ms || *expires_ms - event.time_ms > MAX_INVITE_TTL_MS {
                return Err(RuleViolation::InvalidInvite("an invite expires within 30 days of its signed time"));
            }
            if vouching.invites.contains_key(invite_key) {
                return Err(RuleViolation::IdInUse);
            }
            let open: Vec<&OpenInvite> = vouching.invites.values().filter(|i| i.expires_ms >= event.time_ms).collect();
            let mine = open.iter().filter(|i| i.creator == event.author).count();
            (open.len() < MAX_INVITES && mine < MAX_INVITES_PER_MEMBER)
                .then_some(())
                .ok_or(RuleViolation::TooManyPending)
        }
        E::InviteRevoked { invite_key } => vouching
            .invites
            .contains_key(invite_key)
            .then_some(())
            .ok_or(RuleViolation::InvalidInvite("no such invite")),
        E::JoinRequested { candidate, receive_key, kit_maker, invite } => {
            match (candidate.kind == DeviceKind::Paper, kit_maker) {
                (true, None) => return Err(RuleViolation::KitMaker("a recovery kit needs its maker's signature")),
                (false, Some(_)) => return Err(RuleViolation::KitMaker("only a recovery kit names a maker")),
                (true, Some(maker)) => {
                    let info =
                        state.members.get(&maker.maker).ok_or(RuleViolation::KitMaker("its maker is no member"))?;
                    if info.kind == DeviceKind::Paper {
                        return Err(RuleViolation::KitMaker("a kit cannot make a kit"));
                    }
                    if invite.is_some() {
                        return Err(RuleViolation::KitMaker("a kit's request carries no invite"));
                    }
                    let waiting = vouching
                        .vouchers
                        .iter()
                        .filter(|(d, v)| v.kit && v.by == maker.maker && state.pending.contains_key(*d))
                        .count();
                    if waiting >= MAX_KITS_WAITING_PER_MAKER {
                        return Err(RuleViolation::TooManyPending);
                    }
                    maker
                        .verify(info, &state.vault, candidate)
                        .map_err(|_| RuleViolation::KitMaker("its maker's signature does not verify"))?;
                }
                (false, None) => {}
            }
            if let Some(proof) = invite {
                let open = vouching
                    .invites
                    .get(&proof.invite_key)
                    .ok_or(RuleViolation::InvalidInvite("the invite is unknown, used or revoked"))?;
                if event.time_ms == 0 || event.time_ms > open.expires_ms {
                    return Err(RuleViolation::InvalidInvite("the invite expired"));
                }
                proof
                    .verify(&state.vault, candidate, receive_key)
                    .map_err(|_| RuleViolation::InvalidInvite("the invite's signature does not verify"))?;
            } else if kit_maker.is_none() && unvouched_pending(state) >= MAX_UNVOUCHED_PENDING {
                return Err(RuleViolation::TooManyPending);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn unvouched_pending(state: &VaultState) -> usize {
    state.pending.keys().filter(|d| !state.vouching.vouchers.contains_key(*d)).count()
}

pub(super) fn fold(state: &mut VaultState, event: &SignedEvent) {
    use GenericKvLogEvent as E;
    let vouching = &mut state.vouching;
    match &event.event {
        E::InviteCreated { invite_key, expires_ms } => {
            let open = OpenInvite { creator: event.author.clone(), expires_ms: *expires_ms };
            vouching.invites.insert(invite_key.clone(), open);
        }
        E::InviteRevoked { invite_key } => {
            vouching.invites.remove(invite_key);
        }
        E::JoinRequested { candidate, kit_maker, invite, .. } => {
            let voucher = match (kit_maker, invite) {
                (Some(kit), _) => Some(Voucher { by: kit.maker.clone(), kit: true }),
                (None, Some(proof)) => {
                    vouching.invites.remove(&proof.invite_key).map(|open| Voucher { by: open.creator, kit: false })
                }
                (None, None) => None,
            };
            match voucher {
                Some(voucher) => vouching.vouchers.insert(candidate.id.clone(), voucher),
                None => vouching.vouchers.remove(&candidate.id),
            };
        }
        _ => {}
    }
    // Signed times are near the server's clock, so an invite past them is void for good.
    if event.time_ms > 0 {
        vouching.invites.retain(|_, open| open.expires_ms >= event.time_ms);
    }
}

/// Vouchers matter while their device waits, and for a kit as long as it is a member (its maker
/// saw its words, so its vote never counts toward the maker's next kit). Invites of devices that
/// are no longer members are void.
pub(super) fn prune(state: &mut VaultState) {
    let (pending, members) = (&state.pending, &state.members);
    state.vouching.vouchers.retain(|device, v| pending.contains_key(device) || (v.kit && members.contains_key(device)));
    state.vouching.invites.retain(|_, open| members.contains_key(&open.creator));
}

/// The member that made the kit `device` (waiting or a member), if it is one.
pub fn kit_maker_of<'a>(state: &'a VaultState, device: &DeviceId) -> Option<&'a DeviceId> {
    state.vouching.vouchers.get(device).filter(|v| v.kit).map(|v| &v.by)
}

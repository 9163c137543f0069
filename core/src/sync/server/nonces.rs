//! Replay protection: each device's spent nonces and floor (`server/nonces/{device}`), and one
//! bounded pool shared by outsiders.

use crate::identity::DeviceId;
use crate::sync::wire::MAX_CLOCK_SKEW_MS;

pub(super) fn replay_key(device: &DeviceId) -> String {
    format!("server/nonces/{device}")
}

/// A device's requests may arrive out of order by at most this much (a sync racing a live
/// handshake, two tabs): one stamped more than this before the device's floor (its newest stamp,
/// capped at the server's clock) is refused, so only the nonces since then are remembered.
pub const REORDER_SLACK_MS: u64 = 30_000;
/// Most nonces one device's record holds: its requests within the slack before its floor, plus
/// any it stamped ahead of the server's clock (kept until the floor passes them).
pub const MAX_REQUESTS_PER_SLACK: usize = 512;
const NONCE_ENTRY: usize = 8 + crate::sync::wire::NONCE_LEN;
/// Spent nonces of devices that are neither members nor pending, shared by all of them.
pub(super) const OUTSIDER_NONCES_KEY: &str = "server/nonces-outsiders";
/// Requests outsiders may send within one clock window, all together: the pool's record stays
/// under 100 KiB however many fresh keys an attacker makes.
pub const MAX_OUTSIDER_REQUESTS: usize = 4096;

/// One device's replay record (`server/nonces/{device}`): the floor, below which (less the slack)
/// its requests are refused, and the nonces it spent since. The floor is the newest stamp the
/// device sent, but never later than the server's clock when it was sent, and it never moves
/// back: a stamp from a clock that ran ahead keeps its nonce (until the floor passes it) but does
/// not hold back the device's requests once its clock is right again.
#[derive(Default)]
pub(super) struct OwnNonces {
    pub(super) floor: u64,
    pub(super) entries: Vec<(u64, Vec<u8>)>,
}

impl OwnNonces {
    /// Stored as the floor (8 bytes, big-endian) and the entries; a record of entries only (written
    /// before the floor was kept) reads with its newest stamp as the floor, as it was then.
    pub(super) fn parse(stored: Option<Vec<u8>>) -> OwnNonces {
        let stored = stored.unwrap_or_default();
        if stored.len() % NONCE_ENTRY == 8 {
            let floor = u64::from_be_bytes(stored[..8].try_into().unwrap_or_default());
            return OwnNonces { floor, entries: parse_nonces(Some(stored[8..].to_vec())) };
        }
        let entries = parse_nonces(Some(stored));
        OwnNonces { floor: entries.iter().map(|(ts, _)| *ts).max().unwrap_or(0), entries }
    }

    pub(super) fn record(&self) -> Vec<u8> {
        [self.floor.to_be_bytes().to_vec(), nonce_record(&self.entries)].concat()
    }

    /// Moves the floor up to `stamp`, or to `now_ms` if the stamp is ahead of it, and forgets the
    /// nonces a request would now be refused for anyway.
    pub(super) fn raise(&mut self, stamp: u64, now_ms: u64) {
        self.set_floor(stamp.min(now_ms));
    }

    /// The device's keys entered the vault with a request stamped `stamp` (its genesis or its join
    /// request): its requests stamped before that (or before the server's clock then, if the stamp
    /// is ahead) are refused from now on. Some were answered while the vault did not exist, when
    /// no nonce was stored; once the device is a member they would read the log.
    pub(super) fn introduce(&mut self, stamp: u64, now_ms: u64) {
        self.set_floor(stamp.min(now_ms).saturating_add(REORDER_SLACK_MS));
    }

    pub(super) fn set_floor(&mut self, floor: u64) {
        self.floor = self.floor.max(floor);
        let floor = self.floor;
        self.entries.retain(|(ts, _)| ts.saturating_add(REORDER_SLACK_MS) >= floor);
    }
}

pub(super) fn lock_unstored(
    unstored: &std::sync::Mutex<Vec<(u64, Vec<u8>)>>,
) -> std::sync::MutexGuard<'_, Vec<(u64, Vec<u8>)>> {
    unstored.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(super) fn nonce_record(nonces: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let mut record = Vec::with_capacity(nonces.len() * NONCE_ENTRY);
    for (ts, nonce) in nonces {
        record.extend_from_slice(&ts.to_be_bytes());
        record.extend_from_slice(nonce);
    }
    record
}

pub(super) fn parse_nonces(stored: Option<Vec<u8>>) -> Vec<(u64, Vec<u8>)> {
    let stored = stored.unwrap_or_default();
    stored
        .chunks_exact(NONCE_ENTRY)
        .filter_map(|entry| Some((u64::from_be_bytes(entry[..8].try_into().ok()?), entry[8..].to_vec())))
        .collect()
}

/// The outsiders' pool without entries whose timestamp is now outside the clock window (such a
/// request is refused as stale anyway).
pub(super) fn pooled_nonces(stored: Option<Vec<u8>>, now_ms: u64) -> Vec<(u64, Vec<u8>)> {
    let mut nonces = parse_nonces(stored);
    nonces.retain(|(ts, _)| ts.saturating_add(MAX_CLOCK_SKEW_MS) >= now_ms);
    nonces
}

//! Freeze evidence. A server can stop showing a device new commits while it tells it "this is the
//! head". The device remembers what it was told and when ([`Checkpoints`]). When an event arrives
//! later whose author, at signing time `t`, had already seen head `s`, any earlier claim "the log
//! ends before `s`" made well after `t` was a lie: the server withheld commits.

use serde::{Deserialize, Serialize};

use crate::event::Commit;

/// Two devices' clocks may differ by this much (each within the server's request window) before
/// a claim counts as a lie.
pub const FREEZE_SLACK_MS: u64 = 2 * crate::sync::wire::MAX_CLOCK_SKEW_MS;
/// Claims remembered (one per distinct head, about 30 bytes each); older ones are dropped first,
/// so a server releasing one commit per sync must keep that up for this many rounds to shed one.
const MAX_CHECKPOINTS: usize = 4096;

/// "At `at_ms` (this device's clock) the server said the log ended at `seq`", newest last, with
/// strictly increasing `seq`: for one `seq` only its latest time matters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoints(Vec<(u64, u64)>);

impl Checkpoints {
    /// The newest claim.
    pub fn last(&self) -> Option<(u64, u64)> {
        self.0.last().copied()
    }

    pub fn record(&mut self, at_ms: u64, seq: u64) {
        match self.0.last_mut() {
            Some(last) if last.1 == seq => last.0 = last.0.max(at_ms),
            _ => self.0.push((at_ms, seq)),
        }
        if self.0.len() > MAX_CHECKPOINTS {
            self.0.remove(0);
        }
    }

    /// Why `commit` proves an earlier claim false, if it does.
    pub fn evidence(&self, commit: &Commit) -> Option<String> {
        let event = &commit.event;
        if event.time_ms == 0 {
            return None;
        }
        let (at, seq) = self
            .0
            .iter()
            .filter(|(at, seq)| *seq < event.seen.seq && *at >= event.time_ms.saturating_add(FREEZE_SLACK_MS))
            .max_by_key(|(at, _)| *at)?;
        Some(format!(
            "the server said the log ended at {seq} (at {at} ms), but device {} had already seen {} at {} ms: the \
             server withheld commits from this device, or that device's clock is wrong",
            event.author, event.seen.seq, event.time_ms
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
    use crate::identity::{DeviceKeys, DeviceKind};

    fn commit_citing(seen_seq: u64, time_ms: u64) -> Commit {
        let keys = DeviceKeys::generate("b", DeviceKind::Desktop).unwrap();
        let vault = VaultName::parse("v").unwrap();
        let seen = Cursor { seq: seen_seq, hash: crate::encoding::Hash32([1; 32]) };
        let event = SignedEvent::sign_at(&keys, &vault, 1, seen, time_ms, GenericKvLogEvent::DeviceLeft);
        Commit::after(Cursor { seq: seen_seq, hash: seen.hash }, event)
    }

    #[test]
    fn a_claim_made_well_after_the_author_saw_more_is_evidence() {
        let mut told = Checkpoints::default();
        told.record(1_000, 10);
        told.record(2_000_000, 10); // frozen at 10 for half an hour
        assert!(told.evidence(&commit_citing(15, 1_000_000)).is_some());
        assert!(told.evidence(&commit_citing(15, 2_000_000 - FREEZE_SLACK_MS)).is_some());
        // Within the clock slack, or citing nothing beyond the claim, or with no time: no proof.
        assert!(told.evidence(&commit_citing(15, 2_000_000 - FREEZE_SLACK_MS + 1)).is_none());
        assert!(told.evidence(&commit_citing(10, 1_000)).is_none());
        assert!(told.evidence(&commit_citing(15, 0)).is_none());
    }

    #[test]
    fn the_record_stays_small() {
        let mut told = Checkpoints::default();
        for i in 0..20_000 {
            told.record(i, i / 3);
        }
        assert!(told.0.len() <= MAX_CHECKPOINTS);
        assert_eq!(told.0.last(), Some(&(19_999, 6_666)));
    }
}

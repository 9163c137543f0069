//! Fork evidence: every event names the head its author had. If that head is not on this
//! device's (or the server's) own chain, the author saw another history: proof of a fork.

use crate::event::{Commit, Cursor};
use crate::store::{LogStore, StoreError};

/// True when `seen` (cited by `commit`) is a point of this chain: the store's commits, then the
/// `batch` being applied.
pub async fn seen_on_chain<S: LogStore>(store: &S, batch: &[Commit], commit: &Commit) -> Result<bool, StoreError> {
    let seen: Cursor = commit.event.seen;
    if seen.seq == 0 {
        return Ok(seen.hash == crate::encoding::Hash32::ZERO);
    }
    if seen.seq >= commit.seq {
        // A head at or after the event's own place is on no chain (and is never looked up).
        return Ok(false);
    }
    if seen.seq + 1 == commit.seq {
        // The common case: the author was up to date; no lookup needed.
        return Ok(seen.hash == commit.prev_hash);
    }
    if let Some(earlier) = batch.iter().find(|c| c.seq == seen.seq) {
        return Ok(earlier.hash() == seen.hash);
    }
    Ok(store.commit_at(seen.seq).await?.is_some_and(|c| c.hash() == seen.hash))
}

/// A short, human-comparable fingerprint of a head: its seq and the first 32 bits of its hash,
/// e.g. `42 · 3fa9-c21e`. Two devices showing the same fingerprint see the same history.
pub fn fingerprint(head: Cursor) -> String {
    let hex = head.hash.to_hex();
    format!("{} · {}-{}", head.seq, &hex[..4], &hex[4..8])
}

//! When the server appended each commit, kept for every commit (the newest are also in memory):
//! an event dated before the head it cites existed is refused whatever that head's age, so no
//! member can make honest devices conclude the server withheld commits.

use crate::store::{LogStore, StoreBatch, StoreError};

fn key(seq: u64) -> String {
    format!("server/appended/{seq}")
}

pub fn record(batch: &mut StoreBatch, seq: u64, at_ms: u64) {
    batch.put(&key(seq), at_ms.to_be_bytes().to_vec());
}

/// When commit `seq` was appended, if this server recorded it (commits restored from a backup or
/// written before this record existed have none).
pub async fn appended_at<S: LogStore>(store: &S, seq: u64) -> Result<Option<u64>, StoreError> {
    let bytes = store.kv_get(&key(seq)).await?;
    Ok(bytes.and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok()).map(u64::from_be_bytes))
}

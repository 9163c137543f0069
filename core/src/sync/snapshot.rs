//! Both ends keep a snapshot of the folded vault state next to the log, so opening a vault costs
//! the commits since the snapshot, not the whole log.

use crate::event::VaultName;
use crate::store::{LogStore, Page, StoreBatch, StoreError};
use crate::vault::VaultState;

/// Folding reads the log in pages this size, so opening a vault holds one page in memory.
const FOLD_PAGE: Page = Page { commits: 500, bytes: 4 * 1024 * 1024 };

/// Loads the snapshot under `key` and folds any commits the store holds beyond it; also tells at
/// which seq the stored snapshot stood.
pub async fn load_state_since<S: LogStore>(
    store: &S,
    key: &str,
    vault: &VaultName,
) -> Result<(VaultState, u64), StoreError> {
    let mut state = match store.kv_get(key).await? {
        Some(bytes) => serde_json::from_slice::<VaultState>(&bytes)
            .map_err(|e| StoreError::Corrupt(format!("state snapshot: {e}")))?,
        None => VaultState::empty(vault.clone()),
    };
    if &state.vault != vault {
        return Err(StoreError::Corrupt(format!("store holds vault {}, not {vault}", state.vault)));
    }
    let snapshot_seq = state.head.seq;
    let head = store.head().await?;
    while state.head.seq < head.seq {
        let page = store.read_after(state.head.seq, FOLD_PAGE).await?;
        if page.is_empty() {
            return Err(StoreError::Corrupt("log ends before its head".into()));
        }
        for commit in &page {
            state
                .apply_commit(commit)
                .map_err(|e| StoreError::Corrupt(format!("stored commit {}: {e}", commit.seq)))?;
        }
    }
    if state.head != head {
        return Err(StoreError::Corrupt("state snapshot is ahead of or forked from the log".into()));
    }
    Ok((state, snapshot_seq))
}

pub fn put_state(batch: &mut StoreBatch, key: &str, state: &VaultState) {
    // VaultState is plain data; serializing it cannot fail.
    batch.put(key, serde_json::to_vec(state).unwrap_or_default());
}

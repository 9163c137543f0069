use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use super::{check_continuity, LogStore, Page, StoreBatch, StoreError};
use crate::event::{Commit, Cursor};
use crate::identity::DeviceId;

#[derive(Default)]
struct MemoryData {
    commits: Vec<Commit>,
    /// Each commit's stored size, for byte-bounded pages.
    sizes: Vec<usize>,
    head: Cursor,
    by_author: HashMap<(DeviceId, u64), u64>,
    kv: BTreeMap<String, Vec<u8>>,
}

/// In-memory store for unit tests and the in-process server. Clones share the same data, which is
/// how a test "reopens" it.
#[derive(Clone, Default)]
pub struct MemoryStore {
    data: Arc<Mutex<MemoryData>>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, MemoryData>, StoreError> {
        self.data.lock().map_err(|_| StoreError::Backend("memory store lock poisoned".into()))
    }

    /// Forgets everything (a recovery-kit session that ends).
    pub fn clear(&self) {
        if let Ok(mut data) = self.data.lock() {
            *data = MemoryData::default();
        }
    }

    /// Every byte the store holds, for tests that scan for leaked plaintext.
    pub fn dump(&self) -> Result<Vec<u8>, StoreError> {
        let data = self.lock()?;
        let mut out = serde_json::to_vec(&data.commits).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        for (key, value) in &data.kv {
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(value);
        }
        Ok(out)
    }
}

impl LogStore for MemoryStore {
    async fn write(&self, batch: StoreBatch) -> Result<(), StoreError> {
        let mut data = self.lock()?;
        let head = check_continuity(data.head, &batch.commits)?;
        for commit in batch.commits {
            data.by_author.insert((commit.event.author.clone(), commit.event.author_seq), commit.seq);
            data.sizes.push(super::stored_size(&commit));
            data.commits.push(commit);
        }
        data.head = head;
        for (key, value) in batch.kv {
            match value {
                Some(value) => data.kv.insert(key, value),
                None => data.kv.remove(&key),
            };
        }
        Ok(())
    }

    async fn head(&self) -> Result<Cursor, StoreError> {
        Ok(self.lock()?.head)
    }

    async fn read_after(&self, after_seq: u64, page: Page) -> Result<Vec<Commit>, StoreError> {
        let data = self.lock()?;
        // Commit seq n sits at index n - 1.
        let start = usize::try_from(after_seq).unwrap_or(usize::MAX).min(data.commits.len());
        let count = page.fits(data.sizes[start..].iter().copied());
        Ok(data.commits[start..start + count].to_vec())
    }

    async fn commit_at(&self, seq: u64) -> Result<Option<Commit>, StoreError> {
        let data = self.lock()?;
        let index = usize::try_from(seq).ok().and_then(|s| s.checked_sub(1));
        Ok(index.and_then(|i| data.commits.get(i)).cloned())
    }

    async fn find_by_author(&self, author: &DeviceId, author_seq: u64) -> Result<Option<Commit>, StoreError> {
        let data = self.lock()?;
        let seq = data.by_author.get(&(author.clone(), author_seq)).copied();
        Ok(seq.and_then(|s| data.commits.get(s as usize - 1)).cloned())
    }

    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock()?.kv.get(key).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::conformance::{run_conformance, StoreFactory};

    #[derive(Default)]
    struct MemoryFactory(BTreeMap<String, MemoryStore>);

    impl StoreFactory for MemoryFactory {
        type Store = MemoryStore;
        async fn open(&mut self, name: &str) -> MemoryStore {
            self.0.entry(name.to_owned()).or_default().clone()
        }
    }

    #[test]
    fn memory_store_passes_the_conformance_suite() {
        let report = futures::executor::block_on(run_conformance(&mut MemoryFactory::default()));
        assert!(report.failures.is_empty(), "{report}");
        assert!(report.passed >= 10, "{report}");
    }
}

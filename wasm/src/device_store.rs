//! Where a `MetaSecret` keeps its log: IndexedDB for a device, memory for a recovery-kit session
//! (a kit is never written to the browser it is typed into) and for `vaultExists`'s probe (one
//! store type keeps one copy of the client's code in the package).

use meta_secret_core::event::{Commit, Cursor};
use meta_secret_core::identity::DeviceId;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::store::{LogStore, Page, StoreBatch, StoreError};

use crate::idb_store::IdbStore;

pub enum DeviceStore {
    Idb(IdbStore),
    Memory(MemoryStore),
}

impl DeviceStore {
    pub fn close(&self) {
        match self {
            DeviceStore::Idb(store) => store.close(),
            DeviceStore::Memory(store) => store.clear(),
        }
    }
}

macro_rules! each {
    ($self:ident, $store:ident => $call:expr) => {
        match $self {
            DeviceStore::Idb($store) => $call.await,
            DeviceStore::Memory($store) => $call.await,
        }
    };
}

impl LogStore for DeviceStore {
    async fn write(&self, batch: StoreBatch) -> Result<(), StoreError> {
        each!(self, store => store.write(batch))
    }
    async fn head(&self) -> Result<Cursor, StoreError> {
        each!(self, store => store.head())
    }
    async fn read_after(&self, after_seq: u64, page: Page) -> Result<Vec<Commit>, StoreError> {
        each!(self, store => store.read_after(after_seq, page))
    }
    async fn commit_at(&self, seq: u64) -> Result<Option<Commit>, StoreError> {
        each!(self, store => store.commit_at(seq))
    }
    async fn find_by_author(&self, author: &DeviceId, author_seq: u64) -> Result<Option<Commit>, StoreError> {
        each!(self, store => store.find_by_author(author, author_seq))
    }
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        each!(self, store => store.kv_get(key))
    }
}

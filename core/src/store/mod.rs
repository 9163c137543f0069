//! One store trait for every backend: an append-only commit log plus a small key/value area for
//! device state (keys, outbox, state snapshot).

#[cfg(any(test, feature = "testing"))]
pub mod conformance;
mod memory;

use crate::error::{ErrorCode, HasErrorCode};
use crate::event::{Commit, Cursor};
use crate::identity::DeviceId;

pub use memory::MemoryStore;

/// One atomic write: commits that continue the head, and key/value puts (`Some`) or deletes (`None`).
#[derive(Debug, Default, Clone)]
pub struct StoreBatch {
    pub commits: Vec<Commit>,
    pub kv: Vec<(String, Option<Vec<u8>>)>,
}

impl StoreBatch {
    pub fn put(&mut self, key: &str, value: Vec<u8>) {
        self.kv.push((key.to_owned(), Some(value)));
    }

    pub fn delete(&mut self, key: &str) {
        self.kv.push((key.to_owned(), None));
    }

    pub fn is_empty(&self) -> bool {
        self.commits.is_empty() && self.kv.is_empty()
    }
}

/// Checks that `commits` continue `head` seq by seq and hash by hash; every backend calls this
/// inside its write so a racing or buggy writer can never fork the log.
pub fn check_continuity(head: Cursor, commits: &[Commit]) -> Result<Cursor, StoreError> {
    let mut head = head;
    for commit in commits {
        if commit.seq != head.seq + 1 || commit.prev_hash != head.hash {
            return Err(StoreError::Conflict { expected_seq: head.seq + 1, got_seq: commit.seq });
        }
        head = commit.cursor();
    }
    Ok(head)
}

/// How much one read may return: at most `commits` commits and, past the first, no more than
/// `bytes` of stored commit JSON. The first commit always comes whatever its size, so a reader
/// always progresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub commits: usize,
    pub bytes: usize,
}

impl Page {
    /// A page bounded by count only.
    pub const fn commits(commits: usize) -> Page {
        Page { commits, bytes: usize::MAX }
    }

    /// How many of the commits with these stored sizes (in order) fit the page.
    pub fn fits(&self, sizes: impl IntoIterator<Item = usize>) -> usize {
        let mut total = 0usize;
        let mut count = 0;
        for size in sizes.into_iter().take(self.commits) {
            total = total.saturating_add(size);
            if count > 0 && total > self.bytes {
                break;
            }
            count += 1;
        }
        count
    }
}

/// The size a commit takes in a store and on the wire (its JSON).
pub fn stored_size(commit: &Commit) -> usize {
    serde_json::to_vec(commit).map_or(0, |json| json.len())
}

#[allow(async_fn_in_trait)] // Futures are !Send on wasm; every caller drives them on one thread.
pub trait LogStore {
    /// Applies the whole batch or nothing. Commits must continue the current head.
    async fn write(&self, batch: StoreBatch) -> Result<(), StoreError>;
    /// The last commit's cursor, or [`Cursor::EMPTY`].
    async fn head(&self) -> Result<Cursor, StoreError>;
    /// The commits with seq above `after_seq`, in order, as many as fit `page`.
    async fn read_after(&self, after_seq: u64, page: Page) -> Result<Vec<Commit>, StoreError>;
    async fn commit_at(&self, seq: u64) -> Result<Option<Commit>, StoreError>;
    /// The commit holding `author`'s event number `author_seq`, if any.
    async fn find_by_author(&self, author: &DeviceId, author_seq: u64) -> Result<Option<Commit>, StoreError>;
    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError>;
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum StoreError {
    #[error("write does not continue the log: expected seq {expected_seq}, got {got_seq}")]
    Conflict { expected_seq: u64, got_seq: u64 },
    #[error("storage backend failed: {0}")]
    Backend(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

impl HasErrorCode for StoreError {
    fn code(&self) -> ErrorCode {
        match self {
            StoreError::Conflict { .. } => ErrorCode::Conflict,
            StoreError::Backend(_) | StoreError::Corrupt(_) => ErrorCode::Storage,
        }
    }
}

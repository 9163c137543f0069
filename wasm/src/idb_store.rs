//! The core store trait on IndexedDB (rexie). Each batch is one readwrite transaction over both
//! object stores, and nothing but IndexedDB requests is awaited inside it, so the browser commits
//! the whole batch or nothing.

use std::cell::RefCell;

use js_sys::Uint8Array;
use meta_secret_core::event::{Commit, Cursor};
use meta_secret_core::identity::DeviceId;
use meta_secret_core::store::{check_continuity, LogStore, Page, StoreBatch, StoreError};
use rexie::{Direction, KeyRange, ObjectStore, Rexie, Store, Transaction, TransactionMode};
use serde::Deserialize;
use wasm_bindgen::{JsCast, JsValue};

const COMMITS: &str = "commits";
const KV: &str = "kv";
/// Version 2 dropped the unique (author, author_seq) index: maintaining it doubled the cost of
/// applying a pulled batch, and only a server looks commits up by author.
const SCHEMA_VERSION: u32 = 2;

/// A commit row as read back. `author` and `author_seq` sit beside the commit's own JSON in `body`
/// (the source of truth) so `find_by_author` can filter without parsing every commit.
#[derive(Deserialize)]
struct CommitRow {
    seq: f64,
    body: String,
}

#[derive(Deserialize)]
struct AuthorRow {
    author: String,
    author_seq: f64,
}

pub struct IdbStore {
    /// `None` once closed; every call then fails with a storage error instead of touching a
    /// closed connection.
    db: RefCell<Option<Rexie>>,
}

fn backend(error: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(error.to_string())
}

fn corrupt(error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(error.to_string())
}

/// IndexedDB keys are JS numbers; seqs stay below 2^53 by design, so the conversion is exact.
fn seq_key(seq: u64) -> JsValue {
    JsValue::from_f64(seq as f64)
}

pub(crate) fn to_row(commit: &Commit) -> Result<JsValue, StoreError> {
    // Built with Reflect rather than serde-wasm-bindgen: this runs for every pulled commit.
    let row = js_sys::Object::new();
    let body = serde_json::to_string(commit).map_err(corrupt)?;
    for (field, value) in [
        ("seq", seq_key(commit.seq)),
        ("author", JsValue::from_str(commit.event.author.as_str())),
        ("author_seq", seq_key(commit.event.author_seq)),
        ("body", JsValue::from_str(&body)),
    ] {
        js_sys::Reflect::set(&row, &JsValue::from_str(field), &value).map_err(|_| backend("cannot build a row"))?;
    }
    Ok(row.into())
}

fn from_row(value: JsValue) -> Result<Commit, StoreError> {
    sized_from_row(value).map(|(commit, _)| commit)
}

/// A commit and its stored size.
fn sized_from_row(value: JsValue) -> Result<(Commit, usize), StoreError> {
    let row: CommitRow = serde_wasm_bindgen::from_value(value).map_err(corrupt)?;
    // from_slice, as everywhere: a from_str reader would be a second copy of every decoder.
    let commit: Commit = serde_json::from_slice(row.body.as_bytes()).map_err(corrupt)?;
    if commit.seq as f64 != row.seq {
        return Err(StoreError::Corrupt(format!("row {} holds commit {}", row.seq, commit.seq)));
    }
    Ok((commit, row.body.len()))
}

async fn last_commit(commits: &Store) -> Result<Option<Commit>, StoreError> {
    let last = commits.scan(None, Some(1), None, Some(Direction::Prev)).await.map_err(backend)?;
    last.into_iter().next().map(|(_, value)| from_row(value)).transpose()
}

impl IdbStore {
    /// Opens (creating on first use) the database called `name`.
    pub async fn open(name: &str) -> Result<IdbStore, StoreError> {
        let db = Rexie::builder(name)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(COMMITS).key_path("seq"))
            .add_object_store(ObjectStore::new(KV))
            .build()
            .await
            .map_err(backend)?;
        Ok(IdbStore { db: RefCell::new(Some(db)) })
    }

    /// Closes the connection; the data stays for the next `open`.
    pub fn close(&self) {
        if let Some(db) = self.db.borrow_mut().take() {
            db.close();
        }
    }

    /// Starts a transaction. The borrow ends before anything is awaited.
    fn transaction(&self, stores: &[&str], mode: TransactionMode) -> Result<Transaction, StoreError> {
        let db = self.db.borrow();
        let db = db.as_ref().ok_or_else(|| StoreError::Backend("the database is closed".into()))?;
        db.transaction(stores, mode).map_err(backend)
    }

    /// Deletes the database called `name` and everything in it.
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        Rexie::delete(name).await.map_err(backend)
    }

    fn reader(&self, store: &str) -> Result<(Transaction, Store), StoreError> {
        let transaction = self.transaction(&[store], TransactionMode::ReadOnly)?;
        let handle = transaction.store(store).map_err(backend)?;
        Ok((transaction, handle))
    }
}

impl LogStore for IdbStore {
    async fn write(&self, batch: StoreBatch) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let transaction = self.transaction(&[COMMITS, KV], TransactionMode::ReadWrite)?;
        let commits = transaction.store(COMMITS).map_err(backend)?;
        let kv = transaction.store(KV).map_err(backend)?;
        if !batch.commits.is_empty() {
            // Read the head inside the same transaction, so two tabs cannot both append seq n+1.
            let head = last_commit(&commits).await?.map_or(Cursor::EMPTY, |c| c.cursor());
            if let Err(conflict) = check_continuity(head, &batch.commits) {
                let _ = transaction.abort().await;
                return Err(conflict);
            }
            let rows = batch.commits.iter().map(|c| to_row(c).map(|row| (row, None))).collect::<Result<Vec<_>, _>>()?;
            commits.put_all(rows.into_iter()).await.map_err(backend)?;
        }
        for (key, value) in &batch.kv {
            let key = JsValue::from_str(key);
            match value {
                Some(bytes) => kv.put(&Uint8Array::from(bytes.as_slice()).into(), Some(&key)).await.map(drop),
                None => kv.delete(key).await,
            }
            .map_err(backend)?;
        }
        transaction.done().await.map_err(backend)?;
        Ok(())
    }

    async fn head(&self) -> Result<Cursor, StoreError> {
        let (_transaction, commits) = self.reader(COMMITS)?;
        Ok(last_commit(&commits).await?.map_or(Cursor::EMPTY, |c| c.cursor()))
    }

    async fn read_after(&self, after_seq: u64, page: Page) -> Result<Vec<Commit>, StoreError> {
        let (_transaction, commits) = self.reader(COMMITS)?;
        let range = KeyRange::lower_bound(&seq_key(after_seq), Some(true)).map_err(backend)?;
        let limit = u32::try_from(page.commits).unwrap_or(u32::MAX);
        let rows = commits.get_all(Some(range), Some(limit)).await.map_err(backend)?;
        let sized = rows.into_iter().map(sized_from_row).collect::<Result<Vec<_>, _>>()?;
        let count = page.fits(sized.iter().map(|(_, size)| *size));
        Ok(sized.into_iter().take(count).map(|(commit, _)| commit).collect())
    }

    async fn commit_at(&self, seq: u64) -> Result<Option<Commit>, StoreError> {
        let (_transaction, commits) = self.reader(COMMITS)?;
        commits.get(seq_key(seq)).await.map_err(backend)?.map(from_row).transpose()
    }

    /// A scan: only a server (ServerApp) calls this, and a browser device never runs one.
    async fn find_by_author(&self, author: &DeviceId, author_seq: u64) -> Result<Option<Commit>, StoreError> {
        let (_transaction, commits) = self.reader(COMMITS)?;
        for row in commits.get_all(None, None).await.map_err(backend)? {
            let key: AuthorRow = serde_wasm_bindgen::from_value(row.clone()).map_err(corrupt)?;
            if key.author == author.as_str() && key.author_seq == author_seq as f64 {
                return from_row(row).map(Some);
            }
        }
        Ok(None)
    }

    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let (_transaction, kv) = self.reader(KV)?;
        let value = kv.get(JsValue::from_str(key)).await.map_err(backend)?;
        value
            .map(|value| match value.dyn_into::<Uint8Array>() {
                Ok(bytes) => Ok(bytes.to_vec()),
                Err(_) => Err(StoreError::Corrupt(format!("kv {key} is not bytes"))),
            })
            .transpose()
    }
}

//! The core store trait on Durable Object SQLite. Every write runs synchronously with no `await`
//! between statements, so the Durable Object commits it atomically.

use meta_secret_core::encoding::{Bytes, Hash32};
use meta_secret_core::event::{Commit, Cursor};
use meta_secret_core::identity::DeviceId;
use meta_secret_core::store::{check_continuity, LogStore, Page, StoreBatch, StoreError};
use serde::Deserialize;
use worker::{SqlStorage, SqlStorageValue};

/// Characters of base64 per kv row; well under the per-value limit.
const KV_CHUNK_CHARS: usize = 512 * 1024;
/// Largest integer a binding carries exactly (JavaScript numbers underneath).
const MAX_SAFE: u64 = (1 << 53) - 1;
/// Characters of a commit's JSON read per query. Every value a query returns becomes a JavaScript
/// string; one under V8's large-object size (128 KiB, so 48 Ki characters even at two bytes each)
/// is made in the young generation, which a scavenge empties within a few pages. A whole commit
/// (up to ~350 KB) would be a large object, collected only by a full collection (issue 25).
const BODY_SLICE_CHARS: u64 = 48 * 1024;
/// The column `commits` reads (its first binding is `BODY_SLICE_CHARS`): a body of at most that
/// many bytes (so characters) comes whole with the row, a larger one is read in slices.
const SMALL_BODY: &str = "CASE WHEN size <= ? THEN body ELSE '#' || seq END AS body";

fn chunked(text: &str, size: usize) -> Vec<&str> {
    // base64 is ASCII, so byte offsets are character boundaries.
    text.as_bytes().chunks(size).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect()
}

pub struct SqlStore {
    sql: SqlStorage,
    /// Table name prefix: empty for the vault, distinct per case in the conformance route.
    prefix: String,
    upgraded_from: u32,
    /// The tables exist. An empty object (a vault name without a vault) makes them with its first
    /// write, so reading it writes nothing: its reads find nothing.
    ready: std::cell::Cell<bool>,
}

/// A commit's body when it is at most `BODY_SLICE_CHARS` bytes, otherwise `#` and its `seq`
/// (a commit's JSON starts with `{`). One column, as the whole body was before: every field of a
/// row is one more lookup into JavaScript, which slowed a page of small commits by a third.
#[derive(Deserialize)]
struct BodyRow {
    body: String,
}

#[derive(Deserialize)]
struct SliceRow {
    slice: Option<String>,
}

#[derive(Deserialize)]
struct HeadRow {
    seq: f64,
    hash: String,
}

#[derive(Deserialize)]
struct ValueRow {
    value: String,
}

fn backend(error: worker::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

fn int(value: u64) -> Result<SqlStorageValue, StoreError> {
    let value = i64::try_from(value).map_err(|_| StoreError::Backend("seq out of range".into()))?;
    SqlStorageValue::try_from_i64(value).map_err(backend)
}

impl SqlStore {
    pub fn open(sql: SqlStorage) -> Result<SqlStore, StoreError> {
        Self::open_prefixed(sql, "")
    }

    /// `prefix` must be a constant or `[a-z_]` only: it is spliced into table names.
    pub fn open_prefixed(sql: SqlStorage, prefix: &str) -> Result<SqlStore, StoreError> {
        if !prefix.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(StoreError::Backend("invalid table prefix".into()));
        }
        let store = SqlStore { sql, prefix: prefix.to_owned(), upgraded_from: 0, ready: false.into() };
        if crate::schema::stored_version(&store)? == 0 {
            return Ok(store); // nothing stored yet: the schema comes with the first write
        }
        let upgraded_from = crate::schema::upgrade(&store)?;
        Ok(SqlStore { upgraded_from, ready: true.into(), ..store })
    }

    /// Makes the tables before the first write to an empty object (in the write's own batch).
    fn make_ready(&self) -> Result<(), StoreError> {
        if !self.ready.get() {
            crate::schema::upgrade(self)?;
            self.ready.set(true);
        }
        Ok(())
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The schema version this store was at when opened (0: new), for logs and health.
    pub fn upgraded_from(&self) -> u32 {
        self.upgraded_from
    }

    pub(crate) fn run(&self, statement: &str) -> Result<(), StoreError> {
        self.exec(statement, vec![]).map(drop)
    }

    pub(crate) fn rows<T: serde::de::DeserializeOwned>(
        &self,
        query: &str,
        bindings: Vec<SqlStorageValue>,
    ) -> Result<Vec<T>, StoreError> {
        self.exec(query, bindings)?.to_array().map_err(backend)
    }

    fn exec(&self, query: &str, bindings: Vec<SqlStorageValue>) -> Result<worker::SqlCursor, StoreError> {
        self.sql.exec(&query.replace("{p}", &self.prefix), bindings).map_err(backend)
    }

    /// The commits `query` selects (`SMALL_BODY`), in its order. A larger body is read in slices
    /// of `BODY_SLICE_CHARS` (see there), with no `await` in between, so no write interleaves.
    fn commits(&self, query: &str, mut bindings: Vec<SqlStorageValue>) -> Result<Vec<Commit>, StoreError> {
        bindings.insert(0, int(BODY_SLICE_CHARS)?);
        let rows: Vec<BodyRow> = self.exec(query, bindings)?.to_array().map_err(backend)?;
        rows.into_iter()
            .map(|row| {
                let body = match row.body.strip_prefix('#') {
                    None => row.body,
                    Some(seq) => {
                        let seq = seq.parse().map_err(|_| StoreError::Corrupt(format!("commit row {seq}")))?;
                        self.body(seq)?
                    }
                };
                serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(format!("commit row: {e}")))
            })
            .collect()
    }

    /// One stored commit's JSON, read slice by slice.
    fn body(&self, seq: u64) -> Result<String, StoreError> {
        let mut body = String::new();
        let mut start = 1; // SQLite counts characters from 1
        loop {
            let bindings = vec![int(start)?, int(BODY_SLICE_CHARS)?, int(seq)?];
            let rows: Vec<SliceRow> =
                self.rows("SELECT substr(body, ?, ?) AS slice FROM {p}commits WHERE seq = ?", bindings)?;
            let Some(slice) = rows.into_iter().next().and_then(|row| row.slice) else {
                return Err(StoreError::Corrupt(format!("commit {seq} vanished while read")));
            };
            body.push_str(&slice);
            if (slice.chars().count() as u64) < BODY_SLICE_CHARS {
                return Ok(body);
            }
            start += BODY_SLICE_CHARS;
        }
    }

    fn head_now(&self) -> Result<Cursor, StoreError> {
        if !self.ready.get() {
            return Ok(Cursor::EMPTY);
        }
        let rows: Vec<HeadRow> = self
            .exec("SELECT seq, hash FROM {p}commits ORDER BY seq DESC LIMIT 1", vec![])?
            .to_array()
            .map_err(backend)?;
        let Some(row) = rows.first() else { return Ok(Cursor::EMPTY) };
        let mut hash = [0u8; 32];
        hex::decode_to_slice(&row.hash, &mut hash).map_err(|_| StoreError::Corrupt("head hash".into()))?;
        Ok(Cursor { seq: row.seq as u64, hash: Hash32(hash) })
    }
}

impl LogStore for SqlStore {
    async fn write(&self, batch: StoreBatch) -> Result<(), StoreError> {
        // Validate everything before the first statement, so a refused batch writes nothing.
        check_continuity(self.head_now()?, &batch.commits)?;
        if batch.is_empty() {
            return Ok(());
        }
        self.make_ready()?;
        let mut rows = Vec::with_capacity(batch.commits.len());
        for commit in &batch.commits {
            let body = serde_json::to_string(commit).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let size = int(body.len() as u64)?;
            rows.push((
                int(commit.seq)?,
                commit.event.author.to_string(),
                int(commit.event.author_seq)?,
                commit.hash().to_hex(),
                body,
                size,
            ));
        }
        for (seq, author, author_seq, hash, body, size) in rows {
            self.exec(
                "INSERT INTO {p}commits (seq, author, author_seq, hash, body, size) VALUES (?, ?, ?, ?, ?, ?)",
                vec![seq, author.into(), author_seq, hash.into(), body.into(), size],
            )?;
        }
        for (key, value) in batch.kv {
            self.exec("DELETE FROM {p}kv WHERE key = ?", vec![key.as_str().into()])?;
            let Some(value) = value else { continue };
            // SQLite values in a Durable Object are capped (~2 MB): store large values in chunks.
            let text = Bytes(value).to_base64();
            let chunks: Vec<&str> = if text.is_empty() { vec![""] } else { chunked(&text, KV_CHUNK_CHARS) };
            for (index, chunk) in chunks.into_iter().enumerate() {
                self.exec(
                    "INSERT INTO {p}kv (key, chunk, value) VALUES (?, ?, ?)",
                    vec![key.as_str().into(), int(index as u64)?, chunk.into()],
                )?;
            }
        }
        Ok(())
    }

    async fn head(&self) -> Result<Cursor, StoreError> {
        self.head_now()
    }

    async fn read_after(&self, after_seq: u64, page: Page) -> Result<Vec<Commit>, StoreError> {
        // No commit is stored past what a binding carries (writes refuse it): nothing follows.
        if after_seq > MAX_SAFE || !self.ready.get() {
            return Ok(Vec::new());
        }
        let limit = int((page.commits as u64).min(MAX_SAFE))?;
        let bytes = int((page.bytes as u64).min(MAX_SAFE))?;
        // The running total is computed in SQLite, so rows past the byte budget are never loaded.
        // The first row always comes (its total is its own size).
        self.commits(
            &format!(
                "SELECT {SMALL_BODY} FROM (SELECT seq, body, size, SUM(size) OVER (ORDER BY seq) AS total \
                 FROM {{p}}commits WHERE seq > ? ORDER BY seq LIMIT ?) \
                 WHERE total <= ? OR total = size ORDER BY seq"
            ),
            vec![int(after_seq)?, limit, bytes],
        )
    }

    async fn commit_at(&self, seq: u64) -> Result<Option<Commit>, StoreError> {
        if seq > MAX_SAFE || !self.ready.get() {
            return Ok(None); // lookups of numbers no row can hold find nothing, never fail
        }
        Ok(self.commits(&format!("SELECT {SMALL_BODY} FROM {{p}}commits WHERE seq = ?"), vec![int(seq)?])?.pop())
    }

    async fn find_by_author(&self, author: &DeviceId, author_seq: u64) -> Result<Option<Commit>, StoreError> {
        if author_seq > MAX_SAFE || !self.ready.get() {
            return Ok(None);
        }
        let bindings = vec![author.to_string().into(), int(author_seq)?];
        Ok(self
            .commits(&format!("SELECT {SMALL_BODY} FROM {{p}}commits WHERE author = ? AND author_seq = ?"), bindings)?
            .pop())
    }

    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if !self.ready.get() {
            return Ok(None);
        }
        let rows: Vec<ValueRow> = self
            .exec("SELECT value FROM {p}kv WHERE key = ? ORDER BY chunk", vec![key.into()])?
            .to_array()
            .map_err(backend)?;
        if rows.is_empty() {
            return Ok(None);
        }
        let text: String = rows.iter().map(|row| row.value.as_str()).collect();
        Bytes::from_base64(&text).map(|b| Some(b.0)).ok_or_else(|| StoreError::Corrupt("kv value".into()))
    }
}

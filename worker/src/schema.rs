//! The Durable Object's storage schema and its upgrades, run when the object opens storage that
//! holds something, or before the first write to an empty one (so reading a vault name that has
//! no vault writes nothing).
//!
//! Schema 1 (the first release) had no version row: `commits` and `kv`. Schema 2 adds each
//! commit's stored size, so a page's byte budget is summed without reading bodies. Upgrades only
//! add; a schema-1 worker rolled back onto schema-2 storage keeps working (it ignores the column),
//! and rows it writes meanwhile are measured when a schema-2 worker opens the storage again.

use meta_secret_core::store::StoreError;
use serde::Deserialize;

use crate::sql_store::SqlStore;

pub const SCHEMA_VERSION: u32 = 2;

#[derive(Deserialize)]
struct NameRow {
    #[allow(dead_code)] // read only to count rows
    name: String,
}

#[derive(Deserialize)]
struct VersionRow {
    value: f64,
}

fn table_exists(store: &SqlStore, table: &str) -> Result<bool, StoreError> {
    let name = format!("{}{table}", store.prefix());
    let rows: Vec<NameRow> =
        store.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", vec![name.into()])?;
    Ok(!rows.is_empty())
}

fn column_exists(store: &SqlStore, table: &str, column: &str) -> Result<bool, StoreError> {
    let table = format!("{}{table}", store.prefix());
    let rows: Vec<NameRow> =
        store.rows("SELECT name FROM pragma_table_info(?) WHERE name = ?", vec![table.into(), column.into()])?;
    Ok(!rows.is_empty())
}

/// The schema the storage is at: 0 when empty, 1 before versions were recorded.
pub fn stored_version(store: &SqlStore) -> Result<u32, StoreError> {
    if table_exists(store, "meta")? {
        let rows: Vec<VersionRow> = store.rows("SELECT value FROM {p}meta WHERE key = 'schema'", vec![])?;
        if let Some(row) = rows.first() {
            return Ok(row.value as u32);
        }
    }
    Ok(if table_exists(store, "commits")? { 1 } else { 0 })
}

/// Brings the storage to [`SCHEMA_VERSION`]; answers the version it found. Storage from a newer
/// worker is refused rather than guessed at.
pub fn upgrade(store: &SqlStore) -> Result<u32, StoreError> {
    let found = stored_version(store)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::Backend(format!(
            "storage schema {found} is newer than this worker's {SCHEMA_VERSION}: deploy the newer worker"
        )));
    }
    // 0 → 1: the first release's tables.
    store.run(
        "CREATE TABLE IF NOT EXISTS {p}commits (seq INTEGER PRIMARY KEY, author TEXT NOT NULL, \
         author_seq INTEGER NOT NULL, hash TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (author, author_seq))",
    )?;
    store.run(
        "CREATE TABLE IF NOT EXISTS {p}kv (key TEXT NOT NULL, chunk INTEGER NOT NULL, value TEXT NOT NULL, \
         PRIMARY KEY (key, chunk))",
    )?;
    // 1 → 2: each commit's stored size; the partial index finds rows written without one. Each
    // step checks what is there, so an upgrade cut short before its version row is written
    // completes on the next open instead of failing on a duplicate column.
    if found < 2 && !column_exists(store, "commits", "size")? {
        store.run("ALTER TABLE {p}commits ADD COLUMN size INTEGER")?;
    }
    store.run("CREATE INDEX IF NOT EXISTS {p}commits_unsized ON {p}commits (seq) WHERE size IS NULL")?;
    store.run("UPDATE {p}commits SET size = length(CAST(body AS BLOB)) WHERE size IS NULL")?;
    store.run("CREATE TABLE IF NOT EXISTS {p}meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")?;
    store.run(&format!("INSERT OR REPLACE INTO {{p}}meta (key, value) VALUES ('schema', {SCHEMA_VERSION})"))?;
    Ok(found)
}

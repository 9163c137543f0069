//! Operators' log: one JSON line per request and per live socket opened or closed, readable in
//! `wrangler tail` and Workers Logs. A line names the vault only by a keyed hash (`LOG_KEY`), and
//! never carries a device name, a body, a header or a signature.

use std::cell::RefCell;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use worker::Env;

/// The secret that keys vault tags (`wrangler secret put LOG_KEY`). Without it each isolate draws
/// its own random key, so tags cannot be guessed but also do not match across isolates.
pub const LOG_KEY: &str = "LOG_KEY";

thread_local! {
    static KEY: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

fn key(env: &Env) -> Vec<u8> {
    KEY.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| match env.secret(LOG_KEY).or_else(|_| env.var(LOG_KEY)) {
                Ok(value) => value.to_string().into_bytes(),
                Err(_) => {
                    let mut random = vec![0u8; 32];
                    // Without randomness tags would be keyed by zeros: log no tags at all instead.
                    match getrandom02::getrandom(&mut random) {
                        Ok(()) => random,
                        Err(_) => Vec::new(),
                    }
                }
            })
            .clone()
    })
}

/// 16 hex characters of HMAC-SHA256(key, vault name): enough to follow one vault in the logs.
pub fn vault_tag(env: &Env, vault: &str) -> String {
    let key = key(env);
    if key.is_empty() {
        return String::new();
    }
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else { return String::new() };
    mac.update(vault.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..8])
}

#[derive(Serialize, Default)]
pub struct RequestLine<'a> {
    /// `sync`, `live`, `health`, `preflight`, `unrouted` or `internal` (the runtime failed).
    pub route: &'a str,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'a str>,
    pub ms: u64,
    pub bytes_in: usize,
    pub bytes_out: usize,
    pub appended: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vault: Option<String>,
}

#[derive(Serialize)]
pub struct SocketLine {
    /// `open` or `close`.
    pub event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_code: Option<u16>,
    pub vault: String,
}

#[derive(Serialize)]
pub struct SchemaLine {
    pub from: u32,
    pub to: u32,
    pub vault: String,
}

/// A Durable Object could not open its storage. `error` is the store's own wording (a schema
/// number, an SQLite message), never request input.
#[derive(Serialize)]
pub struct StorageLine {
    pub error: String,
    pub vault: String,
}

#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    log: &'static str,
    #[serde(flatten)]
    fields: &'a T,
}

pub fn request(line: &RequestLine<'_>) {
    emit("request", line);
}

pub fn socket(line: &SocketLine) {
    emit("socket", line);
}

/// A Durable Object upgraded its storage schema on open.
pub fn schema(line: &SchemaLine) {
    emit("schema", line);
}

pub fn storage(line: &StorageLine) {
    emit("storage", line);
}

fn emit<T: Serialize>(log: &'static str, fields: &T) {
    if let Ok(text) = serde_json::to_string(&Line { log, fields }) {
        worker::console_log!("{text}");
    }
}

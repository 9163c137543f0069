//! What travels between a device and the server: routes, signed request headers, bodies, errors.

use serde::{Deserialize, Serialize};

use crate::encoding::{Bytes, Hash32};
use crate::error::{ErrorCode, HasErrorCode};
use crate::event::{Commit, Cursor, SignedEvent, VaultName};
use crate::identity::{parse_verifying_key, verify_signature, DeviceId, DeviceKeys};
use crate::vault::MembershipStatus;

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Most bytes of pushed events one request carries (the rest of the body is the cursor and JSON
/// framing). A larger outbox goes out over several requests; a single event larger than this is
/// refused before it is queued, so it can never wedge the outbox.
pub const MAX_PUSH_BYTES: usize = MAX_BODY_BYTES - 16 * 1024;
/// Most commits one sync response carries; a device asks again while `more` is set.
pub const MAX_PAGE: u32 = 500;
pub const DEFAULT_PAGE: u32 = 200;
/// Most bytes of commits one sync response carries (past its first commit, which always comes):
/// a large log never needs one large response, nor a large allocation on either side.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// How far a request timestamp may be from the server's clock.
pub const MAX_CLOCK_SKEW_MS: u64 = 5 * 60 * 1000;

pub const HEADER_DEVICE_KEY: &str = "x-meta-secret-device-key";
pub const HEADER_TIMESTAMP: &str = "x-meta-secret-timestamp";
pub const HEADER_SIGNATURE: &str = "x-meta-secret-signature";
pub const HEADER_NONCE: &str = "x-meta-secret-nonce";
/// Every signature header, in the order `RequestAuth::headers` gives them.
pub const AUTH_HEADERS: [&str; 4] = [HEADER_DEVICE_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE];
/// Query parameters carrying the same values where headers cannot be set (a browser's
/// WebSocket handshake).
pub const QUERY_DEVICE_KEY: &str = "device_key";
pub const QUERY_TIMESTAMP: &str = "timestamp";
pub const QUERY_NONCE: &str = "nonce";
pub const QUERY_SIGNATURE: &str = "signature";
/// Random bytes per request: a signed request is spent once, while a device's concurrent
/// requests (same or close timestamps) never refuse each other.
pub const NONCE_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /v1/vaults/{name}/sync`
    Sync(VaultName),
    /// `GET /v1/vaults/{name}/live`, a WebSocket upgrade (see [`super::live`]).
    Live(VaultName),
    /// `GET /v1/vaults/{name}/status`, signed like a sync: the vault's size and quota, for members.
    Status(VaultName),
}

/// Parses `/v1/vaults/{name}/{sync|live|status}`; the worker and the in-process server route the same way.
pub fn route(method: &str, path: &str) -> Result<Route, ApiError> {
    let rest = path.strip_prefix("/v1/vaults/").ok_or_else(|| ApiError::new(ErrorCode::NotFound, "unknown route"))?;
    let (name, action) = rest.rsplit_once('/').unwrap_or((rest, ""));
    let expected_method = match action {
        "sync" => "POST",
        "live" | "status" => "GET",
        _ => return Err(ApiError::new(ErrorCode::NotFound, "unknown route")),
    };
    let vault = VaultName::parse(name).map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
    if method != expected_method {
        return Err(ApiError::new(ErrorCode::MethodNotAllowed, format!("{action} takes {expected_method}")));
    }
    Ok(match action {
        "sync" => Route::Sync(vault),
        "live" => Route::Live(vault),
        _ => Route::Status(vault),
    })
}

pub fn sync_path(vault: &VaultName) -> String {
    format!("/v1/vaults/{vault}/sync")
}

pub fn status_path(vault: &VaultName) -> String {
    format!("/v1/vaults/{vault}/status")
}

pub fn live_path(vault: &VaultName) -> String {
    format!("/v1/vaults/{vault}/live")
}

/// The signature headers of a request: who sends it, when, and their signature over method,
/// path, timestamp, nonce and the length-prefixed body hash (ARCHITECTURE.md, "Request signing").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestAuth {
    pub device_key: Bytes,
    pub timestamp_ms: u64,
    pub nonce: Bytes,
    pub signature: Bytes,
}

fn request_message(method: &str, path: &str, timestamp_ms: u64, nonce: &Bytes, body: &[u8]) -> Vec<u8> {
    let body_hash = Hash32::digest(&[body]);
    let nonce = nonce.to_base64();
    format!("meta-secret/request/v2\n{method}\n{path}\n{timestamp_ms}\n{nonce}\n{body_hash}").into_bytes()
}

impl RequestAuth {
    /// Signs a request with a fresh random nonce.
    pub fn sign(keys: &DeviceKeys, method: &str, path: &str, timestamp_ms: u64, body: &[u8]) -> RequestAuth {
        use rand_core::RngCore;
        let mut nonce = vec![0u8; NONCE_LEN];
        rand_core::OsRng.fill_bytes(&mut nonce);
        let nonce = Bytes(nonce);
        RequestAuth {
            device_key: keys.info().signing_key.clone(),
            timestamp_ms,
            signature: keys.sign(&request_message(method, path, timestamp_ms, &nonce, body)),
            nonce,
        }
    }

    /// Reads the signature headers; `header` looks one up by its lowercase name. The timestamp
    /// must be plain digits (no sign, no spaces).
    pub fn from_headers<'a>(header: impl Fn(&str) -> Option<&'a str>) -> Result<RequestAuth, ApiError> {
        let missing = |name: &str| ApiError::new(ErrorCode::BadSignature, format!("missing or invalid {name} header"));
        let bytes = |name: &str| header(name).and_then(Bytes::from_base64).ok_or_else(|| missing(name));
        let digits = |t: &&str| !t.is_empty() && t.len() <= 16 && t.bytes().all(|b| b.is_ascii_digit());
        let timestamp_ms = header(HEADER_TIMESTAMP)
            .filter(digits)
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| missing(HEADER_TIMESTAMP))?;
        let nonce = bytes(HEADER_NONCE)?;
        if nonce.0.len() != NONCE_LEN {
            return Err(missing(HEADER_NONCE));
        }
        Ok(RequestAuth {
            device_key: bytes(HEADER_DEVICE_KEY)?,
            timestamp_ms,
            nonce,
            signature: bytes(HEADER_SIGNATURE)?,
        })
    }

    /// Reads the query parameters of a live handshake; `param` looks one up by name.
    pub fn from_query<'a>(param: impl Fn(&str) -> Option<&'a str>) -> Result<RequestAuth, ApiError> {
        let names = [
            (HEADER_DEVICE_KEY, QUERY_DEVICE_KEY),
            (HEADER_TIMESTAMP, QUERY_TIMESTAMP),
            (HEADER_NONCE, QUERY_NONCE),
            (HEADER_SIGNATURE, QUERY_SIGNATURE),
        ];
        Self::from_headers(|header| names.iter().find(|(h, _)| *h == header).and_then(|(_, query)| param(query)))
    }

    /// The query string for [`RequestAuth::from_query`]; base64url values need no escaping.
    pub fn to_query(&self) -> String {
        format!(
            "{QUERY_DEVICE_KEY}={}&{QUERY_TIMESTAMP}={}&{QUERY_NONCE}={}&{QUERY_SIGNATURE}={}",
            self.device_key.to_base64(),
            self.timestamp_ms,
            self.nonce.to_base64(),
            self.signature.to_base64()
        )
    }

    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (HEADER_DEVICE_KEY, self.device_key.to_base64()),
            (HEADER_TIMESTAMP, self.timestamp_ms.to_string()),
            (HEADER_NONCE, self.nonce.to_base64()),
            (HEADER_SIGNATURE, self.signature.to_base64()),
        ]
    }

    /// Checks the signature and the clock window; returns the sender's device id.
    pub fn verify(&self, method: &str, path: &str, body: &[u8], now_ms: u64) -> Result<DeviceId, ApiError> {
        let key = parse_verifying_key(&self.device_key.0)
            .map_err(|_| ApiError::new(ErrorCode::BadSignature, "device key is not a valid Ed25519 key"))?;
        let message = request_message(method, path, self.timestamp_ms, &self.nonce, body);
        verify_signature(&key, &message, &self.signature.0)
            .map_err(|_| ApiError::new(ErrorCode::BadSignature, "request signature does not verify"))?;
        if self.timestamp_ms.abs_diff(now_ms) > MAX_CLOCK_SKEW_MS {
            // Said so a person can act on it: almost always a device clock set wrong.
            let side = if self.timestamp_ms < now_ms { "behind" } else { "ahead of" };
            let minutes = self.timestamp_ms.abs_diff(now_ms) / 60_000;
            return Err(ApiError::new(
                ErrorCode::StaleRequest,
                format!(
                    "request timestamp is outside the allowed window: this device's clock is about {minutes} min \
                     {side} the server's (at most {} min allowed); set it right",
                    MAX_CLOCK_SKEW_MS / 60_000
                ),
            ));
        }
        Ok(DeviceId::from_signing_key(key.as_bytes()))
    }
}

/// Largest number any field of a request body may hold (2^53 − 1): what a JavaScript client
/// reads exactly and what the worker's SQLite bindings carry.
pub const MAX_SAFE_INTEGER: u64 = crate::event::MAX_SEQ;

/// The first number in a JSON text that is not a whole number from 0 to [`MAX_SAFE_INTEGER`], as
/// written (`-1`, `1.5`, `1e3`, `9007199254740992`). Strings are skipped, so every number of
/// every field is seen, whatever the body's shape, without building a tree of it.
pub fn unsafe_number(json: &[u8]) -> Option<&str> {
    let (mut i, mut in_string) = (0, false);
    while i < json.len() {
        let byte = json[i];
        if in_string {
            match byte {
                b'\\' => i += 1, // the escaped character is never a closing quote
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if byte == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if byte != b'-' && !byte.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < json.len() && matches!(json[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            i += 1;
        }
        let token = std::str::from_utf8(&json[start..i]).unwrap_or("?");
        let whole = token.len() <= 16 && token.bytes().all(|b| b.is_ascii_digit());
        if !whole || token.parse::<u64>().map_or(true, |n| n > MAX_SAFE_INTEGER) {
            return Some(token);
        }
    }
    None
}

/// Body of `POST /v1/vaults/{name}/sync`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// The last commit the device has; the server answers with what follows it.
    pub cursor: Cursor,
    /// The device's unacknowledged events, oldest first.
    #[serde(default)]
    pub push: Vec<SignedEvent>,
    /// Page size; capped at [`MAX_PAGE`].
    #[serde(default)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PushOutcome {
    Committed { seq: u64 },
    Rejected { code: ErrorCode, message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PushResultWire")]
pub struct PushResult {
    pub author_seq: u64,
    #[serde(flatten)]
    pub outcome: PushOutcome,
}

/// The same JSON as [`PushResult`], read without `flatten`: serde buffers a flattened field
/// through its generic content tree, which cost the wasm about 10 KB.
#[derive(Deserialize)]
struct PushResultWire {
    author_seq: u64,
    outcome: OutcomeKind,
    seq: Option<u64>,
    code: Option<ErrorCode>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum OutcomeKind {
    Committed,
    Rejected,
}

impl TryFrom<PushResultWire> for PushResult {
    type Error = &'static str;

    fn try_from(wire: PushResultWire) -> Result<Self, Self::Error> {
        let outcome = match wire.outcome {
            OutcomeKind::Committed => PushOutcome::Committed { seq: wire.seq.ok_or("missing field `seq`")? },
            OutcomeKind::Rejected => PushOutcome::Rejected {
                code: wire.code.ok_or("missing field `code`")?,
                message: wire.message.ok_or("missing field `message`")?,
            },
        };
        Ok(PushResult { author_seq: wire.author_seq, outcome })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// The requester's standing in the vault.
    pub status: MembershipStatus,
    /// One result per pushed event, in push order.
    pub results: Vec<PushResult>,
    /// Commits after the request's cursor (members only).
    pub commits: Vec<Commit>,
    /// The server's head (members only).
    pub head: Option<Cursor>,
    /// More commits follow the last one returned.
    pub more: bool,
}

/// The JSON error body of every non-2xx response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The pushed event the error is about, so its author can drop it from the outbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_seq: Option<u64>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), author_seq: None }
    }

    pub fn about_event(mut self, author_seq: u64) -> ApiError {
        self.author_seq = Some(author_seq);
        self
    }

    pub fn status(&self) -> u16 {
        self.code.http_status()
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl<E: HasErrorCode + std::fmt::Display> From<&E> for ApiError {
    fn from(error: &E) -> ApiError {
        ApiError::new(error.code(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::DeviceKind;

    #[test]
    fn push_results_read_the_flattened_json() {
        let committed = PushResult { author_seq: 3, outcome: PushOutcome::Committed { seq: 9 } };
        let rejected = PushResult {
            author_seq: 4,
            outcome: PushOutcome::Rejected { code: ErrorCode::TooLarge, message: "too big".into() },
        };
        for result in [committed, rejected] {
            let json = serde_json::to_vec(&result).unwrap();
            assert_eq!(serde_json::from_slice::<PushResult>(&json).unwrap(), result);
        }
        let json = br#"{"outcome":"committed","author_seq":1,"seq":2}"#;
        let read = serde_json::from_slice::<PushResult>(json).unwrap();
        assert_eq!(read, PushResult { author_seq: 1, outcome: PushOutcome::Committed { seq: 2 } });
        for bad in [
            &br#"{"author_seq":1,"outcome":"committed"}"#[..],
            br#"{"author_seq":1,"outcome":"rejected","code":"TOO_LARGE"}"#,
            br#"{"author_seq":1,"outcome":"rejected","message":"x"}"#,
            br#"{"author_seq":1,"outcome":"lost","seq":2}"#,
            br#"{"outcome":"committed","seq":2}"#,
            br#"{"author_seq":1,"outcome":"rejected","code":"NO_SUCH","message":"x"}"#,
        ] {
            assert!(serde_json::from_slice::<PushResult>(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn unsafe_numbers_are_found_in_any_field_and_strings_are_skipped() {
        let safe = br#"{"cursor":{"seq":9007199254740991,"hash":"00"},"push":[{"a":[0,1,255]}],"limit":0}"#;
        assert_eq!(unsafe_number(safe), None);
        for (json, found) in [
            (&br#"{"seq":9007199254740992}"#[..], "9007199254740992"),
            (br#"{"a":{"b":[1,18446744073709551615]}}"#, "18446744073709551615"),
            (br#"{"seq":184467440737095516150}"#, "184467440737095516150"),
            (br#"{"seq":-1}"#, "-1"),
            (br#"{"seq":-0}"#, "-0"),
            (br#"{"seq":1.5}"#, "1.5"),
            (br#"{"seq":1e3}"#, "1e3"),
            (br#"{"seq":1E+3 }"#, "1E+3"),
            (br#"[0.0]"#, "0.0"),
        ] {
            assert_eq!(unsafe_number(json), Some(found), "{}", String::from_utf8_lossy(json));
        }
        // Digits inside strings (escaped quotes included) are not numbers.
        let strings = br#"{"k-1":"-1.5e9 \" 9007199254740992","\\":"x","n":"1"}"#;
        assert_eq!(unsafe_number(strings), None);
        assert_eq!(unsafe_number(br#"{"s":"\\","n":-2}"#), Some("-2"));
    }

    /// The exact text a request signature covers, for fixed keys, nonce, time and body, as a
    /// client written from ARCHITECTURE.md must build it: the body hash is SHA-256 over the
    /// body's length (8 bytes, big-endian) followed by the body, in lowercase hex; the nonce is
    /// unpadded base64url. Ed25519 is deterministic, so the header values are pinned too.
    #[test]
    fn the_signed_request_text_matches_the_documented_vector() {
        use sha2::Digest;
        let keys = DeviceKeys::from_secrets(&[1; 32], &[2; 32], "vector", DeviceKind::Desktop).unwrap();
        let body = br#"{"cursor":{"seq":0,"hash":"0000000000000000000000000000000000000000000000000000000000000000"},"push":[],"limit":1}"#;
        let nonce = Bytes((0..16).collect());
        let (path, timestamp_ms) = ("/v1/vaults/family/sync", 1_790_000_000_000);

        let mut framed = (body.len() as u64).to_be_bytes().to_vec();
        framed.extend_from_slice(body);
        let body_hash = hex::encode(sha2::Sha256::digest(&framed));
        assert_eq!(body_hash, BODY_HASH);
        let text = format!("meta-secret/request/v2\nPOST\n{path}\n{timestamp_ms}\nAAECAwQFBgcICQoLDA0ODw\n{body_hash}");
        assert_eq!(request_message("POST", path, timestamp_ms, &nonce, body), text.as_bytes());

        let auth = RequestAuth {
            device_key: keys.info().signing_key.clone(),
            timestamp_ms,
            signature: keys.sign(text.as_bytes()),
            nonce,
        };
        let headers = auth.headers();
        let pinned = [
            (HEADER_DEVICE_KEY, DEVICE_KEY),
            (HEADER_TIMESTAMP, "1790000000000"),
            (HEADER_NONCE, "AAECAwQFBgcICQoLDA0ODw"),
            (HEADER_SIGNATURE, SIGNATURE),
        ];
        for ((name, value), (pinned_name, pinned_value)) in headers.iter().zip(pinned) {
            assert_eq!((*name, value.as_str()), (pinned_name, pinned_value));
        }
        let lookup = |name: &str| pinned.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        let read = RequestAuth::from_headers(lookup).unwrap();
        assert_eq!(read.verify("POST", path, body, timestamp_ms).unwrap(), *keys.id());
        // Padded base64 is not the encoding: refused.
        let padded = |name: &str| match name {
            HEADER_NONCE => Some("AAECAwQFBgcICQoLDA0ODw=="),
            _ => lookup(name),
        };
        assert_eq!(RequestAuth::from_headers(padded).unwrap_err().code, ErrorCode::BadSignature);
    }

    const BODY_HASH: &str = "156360eb52e9e9124a1fa95c3340f034ef35adb8496e6642bfec75dade15d858";
    const DEVICE_KEY: &str = "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w";
    const SIGNATURE: &str = "7ZeRmYvS04lyLtqKlw45mRZR0GC8S8vGEr8GkPKvMwNWaxyXRPawC5OmdIDp9b3gAUHKR4UwnX7CkRa4PKXbBw";

    #[test]
    fn routes() {
        let v = VaultName::parse("family").unwrap();
        assert_eq!(route("POST", "/v1/vaults/family/sync"), Ok(Route::Sync(v)));
        assert_eq!(route("GET", "/v1/vaults/family/sync").unwrap_err().code, ErrorCode::MethodNotAllowed);
        assert_eq!(route("GET", "/v1/vaults/family/live"), Ok(Route::Live(VaultName::parse("family").unwrap())));
        assert_eq!(route("POST", "/v1/vaults/family/live").unwrap_err().code, ErrorCode::MethodNotAllowed);
        assert_eq!(route("POST", "/v1/vaults/family/other").unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(route("POST", "/v2/x").unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(route("POST", "/v1/vaults//sync").unwrap_err().code, ErrorCode::InvalidInput);
        let long = format!("/v1/vaults/{}/sync", "a".repeat(65));
        assert_eq!(route("POST", &long).unwrap_err().code, ErrorCode::InvalidInput);
        assert_eq!(route("POST", "/v1/vaults/a/b/sync").unwrap_err().code, ErrorCode::InvalidInput);
    }

    #[test]
    fn request_signatures_bind_every_part() {
        let keys = DeviceKeys::generate("d", DeviceKind::Desktop).unwrap();
        let auth = RequestAuth::sign(&keys, "POST", "/v1/vaults/a/sync", 1000, b"{}");
        assert_eq!(auth.verify("POST", "/v1/vaults/a/sync", b"{}", 1000).unwrap(), *keys.id());
        let bad = |e: ApiError| e.code;
        assert_eq!(bad(auth.verify("POST", "/v1/vaults/b/sync", b"{}", 1000).unwrap_err()), ErrorCode::BadSignature);
        assert_eq!(bad(auth.verify("POST", "/v1/vaults/a/sync", b"{ }", 1000).unwrap_err()), ErrorCode::BadSignature);
        assert_eq!(bad(auth.verify("PUT", "/v1/vaults/a/sync", b"{}", 1000).unwrap_err()), ErrorCode::BadSignature);
        let late = 1000 + MAX_CLOCK_SKEW_MS + 1;
        let stale = auth.verify("POST", "/v1/vaults/a/sync", b"{}", late).unwrap_err();
        assert_eq!(stale.code, ErrorCode::StaleRequest);
        assert!(stale.message.contains("clock is about 5 min behind the server's"), "{}", stale.message);
        let early = RequestAuth::sign(&keys, "POST", "/v1/vaults/a/sync", late + 11 * 60_000, b"{}");
        let ahead = early.verify("POST", "/v1/vaults/a/sync", b"{}", late).unwrap_err();
        assert!(ahead.message.contains("about 11 min ahead of the server's"), "{}", ahead.message);
    }

    #[test]
    fn headers_round_trip_and_missing_ones_are_refused() {
        let keys = DeviceKeys::generate("d", DeviceKind::Desktop).unwrap();
        let auth = RequestAuth::sign(&keys, "POST", "/p", 5, b"");
        let headers = auth.headers();
        let lookup = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str());
        assert_eq!(RequestAuth::from_headers(lookup).unwrap(), auth);
        let none = |_: &str| None;
        assert_eq!(RequestAuth::from_headers(none).unwrap_err().code, ErrorCode::BadSignature);

        let query = auth.to_query();
        let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|pair| pair.split_once('=')).collect();
        let param = |name: &str| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(RequestAuth::from_query(param).unwrap(), auth);
        assert_eq!(RequestAuth::from_query(none).unwrap_err().code, ErrorCode::BadSignature);
    }
}

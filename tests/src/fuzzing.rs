//! Fuzz targets: the wire decoder, `ServerApp::handle` and `apply_commit`. Each takes arbitrary
//! bytes and must never panic; the server must never answer 500 and must keep a log that folds.
//! The server runs over `SqlLikeStore` (lookups of numbers SQLite cannot bind fail, as in the
//! worker), and one mode re-signs a whole mutated envelope (author_seq, seen, time_ms and the
//! event), so a number in any field of any event kind reaches the server's checks with a valid
//! signature: that is how issue 25's finding 1 (a cited seen.seq of 2^53 or more: 500) is found.
//! `fuzz/` runs them under cargo-fuzz (libFuzzer, nightly); `tests/tests/fuzz.rs` runs them on
//! stable from mutated seeds for a bounded time.

use meta_secret_core::event::{Commit, Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::{LogStore, Page, StoreBatch};
use meta_secret_core::sync::live::LiveMessage;
use meta_secret_core::sync::wire::{
    route, sync_path, RequestAuth, SyncRequest, SyncResponse, HEADER_DEVICE_KEY, HEADER_NONCE, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use meta_secret_core::sync::{ServerApp, TransportRequest};
use meta_secret_core::vault::VaultState;

use crate::{block_on, signed_request, vault_of, Device, Net};

const VAULT: &str = "fuzzed";

/// A real vault (three devices, a secret, a recovery, a fourth device joining, votes) whose log
/// every input starts from.
pub struct FuzzScene {
    _net: Net,
    devices: Vec<Device>,
    outsider: DeviceKeys,
    commits: Vec<Commit>,
    state: VaultState,
    now_ms: u64,
}

impl Default for FuzzScene {
    fn default() -> Self {
        Self::new()
    }
}

impl FuzzScene {
    pub fn new() -> FuzzScene {
        let net = Net::new();
        let devices = vault_of(&net, VAULT, 3);
        let info = block_on(devices[0].add_secret("bank", b"pin 1234", 2)).expect("secret");
        let claim = block_on(devices[2].request_recovery(&info.id)).expect("claim");
        block_on(devices[1].approve(&claim)).expect("approve");
        let late = net.device("late");
        block_on(late.request_join(VAULT)).expect("join");
        block_on(devices[0].accept(&late.device().id)).expect("accept");
        block_on(devices[1].remove_device(&devices[2].device().id)).expect("vote");
        block_on(devices[0].set_quorum(3)).expect("quorum vote");
        block_on(devices[0].create_invite(None)).expect("invite");
        block_on(devices[0].set_claim_lifetime(30)).expect("claim lifetime vote");
        crate::settle(&devices);
        let vault = VaultName::parse(VAULT).expect("name");
        let store = net.server.app(&vault).store().clone();
        let commits = block_on(store.read_after(0, Page::commits(10_000))).expect("log");
        let mut state = VaultState::empty(vault);
        for commit in &commits {
            state.apply_commit(commit).expect("the scene's log folds");
        }
        let outsider = DeviceKeys::generate("outsider", DeviceKind::Desktop).expect("keys");
        let now_ms = net.clock_now();
        FuzzScene { _net: net, devices, outsider, commits, state, now_ms }
    }

    fn member(&self) -> &DeviceKeys {
        self.devices[1].gateway().keys()
    }

    /// Valid inputs to start mutating from: every event of the scene's log (mode 1), the sync
    /// requests a device sends (mode 0) and a signed header block (mode 3).
    pub fn seeds(&self) -> Vec<Vec<u8>> {
        let mut seeds = Vec::new();
        for commit in &self.commits {
            // Mode 4: the whole envelope, re-signed after mutation (by a member, or as mode 5 by
            // an outsider).
            for mode in [4u8, 5] {
                let mut envelope = vec![mode];
                envelope.extend(serde_json::to_vec(&commit.event).unwrap_or_default());
                seeds.push(envelope);
            }
            let mut seed = vec![1u8];
            seed.extend(serde_json::to_vec(&commit.event.event).unwrap_or_default());
            seeds.push(seed);
            let mut whole = vec![4u8];
            whole.extend(serde_json::to_vec(commit).unwrap_or_default());
            seeds.push(whole);
        }
        let request = SyncRequest { cursor: self.state.head, push: vec![], limit: Some(10) };
        let mut seed = vec![0u8];
        seed.extend(serde_json::to_vec(&request).unwrap_or_default());
        seeds.push(seed);
        let signed = signed_request(self.member(), VAULT, b"{}".to_vec(), self.now_ms);
        let mut raw = vec![3u8];
        raw.extend(format!("POST\n{}\n", signed.path).as_bytes());
        for (_, value) in signed.auth.map(|a| a.headers()).unwrap_or_default() {
            raw.extend(value.as_bytes());
            raw.push(b'\n');
        }
        raw.extend(b"{\"cursor\":{\"seq\":0,\"hash\":\"00\"},\"push\":[]}");
        seeds.push(raw);
        seeds
    }

    /// The wire decoder: routes, signature headers and query, bodies, live messages.
    pub fn wire(&self, data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        let _ = route("POST", &text);
        let _ = route("GET", &text);
        let _ = serde_json::from_slice::<SyncRequest>(data);
        let _ = serde_json::from_slice::<SyncResponse>(data);
        let _ = serde_json::from_slice::<LiveMessage>(data);
        let _ = serde_json::from_slice::<Commit>(data);
        let _ = VaultName::parse(&text);
        let lines: Vec<&str> = text.split('\n').collect();
        let field = |i: usize| lines.get(i).copied();
        let names = [HEADER_DEVICE_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE];
        let header = |name: &str| names.iter().position(|n| *n == name).and_then(field);
        if let Ok(auth) = RequestAuth::from_headers(header) {
            let _ = auth.verify("POST", &sync_path(&VaultName::parse(VAULT).expect("name")), data, self.now_ms);
        }
        let _ = RequestAuth::from_query(|name| header(&format!("x-meta-secret-{}", name.replace('_', "-"))));
    }

    /// `ServerApp::handle` on a fresh copy of the scene's vault. The first byte picks how the rest
    /// is sent: 0 a body signed by a member, 1 events signed by a member, 2 events signed by an
    /// outsider, 3 a raw request (method, path, four header values, body, one per line), 4 and 5
    /// a whole event envelope re-signed by a member or an outsider.
    pub fn server(&self, data: &[u8]) {
        let Some((&mode, rest)) = data.split_first() else { return };
        let store = crate::boundaries::SqlLikeStore::default();
        let mut batch = StoreBatch { commits: self.commits.clone(), kv: Vec::new() };
        batch.put("server/state", serde_json::to_vec(&self.state).expect("state"));
        block_on(store.write(batch)).expect("seed store");
        let vault = VaultName::parse(VAULT).expect("name");
        let app = ServerApp::new(vault.clone(), store.clone());
        let request = match mode % 6 {
            0 => signed_request(self.member(), VAULT, rest.to_vec(), self.now_ms),
            1 | 2 => {
                let keys = if mode % 6 == 1 { self.member() } else { &self.outsider };
                let events = self.signed_events(keys, rest);
                let body = SyncRequest { cursor: self.state.head, push: events, limit: None };
                signed_request(keys, VAULT, serde_json::to_vec(&body).expect("encode"), self.now_ms)
            }
            4 | 5 => {
                let keys = if mode % 6 == 4 { self.member() } else { &self.outsider };
                let Some(event) = resigned(keys, rest) else { return };
                let body = SyncRequest { cursor: self.state.head, push: vec![event], limit: None };
                signed_request(keys, VAULT, serde_json::to_vec(&body).expect("encode"), self.now_ms)
            }
            _ => raw_request(rest),
        };
        let response = block_on(app.handle(&request, self.now_ms));
        assert_ne!(response.status, 500, "{}", String::from_utf8_lossy(&response.body));
        if response.status == 200 {
            serde_json::from_slice::<SyncResponse>(&response.body).expect("a 200 answer is a sync response");
        }
        // Whatever was accepted must fold again from the stored log, as after a restart.
        let reopened = ServerApp::new(vault, store);
        let pull = SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: None };
        let check = signed_request(self.member(), VAULT, serde_json::to_vec(&pull).expect("encode"), self.now_ms + 1);
        let response = block_on(reopened.handle(&check, self.now_ms + 1));
        assert_ne!(response.status, 500, "the stored log no longer folds");
    }

    /// `apply_commit` on the scene's state: the rest as events signed by a member (first byte
    /// below 4) or as a whole commit.
    pub fn apply(&self, data: &[u8]) {
        let Some((&mode, rest)) = data.split_first() else { return };
        let mut state = self.state.clone();
        let commits = match mode % 5 {
            4 => serde_json::from_slice::<Commit>(rest).into_iter().collect(),
            _ => {
                let mut head = state.head;
                let events = self.signed_events(self.member(), rest);
                events
                    .into_iter()
                    .map(|event| {
                        let commit = Commit::after(head, event);
                        head = commit.cursor();
                        commit
                    })
                    .collect::<Vec<_>>()
            }
        };
        for commit in &commits {
            let before = state.head;
            match state.apply_commit(commit) {
                Ok(()) => assert_eq!(state.head, commit.cursor(), "an applied commit moves the head"),
                Err(_) => assert_eq!(state.head, before, "a refused commit changes nothing"),
            }
        }
    }

    /// Parses `json` as one event or a list of them and signs each as `keys`, in sequence.
    fn signed_events(&self, keys: &DeviceKeys, json: &[u8]) -> Vec<SignedEvent> {
        let events: Vec<GenericKvLogEvent> = serde_json::from_slice::<Vec<GenericKvLogEvent>>(json)
            .or_else(|_| serde_json::from_slice::<GenericKvLogEvent>(json).map(|event| vec![event]))
            .unwrap_or_default();
        let vault = VaultName::parse(VAULT).expect("name");
        let first = self.state.last_author_seq(keys.id()) + 1;
        events
            .into_iter()
            .enumerate()
            .map(|(i, event)| SignedEvent::sign_seen(keys, &vault, first + i as u64, self.state.head, event))
            .collect()
    }
}

/// The fields of a signed envelope a fuzzer may set, whatever their values.
#[derive(serde::Deserialize)]
struct Envelope {
    author_seq: u64,
    seen: Cursor,
    time_ms: u64,
    event: GenericKvLogEvent,
}

/// A mutated envelope signed by `keys` (unparseable ones, e.g. a negative seq, are skipped: the
/// raw-body modes send those).
fn resigned(keys: &DeviceKeys, json: &[u8]) -> Option<SignedEvent> {
    let envelope: Envelope = serde_json::from_slice(json).ok()?;
    let vault = VaultName::parse(VAULT).expect("name");
    Some(SignedEvent::sign_at(keys, &vault, envelope.author_seq, envelope.seen, envelope.time_ms, envelope.event))
}

fn raw_request(data: &[u8]) -> TransportRequest {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.splitn(7, '\n');
    let method = lines.next().unwrap_or_default().to_owned();
    let path = lines.next().unwrap_or_default().to_owned();
    let values: Vec<String> = (0..4).map(|_| lines.next().unwrap_or_default().to_owned()).collect();
    let body = lines.next().unwrap_or_default().as_bytes().to_vec();
    let names = [HEADER_DEVICE_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE];
    let auth = RequestAuth::from_headers(|name| names.iter().position(|n| *n == name).map(|i| values[i].as_str())).ok();
    TransportRequest { method, path, auth, body }
}

//! Shared helpers for meta-secret's scenario tests: an in-process network of devices, and
//! transports that lose or tamper with responses, a native HTTP transport and a `wrangler dev`
//! harness.

pub mod boundaries;
pub mod flood;
pub mod fuzzing;
pub mod http;
pub mod live_socket;
pub mod memory;
pub mod wrangler;

use std::future::Future;
use std::sync::{Arc, Mutex};

use meta_secret_core::client::{DeviceSetup, VaultClient};
use meta_secret_core::clock::ManualClock;
use meta_secret_core::event::{Cursor, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::wire::{sync_path, RequestAuth, SyncRequest, SyncResponse};
use meta_secret_core::sync::{
    InProcessServer, InProcessTransport, SyncProtocol, TransportError, TransportRequest, TransportResponse,
};

pub fn block_on<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

pub type Device = VaultClient<MemoryStore, InProcessTransport>;

/// One in-process server and a shared manual clock.
pub struct Net {
    pub server: Arc<InProcessServer>,
    pub clock: ManualClock,
}

impl Default for Net {
    fn default() -> Self {
        Self::new()
    }
}

impl Net {
    pub fn new() -> Net {
        let clock = ManualClock::new(1_790_000_000_000);
        Net { server: InProcessServer::new(clock.clone()), clock }
    }

    pub fn device(&self, name: &str) -> Device {
        self.device_on(name, self.server.transport())
    }

    pub fn device_on<T: SyncProtocol>(&self, name: &str, transport: T) -> VaultClient<MemoryStore, T> {
        self.device_with_store(name, transport, MemoryStore::new())
    }

    pub fn device_with_store<T: SyncProtocol>(
        &self,
        name: &str,
        transport: T,
        store: MemoryStore,
    ) -> VaultClient<MemoryStore, T> {
        let setup = DeviceSetup { name, kind: DeviceKind::Desktop, passphrase: None, work_factor: 10 };
        block_on(VaultClient::open(store, transport, Box::new(self.clock.clone()), setup)).expect("open device")
    }

    pub fn head(&self, vault: &str) -> Cursor {
        let vault = VaultName::parse(vault).expect("vault name");
        block_on(self.server.app(&vault).head()).expect("server head")
    }

    /// Sends a hand-made sync request signed by `keys` at the clock's current time.
    pub fn raw_sync(&self, keys: &DeviceKeys, vault: &str, request: &SyncRequest) -> TransportResponse {
        let body = serde_json::to_vec(request).expect("encode");
        let signed = signed_request(keys, vault, body, self.clock_now());
        block_on(self.server.handle(&signed))
    }

    pub fn clock_now(&self) -> u64 {
        use meta_secret_core::clock::Clock;
        self.clock.now_ms()
    }
}

pub fn signed_request(keys: &DeviceKeys, vault: &str, body: Vec<u8>, timestamp_ms: u64) -> TransportRequest {
    let path = sync_path(&VaultName::parse(vault).expect("vault name"));
    let auth = RequestAuth::sign(keys, "POST", &path, timestamp_ms, &body);
    TransportRequest { method: "POST".into(), path, auth: Some(auth), body }
}

pub fn parse_ok(response: &TransportResponse) -> SyncResponse {
    assert_eq!(response.status, 200, "body: {}", String::from_utf8_lossy(&response.body));
    serde_json::from_slice(&response.body).expect("sync response")
}

/// The `{code, message}` of an error response, asserting its status.
pub fn error_code(response: &TransportResponse, status: u16) -> String {
    assert_eq!(response.status, status, "body: {}", String::from_utf8_lossy(&response.body));
    let body: serde_json::Value = serde_json::from_slice(&response.body).expect("JSON error body");
    assert!(body["message"].is_string(), "error body has a message: {body}");
    body["code"].as_str().expect("code").to_owned()
}

/// Delivers requests, then loses the next `lose` responses after the server has processed them.
#[derive(Clone)]
pub struct LossyTransport {
    inner: InProcessTransport,
    lose: Arc<Mutex<u32>>,
}

impl LossyTransport {
    pub fn new(inner: InProcessTransport) -> LossyTransport {
        LossyTransport { inner, lose: Arc::new(Mutex::new(0)) }
    }

    pub fn lose_next_responses(&self, count: u32) {
        *self.lose.lock().expect("lock") = count;
    }
}

impl SyncProtocol for LossyTransport {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let response = self.inner.send(request).await?;
        let mut lose = self.lose.lock().expect("lock");
        if *lose > 0 {
            *lose -= 1;
            return Err(TransportError("connection reset after the request was sent".into()));
        }
        Ok(response)
    }
}

type Tamper = Box<dyn Fn(&mut SyncResponse) + Send>;

/// A hostile server: passes requests to the honest one, then rewrites successful responses with
/// the installed function.
#[derive(Clone)]
pub struct TamperingTransport {
    inner: InProcessTransport,
    tamper: Arc<Mutex<Option<Tamper>>>,
    /// Every request body sent through it, for tests that check what left a device.
    sent: Arc<Mutex<Vec<u8>>>,
}

impl TamperingTransport {
    pub fn new(inner: InProcessTransport) -> TamperingTransport {
        TamperingTransport { inner, tamper: Arc::new(Mutex::new(None)), sent: Arc::default() }
    }

    /// Whether any request body sent so far contains `needle`.
    pub fn sent_contains(&self, needle: &str) -> bool {
        let sent = self.sent.lock().expect("lock");
        sent.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    pub fn set(&self, tamper: impl Fn(&mut SyncResponse) + Send + 'static) {
        *self.tamper.lock().expect("lock") = Some(Box::new(tamper));
    }

    pub fn clear(&self) {
        *self.tamper.lock().expect("lock") = None;
    }
}

impl SyncProtocol for TamperingTransport {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        self.sent.lock().expect("lock").extend_from_slice(&request.body);
        let mut response = self.inner.send(request).await?;
        if let Some(tamper) = self.tamper.lock().expect("lock").as_ref() {
            if response.status == 200 {
                let mut parsed: SyncResponse = serde_json::from_slice(&response.body).expect("honest response");
                tamper(&mut parsed);
                response.body = serde_json::to_vec(&parsed).expect("encode");
            }
        }
        Ok(response)
    }
}

/// Creates `vault` on a fresh device and joins `count - 1` more, each approved by as many
/// members as the quorum (2) needs.
pub fn vault_of(net: &Net, vault: &str, count: usize) -> Vec<Device> {
    let devices: Vec<Device> = (0..count).map(|i| net.device(&format!("device-{i}"))).collect();
    block_on(devices[0].create_vault(vault)).expect("create");
    for (i, device) in devices.iter().enumerate().skip(1) {
        block_on(device.request_join(vault)).expect("join");
        admit(&devices[..i], device);
    }
    settle(&devices);
    devices
}

/// The first members approve `candidate` until the quorum is reached.
pub fn admit<T: SyncProtocol, U: SyncProtocol>(
    members: &[VaultClient<MemoryStore, T>],
    candidate: &VaultClient<MemoryStore, U>,
) {
    let id = candidate.device().id.clone();
    for member in members {
        block_on(member.sync()).expect("sync");
        if block_on(member.state()).expect("state").is_member(&id) {
            break;
        }
        block_on(member.accept(&id)).expect("accept");
    }
    assert!(block_on(members[0].sync()).is_ok());
    assert!(block_on(members[0].state()).expect("state").is_member(&id), "candidate admitted");
}

/// Lets every device sync (and run its orchestrator) until nothing changes.
pub fn settle<T: SyncProtocol>(devices: &[VaultClient<MemoryStore, T>]) {
    for _ in 0..6 {
        let before: Vec<Cursor> =
            devices.iter().map(|d| block_on(d.state()).map(|s| s.head).unwrap_or_default()).collect();
        for device in devices {
            block_on(device.sync()).expect("sync");
        }
        let after: Vec<Cursor> =
            devices.iter().map(|d| block_on(d.state()).map(|s| s.head).unwrap_or_default()).collect();
        if before == after {
            return;
        }
    }
}

/// Wall-clock time for devices talking to a real server.
#[derive(Clone, Copy, Default)]
pub struct SystemClock;

impl meta_secret_core::clock::Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        since.as_millis() as u64
    }
}

pub type HttpDevice = VaultClient<MemoryStore, http::HttpTransport>;

/// A device with its own memory store, talking HTTP to `base_url`.
pub fn http_device(base_url: &str, name: &str) -> HttpDevice {
    http_device_with_store(base_url, name, MemoryStore::new())
}

pub fn http_device_with_store(base_url: &str, name: &str, store: MemoryStore) -> HttpDevice {
    device_over(http::HttpTransport::new(base_url), name, store)
}

/// A device on wall-clock time over any transport (for example a counting one around HTTP).
pub fn device_over<T: SyncProtocol>(transport: T, name: &str, store: MemoryStore) -> VaultClient<MemoryStore, T> {
    let setup = DeviceSetup { name, kind: DeviceKind::Desktop, passphrase: None, work_factor: 10 };
    block_on(VaultClient::open(store, transport, Box::new(SystemClock), setup)).expect("open")
}

/// Counts the requests that pass through it (and keeps the largest response body), for tests and
/// benchmarks that count round trips.
#[derive(Clone)]
pub struct CountingTransport<T> {
    inner: T,
    count: Arc<std::sync::atomic::AtomicU64>,
    largest: Arc<std::sync::atomic::AtomicUsize>,
}

impl<T> CountingTransport<T> {
    pub fn new(inner: T) -> CountingTransport<T> {
        CountingTransport { inner, count: Arc::default(), largest: Arc::default() }
    }

    pub fn count(&self) -> u64 {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The largest response body seen, in bytes.
    pub fn largest_response(&self) -> usize {
        self.largest.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl<T: SyncProtocol> SyncProtocol for CountingTransport<T> {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let response = self.inner.send(request).await?;
        self.largest.fetch_max(response.body.len(), std::sync::atomic::Ordering::SeqCst);
        Ok(response)
    }
}

/// `device`'s verified share of the generation `secret_id` is sealed to, in its current epoch.
pub fn own_share<T: SyncProtocol>(
    device: &VaultClient<MemoryStore, T>,
    secret_id: &str,
) -> meta_secret_core::vault::generations::MyShare {
    block_on(device.share_of(secret_id)).expect("own share")
}

/// `device`'s verified share (x, value) of `secret_id`'s generation in its current epoch.
pub fn own_share_value<T: SyncProtocol>(
    device: &VaultClient<MemoryStore, T>,
    secret_id: &str,
) -> (u8, meta_secret_core::secrets::ShareValue) {
    let share = own_share(device, secret_id);
    (share.x, share.value.clone())
}

/// What the server said about one hand-made event: `Ok(seq)` when committed, else its code.
pub fn push_raw<T: SyncProtocol>(
    device: &VaultClient<MemoryStore, T>,
    net: &Net,
    event: meta_secret_core::event::GenericKvLogEvent,
) -> Result<u64, meta_secret_core::ErrorCode> {
    use meta_secret_core::event::SignedEvent;
    use meta_secret_core::sync::wire::PushOutcome;
    // Sign and send as a malicious client would: no local checks, straight to the server.
    let gateway = device.gateway();
    block_on(gateway.sync()).expect("sync");
    let state = block_on(gateway.state()).expect("state");
    let vault = state.vault.as_str().to_owned();
    // Past the device's own counter, and at a later time than any of its requests so far; the
    // device picks both up again from the log and the clock.
    let seq = state.last_author_seq(gateway.keys().id()) + 100;
    let signed = SignedEvent::sign_at(gateway.keys(), &state.vault, seq, Cursor::EMPTY, net.clock_now(), event);
    let body =
        serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![signed], limit: Some(1) }).expect("encode");
    net.clock.advance(1_000);
    let response = block_on(net.server.handle(&signed_request(gateway.keys(), &vault, body, net.clock_now())));
    net.clock.advance(1_000);
    // Pull the outcome so the device's own counter moves past the hand-made event.
    let _ = block_on(gateway.sync());
    let body: serde_json::Value = serde_json::from_slice(&response.body).expect("json");
    if response.status != 200 {
        return Err(serde_json::from_value(body["code"].clone()).expect("code"));
    }
    let parsed: SyncResponse = serde_json::from_value(body).expect("sync response");
    match &parsed.results[0].outcome {
        PushOutcome::Committed { seq } => Ok(*seq),
        PushOutcome::Rejected { code, .. } => Err(*code),
    }
}

/// A fresh receive key (a ristretto255 point) for hand-made join requests and genesis events.
pub fn receive_key() -> meta_secret_core::encoding::Bytes {
    meta_secret_core::vault::generations::new_receive_key().1
}

/// The generation `secret_id` is sealed to, as `device` sees it.
pub fn generation_of<T: SyncProtocol>(
    device: &VaultClient<MemoryStore, T>,
    secret_id: &str,
) -> meta_secret_core::vault::generations::Generation {
    let state = block_on(device.state()).expect("state");
    state.generation_of(secret_id).expect("the secret's generation").1.clone()
}

/// Opens protection level `k` from the first device and syncs everyone until it is ready.
pub fn open_level<T: SyncProtocol>(devices: &[VaultClient<MemoryStore, T>], k: u8) {
    match block_on(devices[0].open_level(k)) {
        Ok(_) => {}
        Err(meta_secret_core::sync::ClientError::LevelNotReady(_)) => settle(devices),
        Err(other) => panic!("open level {k}: {other}"),
    }
    settle(devices);
    let levels = block_on(devices[0].levels()).expect("levels");
    assert!(levels.iter().any(|l| l.k == k && l.ready), "level {k} ready: {levels:?}");
}

/// A secret sealed to `device`'s newest generation of `level` as `add_secret` would, not sent.
pub fn sealed_event<T: SyncProtocol>(
    device: &VaultClient<MemoryStore, T>,
    level: u8,
    name: &str,
    value: &[u8],
) -> meta_secret_core::event::GenericKvLogEvent {
    use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};
    let state = block_on(device.state()).expect("state");
    let (id, generation) = state.generations.current(level).expect("a usable generation");
    let public = generation.public_key().expect("public key").clone();
    let share = block_on(device.generation_share(id)).expect("share");
    let metadata = SecretMetadata { name: name.into() };
    let sealed = MetaDistributor::new(&state.vault)
        .seal(&meta_secret_core::secrets::events::new_object_id(), id, &public.0, &share.names_key, value, &metadata)
        .expect("seal");
    meta_secret_core::event::GenericKvLogEvent::SecretSealed(sealed)
}

/// Every page of `vault`'s backup, as an operator exports it.
pub fn export_all(net: &Net, vault: &meta_secret_core::event::VaultName) -> Vec<meta_secret_core::sync::BackupPage> {
    let app = net.server.app(vault);
    let mut pages = Vec::new();
    let mut after = 0;
    loop {
        let page = block_on(app.export_page(after)).expect("export");
        after = page.commits.last().map_or(after, |commit| commit.seq);
        let more = page.more;
        pages.push(page);
        if !more {
            return pages;
        }
    }
}

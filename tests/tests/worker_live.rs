//! Live updates end to end: a device connected to the worker's `/live` WebSocket is poked after
//! another device's push and syncs it without polling; only members may listen.

use std::time::Duration;

use meta_secret_core::event::VaultName;
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::live::{Wake, CLOSE_NOT_MEMBER};
use meta_secret_core::sync::wire::{live_path, RequestAuth};
use meta_secret_core::sync::TransportRequest;
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::live_socket::{LiveSocket, Received};
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
use meta_secret_tests::{block_on, device_over, http_device, CountingTransport, SystemClock};

const WAIT: Duration = Duration::from_secs(10);

fn now_ms() -> u64 {
    meta_secret_core::clock::Clock::now_ms(&SystemClock)
}

fn live_request_by(keys: &DeviceKeys, vault: &str, timestamp_ms: u64) -> TransportRequest {
    let path = live_path(&VaultName::parse(vault).unwrap());
    let auth = RequestAuth::sign(keys, "GET", &path, timestamp_ms, b"");
    TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() }
}

fn refused_code(url: &str, request: &TransportRequest, status: u16) -> String {
    meta_secret_tests::error_code(&LiveSocket::refusal(url, request), status)
}

#[test]
fn a_live_device_is_poked_after_another_devices_push_and_syncs_without_polling() {
    let dev = WranglerDev::start(&temp_dir("live"));
    let url = dev.url();
    let a = http_device(&url, "a");
    let counter = CountingTransport::new(HttpTransport::new(&url));
    let b = device_over(counter.clone(), "b", MemoryStore::new());
    let c = http_device(&url, "c");
    block_on(a.create_vault("live")).unwrap();
    block_on(b.request_join("live")).unwrap();
    block_on(c.request_join("live")).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(a.accept(&c.device().id)).unwrap();
    block_on(b.sync()).unwrap();
    block_on(b.accept(&c.device().id)).unwrap();
    block_on(c.sync()).unwrap();

    let mut b_socket = LiveSocket::connect(&url, &block_on(b.live_request()).unwrap()).expect("b listens");
    let mut c_socket = LiveSocket::connect(&url, &block_on(c.live_request()).unwrap()).expect("c listens");
    assert_eq!(b_socket.receive(Duration::from_millis(300)), Received::Nothing, "no poke before a commit");
    assert!(b_socket.send_text("ping"));
    assert_eq!(b_socket.receive(WAIT), Received::Text("pong".into()), "keepalive is answered");
    let requests_before = counter.count();

    block_on(a.add_secret("wifi", "пароль 🔑".as_bytes(), 2)).unwrap();
    let server_head = block_on(a.state()).unwrap().head;
    let Received::Text(poke) = b_socket.receive(WAIT) else { panic!("b got no poke within {WAIT:?}") };
    assert_eq!(counter.count(), requests_before, "b did not poll");
    let wake = Wake::from_message(&poke);
    assert_eq!(wake, Wake::Poke { head: server_head });
    let report = block_on(b.on_wake(wake.clone())).unwrap().expect("the poke makes b sync");
    assert_eq!((report.requests, counter.count()), (1, requests_before + 1));
    assert_eq!(block_on(b.state()).unwrap().head, server_head);
    assert_eq!(block_on(b.secrets()).unwrap()[0].name.as_deref(), Some("wifi"));
    assert_eq!(block_on(b.on_wake(wake)).unwrap(), None, "a poke for a head b has costs nothing");

    // Removing c closes its socket as a policy violation; b is poked about the removal.
    assert!(matches!(c_socket.receive(WAIT), Received::Text(_)), "c was poked about the secret");
    block_on(a.remove_device(&c.device().id)).unwrap();
    assert!(matches!(c_socket.receive(WAIT), Received::Text(_)), "one vote of two: c is still a member");
    assert!(matches!(b_socket.receive(WAIT), Received::Text(_)), "b was poked about the vote");
    block_on(b.sync()).unwrap();
    block_on(b.remove_device(&c.device().id)).unwrap();
    assert_eq!(c_socket.receive(WAIT), Received::Closed { code: CLOSE_NOT_MEMBER });
    assert!(matches!(b_socket.receive(WAIT), Received::Text(_)), "b was poked about the removal");
    b_socket.close();
}

#[test]
fn live_handshakes_are_authenticated_like_sync_requests() {
    let dev = WranglerDev::start(&temp_dir("live-auth"));
    let url = dev.url();
    let a = http_device(&url, "a");
    let pending = http_device(&url, "pending");
    block_on(a.create_vault("guarded")).unwrap();
    block_on(pending.request_join("guarded")).unwrap();
    let outsider = DeviceKeys::generate("outsider", DeviceKind::Desktop).unwrap();

    // The health route (the benchmarks' baseline) answers without a Durable Object.
    let health = TransportRequest { method: "GET".into(), path: "/v1/health".into(), auth: None, body: Vec::new() };
    let health = HttpTransport::new(&url).send_blocking(&health).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&health.body).unwrap();
    assert_eq!((health.status, &body["ok"]), (200, &serde_json::Value::Bool(true)));

    // Without the upgrade the route answers 426 with a JSON error.
    let plain = HttpTransport::new(&url).send_blocking(&live_request_by(a.gateway().keys(), "guarded", now_ms()));
    assert_eq!(meta_secret_tests::error_code(&plain.unwrap(), 426), "UPGRADE_REQUIRED");

    assert_eq!(refused_code(&url, &live_request_by(&outsider, "guarded", now_ms()), 403), "NOT_MEMBER");
    let by_pending = live_request_by(pending.gateway().keys(), "guarded", now_ms());
    assert_eq!(refused_code(&url, &by_pending, 403), "NOT_MEMBER");
    // The same answer as for an existing vault: listening reveals nothing about existence.
    assert_eq!(refused_code(&url, &live_request_by(&outsider, "nowhere", now_ms()), 403), "NOT_MEMBER");
    let stale = live_request_by(a.gateway().keys(), "guarded", now_ms() - 10 * 60 * 1000);
    assert_eq!(refused_code(&url, &stale, 401), "STALE_REQUEST");
    let mut unsigned = live_request_by(a.gateway().keys(), "guarded", now_ms());
    unsigned.auth = None;
    assert_eq!(refused_code(&url, &unsigned, 401), "BAD_SIGNATURE");
    let mut forged = live_request_by(a.gateway().keys(), "guarded", now_ms());
    if let Some(auth) = forged.auth.as_mut() {
        auth.signature.0[0] ^= 1;
    }
    assert_eq!(refused_code(&url, &forged, 401), "BAD_SIGNATURE");

    let good = block_on(a.live_request()).unwrap();
    let socket = LiveSocket::connect(&url, &good).expect("a member listens");
    assert_eq!(refused_code(&url, &good, 401), "REPLAYED");
    socket.close();
}

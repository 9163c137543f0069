//! Live updates over the in-process server: pokes after commits, sync on a poke, polling as the
//! fallback, and who may listen. The same `ServerApp` calls run in the Durable Object.

use meta_secret_core::client::VaultClient;
use meta_secret_core::event::VaultName;
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::live::{Wake, CLOSE_NOT_MEMBER};
use meta_secret_core::sync::wire::{live_path, RequestAuth};
use meta_secret_core::sync::{InProcessTransport, LiveFrame, TransportRequest};
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, CountingTransport, Device, Net};

fn only_poke(frames: Vec<LiveFrame>) -> Wake {
    match frames.as_slice() {
        [LiveFrame::Text(text)] => Wake::from_message(text),
        other => panic!("expected exactly one poke, got {other:?}"),
    }
}

fn live_request_by(keys: &DeviceKeys, vault: &str, timestamp_ms: u64) -> TransportRequest {
    let path = live_path(&VaultName::parse(vault).unwrap());
    let auth = RequestAuth::sign(keys, "GET", &path, timestamp_ms, b"");
    TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() }
}

type Counted = CountingTransport<InProcessTransport>;

/// A vault "home" with owner `a` and member `b`, whose requests are counted (b has not synced
/// since it was accepted).
fn owner_and_counted_member() -> (Net, Device, VaultClient<MemoryStore, Counted>, Counted) {
    let net = Net::new();
    let a = net.device("a");
    let counter = CountingTransport::new(net.server.transport());
    let b = net.device_on("b", counter.clone());
    block_on(a.create_vault("home")).unwrap();
    block_on(b.request_join("home")).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    (net, a, b, counter)
}

#[test]
fn a_connected_member_is_poked_and_syncs_once_without_polling() {
    let (net, a, b, counter) = owner_and_counted_member();
    block_on(b.sync()).unwrap();
    block_on(a.sync()).unwrap();

    let inbox = block_on(net.server.connect_live(&block_on(b.live_request()).unwrap())).unwrap();
    assert!(inbox.drain().is_empty(), "nothing moved yet");
    let requests_before = counter.count();

    block_on(a.add_secret("wifi", "пароль-🔑".as_bytes(), 2)).unwrap();
    let server_head = net.head("home");
    assert_ne!(block_on(b.state()).unwrap().head, server_head, "b has not synced on its own");
    assert_eq!(counter.count(), requests_before, "b made no request before the poke");

    let wake = only_poke(inbox.drain());
    assert_eq!(wake, Wake::Poke { head: server_head });
    let report = block_on(b.on_wake(wake.clone())).unwrap().expect("a poke for a newer head syncs");
    assert_eq!(report.requests, 1);
    assert_eq!(counter.count(), requests_before + 1);
    assert_eq!(block_on(b.state()).unwrap().head, server_head);
    assert_eq!(block_on(b.secrets()).unwrap().len(), 1);

    // The same poke again (or one for a commit b pulled itself) costs nothing.
    assert_eq!(block_on(b.on_wake(wake)).unwrap(), None);
    assert_eq!(counter.count(), requests_before + 1);
}

#[test]
fn polling_ticks_take_the_same_path_when_there_is_no_socket() {
    let (net, a, b, counter) = owner_and_counted_member();
    // b takes up its share (a sync and its acknowledgement), then a adds a secret.
    block_on(b.sync()).unwrap();
    block_on(a.sync()).unwrap();
    block_on(a.add_secret("wifi", b"x", 2)).unwrap();
    let before = counter.count();

    // b never opened a socket: a tick syncs unconditionally and brings it up to date.
    let report = block_on(b.on_wake(Wake::Tick)).unwrap().expect("a tick always syncs");
    assert_eq!(counter.count(), before + 1);
    assert_eq!(report.status, meta_secret_core::vault::MembershipStatus::Member);
    assert_eq!(block_on(b.state()).unwrap().head, net.head("home"));
    let idle = block_on(b.on_wake(Wake::Tick)).unwrap().expect("a tick always syncs");
    assert_eq!((idle.requests, idle.pulled), (1, 0), "an idle poll is one request that pulls nothing");
    assert_eq!(counter.count(), before + 2);
    // An unreadable message is treated as a tick, never ignored.
    assert_eq!(Wake::from_message("{\"type\":\"surprise\"}"), Wake::Tick);
}

#[test]
fn only_current_members_may_listen_and_handshakes_cannot_be_replayed() {
    let net = Net::new();
    let a = net.device("a");
    let pending = net.device("pending");
    block_on(a.create_vault("home")).unwrap();
    block_on(pending.request_join("home")).unwrap();
    let now = net.clock_now();

    let code = |request: &TransportRequest| block_on(net.server.connect_live(request)).err().map(|e| e.code);
    let outsider = DeviceKeys::generate("outsider", DeviceKind::Desktop).unwrap();
    assert_eq!(code(&live_request_by(&outsider, "home", now)), Some(ErrorCode::NotMember));
    assert_eq!(code(&live_request_by(pending.gateway().keys(), "home", now)), Some(ErrorCode::NotMember));
    // Listening tells an outsider nothing about whether a vault exists.
    assert_eq!(code(&live_request_by(&outsider, "nowhere", now)), Some(ErrorCode::NotMember));

    let good = block_on(a.live_request()).unwrap();
    assert!(block_on(net.server.connect_live(&good)).is_ok());
    assert_eq!(code(&good), Some(ErrorCode::Replayed));

    let mut unsigned = live_request_by(a.gateway().keys(), "home", now + 10);
    unsigned.auth = None;
    assert_eq!(code(&unsigned), Some(ErrorCode::BadSignature));
    let mut moved = live_request_by(a.gateway().keys(), "home", now + 20);
    moved.path = live_path(&VaultName::parse("other").unwrap());
    assert_eq!(code(&moved), Some(ErrorCode::BadSignature));
    let stale = live_request_by(a.gateway().keys(), "home", now - 10 * 60 * 1000);
    assert_eq!(code(&stale), Some(ErrorCode::StaleRequest));

    // The live route is not a sync: without an upgrade it answers 426.
    let response = block_on(net.server.handle(&live_request_by(a.gateway().keys(), "home", now + 30)));
    assert_eq!(meta_secret_tests::error_code(&response, 426), "UPGRADE_REQUIRED");
}

#[test]
fn a_removed_device_loses_its_socket_and_the_others_are_poked() {
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "home", 3);
    let (a, b, c) = (&devices[0], &devices[1], &devices[2]);
    let b_inbox = block_on(net.server.connect_live(&block_on(b.live_request()).unwrap())).unwrap();
    let c_inbox = block_on(net.server.connect_live(&block_on(c.live_request()).unwrap())).unwrap();

    block_on(a.remove_device(&c.device().id)).unwrap();
    assert!(matches!(only_poke(c_inbox.drain()), Wake::Poke { .. }), "one vote of two: c is still a member");
    b_inbox.drain();
    block_on(b.sync()).unwrap();
    block_on(b.remove_device(&c.device().id)).unwrap();
    assert_eq!(c_inbox.drain(), vec![LiveFrame::Closed { code: CLOSE_NOT_MEMBER }]);
    assert_eq!(only_poke(b_inbox.drain()), Wake::Poke { head: net.head("home") });

    // Later commits reach b only (adding a secret also takes part in the removal's new key
    // generation, so a poke per commit); c's socket is gone.
    block_on(a.add_secret("note", b"x", 2)).unwrap();
    let frames = b_inbox.drain();
    let last = frames.last().map(|frame| match frame {
        LiveFrame::Text(text) => Wake::from_message(text),
        other => panic!("{other:?}"),
    });
    assert_eq!(last, Some(Wake::Poke { head: net.head("home") }), "{frames:?}");
    assert!(c_inbox.drain().is_empty());
}

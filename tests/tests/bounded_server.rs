//! The server's resources are bounded by bytes as well as counts: response pages, a vault's log,
//! live sockets per device, and the replay records of devices outside the vault.

use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::{LogStore, MemoryStore, StoreBatch};
use meta_secret_core::sync::wire::{PushOutcome, SyncRequest, MAX_BODY_BYTES, MAX_PAGE, MAX_PAGE_BYTES};
use meta_secret_core::sync::{ServerApp, TransportResponse, VaultLimits, MAX_OUTSIDER_REQUESTS};
use meta_secret_core::ErrorCode;
use meta_secret_tests::{admit, block_on, error_code, parse_ok, signed_request, Net};

const NOW: u64 = 1_790_000_000_000;

fn keys(name: &str) -> DeviceKeys {
    DeviceKeys::generate(name, DeviceKind::Desktop).unwrap()
}

fn vault() -> VaultName {
    VaultName::parse("bounded").unwrap()
}

fn push(app: &ServerApp<MemoryStore>, keys: &DeviceKeys, events: Vec<SignedEvent>) -> TransportResponse {
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: events, limit: None }).unwrap();
    block_on(app.handle(&signed_request(keys, "bounded", body, NOW), NOW))
}

fn outcome(response: &TransportResponse) -> PushOutcome {
    parse_ok(response).results[0].outcome.clone()
}

fn created(owner: &DeviceKeys) -> SignedEvent {
    SignedEvent::sign(
        owner,
        &vault(),
        1,
        GenericKvLogEvent::VaultCreated {
            owner: owner.info().clone(),
            quorum: 2,
            receive_key: meta_secret_tests::receive_key(),
        },
    )
}

fn join(candidate: &DeviceKeys) -> SignedEvent {
    SignedEvent::sign(
        candidate,
        &vault(),
        1,
        GenericKvLogEvent::JoinRequested {
            kit_maker: None,
            invite: None,
            candidate: candidate.info().clone(),
            receive_key: meta_secret_tests::receive_key(),
        },
    )
}

#[test]
fn a_full_sync_of_big_commits_comes_in_pages_bounded_by_bytes() {
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "big", 1);
    let owner = &devices[0];
    let big = vec![7u8; 250_000];
    for i in 0..10 {
        block_on(owner.add_secret(&format!("big {i}"), &big, 1)).unwrap();
    }
    let head = net.head("big");
    let (mut cursor, mut pages, mut largest) = (Cursor::EMPTY, 0, 0);
    loop {
        let request = SyncRequest { cursor, push: vec![], limit: Some(MAX_PAGE) };
        let response = net.raw_sync(owner.gateway().keys(), "big", &request);
        largest = largest.max(response.body.len());
        assert!(response.body.len() <= MAX_PAGE_BYTES + MAX_BODY_BYTES, "page of {} bytes", response.body.len());
        let page = parse_ok(&response);
        pages += 1;
        cursor = page.commits.last().map_or(cursor, |c| c.cursor());
        if !page.more {
            break;
        }
    }
    assert_eq!(cursor, head, "the paged pull reached the head");
    assert!(pages >= 2, "a log of {} commits over 2 MiB came in {pages} page(s)", head.seq);
    assert!(largest > MAX_PAGE_BYTES / 2, "pages are filled, not one commit each ({largest} bytes)");

    // A new device's first sync completes the same way.
    let late = net.device("late");
    block_on(late.request_join("big")).unwrap();
    admit(&devices, &late);
    block_on(late.sync()).unwrap();
    assert_eq!(block_on(late.state()).unwrap().head, net.head("big"));
}

#[test]
fn a_full_vault_rejects_new_events_with_quota_exceeded_and_keeps_its_log() {
    let owner = keys("owner");
    let limits = VaultLimits { max_events: 2, max_log_bytes: u64::MAX, ..VaultLimits::default() };
    let store = MemoryStore::new();
    let app = ServerApp::with_limits(vault(), store.clone(), limits);
    assert!(matches!(outcome(&push(&app, &owner, vec![created(&owner)])), PushOutcome::Committed { seq: 1 }));
    let a = keys("a");
    assert!(matches!(outcome(&push(&app, &a, vec![join(&a)])), PushOutcome::Committed { seq: 2 }));
    let late = keys("late");
    let response = push(&app, &late, vec![join(&late)]);
    assert!(
        matches!(outcome(&response), PushOutcome::Rejected { code: ErrorCode::QuotaExceeded, .. }),
        "{:?}",
        outcome(&response)
    );
    assert_eq!(block_on(app.head()).unwrap().seq, 2);
    assert_eq!(ErrorCode::QuotaExceeded.http_status(), 413);

    // Bytes: the limit is the log's size so far, recorded next to the state and re-measured from
    // the log when the record is missing (a vault stored before it existed).
    let bytes_app = || {
        let used = block_on(store.read_after(0, meta_secret_core::store::Page::commits(10)))
            .unwrap()
            .iter()
            .map(|c| meta_secret_core::store::stored_size(c) as u64)
            .sum();
        ServerApp::with_limits(
            vault(),
            store.clone(),
            VaultLimits { max_events: 100, max_log_bytes: used, ..VaultLimits::default() },
        )
    };
    let reopened = bytes_app();
    let other = keys("other");
    let response = push(&reopened, &other, vec![join(&other)]);
    assert!(matches!(outcome(&response), PushOutcome::Rejected { code: ErrorCode::QuotaExceeded, .. }));
    let mut forget_usage = StoreBatch::default();
    forget_usage.delete("server/usage");
    block_on(store.write(forget_usage)).unwrap();
    let measured = bytes_app();
    let response = push(&measured, &other, vec![join(&other)]);
    assert!(matches!(outcome(&response), PushOutcome::Rejected { code: ErrorCode::QuotaExceeded, .. }));
    assert_eq!(block_on(measured.head()).unwrap().seq, 2);
    let roomy = ServerApp::with_limits(vault(), store, VaultLimits::default());
    assert!(matches!(outcome(&push(&roomy, &other, vec![join(&other)])), PushOutcome::Committed { seq: 3 }));
}

#[test]
fn a_device_holds_a_bounded_number_of_live_sockets() {
    use meta_secret_core::sync::live::MAX_LIVE_SOCKETS_PER_DEVICE;
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "sockets", 1);
    let owner = &devices[0];
    let mut open = Vec::new();
    for _ in 0..MAX_LIVE_SOCKETS_PER_DEVICE {
        open.push(block_on(net.server.connect_live(&block_on(owner.live_request()).unwrap())).unwrap());
    }
    let refused = block_on(net.server.connect_live(&block_on(owner.live_request()).unwrap()));
    assert_eq!(refused.err().map(|e| e.code), Some(ErrorCode::RateLimited));
    open.pop();
    assert!(block_on(net.server.connect_live(&block_on(owner.live_request()).unwrap())).is_ok());
}

#[test]
fn outsiders_share_one_bounded_replay_record() {
    let owner = keys("owner");
    let store = MemoryStore::new();
    let app = ServerApp::new(vault(), store.clone());
    parse_ok(&push(&app, &owner, vec![created(&owner)]));
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: None }).unwrap();
    let strangers: Vec<DeviceKeys> = (0..20).map(|i| keys(&format!("stranger {i}"))).collect();
    // The owner's first request (creating the vault) came from outside it, too.
    for i in 1..MAX_OUTSIDER_REQUESTS {
        let stranger = &strangers[i % strangers.len()];
        let response = block_on(app.handle(&signed_request(stranger, "bounded", body.clone(), NOW), NOW));
        assert_eq!(response.status, 200, "request {i}");
    }
    for stranger in &strangers {
        let own = block_on(store.kv_get(&format!("server/nonces/{}", stranger.id()))).unwrap();
        assert_eq!(own, None, "an outsider gets no record of its own");
    }
    let pool = block_on(store.kv_get("server/nonces-outsiders")).unwrap().unwrap();
    assert!(pool.len() <= MAX_OUTSIDER_REQUESTS * 24, "pool of {} bytes", pool.len());
    let one_more = block_on(app.handle(&signed_request(&strangers[0], "bounded", body.clone(), NOW), NOW));
    assert_eq!(error_code(&one_more, 429), "RATE_LIMITED");
    // Members are not starved by the flood.
    assert_eq!(block_on(app.handle(&signed_request(&owner, "bounded", body.clone(), NOW), NOW)).status, 200);
    // Once the clock window has passed, the pool drains.
    let later = NOW + 11 * 60 * 1000;
    assert_eq!(block_on(app.handle(&signed_request(&strangers[0], "bounded", body, later), later)).status, 200);
}

#[test]
fn event_times_are_range_checked_before_storage() {
    use meta_secret_core::sync::wire::MAX_CLOCK_SKEW_MS;
    let owner = keys("owner");
    let app = ServerApp::new(vault(), MemoryStore::new());
    let at = |time_ms: u64| {
        let event = GenericKvLogEvent::VaultCreated {
            owner: owner.info().clone(),
            quorum: 2,
            receive_key: meta_secret_tests::receive_key(),
        };
        SignedEvent::sign_at(&owner, &vault(), 1, Cursor::EMPTY, time_ms, event)
    };
    for time_ms in [NOW + MAX_CLOCK_SKEW_MS + 1, 1 << 53, u64::MAX] {
        assert_eq!(error_code(&push(&app, &owner, vec![at(time_ms)]), 400), "INVALID_INPUT", "time {time_ms}");
    }
    assert_eq!(block_on(app.head()).unwrap().seq, 0);
    assert!(matches!(outcome(&push(&app, &owner, vec![at(NOW)])), PushOutcome::Committed { seq: 1 }));
}

#[test]
fn a_push_writes_its_commits_and_the_state_snapshot_only_now_and_then() {
    use meta_secret_core::sync::server_limits::SNAPSHOT_EVERY_COMMITS;
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "snap", 1);
    let owner = &devices[0];
    let name = VaultName::parse("snap").unwrap();
    let store = net.server.app(&name).store().clone();
    let snapshot_seq = || {
        block_on(store.kv_get("server/state"))
            .unwrap()
            .map(|bytes| serde_json::from_slice::<meta_secret_core::vault::VaultState>(&bytes).unwrap().head.seq)
    };
    for i in 0..SNAPSHOT_EVERY_COMMITS + 6 {
        block_on(owner.add_secret(&format!("s{i}"), b"v", 1)).unwrap();
        let head = net.head("snap").seq;
        let stored = snapshot_seq().unwrap_or(0);
        assert!(head - stored < SNAPSHOT_EVERY_COMMITS, "snapshot at {stored}, head {head}");
    }
    assert_eq!(snapshot_seq(), Some(SNAPSHOT_EVERY_COMMITS), "written once, when due");

    // A restarted server folds the commits since the snapshot and carries on.
    let restarted = ServerApp::new(name, store);
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: Some(1) }).unwrap();
    let request = signed_request(owner.gateway().keys(), "snap", body, net.clock_now());
    let response = parse_ok(&block_on(restarted.handle(&request, net.clock_now())));
    assert_eq!(response.head, Some(net.head("snap")));
}

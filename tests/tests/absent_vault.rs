//! A vault name that has no vault costs no storage: signed reads, status reads, live handshakes
//! and refused pushes from any key are answered without writing anything. Their requests stay
//! spent once the vault exists: the same server instance remembers their nonces and stores them
//! with the genesis, and after a restart a device's requests stamped before the request that
//! brought its keys into the vault (its genesis or its join request) are refused.

use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::wire::{live_path, status_path, RequestAuth, SyncRequest};
use meta_secret_core::sync::{ServerApp, TransportRequest, TransportResponse};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::{block_on, error_code, parse_ok, signed_request};

const NOW: u64 = 1_790_000_000_000;

fn keys(name: &str) -> DeviceKeys {
    DeviceKeys::generate(name, DeviceKind::Desktop).unwrap()
}

fn v() -> VaultName {
    VaultName::parse("absent").unwrap()
}

fn sync(keys: &DeviceKeys, push: Vec<SignedEvent>, at: u64) -> TransportRequest {
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push, limit: None }).unwrap();
    signed_request(keys, "absent", body, at)
}

fn get(keys: &DeviceKeys, path: String, at: u64) -> TransportRequest {
    let auth = RequestAuth::sign(keys, "GET", &path, at, b"");
    TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() }
}

/// Answers a sync, or a status read as the worker routes it.
fn send(app: &ServerApp<MemoryStore>, request: &TransportRequest, at: u64) -> TransportResponse {
    if request.method == "POST" {
        return block_on(app.handle(request, at));
    }
    match block_on(app.usage_report(request, at)) {
        Ok(usage) => TransportResponse { status: 200, body: serde_json::to_vec(&usage).unwrap() },
        Err(error) => TransportResponse { status: error.status(), body: error.to_json() },
    }
}

fn created(owner: &DeviceKeys) -> SignedEvent {
    SignedEvent::sign(
        owner,
        &v(),
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
        &v(),
        1,
        GenericKvLogEvent::JoinRequested {
            kit_maker: None,
            invite: None,
            candidate: candidate.info().clone(),
            receive_key: meta_secret_tests::receive_key(),
        },
    )
}

fn stored(store: &MemoryStore) -> Vec<u8> {
    store.dump().unwrap()
}

#[test]
fn signed_requests_to_a_name_without_a_vault_write_nothing() {
    let store = MemoryStore::new();
    let app = ServerApp::new(v(), store.clone());
    let empty = stored(&store);
    for i in 0..50u64 {
        let stranger = keys(&format!("stranger {i}"));
        let at = NOW + i * 10;
        let read = parse_ok(&send(&app, &sync(&stranger, vec![], at), at));
        assert_eq!(read.status, MembershipStatus::NoVault);
        // A join request to a vault that does not exist is refused; so is any other event.
        assert_eq!(error_code(&send(&app, &sync(&stranger, vec![join(&stranger)], at + 1), at + 1), 404), "NO_VAULT");
        let left = SignedEvent::sign(&stranger, &v(), 2, GenericKvLogEvent::DeviceLeft);
        assert!(send(&app, &sync(&stranger, vec![left], at + 2), at + 2).status >= 400);
        assert_eq!(error_code(&send(&app, &get(&stranger, status_path(&v()), at + 3), at + 3), 403), "NOT_MEMBER");
        let live = block_on(app.authorize_live(&get(&stranger, live_path(&v()), at + 4), at + 4, |_| 0));
        assert_eq!(live.err().map(|e| e.code.as_str()), Some("NOT_MEMBER"));
        let malformed = signed_request(&stranger, "absent", b"{".to_vec(), at + 5);
        assert_eq!(error_code(&send(&app, &malformed, at + 5), 400), "MALFORMED");
        assert_eq!(stored(&store), empty, "request {i} wrote to the store");
    }
}

#[test]
fn requests_answered_before_the_vault_existed_stay_spent_on_the_same_server() {
    let store = MemoryStore::new();
    let app = ServerApp::new(v(), store.clone());
    let (owner, stranger) = (keys("owner"), keys("stranger"));
    let probe = sync(&owner, vec![], NOW);
    let other = sync(&stranger, vec![], NOW + 1);
    let early_join = sync(&stranger, vec![join(&stranger)], NOW + 2);
    for request in [&probe, &other, &early_join] {
        assert!(matches!(send(&app, request, NOW + 3).status, 200 | 404));
        assert_eq!(error_code(&send(&app, request, NOW + 3), 401), "REPLAYED", "a replay while absent");
    }
    assert_eq!(
        parse_ok(&send(&app, &sync(&owner, vec![created(&owner)], NOW + 10), NOW + 10)).status,
        MembershipStatus::Member
    );
    for request in [&probe, &other, &early_join] {
        assert_eq!(error_code(&send(&app, request, NOW + 20), 401), "REPLAYED");
    }
    assert_eq!(block_on(app.head()).unwrap().seq, 1, "the early join was not committed");
}

#[test]
fn after_a_restart_requests_signed_before_a_device_entered_the_vault_are_refused() {
    let store = MemoryStore::new();
    let before = ServerApp::new(v(), store.clone());
    let (owner, joiner) = (keys("owner"), keys("joiner"));
    let owner_probe = sync(&owner, vec![], NOW);
    let joiner_probe = sync(&joiner, vec![], NOW + 1);
    let joiner_status = get(&joiner, status_path(&v()), NOW + 2);
    assert_eq!(send(&before, &owner_probe, NOW + 2).status, 200);
    assert_eq!(send(&before, &joiner_probe, NOW + 2).status, 200);
    assert_eq!(send(&before, &joiner_status, NOW + 2).status, 403);

    // The Durable Object restarts (its memory is gone); the vault is created and the joiner let in.
    let after = ServerApp::new(v(), store.clone());
    let at = NOW + 60_000;
    parse_ok(&send(&after, &sync(&owner, vec![created(&owner)], at), at));
    parse_ok(&send(&after, &sync(&joiner, vec![join(&joiner)], at + 10), at + 10));
    let accept = SignedEvent::sign(
        &owner,
        &v(),
        2,
        GenericKvLogEvent::JoinApproved { device: joiner.id().clone(), dealings: Vec::new() },
    );
    parse_ok(&send(&after, &sync(&owner, vec![accept], at + 20), at + 20));

    // Both are members now; what they signed before entering does not pass (it would read the log).
    assert_eq!(error_code(&send(&after, &owner_probe, at + 30), 401), "REPLAYED");
    assert_eq!(error_code(&send(&after, &joiner_probe, at + 30), 401), "REPLAYED");
    assert_eq!(error_code(&send(&after, &joiner_status, at + 30), 401), "REPLAYED");
    // What they sign now passes.
    assert_eq!(parse_ok(&send(&after, &sync(&owner, vec![], at + 40), at + 40)).commits.len(), 3);
    assert_eq!(parse_ok(&send(&after, &sync(&joiner, vec![], at + 41), at + 41)).commits.len(), 3);
    assert_eq!(send(&after, &get(&joiner, status_path(&v()), at + 42), at + 42).status, 200);
}

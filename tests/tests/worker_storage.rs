//! Storage per vault name against the real worker: signed requests for names that have no vault
//! (reads, join requests, status reads, live handshakes, each from a fresh key) leave no table
//! of ours behind; a genesis does.

use meta_secret_core::clock::Clock;
use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::sync::wire::{SyncRequest, SyncResponse};
use meta_secret_core::sync::{TransportRequest, TransportResponse};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
use meta_secret_tests::{signed_request, SystemClock};

fn stamp() -> u64 {
    SystemClock.now_ms()
}

fn push(events: Vec<SignedEvent>) -> SyncRequest {
    SyncRequest { cursor: Cursor::EMPTY, push: events, limit: None }
}

fn ok(response: &TransportResponse) -> SyncResponse {
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    serde_json::from_slice(&response.body).unwrap()
}

fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

/// The tables a vault name's Durable Object holds (test builds only: it reads, never writes).
fn tables_of(http: &HttpTransport, name: &str) -> Vec<String> {
    let request = TransportRequest {
        method: "GET".into(),
        path: format!("/__conformance/storage/{name}"),
        auth: None,
        body: vec![],
    };
    let response = http.send_blocking(&request).expect("HTTP");
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    let report: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
    report["tables"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect()
}

/// Signed reads of 50 fresh names, each by a fresh key (syncs, join requests, status reads and
/// live handshakes), are answered `no_vault` / refused without the worker writing any storage:
/// no vault table, no nonce record. (wrangler dev's runtime, miniflare, records every object it
/// starts by name in a database of its own, `__miniflare_do_name`: those files are counted apart;
/// Cloudflare keeps nothing for an object that never writes.)
#[test]
fn signed_reads_of_fresh_names_leave_no_storage_behind() {
    use meta_secret_core::sync::wire::{live_path, status_path, RequestAuth};
    use meta_secret_tests::live_socket::LiveSocket;
    let persist = temp_dir("no-storage-signed");
    let dev = WranglerDev::start(&persist);
    let http = HttpTransport::new(&dev.url());
    let before = files_under(&persist);
    let names: Vec<String> = (0..50).map(|i| format!("fresh-signed-{i}-{}", SystemClock.now_ms())).collect();
    let get = |keys: &DeviceKeys, path: String| {
        let auth = RequestAuth::sign(keys, "GET", &path, stamp(), b"");
        TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() }
    };
    for (i, name) in names.iter().enumerate() {
        let keys = DeviceKeys::generate("stranger", DeviceKind::Desktop).unwrap();
        let vault = VaultName::parse(name).unwrap();
        let read =
            http.send_blocking(&signed_request(&keys, name, serde_json::to_vec(&push(vec![])).unwrap(), stamp()));
        assert_eq!(ok(&read.expect("HTTP")).status, MembershipStatus::NoVault, "{name}");
        let (status, code) = match i % 4 {
            0 => (200, None),
            1 => {
                let join = SignedEvent::sign(
                    &keys,
                    &vault,
                    1,
                    GenericKvLogEvent::JoinRequested {
                        kit_maker: None,
                        invite: None,
                        candidate: keys.info().clone(),
                        receive_key: meta_secret_tests::receive_key(),
                    },
                );
                let body = serde_json::to_vec(&push(vec![join])).unwrap();
                let response = http.send_blocking(&signed_request(&keys, name, body, stamp())).expect("HTTP");
                (response.status, serde_json::from_slice::<serde_json::Value>(&response.body).ok())
            }
            2 => {
                let response = http.send_blocking(&get(&keys, status_path(&vault))).expect("HTTP");
                (response.status, serde_json::from_slice::<serde_json::Value>(&response.body).ok())
            }
            _ => {
                let refusal = LiveSocket::connect(&dev.url(), &get(&keys, live_path(&vault))).err().expect("refused");
                (refusal.status, serde_json::from_str::<serde_json::Value>(&refusal.body).ok())
            }
        };
        let expected = [(200, ""), (404, "NO_VAULT"), (403, "NOT_MEMBER"), (403, "NOT_MEMBER")][i % 4];
        assert_eq!(status, expected.0, "{name}: {code:?}");
        if let Some(code) = code.filter(|_| status != 200) {
            assert_eq!(code["code"], expected.1, "{name}");
        }
    }
    let after = files_under(&persist);
    println!("50 fresh names read with signed requests: {before} → {after} files");
    for name in &names {
        let tables = tables_of(&http, name);
        assert!(
            tables.iter().all(|t| t.starts_with("__miniflare") || t.starts_with("_cf_")),
            "{name} holds {tables:?}"
        );
    }
    // At most miniflare's own record of each object (a database and its -wal and -shm files).
    assert!(after - before <= 3 * names.len(), "{before} → {after} files");

    // The check can fail: a vault created at one of the names has its tables.
    let owner = DeviceKeys::generate("owner", DeviceKind::Desktop).unwrap();
    let vault = VaultName::parse(&names[0]).unwrap();
    let genesis = SignedEvent::sign(
        &owner,
        &vault,
        1,
        GenericKvLogEvent::VaultCreated {
            owner: owner.info().clone(),
            quorum: 2,
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    let body = serde_json::to_vec(&push(vec![genesis])).unwrap();
    ok(&http.send_blocking(&signed_request(&owner, &names[0], body, stamp())).expect("HTTP"));
    let tables = tables_of(&http, &names[0]);
    assert!(["commits", "kv", "meta"].iter().all(|t| tables.iter().any(|have| have == t)), "{tables:?}");
}

//! A signed request is spent once, even when it is refused, and only that request: a device's own
//! concurrent requests (a sync racing a live handshake) all pass.

use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::sync::wire::SyncRequest;
use meta_secret_core::ErrorCode;
use meta_secret_tests::{admit, block_on, error_code, parse_ok, signed_request, Net};

#[test]
fn a_sync_racing_a_live_handshake_from_one_device_never_refuses_either() {
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "race", 2);
    let b = &devices[1];
    let vault = VaultName::parse("race").unwrap();
    for trial in 0..100 {
        // The handshake is signed first, the sync a moment later, and the sync arrives first.
        let handshake = block_on(b.live_request()).unwrap();
        let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: Some(1) }).unwrap();
        let stamp = handshake.auth.as_ref().unwrap().timestamp_ms + (trial % 3);
        let sync = signed_request(b.gateway().keys(), vault.as_str(), body, stamp);
        parse_ok(&block_on(net.server.handle(&sync)));
        assert!(block_on(net.server.connect_live(&handshake)).is_ok(), "trial {trial}: handshake refused");
    }
}

#[test]
fn a_refused_request_is_spent_and_cannot_be_replayed_after_the_sender_is_accepted() {
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "spent", 2);
    let late = net.device("late");
    block_on(late.request_join("spent")).unwrap();
    let keys = late.gateway().keys();
    let vault = VaultName::parse("spent").unwrap();

    // Refused now (not a member): a member-only event.
    let event = SignedEvent::sign(keys, &vault, 5, GenericKvLogEvent::DeviceLeft);
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![event], limit: None }).unwrap();
    let request = signed_request(keys, "spent", body, net.clock_now());
    assert_eq!(error_code(&block_on(net.server.handle(&request)), 403), "NOT_MEMBER");
    // So is its live handshake.
    let handshake = block_on(late.live_request()).unwrap();
    assert_eq!(block_on(net.server.connect_live(&handshake)).err().map(|e| e.code), Some(ErrorCode::NotMember));

    admit(&devices, &late);
    let head = net.head("spent");
    assert_eq!(error_code(&block_on(net.server.handle(&request)), 401), "REPLAYED");
    assert_eq!(net.head("spent"), head, "the replayed event was not committed");
    assert_eq!(block_on(net.server.connect_live(&handshake)).err().map(|e| e.code), Some(ErrorCode::Replayed));
    // Fresh requests from the same device pass.
    assert!(block_on(net.server.connect_live(&block_on(late.live_request()).unwrap())).is_ok());
    block_on(late.sync()).unwrap();
}

#[test]
fn timestamps_are_plain_digits() {
    use meta_secret_core::identity::{DeviceKeys, DeviceKind};
    use meta_secret_core::sync::wire::{RequestAuth, HEADER_TIMESTAMP};
    let keys = DeviceKeys::generate("d", DeviceKind::Desktop).unwrap();
    let auth = RequestAuth::sign(&keys, "POST", "/v1/vaults/v/sync", 1_790_000_000_000, b"");
    let headers = auth.headers();
    for bad in ["+1790000000000", " 1790000000000", "1790000000000 ", "", "0x1", "-1", "17900000000000000000"] {
        let parsed = RequestAuth::from_headers(|name| {
            if name == HEADER_TIMESTAMP {
                Some(bad)
            } else {
                headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
            }
        });
        assert_eq!(parsed.err().map(|e| e.code), Some(ErrorCode::BadSignature), "{bad:?}");
    }
    let parsed = RequestAuth::from_headers(|name| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str()));
    assert_eq!(parsed.unwrap(), auth);
}

fn pull_request(
    keys: &meta_secret_core::identity::DeviceKeys,
    vault: &str,
    at: u64,
) -> meta_secret_core::sync::TransportRequest {
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: Some(1) }).unwrap();
    signed_request(keys, vault, body, at)
}

#[test]
fn a_device_over_its_request_budget_recovers_once_it_slows_down() {
    use meta_secret_core::sync::server_limits::MAX_REQUESTS_PER_SLACK;
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "budget", 1);
    let keys = devices[0].gateway().keys();
    let now = net.clock_now();
    // Setting the vault up used a few requests; the budget runs out within one more slack's worth.
    let limited = (0..=MAX_REQUESTS_PER_SLACK)
        .map(|i| block_on(net.server.handle(&pull_request(keys, "budget", now + (i % 2) as u64))).status)
        .position(|status| status == 429);
    assert!(limited.is_some_and(|i| i > MAX_REQUESTS_PER_SLACK - 20), "limited at {limited:?}");
    assert_eq!(error_code(&block_on(net.server.handle(&pull_request(keys, "budget", now))), 429), "RATE_LIMITED");
    net.clock.advance(31_000);
    parse_ok(&block_on(net.server.handle(&pull_request(keys, "budget", net.clock_now()))));
    parse_ok(&block_on(net.server.handle(&pull_request(keys, "budget", net.clock_now()))));
}

#[test]
fn a_request_stays_spent_after_its_sender_leaves_the_vault() {
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "leaving", 2);
    let keys = devices[1].gateway().keys();
    let early = pull_request(keys, "leaving", net.clock_now());
    parse_ok(&block_on(net.server.handle(&early)));
    net.clock.advance(40_000);
    block_on(devices[1].sync()).unwrap(); // a newer request: the early nonce ages out of the record
    block_on(devices[1].leave()).unwrap();
    net.clock.advance(1_000);
    // Still inside the clock window; the device is an outsider now. The bytes must not pass again.
    assert_eq!(error_code(&block_on(net.server.handle(&early)), 401), "REPLAYED");
}

/// A device whose clock once ran minutes ahead (still inside the server's window) is not locked
/// out once its clock is right again, while every request it sent stays spent.
#[test]
fn a_clock_that_jumped_ahead_does_not_lock_the_device_out_once_it_is_right_again() {
    use meta_secret_core::sync::server_limits::REORDER_SLACK_MS;
    use meta_secret_core::sync::wire::MAX_CLOCK_SKEW_MS;
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "jump", 2);
    let keys = devices[1].gateway().keys();
    let ahead = net.clock_now() + MAX_CLOCK_SKEW_MS - 60_000; // four minutes ahead
    let early = pull_request(keys, "jump", ahead);
    parse_ok(&block_on(net.server.handle(&early)));

    // The clock is right again: its requests pass, now and for the next minutes.
    for _ in 0..5 {
        let request = pull_request(keys, "jump", net.clock_now());
        parse_ok(&block_on(net.server.handle(&request)));
        assert_eq!(error_code(&block_on(net.server.handle(&request)), 401), "REPLAYED", "a replay of it");
        net.clock.advance(50_000);
    }
    assert!(block_on(net.server.connect_live(&block_on(devices[1].live_request()).unwrap())).is_ok());
    block_on(devices[1].sync()).unwrap();

    // The request from the future stays spent for as long as the window would take it.
    assert_eq!(error_code(&block_on(net.server.handle(&early)), 401), "REPLAYED");
    net.clock.set(ahead + MAX_CLOCK_SKEW_MS - 1_000);
    assert_eq!(error_code(&block_on(net.server.handle(&early)), 401), "REPLAYED");

    // Requests more than the reorder slack older than the device's newest are still refused.
    let now = net.clock_now();
    parse_ok(&block_on(net.server.handle(&pull_request(keys, "jump", now))));
    let old = pull_request(keys, "jump", now - REORDER_SLACK_MS - 1_000);
    assert_eq!(error_code(&block_on(net.server.handle(&old)), 401), "REPLAYED");
    block_on(devices[1].sync()).unwrap();
}

/// Random stamps (right, behind, minutes ahead), random gaps and random replays of earlier
/// requests: no request ever passes twice, and a request stamped by a right clock always passes.
#[test]
fn no_request_passes_twice_and_a_right_clock_always_passes_whatever_the_stamps() {
    use meta_secret_core::sync::wire::MAX_CLOCK_SKEW_MS;
    use rand::{Rng, SeedableRng};
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "shuffled", 2);
    let keys = devices[1].gateway().keys();
    // "Right" stamps below trail the clock by up to 20 s: start once the device's join request
    // (before which its requests are refused) is further back than that.
    net.clock.advance(meta_secret_core::sync::server_limits::REORDER_SLACK_MS);
    let mut rng = rand::rngs::StdRng::seed_from_u64(25);
    let mut sent = Vec::new();
    let (mut passed, mut replays) = (0, 0);
    for step in 0..1_500 {
        net.clock.advance(rng.gen_range(0..3_000));
        if !sent.is_empty() && rng.gen_bool(0.3) {
            let request: &meta_secret_core::sync::TransportRequest = &sent[rng.gen_range(0..sent.len())];
            let response = block_on(net.server.handle(request));
            assert_ne!(response.status, 200, "step {step}: a replay passed");
            replays += 1;
            continue;
        }
        let now = net.clock_now();
        let (stamp, right) = match rng.gen_range(0..10) {
            0 => (now + rng.gen_range(60_000..MAX_CLOCK_SKEW_MS), false), // a clock minutes ahead
            1 => (now - rng.gen_range(31_000..MAX_CLOCK_SKEW_MS), false), // minutes behind
            _ => (now - rng.gen_range(0..20_000), true),                  // right, some latency
        };
        let request = pull_request(keys, "shuffled", stamp);
        let response = block_on(net.server.handle(&request));
        if right {
            assert_eq!(response.status, 200, "step {step}: {}", String::from_utf8_lossy(&response.body));
        }
        passed += usize::from(response.status == 200);
        sent.push(request);
    }
    println!("{passed} requests passed, {replays} replays refused");
    assert!(passed > 900 && replays > 300, "{passed} passed, {replays} replays");
}

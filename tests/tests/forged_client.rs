//! Devices that cheat: each attempt gets the right status and code and leaves the log unchanged.

use meta_secret_core::encoding::{Bytes, Hash32};
use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::sync::wire::{PushOutcome, SyncRequest, MAX_CLOCK_SKEW_MS};
use meta_secret_core::sync::TransportRequest;
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::{block_on, error_code, parse_ok, signed_request, Net};

struct Vault {
    net: Net,
    owner: DeviceKeys,
    member: DeviceKeys,
    outsider: DeviceKeys,
}

fn v() -> VaultName {
    VaultName::parse("v").unwrap()
}

fn keys(name: &str) -> DeviceKeys {
    DeviceKeys::generate(name, DeviceKind::Desktop).unwrap()
}

fn push(events: Vec<SignedEvent>) -> SyncRequest {
    SyncRequest { cursor: Cursor::EMPTY, push: events, limit: None }
}

/// A vault built with raw requests: owner created it, member joined and was accepted.
fn vault() -> Vault {
    let net = Net::new();
    let (owner, member, outsider) = (keys("owner"), keys("member"), keys("outsider"));
    let created = SignedEvent::sign(
        &owner,
        &v(),
        1,
        GenericKvLogEvent::VaultCreated {
            owner: owner.info().clone(),
            quorum: 2,
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    parse_ok(&net.raw_sync(&owner, "v", &push(vec![created])));
    let join = SignedEvent::sign(
        &member,
        &v(),
        1,
        GenericKvLogEvent::JoinRequested {
            kit_maker: None,
            invite: None,
            candidate: member.info().clone(),
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    parse_ok(&net.raw_sync(&member, "v", &push(vec![join])));
    let accept = SignedEvent::sign(
        &owner,
        &v(),
        2,
        GenericKvLogEvent::JoinApproved { device: member.id().clone(), dealings: Vec::new() },
    );
    let response = parse_ok(&net.raw_sync(&owner, "v", &push(vec![accept])));
    assert!(matches!(response.results[0].outcome, PushOutcome::Committed { seq: 3 }));
    Vault { net, owner, member, outsider }
}

/// Runs `attempt` and checks it changed nothing on the server.
fn unchanged<R>(vault: &Vault, attempt: impl FnOnce() -> R) -> R {
    let before = vault.net.head("v");
    let result = attempt();
    assert_eq!(vault.net.head("v"), before, "the log changed");
    result
}

fn send(vault: &Vault, request: TransportRequest) -> meta_secret_core::sync::TransportResponse {
    block_on(vault.net.server.handle(&request))
}

#[test]
fn a_request_with_a_wrong_signature_is_refused() {
    let vault = vault();
    let left = SignedEvent::sign(&vault.member, &v(), 2, GenericKvLogEvent::DeviceLeft);
    let body = serde_json::to_vec(&push(vec![left])).unwrap();
    let mut request = signed_request(&vault.member, "v", body, vault.net.clock_now());
    request.body.push(b' ');
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 401)), "BAD_SIGNATURE");
}

#[test]
fn an_unsigned_request_is_refused() {
    let vault = vault();
    let mut request = signed_request(&vault.member, "v", b"{\"cursor\":{\"seq\":0}}".to_vec(), vault.net.clock_now());
    request.auth = None;
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 401)), "BAD_SIGNATURE");
}

#[test]
fn an_event_with_a_wrong_signature_is_refused() {
    let vault = vault();
    let mut left = SignedEvent::sign(&vault.member, &v(), 2, GenericKvLogEvent::DeviceLeft);
    left.signature = Bytes(vec![0; 64]);
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.member, "v", &push(vec![left])));
    assert_eq!(error_code(&response, 401), "BAD_SIGNATURE");
}

#[test]
fn an_outsider_cannot_push_anything_but_its_own_join_request() {
    let vault = vault();
    let outsider = &vault.outsider;
    for (seq, event) in [
        (1, GenericKvLogEvent::JoinApproved { device: outsider.id().clone(), dealings: Vec::new() }),
        (1, GenericKvLogEvent::DeviceLeft),
        (1, GenericKvLogEvent::RemovalApproved { device: vault.member.id().clone() }),
    ] {
        let event = SignedEvent::sign(outsider, &v(), seq, event);
        let response = unchanged(&vault, || vault.net.raw_sync(outsider, "v", &push(vec![event])));
        assert_eq!(error_code(&response, 403), "NOT_MEMBER");
    }
}

#[test]
fn an_event_under_another_devices_id_is_refused() {
    let vault = vault();
    // A genuine, validly signed event of the owner, pushed by the member.
    let owners = SignedEvent::sign(
        &vault.owner,
        &v(),
        3,
        GenericKvLogEvent::RemovalApproved { device: vault.member.id().clone() },
    );
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.member, "v", &push(vec![owners])));
    assert_eq!(error_code(&response, 403), "IMPERSONATION");
    // A join request that introduces someone else's keys.
    let mut join = SignedEvent::sign(
        &vault.outsider,
        &v(),
        1,
        GenericKvLogEvent::JoinRequested {
            kit_maker: None,
            invite: None,
            candidate: vault.member.info().clone(),
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    join.author = vault.outsider.id().clone();
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.outsider, "v", &push(vec![join])));
    assert_eq!(error_code(&response, 403), "IMPERSONATION");
}

#[test]
fn a_replayed_request_is_refused() {
    let vault = vault();
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: None }).unwrap();
    let request = signed_request(&vault.member, "v", body, vault.net.clock_now());
    parse_ok(&send(&vault, request.clone()));
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 401)), "REPLAYED");
}

#[test]
fn stale_and_future_timestamps_are_refused() {
    let vault = vault();
    let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push: vec![], limit: None }).unwrap();
    let now = vault.net.clock_now();
    for timestamp in [now - MAX_CLOCK_SKEW_MS - 1_000, now + MAX_CLOCK_SKEW_MS + 1_000] {
        let request = signed_request(&vault.member, "v", body.clone(), timestamp);
        assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 401)), "STALE_REQUEST");
    }
}

#[test]
fn a_non_member_reads_nothing_but_its_own_status() {
    let vault = vault();
    let response = parse_ok(&vault.net.raw_sync(&vault.outsider, "v", &push(vec![])));
    assert_eq!(response.status, MembershipStatus::NotMember);
    assert!(response.commits.is_empty());
    assert_eq!(response.head, None);
    let member_view = parse_ok(&vault.net.raw_sync(&vault.member, "v", &push(vec![])));
    assert_eq!(member_view.commits.len(), 3, "members do read the log");
}

#[test]
fn an_event_for_another_vault_is_refused() {
    let vault = vault();
    let other = VaultName::parse("other").unwrap();
    let left = SignedEvent::sign(&vault.member, &other, 2, GenericKvLogEvent::DeviceLeft);
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.member, "v", &push(vec![left])));
    assert_eq!(error_code(&response, 400), "WRONG_VAULT");
}

#[test]
fn malformed_bodies_are_refused() {
    let vault = vault();
    for body in
        [&b"not json"[..], b"{\"cursor\":", b"{\"cursor\":{\"seq\":0,\"hash\":\"zz\"}}", b"{\"unknown\":1}", b"[]", b""]
    {
        let request = signed_request(&vault.member, "v", body.to_vec(), vault.net.clock_now());
        assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 400)), "MALFORMED", "{body:?}");
    }
}

#[test]
fn a_cursor_from_another_history_is_refused() {
    let vault = vault();
    let request = SyncRequest { cursor: Cursor { seq: 2, hash: Hash32([5; 32]) }, push: vec![], limit: None };
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.member, "v", &request));
    assert_eq!(error_code(&response, 409), "CURSOR_MISMATCH");
    let ahead = SyncRequest { cursor: Cursor { seq: 40, hash: Hash32([5; 32]) }, push: vec![], limit: None };
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.member, "v", &ahead));
    assert_eq!(error_code(&response, 409), "CURSOR_MISMATCH");
}

#[test]
fn reusing_an_author_seq_for_a_different_event_is_a_conflict() {
    let vault = vault();
    // The owner's author_seq 2 is its accept; a different event under the same number conflicts.
    let other =
        SignedEvent::sign(&vault.owner, &v(), 2, GenericKvLogEvent::JoinDeclined { device: vault.member.id().clone() });
    let response = parse_ok(&unchanged(&vault, || vault.net.raw_sync(&vault.owner, "v", &push(vec![other]))));
    assert!(
        matches!(&response.results[0].outcome, PushOutcome::Rejected { code, .. } if code.as_str() == "CONFLICT"),
        "{response:?}"
    );
}

#[test]
fn an_author_seq_beyond_2_pow_53_is_refused_before_storage() {
    let vault = vault();
    let outsider = &vault.outsider;
    for seq in [1u64 << 53, u64::MAX, 0] {
        let join = SignedEvent::sign(
            outsider,
            &v(),
            seq,
            GenericKvLogEvent::JoinRequested {
                kit_maker: None,
                invite: None,
                candidate: outsider.info().clone(),
                receive_key: meta_secret_tests::receive_key(),
            },
        );
        vault.net.clock.advance(10);
        let response = unchanged(&vault, || vault.net.raw_sync(outsider, "v", &push(vec![join])));
        assert_eq!(error_code(&response, 400), "INVALID_INPUT", "author_seq {seq}");
    }
    // The next honest request works without a reload.
    let join = SignedEvent::sign(
        outsider,
        &v(),
        1,
        GenericKvLogEvent::JoinRequested {
            kit_maker: None,
            invite: None,
            candidate: outsider.info().clone(),
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    vault.net.clock.advance(10);
    parse_ok(&vault.net.raw_sync(outsider, "v", &push(vec![join])));
}

#[test]
fn oversized_bodies_wrong_methods_and_unknown_routes_are_refused() {
    let vault = vault();
    let big = vec![b' '; 2 * 1024 * 1024];
    let request = signed_request(&vault.member, "v", big, vault.net.clock_now());
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 413)), "TOO_LARGE");

    let mut request = signed_request(&vault.member, "v", b"{}".to_vec(), vault.net.clock_now());
    request.method = "GET".into();
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request.clone()), 405)), "METHOD_NOT_ALLOWED");
    request.method = "POST".into();
    request.path = "/v1/vaults/v/steal".into();
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request.clone()), 404)), "NOT_FOUND");
    request.path = format!("/v1/vaults/{}/sync", "x".repeat(65));
    assert_eq!(unchanged(&vault, || error_code(&send(&vault, request), 400)), "INVALID_INPUT");
}

/// Apart from a join request (whose answer the join flow needs), an outsider's refused push and
/// live handshake get the same answer whether or not the vault exists.
#[test]
fn outsiders_learn_nothing_about_existence_from_refused_pushes_or_live() {
    let net = Net::new();
    let owner = keys("owner");
    let created = SignedEvent::sign(
        &owner,
        &v(),
        1,
        GenericKvLogEvent::VaultCreated {
            owner: owner.info().clone(),
            quorum: 2,
            receive_key: meta_secret_tests::receive_key(),
        },
    );
    parse_ok(&net.raw_sync(&owner, "v", &push(vec![created])));
    let outsider = keys("outsider");
    for vault in ["v", "nowhere"] {
        let name = VaultName::parse(vault).unwrap();
        for event in [
            GenericKvLogEvent::DeviceLeft,
            GenericKvLogEvent::RemovalApproved { device: owner.id().clone() },
            GenericKvLogEvent::JoinApproved { device: outsider.id().clone(), dealings: Vec::new() },
        ] {
            let signed = SignedEvent::sign(&outsider, &name, 1, event);
            assert_eq!(error_code(&net.raw_sync(&outsider, vault, &push(vec![signed])), 403), "NOT_MEMBER", "{vault}");
        }
        let path = meta_secret_core::sync::wire::live_path(&name);
        let auth = meta_secret_core::sync::wire::RequestAuth::sign(&outsider, "GET", &path, net.clock_now(), b"");
        let live = TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() };
        let refused = block_on(net.server.connect_live(&live)).err().map(|e| e.code.as_str());
        assert_eq!(refused, Some("NOT_MEMBER"), "{vault}");
    }
}

#[test]
fn a_request_refused_after_a_valid_event_leaves_no_trace_of_it() {
    let vault = vault();
    let vote = SignedEvent::sign(
        &vault.member,
        &v(),
        2,
        GenericKvLogEvent::RemovalApproved { device: vault.owner.id().clone() },
    );
    let elsewhere =
        SignedEvent::sign(&vault.member, &VaultName::parse("other").unwrap(), 3, GenericKvLogEvent::DeviceLeft);
    let both = push(vec![vote.clone(), elsewhere]);
    let response = unchanged(&vault, || vault.net.raw_sync(&vault.member, "v", &both));
    assert_eq!(error_code(&response, 400), "WRONG_VAULT");
    // The server folds events into its cached state in place: the refused request's first event
    // must not linger there (it would make the same event look already used, or fork the head).
    vault.net.clock.advance(1_000);
    let alone = SyncRequest { cursor: vault.net.head("v"), push: vec![vote], limit: None };
    let response = parse_ok(&vault.net.raw_sync(&vault.member, "v", &alone));
    assert!(matches!(response.results[0].outcome, PushOutcome::Committed { seq: 4 }), "{:?}", response.results);
    assert_eq!(response.commits.len(), 1);
    assert_eq!(response.head, Some(vault.net.head("v")));
}

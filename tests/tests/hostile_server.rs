//! A server that lies: every device must detect it and refuse to advance.

use meta_secret_core::client::VaultClient;
use meta_secret_core::encoding::{Bytes, Hash32};
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::{Commit, Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::{LogStore, MemoryStore};
use meta_secret_core::sync::wire::{PushOutcome, SyncResponse};
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, Net, TamperingTransport};

struct Scene {
    net: Net,
    victim: VaultClient<MemoryStore, TamperingTransport>,
    victim_store: MemoryStore,
    hostile: TamperingTransport,
    head_before: Cursor,
}

/// a and b are members; b's server is hostile. Two honest commits wait for b to pull.
fn scene() -> Scene {
    let net = Net::new();
    let hostile = TamperingTransport::new(net.server.transport());
    let victim_store = MemoryStore::new();
    let a = net.device("a");
    let victim = net.device_with_store("b", hostile.clone(), victim_store.clone());
    let c = net.device("c");
    block_on(a.create_vault("v")).unwrap();
    block_on(victim.request_join("v")).unwrap();
    block_on(a.accept(&victim.device().id)).unwrap();
    block_on(victim.sync()).unwrap();
    let head_before = block_on(victim.state()).unwrap().head;
    // Created (with its first key generation: opened, dealt, acknowledged), asked, approved (the
    // approver acknowledging its own round), and the victim's acknowledgement of its share.
    assert_eq!(head_before.seq, 8);
    block_on(c.request_join("v")).unwrap();
    block_on(a.accept(&c.device().id)).unwrap();
    Scene { net, victim, victim_store, hostile, head_before }
}

fn assert_refused(scene: &Scene, what: &str, tamper: impl Fn(&mut SyncResponse) + Send + 'static) {
    scene.hostile.set(tamper);
    let err = block_on(scene.victim.sync()).expect_err(what);
    assert_eq!(err.code(), ErrorCode::HostileServer, "{what}: {err}");
    assert_eq!(block_on(scene.victim.state()).unwrap().head, scene.head_before, "{what}: state advanced");
    assert_eq!(block_on(scene.victim_store.head()).unwrap(), scene.head_before, "{what}: log advanced");
    scene.hostile.clear();
}

fn set_head_to_last(response: &mut SyncResponse) {
    response.head = response.commits.last().map(Commit::cursor);
}

fn vault() -> VaultName {
    VaultName::parse("v").unwrap()
}

#[test]
fn every_lie_is_detected_and_the_device_recovers_with_an_honest_server() {
    let scene = scene();
    let a_id = block_on(scene.victim.state()).unwrap().owner.clone().unwrap();
    let victim_id = scene.victim.device().id.clone();

    let forged_by_a = {
        let victim_id = victim_id.clone();
        move |response: &mut SyncResponse| {
            let event = SignedEvent {
                format: meta_secret_core::event::EVENT_FORMAT,
                seen: Cursor::EMPTY,
                time_ms: 0,
                vault: vault(),
                author: a_id.clone(),
                author_seq: 99,
                event: GenericKvLogEvent::RemovalApproved { device: victim_id.clone() },
                signature: Bytes(vec![7; 64]),
            };
            let last = response.commits.last().unwrap().cursor();
            response.commits.push(Commit::after(last, event));
            set_head_to_last(response);
        }
    };
    assert_refused(&scene, "unsigned event injected", forged_by_a);

    let outsider = DeviceKeys::generate("mallory", DeviceKind::Desktop).unwrap();
    assert_refused(&scene, "membership change forged by an outsider", move |response| {
        let event = SignedEvent::sign(
            &outsider,
            &vault(),
            1,
            GenericKvLogEvent::JoinApproved { device: outsider.id().clone(), dealings: Vec::new() },
        );
        let last = response.commits.last().unwrap().cursor();
        response.commits.push(Commit::after(last, event));
        set_head_to_last(response);
    });

    assert_refused(&scene, "commits reordered", |response| {
        response.commits.swap(0, 1);
    });

    assert_refused(&scene, "a commit dropped", |response| {
        response.commits.remove(0);
    });

    assert_refused(&scene, "history rewritten under the cursor", |response| {
        response.commits[0].prev_hash = Hash32([9; 32]);
    });

    assert_refused(&scene, "an old event replayed at a new seq", |response| {
        let replayed = response.commits[0].event.clone();
        let last = response.commits.last().unwrap().cursor();
        response.commits.push(Commit::after(last, replayed));
        set_head_to_last(response);
    });

    assert_refused(&scene, "head that does not follow from the commits", |response| {
        response.head = Some(Cursor { seq: 5, hash: Hash32([1; 32]) });
    });

    assert_refused(&scene, "rolled back to an earlier head", |response| {
        response.commits.clear();
        response.head = Some(Cursor { seq: 2, hash: Hash32([2; 32]) });
    });

    assert_refused(&scene, "seq numbers shifted", |response| {
        for commit in &mut response.commits {
            commit.seq += 1;
        }
    });

    // The same device, talking to an honest server again, catches up normally.
    let report = block_on(scene.victim.sync()).unwrap();
    assert_eq!(report.pulled, 2);
    assert_eq!(block_on(scene.victim.state()).unwrap().head, scene.net.head("v"));
}

#[test]
fn an_acknowledgement_pointing_at_another_commit_is_detected() {
    let scene = scene();
    let (d, e) = (scene.net.device("d"), scene.net.device("e"));
    block_on(d.request_join("v")).unwrap();
    block_on(scene.victim.sync()).unwrap();
    block_on(e.request_join("v")).unwrap();
    let decline = GenericKvLogEvent::JoinDeclined { device: d.device().id.clone() };
    block_on(scene.victim.gateway().enqueue(decline)).unwrap();
    // The response pulls e's request and then our decline; the server points our ack at e's commit.
    scene.hostile.set(|response| {
        let others = response.commits[0].seq;
        response.results[0].outcome = PushOutcome::Committed { seq: others };
    });
    let before = block_on(scene.victim.state()).unwrap().head;
    let err = block_on(scene.victim.sync()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::HostileServer, "{err}");
    assert_eq!(block_on(scene.victim.state()).unwrap().head, before);
    assert_eq!(block_on(scene.victim.gateway().outbox_len()), 1, "the event stays queued");
}

/// A server shows b an event a signed on another history (its cited head is not on b's log): b
/// detects the fork, keeps its state, and from then on refuses to sync, vote or approve.
#[test]
fn an_event_from_another_branch_reveals_the_fork_and_the_device_stops_acting() {
    let net = Net::new();
    let hostile = TamperingTransport::new(net.server.transport());
    let a = net.device("a");
    let b = net.device_with_store("b", hostile.clone(), MemoryStore::new());
    let c = net.device("c");
    block_on(a.create_vault("v")).unwrap();
    block_on(b.request_join("v")).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(c.request_join("v")).unwrap();
    block_on(a.sync()).unwrap();
    block_on(a.accept(&c.device().id)).unwrap();
    block_on(b.sync()).unwrap();
    block_on(b.accept(&c.device().id)).unwrap();
    let info = block_on(a.add_secret("bank", b"v", 2)).unwrap();
    for device in [&a, &c] {
        block_on(device.sync()).unwrap();
    }
    block_on(b.sync()).unwrap();
    let claim = block_on(c.request_recovery(&info.id)).unwrap();
    let fingerprints: Vec<String> = [&a, &c]
        .iter()
        .map(|d| {
            block_on(d.sync()).unwrap();
            block_on(d.log_fingerprint()).unwrap()
        })
        .collect();
    assert_eq!(fingerprints[0], fingerprints[1], "honest devices show the same fingerprint");

    // a's vote, signed while a was shown another history (a head b's log does not have).
    let state = block_on(a.state()).unwrap();
    let foreign = Cursor { seq: state.head.seq - 1, hash: Hash32([9; 32]) };
    let a_keys = a.gateway().keys();
    let seq = state.last_author_seq(a_keys.id()) + 50;
    let from_branch =
        SignedEvent::sign_seen(a_keys, &vault(), seq, foreign, GenericKvLogEvent::QuorumApproved { quorum: 3 });
    hostile.set(move |response| {
        let last = response.commits.last().map(Commit::cursor).or(response.head).unwrap();
        response.commits.push(Commit::after(last, from_branch.clone()));
        set_head_to_last(response);
    });
    let before = block_on(b.state()).unwrap().head;
    let err = block_on(b.sync()).expect_err("fork");
    assert_eq!(err.code(), ErrorCode::ForkDetected, "{err}");
    assert_eq!(block_on(b.state()).unwrap().head, before, "nothing from the forked view was applied");
    hostile.clear();
    assert!(block_on(b.fork_evidence()).unwrap().contains("not on this device's log"));
    // With the server honest again, b still refuses until a person resolves the fork.
    assert_eq!(block_on(b.sync()).unwrap_err().code(), ErrorCode::ForkDetected);
    assert_eq!(block_on(b.approve(&claim)).unwrap_err().code(), ErrorCode::ForkDetected, "no share sent");
    assert_eq!(block_on(b.remove_device(&c.device().id)).unwrap_err().code(), ErrorCode::ForkDetected);
}

/// The honest server refuses an event whose cited head is not on its log.
#[test]
fn the_server_refuses_an_event_citing_a_foreign_head() {
    let net = Net::new();
    let d = meta_secret_tests::vault_of(&net, "v", 2);
    let state = block_on(d[0].state()).unwrap();
    let foreign = Cursor { seq: 1, hash: Hash32([7; 32]) };
    let keys = d[0].gateway().keys();
    let event = SignedEvent::sign_seen(
        keys,
        &vault(),
        state.last_author_seq(keys.id()) + 1,
        foreign,
        GenericKvLogEvent::QuorumApproved { quorum: 3 },
    );
    let body = serde_json::to_vec(&meta_secret_core::sync::wire::SyncRequest {
        cursor: Cursor::EMPTY,
        push: vec![event],
        limit: None,
    })
    .unwrap();
    let response = block_on(net.server.handle(&meta_secret_tests::signed_request(keys, "v", body, net.clock_now())));
    let parsed = meta_secret_tests::parse_ok(&response);
    assert!(
        matches!(&parsed.results[0].outcome, PushOutcome::Rejected { code: ErrorCode::ForkDetected, .. }),
        "{parsed:?}"
    );
    assert_eq!(net.head("v"), state.head);
}

/// A server that freezes one device (keeps telling it the old head) goes unnoticed only until
/// an event signed by another device after the freeze began reaches it: that event's `seen`
/// proves the log was longer than the server had claimed. Meanwhile each member's newest event
/// time shows how stale the frozen view is.
#[test]
fn a_frozen_device_finds_out_when_another_devices_event_arrives() {
    let scene = scene();
    let net = &scene.net;
    // The scene left two commits for the victim: c's join request and a's vote for it, which a
    // signed having seen the join (past the victim's head).
    let frozen = scene.head_before;
    assert!(net.head("v").seq > frozen.seq);
    let before_freeze = net.clock_now();
    scene.hostile.set(move |response: &mut SyncResponse| {
        response.commits.clear();
        response.head = Some(frozen);
        response.more = false;
    });
    block_on(scene.victim.sync()).unwrap();
    assert_eq!(block_on(scene.victim.state()).unwrap().head, frozen, "the victim is frozen");
    assert!(block_on(scene.victim.withheld_evidence()).is_none());

    // Half an hour later the server still tells the victim the old head, as often as it asks;
    // the victim's view shows that it has heard nothing newer from anyone.
    net.clock.advance(30 * 60 * 1000);
    block_on(scene.victim.sync()).unwrap();
    let view = block_on(scene.victim.governance()).unwrap();
    assert!(!view.last_event_ms.is_empty(), "members' newest event times are shown");
    assert!(view.last_event_ms.iter().all(|(_, ms)| *ms <= before_freeze), "only old events in view");
    assert!(block_on(scene.victim.withheld_evidence()).is_none(), "nothing proves the freeze yet");

    // When a's event reaches the victim, its `seen` proves the server had withheld commits.
    scene.hostile.clear();
    block_on(scene.victim.sync()).unwrap();
    let evidence = block_on(scene.victim.withheld_evidence()).expect("the freeze is detected");
    assert!(evidence.contains("withheld"), "{evidence}");
    assert!(block_on(scene.victim.state()).unwrap().head.seq > frozen.seq);
    // It is remembered across a restart of the device.
    let reopened = net.device_with_store("b", net.server.transport(), scene.victim_store.clone());
    assert_eq!(block_on(reopened.withheld_evidence()), Some(evidence));
}

#[test]
fn a_member_answer_without_a_head_or_an_empty_more_is_refused() {
    let scene = scene();
    assert_refused(&scene, "member answer without a head", |response: &mut SyncResponse| {
        response.commits.clear();
        response.head = None;
        response.more = false;
    });
    assert_refused(&scene, "more, with nothing sent", |response: &mut SyncResponse| {
        response.commits.clear();
        response.more = true;
    });
}

/// A member cannot frame an honest server: an event claiming a time well before the head it
/// cites existed is refused, so it never reaches another device as freeze evidence.
#[test]
fn an_event_dated_before_the_head_it_cites_is_refused() {
    let net = Net::new();
    let devices = meta_secret_tests::vault_of(&net, "framed", 2);
    net.clock.advance(60 * 60 * 1000);
    block_on(devices[0].sync()).unwrap();
    let member = devices[1].gateway().keys();
    block_on(devices[1].sync()).unwrap();
    let state = block_on(devices[1].state()).unwrap();
    // Cite the newest head, appended an hour after the claimed time (1 ms after the epoch).
    let head = state.head;
    let event = SignedEvent::sign_at(
        member,
        &vault_named("framed"),
        state.last_author_seq(member.id()) + 1,
        head,
        1,
        GenericKvLogEvent::DeviceLeft,
    );
    let body =
        serde_json::to_vec(&meta_secret_core::sync::wire::SyncRequest { cursor: head, push: vec![event], limit: None })
            .unwrap();
    let request = meta_secret_tests::signed_request(member, "framed", body, net.clock_now());
    assert_eq!(meta_secret_tests::error_code(&block_on(net.server.handle(&request)), 400), "INVALID_INPUT");
}

fn vault_named(name: &str) -> VaultName {
    VaultName::parse(name).unwrap()
}

//! Multi-device membership scenarios over the in-process transport.

use meta_secret_core::client::VaultClient;
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::GenericKvLogEvent;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::vault::MembershipStatus;
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, Device, LossyTransport, Net};

fn ids(devices: &[&Device]) -> Vec<String> {
    let mut ids: Vec<String> = devices.iter().map(|d| d.device().id.to_string()).collect();
    ids.sort();
    ids
}

fn member_ids(device: &Device) -> Vec<String> {
    block_on(device.members()).unwrap().into_iter().map(|d| d.id.to_string()).collect()
}

fn head_hash<T: meta_secret_core::sync::SyncProtocol>(device: &VaultClient<MemoryStore, T>) -> String {
    block_on(device.state()).unwrap().head.hash.to_hex()
}

#[test]
fn three_devices_create_join_accept_decline_reopen_remove_leave() {
    let net = Net::new();
    let (a, b, c) = (net.device("a"), net.device("b"), net.device("c"));

    assert_eq!(block_on(b.status("family")).unwrap(), MembershipStatus::NoVault);
    block_on(a.create_vault("family")).unwrap();
    assert_eq!(block_on(a.status("family")).unwrap(), MembershipStatus::Member);
    assert_eq!(block_on(b.status("family")).unwrap(), MembershipStatus::NotMember);

    assert_eq!(block_on(b.request_join("family")).unwrap(), MembershipStatus::Pending);
    assert_eq!(block_on(c.request_join("family")).unwrap(), MembershipStatus::Pending);
    let pending: Vec<String> = block_on(a.pending_requests()).unwrap().into_iter().map(|d| d.id.to_string()).collect();
    assert_eq!(pending, ids(&[&b, &c]));

    block_on(a.accept(&b.device().id)).unwrap();
    block_on(a.decline(&c.device().id)).unwrap();
    assert_eq!(block_on(b.status("family")).unwrap(), MembershipStatus::Member);
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::Declined);
    assert_eq!(member_ids(&b), ids(&[&a, &b]), "the new member pulled and verified the whole log");

    // Declined devices cannot ask again until a member reopens their request.
    let again = block_on(c.request_join("family")).unwrap_err();
    assert_eq!(again.code(), ErrorCode::Declined);
    // With two members, re-admitting and accepting take both (the quorum is 2).
    block_on(b.reopen(&c.device().id)).unwrap();
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::Declined, "one vote of two");
    block_on(a.reopen(&c.device().id)).unwrap();
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::NotMember);
    assert_eq!(block_on(c.request_join("family")).unwrap(), MembershipStatus::Pending);
    block_on(b.accept(&c.device().id)).unwrap();
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::Pending, "one vote of two");
    block_on(a.accept(&c.device().id)).unwrap();
    block_on(c.sync()).unwrap();
    block_on(a.sync()).unwrap();
    block_on(c.sync()).unwrap();
    assert_eq!(member_ids(&a), ids(&[&a, &b, &c]));
    assert_eq!(head_hash(&a), head_hash(&c));

    // A member cannot vote twice, nor accept a device that is already a member.
    let err = block_on(a.accept(&c.device().id)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyMember, "{err}");

    block_on(a.remove_device(&c.device().id)).unwrap();
    let err = block_on(a.remove_device(&c.device().id)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyVoted, "{err}");
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::Member, "one vote of two");
    block_on(b.remove_device(&c.device().id)).unwrap();
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::NotMember);
    let err = block_on(c.leave()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotMember, "a removed device can no longer act: {err}");
    assert_eq!(block_on(c.sync()).unwrap().pulled, 0, "a removed device gets nothing new");

    block_on(b.leave()).unwrap();
    block_on(a.sync()).unwrap();
    assert_eq!(member_ids(&a), ids(&[&a]));
    let removed: Vec<String> = block_on(a.state()).unwrap().removed.keys().map(|d| d.to_string()).collect();
    assert_eq!(removed, ids(&[&b, &c]));
    let err = block_on(a.leave()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::LastMember);
    assert_eq!(head_hash(&a), net.head("family").hash.to_hex());
}

#[test]
fn joining_a_missing_vault_fails_clearly_and_leaves_nothing_queued() {
    let net = Net::new();
    let d = net.device("d");
    let err = block_on(d.request_join("nowhere")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoVault, "{err}");
    assert_eq!(block_on(d.gateway().outbox_len()), 0);
    // The device is free to create or join another vault.
    block_on(d.create_vault("elsewhere")).unwrap();
    assert_eq!(block_on(d.status("elsewhere")).unwrap(), MembershipStatus::Member);
    assert_eq!(block_on(d.status("nowhere")).unwrap(), MembershipStatus::NoVault);
}

#[test]
fn a_second_create_of_the_same_name_is_refused() {
    let net = Net::new();
    let (a, b) = (net.device("a"), net.device("b"));
    block_on(a.create_vault("v")).unwrap();
    let before = net.head("v");
    assert_eq!(block_on(b.create_vault("v")).unwrap_err().code(), ErrorCode::VaultExists);
    assert_eq!(net.head("v"), before);
}

#[test]
fn concurrent_pushes_converge_to_one_head() {
    let net = Net::new();
    let devices: Vec<Device> = (0..4).map(|i| net.device(&format!("m{i}"))).collect();
    let outsiders: Vec<Device> = (0..3).map(|i| net.device(&format!("o{i}"))).collect();
    block_on(devices[0].create_vault("v")).unwrap();
    for (i, d) in devices.iter().enumerate().skip(1) {
        block_on(d.request_join("v")).unwrap();
        meta_secret_tests::admit(&devices[..i], d);
    }
    for o in &outsiders {
        block_on(o.request_join("v")).unwrap();
    }
    for d in &devices {
        block_on(d.sync()).unwrap();
    }
    // Every member decides on stale local state, then all push in an interleaved order.
    let gw = |i: usize| devices[i].gateway();
    use meta_secret_core::event::GenericKvLogEvent::*;
    let approve = |o: usize| JoinApproved { device: outsiders[o].device().id.clone(), dealings: Vec::new() };
    block_on(gw(1).enqueue(approve(0))).unwrap();
    block_on(gw(2).enqueue(approve(0))).unwrap();
    block_on(gw(0).enqueue(approve(0))).unwrap();
    block_on(gw(2).enqueue(JoinDeclined { device: outsiders[1].device().id.clone() })).unwrap();
    block_on(gw(0).enqueue(approve(1))).unwrap();
    block_on(gw(3).enqueue(approve(2))).unwrap();
    let reports: Vec<_> = [3, 1, 2, 0].iter().map(|&i| block_on(devices[i].sync()).unwrap()).collect();
    // The quorum was reached without device 0: its late vote for o0 counts as a late approval
    // (which would let it deal shares to o0); its vote for the device declined meanwhile loses.
    let rejected: usize = reports.iter().map(|r| r.rejected.len()).sum();
    assert_eq!(rejected, 1, "{reports:?}");
    assert!(reports.iter().flat_map(|r| &r.rejected).all(|r| r.code == ErrorCode::NotPending));
    for d in &devices {
        block_on(d.sync()).unwrap();
        assert_eq!(block_on(d.gateway().outbox_len()), 0);
    }
    let server_head = net.head("v").hash.to_hex();
    assert_eq!(block_on(outsiders[2].status("v")).unwrap(), MembershipStatus::Pending, "one vote of two");
    for d in devices.iter().chain(&outsiders[..1]) {
        block_on(d.sync()).unwrap();
        assert_eq!(head_hash(d), server_head, "{} diverged", d.device().name);
    }
}

#[test]
fn a_lost_response_is_retried_without_a_duplicate() {
    let net = Net::new();
    let lossy = LossyTransport::new(net.server.transport());
    let a = net.device_on("a", lossy.clone());
    let b = net.device("b");

    // One lost answer: the request goes again at once and is acknowledged as the same commit.
    lossy.lose_next_responses(1);
    block_on(a.create_vault("v")).unwrap();
    // The vault and its first key generation (opened, dealt, acknowledged): nothing twice.
    assert_eq!(net.head("v").seq, 4, "no duplicate");
    assert_eq!(block_on(a.gateway().outbox_len()), 0);

    // Answers lost again and again: reported, and the event waits in the outbox.
    block_on(b.request_join("v")).unwrap();
    block_on(a.sync()).unwrap();
    block_on(
        a.gateway().enqueue(GenericKvLogEvent::JoinApproved { device: b.device().id.clone(), dealings: Vec::new() }),
    )
    .unwrap();
    lossy.lose_next_responses(4);
    assert_eq!(block_on(a.gateway().sync()).unwrap_err().code(), ErrorCode::Network);
    assert_eq!(net.head("v").seq, 6, "the server committed before the answer was lost");
    assert_eq!(block_on(a.gateway().outbox_len()), 1, "the event waits in the outbox");
    assert_eq!(block_on(a.sync()).unwrap_err().code(), ErrorCode::Network);
    let head_after_commit = net.head("v");
    let report = block_on(a.gateway().sync()).unwrap();
    // a's fifth event (after the vault and its first key generation's three).
    assert_eq!(report.committed, vec![5], "a's approval, acknowledged as the same commit");
    assert_eq!(net.head("v"), head_after_commit, "four lost answers still commit once");
    assert_eq!(block_on(a.gateway().outbox_len()), 0);
    assert_eq!(head_hash(&a), head_after_commit.hash.to_hex());
    assert_eq!(block_on(b.status("v")).unwrap(), MembershipStatus::Member);
}

#[test]
fn a_reopened_device_keeps_its_state() {
    let net = Net::new();
    let store = meta_secret_core::store::MemoryStore::new();
    let a = net.device_with_store("a", net.server.transport(), store.clone());
    block_on(a.create_vault("v")).unwrap();
    let id = a.device().id.clone();
    drop(a);
    let again = net.device_with_store("ignored", net.server.transport(), store);
    assert_eq!(again.device().id, id, "keys persist in the store");
    assert_eq!(block_on(again.state()).unwrap().head, net.head("v"));
    assert_eq!(block_on(again.sync()).unwrap().pulled, 0);
}

#[test]
fn a_long_log_is_pulled_in_pages_and_verified_whole() {
    let net = Net::new();
    let owner = net.device("owner");
    block_on(owner.create_vault("big")).unwrap();
    // 115 requests, each declined (the pending list is capped, so they cannot all wait).
    for i in 0..115 {
        let candidate = net.device(&format!("candidate {i}"));
        block_on(candidate.request_join("big")).unwrap();
        block_on(owner.decline(&candidate.device().id)).unwrap();
    }
    let late = net.device("late");
    block_on(late.request_join("big")).unwrap();
    block_on(owner.accept(&late.device().id)).unwrap();
    let report = block_on(late.sync()).unwrap();
    // 4 for the vault and its first key generation, 230 requests and declines, the request and
    // the approval, and the approver's acknowledgement.
    assert_eq!(report.pulled, 237);
    assert!(report.requests >= 2, "237 commits need more than one page of 200: {report:?}");
    assert_eq!(head_hash(&late), net.head("big").hash.to_hex());
    assert_eq!(block_on(late.state()).unwrap().declined.len(), 115);
    let idle = block_on(late.sync()).unwrap();
    assert_eq!((idle.pulled, idle.requests), (0, 1), "an idle sync is one request");
}

#[test]
fn the_pending_list_is_capped_and_members_clear_it_in_one_action() {
    use meta_secret_core::vault::invites::MAX_UNVOUCHED_PENDING;
    let net = Net::new();
    let owner = net.device("owner");
    block_on(owner.create_vault("flood")).unwrap();
    for i in 0..MAX_UNVOUCHED_PENDING {
        block_on(net.device(&format!("spam {i}")).request_join("flood")).unwrap();
    }
    let head = net.head("flood");
    let one_more = net.device("one more");
    let err = block_on(one_more.request_join("flood")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RateLimited, "{err}");
    assert_eq!(net.head("flood"), head, "a refused request stores nothing");
    assert_eq!(block_on(owner.decline_all_pending()).unwrap(), MAX_UNVOUCHED_PENDING);
    assert!(block_on(owner.state()).unwrap().pending.is_empty());
    assert_eq!(block_on(one_more.request_join("flood")).unwrap(), MembershipStatus::Pending);
}

#[test]
fn a_claim_whose_answers_were_lost_keeps_its_key_and_reveals_once_approved() {
    let net = Net::new();
    let lossy = LossyTransport::new(net.server.transport());
    let a = net.device_on("a", lossy.clone());
    let b = net.device("b");
    block_on(a.create_vault("v")).unwrap();
    block_on(b.request_join("v")).unwrap();
    block_on(a.sync()).unwrap();
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(b.sync()).unwrap();
    let secret = block_on(b.add_secret("note", b"kept", 2)).unwrap().id;
    block_on(a.sync()).unwrap();

    // The claim reaches the server, and both answers are lost: the caller hears NETWORK, and the
    // claim, still queued, goes out with the next sync with its key kept.
    lossy.lose_next_responses(2);
    assert_eq!(block_on(a.request_recovery(&secret)).unwrap_err().code(), ErrorCode::Network);
    block_on(a.sync()).unwrap();
    let claims = block_on(a.known_claims()).unwrap();
    let claim = claims.iter().find(|c| c.secret_id == secret && c.requester == a.device().id).expect("the claim");
    block_on(b.sync()).unwrap();
    block_on(b.approve(&claim.id)).unwrap();
    assert_eq!(block_on(a.reveal(&claim.id)).unwrap(), b"kept");
}

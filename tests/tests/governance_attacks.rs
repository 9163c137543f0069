//! Issue 24's governance attacks, each tried as an attacker would with its own devices while the
//! other devices only sync and people click only what the UI asks.

use meta_secret_tests::{block_on, settle, vault_of, Net};

/// Attack 1: two attacker devices (= q) in a five-member vault vote q up to 32, so that nothing
/// passes without their votes and the three honest members can neither remove them nor lower q.
#[test]
fn a_minority_cannot_raise_the_quorum_to_lock_out_the_majority() {
    let net = Net::new();
    let d = vault_of(&net, "v", 5);
    let (honest, attackers) = d.split_at(3);
    for attacker in attackers {
        // Refused locally or only tallied: either way it must not take effect.
        let _ = block_on(attacker.set_quorum(32));
    }
    settle(&d);
    assert_eq!(block_on(honest[0].state()).unwrap().quorum, 2, "two votes raised the quorum");
    let target = attackers[0].device().id.clone();
    for member in honest {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().is_member(&target) {
            block_on(member.remove_device(&target)).unwrap();
        }
    }
    settle(honest);
    assert!(
        !block_on(honest[0].state()).unwrap().is_member(&target),
        "the honest majority could not remove an attacker"
    );
}

/// Even a quorum the people raised themselves never lets a minority that stops voting block the
/// majority: removing a device and lowering q need at most a majority of the members.
#[test]
fn a_majority_removes_a_silent_minority_and_lowers_the_quorum_whatever_q_is() {
    let net = Net::new();
    let d = vault_of(&net, "v", 5);
    for member in &d {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().quorum != 5 {
            block_on(member.set_quorum(5)).unwrap();
        }
    }
    settle(&d);
    assert_eq!(block_on(d[0].state()).unwrap().quorum, 5);
    let (honest, silent) = d.split_at(3);
    let target = silent[0].device().id.clone();
    for member in honest {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().is_member(&target) {
            block_on(member.remove_device(&target)).unwrap();
        }
    }
    settle(honest);
    assert!(!block_on(honest[0].state()).unwrap().is_member(&target), "three of five could not remove a device");
    for member in honest {
        block_on(member.sync()).unwrap();
        if block_on(member.state()).unwrap().quorum == 5 {
            block_on(member.set_quorum(2)).unwrap();
        }
    }
    settle(honest);
    assert_eq!(block_on(honest[0].state()).unwrap().quorum, 2, "three of four could not lower q");
}

/// Attack 4: a member frames the honest server. The server checked back-dating only against its
/// newest 256 commits, so a member could cite an older head with a time before that head existed;
/// the server committed it and every honest device then stored "the server withheld commits".
#[test]
fn a_member_cannot_back_date_an_event_past_an_old_head_to_frame_the_server() {
    use meta_secret_core::event::{GenericKvLogEvent, SignedEvent, VaultName};
    use meta_secret_core::sync::wire::{PushOutcome, SyncRequest};
    use meta_secret_tests::{parse_ok, receive_key};

    let net = Net::new();
    let d = vault_of(&net, "v", 3);
    let old_head = net.head("v");
    let old_head_existed_at = net.clock_now();
    // More than 256 commits later (key rotations: a member may publish a new receive key any time).
    let rotator = &d[2];
    for _ in 0..3 {
        for _ in 0..100 {
            net.clock.advance(1_000);
            let rotation = GenericKvLogEvent::GenerationAcked { acks: Vec::new(), receive_key: receive_key() };
            block_on(rotator.gateway().enqueue(rotation)).unwrap();
        }
        block_on(rotator.gateway().sync()).unwrap();
    }
    assert!(net.head("v").seq > old_head.seq + 256);
    net.clock.advance(60 * 60 * 1000);

    let framer = d[1].gateway().keys();
    let state = block_on(d[1].gateway().state()).unwrap();
    let seq = state.last_author_seq(framer.id()) + 1;
    let an_hour_before = old_head_existed_at - 60 * 60 * 1000;
    let vault = VaultName::parse("v").unwrap();
    let back_dated = SignedEvent::sign_at(framer, &vault, seq, old_head, an_hour_before, GenericKvLogEvent::DeviceLeft);
    let request = SyncRequest { cursor: net.head("v"), push: vec![back_dated], limit: None };
    let response = net.raw_sync(framer, "v", &request);
    if response.status == 200 {
        let parsed = parse_ok(&response);
        assert!(
            !matches!(parsed.results[0].outcome, PushOutcome::Committed { .. }),
            "the server committed an event dated an hour before the head it cites existed"
        );
    } else {
        assert_eq!(meta_secret_tests::error_code(&response, 400), "INVALID_INPUT");
    }
    settle(&d);
    for device in &d {
        assert!(block_on(device.withheld_evidence()).is_none(), "an honest server was framed");
    }
}

/// Attack 9: a second device asks to join under a member's name (exactly, in other case, or with
/// an invisible character in it), so approvers tell the two apart only by id and code.
#[test]
fn a_join_under_a_members_name_or_a_look_alike_is_refused() {
    use meta_secret_core::error::HasErrorCode;
    let net = Net::new();
    let d = vault_of(&net, "v", 2);
    let taken = d[1].device().name.clone();
    assert_eq!(taken, "device-1");
    for look_alike in ["device-1", "DEVICE-1", "device\u{200B}-1", "de\u{00AD}vice-1", " device-1\u{FEFF}", "device-1 "]
    {
        let impostor = net.device(look_alike);
        let refused = block_on(impostor.request_join("v"));
        let code = refused.map(|status| format!("{status:?}")).unwrap_or_else(|e| e.code().as_str().to_owned());
        assert_eq!(code, "NAME_TAKEN", "a device named {look_alike:?} asked to join beside {taken:?}");
    }
    // A different name is fine.
    let honest = net.device("device-2");
    assert!(block_on(honest.request_join("v")).is_ok());
    // A waiting device reserves no name (an outsider could squat the next device's name), but
    // once a member holds it, it is taken.
    let second = net.device("Device-2");
    assert!(block_on(second.request_join("v")).is_ok());
    for look_alike in ["device\u{E0020}-1", "device-1\u{2800}", "device-1\u{206A}"] {
        let impostor = net.device(look_alike);
        let code = block_on(impostor.request_join("v"))
            .map(|s| format!("{s:?}"))
            .unwrap_or_else(|e| e.code().as_str().to_owned());
        assert_eq!(code, "NAME_TAKEN", "{look_alike:?}");
    }
}

/// Attack 6: claims never expired. A claim opened long ago (a device stolen since, or a request the
/// person forgot) was approved and revealed like a fresh one.
#[test]
fn a_claim_older_than_its_lifetime_cannot_be_approved() {
    use meta_secret_core::error::HasErrorCode;

    let net = Net::new();
    let d = vault_of(&net, "v", 2);
    let secret = block_on(d[0].add_secret("bank", b"pin 1234", 2)).unwrap();
    settle(&d);
    let fresh = block_on(d[1].request_recovery(&secret.id)).unwrap();
    let old = block_on(d[1].request_recovery(&secret.id)).unwrap();
    block_on(d[0].sync()).unwrap();
    let claims = block_on(d[0].recovery_claims()).unwrap();
    let opened = claims.iter().find(|c| c.id == fresh).expect("the approver sees the claim").opened_ms;
    assert!(opened > 0, "a claim carries its creation time");
    block_on(d[0].approve(&fresh)).unwrap();
    assert_eq!(block_on(d[1].reveal(&fresh)).unwrap(), b"pin 1234");

    net.clock.advance(16 * 60 * 1000);
    let expired =
        block_on(d[0].approve(&old)).map(|_| "approved".to_owned()).unwrap_or_else(|e| e.code().as_str().into());
    assert_eq!(expired, "CLAIM_EXPIRED", "a 16-minute-old claim was approved");
    assert!(block_on(d[1].reveal(&old)).is_err());
}

/// The quorum sets a vault's claim lifetime; one member alone cannot stretch it, and claims keep
/// the lifetime they were opened under.
#[test]
fn the_quorum_sets_the_claim_lifetime_and_one_member_cannot_stretch_it() {
    use meta_secret_core::error::HasErrorCode;

    let net = Net::new();
    let d = vault_of(&net, "v", 3);
    let secret = block_on(d[0].add_secret("bank", b"pin 1234", 2)).unwrap();
    settle(&d);
    block_on(d[2].set_claim_lifetime(1440)).unwrap();
    settle(&d);
    assert_eq!(block_on(d[0].governance()).unwrap().claim_lifetime_ms, 15 * 60_000, "one vote stretched it");
    let before = block_on(d[1].request_recovery(&secret.id)).unwrap();
    for member in &d[..2] {
        block_on(member.sync()).unwrap();
        block_on(member.set_claim_lifetime(5)).unwrap();
    }
    settle(&d);
    assert_eq!(block_on(d[0].governance()).unwrap().claim_lifetime_ms, 5 * 60_000);
    let after = block_on(d[1].request_recovery(&secret.id)).unwrap();
    block_on(d[0].sync()).unwrap();
    let view = block_on(d[0].recovery_claims()).unwrap();
    let info = view.iter().find(|c| c.id == after).unwrap();
    assert_eq!(info.expires_ms - info.opened_ms, 5 * 60_000);

    net.clock.advance(6 * 60 * 1000);
    let late = block_on(d[0].approve(&after)).unwrap_err();
    assert_eq!(late.code(), meta_secret_core::ErrorCode::ClaimExpired, "{late}");
    block_on(d[0].approve(&before)).expect("a claim opened under 15 minutes keeps them");
    for bad in [0, 1441] {
        let refused = block_on(d[0].set_claim_lifetime(bad)).unwrap_err();
        assert_eq!(refused.code(), meta_secret_core::ErrorCode::InvalidInput, "{bad}: {refused}");
    }
}

/// A two-device vault with two secrets ("mail", "bank") that device 0 added.
fn mail_and_bank(net: &Net) -> (Vec<meta_secret_tests::Device>, String, String) {
    let d = vault_of(net, "v", 2);
    let mail = block_on(d[0].add_secret("mail", b"mail password", 2)).unwrap().id;
    let bank = block_on(d[0].add_secret("bank", b"bank password", 2)).unwrap().id;
    settle(&d);
    (d, mail, bank)
}

/// `requester` pushes, straight to the server, a claim on `secret` in `batch`; returns its id.
fn slip_claim_into_batch(requester: &meta_secret_tests::Device, net: &Net, secret: &str, batch: &str) -> String {
    use meta_secret_core::event::GenericKvLogEvent as E;
    use meta_secret_core::secrets::events::{new_object_id, RecoveryRequest};
    let epoch = block_on(requester.state()).unwrap().generation_of(secret).unwrap().1.epoch;
    let claim = RecoveryRequest {
        claim_id: new_object_id(),
        secret_id: secret.to_owned(),
        epoch,
        ephemeral_recipient: age::x25519::Identity::generate().to_public().to_string(),
        batch: Some(batch.to_owned()),
    };
    assert!(meta_secret_tests::push_raw(requester, net, E::RecoveryRequested(claim.clone())).is_ok());
    claim.claim_id
}

/// Attack 5: one tap approved more than the person saw. `approve_batch` re-read the batch when it
/// ran, so claims the requester added after the person's view were approved too.
#[test]
fn a_batch_approval_covers_only_the_claims_the_person_saw() {
    let net = Net::new();
    let (d, mail, bank) = mail_and_bank(&net);
    let (a, b) = (&d[0], &d[1]);
    let (batch, asked) = block_on(b.request_recoveries(std::slice::from_ref(&mail))).unwrap();
    block_on(a.sync()).unwrap();
    let seen: Vec<String> = block_on(a.known_claims())
        .unwrap()
        .into_iter()
        .filter(|c| c.batch.as_deref() == Some(&batch))
        .map(|c| c.id)
        .collect();
    assert_eq!(seen, asked, "the person sees one claim: mail");
    // While the person reads, the requester slips the bank into the same batch.
    let slipped = slip_claim_into_batch(b, &net, &bank, &batch);
    let approved = block_on(a.approve_batch(&b.device().id, &batch, &seen)).unwrap();
    assert_eq!(approved, 1, "the tap approved a claim the person never saw");
    block_on(a.sync()).unwrap();
    let claims = block_on(a.known_claims()).unwrap();
    assert_eq!(claims.iter().find(|c| c.id == slipped).unwrap().approvals, 0);
    // A claim id that is not the requester's, or not in the batch, refuses the whole approval.
    let foreign = block_on(a.request_recovery(&bank)).unwrap();
    let refused = block_on(a.approve_batch(&b.device().id, &batch, &[slipped.clone(), foreign])).unwrap_err();
    assert_eq!(meta_secret_core::error::HasErrorCode::code(&refused), meta_secret_core::ErrorCode::InvalidInput);
}

/// One expired claim does not sink a batch approval: it is skipped, the fresh ones are approved.
#[test]
fn a_batch_approval_skips_expired_claims_and_approves_the_rest() {
    let net = Net::new();
    let (d, mail, bank) = mail_and_bank(&net);
    let (a, b) = (&d[0], &d[1]);
    let (batch, old) = block_on(b.request_recoveries(std::slice::from_ref(&mail))).unwrap();
    net.clock.advance(16 * 60 * 1000);
    let fresh = slip_claim_into_batch(b, &net, &bank, &batch);
    let seen = [old.clone(), vec![fresh.clone()]].concat();
    assert_eq!(block_on(a.approve_batch(&b.device().id, &batch, &seen)).unwrap(), 1);
    block_on(a.sync()).unwrap();
    let claims = block_on(a.known_claims()).unwrap();
    assert_eq!(claims.iter().find(|c| c.id == fresh).unwrap().approvals, 1);
    assert_eq!(claims.iter().find(|c| c.id == old[0]).unwrap().approvals, 0);
}

/// Attack 7: the server learned secret-name lengths (names were not padded). A 1-character name
/// and a 174-character one now seal to the same size, and so do their whole events.
#[test]
fn the_server_cannot_tell_a_short_name_from_a_long_one() {
    use meta_secret_core::event::{GenericKvLogEvent as E, VaultName};
    use meta_secret_core::store::{LogStore, Page};

    let net = Net::new();
    let d = vault_of(&net, "v", 2);
    block_on(d[0].add_secret("x", b"same value", 2)).unwrap();
    block_on(d[0].add_secret(&"y".repeat(174), b"same value", 2)).unwrap();
    let store = net.server.app(&VaultName::parse("v").unwrap()).store().clone();
    let commits = block_on(store.read_after(0, Page::commits(1_000))).unwrap();
    let sealed: Vec<_> = commits
        .iter()
        .filter_map(|c| match &c.event.event {
            E::SecretSealed(sealed) => {
                Some((sealed.name_ciphertext.0.len(), serde_json::to_vec(&c.event).unwrap().len()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(sealed.len(), 2);
    assert_eq!(sealed[0].0, sealed[1].0, "the sealed names differ in length");
    assert_eq!(sealed[0].1, sealed[1].1, "the events differ in length");
}

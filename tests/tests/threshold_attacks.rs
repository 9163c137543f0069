//! The threshold attacks of the issue "Threshold you can trust", one test each: an attacker with
//! fewer than k holders (and fewer than q members) tries; every other device only syncs.

use meta_secret_core::encoding::Bytes;
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::GenericKvLogEvent as E;
use meta_secret_core::identity::{DeviceInfo, DeviceKeys, DeviceKind};
use meta_secret_core::secrets::events::{new_object_id, RecoveryRequest};
use meta_secret_core::vault::generations::{deal_reshare, part_context, GenerationDealing};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_core::ErrorCode;
use meta_secret_tests::{admit, block_on, generation_of, open_level, push_raw, settle, vault_of, Device, Net};

/// Every device but the attacker syncs a few times, as a normal app does in the background.
fn others_sync(devices: &[&Device]) {
    for _ in 0..4 {
        for device in devices {
            block_on(device.sync()).unwrap();
        }
    }
}

fn recovery_shares_in_log(net: &Net, vault: &str) -> usize {
    let store = net.server.stores().into_iter().next().unwrap();
    let head = net.head(vault).seq;
    let commits = block_on(meta_secret_core::store::LogStore::read_after(
        &store,
        0,
        meta_secret_core::store::Page::commits(head as usize),
    ))
    .unwrap();
    assert_eq!(commits.len() as u64, head);
    commits.iter().filter(|c| matches!(c.event.event, E::RecoveryPartial { .. })).count()
}

/// 1. A member votes a throwaway device in (and another member out) and opens a claim: nobody
///    re-seals anything to it, so it never holds k shares; k = 2 and k = 3 of 3.
#[test]
fn attack_1_one_member_cannot_read_a_secret_alone() {
    for k in [2u8, 3] {
        let net = Net::new();
        let d = vault_of(&net, "one", 3);
        if k == 3 {
            open_level(&d, 3);
        }
        let info = block_on(d[0].add_secret("bank", b"top secret", k)).unwrap();
        settle(&d);
        let attacker = &d[2];
        let throwaway = net.device("throwaway");
        block_on(throwaway.request_join("one")).unwrap();
        block_on(attacker.accept(&throwaway.device().id)).unwrap();
        assert!(push_raw(attacker, &net, E::RemovalApproved { device: d[1].device().id.clone() }).is_ok());
        let claim = block_on(attacker.request_recovery(&info.id)).unwrap();
        others_sync(&[&d[0], &d[1]]);

        assert_eq!(block_on(throwaway.status("one")).unwrap(), MembershipStatus::Pending, "one vote of two");
        assert!(block_on(d[0].state()).unwrap().is_member(&d[1].device().id), "one vote removes no one");
        assert_eq!(recovery_shares_in_log(&net, "one"), 0, "no device re-sealed a share on its own");
        let err = block_on(attacker.reveal(&claim)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InsufficientShares, "k = {k}: {err}");
    }
}

/// 2. While a person's approval of a new phone is being re-shared, another holder opens a claim:
///    nothing approves it, and the re-share itself never sends a whole share anywhere.
#[test]
fn attack_2_racing_a_legitimate_join_gains_nothing() {
    let net = Net::new();
    let mut d = vault_of(&net, "race", 3);
    let info = block_on(d[0].add_secret("bank", b"v", 2)).unwrap();
    settle(&d);
    let phone = net.device("phone");
    block_on(phone.request_join("race")).unwrap();
    block_on(d[0].accept(&phone.device().id)).unwrap();
    let racer = block_on(d[2].request_recovery(&info.id)).unwrap();
    block_on(d[1].accept(&phone.device().id)).unwrap();
    d.push(phone);
    settle(&d);
    assert_eq!(generation_of(&d[3], &info.id).holders.len(), 4, "the re-share completed");
    assert_eq!(recovery_shares_in_log(&net, "race"), 0, "re-sharing re-sealed no share to anyone");
    let claims = block_on(d[2].recovery_claims()).unwrap();
    assert_eq!(claims.iter().find(|c| c.id == racer).unwrap().approvals, 0);
}

/// 3. A stolen device accepts k − 1 devices of the thief: none gets in. With q devices the thief
///    gets a device in, but honest holders never deal to it unasked, so it never gets a share.
#[test]
fn attack_3_a_stolen_device_and_devices_of_the_thief_never_reach_k() {
    let net = Net::new();
    let d = vault_of(&net, "stolen", 3);
    let info = block_on(d[0].add_secret("bank", b"v", 2)).unwrap();
    settle(&d);
    let thief = net.device("thief-1");
    block_on(thief.request_join("stolen")).unwrap();
    block_on(d[2].accept(&thief.device().id)).unwrap();
    others_sync(&[&d[0], &d[1]]);
    assert_eq!(block_on(thief.status("stolen")).unwrap(), MembershipStatus::Pending);

    // A vault of 4 with k = 3 where the thief holds two members (the quorum) but not k.
    let net = Net::new();
    let d = vault_of(&net, "stolen2", 4);
    open_level(&d, 3);
    let info2 = block_on(d[0].add_secret("bank", b"v", 3)).unwrap();
    settle(&d);
    let epoch = generation_of(&d[0], &info2.id).epoch;
    let (s1, s2) = (&d[2], &d[3]);
    let thief = net.device("thief-2");
    block_on(thief.request_join("stolen2")).unwrap();
    block_on(s1.accept(&thief.device().id)).unwrap();
    block_on(s2.accept(&thief.device().id)).unwrap();
    for _ in 0..4 {
        for device in [&d[0], &d[1]] {
            block_on(device.sync()).unwrap();
        }
    }
    let state = block_on(d[0].state()).unwrap();
    assert!(state.is_member(&thief.device().id), "the thief's quorum admitted its device");
    let (id, record) = state.generation_of(&info2.id).unwrap();
    assert_eq!(record.epoch, epoch, "the re-share to the larger set never completed");
    assert!(!record.holders.contains_key(&thief.device().id));
    let round = state.generations.round(id, &*state).unwrap();
    assert_eq!(round.chosen.len(), 2, "only the thief's own two dealings exist");
    assert!(round.chosen.iter().all(|c| c.dealer == s1.device().id || c.dealer == s2.device().id));
    let claim = block_on(s1.request_recovery(&info2.id)).unwrap();
    block_on(s2.approve(&claim)).unwrap();
    assert_eq!(block_on(s1.reveal(&claim)).unwrap_err().code(), ErrorCode::InsufficientShares);

    // Honest people then approve a device they want: their approvals deal nothing, because the
    // member set also holds the thief's device, which they never approved.
    let wanted = net.device("wanted");
    block_on(wanted.request_join("stolen2")).unwrap();
    admit(&d[..2], &wanted);
    let view = block_on(d[0].governance()).unwrap();
    let listed: Vec<_> = view.to_approve.iter().map(|(info, _)| info.id.clone()).collect();
    assert!(listed.contains(&thief.device().id), "the thief's device is shown for approval: {listed:?}");
    for _ in 0..3 {
        for device in d.iter().chain([&thief, &wanted]) {
            block_on(device.sync()).unwrap();
        }
    }
    let record = generation_of(&d[0], &info2.id);
    assert_eq!(record.epoch, epoch, "no round completed");
    assert!(!record.holders.contains_key(&thief.device().id));
    // A secret added now is sealed to the same generation: the thief's device has nothing of it.
    let later = block_on(d[0].add_secret("later", b"added after the thief got in", 3)).unwrap();
    assert_eq!(generation_of(&d[0], &later.id).commitments, record.commitments);
    let claim = block_on(s1.request_recovery(&later.id)).unwrap();
    block_on(s2.approve(&claim)).unwrap();
    assert!(block_on(thief.approve(&claim)).is_err(), "the thief's device holds no share to approve with");
    assert_eq!(block_on(s1.reveal(&claim)).unwrap_err().code(), ErrorCode::InsufficientShares);
    // And the aggregate refuses an honest holder's dealing to the unapproved device outright.
    let dealing = honest_dealing(&d[0], &info2.id);
    assert_eq!(push_raw(&d[0], &net, E::GenerationDealt(dealing)), Err(ErrorCode::InvalidInput));
    drop(info);
}

/// A re-share of `dealer`'s share of `secret_id`'s generation to its open round, built by hand.
fn honest_dealing(dealer: &Device, secret_id: &str) -> GenerationDealing {
    block_on(dealer.gateway().sync()).unwrap();
    let state = block_on(dealer.state()).unwrap();
    let share = block_on(dealer.share_of(secret_id)).unwrap();
    deal_reshare(&state.generations, &share, dealer.gateway().keys().id()).unwrap()
}

/// A dealer seals one target a wrong sub-share, properly encrypted: only that target can see it.
/// Its complaint carries the proof, everyone checks it, the dealing is skipped and its dealer
/// named, and the re-share completes without it.
#[test]
fn a_dealing_with_a_bad_part_is_proven_bad_and_skipped() {
    use meta_secret_core::secrets::kem::{decode_point, seal_to_proven};
    let net = Net::new();
    let d = vault_of(&net, "named", 4);
    let info = block_on(d[0].add_secret("bank", b"value", 2)).unwrap();
    settle(&d);
    let before = generation_of(&d[0], &info.id).epoch;
    block_on(d[0].remove_device(&d[3].device().id)).unwrap();
    block_on(d[1].remove_device(&d[3].device().id)).unwrap();
    let cheat = &d[2];
    let mut dealing = honest_dealing(cheat, &info.id);
    let state = block_on(cheat.state()).unwrap();
    let (id, generation) = state.generation_of(&info.id).unwrap();
    let round = generation.round.as_ref().unwrap();
    let victim = round.targets.iter().position(|t| t == &d[0].device().id).unwrap();
    let key = decode_point(&round.target_keys[victim].0).unwrap();
    let context = part_context(state.vault.as_str(), id, dealing.epoch, &cheat.device().id, &round.targets[victim]);
    let refs: Vec<&[u8]> = context.iter().map(|c| c.as_slice()).collect();
    let mut junk = vec![7u8; 31];
    junk.extend_from_slice(&[0u8; 33]);
    let mut parts: Vec<Bytes> = dealing.parts.iter().map(|p| p.part.clone()).collect();
    parts[victim] = Bytes(seal_to_proven(&key, &refs, &junk).unwrap());
    let (root, attached) = meta_secret_core::vault::generations::parts::seal_root(&round.targets, parts).unwrap();
    (dealing.parts_root, dealing.parts) = (root, attached);
    let seq = push_raw(cheat, &net, E::GenerationDealt(dealing)).expect("the dealing lands: its parts are sealed");
    let active: Vec<&Device> = d[..3].iter().collect();
    others_sync(&active);
    let record = generation_of(&d[0], &info.id);
    assert!(record.round.is_none() && record.epoch == before + 1, "the re-share completed");
    assert!(record.made_by.as_ref().unwrap().chosen.iter().all(|c| c.seq != seq), "the bad dealing was skipped");
    let state = block_on(d[1].state()).unwrap();
    assert!(state.generations.cheaters.contains(&cheat.device().id), "its dealer is named");
    assert!(state.generations.false_accusers.is_empty());
    let store = net.server.stores().into_iter().next().unwrap();
    let commits = block_on(meta_secret_core::store::LogStore::read_after(
        &store,
        0,
        meta_secret_core::store::Page::commits(10_000),
    ))
    .unwrap();
    assert!(
        commits.iter().any(|c| matches!(&c.event.event, E::GenerationComplained(x) if x.dealing_seq == seq)),
        "the complaint with its evidence is in the log"
    );
    let claim = block_on(d[0].request_recovery(&info.id)).unwrap();
    block_on(d[1].approve(&claim)).unwrap();
    assert_eq!(block_on(d[0].reveal(&claim)).unwrap(), b"value");
}

/// 4. An impostor copies a member's name: its verification code differs from the real device's,
///    and one mistaken accept does not admit it.
#[test]
fn attack_4_one_mistaken_click_admits_no_impostor() {
    let net = Net::new();
    let d = vault_of(&net, "click", 3);
    // A waiting device reserves no name (issue 24 refuses only a member's name).
    let real = net.device("phone");
    let impostor = net.device("phone");
    block_on(real.request_join("click")).unwrap();
    block_on(impostor.request_join("click")).unwrap();
    let shown_by_real = real.verification_code("click").unwrap();
    block_on(d[0].sync()).unwrap();
    let impostor_code = block_on(d[0].verification_code_of(&impostor.device().id)).unwrap();
    assert_ne!(shown_by_real, impostor_code, "the approver sees a code that does not match");
    assert_eq!(shown_by_real, block_on(d[0].verification_code_of(&real.device().id)).unwrap());
    assert_eq!(shown_by_real.len(), 19, "four groups of four digits: {shown_by_real}");
    block_on(d[0].accept(&impostor.device().id)).unwrap();
    assert_eq!(block_on(impostor.status("click")).unwrap(), MembershipStatus::Pending);
}

/// 5. A member posts a new split under an existing secret's id with a value it chose.
#[test]
fn attack_5_a_member_cannot_rewrite_a_secret() {
    use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};
    let net = Net::new();
    let d = vault_of(&net, "rewrite", 3);
    let info = block_on(d[0].add_secret("bank", b"original", 2)).unwrap();
    settle(&d);
    let state = block_on(d[2].state()).unwrap();
    let (id, generation) = state.generation_of(&info.id).unwrap();
    let names_key = block_on(d[2].share_of(&info.id)).unwrap().names_key;
    let public = generation.public_key().unwrap().clone();
    let forged = MetaDistributor::new(&state.vault)
        .seal(&info.id, id, &public.0, &names_key, b"attacker's value", &SecretMetadata { name: "bank".into() })
        .unwrap();
    assert_eq!(push_raw(&d[2], &net, E::SecretSealed(forged)), Err(ErrorCode::Conflict));
    let claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    block_on(d[0].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap(), b"original");
}

/// 6. One member votes everyone else out and every secret deleted: nothing changes.
#[test]
fn attack_6_one_member_cannot_evict_everyone_or_delete_secrets() {
    let net = Net::new();
    let d = vault_of(&net, "evict", 3);
    let info = block_on(d[0].add_secret("bank", b"v", 2)).unwrap();
    settle(&d);
    let attacker = &d[2];
    block_on(attacker.remove_device(&d[0].device().id)).unwrap();
    block_on(attacker.remove_device(&d[1].device().id)).unwrap();
    block_on(attacker.delete_secret(&info.id)).unwrap();
    assert_eq!(
        push_raw(attacker, &net, E::SecretDeletionApproved { secret_id: info.id.clone() }),
        Err(ErrorCode::AlreadyVoted),
        "a second vote by the same device does not count"
    );
    others_sync(&[&d[0], &d[1]]);
    let state = block_on(d[0].state()).unwrap();
    assert_eq!(state.members.len(), 3);
    assert!(state.secrets.contains_key(&info.id));
}

/// 7. Junk approvals do not break a reveal or a sync; a silent device does not block a re-share;
///    a requester can close its claim.
#[test]
fn attack_7_junk_shares_and_silent_devices_jam_nothing() {
    let net = Net::new();
    let d = vault_of(&net, "jam", 4);
    let info = block_on(d[0].add_secret("bank", b"value", 2)).unwrap();
    settle(&d);
    let before = generation_of(&d[0], &info.id).epoch;
    let claim = block_on(d[0].request_recovery(&info.id)).unwrap();
    // Junk bytes, then a well-sealed share with a wrong value: both pass the server (sealed), both
    // are skipped by the requester.
    assert!(push_raw(&d[3], &net, E::RecoveryPartial { claim_id: claim.clone(), sealed: Bytes(vec![1; 300]) }).is_ok());
    let recipient = {
        block_on(d[2].sync()).unwrap();
        let state = block_on(d[2].state()).unwrap();
        state.claims[&claim].request.ephemeral_recipient.clone()
    };
    // A real partial with a valid proof, but on another point than the secret's R.
    let share = block_on(d[2].share_of(&info.id)).unwrap();
    let elsewhere = curve25519_dalek::RistrettoPoint::mul_base(&curve25519_dalek::Scalar::from(7u64));
    let wrong_partial = meta_secret_core::secrets::threshold::partial(&share.value, share.x, &elsewhere, b"ctx");
    let wrong = meta_secret_core::secrets::events::RecoveredPartial {
        format: 3,
        claim_id: claim.clone(),
        partial: Bytes(wrong_partial.to_bytes()),
    };
    let sealed = meta_secret_core::secrets::MetaEncryptor::seal_json(&wrong, &recipient.parse().unwrap()).unwrap();
    assert!(push_raw(&d[2], &net, E::RecoveryPartial { claim_id: claim.clone(), sealed }).is_ok());
    block_on(d[0].sync()).expect("junk never makes a sync fail");
    let err = block_on(d[0].reveal(&claim)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidShares, "{err}");
    assert!(err.to_string().contains(d[2].device().id.as_str()), "the bad approver is named: {err}");
    block_on(d[1].approve(&claim)).unwrap();
    assert_eq!(block_on(d[0].reveal(&claim)).unwrap(), b"value", "one good approval is enough");

    // d[3] goes silent; d[2] is removed; the two remaining active holders re-share without it.
    block_on(d[0].remove_device(&d[2].device().id)).unwrap();
    block_on(d[1].remove_device(&d[2].device().id)).unwrap();
    others_sync(&[&d[0], &d[1]]);
    let record = generation_of(&d[0], &info.id);
    assert_eq!((record.epoch, record.holders.len()), (before + 1, 3), "the silent device did not block the re-share");

    let open = block_on(d[1].request_recovery(&info.id)).unwrap();
    block_on(d[1].cancel_recovery(&open)).unwrap();
    let claims = block_on(d[0].recovery_claims()).unwrap();
    assert_ne!(claims.iter().find(|c| c.id == open).unwrap().status, meta_secret_core::vault::ClaimStatus::Open);
}

fn forged_info(keys: &DeviceKeys, name: &str, age_recipient: &str) -> DeviceInfo {
    let mut info = keys.info().clone();
    info.name = name.into();
    info.age_recipient = age_recipient.into();
    info
}

/// 8. A member introduces another device's keys, an invalid age key, or a right-to-left name.
#[test]
fn attack_8_the_member_list_cannot_be_poisoned() {
    let net = Net::new();
    let d = vault_of(&net, "poison", 3);
    let other = DeviceKeys::generate("victim", DeviceKind::Desktop).unwrap();
    let request = |candidate: DeviceInfo| E::JoinRequested {
        kit_maker: None,
        invite: None,
        candidate,
        receive_key: meta_secret_tests::receive_key(),
    };
    assert_eq!(push_raw(&d[2], &net, request(other.info().clone())), Err(ErrorCode::Impersonation));
    let own = d[2].gateway().keys();
    let bad_age = forged_info(own, "x", "age1notarecipient");
    assert_eq!(push_raw(&d[2], &net, request(bad_age)), Err(ErrorCode::InvalidInput));
    let outsider = net.device("outsider");
    let keys = outsider.gateway().keys();
    let bad_age = forged_info(keys, "x", "age1notarecipient");
    let bidi = forged_info(keys, "phone\u{202E}enohp", &keys.info().age_recipient);
    let long = forged_info(keys, &"w".repeat(65), &keys.info().age_recipient);
    for candidate in [bad_age, bidi, long] {
        let signed = meta_secret_core::event::SignedEvent::sign(keys, &"poison".parse_vault(), 1, request(candidate));
        let body = serde_json::to_vec(&meta_secret_core::sync::wire::SyncRequest {
            cursor: meta_secret_core::event::Cursor::EMPTY,
            push: vec![signed],
            limit: None,
        })
        .unwrap();
        net.clock.advance(10);
        let response =
            block_on(net.server.handle(&meta_secret_tests::signed_request(keys, "poison", body, net.clock_now())));
        assert_eq!(meta_secret_tests::error_code(&response, 400), "INVALID_INPUT");
    }
    assert_eq!(
        DeviceKeys::generate("\u{202E}phone\u{2066}", DeviceKind::Mobile).unwrap().info().name,
        "phone",
        "a device strips bidirectional controls from its own name"
    );
    block_on(d[0].add_secret("still works", b"v", 2)).unwrap();
}

trait ParseVault {
    fn parse_vault(&self) -> meta_secret_core::event::VaultName;
}

impl ParseVault for str {
    fn parse_vault(&self) -> meta_secret_core::event::VaultName {
        meta_secret_core::event::VaultName::parse(self).unwrap()
    }
}

/// 9. In a 4-of-7 vault one device leaves and another is removed, with a holder's sync between:
///    the re-share completes and the departed devices' shares stop counting.
#[test]
fn attack_9_resharing_completes_after_a_leave_and_a_removal() {
    let net = Net::new();
    let d = vault_of(&net, "seven", 7);
    open_level(&d, 4);
    let info = block_on(d[0].add_secret("bank", b"four of seven", 4)).unwrap();
    settle(&d);
    block_on(d[6].leave()).unwrap();
    block_on(d[1].sync()).unwrap();
    block_on(d[0].remove_device(&d[5].device().id)).unwrap();
    block_on(d[1].remove_device(&d[5].device().id)).unwrap();
    let remaining: Vec<&Device> = d[..5].iter().collect();
    for _ in 0..3 {
        for device in &remaining {
            block_on(device.sync()).unwrap();
        }
    }
    let record = generation_of(&d[0], &info.id);
    assert!(record.round.is_none(), "re-share completed");
    assert_eq!((record.k, record.holders.len()), (4, 5));
    assert!(!record.holders.contains_key(&d[5].device().id) && !record.holders.contains_key(&d[6].device().id));
    let claim = block_on(d[0].request_recovery(&info.id)).unwrap();
    for approver in &d[1..4] {
        block_on(approver.approve(&claim)).unwrap();
    }
    assert_eq!(block_on(d[0].reveal(&claim)).unwrap(), b"four of seven");
}

/// An attacker with q − 1 devices cannot add or remove a device or change a secret; a hand-made
/// claim on an old epoch or an unknown secret is refused.
#[test]
fn fewer_than_q_members_change_nothing() {
    let net = Net::new();
    // q = 3 takes effect only where 3 is at most a majority of the members (see governance.rs).
    let d = vault_of(&net, "q", 5);
    block_on(d[0].set_quorum(3)).unwrap();
    block_on(d[1].set_quorum(3)).unwrap();
    block_on(d[2].set_quorum(3)).unwrap();
    block_on(d[2].sync()).unwrap();
    assert_eq!(block_on(d[2].state()).map(|s| s.quorum).unwrap_or_default(), 3);
    let info = block_on(d[0].add_secret("bank", b"v", 2)).unwrap();
    settle(&d);
    let outsider = net.device("friend");
    block_on(outsider.request_join("q")).unwrap();
    block_on(d[1].accept(&outsider.device().id)).unwrap();
    block_on(d[2].accept(&outsider.device().id)).unwrap();
    assert_eq!(block_on(outsider.status("q")).unwrap(), MembershipStatus::Pending, "2 votes of the 3 needed");
    block_on(d[1].remove_device(&d[0].device().id)).unwrap();
    block_on(d[2].remove_device(&d[0].device().id)).unwrap();
    block_on(d[1].delete_secret(&info.id)).unwrap();
    block_on(d[2].delete_secret(&info.id)).unwrap();
    let state = block_on(d[0].state()).unwrap();
    assert!(state.is_member(&d[0].device().id) && state.secrets.contains_key(&info.id));
    let stale = RecoveryRequest {
        claim_id: new_object_id(),
        secret_id: info.id.clone(),
        epoch: 7,
        ephemeral_recipient: age::x25519::Identity::generate().to_public().to_string(),
        batch: None,
    };
    assert_eq!(push_raw(&d[1], &net, E::RecoveryRequested(stale)), Err(ErrorCode::StaleEpoch));
    admit(&d, &outsider);
}

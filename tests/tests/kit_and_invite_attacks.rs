//! Issue 24's attacks on recovery kits (2), invites (8) and a fresh session's view (3), each tried
//! as an attacker would with its own devices while the other devices only sync.

use meta_secret_core::client::VaultClient;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::SyncProtocol;
use meta_secret_tests::{block_on, settle, vault_of, Net};

/// A session of a kit's own keys (as when its words are typed in), over `transport`.
fn kit_session<T: SyncProtocol>(
    kit: &meta_secret_core::client::NewKit,
    label: &str,
    transport: T,
    net: &Net,
) -> VaultClient<MemoryStore, T> {
    let keys = kit.seed.device_keys(label).expect("the kit's keys");
    block_on(VaultClient::open_with_keys(MemoryStore::new(), transport, Box::new(net.clock.clone()), keys))
        .expect("open the kit's session")
}

fn make_kit(maker: &meta_secret_tests::Device, net: &Net, label: &str) -> meta_secret_core::client::NewKit {
    let made = maker.add_recovery_kit(
        label,
        meta_secret_core::store::MemoryStore::new(),
        net.server.transport(),
        Box::new(net.clock.clone()),
    );
    block_on(made).expect("make a kit")
}

/// Attack 2: a kit made on a compromised device. The maker saw the words, so its own vote must not
/// count toward the kit: the maker plus one other person's "accept" gave the attacker two holders.
#[test]
fn a_kits_maker_and_one_other_member_cannot_admit_it() {
    let net = Net::new();
    let d = vault_of(&net, "v", 3);
    let kit = make_kit(&d[0], &net, "paper kit").member.id;
    for member in &d[..2] {
        block_on(member.sync()).unwrap();
        block_on(member.accept(&kit)).unwrap();
    }
    settle(&d);
    assert!(!block_on(d[2].state()).unwrap().is_member(&kit), "the maker and one other person admitted the kit");
    // The approval screen names the maker, who saw the words.
    let view = block_on(d[2].governance()).unwrap();
    let request = view.pending.iter().find(|p| p.device.id == kit).expect("the kit waits");
    assert_eq!(request.kit_maker.as_ref(), Some(&d[0].device().id));
    block_on(d[2].accept(&kit)).unwrap();
    settle(&d);
    assert!(block_on(d[2].state()).unwrap().is_member(&kit), "two members other than the maker admit it");
}

/// A kit in a one- or two-device vault can still be admitted: the maker alone in a vault of one,
/// the other device in a vault of two. A maker that does not approve keeps its kit out (the words
/// must be stored first).
#[test]
fn a_kit_in_a_small_vault_needs_every_other_member_and_its_makers_word() {
    let net = Net::new();
    let solo = vault_of(&net, "solo", 1);
    let made = make_kit(&solo[0], &net, "paper kit");
    let kit = made.member.id.clone();
    block_on(solo[0].accept(&kit)).unwrap();
    assert!(block_on(solo[0].state()).unwrap().is_member(&kit));
    // A second kit: the first one (the only other member) must approve it, typed in.
    let second = make_kit(&solo[0], &net, "second kit").member.id;
    block_on(solo[0].accept(&second)).unwrap();
    assert!(!block_on(solo[0].state()).unwrap().is_member(&second), "its maker alone admitted a second kit");
    let session = kit_session(&made, "paper kit", net.server.transport(), &net);
    block_on(session.attach("solo")).unwrap();
    block_on(solo[0].sync()).unwrap();
    block_on(session.confirm_log(&block_on(solo[0].log_fingerprint()).unwrap())).unwrap();
    block_on(session.accept(&second)).unwrap();
    block_on(solo[0].sync()).unwrap();
    assert!(block_on(solo[0].state()).unwrap().is_member(&second));

    let pair = vault_of(&net, "pair", 2);
    let kit = make_kit(&pair[0], &net, "paper kit").member.id;
    block_on(pair[1].sync()).unwrap();
    block_on(pair[1].accept(&kit)).unwrap();
    settle(&pair);
    assert!(!block_on(pair[0].state()).unwrap().is_member(&kit), "admitted before its maker stored the words");
    block_on(pair[0].accept(&kit)).unwrap();
    settle(&pair);
    assert!(block_on(pair[1].state()).unwrap().is_member(&kit));
}

/// A kit is a join request the maker signed for: a paper device without its maker's signature, or
/// naming a maker that did not sign, is refused.
#[test]
fn a_kit_without_its_makers_signature_is_refused() {
    use meta_secret_core::paper::KitSeed;
    let net = Net::new();
    let _d = vault_of(&net, "v", 2);
    let keys = KitSeed::generate().device_keys("paper kit").unwrap();
    let client =
        VaultClient::open_with_keys(MemoryStore::new(), net.server.transport(), Box::new(net.clock.clone()), keys);
    let kit = block_on(client).unwrap();
    let refused = block_on(kit.request_join("v")).unwrap_err();
    assert_eq!(
        meta_secret_core::error::HasErrorCode::code(&refused),
        meta_secret_core::ErrorCode::InvalidInput,
        "{refused}"
    );
}

/// Attack 8: outsiders keep a vault's door shut by filling the waiting list. Requests without an
/// invite share a small pool; a device a member invited still gets in while it is full.
#[test]
fn an_outsider_flood_never_shuts_out_an_invited_device() {
    use meta_secret_core::error::HasErrorCode;
    use meta_secret_core::vault::governance::MAX_PENDING;
    use meta_secret_core::vault::MembershipStatus;
    use meta_secret_core::ErrorCode;
    let net = Net::new();
    let d = vault_of(&net, "v", 2);
    let mut refused = 0;
    for i in 0..MAX_PENDING {
        let outsider = net.device(&format!("outsider-{i}"));
        if let Err(error) = block_on(outsider.request_join("v")) {
            assert_eq!(error.code(), ErrorCode::RateLimited, "{error}");
            refused += 1;
        }
    }
    assert!(refused > 0, "outsiders filled every place a device may wait in");
    let uninvited = net.device("genuine but uninvited");
    assert_eq!(block_on(uninvited.request_join("v")).unwrap_err().code(), ErrorCode::RateLimited);

    let invite = block_on(d[0].create_invite(None)).unwrap();
    let phone = net.device("phone");
    let status = block_on(phone.request_join_with_invite(&invite.code)).expect("an invited device is not rate limited");
    assert_eq!(status, MembershipStatus::Pending);
    block_on(d[1].sync()).unwrap();
    let view = block_on(d[1].governance()).unwrap();
    let request = view.pending.iter().find(|p| p.device.id == phone.device().id).expect("it waits");
    assert_eq!(request.invited_by.as_ref(), Some(&d[0].device().id));
    meta_secret_tests::admit(&d, &phone);
    block_on(phone.sync()).expect("the vault is the one the invite names");
    assert_eq!(block_on(phone.status("v")).unwrap(), MembershipStatus::Member);
}

/// An invite admits one request, before it expires and unless revoked; a stolen proof admits no
/// other device; a mistyped code is refused before anything is sent.
#[test]
fn an_invite_is_used_once_expires_and_can_be_revoked() {
    use meta_secret_core::error::HasErrorCode;
    use meta_secret_core::ErrorCode;
    let net = Net::new();
    let d = vault_of(&net, "v", 2);
    let invite = block_on(d[0].create_invite(Some(60_000))).unwrap();
    block_on(d[1].sync()).unwrap();
    assert_eq!(block_on(d[1].invites()).unwrap().len(), 1);
    block_on(net.device("first").request_join_with_invite(&invite.code)).unwrap();
    let again = block_on(net.device("second").request_join_with_invite(&invite.code)).unwrap_err();
    assert_eq!(again.code(), ErrorCode::InviteInvalid, "{again}");

    let expiring = block_on(d[0].create_invite(Some(60_000))).unwrap();
    net.clock.advance(61_000);
    let late = block_on(net.device("late").request_join_with_invite(&expiring.code)).unwrap_err();
    assert_eq!(late.code(), ErrorCode::InviteInvalid, "{late}");

    let revoked = block_on(d[0].create_invite(None)).unwrap();
    block_on(d[1].sync()).unwrap();
    block_on(d[1].revoke_invite(&revoked.invite_key)).unwrap();
    let refused = block_on(net.device("revoked").request_join_with_invite(&revoked.code)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InviteInvalid, "{refused}");

    let typo = block_on(net.device("typo").request_join_with_invite("msi1:v:not-a-key:x")).unwrap_err();
    assert_eq!(typo.code(), ErrorCode::InvalidInput);
    let too_long = block_on(d[0].create_invite(Some(31 * 24 * 3_600_000))).err().map(|e| e.code());
    assert_eq!(too_long, Some(ErrorCode::InvalidInput));
}

/// A hostile server puts an invited device into another vault of the same name, with the invite's
/// public key (it saw it in the real log) copied into a fake `InviteCreated`. The device refuses
/// that vault once it sees its genesis, and stays refusing.
#[test]
fn an_invited_device_refuses_a_vault_other_than_the_one_its_invite_names() {
    use meta_secret_core::error::HasErrorCode;
    use meta_secret_core::event::GenericKvLogEvent;
    use meta_secret_core::ErrorCode;
    let real = Net::new();
    let d = vault_of(&real, "v", 2);
    let invite = block_on(d[0].create_invite(None)).unwrap();

    let fake = Net::new();
    let impostor = vault_of(&fake, "v", 1);
    let copied = GenericKvLogEvent::InviteCreated {
        invite_key: invite.invite_key.clone(),
        expires_ms: fake.clock_now() + 3_600_000,
    };
    meta_secret_tests::push_raw(&impostor[0], &fake, copied).expect("the fake vault holds the copied invite");
    let phone = fake.device("phone");
    block_on(phone.request_join_with_invite(&invite.code)).expect("the fake vault takes the request");
    meta_secret_tests::admit(&impostor, &phone);
    let refused = block_on(phone.sync()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InviteMismatch, "{refused}");
    let still = block_on(phone.add_secret("bank", b"pw", 1)).unwrap_err();
    assert_eq!(still.code(), ErrorCode::InviteMismatch, "{still}");
}

/// Attack 3: rollback of a fresh session. r opens a claim, then a and b remove r. A hostile server
/// shows a recovery kit typed in on a fresh browser the log as it was before the removal (r still
/// a member, its claim open and fresh); one approval there would send r a partial. The session
/// now approves nothing until a person compared its log with another device's fingerprint, and a
/// fingerprint from a current device does not match the old view.
#[test]
fn a_fresh_session_shown_an_old_log_sends_no_approval() {
    use meta_secret_core::error::HasErrorCode;
    use meta_secret_core::ErrorCode;
    use meta_secret_tests::TamperingTransport;
    let net = Net::new();
    let d = vault_of(&net, "v", 3);
    let secret = block_on(d[0].add_secret("bank", b"pw", 2)).unwrap().id;
    let kit = make_kit(&d[0], &net, "paper kit");
    let kit_id = kit.member.id.clone();
    // The kit's own keys in a session of their own, to vote like any device would.
    meta_secret_tests::admit(&d, &kit_session(&kit, "paper kit", net.server.transport(), &net));
    settle(&d);
    assert!(block_on(d[0].state()).unwrap().is_member(&kit_id));
    let r = &d[2];
    let claim = block_on(r.request_recovery(&secret)).unwrap();
    let cut = net.head("v");
    for member in &d[..2] {
        block_on(member.sync()).unwrap();
        block_on(member.remove_device(&r.device().id)).unwrap();
    }
    settle(&d[..2]);
    assert!(!block_on(d[0].state()).unwrap().is_member(&r.device().id));

    let hostile = TamperingTransport::new(net.server.transport());
    hostile.set(move |response| {
        response.commits.retain(|c| c.seq <= cut.seq);
        if response.head.is_some_and(|head| head.seq > cut.seq) {
            response.head = Some(cut);
        }
        response.more = false;
    });
    let session = kit_session(&kit, "paper kit", hostile.clone(), &net);
    block_on(session.attach("v")).unwrap();
    let view = block_on(session.state()).unwrap();
    assert!(view.is_member(&r.device().id) && view.claims.contains_key(&claim), "the session sees the old log");
    let refused = block_on(session.approve(&claim)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UnverifiedView, "{refused}");
    assert!(!hostile.sent_contains("recovery_partial"), "a partial left the fresh session");
    // Nor does a dealing, a secret or a vote (one gate for every event it could sign).
    let share = block_on(session.share_with_new_members()).map(drop).unwrap_err();
    assert_eq!(share.code(), ErrorCode::UnverifiedView, "{share}");
    let add = block_on(session.add_secret("note", b"x", 2)).map(drop).unwrap_err();
    assert_eq!(add.code(), ErrorCode::UnverifiedView, "{add}");
    let vote = block_on(session.remove_device(&d[1].device().id)).unwrap_err();
    assert_eq!(vote.code(), ErrorCode::UnverifiedView, "{vote}");
    assert_eq!(block_on(session.gateway().outbox_len()), 0, "nothing waits to be sent");

    // A current device's fingerprint is not on the old view's chain.
    let honest = block_on(d[0].log_fingerprint()).unwrap();
    let mismatch = block_on(session.confirm_log(&honest)).unwrap_err();
    assert_eq!(mismatch.code(), ErrorCode::UnverifiedView, "{mismatch}");
    assert!(block_on(session.view_unverified()));
    // With the honest log, the same fingerprint checks out and the session may act.
    hostile.clear();
    block_on(session.confirm_log(&honest)).expect("the honest log holds the other device's head");
    assert!(!block_on(session.view_unverified()));
    assert!(block_on(session.approve(&claim)).is_err(), "r's claim is closed in the current log");
    assert!(!hostile.sent_contains("recovery_partial"));
}

/// A kit the maker made earlier is the maker's too (it saw the words): its vote never counts
/// toward the maker's next kit. Otherwise a compromised maker with one kit admitted would need
/// one honest vote for its second kit, and none for its third.
#[test]
fn a_makers_earlier_kit_does_not_vote_its_next_kit_in() {
    let net = Net::new();
    let d = vault_of(&net, "v", 3);
    let first = make_kit(&d[0], &net, "kit one");
    meta_secret_tests::admit(&d, &kit_session(&first, "kit one", net.server.transport(), &net));
    settle(&d);
    assert!(block_on(d[0].state()).unwrap().is_member(&first.member.id));
    // The maker types its first kit in (it saw the words) and votes with it and with itself.
    let session = kit_session(&first, "kit one", net.server.transport(), &net);
    block_on(session.attach("v")).unwrap();
    block_on(session.trust_log_without_comparison()).unwrap();
    let second = make_kit(&d[0], &net, "kit two").member.id;
    block_on(d[0].accept(&second)).unwrap();
    block_on(session.sync()).unwrap();
    block_on(session.accept(&second)).unwrap();
    block_on(d[1].sync()).unwrap();
    block_on(d[1].accept(&second)).unwrap();
    settle(&d);
    assert!(
        !block_on(d[2].state()).unwrap().is_member(&second),
        "the maker, its own first kit and one other person admitted a second kit"
    );
    block_on(d[2].accept(&second)).unwrap();
    settle(&d);
    assert!(block_on(d[2].state()).unwrap().is_member(&second), "both other devices admit it");
}

/// An expired invite stays expired: a join request back-dated to before the expiry (in a quiet
/// vault, where no later event voided the invite) is refused by the server's clock.
#[test]
fn an_expired_invite_cannot_be_used_by_back_dating_the_request() {
    use meta_secret_core::event::{GenericKvLogEvent, SignedEvent, VaultName};
    use meta_secret_core::invite::Invite;
    use meta_secret_core::sync::wire::SyncRequest;
    let net = Net::new();
    let d = vault_of(&net, "v", 2);
    let made = block_on(d[0].create_invite(Some(60_000))).unwrap();
    let signed_before_expiry = net.clock_now() + 30_000;
    net.clock.advance(3_600_000);
    let invite = Invite::parse(&made.code).unwrap();
    let keys =
        meta_secret_core::identity::DeviceKeys::generate("late", meta_secret_core::identity::DeviceKind::Desktop)
            .unwrap();
    let receive_key = meta_secret_tests::receive_key();
    let proof = invite.sign_join(keys.info(), &receive_key);
    let event = GenericKvLogEvent::JoinRequested {
        candidate: keys.info().clone(),
        receive_key,
        kit_maker: None,
        invite: Some(proof),
    };
    let vault = VaultName::parse("v").unwrap();
    let signed = SignedEvent::sign_at(&keys, &vault, 1, Default::default(), signed_before_expiry, event);
    let request = SyncRequest { cursor: Default::default(), push: vec![signed], limit: None };
    let head = net.head("v");
    let response = net.raw_sync(&keys, "v", &request);
    let body = String::from_utf8_lossy(&response.body);
    assert_eq!(response.status, 403, "{body}");
    assert!(body.contains("INVITE_INVALID"), "{body}");
    assert_eq!(net.head("v"), head, "nothing was stored");
}

/// One member cannot use up the vault's invites (8 open invites each), and a removed member's
/// invites are void.
#[test]
fn one_member_cannot_hoard_the_invites() {
    use meta_secret_core::error::HasErrorCode;
    use meta_secret_core::vault::invites::MAX_INVITES_PER_MEMBER;
    let net = Net::new();
    let d = vault_of(&net, "v", 3);
    for _ in 0..MAX_INVITES_PER_MEMBER {
        block_on(d[2].create_invite(None)).unwrap();
    }
    let refused = block_on(d[2].create_invite(None)).err().map(|e| e.code());
    assert_eq!(refused, Some(meta_secret_core::ErrorCode::RateLimited));
    block_on(d[0].sync()).unwrap();
    let honest = block_on(d[0].create_invite(None)).expect("another member still invites");
    for member in &d[..2] {
        block_on(member.sync()).unwrap();
        block_on(member.remove_device(&d[2].device().id)).unwrap();
    }
    settle(&d[..2]);
    let open = block_on(d[0].invites()).unwrap();
    assert_eq!(open.len(), 1, "the removed member's invites are void");
    assert_eq!(open[0].invite_key, honest.invite_key);
}

//! One approval for many secrets (the extension's session unlock): claims opened together share a
//! batch id, and `approve_batch` answers all of them with one person's action. It never reaches
//! another requester's claims, even with the same batch id, and each secret's threshold holds.

use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::GenericKvLogEvent as E;
use meta_secret_core::secrets::events::{new_object_id, RecoveryRequest};
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, push_raw, settle, vault_of, Net};

#[test]
fn one_approval_answers_a_batch_and_each_threshold_still_holds() {
    let net = Net::new();
    let d = vault_of(&net, "batch", 3);
    meta_secret_tests::open_level(&d, 3);
    let (a, b, c) = (&d[0], &d[1], &d[2]);
    let texts = ["mail: one", "bank: two", "shop: three"];
    let mut ids: Vec<String> = texts.iter().map(|t| block_on(a.add_secret(t, t.as_bytes(), 2)).unwrap().id).collect();
    let strict = block_on(a.add_secret("vault: all three", b"three of three", 3)).unwrap().id;
    ids.push(strict.clone());
    settle(&d);

    let (batch, claims) = block_on(b.request_recoveries(&ids)).unwrap();
    assert_eq!(claims.len(), 4);
    block_on(a.sync()).unwrap();
    let listed = block_on(a.known_claims()).unwrap();
    assert!(listed.iter().filter(|c| claims.contains(&c.id)).all(|c| c.batch.as_deref() == Some(batch.as_str())));
    // One person's action on a answers all four claims.
    assert_eq!(block_on(a.approve_batch(&b.device().id, &batch, &claims)).unwrap(), 4);
    for (claim, text) in claims.iter().zip(texts) {
        assert_eq!(block_on(b.reveal(claim)).unwrap(), text.as_bytes());
    }
    // The 3-of-3 secret still needs a third device.
    assert_eq!(block_on(b.reveal(&claims[3])).unwrap_err().code(), ErrorCode::InsufficientShares);
    assert_eq!(block_on(c.approve_batch(&b.device().id, &batch, &claims)).unwrap(), 1, "only the open claim is left");
    assert_eq!(block_on(b.reveal(&claims[3])).unwrap(), b"three of three");
    // Answered already: nothing waits.
    let again = block_on(a.approve_batch(&b.device().id, &batch, &claims)).unwrap_err();
    assert_eq!(again.code(), ErrorCode::InvalidInput);
}

#[test]
fn a_batch_id_reaches_only_its_own_requesters_claims() {
    let net = Net::new();
    let d = vault_of(&net, "batch-theft", 3);
    let (a, b, c) = (&d[0], &d[1], &d[2]);
    let mine = block_on(a.add_secret("mine", b"b's to unlock", 2)).unwrap().id;
    let target = block_on(a.add_secret("target", b"c wants this", 2)).unwrap().id;
    settle(&d);
    let (batch, asked) = block_on(b.request_recoveries(std::slice::from_ref(&mine))).unwrap();
    // c copies b's batch id onto its own claim, hoping a's approval of b's unlock covers it.
    let smuggled = block_on(c.request_recovery(&target)).unwrap();
    let state = block_on(c.state()).unwrap();
    let epoch = state.generation_of(&target).unwrap().1.epoch;
    let forged = RecoveryRequest {
        claim_id: new_object_id(),
        secret_id: target.clone(),
        epoch,
        ephemeral_recipient: age::x25519::Identity::generate().to_public().to_string(),
        batch: Some(batch.clone()),
    };
    assert!(push_raw(c, &net, E::RecoveryRequested(forged.clone())).is_ok(), "a claim may name any batch");
    // Named among the claims approved, c's claim refuses the whole approval: it is not b's.
    let with_forged = [asked.clone(), vec![forged.claim_id.clone()]].concat();
    let refused = block_on(a.approve_batch(&b.device().id, &batch, &with_forged)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
    assert_eq!(block_on(a.approve_batch(&b.device().id, &batch, &asked)).unwrap(), 1, "b's claim only");
    block_on(a.sync()).unwrap();
    let claims = block_on(a.known_claims()).unwrap();
    for id in [&smuggled, &forged.claim_id] {
        assert_eq!(claims.iter().find(|c| &c.id == id).unwrap().approvals, 0, "c's claims stay unapproved");
    }
    // A malformed batch id is refused by the aggregate.
    let bad = RecoveryRequest { claim_id: new_object_id(), batch: Some("not-hex".into()), ..forged };
    assert_eq!(push_raw(c, &net, E::RecoveryRequested(bad)), Err(ErrorCode::InvalidInput));
    assert_eq!(block_on(b.request_recoveries(&[])).unwrap_err().code(), ErrorCode::InvalidInput);
}

#[test]
fn a_secret_sealed_wrongly_fails_its_own_reveal_and_the_rest_of_the_batch_opens() {
    use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};
    let net = Net::new();
    let d = vault_of(&net, "batch-bad-secret", 3);
    let (a, b, c) = (&d[0], &d[1], &d[2]);
    let good = block_on(b.add_secret("good", b"fine", 2)).unwrap().id;
    // b seals a secret whose value is another secret's ciphertext: the server cannot tell.
    block_on(b.sync()).unwrap();
    let state = block_on(b.state()).unwrap();
    let (id, generation) = state.generation_of(&good).unwrap();
    let names_key = block_on(b.share_of(&good)).unwrap().names_key;
    let public = generation.public_key().unwrap().clone();
    let metadata = SecretMetadata { name: "planted".into() };
    let distributor = MetaDistributor::new(&state.vault);
    let mut planted =
        distributor.seal(&new_object_id(), id, &public.0, &names_key, b"planted", &metadata).expect("seal");
    let other = distributor.seal(&new_object_id(), id, &public.0, &names_key, b"other", &metadata).expect("seal");
    planted.ciphertext = other.ciphertext;
    let bad = planted.secret_id.clone();
    assert!(push_raw(b, &net, E::SecretSealed(planted)).is_ok(), "the server cannot see inside a secret");
    settle(&d);

    let (batch, claims) = block_on(c.request_recoveries(&[bad.clone(), good.clone()])).unwrap();
    block_on(a.sync()).unwrap();
    assert_eq!(block_on(a.approve_batch(&c.device().id, &batch, &claims)).unwrap(), 2, "one approval answers both");
    assert_eq!(block_on(c.reveal(&claims[1])).unwrap(), b"fine");
    let err = block_on(c.reveal(&claims[0])).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidShares, "an error, never a wrong secret: {err}");
}

//! The aggregate's secret rules, driven through real devices with hand-made events: what the
//! server refuses or rejects, and that nothing lands when it does.

use meta_secret_core::error::HasErrorCode;
use meta_secret_core::event::GenericKvLogEvent;
use meta_secret_core::secrets::events::{new_object_id, RecoveryPurpose, RecoveryRequest};
use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, settle, vault_of, Device, Net};

/// Queues `event` without the local pre-check and syncs; returns the error code it got.
fn push_raw(device: &Device, net: &Net, vault: &str, event: GenericKvLogEvent) -> ErrorCode {
    let before = net.head(vault);
    // Bypass the client's own checks: sign and queue as a buggy or malicious client would.
    let outcome = block_on(async {
        let gateway = device.gateway();
        let state = gateway.state().await.unwrap();
        let seq = state.last_author_seq(gateway.keys().id()).max(50) + 1;
        let signed = meta_secret_core::event::SignedEvent::sign(gateway.keys(), &state.vault, seq, event);
        let body = serde_json::to_vec(&meta_secret_core::sync::wire::SyncRequest {
            cursor: state.head,
            push: vec![signed],
            limit: None,
        })
        .unwrap();
        let request = meta_secret_tests::signed_request(gateway.keys(), vault, body, net.clock_now());
        net.server.handle(&request).await
    });
    assert_eq!(net.head(vault), before, "a refused or rejected event changed the log");
    let body: serde_json::Value = serde_json::from_slice(&outcome.body).unwrap();
    let code = if outcome.status == 200 { &body["results"][0]["code"] } else { &body["code"] };
    serde_json::from_value(code.clone()).unwrap_or_else(|_| panic!("no error in {body}"))
}

fn claim(secret_id: &str, version: u32, purpose: RecoveryPurpose) -> GenericKvLogEvent {
    let recipient = age_recipient();
    GenericKvLogEvent::RecoveryRequested(RecoveryRequest {
        claim_id: new_object_id(),
        secret_id: secret_id.to_owned(),
        version,
        ephemeral_recipient: recipient,
        purpose,
    })
}

fn age_recipient() -> String {
    meta_secret_core::identity::DeviceKeys::generate("e", meta_secret_core::identity::DeviceKind::Paper)
        .unwrap()
        .info()
        .age_recipient
        .clone()
}

#[test]
fn a_resplit_claim_must_answer_the_latest_membership_change() {
    let net = Net::new();
    let d = vault_of(&net, "p", 3);
    let info = block_on(d[0].add_secret("s", b"v", 2)).unwrap();
    settle(&d);
    let state = block_on(d[1].state()).unwrap();
    // Holders already match the members: there is nothing to re-split, so no auto-approvable claim.
    let fake = claim(&info.id, 1, RecoveryPurpose::Resplit { membership_seq: state.membership_seq });
    assert_eq!(push_raw(&d[1], &net, "p", fake), ErrorCode::InvalidInput);
    // An older membership change cannot be cited either.
    let old = claim(&info.id, 1, RecoveryPurpose::Resplit { membership_seq: 1 });
    assert_eq!(push_raw(&d[1], &net, "p", old), ErrorCode::InvalidInput);
    // A claim on an outdated version, or on an unknown secret, is rejected.
    assert_eq!(push_raw(&d[1], &net, "p", claim(&info.id, 7, RecoveryPurpose::Reveal)), ErrorCode::Conflict);
    assert_eq!(
        push_raw(&d[1], &net, "p", claim(&"f".repeat(32), 1, RecoveryPurpose::Reveal)),
        ErrorCode::UnknownSecret
    );
}

#[test]
fn reveal_claims_are_never_approved_automatically() {
    let net = Net::new();
    let d = vault_of(&net, "auto", 3);
    let info = block_on(d[0].add_secret("s", b"v", 2)).unwrap();
    settle(&d);
    let claim_id = block_on(d[1].request_recovery(&info.id)).unwrap();
    settle(&d);
    let claims = block_on(d[1].recovery_claims()).unwrap();
    let claim = claims.iter().find(|c| c.id == claim_id).unwrap();
    assert_eq!(claim.approvals, 0, "orchestrators left a reveal claim for a person to decide");
}

#[test]
fn a_split_must_give_one_share_to_every_member() {
    let net = Net::new();
    let d = vault_of(&net, "m", 3);
    let mut members = block_on(d[0].state()).unwrap().members;
    let metadata = SecretMetadata { name: "n".into() };
    let excluded = members.keys().last().unwrap().clone();
    members.remove(&excluded);
    let partial = MetaDistributor::new(&members).distribute(&new_object_id(), 1, 2, b"v", &metadata).unwrap();
    assert_eq!(push_raw(&d[0], &net, "m", GenericKvLogEvent::SecretSplit(partial)), ErrorCode::InvalidInput);

    let all = block_on(d[0].state()).unwrap().members;
    let mut doubled = MetaDistributor::new(&all).distribute(&new_object_id(), 1, 2, b"v", &metadata).unwrap();
    doubled.shares[1].device = doubled.shares[0].device.clone();
    assert_eq!(push_raw(&d[0], &net, "m", GenericKvLogEvent::SecretSplit(doubled)), ErrorCode::InvalidInput);

    let mut k_one = MetaDistributor::new(&all).distribute(&new_object_id(), 1, 2, b"v", &metadata).unwrap();
    k_one.k = 1;
    assert_eq!(push_raw(&d[0], &net, "m", GenericKvLogEvent::SecretSplit(k_one)), ErrorCode::InvalidInput);

    let mut v2 = MetaDistributor::new(&all).distribute(&new_object_id(), 2, 2, b"v", &metadata).unwrap();
    v2.version = 2;
    assert_eq!(push_raw(&d[0], &net, "m", GenericKvLogEvent::SecretSplit(v2)), ErrorCode::Conflict);
    let err = block_on(d[0].delete_secret(&"a".repeat(32))).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownSecret);
}

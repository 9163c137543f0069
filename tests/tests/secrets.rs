//! Secrets end to end over the in-process transport: split, recovery by approval, re-share on
//! membership change, and what the server and devices hold afterwards.

use meta_secret_core::error::HasErrorCode;
use meta_secret_core::secrets::MetaEncryptor;
use meta_secret_core::vault::ClaimStatus;
use meta_secret_core::ErrorCode;
use meta_secret_tests::{admit, block_on, generation_of, open_level, own_share_value, settle, vault_of, Net};

fn claim_status(device: &meta_secret_tests::Device, claim_id: &str) -> ClaimStatus {
    block_on(device.recovery_claims()).unwrap().into_iter().find(|c| c.id == claim_id).unwrap().status
}

#[test]
fn five_devices_three_of_five_recover_with_three_and_fail_with_two() {
    let net = Net::new();
    let d = vault_of(&net, "five", 5);
    open_level(&d, 3);
    let secret = "correct horse battery staple";
    let info = block_on(d[0].add_secret("bank", secret.as_bytes(), 3)).unwrap();
    assert_eq!((info.k, info.n, info.epoch), (3, 5, 1));
    settle(&d);
    for device in &d {
        let listed = block_on(device.secrets()).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name.as_deref(), Some("bank"), "every member decrypts the name locally");
    }

    let claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    let duplicate_claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    block_on(d[2].approve(&claim)).unwrap();
    let short = block_on(d[1].reveal(&claim)).unwrap_err();
    assert_eq!(short.code(), ErrorCode::InsufficientShares, "own share + 1 approval is 2 of 3: {short}");
    block_on(d[3].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap(), secret.as_bytes());
    assert_eq!(claim_status(&d[4], &claim), ClaimStatus::Completed);
    assert_eq!(claim_status(&d[4], &duplicate_claim), ClaimStatus::Open, "each claim closes on its own");
    block_on(d[1].cancel_recovery(&duplicate_claim)).unwrap();
    assert_eq!(claim_status(&d[4], &duplicate_claim), ClaimStatus::Completed, "a requester can close its claim");
    let again = block_on(d[4].approve(&claim)).unwrap_err();
    assert_eq!(again.code(), ErrorCode::ClaimClosed, "{again}");

    // Declines: 4 possible approvers, 2 needed; the third decline makes it unreachable.
    let claim = block_on(d[4].request_recovery(&info.id)).unwrap();
    block_on(d[0].decline_claim(&claim)).unwrap();
    block_on(d[1].decline_claim(&claim)).unwrap();
    assert_eq!(claim_status(&d[4], &claim), ClaimStatus::Open);
    block_on(d[2].approve(&claim)).unwrap();
    block_on(d[3].decline_claim(&claim)).unwrap();
    assert_eq!(claim_status(&d[4], &claim), ClaimStatus::Failed);
    assert_eq!(block_on(d[4].reveal(&claim)).unwrap_err().code(), ErrorCode::ClaimFailed);
    let listed = block_on(d[0].recovery_claims()).unwrap();
    let failed = listed.iter().find(|c| c.id == claim).unwrap();
    assert_eq!((failed.approvals, failed.declines, failed.needed), (1, 3, 2));
}

#[test]
fn thresholds_are_checked() {
    let net = Net::new();
    let d = vault_of(&net, "t", 3);
    for k in [0, 1, 4] {
        let err = block_on(d[0].add_secret("x", b"y", k)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "k = {k}: {err}");
    }
    assert_eq!(block_on(d[0].add_secret("", b"y", 2)).unwrap_err().code(), ErrorCode::InvalidInput);
    let solo = vault_of(&Net::new(), "solo", 1);
    let info = block_on(solo[0].add_secret("only me", b"y", 1)).unwrap();
    let claim = block_on(solo[0].request_recovery(&info.id)).unwrap();
    assert_eq!(block_on(solo[0].reveal(&claim)).unwrap(), b"y", "k = 1 needs no approvals");
    assert_eq!(block_on(d[0].reveal("0".repeat(32).as_str())).unwrap_err().code(), ErrorCode::UnknownClaim);
}

#[test]
fn a_device_that_joins_after_the_split_receives_a_share_by_reshare_and_helps_recover() {
    let net = Net::new();
    let mut d = vault_of(&net, "j", 3);
    let info = block_on(d[0].add_secret("wifi", "hunter2 ✓".as_bytes(), 2)).unwrap();
    settle(&d);
    let before = generation_of(&d[0], &info.id).epoch;

    let newcomer = net.device("newcomer");
    block_on(newcomer.request_join("j")).unwrap();
    // Two people approve (the quorum); each approval deals that holder's share to the new set.
    admit(&d[1..], &newcomer);
    d.push(newcomer);
    settle(&d);

    let listed = block_on(d[3].secrets()).unwrap();
    assert_eq!(listed.len(), 1);
    let expected = (Some("wifi"), 2, 4, before + 1);
    assert_eq!((listed[0].name.as_deref(), listed[0].k, listed[0].n, listed[0].epoch), expected);
    let generation = generation_of(&d[0], &info.id);
    assert_eq!(generation.holders.len(), 4, "every member holds a share of the next epoch");
    assert!(generation.round.is_none(), "the round closed");

    let claim = block_on(d[0].request_recovery(&info.id)).unwrap();
    block_on(d[3].approve(&claim)).unwrap();
    assert_eq!(block_on(d[0].reveal(&claim)).unwrap(), "hunter2 ✓".as_bytes());
}

#[test]
fn a_removed_devices_old_share_cannot_mix_with_current_shares() {
    use meta_secret_core::secrets::vss::combine;
    let net = Net::new();
    let d = vault_of(&net, "r", 4);
    let info = block_on(d[0].add_secret("vpn", b"s3cr3t", 2)).unwrap();
    settle(&d);
    let old = own_share_value(&d[2], &info.id);
    let old_peer = own_share_value(&d[1], &info.id);
    let secret_scalar = combine(&[(old.0, &old.1), (old_peer.0, &old_peer.1)]).unwrap();
    let before = generation_of(&d[0], &info.id).epoch;

    block_on(d[0].remove_device(&d[2].device().id)).unwrap();
    block_on(d[1].remove_device(&d[2].device().id)).unwrap();
    let remaining = [&d[0], &d[1], &d[3]];
    for _ in 0..4 {
        for device in remaining {
            block_on(device.sync()).unwrap();
        }
    }
    let record = generation_of(&d[0], &info.id);
    assert_eq!((record.epoch, record.holders.len()), (before + 1, 3), "re-shared to the three remaining devices");
    assert!(!record.holders.contains_key(&d[2].device().id));
    // New secrets go to the level's new generation, which device 2 never held.
    let after = block_on(d[0].add_secret("after", b"new", 2)).unwrap();
    let fresh = generation_of(&d[0], &after.id);
    assert_ne!(fresh.commitments[0], record.commitments[0], "a new key generation");
    assert!(!fresh.holders.contains_key(&d[2].device().id));

    let current = own_share_value(&d[1], &info.id);
    let other = own_share_value(&d[3], &info.id);
    assert_eq!(combine(&[(current.0, &current.1), (other.0, &other.1)]).unwrap(), secret_scalar);
    for x in 1..=4 {
        if x != current.0 {
            let mixed = combine(&[(x, &old.1), (current.0, &current.1)]).unwrap();
            assert_ne!(mixed, secret_scalar, "an old share at x={x} combined with a new one");
        }
    }
    let claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    let err = block_on(d[2].approve(&claim)).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotMember, "{err}");
    block_on(d[3].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap(), b"s3cr3t");

    // A device that leaves is re-shared away too.
    block_on(d[3].leave()).unwrap();
    for _ in 0..4 {
        block_on(d[0].sync()).unwrap();
        block_on(d[1].sync()).unwrap();
    }
    let record = generation_of(&d[0], &info.id);
    assert_eq!((record.epoch, record.k, record.holders.len()), (before + 2, 2, 2));
    assert!(!record.holders.contains_key(&d[3].device().id));
    let claim = block_on(d[0].request_recovery(&info.id)).unwrap();
    block_on(d[1].approve(&claim)).unwrap();
    assert_eq!(block_on(d[0].reveal(&claim)).unwrap(), b"s3cr3t");
}

#[test]
fn deleting_a_secret_removes_it_and_closes_its_claims() {
    let net = Net::new();
    let d = vault_of(&net, "del", 2);
    let keep = block_on(d[0].add_secret("keep", b"1", 2)).unwrap();
    let gone = block_on(d[0].add_secret("gone", b"2", 2)).unwrap();
    let claim = block_on(d[1].request_recovery(&gone.id)).unwrap();
    block_on(d[0].delete_secret(&gone.id)).unwrap();
    block_on(d[1].sync()).unwrap();
    assert_eq!(block_on(d[1].secrets()).unwrap().len(), 2, "one vote of two deletes nothing");
    assert_eq!(block_on(d[0].delete_secret(&gone.id)).unwrap_err().code(), ErrorCode::AlreadyVoted);
    block_on(d[1].delete_secret(&gone.id)).unwrap();
    let names: Vec<_> = block_on(d[1].secrets()).unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(names, vec![Some("keep".to_owned())]);
    assert_eq!(claim_status(&d[1], &claim), ClaimStatus::Stale);
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap_err().code(), ErrorCode::ClaimClosed);
    assert_eq!(block_on(d[1].request_recovery(&gone.id)).unwrap_err().code(), ErrorCode::UnknownSecret);
    block_on(d[0].sync()).unwrap();
    let left: Vec<String> = block_on(d[0].secrets()).unwrap().into_iter().map(|s| s.id).collect();
    assert_eq!(left, vec![keep.id]);
}

#[test]
fn a_long_multibyte_secret_round_trips() {
    let net = Net::new();
    let d = vault_of(&net, "u", 3);
    let text = "Пароль: 秘密の鍵 🔐 — ünïcødé ".repeat(150);
    assert!(text.len() > 6_000);
    let info = block_on(d[0].add_secret("notes ✍", text.as_bytes(), 2)).unwrap();
    let claim = block_on(d[2].request_recovery(&info.id)).unwrap();
    block_on(d[1].approve(&claim)).unwrap();
    assert_eq!(String::from_utf8(block_on(d[2].reveal(&claim)).unwrap()).unwrap(), text);
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.len() >= 8 && haystack.windows(needle.len()).any(|w| w == needle)
}

fn encodings(bytes: &[u8]) -> Vec<Vec<u8>> {
    use meta_secret_core::encoding::Bytes;
    vec![bytes.to_vec(), Bytes(bytes.to_vec()).to_base64().into_bytes()]
}

#[test]
fn the_server_never_holds_a_plaintext_secret_a_share_or_a_name_and_devices_keep_no_foreign_shares() {
    let net = Net::new();
    let mut d = vault_of(&net, "scan", 3);
    let secret = "plaintext-Zq9-never-on-the-server";
    let name = "name-Xk7-never-on-the-server";
    let info = block_on(d[0].add_secret(name, secret.as_bytes(), 2)).unwrap();
    let claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    block_on(d[2].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap(), secret.as_bytes());
    let late = net.device("late");
    block_on(late.request_join("scan")).unwrap();
    admit(&d, &late);
    d.push(late);
    settle(&d);
    assert_eq!(generation_of(&d[3], &info.id).holders.len(), 4, "a re-share happened too");

    let mut needles: Vec<(String, Vec<u8>)> = Vec::new();
    for form in encodings(secret.as_bytes()).into_iter().chain(encodings(name.as_bytes())) {
        needles.push(("secret or name".into(), form));
    }
    for device in &d {
        let (_, value) = own_share_value(device, &info.id);
        for form in encodings(&value.to_bytes().0) {
            needles.push((format!("share of {}", device.device().name), form));
        }
    }
    let stores = net.server.stores();
    assert!(!stores.is_empty());
    for store in stores {
        let dump = store.dump().unwrap();
        assert!(dump.len() > 1000, "the scan reads real data");
        for (what, needle) in &needles {
            assert!(!contains(&dump, needle), "server store holds a {what}");
        }
    }

    // Devices: no ephemeral key is left, and nobody can open an approval sealed to the discarded
    // ephemeral key.
    let state = block_on(d[0].state()).unwrap();
    for device in &d {
        assert_eq!(
            block_on(meta_secret_core::store::LogStore::kv_get(device.gateway().store(), "recovery/keys")).unwrap(),
            None
        );
        let identity = device.gateway().keys().age_identity();
        for claim in state.claims.values() {
            for seq in claim.partials.values() {
                let commit = block_on(meta_secret_core::store::LogStore::commit_at(d[0].gateway().store(), *seq));
                let event = commit.unwrap().unwrap().event.event;
                let meta_secret_core::event::GenericKvLogEvent::RecoveryPartial { sealed, .. } = event else {
                    panic!()
                };
                assert!(MetaEncryptor::open(&sealed, identity).is_err(), "{} opens an approval", device.device().name);
            }
        }
    }
}

#[test]
fn the_state_snapshot_keeps_share_locations_not_sealed_bytes() {
    let net = Net::new();
    let d = vault_of(&net, "many", 3);
    let big_secret = vec![7u8; 4096];
    // Past the first snapshot point (64 commits), so the server has written one.
    for i in 0..70 {
        block_on(d[0].add_secret(&format!("secret {i}"), &big_secret, 2)).unwrap();
    }
    // The log holds 70 sealed values of over 4 KiB each; the snapshot that the server rewrites
    // must not grow with them.
    let store = net.server.stores().into_iter().next().unwrap();
    let snapshot = block_on(meta_secret_core::store::LogStore::kv_get(&store, "server/state")).unwrap().unwrap();
    assert!(snapshot.len() < 48 * 1024, "snapshot is {} bytes", snapshot.len());
    // And every secret still opens from the log.
    block_on(d[1].sync()).unwrap();
    let claim = block_on(d[1].request_recovery(&block_on(d[1].secrets()).unwrap()[0].id)).unwrap();
    block_on(d[2].sync()).unwrap();
    block_on(d[2].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap(), big_secret);
}

#[test]
fn the_state_snapshot_writes_every_map_as_a_json_object_even_when_empty() {
    let net = Net::new();
    let d = vault_of(&net, "maps", 3);
    let info = block_on(d[0].add_secret("bank", b"pin", 2)).unwrap();
    block_on(d[1].sync()).unwrap();
    let claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    block_on(d[0].sync()).unwrap();
    // Empty here: pending, declined, removed, votes and the claim's partials. The sorted-Vec maps
    // write `[]` when empty unless told otherwise; older readers want `{}`.
    let state = serde_json::to_value(&*block_on(d[0].state()).unwrap()).unwrap();
    let maps = [
        "members",
        "pending",
        "declined",
        "removed",
        "author_seqs",
        "votes",
        "approved_by",
        "secrets",
        "claims",
        "last_event_ms",
    ];
    for field in maps {
        assert!(state[field].is_object(), "{field} is {}", state[field]);
    }
    let generation = state["secrets"][info.id.as_str()]["generation"].as_str().unwrap().to_owned();
    assert!(state["generations"]["generations"][&generation]["holders"].is_object());
    assert!(state["claims"][claim.as_str()]["partials"].is_object(), "{}", state["claims"][claim.as_str()]);
    assert_eq!(state["pending"], serde_json::json!({}));
    assert_eq!(state["claims"][claim.as_str()]["partials"], serde_json::json!({}));
}

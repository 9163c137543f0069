//! Issue 23, "large changes are paged": a dealing signs the Merkle root of its parts; the server
//! keeps every part and hands each device only its own, so a device downloads O(log n) per
//! dealing, not n parts. Before this, every device downloaded every target's part.

use meta_secret_core::client::SecretInfo;
use meta_secret_core::event::VaultName;
use meta_secret_core::event::{Commit, GenericKvLogEvent as E};
use meta_secret_core::store::{LogStore, Page};
use meta_secret_core::vault::generations::deal_reshare;
use meta_secret_core::vault::generations::parts::verify_path;
use meta_secret_core::ErrorCode;
use meta_secret_tests::{block_on, export_all, generation_of, push_raw, settle, vault_of, Device, Net};

fn dealings(commit: &Commit) -> Vec<meta_secret_core::vault::generations::GenerationDealing> {
    match &commit.event.event {
        E::GenerationDealt(dealing) => vec![dealing.clone()],
        E::JoinApproved { dealings, .. } => dealings.clone(),
        _ => Vec::new(),
    }
}

fn all_commits<S: LogStore>(store: &S) -> Vec<Commit> {
    block_on(store.read_after(0, Page::commits(100_000))).expect("read")
}

/// A vault of `count` devices with one secret, whose first two devices have voted out the last.
fn vault_voting_out_its_last(net: &Net, vault: &str, count: usize) -> (Vec<Device>, SecretInfo) {
    let d = vault_of(net, vault, count);
    let info = block_on(d[0].add_secret("bank", b"value", 2)).expect("add");
    settle(&d);
    let removed = d[count - 1].device().id.clone();
    block_on(d[0].remove_device(&removed)).expect("vote");
    block_on(d[1].remove_device(&removed)).expect("vote");
    (d, info)
}

#[test]
fn each_device_receives_only_its_own_part_of_every_dealing() {
    let net = Net::new();
    // A removal re-shares the generation to five devices and opens the next one among them.
    let (d, info) = vault_voting_out_its_last(&net, "addressed", 6);
    settle(&d[..5]);
    assert!(generation_of(&d[0], &info.id).round.is_none(), "the re-share completed");

    let server = net.server.stores().into_iter().next().expect("the vault's store");
    let stored = all_commits(&server);
    let mut widest = 0;
    for commit in &stored {
        for dealing in dealings(commit) {
            assert!(!dealing.parts.is_empty(), "the server keeps every target's part");
            assert!(dealing.parts.iter().all(|p| p.path.is_empty()), "stored bare: paths are made per pull");
            widest = widest.max(dealing.parts.len());
        }
    }
    assert!(widest >= 5, "there were dealings to five or more devices to look at ({widest})");

    for device in &d[..5] {
        let me = device.device().id.clone();
        let local = all_commits(device.gateway().store());
        assert_eq!(local.len(), stored.len(), "the device has the whole log");
        let (mut mine, mut local_bytes, mut server_bytes) = (0, 0, 0);
        for (held, full) in local.iter().zip(&stored) {
            assert_eq!(held.hash(), full.hash(), "the same commits, parts aside");
            for (dealing, whole) in dealings(held).iter().zip(dealings(full)) {
                assert!(dealing.parts.iter().all(|p| p.target == me), "only parts addressed to this device");
                assert!(dealing.parts.len() <= 1);
                for part in &dealing.parts {
                    assert!(verify_path(&dealing.parts_root, whole.parts.len(), part), "its path leads to the root");
                    assert!(part.path.len() <= 3, "a path of at most log2(6) hashes");
                }
                let addressed_to_me = whole.parts.iter().any(|p| p.target == me);
                assert_eq!(dealing.parts.len(), usize::from(addressed_to_me), "its own part whenever there is one");
                mine += dealing.parts.len();
                local_bytes += serde_json::to_vec(dealing).expect("json").len();
                server_bytes += serde_json::to_vec(&whole).expect("json").len();
            }
        }
        assert!(mine > 0, "the device received parts");
        assert!(local_bytes * 2 < server_bytes, "{local_bytes} B of dealings held vs {server_bytes} B on the server");
    }
    // And the vault still works: the removed device is gone, the others reveal.
    let claim = block_on(d[1].request_recovery(&info.id)).expect("claim");
    block_on(d[2].approve(&claim)).expect("approve");
    assert_eq!(block_on(d[1].reveal(&claim)).expect("reveal"), b"value");
}

#[test]
fn a_dealing_pushed_without_every_part_is_refused_and_stores_nothing() {
    let net = Net::new();
    let (d, info) = vault_voting_out_its_last(&net, "incomplete", 4);
    let dealer = &d[2];
    block_on(dealer.gateway().sync()).expect("sync");
    let state = block_on(dealer.state()).expect("state");
    let share = block_on(dealer.share_of(&info.id)).expect("share");
    let head = state.head;
    let mut dealing = deal_reshare(&state.generations, &share, dealer.gateway().keys().id()).expect("deal");
    dealing.parts.pop();
    assert_eq!(push_raw(dealer, &net, E::GenerationDealt(dealing.clone())), Err(ErrorCode::InvalidInput));
    dealing.parts.clear();
    assert_eq!(push_raw(dealer, &net, E::GenerationDealt(dealing)), Err(ErrorCode::InvalidInput));
    let server = net.server.stores().into_iter().next().expect("store");
    assert_eq!(block_on(server.head()).expect("head"), head, "nothing was stored");
    settle(&d[..3]);
    assert!(generation_of(&d[0], &info.id).round.is_none(), "the honest dealings still complete the round");
}

/// A restore takes in whole dealings only, as a push does: a backup whose dealings lost their parts
/// (so that no device could ever take up its share) is refused, not restored.
#[test]
fn a_backup_whose_dealings_lost_their_parts_is_not_restored() {
    let source = Net::new();
    let vault = VaultName::parse("stripped").expect("name");
    let d = vault_of(&source, "stripped", 3);
    block_on(d[0].add_secret("bank", b"value", 2)).expect("add");
    settle(&d);
    let mut pages = export_all(&source, &vault);
    let mut stripped = 0;
    for page in &mut pages {
        for commit in &mut page.commits {
            for dealing in commit.event.event.dealings_mut() {
                stripped += dealing.parts.len();
                dealing.parts.pop();
            }
        }
    }
    assert!(stripped > 0, "there were parts to strip");
    let target = Net::new();
    let restored = target.server.app(&vault);
    let outcome: Result<(), String> = pages.iter().try_for_each(|page| {
        block_on(restored.import_page(page, target.clock_now())).map(drop).map_err(|e| format!("{:?}", e.code))
    });
    assert_eq!(outcome, Err("Malformed".to_string()), "the restore is refused");
}

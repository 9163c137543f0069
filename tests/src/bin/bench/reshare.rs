//! Re-sharing figures: the CPU of one secret's re-share against one split (9), and adding a
//! device to a vault of 100 secrets over `wrangler dev` against adding those secrets fresh (10).

use meta_secret_core::vault::LiteMap;
use std::time::Instant;

use meta_secret_core::event::VaultName;
use meta_secret_core::identity::{DeviceId, DeviceKeys, DeviceKind};
use meta_secret_core::secrets::distributor::resplit_threshold;
use meta_secret_core::secrets::events::{DealingBundle, SecretMetadata, SharePayload};
use meta_secret_core::secrets::vss::{combine, lagrange_at_zero, Commitments, ShareValue};
use meta_secret_core::secrets::{deal_reshare, MetaDistributor, MetaEncryptor, SecretShareKnowledge};
use meta_secret_core::store::MemoryStore;
use meta_secret_tests::{block_on, http_device_with_store, HttpDevice};

use crate::timing::{compare, median};
use crate::Row;

const ID: &str = "0123456789abcdef0123456789abcdef";
const SECRET: &[u8] = b"correct horse battery staple, 64 bytes of password-ish text.....";

/// Every device's work in a 3-of-5 re-share to 5 members: 3 dealers open their share and deal;
/// 5 targets open 3 bundles, check 3 sub-shares, combine and check the result.
fn reshare_once(keys: &[DeviceKeys], split: &meta_secret_core::secrets::events::SecretSplit) {
    let infos: Vec<_> = keys.iter().map(|k| k.info()).collect();
    let old = Commitments::from_wire(&split.commitments).expect("commitments");
    let dealers = &keys[..3];
    let dealings: Vec<_> = dealers
        .iter()
        .enumerate()
        .map(|(i, dealer)| {
            let payload: SharePayload =
                MetaEncryptor::open_json(&split.shares[i], dealer.age_identity()).expect("open");
            let value = ShareValue::from_bytes(&payload.value.0).expect("value");
            assert!(old.verify(payload.x, &value));
            let share = SecretShareKnowledge {
                secret_id: ID.into(),
                epoch: 1,
                new_k: resplit_threshold(3, 5),
                value,
                metadata: payload.metadata,
                metadata_salt: payload.metadata_salt,
            };
            deal_reshare(&infos, &[share]).expect("deal")
        })
        .collect();
    let xs = [1u8, 2, 3];
    let weights = lagrange_at_zero(&xs).expect("weights");
    let parts: Vec<Commitments> =
        dealings.iter().map(|d| Commitments::from_wire(&d.secrets[0].commitments).expect("c")).collect();
    let new = Commitments::combine(&parts.iter().collect::<Vec<_>>(), &weights).expect("combine");
    for (j, target) in keys.iter().enumerate() {
        let subs: Vec<(u8, ShareValue)> = dealings
            .iter()
            .zip(&parts)
            .zip(xs)
            .map(|((dealing, commitments), x)| {
                let bundle: DealingBundle =
                    MetaEncryptor::open_json(&dealing.sealed[j], target.age_identity()).expect("open");
                let value = ShareValue::from_bytes(&bundle.entries[0].value.0).expect("value");
                assert!(commitments.verify(j as u8 + 1, &value));
                (x, value)
            })
            .collect();
        let share = combine(&subs.iter().map(|(x, v)| (*x, v)).collect::<Vec<_>>()).expect("combine");
        assert!(new.verify(j as u8 + 1, &share));
    }
}

/// Figure 9: re-share of one 3-of-5 secret to 5 members, all devices' CPU, against one split.
pub fn reshare_vs_split(rounds: usize) -> Row {
    let keys: Vec<DeviceKeys> =
        (0..5).map(|i| DeviceKeys::generate(&format!("d{i}"), DeviceKind::Desktop).expect("keys")).collect();
    let mut sorted: Vec<&DeviceKeys> = keys.iter().collect();
    sorted.sort_by(|a, b| a.id().cmp(b.id()));
    let members: LiteMap<DeviceId, _> = keys.iter().map(|k| (k.id().clone(), k.info().clone())).collect();
    let vault = VaultName::parse("bench").expect("vault");
    let metadata = SecretMetadata { name: "bank".into() };
    let distributor = MetaDistributor::new(&vault, &members);
    let split = distributor.distribute(ID, 3, SECRET, &metadata).expect("split");
    let ordered: Vec<DeviceKeys> = sorted.iter().map(|k| crate::native::copy_keys(k)).collect();
    let (reshare, one_split) = compare(rounds, 5, &mut || reshare_once(&ordered, &split), &mut || {
        distributor.distribute(ID, 3, SECRET, &metadata).expect("split");
    });
    Row::ratio(
        "9",
        "re-share one 3-of-5 secret to 5 members (every device's CPU) vs one split",
        reshare,
        one_split,
        3.0,
    )
}

fn settle(devices: &[&HttpDevice]) {
    for _ in 0..6 {
        for device in devices {
            block_on(device.sync()).expect("sync");
        }
    }
}

/// Figure 10: adding a device to a 3-device vault holding 100 secrets (two approvals that deal
/// every share, every device checking) until the new device holds all 100, against adding the
/// 100 secrets fresh.
pub fn add_device_vs_add_secrets(url: &str, rounds: usize) -> Row {
    let (mut joins, mut adds) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let vault = format!("join-{}-{round}", std::process::id());
        let devices: Vec<HttpDevice> =
            (0..3).map(|i| http_device_with_store(url, &format!("d{i}"), MemoryStore::new())).collect();
        block_on(devices[0].create_vault(&vault)).expect("create");
        for (i, device) in devices.iter().enumerate().skip(1) {
            block_on(device.request_join(&vault)).expect("join");
            meta_secret_tests::admit(&devices[..i], device);
        }
        let start = Instant::now();
        for i in 0..100 {
            block_on(devices[0].add_secret(&format!("secret {i}"), SECRET, 2)).expect("add");
        }
        adds.push(start.elapsed().as_secs_f64());
        let refs: Vec<&HttpDevice> = devices.iter().collect();
        settle(&refs);

        let newcomer = http_device_with_store(url, "new", MemoryStore::new());
        block_on(newcomer.request_join(&vault)).expect("join");
        let start = Instant::now();
        block_on(devices[0].accept(&newcomer.device().id)).expect("accept");
        block_on(devices[1].accept(&newcomer.device().id)).expect("accept");
        let all: Vec<&HttpDevice> = devices.iter().chain([&newcomer]).collect();
        loop {
            for device in &all {
                block_on(device.sync()).expect("sync");
            }
            let listed = block_on(newcomer.secrets()).expect("secrets");
            if listed.len() == 100 && listed.iter().all(|s| s.name.is_some()) {
                break;
            }
            assert!(start.elapsed().as_secs() < 300, "the re-share did not complete");
        }
        joins.push(start.elapsed().as_secs_f64());
    }
    Row::ratio(
        "10",
        "add a device to a vault of 100 secrets (wrangler dev, until it holds all 100) vs adding them fresh",
        median(joins),
        median(adds),
        1.5,
    )
}

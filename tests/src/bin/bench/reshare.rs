//! Key-generation figures: the CPU of making one 3-of-5 generation against sealing one secret (9),
//! and adding a device to a vault of 100 secrets over `wrangler dev` against adding those secrets
//! fresh (10).

use std::time::Instant;

use meta_secret_core::event::VaultName;
use meta_secret_core::identity::{DeviceId, DeviceKeys, DeviceKind};
use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::vault::generations::{
    combine_sub_shares, deal_dkg, new_receive_key, open_part, Generations, Membership, RoundKind,
};
use meta_secret_tests::{block_on, http_device_with_store, HttpDevice};

use crate::timing::{compare, median};
use crate::Row;

const ID: &str = "0123456789abcdef0123456789abcdef";
const SECRET: &[u8] = b"correct horse battery staple, 64 bytes of password-ish text.....";

struct Everyone;

impl Membership for Everyone {
    fn is_member(&self, _: &DeviceId) -> bool {
        true
    }
    fn approved(&self, _: &DeviceId, _: &DeviceId) -> bool {
        true
    }
}

/// Every device's work for one 3-of-5 generation (the work of a re-share too): 3 dealers deal
/// (the aggregate checks each), 5 targets open and check 3 parts each and sum them.
fn generation_once(
    vault: &VaultName,
    ids: &[DeviceId],
    keys: &[(meta_secret_core::vault::generations::ReceiveSecret, meta_secret_core::encoding::Bytes)],
) {
    let mut gens = Generations::new(vault.clone());
    for (id, (_, public)) in ids.iter().zip(keys) {
        gens.set_receive_key(id, public.clone()).expect("key");
    }
    let generation = gens.open_generation(3, ids).expect("open");
    let mut dealings = Vec::new();
    for (seq, dealer) in ids[..3].iter().enumerate() {
        let dealing = deal_dkg(&gens, generation, dealer).expect("deal");
        gens.check_dealing(dealer, &dealing, &Everyone).expect("valid");
        gens.fold_dealing(seq as u64 + 1, dealer, &dealing);
        dealings.push((dealer, dealing));
    }
    for (target, (secret, _)) in ids.iter().zip(keys) {
        let subs: Vec<_> = dealings
            .iter()
            .map(|(dealer, dealing)| {
                let mine = dealing.part_for(target).expect("addressed");
                let part = open_part(vault.as_str(), generation, dealing, dealer, target, mine, secret).expect("part");
                (0u8, part.value)
            })
            .collect();
        combine_sub_shares(RoundKind::Dkg, &subs).expect("sum");
    }
}

/// Figure 9: one 3-of-5 key generation, every device's CPU, against sealing one secret.
pub fn reshare_vs_split(rounds: usize) -> Row {
    let mut ids: Vec<DeviceId> = (0..5)
        .map(|i| DeviceKeys::generate(&format!("d{i}"), DeviceKind::Desktop).expect("keys").id().clone())
        .collect();
    ids.sort();
    let keys: Vec<_> = ids.iter().map(|_| new_receive_key()).collect();
    let vault = VaultName::parse("bench").expect("vault");
    let metadata = SecretMetadata { name: "bank".into() };
    let public = new_receive_key().1;
    let generation = meta_secret_core::vault::GenerationId { level: 3, number: 1 };
    let distributor = MetaDistributor::new(&vault);
    let (made, sealed) = compare(rounds, 5, &mut || generation_once(&vault, &ids, &keys), &mut || {
        distributor.seal(ID, generation, &public.0, &[7; 32], SECRET, &metadata).expect("seal");
    });
    Row::ratio(
        "9",
        "make (or re-share) one 3-of-5 key generation (every device's CPU) vs sealing one secret",
        made,
        sealed,
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

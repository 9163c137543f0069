//! Property test over random vaults: k, n, joins, removals and a malicious dealer. After every
//! change, the secret is recovered by any k current shares, never by k − 1 or by a mix with a
//! departed device's old share, and every bad dealing is named by a complaint in the log.
//! `RESHARE_CASES` sets the number of cases (default 12; the soak command in the README uses 100).

use meta_secret_core::event::GenericKvLogEvent as E;
use meta_secret_core::secrets::distributor::resplit_threshold;
use meta_secret_core::secrets::events::{Dealing, DealingBundle, SecretDealing, SubShare, SECRET_FORMAT};
use meta_secret_core::secrets::vss::{combine, deal, ShareValue};
use meta_secret_core::secrets::MetaEncryptor;
use meta_secret_tests::{admit, block_on, own_share_value, push_raw, settle, vault_of, Device, Net};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// A dealing of `dealer`'s share whose commitments are honest but whose sub-share for the target
/// at `victim` is off by one.
fn bad_dealing(dealer: &Device, secret_id: &str, victim: usize) -> Dealing {
    block_on(dealer.gateway().sync()).unwrap();
    let state = block_on(dealer.state()).unwrap();
    let own = meta_secret_tests::own_share(dealer, secret_id);
    let record = &state.secrets[secret_id];
    let n = state.members.len() as u8;
    let (values, commitments) = deal(&own.value, resplit_threshold(record.k, n.into()), n).unwrap();
    let sealed = state
        .members
        .values()
        .zip(&values)
        .enumerate()
        .map(|(j, (member, value))| {
            let value = if j == victim { ShareValue(value.0 + curve25519_dalek::Scalar::ONE) } else { value.clone() };
            let entry = SubShare {
                secret_id: secret_id.to_owned(),
                epoch: record.epoch,
                value: value.to_bytes(),
                metadata: own.metadata.clone(),
                metadata_salt: own.metadata_salt.clone(),
            };
            let bundle = DealingBundle { format: SECRET_FORMAT, entries: vec![entry] };
            MetaEncryptor::seal_json(&bundle, &member.recipient().unwrap()).unwrap()
        })
        .collect();
    Dealing {
        format: SECRET_FORMAT,
        targets: state.members.keys().cloned().collect(),
        secrets: vec![SecretDealing {
            secret_id: secret_id.to_owned(),
            epoch: record.epoch,
            commitments: commitments.to_wire(),
        }],
        sealed,
    }
}

fn complaints_about(net: &Net, seq: u64) -> usize {
    let store = net.server.stores().into_iter().next().unwrap();
    let commits = block_on(meta_secret_core::store::LogStore::read_after(
        &store,
        0,
        meta_secret_core::store::Page::commits(100_000),
    ))
    .unwrap();
    commits.iter().filter(|c| matches!(&c.event.event, E::ReshareComplained(x) if x.dealing_seq == seq)).count()
}

fn check_secret(devices: &[&Device], secret_id: &str, scalar: &ShareValue, k: u8, departed: &[(u8, ShareValue)]) {
    let shares: Vec<(u8, ShareValue)> = devices.iter().map(|d| own_share_value(d, secret_id)).collect();
    let state = block_on(devices[0].state()).unwrap();
    let record = &state.secrets[secret_id];
    assert_eq!(record.k, k);
    assert!(record.holders.keys().eq(state.members.keys()), "every member holds a share");
    let mut rng = rand::rngs::StdRng::seed_from_u64(record.epoch.into());
    let mut picked: Vec<&(u8, ShareValue)> = shares.iter().collect();
    picked.shuffle(&mut rng);
    let set: Vec<(u8, &ShareValue)> = picked.iter().take(k.into()).map(|(x, v)| (*x, v)).collect();
    assert_eq!(&combine(&set).unwrap(), scalar, "k shares recover");
    if k > 1 {
        assert_ne!(&combine(&set[1..]).unwrap(), scalar, "k - 1 shares do not");
        for (old_x, old) in departed {
            let mut mixed = set[1..].to_vec();
            if mixed.iter().all(|(x, _)| x != old_x) {
                mixed.push((*old_x, old));
                assert_ne!(&combine(&mixed).unwrap(), scalar, "a departed device's old share does not mix");
            }
        }
    }
}

#[test]
fn random_joins_removals_and_bad_dealers_keep_the_secret_exactly_recoverable() {
    let cases: u64 = std::env::var("RESHARE_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let (mut bad_dealings, mut joins, mut removals) = (0, 0, 0);
    for case in 0..cases {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5eed + case);
        let n: usize = rng.gen_range(3..=5);
        let k: u8 = rng.gen_range(2..=(n as u8 - 1));
        let net = Net::new();
        let vault = format!("case-{case}");
        let mut devices = vault_of(&net, &vault, n);
        let info = block_on(devices[0].add_secret("s", b"property", k)).unwrap();
        settle(&devices);
        let first: Vec<(u8, ShareValue)> =
            devices.iter().take(k.into()).map(|d| own_share_value(d, &info.id)).collect();
        let scalar = combine(&first.iter().map(|(x, v)| (*x, v)).collect::<Vec<_>>()).unwrap();
        let mut departed = Vec::new();
        for step in 0..3 {
            let remove = devices.len() > usize::from(k) + 1 && rng.gen_bool(0.5);
            if remove {
                let index = rng.gen_range(2..devices.len());
                let gone = devices.remove(index);
                removals += 1;
                departed.push(own_share_value(&gone, &info.id));
                for voter in &devices[..2] {
                    block_on(voter.remove_device(&gone.device().id)).unwrap();
                }
                if rng.gen_bool(0.6) {
                    // A remaining holder deals first, with one target's sub-share wrong.
                    let dealer = rng.gen_range(0..devices.len());
                    let victim = rng.gen_range(0..devices.len());
                    let bad = bad_dealing(&devices[dealer], &info.id, victim);
                    let seq = push_raw(&devices[dealer], &net, E::ReshareDealt(bad)).expect("bad dealing lands");
                    settle(&devices);
                    assert_eq!(complaints_about(&net, seq), 1, "case {case} step {step}: bad dealing named");
                    bad_dealings += 1;
                }
            } else {
                let newcomer = net.device(&format!("new-{step}"));
                block_on(newcomer.request_join(&vault)).unwrap();
                admit(&devices, &newcomer);
                joins += 1;
                // With k above the quorum, more holders than the admitting ones must deal: each is
                // a person's approval on that device.
                for holder in &devices {
                    block_on(holder.sync()).unwrap();
                    let state = block_on(holder.state()).unwrap();
                    let open = state.round(&info.id).is_some_and(|r| r.chosen.len() < usize::from(k));
                    if open {
                        let _ = block_on(holder.accept(&newcomer.device().id));
                    }
                }
                devices.push(newcomer);
            }
            settle(&devices);
            let refs: Vec<&Device> = devices.iter().collect();
            let k_now = block_on(devices[0].state()).unwrap().secrets[&info.id].k;
            assert_eq!(k_now, k.max(2).min(devices.len() as u8), "case {case}: the threshold rule holds");
            check_secret(&refs, &info.id, &scalar, k_now, &departed);
        }
        // And the value itself: k − 1 approvals reveal it, fewer never do.
        let requester = &devices[devices.len() - 1];
        let claim = block_on(requester.request_recovery(&info.id)).unwrap();
        let k_now = block_on(requester.state()).unwrap().secrets[&info.id].k;
        for approver in devices.iter().take(usize::from(k_now) - 1) {
            let err = block_on(requester.reveal(&claim)).unwrap_err();
            assert_eq!(meta_secret_core::HasErrorCode::code(&err), meta_secret_core::ErrorCode::InsufficientShares);
            block_on(approver.approve(&claim)).unwrap();
        }
        assert_eq!(block_on(requester.reveal(&claim)).unwrap(), b"property", "case {case}");
    }
    println!("{cases} cases: {joins} joins, {removals} removals, {bad_dealings} bad dealings");
    assert!(cases < 6 || (bad_dealings > 0 && joins > 0 && removals > 0), "the cases cover every kind of step");
}

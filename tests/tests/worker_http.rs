//! End to end against the real worker in `wrangler dev` (workerd, SQLite Durable Objects).

use meta_secret_core::error::HasErrorCode;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::vault::MembershipStatus;
use meta_secret_core::ErrorCode;
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
use meta_secret_tests::{block_on, http_device, http_device_with_store, HttpDevice};

fn settle(devices: &[&HttpDevice]) {
    for _ in 0..4 {
        for device in devices {
            block_on(device.sync()).expect("sync");
        }
    }
}

fn head_hash(device: &HttpDevice) -> String {
    block_on(device.state()).unwrap().head.hash.to_hex()
}

#[test]
fn membership_secrets_and_recovery_over_http_survive_a_restart() {
    let persist = temp_dir("e2e");
    let mut dev = WranglerDev::start(&persist);
    let url = dev.url();
    let (a_store, b_store, c_store) = (MemoryStore::new(), MemoryStore::new(), MemoryStore::new());
    let a = http_device_with_store(&url, "a", a_store.clone());
    let b = http_device_with_store(&url, "b", b_store.clone());
    let c = http_device_with_store(&url, "c", c_store.clone());

    assert_eq!(block_on(a.status("family")).unwrap(), MembershipStatus::NoVault);
    block_on(a.create_vault("family")).unwrap();
    assert_eq!(block_on(b.request_join("family")).unwrap(), MembershipStatus::Pending);
    assert_eq!(block_on(c.request_join("family")).unwrap(), MembershipStatus::Pending);
    block_on(a.accept(&b.device().id)).unwrap();
    block_on(a.decline(&c.device().id)).unwrap();
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::Declined);
    assert_eq!(block_on(c.request_join("family")).unwrap_err().code(), ErrorCode::Declined);
    block_on(b.reopen(&c.device().id)).unwrap();
    block_on(a.reopen(&c.device().id)).unwrap();
    assert_eq!(block_on(c.request_join("family")).unwrap(), MembershipStatus::Pending);
    let code = c.verification_code("family").unwrap();
    block_on(b.sync()).unwrap();
    assert_eq!(code, block_on(b.verification_code_of(&c.device().id)).unwrap(), "both sides show one code");
    block_on(b.accept(&c.device().id)).unwrap();
    block_on(a.accept(&c.device().id)).unwrap();
    settle(&[&a, &b, &c]);
    assert_eq!(block_on(a.members()).unwrap().len(), 3);

    let secret = "Geheimnis: 秘密 🔐 over HTTP";
    let info = block_on(a.add_secret("bank", secret.as_bytes(), 2)).unwrap();
    let claim = block_on(c.request_recovery(&info.id)).unwrap();
    block_on(b.approve(&claim)).unwrap();
    assert_eq!(block_on(c.reveal(&claim)).unwrap(), secret.as_bytes());
    settle(&[&a, &b, &c]);
    let head_before = head_hash(&a);
    assert_eq!(head_hash(&b), head_before);
    assert_eq!(head_hash(&c), head_before);

    // Kill the server and restart it on the same state: every acknowledged event is still there.
    dev.stop();
    let dev = WranglerDev::start(&persist);
    let url = dev.url();
    let a = http_device_with_store(&url, "a", a_store);
    let b = http_device_with_store(&url, "b", b_store);
    let report = block_on(a.sync()).unwrap();
    assert_eq!((report.status, report.pulled), (MembershipStatus::Member, 0));
    assert_eq!(head_hash(&a), head_before, "the server's head survived the restart");
    block_on(b.remove_device(&c.device().id)).unwrap();
    block_on(a.remove_device(&c.device().id)).unwrap();
    settle(&[&a, &b]);
    assert_eq!(head_hash(&a), head_hash(&b));
    let listed = block_on(a.secrets()).unwrap();
    assert_eq!(listed[0].n, 2, "re-shared without the removed device");
    let c = http_device_with_store(&url, "c", c_store);
    assert_eq!(block_on(c.status("family")).unwrap(), MembershipStatus::NotMember);
}

#[test]
fn a_join_to_a_missing_vault_fails_with_no_vault() {
    let dev = WranglerDev::start(&temp_dir("missing"));
    let d = http_device(&dev.url(), "d");
    assert_eq!(block_on(d.request_join("nowhere")).unwrap_err().code(), ErrorCode::NoVault);
}

#[test]
fn ten_devices_push_fifty_events_each_at_once_and_converge() {
    use meta_secret_core::event::GenericKvLogEvent;
    use meta_secret_core::secrets::events::new_object_id;
    use meta_secret_core::secrets::{MetaDistributor, SecretMetadata};

    let dev = WranglerDev::start(&temp_dir("concurrency"));
    let url = dev.url();
    let stores: Vec<MemoryStore> = (0..10).map(|_| MemoryStore::new()).collect();
    {
        let devices: Vec<HttpDevice> =
            stores.iter().enumerate().map(|(i, s)| http_device_with_store(&url, &format!("d{i}"), s.clone())).collect();
        block_on(devices[0].create_vault("busy")).unwrap();
        for (i, d) in devices.iter().enumerate().skip(1) {
            block_on(d.request_join("busy")).unwrap();
            meta_secret_tests::admit(&devices[..i], d);
        }
        // Every device queues 50 secrets (one signed event each) before anyone pushes.
        meta_secret_tests::settle(&devices);
        for d in &devices {
            block_on(d.gateway().sync()).unwrap();
            let state = block_on(d.state()).unwrap();
            let (id, generation) = state.generations.current(1).expect("the vault's level");
            let public = generation.public_key().unwrap().clone();
            let names_key = block_on(d.generation_share(id)).unwrap().names_key;
            for i in 0..50 {
                let metadata = SecretMetadata { name: format!("{} #{i}", d.device().name) };
                let sealed = MetaDistributor::new(&state.vault)
                    .seal(&new_object_id(), id, &public.0, &names_key, b"x", &metadata)
                    .unwrap();
                block_on(d.gateway().enqueue(GenericKvLogEvent::SecretSealed(sealed))).unwrap();
            }
        }
    }
    let base = block_on(http_device_with_store(&url, "d0", stores[0].clone()).state()).unwrap().head.seq;
    let barrier = std::sync::Barrier::new(10);
    std::thread::scope(|scope| {
        for (i, store) in stores.iter().enumerate() {
            let (url, barrier) = (&url, &barrier);
            scope.spawn(move || {
                let device = http_device_with_store(url, &format!("d{i}"), store.clone());
                barrier.wait();
                let report = block_on(device.gateway().sync()).expect("concurrent sync");
                assert_eq!(report.committed.len(), 50, "device {i}: {report:?}");
            });
        }
    });
    let devices: Vec<HttpDevice> =
        stores.iter().enumerate().map(|(i, s)| http_device_with_store(&url, &format!("d{i}"), s.clone())).collect();
    let heads: Vec<String> = devices
        .iter()
        .map(|d| {
            block_on(d.gateway().sync()).unwrap();
            head_hash(d)
        })
        .collect();
    assert!(heads.iter().all(|h| h == &heads[0]), "devices diverged: {heads:?}");
    let state = block_on(devices[3].state()).unwrap();
    assert_eq!(state.head.seq, base + 500, "all 500 events stored exactly once");
    assert_eq!(state.secrets.len(), 500);
}

#[test]
fn a_response_lost_when_the_server_dies_is_retried_without_a_duplicate() {
    let persist = temp_dir("lost");
    let mut dev = WranglerDev::start(&persist);
    let store = MemoryStore::new();
    let a = http_device_with_store(&dev.url(), "a", store.clone());
    let b = http_device(&dev.url(), "b");
    block_on(a.create_vault("crash")).unwrap();
    block_on(b.request_join("crash")).unwrap();
    block_on(a.sync()).unwrap();
    // The event is queued; the server dies before the device hears back.
    block_on(a.gateway().enqueue(meta_secret_core::event::GenericKvLogEvent::JoinApproved {
        device: b.device().id.clone(),
        dealings: Vec::new(),
    }))
    .unwrap();
    dev.stop();
    let err = block_on(a.gateway().sync()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Network);
    let dev = WranglerDev::start(&persist);
    let a = http_device_with_store(&dev.url(), "a", store);
    let first = block_on(a.gateway().sync()).unwrap();
    assert_eq!(first.committed.len(), 1);
    let head = block_on(a.state()).unwrap().head;
    // The vault and its first key generation (4), the join request, the approval.
    assert_eq!(head.seq, 6);
    // Push the same event again as a device would after a lost response: acknowledged, not duplicated.
    let retried = block_on(a.gateway().sync()).unwrap();
    assert_eq!(retried.pulled, 0);
    assert_eq!(block_on(a.state()).unwrap().head, head);
}

#[test]
fn five_devices_three_of_five_over_http() {
    use meta_secret_core::vault::ClaimStatus;

    let dev = WranglerDev::start(&temp_dir("five"));
    let url = dev.url();
    let d: Vec<HttpDevice> = (0..5).map(|i| http_device(&url, &format!("d{i}"))).collect();
    block_on(d[0].create_vault("five")).unwrap();
    for (i, device) in d.iter().enumerate().skip(1) {
        block_on(device.request_join("five")).unwrap();
        meta_secret_tests::admit(&d[..i], device);
    }
    settle(&d.iter().collect::<Vec<_>>());
    meta_secret_tests::open_level(&d, 3);
    let info = block_on(d[0].add_secret("bank", "🔑 3-of-5".as_bytes(), 3)).unwrap();
    assert_eq!((info.k, info.n), (3, 5));

    let claim = block_on(d[1].request_recovery(&info.id)).unwrap();
    block_on(d[2].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap_err().code(), ErrorCode::InsufficientShares);
    block_on(d[3].approve(&claim)).unwrap();
    assert_eq!(block_on(d[1].reveal(&claim)).unwrap(), "🔑 3-of-5".as_bytes());

    let doomed = block_on(d[4].request_recovery(&info.id)).unwrap();
    for decliner in [&d[0], &d[1], &d[2]] {
        block_on(decliner.decline_claim(&doomed)).unwrap();
    }
    let claims = block_on(d[4].recovery_claims()).unwrap();
    assert_eq!(claims.iter().find(|c| c.id == doomed).unwrap().status, ClaimStatus::Failed);
    assert_eq!(block_on(d[4].reveal(&doomed)).unwrap_err().code(), ErrorCode::ClaimFailed);
}

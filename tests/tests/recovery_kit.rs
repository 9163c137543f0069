//! Recovery kits on the core (issue "Recovery kit"): a member on paper whose keys come from 24
//! words, counted toward the quorum like any device. Here: the kit's keys from typed words, the
//! vault of 3 devices + 1 kit that loses two devices and recovers every secret, and a kit alone
//! below the quorum. (The printable page, the JS API and the browser flow are not built yet.)

use age::secrecy::ExposeSecret;
use meta_secret_core::client::VaultClient;
use meta_secret_core::error::HasErrorCode;
use meta_secret_core::paper::KitSeed;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::{SyncProtocol, TransportError, TransportRequest, TransportResponse};
use meta_secret_core::vault::MembershipStatus;
use meta_secret_core::ErrorCode;
use meta_secret_tests::{admit, block_on, vault_of, Device, Net};

fn kit_member(net: &Net, words: &str) -> Device {
    let keys = KitSeed::from_words(words).expect("the words read back").device_keys("paper kit").expect("keys");
    let client =
        VaultClient::open_with_keys(MemoryStore::new(), net.server.transport(), Box::new(net.clock.clone()), keys);
    block_on(client).expect("open the kit for one session")
}

/// A kit's join request, signed for by its maker (as `add_recovery_kit` does).
fn request_kit_join<T: SyncProtocol>(kit: &VaultClient<MemoryStore, T>, maker: &Device, vault: &str) {
    let vault = meta_secret_core::event::VaultName::parse(vault).unwrap();
    let vouch = meta_secret_core::event::KitMaker::sign(maker.gateway().keys(), &vault, kit.device());
    block_on(kit.request_join_vouched(&vault, Some(vouch), None)).expect("the kit asks to join");
}

fn settle(devices: &[&Device]) {
    for _ in 0..6 {
        for device in devices {
            block_on(device.sync()).expect("sync");
        }
    }
}

#[test]
fn three_devices_and_a_kit_lose_two_devices_and_keep_every_secret() {
    let net = Net::new();
    let devices = vault_of(&net, "family", 3);
    let seed = KitSeed::generate();
    let words = seed.words();
    let kit = kit_member(&net, &words);
    request_kit_join(&kit, &devices[0], "family");
    admit(&devices, &kit);
    let (a, b, c) = (&devices[0], &devices[1], &devices[2]);
    settle(&[a, b, c, &kit]);
    assert_eq!(block_on(kit.status("family")).unwrap(), MembershipStatus::Member);
    assert_eq!(block_on(a.members()).unwrap().len(), 4);

    let texts = ["bank: correct horse", "email: battery staple"];
    let ids: Vec<String> = texts.iter().map(|t| block_on(a.add_secret(t, t.as_bytes(), 2)).unwrap().id).collect();
    settle(&[a, b, c, &kit]);
    drop(kit); // the session ends: nothing of the kit stays on any device

    // a and b are lost. c and the kit (typed in again) let a new device in and remove the lost.
    let kit = kit_member(&net, &words);
    block_on(kit.attach("family")).expect("the kit takes up its membership");
    // Before it approves anything, the person compares its log with the device still there.
    let refused = block_on(kit.accept(&c.device().id)).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::UnverifiedView, "{refused}");
    block_on(c.sync()).unwrap();
    block_on(kit.confirm_log(&block_on(c.log_fingerprint()).unwrap())).expect("the same log");
    let d = net.device("new laptop");
    block_on(d.request_join("family")).unwrap();
    for approver in [c, &kit] {
        block_on(approver.sync()).unwrap();
        block_on(approver.accept(&d.device().id)).unwrap();
    }
    settle(&[c, &kit, &d]);
    assert_eq!(block_on(d.status("family")).unwrap(), MembershipStatus::Member);
    // Another vault's kit, or a stranger's, is no member here.
    let foreign = kit_member(&net, &KitSeed::generate().words());
    assert_eq!(block_on(foreign.attach("family")).unwrap_err().code(), ErrorCode::NotMember);
    for lost in [a, b] {
        for approver in [c, &kit] {
            block_on(approver.sync()).unwrap();
            block_on(approver.remove_device(&lost.device().id)).unwrap();
        }
    }
    settle(&[c, &kit, &d]);
    assert_eq!(block_on(d.members()).unwrap().len(), 3, "c, the kit and the new laptop");

    for (id, text) in ids.iter().zip(texts) {
        let claim = block_on(d.request_recovery(id)).unwrap();
        block_on(kit.sync()).unwrap();
        block_on(kit.approve(&claim)).unwrap();
        assert_eq!(block_on(d.reveal(&claim)).unwrap(), text.as_bytes(), "{text}");
    }

    // Revoked (the quorum removes it), the kit's words no longer make a member.
    for approver in [c, &d] {
        block_on(approver.sync()).unwrap();
        block_on(approver.remove_device(&kit.device().id)).unwrap();
    }
    settle(&[c, &d]);
    let revoked = kit_member(&net, &words);
    let refused = block_on(revoked.attach("family")).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::NotMember, "{refused}");
}

#[test]
fn a_kit_alone_below_the_quorum_admits_no_one() {
    let net = Net::new();
    let devices = vault_of(&net, "solo-kit", 2);
    let words = KitSeed::generate().words();
    let kit = kit_member(&net, &words);
    request_kit_join(&kit, &devices[0], "solo-kit");
    admit(&devices, &kit);
    let stranger = net.device("stranger");
    block_on(stranger.request_join("solo-kit")).unwrap();
    block_on(kit.sync()).unwrap();
    block_on(kit.accept(&stranger.device().id)).unwrap();
    block_on(stranger.sync()).unwrap();
    assert_eq!(block_on(stranger.status("solo-kit")).unwrap(), MembershipStatus::Pending, "one vote of two");
}

/// Records every request body a device sends, to scan them for the kit's secrets.
#[derive(Clone)]
struct Recording<T> {
    inner: T,
    sent: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
}

impl<T: SyncProtocol> SyncProtocol for Recording<T> {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let mut bytes = request.path.as_bytes().to_vec();
        bytes.extend_from_slice(&request.body);
        for (_, value) in request.auth.iter().flat_map(|auth| auth.headers()) {
            bytes.extend_from_slice(value.as_bytes());
        }
        self.sent.lock().unwrap().extend(bytes);
        self.inner.send(request).await
    }
}

#[test]
fn two_kits_bring_back_every_secret_when_both_devices_are_lost_and_the_seed_goes_nowhere() {
    let net = Net::new();
    let sent = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let recorded = || Recording { inner: net.server.transport(), sent: sent.clone() };
    let devices = vault_of(&net, "two-kits", 2);
    let (seed_1, seed_2) = (KitSeed::generate(), KitSeed::generate());
    // Two kits go by two names (a second "paper kit" would be refused as a look-alike).
    let open_kit = |seed: &KitSeed, label: &str| {
        let keys = seed.device_keys(label).unwrap();
        let client = VaultClient::open_with_keys(MemoryStore::new(), recorded(), Box::new(net.clock.clone()), keys);
        block_on(client).unwrap()
    };
    let kits = [open_kit(&seed_1, "paper kit 1"), open_kit(&seed_2, "paper kit 2")];
    for kit in &kits {
        request_kit_join(kit, &devices[0], "two-kits");
        admit(&devices, kit);
    }
    for _ in 0..6 {
        for device in &devices {
            block_on(device.sync()).unwrap();
        }
        for kit in &kits {
            block_on(kit.sync()).unwrap();
        }
    }
    let text = "the family's bank password";
    let id = block_on(devices[0].add_secret("bank", text.as_bytes(), 2)).unwrap().id;
    for _ in 0..4 {
        for kit in &kits {
            block_on(kit.sync()).unwrap();
        }
        block_on(devices[1].sync()).unwrap();
    }
    let kit_stores: Vec<MemoryStore> = kits.iter().map(|kit| kit.gateway().store().clone()).collect();
    drop(kits);
    drop(devices); // both devices lost

    // A fresh browser asks to join; the two kits, typed in one after another, approve it.
    let fresh = net.device_on("fresh browser", recorded());
    block_on(fresh.request_join("two-kits")).unwrap();
    let mut sessions = Vec::new();
    for (seed, label) in [(&seed_1, "paper kit 1"), (&seed_2, "paper kit 2")] {
        let kit = open_kit(&KitSeed::from_words(&seed.words()).unwrap(), label);
        block_on(kit.attach("two-kits")).unwrap();
        // Both devices are lost: no other device to compare the log with.
        block_on(kit.trust_log_without_comparison()).unwrap();
        block_on(kit.accept(&fresh.device().id)).unwrap();
        sessions.push(kit);
    }
    for _ in 0..6 {
        block_on(fresh.sync()).unwrap();
        for kit in &sessions {
            block_on(kit.sync()).unwrap();
        }
    }
    assert_eq!(block_on(fresh.status("two-kits")).unwrap(), MembershipStatus::Member);
    let claim = block_on(fresh.request_recovery(&id)).unwrap();
    block_on(sessions[0].sync()).unwrap();
    block_on(sessions[0].approve(&claim)).unwrap();
    assert_eq!(block_on(fresh.reveal(&claim)).unwrap(), text.as_bytes());

    // Neither seed, its words, nor the keys derived from it appear in anything stored or sent.
    let mut haystack = sent.lock().unwrap().clone();
    let stores = net.server.stores().into_iter().chain(kit_stores).chain([fresh.gateway().store().clone()]);
    for store in stores {
        haystack.extend(store.dump().unwrap());
    }
    for seed in [&seed_1, &seed_2] {
        let words = seed.words();
        let keys = seed.device_keys("paper kit").unwrap();
        let age_secret = keys.age_identity().to_string();
        let needles: Vec<Vec<u8>> = vec![
            words.as_bytes().to_vec(),
            words.split(' ').take(3).collect::<Vec<_>>().join(" ").into_bytes(),
            age_secret.expose_secret().as_bytes().to_vec(),
            age_secret.expose_secret().to_lowercase().into_bytes(),
        ];
        for needle in needles {
            assert!(!haystack.windows(needle.len()).any(|w| w == needle.as_slice()), "a kit secret leaked");
        }
    }
}

#[test]
fn a_member_adds_a_kit_whose_card_brings_it_back() {
    use meta_secret_core::paper::KitCard;
    let net = Net::new();
    let devices = vault_of(&net, "card", 2);
    let (a, b) = (&devices[0], &devices[1]);
    let id = block_on(a.add_secret("bank", b"the bank password", 2)).unwrap().id;
    let kit = block_on(a.add_recovery_kit(
        "Recovery kit 1",
        MemoryStore::new(),
        net.server.transport(),
        Box::new(net.clock.clone()),
    ))
    .expect("a member makes a kit");
    assert_eq!(kit.vault, "card");
    // The maker has not voted yet: the person approves once the words are stored.
    assert_eq!(
        block_on(a.votes(&meta_secret_core::vault::Proposal::Accept { device: kit.member.id.clone() })).unwrap().0,
        0
    );
    block_on(a.accept(&kit.member.id)).unwrap();
    // The kit waits for the quorum like any join; b sees the code the printed page shows.
    block_on(b.sync()).unwrap();
    assert_eq!(block_on(b.verification_code_of(&kit.member.id)).unwrap(), kit.verification_code);
    assert_eq!(
        block_on(b.votes(&meta_secret_core::vault::Proposal::Accept { device: kit.member.id.clone() })).unwrap().0,
        1
    );
    block_on(b.accept(&kit.member.id)).unwrap();
    for _ in 0..4 {
        block_on(a.sync()).unwrap();
        block_on(b.sync()).unwrap();
    }
    let card = KitCard::text(&kit.vault, &kit.seed);
    drop(kit); // the page was printed; the seed is wiped

    // b is lost; the card typed in on a's browser stands in for it.
    let read = KitCard::parse(&card).unwrap();
    let keys = read.seed.device_keys("Recovery kit 1").unwrap();
    let session = block_on(VaultClient::open_with_keys(
        MemoryStore::new(),
        net.server.transport(),
        Box::new(net.clock.clone()),
        keys,
    ))
    .unwrap();
    block_on(session.attach(read.vault.as_deref().unwrap())).expect("the card's vault and words");
    block_on(a.sync()).unwrap();
    block_on(session.confirm_log(&block_on(a.log_fingerprint()).unwrap())).expect("a shows the same log");
    let claim = block_on(a.request_recovery(&id)).unwrap();
    block_on(session.sync()).unwrap();
    block_on(session.approve(&claim)).unwrap();
    assert_eq!(block_on(a.reveal(&claim)).unwrap(), b"the bank password");
}

#[test]
fn only_a_member_adds_a_kit() {
    let net = Net::new();
    let _devices = vault_of(&net, "members-only", 2);
    let stranger = net.device("stranger");
    block_on(stranger.request_join("members-only")).unwrap();
    let refused = block_on(stranger.add_recovery_kit(
        "kit",
        MemoryStore::new(),
        net.server.transport(),
        Box::new(net.clock.clone()),
    ));
    assert_eq!(refused.err().map(|e| e.code()), Some(ErrorCode::NotMember));
}

//! Figure 14 (issue 23): costs at a real vault's size, in process (device and server CPU together,
//! one thread). Each figure is a same-run ratio against a small vault or a simpler act.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use meta_secret_core::client::VaultClient;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::vault::MembershipStatus;
use meta_secret_tests::{admit, block_on, settle, Net};

use crate::membership::Downloaded;
use crate::timing::{compare, median};
use crate::Row;

type CountedDevice = VaultClient<MemoryStore, Downloaded>;

struct Vault {
    net: Net,
    name: String,
    devices: Vec<CountedDevice>,
    bytes: Arc<AtomicUsize>,
    secret_ids: Vec<String>,
}

impl Vault {
    fn transport(&self) -> Downloaded {
        Downloaded { inner: self.net.server.transport(), bytes: self.bytes.clone() }
    }

    fn tick(&self) {
        self.net.clock.advance(200);
    }
}

/// A vault of `devices` devices and `secrets` secrets at k = 2.
fn vault(name: &str, devices: usize, secrets: usize) -> Vault {
    let started = Instant::now();
    let net = Net::new();
    let bytes = Arc::new(AtomicUsize::new(0));
    let transport = Downloaded { inner: net.server.transport(), bytes: bytes.clone() };
    let list: Vec<_> =
        (0..devices).map(|i| net.device_with_store(&format!("d{i}"), transport.clone(), MemoryStore::new())).collect();
    block_on(list[0].create_vault(name)).expect("create");
    for (i, device) in list.iter().enumerate().skip(1) {
        block_on(device.request_join(name)).expect("join");
        admit(&list[..i], device);
    }
    settle(&list);
    let mut secret_ids = Vec::with_capacity(secrets);
    for i in 0..secrets {
        net.clock.advance(200);
        let info =
            block_on(list[0].add_secret(&format!("login {i}"), b"correct horse battery staple", 2)).expect("add");
        secret_ids.push(info.id);
    }
    settle(&list);
    eprintln!("14: built {name} ({devices} devices, {secrets} secrets) in {:.1} s", started.elapsed().as_secs_f64());
    Vault { net, name: name.into(), devices: list, bytes, secret_ids }
}

/// Device 0 adds one more secret.
fn add_one(vault: &Vault) {
    vault.tick();
    block_on(vault.devices[0].add_secret("one more", b"hunter2", 2)).expect("add");
}

/// One request → approve → reveal of secret `index` by device 0, approved by device 1.
fn reveal(vault: &Vault, index: usize) {
    vault.tick();
    let (requester, approver) = (&vault.devices[0], &vault.devices[1]);
    let claim = block_on(requester.request_recovery(&vault.secret_ids[index])).expect("request");
    block_on(approver.sync()).expect("sync");
    block_on(approver.approve(&claim)).expect("approve");
    let value = block_on(requester.reveal(&claim)).expect("reveal");
    assert_eq!(value, b"correct horse battery staple");
}

/// Adds a device to the vault and removes it again, each until every member settled. Returns the
/// seconds the newcomer's own syncs took (its download of the vault, server side included).
fn add_and_remove(vault: &Vault, round: usize) -> f64 {
    vault.tick();
    let newcomer = vault.net.device_with_store(&format!("guest {round}"), vault.transport(), MemoryStore::new());
    block_on(newcomer.request_join(&vault.name)).expect("join");
    admit(&vault.devices[..2], &newcomer);
    let everyone: Vec<&CountedDevice> = vault.devices.iter().chain([&newcomer]).collect();
    let newcomers_time = settle_refs(&everyone, Some(&newcomer));
    let gone = newcomer.device().id.clone();
    block_on(vault.devices[0].remove_device(&gone)).expect("vote");
    block_on(vault.devices[1].remove_device(&gone)).expect("vote");
    let members: Vec<&CountedDevice> = vault.devices.iter().collect();
    settle_refs(&members, None);
    newcomers_time
}

/// Syncs every device until no head moves; returns the seconds `timed`'s syncs took.
fn settle_refs(devices: &[&CountedDevice], timed: Option<&CountedDevice>) -> f64 {
    let mut seconds = 0.0;
    for _ in 0..6 {
        let heads = |devices: &[&CountedDevice]| -> Vec<_> {
            devices.iter().map(|d| block_on(d.state()).map(|s| s.head).unwrap_or_default()).collect()
        };
        let before = heads(devices);
        for device in devices {
            let start = Instant::now();
            let report = block_on(device.sync()).expect("sync");
            if timed.is_some_and(|t| std::ptr::eq(t, *device)) {
                seconds += start.elapsed().as_secs_f64();
            }
            assert!(matches!(report.status, MembershipStatus::Member | MembershipStatus::NotMember));
        }
        if before == heads(devices) {
            break;
        }
    }
    seconds
}

/// Bytes a new device downloads from asking to join until it lists every secret by name.
fn first_sync_bytes(vault: &Vault) -> usize {
    let own = Arc::new(AtomicUsize::new(0));
    let newcomer = vault.net.device_with_store(
        "first sync",
        Downloaded { inner: vault.net.server.transport(), bytes: own.clone() },
        MemoryStore::new(),
    );
    vault.tick();
    block_on(newcomer.request_join(&vault.name)).expect("join");
    admit(&vault.devices[..2], &newcomer);
    for _ in 0..6 {
        vault.devices.iter().for_each(|d| drop(block_on(d.sync()).expect("sync")));
        block_on(newcomer.sync()).expect("sync");
        let listed = block_on(newcomer.secrets()).expect("secrets");
        if listed.len() == vault.secret_ids.len() && listed.iter().all(|s| s.name.is_some()) {
            break;
        }
    }
    own.load(Ordering::SeqCst)
}

pub fn figures(rounds: usize) -> Vec<Row> {
    let mut rows = Vec::new();

    eprintln!("14: vaults of 10 × 2, 1,000 × 20 and 100 × 10…");
    let tiny = vault("figure-14-tiny", 2, 10);
    let big = vault("figure-14-big", 20, 1_000);
    let (idle_big, idle_tiny) = compare(
        rounds,
        20,
        &mut || {
            big.tick();
            block_on(big.devices[5].sync()).expect("sync");
        },
        &mut || {
            tiny.tick();
            block_on(tiny.devices[1].sync()).expect("sync");
        },
    );
    rows.push(Row::ratio(
        "14a",
        "a member's idle sync (device + server CPU): 1,000 secrets × 20 devices vs 10 × 2",
        idle_big,
        idle_tiny,
        1.5,
    ));
    drop(big);

    let ten = vault("figure-14-ten", 10, 100);
    let two = vault("figure-14-two", 2, 100);
    let (add_ten, add_two) = compare(rounds, 5, &mut || add_one(&ten), &mut || add_one(&two));
    rows.push(Row::ratio(
        "14b",
        "add a secret (k = 2): 10 devices vs 2 (one KEM whatever n is)",
        add_ten,
        add_two,
        1.2,
    ));

    let mut next = 0;
    let (reveal_time, add_time) = compare(
        rounds,
        3,
        &mut || {
            reveal(&ten, next % ten.secret_ids.len());
            next += 1;
        },
        &mut || add_one(&ten),
    );
    rows.push(Row::ratio(
        "14c",
        "a reveal at k = 2 (requester + approver, with their syncs) vs adding one secret",
        reveal_time,
        add_time,
        4.0,
    ));
    drop((ten, two));

    eprintln!("14: a new device's first sync after 20 membership changes…");
    let changed = vault("figure-14-changed", 10, 1_000);
    for round in 0..10 {
        add_and_remove(&changed, round);
    }
    let unchanged = vault("figure-14-unchanged", 10, 1_000);
    let (after_changes, without) = (first_sync_bytes(&changed), first_sync_bytes(&unchanged));
    rows.push(Row::ratio_bytes(
        "14d",
        "a new device's first sync, 1,000 secrets: after 20 membership changes vs none",
        after_changes as u64,
        without as u64,
        1.5,
    ));
    drop((changed, unchanged));

    eprintln!("14: membership changes at 100 and 10,000 secrets (building 10,000 takes a while)…");
    let small = vault("figure-14-small", 10, 100);
    let large = vault("figure-14-large", 10, 10_000);
    let (mut at_large, mut at_small, mut first_large, mut first_small) = (vec![], vec![], vec![], vec![]);
    for round in 0..rounds.min(5) {
        for (vault, members, first) in
            [(&large, &mut at_large, &mut first_large), (&small, &mut at_small, &mut first_small)]
        {
            let start = Instant::now();
            let newcomers = add_and_remove(vault, round);
            members.push(start.elapsed().as_secs_f64() - newcomers);
            first.push(newcomers);
        }
    }
    rows.push(Row::ratio(
        "14e",
        "add then remove a device, members' CPU (server included): 10,000 secrets vs 100 (10 devices)",
        median(at_large),
        median(at_small),
        1.2,
    ));
    let mut newcomer = Row::ratio(
        "14f",
        "the newcomer's own syncs in that add (it downloads and checks every secret): 10,000 vs 100",
        median(first_large),
        median(first_small),
        f64::INFINITY,
    );
    newcomer.goal = "reported (grows with secrets by nature)".into();
    newcomer.met = true;
    rows.push(newcomer);
    rows
}

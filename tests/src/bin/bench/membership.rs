//! Figure 13 (issue 23): a membership change in a vault of many secrets, in process. Bytes every
//! device downloads and sync passes until the change's re-share completed, for an added and a
//! removed device, at 1,000 secrets × 10 devices against 100 × 10 (flat in secrets is the goal);
//! and per device as the vault widens (linear in devices, since each receives only its own parts).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use meta_secret_core::client::VaultClient;
use meta_secret_core::encoding::Bytes;
use meta_secret_core::event::GenericKvLogEvent as E;
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::{InProcessTransport, SyncProtocol, TransportError, TransportRequest, TransportResponse};
use meta_secret_core::vault::generations::GenerationComplaint;
use meta_secret_tests::{admit, block_on, push_raw, settle, Net};

use crate::Row;

/// Counts the bytes of every response a device downloads.
#[derive(Clone)]
pub struct Downloaded {
    pub inner: InProcessTransport,
    pub bytes: Arc<AtomicUsize>,
}

impl SyncProtocol for Downloaded {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let response = self.inner.send(request).await?;
        self.bytes.fetch_add(response.body.len(), Ordering::SeqCst);
        Ok(response)
    }
}

/// What one vault's add and removal cost: (members' bytes for the add, passes), (bytes for the
/// removal, passes), and the newcomer's own first sync.
struct Change {
    add_bytes: usize,
    add_passes: usize,
    remove_bytes: usize,
    remove_passes: usize,
    newcomer_bytes: usize,
    /// Passes for a second removal against a silent member and a disputing one.
    hostile_passes: usize,
}

fn change(secrets: usize) -> Change {
    let net = Net::new();
    let bytes = Arc::new(AtomicUsize::new(0));
    let transport = Downloaded { inner: net.server.transport(), bytes: bytes.clone() };
    let devices: Vec<_> =
        (0..10).map(|i| net.device_with_store(&format!("d{i}"), transport.clone(), MemoryStore::new())).collect();
    block_on(devices[0].create_vault("figure-13")).expect("create");
    for (i, device) in devices.iter().enumerate().skip(1) {
        block_on(device.request_join("figure-13")).expect("join");
        admit(&devices[..i], device);
    }
    settle(&devices);
    for i in 0..secrets {
        net.clock.advance(200);
        block_on(devices[0].add_secret(&format!("login {i}"), b"correct horse battery staple", 2)).expect("add");
    }
    settle(&devices);

    let own = Arc::new(AtomicUsize::new(0));
    let newcomer = net.device_with_store(
        "new",
        Downloaded { inner: net.server.transport(), bytes: own.clone() },
        MemoryStore::new(),
    );
    block_on(newcomer.request_join("figure-13")).expect("join");
    bytes.store(0, Ordering::SeqCst);
    admit(&devices[..2], &newcomer);
    let everyone: Vec<_> = devices.iter().chain([&newcomer]).collect();
    let mut add_passes = 0;
    while add_passes < 10 {
        add_passes += 1;
        everyone.iter().for_each(|device| drop(block_on(device.sync()).expect("sync")));
        let listed = block_on(newcomer.secrets()).expect("secrets");
        if listed.len() == secrets && listed.iter().all(|s| s.name.is_some()) {
            break;
        }
    }
    let (add_bytes, newcomer_bytes) = (bytes.swap(0, Ordering::SeqCst), own.swap(0, Ordering::SeqCst));

    let gone = devices[9].device().id.clone();
    block_on(devices[0].remove_device(&gone)).expect("vote");
    block_on(devices[1].remove_device(&gone)).expect("vote");
    let rest: Vec<_> = devices[..9].iter().chain([&newcomer]).collect();
    let mut remove_passes = 0;
    while remove_passes < 10 {
        remove_passes += 1;
        rest.iter().for_each(|device| drop(block_on(device.sync()).expect("sync")));
        let state = block_on(devices[0].state()).expect("state");
        if state.generations.generations.values().all(|g| g.round.is_none()) {
            break;
        }
    }
    let remove_bytes = bytes.load(Ordering::SeqCst) + own.load(Ordering::SeqCst);
    let hostile_passes = removal_against_a_staller(&net, &devices, &newcomer);
    Change { add_bytes, add_passes, remove_bytes, remove_passes, newcomer_bytes, hostile_passes }
}

/// Unproven complaints about every live dealing `disputer` sees; each must be refused.
fn dispute_live_dealings<T: SyncProtocol>(net: &Net, disputer: &VaultClient<MemoryStore, T>) -> usize {
    block_on(disputer.gateway().sync()).expect("sync");
    let state = block_on(disputer.state()).expect("state");
    let mut disputed = 0;
    for (id, generation) in &state.generations.generations {
        for dealing in generation.round.iter().flat_map(|r| r.dealings.iter()) {
            let complaint = GenerationComplaint {
                generation: *id,
                dealing_seq: dealing.seq,
                part: Bytes(vec![1; 176]),
                path: Vec::new(),
                shared: Bytes(vec![2; 32]),
                proof: Bytes(vec![3; 64]),
            };
            assert!(push_raw(disputer, net, E::GenerationComplained(complaint)).is_err(), "refused");
            disputed += 1;
        }
    }
    disputed
}

/// A second removal while one member stays silent and another disputes every live dealing after
/// every pass (its complaints carry no proof, so the server refuses them). Returns the honest
/// members' sync passes until the removed device holds nothing usable.
fn removal_against_a_staller<T: SyncProtocol>(
    net: &Net,
    devices: &[VaultClient<MemoryStore, T>],
    newcomer: &VaultClient<MemoryStore, T>,
) -> usize {
    let disputer = &devices[7];
    let gone = devices[8].device().id.clone();
    block_on(devices[0].remove_device(&gone)).expect("vote");
    block_on(devices[1].remove_device(&gone)).expect("vote");
    // devices[6] is silent: it never syncs again.
    let honest: Vec<_> = devices[..6].iter().chain([newcomer]).collect();
    let (mut passes, mut disputed) = (0, 0);
    while passes < 10 {
        passes += 1;
        // After every honest device's sync the disputer complains about every live dealing.
        for device in &honest {
            block_on(device.sync()).expect("sync");
            disputed += dispute_live_dealings(net, disputer);
        }
        let state = block_on(devices[0].state()).expect("state");
        if state.generations.generations.values().all(|g| g.round.is_none()) {
            let mut usable = state.generations.generations.values().filter(|g| g.is_ready());
            assert!(usable.all(|g| !g.holders.contains_key(&gone)), "the removed device holds nothing");
            assert!(disputed > 0, "the disputer had live dealings to dispute");
            eprintln!("13f: {disputed} complaints refused");
            break;
        }
    }
    passes
}

/// Bytes one remaining device downloads, on average, until a removal's re-share completed in a
/// vault of `n` devices and 10 secrets.
fn removal_bytes_per_device(n: usize) -> usize {
    let net = Net::new();
    let bytes = Arc::new(AtomicUsize::new(0));
    let transport = Downloaded { inner: net.server.transport(), bytes: bytes.clone() };
    let devices: Vec<_> =
        (0..n).map(|i| net.device_with_store(&format!("d{i}"), transport.clone(), MemoryStore::new())).collect();
    block_on(devices[0].create_vault("figure-13e")).expect("create");
    for (i, device) in devices.iter().enumerate().skip(1) {
        block_on(device.request_join("figure-13e")).expect("join");
        admit(&devices[..i], device);
    }
    settle(&devices);
    for i in 0..10 {
        block_on(devices[0].add_secret(&format!("login {i}"), b"correct horse battery staple", 2)).expect("add");
    }
    settle(&devices);
    let gone = devices[n - 1].device().id.clone();
    block_on(devices[0].remove_device(&gone)).expect("vote");
    block_on(devices[1].remove_device(&gone)).expect("vote");
    bytes.store(0, Ordering::SeqCst);
    for _ in 0..10 {
        devices[..n - 1].iter().for_each(|device| drop(block_on(device.sync()).expect("sync")));
        let state = block_on(devices[0].state()).expect("state");
        if state.generations.generations.values().all(|g| g.round.is_none()) {
            break;
        }
    }
    bytes.load(Ordering::SeqCst) / (n - 1)
}

pub fn membership_change() -> Vec<Row> {
    let (wide, narrow) = (removal_bytes_per_device(30), removal_bytes_per_device(10));
    let small = change(100);
    let big = change(1_000);
    eprintln!(
        "13: newcomer's first sync: {} B at 1,000 secrets, {} B at 100",
        big.newcomer_bytes, small.newcomer_bytes
    );
    vec![
        Row::count(
            "13a",
            "add a device, 1,000 secrets × 10 devices: bytes the members download",
            big.add_bytes as u64,
            1 << 20,
        ),
        Row::count("13b", "remove a device, 1,000 × 10: bytes all devices download", big.remove_bytes as u64, 1 << 20),
        Row::count(
            "13c",
            "sync passes to complete an add / a removal (the larger)",
            big.add_passes.max(big.remove_passes) as u64,
            3,
        ),
        Row::count(
            "13f",
            "a removal at 1,000 × 10 with one member silent and one disputing every dealing: sync passes",
            big.hostile_passes as u64,
            3,
        ),
        Row::ratio_bytes(
            "13d",
            "members' bytes for an add and a removal, 1,000 secrets vs 100 (flat in secrets)",
            (big.add_bytes + big.remove_bytes) as u64,
            (small.add_bytes + small.remove_bytes) as u64,
            1.2,
        ),
        // Every device re-shares to every other, so n dealings reach each device: linear in n is
        // the floor (3× here). Downloading every target's part would make it n² (9×).
        Row::ratio_bytes(
            "13e",
            "a removal's bytes per device, 30 devices vs 10 (each downloads its own parts only)",
            wide as u64,
            narrow as u64,
            4.5,
        ),
    ]
}

//! Figures measured without a server process: crypto (1), in-process pull cost (2) and request
//! counts (3).

use meta_secret_core::vault::LiteMap;
use std::time::Instant;

use meta_secret_core::client::VaultClient;
use meta_secret_core::identity::{DeviceInfo, DeviceKeys, DeviceKind, KeyProtection};
use meta_secret_core::secrets::{MetaDistributor, MetaEncryptor, SecretMetadata};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::SyncProtocol;
use meta_secret_tests::{block_on, Net};

use crate::churn::{Churn, Send};
use crate::timing::{compare, median};
use crate::Row;

struct SplitWorkload {
    members: LiteMap<meta_secret_core::identity::DeviceId, DeviceInfo>,
    metadata: SecretMetadata,
    /// A generation's public key (any point will do for sealing) and a names key.
    public: meta_secret_core::encoding::Bytes,
    names_key: [u8; 32],
}

const GENERATION: meta_secret_core::vault::GenerationId = meta_secret_core::vault::GenerationId { level: 3, number: 1 };

const SECRET: &[u8; 64] = b"correct horse battery staple, 64 bytes of password-ish text.....";

fn split_workload() -> SplitWorkload {
    let members = (0..5)
        .map(|i| {
            let keys = DeviceKeys::generate(&format!("d{i}"), DeviceKind::Desktop).expect("keys");
            (keys.id().clone(), keys.info().clone())
        })
        .collect();
    let public = meta_secret_core::vault::generations::new_receive_key().1;
    SplitWorkload { members, metadata: SecretMetadata { name: "bank".into() }, public, names_key: [7; 32] }
}

const BENCH_ID: &str = "0123456789abcdef0123456789abcdef";

fn bench_vault() -> meta_secret_core::event::VaultName {
    meta_secret_core::event::VaultName::parse("bench").expect("name")
}

/// Median seconds per secret of 64 bytes sealed to a generation (the workload of figures 1 and 4).
pub fn split_seconds(rounds: usize) -> f64 {
    let w = split_workload();
    let vault = bench_vault();
    let distributor = MetaDistributor::new(&vault);
    let samples = (0..rounds)
        .map(|_| {
            crate::timing::per_call(50, &mut || {
                distributor.seal(BENCH_ID, GENERATION, &w.public.0, &w.names_key, SECRET, &w.metadata).expect("seal");
            })
        })
        .collect();
    median(samples)
}

/// 1. Seal a secret to a generation (one KEM, value and name), against age-encrypting the same
///    bytes to five recipients.
pub fn split_vs_age(rounds: usize) -> Row {
    let w = split_workload();
    let recipients: Vec<_> = w.members.values().map(|m| m.recipient().expect("recipient")).collect();
    let secret = SECRET;
    let vault = bench_vault();
    let distributor = MetaDistributor::new(&vault);
    let (sealed, age) = compare(
        rounds,
        50,
        &mut || {
            distributor.seal(BENCH_ID, GENERATION, &w.public.0, &w.names_key, secret, &w.metadata).expect("seal");
        },
        &mut || {
            MetaEncryptor::seal(secret, &recipients).expect("seal");
        },
    );
    Row::ratio("1", "seal a secret to a generation (any n) vs age to 5 recipients (64 B)", sealed, age, 1.25)
}

pub fn copy_keys(keys: &DeviceKeys) -> DeviceKeys {
    let exported = keys.export(KeyProtection::Unprotected).expect("export");
    DeviceKeys::import(&exported, None).expect("import")
}

/// A vault of `events` commits with a member `observer` synced to its head, and a churn to add more.
pub struct PullVault<T> {
    pub observer: VaultClient<MemoryStore, T>,
    pub churn: Churn,
}

pub fn pull_vault<T: SyncProtocol>(
    vault: &str,
    events: usize,
    owner: VaultClient<MemoryStore, T>,
    observer: VaultClient<MemoryStore, T>,
    send: Send,
    now_ms: u64,
) -> PullVault<T> {
    block_on(owner.create_vault(vault)).expect("create");
    let state = block_on(owner.state()).expect("state");
    let keys = copy_keys(owner.gateway().keys());
    let mut churn = Churn::new(vault, keys, state.last_author_seq(&owner.device().id), now_ms);
    // The owner alone can decline and reopen, so the log grows while the state stays small.
    churn.append(send, events.saturating_sub(state.head.seq as usize + 2));
    block_on(observer.request_join(vault)).expect("join");
    churn.approve(send, &observer.device().id);
    churn.requests_only();
    block_on(observer.sync()).expect("sync");
    PullVault { observer, churn }
}

/// Median seconds for the observer to pull one new event, for the small and the big vault.
pub fn pull_one<T: SyncProtocol>(
    small: &mut PullVault<T>,
    big: &mut PullVault<T>,
    send: Send,
    trials: usize,
) -> (f64, f64) {
    let (mut small_times, mut big_times) = (Vec::new(), Vec::new());
    for _ in 0..trials {
        for (vault, times) in [(&mut *small, &mut small_times), (&mut *big, &mut big_times)] {
            vault.churn.append(send, 1);
            let start = Instant::now();
            let report = block_on(vault.observer.sync()).expect("sync");
            times.push(start.elapsed().as_secs_f64());
            assert_eq!(report.pulled, 1, "exactly one new event");
        }
    }
    (median(small_times), median(big_times))
}

/// 2. (in-process) Pulling 1 new event from a 10,000-event log against from a 10-event log.
pub fn pull_in_process(trials: usize) -> Row {
    let net = Net::new();
    let send = |request| block_on(net.server.handle(&request));
    let now = net.clock_now();
    let mut small = pull_vault("small", 10, net.device("o1"), net.device("x1"), &send, now + 1000);
    let mut big = pull_vault("big", 10_000, net.device("o2"), net.device("x2"), &send, now + 1000);
    let (small_time, big_time) = pull_one(&mut small, &mut big, &send, trials);
    Row::ratio("2a", "pull 1 new event: 10,000-event log vs 10 (in-process)", big_time, small_time, 1.5)
}

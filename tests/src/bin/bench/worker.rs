//! Figures against the real worker in `wrangler dev`: pull cost on the Durable Object (2b),
//! requests per sync (3), live poke latency (6) and Durable Object throughput (7).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::live::Wake;
use meta_secret_core::sync::TransportRequest;
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::live_socket::{LiveSocket, Received};
use meta_secret_tests::{block_on, device_over, http_device, http_device_with_store, CountingTransport, SystemClock};

use crate::native::{pull_one, pull_vault};
use crate::timing::percentile;
use crate::Row;

fn now_ms() -> u64 {
    meta_secret_core::clock::Clock::now_ms(&SystemClock)
}

/// 2b. Pull cost on the Durable Object.
pub fn pull_on_worker(url: &str, trials: usize) -> Row {
    let http = HttpTransport::new(url);
    let send = |request: TransportRequest| http.send_blocking(&request).expect("http");
    let tag = now_ms();
    let mut small =
        pull_vault(&format!("small-{tag}"), 10, http_device(url, "o1"), http_device(url, "x1"), &send, now_ms() + 1000);
    let mut big = pull_vault(
        &format!("big-{tag}"),
        10_000,
        http_device(url, "o2"),
        http_device(url, "x2"),
        &send,
        now_ms() + 1000,
    );
    let (small_time, big_time) = pull_one(&mut small, &mut big, &send, trials);
    Row::ratio("2b", "pull 1 new event: 10,000-event log vs 10 (Durable Object)", big_time, small_time, 1.5)
}

/// 3. HTTP requests per sync, counted: idle, and with two queued events.
pub fn requests_per_sync(url: &str) -> Vec<Row> {
    let counter = CountingTransport::new(HttpTransport::new(url));
    let device = device_over(counter.clone(), "counted", MemoryStore::new());
    block_on(device.create_vault(&format!("count-{}", now_ms()))).expect("create");
    let before = counter.count();
    block_on(device.sync()).expect("sync");
    let idle = counter.count() - before;

    for i in 0..2 {
        let event = meta_secret_tests::sealed_event(&device, 1, &format!("s{i}"), b"x");
        block_on(device.gateway().enqueue(event)).expect("enqueue");
    }
    let before = counter.count();
    let report = block_on(device.sync()).expect("sync");
    let pushing = counter.count() - before;
    assert_eq!(report.committed.len(), 2);
    vec![
        Row::count("3a", "HTTP requests per idle sync", idle, 1),
        Row::count("3b", "HTTP requests per sync pushing 2 events", pushing, 2),
    ]
}

/// 6. Device A pushes; device B, poked over /live, has it applied. p50 and p95.
pub fn live_latency(url: &str, trials: usize) -> Row {
    let a = http_device(url, "a");
    let b = http_device(url, "b");
    let vault = format!("live-{}", now_ms());
    block_on(a.create_vault(&vault)).expect("create");
    block_on(b.request_join(&vault)).expect("join");
    block_on(a.accept(&b.device().id)).expect("accept");
    block_on(b.sync()).expect("sync");
    let mut socket = LiveSocket::connect(url, &block_on(b.live_request()).expect("live")).expect("listen");
    let mut samples = Vec::with_capacity(trials);
    for i in 0..trials {
        let event = meta_secret_tests::sealed_event(&a, 1, &format!("s{i}"), b"x");
        let start = Instant::now();
        block_on(a.gateway().enqueue(event)).expect("enqueue");
        block_on(a.gateway().sync()).expect("push");
        let head = block_on(a.state()).expect("state").head;
        loop {
            match socket.receive(Duration::from_secs(10)) {
                Received::Text(text) => {
                    let wake = Wake::from_message(&text);
                    block_on(b.gateway().sync_if_behind(match wake {
                        Wake::Poke { head } => head,
                        Wake::Tick => head,
                    }))
                    .expect("sync");
                    if block_on(b.state()).expect("state").head == head {
                        break;
                    }
                }
                other => panic!("no poke: {other:?}"),
            }
        }
        samples.push(start.elapsed().as_secs_f64());
    }
    let p50 = percentile(samples.clone(), 0.5);
    let p95 = percentile(samples, 0.95);
    Row::latency("6", &format!("live poke: A pushes → B applied ({trials} trials)"), p50, p95, 0.100)
}

/// 7. Vault sync requests per second against a trivial route, same load (threads × duration).
pub fn throughput(url: &str, threads: usize, seconds: f64) -> Row {
    let owner = http_device(url, "owner");
    let vault = format!("load-{}", now_ms());
    block_on(owner.create_vault(&vault)).expect("create");
    // Clients are reopened per thread from their stores (a client is not Send).
    let stores: Vec<MemoryStore> = (0..threads)
        .map(|i| {
            let store = MemoryStore::new();
            let device = http_device_with_store(url, &format!("load-{i}"), store.clone());
            block_on(device.request_join(&vault)).expect("join");
            block_on(owner.accept(&device.device().id)).expect("accept");
            block_on(device.sync()).expect("sync");
            store
        })
        .collect();
    let (mut syncs, mut pings, mut noops) = (0u64, 0u64, 0u64);
    for _ in 0..2 {
        // Where the time goes: a Durable Object round trip that does no work (test builds only).
        noops += run_for(seconds, &stores, |_, stop| probe_until(url, "POST", "/__conformance/noop", stop));
        syncs += run_for(seconds, &stores, |store, stop| {
            let device = http_device_with_store(url, "load", store.clone());
            let mut done = 0;
            while !stop.load(Ordering::Relaxed) {
                block_on(device.sync()).expect("sync");
                done += 1;
            }
            done
        });
        pings += run_for(seconds, &stores, |_, stop| probe_until(url, "GET", "/v1/health", stop));
    }
    let sync_rps = syncs as f64 / (2.0 * seconds);
    let ping_rps = pings as f64 / (2.0 * seconds);
    eprintln!(
        "7 (breakdown): trivial route {ping_rps:.0}/s, empty Durable Object round trip {:.0}/s, vault sync {sync_rps:.0}/s",
        noops as f64 / (2.0 * seconds)
    );
    Row::throughput("7", &format!("vault DO syncs/s vs trivial route, {threads} clients"), sync_rps, ping_rps, 0.5)
}

/// Sends an unsigned request that must answer 200 until `stop`; returns how many were answered.
fn probe_until(url: &str, method: &str, path: &str, stop: &AtomicBool) -> u64 {
    let probe = HttpTransport::new(url);
    let request = TransportRequest { method: method.into(), path: path.into(), auth: None, body: Vec::new() };
    let mut done = 0;
    while !stop.load(Ordering::Relaxed) {
        assert_eq!(probe.send_blocking(&request).expect(path).status, 200, "{path}");
        done += 1;
    }
    done
}

/// Runs `work` for every item, each in its own thread, until `seconds` pass; sums what they did.
fn run_for<T: Sync>(seconds: f64, items: &[T], work: impl Fn(&T, &AtomicBool) -> u64 + Sync) -> u64 {
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for item in items {
            let (done, stop, work) = (&done, &stop, &work);
            scope.spawn(move || done.fetch_add(work(item, stop), Ordering::Relaxed));
        }
        std::thread::sleep(Duration::from_secs_f64(seconds));
        stop.store(true, Ordering::Relaxed);
    });
    done.load(Ordering::Relaxed)
}

/// 11. A member's full pull after 2,000 join requests from fresh keys, against before them.
pub fn pull_after_join_flood(url: &str, trials: usize) -> Row {
    use meta_secret_tests::flood::{flood_joins, timed_pull};
    let http = HttpTransport::new(url);
    let vault = format!("flood-{}", now_ms());
    let owner = http_device(url, "owner");
    block_on(owner.create_vault(&vault)).expect("create");
    let keys = owner.gateway().keys();
    let (before, _) = timed_pull(&http, keys, &vault, trials);
    flood_joins(&http, &vault, 2000);
    let (after, _) = timed_pull(&http, keys, &vault, trials);
    Row::ratio(
        "11",
        "member's full pull after 2,000 join requests from fresh keys vs before (Durable Object)",
        after / 1000.0,
        before / 1000.0,
        2.0,
    )
}

/// Figure 15: the Durable Object's process memory after a member pushed 101 MiB of commits (300
/// secrets of the largest bucket), and after a new device pulled them, against the same process
/// idle. Its own `wrangler dev`, so that nothing else has touched the process.
pub fn memory_after_big_push() -> Vec<Row> {
    use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
    let dev = WranglerDev::start(&temp_dir("bench-memory"));
    let run = meta_secret_tests::memory::push_and_pull(&dev, "memory", 300);
    eprintln!(
        "15 (breakdown): {:.1} MiB pushed in {:.0} s, pulled in {:.0} s; all workerd processes (with \
         wrangler's dev proxy) {} → {} → {} KiB",
        run.pushed_bytes as f64 / 1048576.0,
        run.push_seconds,
        run.pull_seconds,
        run.idle.all_kib,
        run.pushed.all_kib,
        run.pulled.all_kib
    );
    let bound = 64 * 1024;
    vec![
        Row::memory(
            "15",
            "Durable Object's RSS after a 101 MiB push vs idle",
            run.pushed.object_kib,
            run.idle.object_kib,
            bound,
        ),
        Row::memory(
            "15b",
            "Durable Object's RSS after a new device pulled it vs idle",
            run.pulled.object_kib,
            run.idle.object_kib,
            bound,
        ),
    ]
}

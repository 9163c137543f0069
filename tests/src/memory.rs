//! The Durable Object's resident memory around a large push and a full pull (issue 25, finding
//! 3), shared by the end-to-end test and the benchmark.

use std::time::{Duration, Instant};

use meta_secret_core::secrets::cipher::MAX_SECRET_BYTES;

use crate::wrangler::WranglerDev;
use crate::{block_on, http_device};

/// Resident memory (KiB) at one step: the process running the worker and its Durable Objects,
/// and all workerd processes (wrangler's dev proxy included).
#[derive(Debug, Clone, Copy)]
pub struct Rss {
    pub object_kib: u64,
    pub all_kib: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct MemoryRun {
    pub idle: Rss,
    pub pushed: Rss,
    pub pulled: Rss,
    pub pushed_bytes: u64,
    pub secrets: usize,
    pub push_seconds: f64,
    pub pull_seconds: f64,
}

/// Resident memory a moment after the last request (a collection may finish just after it).
fn settled(dev: &WranglerDev) -> Rss {
    std::thread::sleep(Duration::from_millis(1500));
    Rss { object_kib: dev.durable_object_rss_kib(), all_kib: dev.workerd_rss_kib() }
}

/// A member pushes `secrets` secrets of the largest size bucket (`MAX_SECRET_BYTES` each, about
/// 350 KB of commit apiece; 300 make 101 MiB) one per sync, then a new device joins and pulls the
/// whole log.
pub fn push_and_pull(dev: &WranglerDev, vault: &str, secrets: usize) -> MemoryRun {
    let owner = http_device(&dev.url(), "owner");
    block_on(owner.create_vault(vault)).expect("create vault");
    block_on(owner.add_secret("small", b"pin 1234", 1)).expect("small secret");
    let idle = settled(dev);

    let value: Vec<u8> = (0..MAX_SECRET_BYTES).map(|i| (i * 7 + 3) as u8).collect();
    let started = Instant::now();
    for i in 0..secrets {
        // One device may send about 17 requests a second; when it is told to wait, it waits.
        loop {
            match block_on(owner.add_secret(&format!("big {i}"), &value, 1)) {
                Ok(_) => break,
                Err(error) if format!("{error:?}").contains("RateLimited") => {
                    std::thread::sleep(Duration::from_secs(1))
                }
                Err(error) => panic!("big secret {i}: {error:?}"),
            }
        }
    }
    let push_seconds = started.elapsed().as_secs_f64();
    let pushed = settled(dev);

    let newcomer = http_device(&dev.url(), "newcomer");
    block_on(newcomer.request_join(vault)).expect("join");
    block_on(owner.accept(&newcomer.device().id)).expect("accept");
    let head = block_on(owner.state()).expect("state").head;
    let started = Instant::now();
    block_on(newcomer.sync()).expect("full pull");
    let pull_seconds = started.elapsed().as_secs_f64();
    // The newcomer may append events of its own once it is a member.
    assert!(block_on(newcomer.state()).expect("state").head.seq >= head.seq, "the newcomer pulled the log");
    let pulled = settled(dev);

    let pushed_bytes = block_on(owner.server_usage()).expect("usage").log_bytes;
    MemoryRun { idle, pushed, pulled, pushed_bytes, secrets, push_seconds, pull_seconds }
}

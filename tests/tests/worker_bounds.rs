//! Hostile traffic against the real worker in `wrangler dev`: a log of big commits is served in
//! byte-bounded pages (a new device's first sync never needs a big response, nor big memory), a
//! flood of join requests from fresh keys leaves a bounded pending list and a fast member pull,
//! and no number in any field of a body makes the worker answer 500.

use meta_secret_core::store::MemoryStore;
use meta_secret_core::sync::wire::{MAX_BODY_BYTES, MAX_PAGE_BYTES};
use meta_secret_core::vault::invites::MAX_UNVOUCHED_PENDING;
use meta_secret_tests::flood::{flood_joins, timed_pull};
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
use meta_secret_tests::{block_on, device_over, http_device, CountingTransport, SystemClock};

#[test]
fn a_new_device_pulls_a_log_of_big_commits_in_bounded_pages() {
    let dev = WranglerDev::start(&temp_dir("big-pages"));
    let owner = http_device(&dev.url(), "owner");
    block_on(owner.create_vault("big")).unwrap();
    let big = vec![42u8; 250_000];
    for i in 0..16 {
        block_on(owner.add_secret(&format!("big {i}"), &big, 1)).unwrap();
    }
    let head = block_on(owner.state()).unwrap().head;
    let peak_before = dev.workerd_peak_rss_kib();

    let counting = CountingTransport::new(HttpTransport::new(&dev.url()));
    let newcomer = device_over(counting.clone(), "newcomer", MemoryStore::new());
    block_on(newcomer.request_join("big")).unwrap();
    block_on(owner.accept(&newcomer.device().id)).unwrap();
    let requests_before = counting.count();
    block_on(newcomer.sync()).unwrap();
    let pulled = block_on(newcomer.state()).unwrap().head;
    assert!(pulled.seq > head.seq, "the newcomer reached the head");
    let pages = counting.count() - requests_before;
    let largest = counting.largest_response();
    let peak_after = dev.workerd_peak_rss_kib();
    println!(
        "log of {} commits: first sync in {pages} requests, largest response {largest} B, \
         workerd peak RSS {peak_before} → {peak_after} KiB",
        pulled.seq
    );
    assert!(pages >= 3, "4 MB of commits came in {pages} response(s)");
    assert!(largest <= MAX_PAGE_BYTES + MAX_BODY_BYTES, "a response of {largest} bytes");
    assert!(peak_before > 0, "workerd's memory is measured");
    assert!(
        peak_after.saturating_sub(peak_before) < 64 * 1024,
        "workerd's peak memory grew by {} KiB serving the first sync",
        peak_after - peak_before
    );
}

#[test]
fn two_thousand_join_requests_from_fresh_keys_leave_a_bounded_list() {
    let dev = WranglerDev::start(&temp_dir("join-flood"));
    let http = HttpTransport::new(&dev.url());
    let owner = http_device(&dev.url(), "owner");
    block_on(owner.create_vault("flooded")).unwrap();
    block_on(owner.add_secret("bank", b"pin 1234", 1)).unwrap();
    let keys = owner.gateway().keys();
    let (before_ms, before_requests) = timed_pull(&http, keys, "flooded", 7);

    let (committed, limited) = flood_joins(&http, "flooded", 2000);
    assert_eq!(committed, MAX_UNVOUCHED_PENDING, "the pending list stops at its cap");
    assert_eq!(limited, 2000 - MAX_UNVOUCHED_PENDING);

    let (after_ms, after_requests) = timed_pull(&http, keys, "flooded", 7);
    println!(
        "member full pull: {before_ms:.1} ms in {before_requests} request(s) before, {after_ms:.1} ms in \
         {after_requests} after 2,000 join requests (ratio {:.2})",
        after_ms / before_ms
    );
    assert_eq!(after_requests, 1, "the member's pull still takes one request");
    block_on(owner.sync()).unwrap();
    let view = block_on(owner.governance()).unwrap();
    assert_eq!(view.pending.len(), MAX_UNVOUCHED_PENDING);

    // One member action clears the list, and a genuine device can ask again.
    block_on(owner.decline_all_pending()).unwrap();
    let genuine = http_device(&dev.url(), "genuine");
    block_on(genuine.request_join("flooded")).unwrap();
}

/// The boundary-number table (`meta_secret_tests::boundaries`) through the worker and its SQLite
/// store: every numeric field of the body and of every event kind at 0, 2^53 − 1, 2^53, 2^63,
/// 2^64 − 1, −1, 1.5 and "1". Never a 5xx; out-of-range numbers are a 400 with a stable code.
#[test]
fn every_numeric_field_at_every_boundary_is_a_4xx_with_a_stable_code_never_a_500() {
    use meta_secret_core::clock::Clock;
    use meta_secret_tests::boundaries::{run_table, set_up};
    let dev = WranglerDev::start(&temp_dir("numbers"));
    let http = HttpTransport::new(&dev.url());
    let now = || SystemClock.now_ms();
    let send = |request: meta_secret_core::sync::TransportRequest| http.send_blocking(&request).expect("HTTP");
    let parties = set_up("numbers", &send, &now);
    let (failures, sent) = run_table(&parties, &send, &now);
    println!("{sent} boundary cases through the worker");
    assert!(failures.is_empty(), "{} of {sent} cases misbehaved:\n{}", failures.len(), failures.join("\n"));
}

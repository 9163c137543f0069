//! Join-request floods and a member's timed full pull, shared by the end-to-end test and the
//! benchmark.

use std::time::Instant;

use meta_secret_core::clock::Clock;
use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::sync::wire::{PushOutcome, SyncRequest, SyncResponse};

use crate::http::HttpTransport;
use crate::{signed_request, SystemClock};

/// A member's pull of the whole log from cursor 0: the last page and the requests it took.
pub fn full_pull(http: &HttpTransport, member: &DeviceKeys, vault: &str) -> (SyncResponse, u32) {
    let mut cursor = Cursor::EMPTY;
    let mut requests = 0;
    loop {
        let body = serde_json::to_vec(&SyncRequest { cursor, push: vec![], limit: None }).expect("encode");
        let response = http.send_blocking(&signed_request(member, vault, body, SystemClock.now_ms())).expect("HTTP");
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
        let page: SyncResponse = serde_json::from_slice(&response.body).expect("sync response");
        requests += 1;
        cursor = page.commits.last().map_or(cursor, |c| c.cursor());
        if !page.more {
            return (page, requests);
        }
    }
}

/// Median milliseconds of a member's full pull over `trials`, and the requests it took.
pub fn timed_pull(http: &HttpTransport, member: &DeviceKeys, vault: &str, trials: usize) -> (f64, u32) {
    let mut times = Vec::new();
    let mut requests = 0;
    for _ in 0..trials.max(1) {
        let started = Instant::now();
        requests = full_pull(http, member, vault).1;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], requests)
}

/// Sends `count` join requests, each from fresh keys. Returns how many were committed and how
/// many were refused with `RATE_LIMITED`; any other answer panics.
pub fn flood_joins(http: &HttpTransport, vault: &str, count: usize) -> (usize, usize) {
    let name = VaultName::parse(vault).expect("vault name");
    let (mut committed, mut limited) = (0, 0);
    for i in 0..count {
        let fresh = DeviceKeys::generate(&format!("spam {i}"), DeviceKind::Desktop).expect("keys");
        let join = SignedEvent::sign(
            &fresh,
            &name,
            1,
            GenericKvLogEvent::JoinRequested {
                kit_maker: None,
                invite: None,
                candidate: fresh.info().clone(),
                receive_key: meta_secret_core::vault::generations::new_receive_key().1,
            },
        );
        let request = SyncRequest { cursor: Cursor::EMPTY, push: vec![join], limit: None };
        let body = serde_json::to_vec(&request).expect("encode");
        let response = http.send_blocking(&signed_request(&fresh, vault, body, SystemClock.now_ms())).expect("HTTP");
        let text = String::from_utf8_lossy(&response.body).into_owned();
        match response.status {
            200 => {
                match &serde_json::from_slice::<SyncResponse>(&response.body).expect("response").results[0].outcome {
                    PushOutcome::Committed { .. } => committed += 1,
                    PushOutcome::Rejected { code, .. } if code.as_str() == "RATE_LIMITED" => limited += 1,
                    other => panic!("join {i}: {other:?}"),
                }
            }
            429 => limited += 1,
            _ => panic!("join {i}: {} {text}", response.status),
        }
    }
    (committed, limited)
}

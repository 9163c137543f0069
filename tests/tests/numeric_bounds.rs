//! The boundary-number table in process: every numeric field of the sync body and of every event
//! kind, at 0, 2^53 − 1, 2^53, 2^63, 2^64 − 1, −1, 1.5 and "1", against `ServerApp` over a store
//! that fails on numbers SQLite cannot bind (as the worker's does). Never a 5xx; out-of-range
//! numbers are a 400 with a stable code. `worker_bounds.rs` runs the same table through the worker.

use std::sync::atomic::{AtomicU64, Ordering};

use meta_secret_core::event::VaultName;
use meta_secret_core::sync::{ServerApp, TransportRequest, TransportResponse};
use meta_secret_tests::block_on;
use meta_secret_tests::boundaries::{boundary_values, run_table, set_up, table_fields, SqlLikeStore};

#[test]
fn every_numeric_field_at_every_boundary_is_refused_with_a_stable_code_never_a_500() {
    let app = ServerApp::new(VaultName::parse("bounds").unwrap(), SqlLikeStore::default());
    let clock = AtomicU64::new(1_790_000_000_000);
    let now = || clock.fetch_add(1, Ordering::SeqCst);
    let send = |request: TransportRequest| -> TransportResponse { block_on(app.handle(&request, now())) };
    let parties = set_up("bounds", &send, &now);
    // The fields are found by walking each sample's JSON; the ones the issue names are among them.
    let fields = table_fields(&parties);
    println!("{} fields:\n{}", fields.len(), fields.join("\n"));
    for named in [
        "body (member): /cursor/seq",
        "body (member): /limit",
        "body (outsider): /cursor/seq",
        "join_requested: /push/0/author_seq",
        "join_requested: /push/0/seen/seq",
        "join_requested: /push/0/time_ms",
        "member's join_declined: /push/0/seen/seq",
        "generation_complained: /push/0/event/dealing_seq",
    ] {
        assert!(fields.iter().any(|field| field == named), "{named} is not in the table");
    }
    let (failures, sent) = run_table(&parties, &send, &now);
    assert_eq!(sent, fields.len() * boundary_values().len());
    assert!(failures.is_empty(), "{} of {sent} cases misbehaved:\n{}", failures.len(), failures.join("\n"));
}

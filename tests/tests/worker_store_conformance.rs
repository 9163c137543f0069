//! The core's store conformance suite on the Durable Object's SQLite store, in workerd.

use meta_secret_core::sync::TransportRequest;
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};

#[test]
fn the_durable_object_sqlite_store_passes_the_conformance_suite() {
    let dev = WranglerDev::start(&temp_dir("conformance"));
    let request =
        TransportRequest { method: "POST".into(), path: "/__conformance/run-1".into(), auth: None, body: Vec::new() };
    let response = HttpTransport::new(&dev.url()).send_blocking(&request).expect("HTTP");
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    let report: serde_json::Value = serde_json::from_slice(&response.body).expect("JSON report");
    assert_eq!(report["failures"], serde_json::json!([]), "{report}");
    assert!(report["passed"].as_u64().unwrap_or(0) >= 13, "{report}");
}

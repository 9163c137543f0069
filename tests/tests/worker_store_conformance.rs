//! The core's store conformance suite on the Durable Object's SQLite store, in workerd.

use meta_secret_core::sync::TransportRequest;
use meta_secret_tests::http::HttpTransport;
use meta_secret_tests::wrangler::{temp_dir, WranglerDev};

#[test]
fn a_durable_object_that_fails_is_answered_as_json_with_cors_headers() {
    let dev = WranglerDev::start(&temp_dir("failing-object"));
    // A bare 500 without CORS headers is what a browser reports as "Failed to fetch".
    let response = match ureq::post(&format!("{}/__conformance/fail", dev.url())).call() {
        Err(ureq::Error::Status(_, response)) => response,
        other => panic!("expected an error status, got {other:?}"),
    };
    assert_eq!(response.status(), 500);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&response.into_string().expect("body")).expect("JSON");
    assert_eq!(body["code"], "INTERNAL", "{body}");
    // The worker still reaches Durable Objects and serves the next request.
    let noop = ureq::post(&format!("{}/__conformance/noop", dev.url())).call().expect("noop");
    assert_eq!(noop.status(), 200);
}

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

//! The same store and API inside a dedicated worker, where an extension's vault code runs: no
//! `window`, only the global scope's `fetch`, `indexedDB` and `WebSocket`.

mod common;

use common::*;
use meta_secret_core::store::conformance::run_conformance;
use serde_json::json;
use tsify::Ts;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[wasm_bindgen_test]
async fn there_is_no_window_here() {
    let window = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("window")).unwrap();
    assert!(window.is_undefined(), "this test must run in a worker scope");
}

#[wasm_bindgen_test]
async fn the_store_conformance_suite_passes_in_a_worker() {
    let report = run_conformance(&mut common::IdbFactory { run: common::unique("worker-conformance") }).await;
    assert!(report.failures.is_empty(), "{report}");
}

#[wasm_bindgen_test]
async fn create_add_and_reveal_work_in_a_worker() {
    let device = device("worker").await;
    call(device.create_vault(JsValue::from(unique("worker-vault")))).await.expect("create over fetch");
    let options = Ts::new_unchecked(js(&json!({ "threshold": 1 })));
    let secret = call(device.add_secret("api key".into(), JsValue::from_str("sk-✓"), options)).await.expect("add");
    let claim = call(device.request_recovery(JsValue::from(string(&secret, "id")))).await.unwrap().as_string().unwrap();
    assert_eq!(call(device.reveal_text(JsValue::from(claim))).await.unwrap().as_string().as_deref(), Some("sk-✓"));
    assert_eq!(expect_code(device.approve("missing".into())).await, "UNKNOWN_CLAIM");
    call(device.close()).await.unwrap();
}

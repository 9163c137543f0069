//! Helpers shared by the browser tests.
#![allow(dead_code)] // each test binary uses a different part

use js_sys::{Promise, Reflect};
use meta_secret_core::store::conformance::StoreFactory;
use meta_secret_wasm::{IdbStore, MetaSecret};
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// The worker the browser tests talk to. Set at build time by `scripts/test-browser.sh`, which
/// starts `wrangler dev`; a build without it fails the test instead of skipping it.
pub fn server_url() -> &'static str {
    match option_env!("META_SECRET_SERVER_URL") {
        Some(url) if !url.is_empty() => url,
        _ => panic!("META_SECRET_SERVER_URL was not set at build time; run scripts/test-browser.sh"),
    }
}

/// A name no earlier run used (databases and vaults outlive a test run).
pub fn unique(prefix: &str) -> String {
    let random = (js_sys::Math::random() * 1e9) as u64;
    format!("{prefix}-{}-{random}", js_sys::Date::now() as u64)
}

pub fn js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("to JS")
}

pub async fn call(promise: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// The `code` of a rejected call.
pub fn code(error: JsValue) -> String {
    Reflect::get(&error, &JsValue::from_str("code")).ok().and_then(|c| c.as_string()).unwrap_or_else(|| {
        panic!("error without a code: {error:?}");
    })
}

pub async fn expect_code(promise: Promise) -> String {
    match call(promise).await {
        Ok(value) => panic!("expected a rejection, got {value:?}"),
        Err(error) => code(error),
    }
}

pub async fn open_with(options: serde_json::Value) -> Result<MetaSecret, JsValue> {
    MetaSecret::open(Ts::new_unchecked(js(&options))).await
}

/// A device with its own IndexedDB database and (test-only) unprotected keys.
pub async fn device(name: &str) -> MetaSecret {
    let options = serde_json::json!({
        "serverUrl": server_url(),
        "dbName": unique(&format!("db-{name}")),
        "deviceName": name,
        "insecureNoPassphrase": true,
    });
    open_with(options).await.expect("open device")
}

pub fn string(value: &JsValue, field: &str) -> String {
    Reflect::get(value, &JsValue::from_str(field)).ok().and_then(|v| v.as_string()).expect(field)
}

pub fn number(value: &JsValue, field: &str) -> f64 {
    Reflect::get(value, &JsValue::from_str(field)).ok().and_then(|v| v.as_f64()).expect(field)
}

pub fn array(value: JsValue) -> Vec<JsValue> {
    js_sys::Array::from(&value).iter().collect()
}

pub fn device_id(device: &MetaSecret) -> String {
    string(&device.device(), "id")
}

pub async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout = Reflect::get(&global, &JsValue::from_str("setTimeout")).expect("setTimeout");
        let set_timeout: js_sys::Function = set_timeout.into();
        set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(ms)).expect("schedule");
    });
    JsFuture::from(promise).await.expect("sleep");
}

/// Opens IndexedDB stores for the conformance suite, named after this run so none are reused.
pub struct IdbFactory {
    pub run: String,
}

impl StoreFactory for IdbFactory {
    type Store = IdbStore;

    async fn open(&mut self, name: &str) -> IdbStore {
        IdbStore::open(&format!("{}-{name}", self.run)).await.expect("open IndexedDB")
    }
}

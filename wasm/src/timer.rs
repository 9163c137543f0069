//! `setTimeout` as a future, from the global scope (page, worker or service worker).

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
}

pub async fn sleep(ms: u64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms as f64);
    });
    let _ = JsFuture::from(promise).await;
}

/// Wall-clock time for request timestamps.
pub struct JsClock;

impl meta_secret_core::clock::Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

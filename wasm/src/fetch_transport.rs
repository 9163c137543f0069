//! `SyncProtocol` over `fetch`. It calls the global `fetch`, not `window.fetch`, so it works in a
//! page, a dedicated worker and an extension's service worker alike.

use js_sys::{ArrayBuffer, Promise, Uint8Array};
use meta_secret_core::sync::{SyncProtocol, TransportError, TransportRequest, TransportResponse};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

#[wasm_bindgen]
extern "C" {
    /// `globalThis.fetch`, present in every browser scope.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &Request) -> Promise;
}

fn network(error: JsValue) -> TransportError {
    let message = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    TransportError(message)
}

#[derive(Clone)]
pub struct FetchTransport {
    base_url: String,
}

impl FetchTransport {
    pub fn new(base_url: &str) -> FetchTransport {
        FetchTransport { base_url: base_url.trim_end_matches('/').to_owned() }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn build(&self, request: &TransportRequest) -> Result<Request, JsValue> {
        let init = RequestInit::new();
        init.set_method(&request.method);
        if !request.body.is_empty() {
            init.set_body(&Uint8Array::from(request.body.as_slice()));
        }
        let url = format!("{}{}", self.base_url, request.path);
        let fetch_request = Request::new_with_str_and_init(&url, &init)?;
        let headers = fetch_request.headers();
        headers.set("content-type", "application/json")?;
        if let Some(auth) = &request.auth {
            for (name, value) in auth.headers() {
                headers.set(name, &value)?;
            }
        }
        Ok(fetch_request)
    }
}

impl SyncProtocol for FetchTransport {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let fetch_request = self.build(&request).map_err(network)?;
        let response: Response = JsFuture::from(global_fetch(&fetch_request)).await.map_err(network)?.unchecked_into();
        let body = JsFuture::from(response.array_buffer().map_err(network)?).await.map_err(network)?;
        let body = Uint8Array::new(&body.unchecked_into::<ArrayBuffer>()).to_vec();
        Ok(TransportResponse { status: response.status(), body })
    }
}

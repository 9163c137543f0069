//! The front door, before any Durable Object exists: size, signature and clock window are
//! checked here, so an unauthenticated or oversized request never creates a vault's storage.
//! The Durable Object checks again (and adds the replay check, which needs its storage).

use meta_secret_core::identity::DeviceId;
use meta_secret_core::sync::wire::{ApiError, RequestAuth, AUTH_HEADERS, MAX_BODY_BYTES};
use meta_secret_core::ErrorCode;
use worker::{Headers, Method, Request, RequestInit};

fn too_large() -> ApiError {
    ApiError::new(ErrorCode::TooLarge, "request body exceeds 1 MiB")
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// A sync request, checked and rebuilt (its body was read here) for the Durable Object, with the
/// device whose signature it carries.
pub async fn sync(mut req: Request, path: &str, now_ms: u64) -> Result<(Request, DeviceId), ApiError> {
    // Refuse on the declared size before reading anything.
    if header(&req, "content-length").and_then(|v| v.parse::<usize>().ok()).is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    // The object gets the body as a second branch of the same stream, not as a copy held by a new
    // request until V8 collects it (issue 25: dropping that copy saved ~20 MiB over a 101 MiB push).
    let forward = req.clone().map_err(|_| internal())?;
    let body = read_capped(&mut req).await?;
    let values: Vec<(&str, Option<String>)> = AUTH_HEADERS.into_iter().map(|n| (n, header(&req, n))).collect();
    let auth =
        RequestAuth::from_headers(|name| values.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.as_deref()))?;
    let device = auth.verify("POST", path, &body, now_ms)?;
    let headers: Vec<(&str, &str)> = values.iter().filter_map(|(n, v)| v.as_deref().map(|v| (*n, v))).collect();
    let stream = forward.inner().body().map(wasm_bindgen::JsValue::from);
    Ok((rebuild(&req, &headers, stream)?, device))
}

/// An operator's import, its body read under the same cap.
pub async fn admin_import(mut req: Request) -> Result<Request, ApiError> {
    if header(&req, "content-length").and_then(|v| v.parse::<usize>().ok()).is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let body = read_capped(&mut req).await?;
    // JSON is UTF-8; the body travels on as a string (see `memory.rs`).
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::new(ErrorCode::Malformed, "the body is not UTF-8"))?;
    rebuild(&req, &[], Some(wasm_bindgen::JsValue::from_str(text)))
}

/// The request again, with only `headers` and `body`.
fn rebuild(req: &Request, headers: &[(&str, &str)], body: Option<wasm_bindgen::JsValue>) -> Result<Request, ApiError> {
    let forwarded = Headers::new();
    for (name, value) in headers {
        let _ = forwarded.set(name, value);
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(forwarded).with_body(body);
    Request::new_with_init(req.url().map_err(|_| internal())?.as_ref(), &init).map_err(|_| internal())
}

/// Reads the body chunk by chunk and stops at the limit: a body without `Content-Length`
/// (chunked) is never read whole.
async fn read_capped(req: &mut Request) -> Result<Vec<u8>, ApiError> {
    use futures_util::StreamExt;
    let unreadable = || ApiError::new(ErrorCode::Malformed, "unreadable request body");
    if header(req, "content-length").is_some() {
        // Declared (and checked) size: read whole, as a string (see `memory.rs`).
        return req.text().await.map(String::into_bytes).map_err(|_| unreadable());
    }
    let Ok(mut stream) = req.stream() else { return Ok(Vec::new()) }; // no body at all
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| unreadable())?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A status read: a signed `GET` without a body.
pub fn status(req: &Request, path: &str, now_ms: u64) -> Result<DeviceId, ApiError> {
    let values: Vec<(&str, Option<String>)> = AUTH_HEADERS.into_iter().map(|n| (n, header(req, n))).collect();
    let auth =
        RequestAuth::from_headers(|name| values.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.as_deref()))?;
    auth.verify("GET", path, b"", now_ms)
}

/// A live handshake: an upgrade, signed in its query.
pub fn live(req: &Request, path: &str, now_ms: u64) -> Result<DeviceId, ApiError> {
    let upgrade = header(req, "upgrade").unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(ApiError::new(ErrorCode::UpgradeRequired, "live takes a WebSocket upgrade"));
    }
    let url = req.url().map_err(|_| internal())?;
    let query: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let auth = RequestAuth::from_query(|name| query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()))?;
    auth.verify("GET", path, b"", now_ms)
}

fn internal() -> ApiError {
    ApiError::new(ErrorCode::Internal, "the server could not forward the request")
}

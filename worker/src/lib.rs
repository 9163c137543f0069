//! meta-secret worker: routes `/v1/vaults/{name}/…` to the vault's Durable Object (one per vault
//! name) and answers errors as JSON. All sync logic lives in the core's `ServerApp`.

mod admin;
mod config;
#[cfg(feature = "conformance")]
mod conformance;
mod gate;
mod live;
mod memory;
mod ops_log;
mod random;
mod rate;
mod schema;
mod sql_store;
mod vault_object;

use meta_secret_core::sync::wire::{route, ApiError, Route, AUTH_HEADERS};
use meta_secret_core::sync::TransportResponse;
use meta_secret_core::ErrorCode;
use worker::{event, Context, Env, Headers, Method, Request, Response, Result};

pub use vault_object::VaultObject;

const VAULTS_BINDING: &str = "VAULTS";
const HEALTH_PATH: &str = "/v1/health";
/// Test builds only: a Durable Object round trip that does no work (benchmark figure 7).
#[cfg(feature = "conformance")]
const NOOP_PATH: &str = "/__conformance/noop";
/// Test builds only: a Durable Object that fails, to show how the worker answers then.
#[cfg(feature = "conformance")]
const FAIL_PATH: &str = "/__conformance/fail";
/// Test builds only: `{STORAGE_PATH}{vault}` lists the tables the vault's object holds (a read).
#[cfg(feature = "conformance")]
const STORAGE_PATH: &str = "/__conformance/storage/";

/// CORS: any origin may call the API; authentication is by request signature, never cookies.
fn cors_headers() -> Headers {
    let headers = Headers::new();
    let allowed = format!("content-type, {}", AUTH_HEADERS.join(", "));
    for (name, value) in [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "POST, GET, OPTIONS"),
        ("access-control-allow-headers", allowed.as_str()),
        ("access-control-max-age", "86400"),
    ] {
        let _ = headers.set(name, value);
    }
    headers
}

pub(crate) fn json_response(response: TransportResponse) -> Result<Response> {
    let headers = cors_headers();
    headers.set("content-type", "application/json")?;
    let text = match String::from_utf8(response.body) {
        Ok(text) => text,
        Err(bytes) => {
            return Ok(Response::from_bytes(bytes.into_bytes())?.with_status(response.status).with_headers(headers))
        }
    };
    // A body handed over as a JS string, not a byte array: see `memory.rs`.
    let init = worker::web_sys::ResponseInit::new();
    init.set_status(response.status);
    init.set_headers(&headers.0);
    let answer = worker::web_sys::Response::new_with_opt_str_and_init(Some(&text), &init)?;
    Ok(Response::from(answer))
}

/// The build's version, the storage schema it reads and writes, and a configuration error if any.
fn health_body(config_error: Option<&String>) -> Vec<u8> {
    let mut body = serde_json::json!({
        "ok": config_error.is_none(),
        "version": env!("CARGO_PKG_VERSION"),
        "schema": schema::SCHEMA_VERSION,
    });
    if let Some(message) = config_error {
        body["error"] = format!("the worker's configuration is invalid: {message}").into();
    }
    body.to_string().into_bytes()
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let started = worker::Date::now().as_millis();
    match serve(req, env, started).await {
        Ok(response) => Ok(response),
        // A runtime failure (a Durable Object that threw or was reset) would otherwise be a bare
        // 500 without CORS headers, which a browser reports as a network error.
        Err(error) => {
            worker::console_error!("internal error: {error}");
            let error = ApiError::new(ErrorCode::Internal, "the server failed; retry");
            let body = error.to_json();
            ops_log::request(&ops_log::RequestLine {
                route: "internal",
                status: error.status(),
                code: Some(error.code.as_str()),
                ms: worker::Date::now().as_millis().saturating_sub(started),
                bytes_out: body.len(),
                ..Default::default()
            });
            json_response(TransportResponse { status: error.status(), body })
        }
    }
}

async fn serve(req: Request, env: Env, started: u64) -> Result<Response> {
    let declared = req.headers().get("content-length").ok().flatten().and_then(|v| v.parse().ok()).unwrap_or(0);
    // Requests answered here are logged here; the Durable Object logs the ones it answers.
    let answer_here = |route: &str, status: u16, body: Vec<u8>, code: Option<&str>| {
        ops_log::request(&ops_log::RequestLine {
            route,
            status,
            code,
            ms: worker::Date::now().as_millis().saturating_sub(started),
            bytes_in: declared,
            bytes_out: body.len(),
            ..Default::default()
        });
        body
    };
    if req.method() == Method::Options {
        answer_here("preflight", 204, Vec::new(), None);
        return Ok(Response::empty()?.with_status(204).with_headers(cors_headers()));
    }
    let path = req.path();
    let configured = config::limits(&env);
    if path == HEALTH_PATH && req.method() == Method::Get {
        // Liveness for operators and the benchmarks' baseline; touches no Durable Object.
        let status = if configured.is_ok() { 200 } else { 500 };
        let body = answer_here("health", status, health_body(configured.as_ref().err()), None);
        return json_response(TransportResponse { status, body });
    }
    let refuse = |route: &str, error: &ApiError| {
        let body = answer_here(route, error.status(), error.to_json(), Some(error.code.as_str()));
        json_response(TransportResponse { status: error.status(), body })
    };
    if let Err(message) = &configured {
        return refuse("unrouted", &config::config_error(message));
    }
    if let Some(ip) = req.headers().get("cf-connecting-ip").ok().flatten() {
        if let Err(error) = rate::check(&env, rate::PER_IP, &ip).await {
            return refuse("unrouted", &error);
        }
    }
    #[cfg(feature = "conformance")]
    if path.starts_with("/__conformance/") {
        // A storage report reaches the named vault's object; every other case gets its own.
        let object = match path.strip_prefix(STORAGE_PATH).map(meta_secret_core::event::VaultName::parse) {
            Some(Ok(vault)) => vault.as_str().to_owned(),
            _ => path.clone(),
        };
        let stub = env.durable_object(VAULTS_BINDING)?.id_from_name(&object)?.get_stub()?;
        return stub.fetch_with_request(req).await;
    }
    if let Some(admin) = admin::route(req.method().as_ref(), &path) {
        let checked = admin.and_then(|admin| admin::authorize(&req, &env).map(|()| admin));
        let admin = match checked {
            Ok(admin) => admin,
            Err(error) => return refuse("admin", &error),
        };
        let vault = admin.vault().clone();
        let req = match admin {
            admin::AdminRoute::Export(_) => req,
            admin::AdminRoute::Import(_) => match gate::admin_import(req).await {
                Ok(req) => req,
                Err(error) => return refuse("admin", &error),
            },
        };
        let stub = env.durable_object(VAULTS_BINDING)?.id_from_name(vault.as_str())?.get_stub()?;
        let headers = cors_headers();
        headers.set("content-type", "application/json")?;
        return Ok(stub.fetch_with_request(req).await?.with_headers(headers));
    }
    let routed = match route(req.method().as_ref(), &path) {
        Ok(routed) => routed,
        Err(error) => return refuse("unrouted", &error),
    };
    let now_ms = worker::Date::now().as_millis();
    let (vault, is_live, kind) = match &routed {
        Route::Sync(vault) => (vault.clone(), false, "sync"),
        Route::Live(vault) => (vault.clone(), true, "live"),
        Route::Status(vault) => (vault.clone(), false, "status"),
    };
    let checked = match routed {
        Route::Live(_) => gate::live(&req, &path, now_ms).map(|device| (req, device)),
        Route::Status(_) => gate::status(&req, &path, now_ms).map(|device| (req, device)),
        Route::Sync(_) => gate::sync(req, &path, now_ms).await,
    };
    let (req, device) = match checked {
        Ok(checked) => checked,
        Err(error) => return refuse(kind, &error),
    };
    // The device whose signature the gate verified: a request cannot name another's budget.
    if let Err(error) = rate::check(&env, rate::PER_DEVICE, device.as_str()).await {
        return refuse(kind, &error);
    }
    let stub = env.durable_object(VAULTS_BINDING)?.id_from_name(vault.as_str())?.get_stub()?;
    let response = stub.fetch_with_request(req).await?;
    // A 101 carries the socket itself; every other answer gets the CORS headers.
    Ok(match is_live && response.status_code() == 101 {
        true => response,
        false => {
            let headers = cors_headers();
            headers.set("content-type", "application/json")?;
            response.with_headers(headers)
        }
    })
}

//! One Durable Object per vault: SQLite storage plus the core's `ServerApp`.

use std::cell::OnceCell;

use meta_secret_core::event::VaultName;
use meta_secret_core::sync::wire::{
    route, ApiError, RequestAuth, Route, HEADER_DEVICE_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use meta_secret_core::sync::{ServerApp, TransportRequest, TransportResponse};
use meta_secret_core::ErrorCode;
use worker::{durable_object, DurableObject, Env, Request, Response, Result, State};

use crate::json_response;
use crate::sql_store::SqlStore;

#[durable_object]
pub struct VaultObject {
    state: State,
    app: OnceCell<ServerApp<SqlStore>>,
}

impl VaultObject {
    fn app(&self, vault: &VaultName) -> std::result::Result<&ServerApp<SqlStore>, ApiError> {
        if let Some(app) = self.app.get() {
            return Ok(app);
        }
        let store = SqlStore::open(self.state.storage().sql())
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the server could not open its storage"))?;
        Ok(self.app.get_or_init(|| ServerApp::new(vault.clone(), store)))
    }

    async fn answer(&self, mut req: Request) -> std::result::Result<TransportResponse, ApiError> {
        let path = req.path();
        let method = req.method().to_string();
        let Route::Sync(vault) = route(&method, &path)?;
        let headers: Vec<(&str, String)> = [HEADER_DEVICE_KEY, HEADER_TIMESTAMP, HEADER_SIGNATURE]
            .into_iter()
            .filter_map(|name| req.headers().get(name).ok().flatten().map(|value| (name, value)))
            .collect();
        // Missing or unreadable signature headers leave `auth` empty; ServerApp answers 401.
        let auth =
            RequestAuth::from_headers(|name| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())).ok();
        let body = req.bytes().await.map_err(|_| ApiError::new(ErrorCode::Malformed, "unreadable request body"))?;
        let request = TransportRequest { method, path, auth, body };
        let now_ms = worker::Date::now().as_millis();
        Ok(self.app(&vault)?.handle(&request, now_ms).await)
    }
}

impl DurableObject for VaultObject {
    fn new(state: State, _env: Env) -> Self {
        VaultObject { state, app: OnceCell::new() }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        #[cfg(feature = "conformance")]
        if req.path().starts_with("/__conformance/") {
            return json_response(crate::conformance::run(&self.state).await);
        }
        match self.answer(req).await {
            Ok(response) => json_response(response),
            Err(error) => json_response(TransportResponse { status: error.status(), body: error.to_json() }),
        }
    }
}

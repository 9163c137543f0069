//! One Durable Object per vault: SQLite storage plus the core's `ServerApp`.

use std::cell::OnceCell;

use meta_secret_core::event::VaultName;
use meta_secret_core::sync::wire::{route, ApiError, RequestAuth, Route, AUTH_HEADERS};
use meta_secret_core::sync::{Handled, ServerApp, TransportRequest, TransportResponse};
use meta_secret_core::ErrorCode;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
};

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

    async fn serve(&self, req: Request) -> std::result::Result<Response, ApiError> {
        let path = req.path();
        let now_ms = worker::Date::now().as_millis();
        match route(req.method().as_ref(), &path)? {
            Route::Live(vault) => crate::live::open(&self.state, self.app(&vault)?, &req, path, now_ms).await,
            Route::Sync(vault) => {
                let app = self.app(&vault)?;
                let handled = self.sync(app, req, path, now_ms).await?;
                if handled.head_moved {
                    crate::live::poke(&self.state, app).await;
                }
                json_response(handled.response)
                    .map_err(|_| ApiError::new(ErrorCode::Internal, "the server could not build a response"))
            }
        }
    }

    async fn sync(
        &self,
        app: &ServerApp<SqlStore>,
        mut req: Request,
        path: String,
        now_ms: u64,
    ) -> std::result::Result<Handled, ApiError> {
        let method = req.method().to_string();
        let headers: Vec<(&str, String)> = AUTH_HEADERS
            .into_iter()
            .filter_map(|name| req.headers().get(name).ok().flatten().map(|value| (name, value)))
            .collect();
        // Missing or unreadable signature headers leave `auth` empty; ServerApp answers 401.
        let auth =
            RequestAuth::from_headers(|name| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())).ok();
        let body = req.bytes().await.map_err(|_| ApiError::new(ErrorCode::Malformed, "unreadable request body"))?;
        let request = TransportRequest { method, path, auth, body };
        Ok(app.handle_request(&request, now_ms).await)
    }
}

impl DurableObject for VaultObject {
    fn new(state: State, _env: Env) -> Self {
        crate::live::install_keepalive(&state);
        VaultObject { state, app: OnceCell::new() }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        #[cfg(feature = "conformance")]
        if req.path() == crate::NOOP_PATH {
            // Benchmarks only: the cost of reaching a Durable Object, without any sync work.
            return json_response(TransportResponse { status: 200, body: b"{}".to_vec() });
        }
        #[cfg(feature = "conformance")]
        if req.path().starts_with("/__conformance/") {
            return json_response(crate::conformance::run(&self.state).await);
        }
        match self.serve(req).await {
            Ok(response) => Ok(response),
            Err(error) => json_response(TransportResponse { status: error.status(), body: error.to_json() }),
        }
    }

    async fn websocket_message(&self, _socket: WebSocket, _message: WebSocketIncomingMessage) -> Result<()> {
        // Devices only listen; anything they send (besides the auto-answered ping) is ignored.
        Ok(())
    }

    async fn websocket_close(&self, socket: WebSocket, _code: usize, _reason: String, _clean: bool) -> Result<()> {
        // Completes the closing handshake; the socket may already be gone.
        let _ = socket.close(Some(1000), Some("bye"));
        Ok(())
    }

    async fn websocket_error(&self, _socket: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}

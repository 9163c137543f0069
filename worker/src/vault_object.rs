//! One Durable Object per vault: SQLite storage plus the core's `ServerApp`.

use std::cell::OnceCell;

use meta_secret_core::event::VaultName;
use meta_secret_core::sync::wire::{route, unsafe_number, ApiError, RequestAuth, Route, AUTH_HEADERS};
use meta_secret_core::sync::{BackupPage, Handled, ServerApp, TransportRequest, TransportResponse};
use meta_secret_core::ErrorCode;
use worker::{
    durable_object, DurableObject, Env, Request, Response, Result, State, WebSocket, WebSocketIncomingMessage,
};

use crate::admin::AdminRoute;
use crate::json_response;
use crate::ops_log;
use crate::sql_store::SqlStore;

#[durable_object]
pub struct VaultObject {
    state: State,
    env: Env,
    app: OnceCell<ServerApp<SqlStore>>,
}

/// What the log line of one request says besides its status and time.
#[derive(Default)]
struct Served {
    route: &'static str,
    bytes_in: usize,
    bytes_out: usize,
    appended: u64,
    code: Option<ErrorCode>,
}

#[derive(serde::Deserialize)]
struct CodeOnly {
    code: ErrorCode,
}

impl VaultObject {
    fn app(&self, vault: &VaultName) -> std::result::Result<&ServerApp<SqlStore>, ApiError> {
        if let Some(app) = self.app.get() {
            return Ok(app);
        }
        let store = SqlStore::open(self.state.storage().sql()).map_err(|error| {
            // The operator needs the reason (for example a schema newer than this worker).
            let vault = ops_log::vault_tag(&self.env, vault.as_str());
            ops_log::storage(&ops_log::StorageLine { error: error.to_string(), vault });
            ApiError::new(ErrorCode::Internal, "the server could not open its storage")
        })?;
        let to = crate::schema::SCHEMA_VERSION;
        if store.upgraded_from() != to && store.upgraded_from() != 0 {
            let vault = ops_log::vault_tag(&self.env, vault.as_str());
            ops_log::schema(&ops_log::SchemaLine { from: store.upgraded_from(), to, vault });
        }
        let limits = crate::config::limits(&self.env).map_err(|message| crate::config::config_error(&message))?;
        Ok(self.app.get_or_init(|| ServerApp::with_limits(vault.clone(), store, limits)))
    }

    async fn serve(&self, req: Request, served: &mut Served) -> std::result::Result<Response, ApiError> {
        let path = req.path();
        let now_ms = worker::Date::now().as_millis();
        // Only the worker reaches this object, and it has checked the operator's token.
        if let Some(admin) = crate::admin::route(req.method().as_ref(), &path) {
            return self.admin(admin?, req, served).await;
        }
        match route(req.method().as_ref(), &path)? {
            Route::Live(vault) => {
                served.route = "live";
                let tag = ops_log::vault_tag(&self.env, vault.as_str());
                crate::live::open(&self.state, self.app(&vault)?, &req, path, now_ms, &tag).await
            }
            Route::Status(vault) => {
                served.route = "status";
                let headers: Vec<(&str, String)> = AUTH_HEADERS
                    .into_iter()
                    .filter_map(|name| req.headers().get(name).ok().flatten().map(|value| (name, value)))
                    .collect();
                let auth =
                    RequestAuth::from_headers(|name| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str()))
                        .ok();
                let request = TransportRequest { method: "GET".into(), path, auth, body: Vec::new() };
                let usage = self.app(&vault)?.usage_report(&request, now_ms).await?;
                let body = serde_json::to_vec(&usage).unwrap_or_default();
                served.bytes_out = body.len();
                json_response(TransportResponse { status: 200, body })
                    .map_err(|_| ApiError::new(ErrorCode::Internal, "the server could not build a response"))
            }
            Route::Sync(vault) => {
                served.route = "sync";
                let app = self.app(&vault)?;
                let handled = self.sync(app, req, path, now_ms, served).await?;
                if handled.head_moved {
                    crate::live::poke(&self.state, app).await;
                }
                served.appended = handled.appended;
                served.bytes_out = handled.response.body.len();
                if handled.response.status >= 400 {
                    served.code = serde_json::from_slice::<CodeOnly>(&handled.response.body).ok().map(|c| c.code);
                }
                json_response(handled.response)
                    .map_err(|_| ApiError::new(ErrorCode::Internal, "the server could not build a response"))
            }
        }
    }

    async fn admin(
        &self,
        admin: AdminRoute,
        mut req: Request,
        served: &mut Served,
    ) -> std::result::Result<Response, ApiError> {
        let app = self.app(admin.vault())?;
        let body = match admin {
            AdminRoute::Export(_) => {
                served.route = "admin_export";
                let url = req.url().map_err(|_| ApiError::new(ErrorCode::Malformed, "unreadable request URL"))?;
                let after = url.query_pairs().find(|(key, _)| key == "after").map(|(_, value)| value.into_owned());
                let after = match after {
                    Some(text) => text
                        .parse::<u64>()
                        .map_err(|_| ApiError::new(ErrorCode::InvalidInput, "after must be a sequence number"))?,
                    None => 0,
                };
                serde_json::to_vec(&app.export_page(after).await?)
            }
            AdminRoute::Import(_) => {
                served.route = "admin_import";
                let body = crate::memory::read_body(&mut req)
                    .await
                    .map_err(|_| ApiError::new(ErrorCode::Malformed, "unreadable request body"))?;
                served.bytes_in = body.len();
                if let Some(number) = unsafe_number(&body) {
                    let shown: String = number.chars().take(24).collect();
                    let message = format!("every number in a backup page must be from 0 to 2^53 - 1, not {shown}");
                    return Err(ApiError::new(ErrorCode::InvalidInput, message));
                }
                let page: BackupPage = serde_json::from_slice(&body)
                    .map_err(|e| ApiError::new(ErrorCode::Malformed, format!("not a backup page: {e}")))?;
                let before = app.head().await.map(|head| head.seq).unwrap_or(0);
                let head = app.import_page(&page, worker::Date::now().as_millis()).await?;
                served.appended = head.seq.saturating_sub(before);
                serde_json::to_vec(&serde_json::json!({ "head": head }))
            }
        };
        let body = body.map_err(|_| ApiError::new(ErrorCode::Internal, "the server could not build a response"))?;
        served.bytes_out = body.len();
        json_response(TransportResponse { status: 200, body })
            .map_err(|_| ApiError::new(ErrorCode::Internal, "the server could not build a response"))
    }

    async fn sync(
        &self,
        app: &ServerApp<SqlStore>,
        mut req: Request,
        path: String,
        now_ms: u64,
        served: &mut Served,
    ) -> std::result::Result<Handled, ApiError> {
        let method = req.method().to_string();
        let headers: Vec<(&str, String)> = AUTH_HEADERS
            .into_iter()
            .filter_map(|name| req.headers().get(name).ok().flatten().map(|value| (name, value)))
            .collect();
        // Missing or unreadable signature headers leave `auth` empty; ServerApp answers 401.
        let auth =
            RequestAuth::from_headers(|name| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())).ok();
        let body = crate::memory::read_body(&mut req)
            .await
            .map_err(|_| ApiError::new(ErrorCode::Malformed, "unreadable request body"))?;
        served.bytes_in = body.len();
        let request = TransportRequest { method, path, auth, body };
        Ok(app.handle_request(&request, now_ms).await)
    }
}

impl DurableObject for VaultObject {
    fn new(state: State, env: Env) -> Self {
        crate::live::install_keepalive(&state);
        VaultObject { state, env, app: OnceCell::new() }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        #[cfg(feature = "conformance")]
        if req.path() == crate::NOOP_PATH {
            // Benchmarks only: the cost of reaching a Durable Object, without any sync work.
            return json_response(TransportResponse { status: 200, body: b"{}".to_vec() });
        }
        #[cfg(feature = "conformance")]
        if req.path() == crate::FAIL_PATH {
            // Tests only: a Durable Object that throws, as one the runtime reset would.
            return Err(worker::Error::RustError("planted failure".into()));
        }
        #[cfg(feature = "conformance")]
        if req.path().starts_with(crate::STORAGE_PATH) {
            // Tests only: what this object stores, read without writing anything.
            #[derive(serde::Deserialize)]
            struct Name {
                name: String,
            }
            let sql = self.state.storage().sql();
            let tables: Vec<Name> =
                sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'", None)?.to_array()?;
            let tables: Vec<String> = tables.into_iter().map(|t| t.name).collect();
            let body = serde_json::json!({ "tables": tables, "bytes": sql.database_size() });
            return json_response(TransportResponse { status: 200, body: body.to_string().into_bytes() });
        }
        #[cfg(feature = "conformance")]
        if req.path().starts_with("/__conformance/") {
            return json_response(crate::conformance::run(&self.state).await);
        }
        let started = worker::Date::now().as_millis();
        let (method, path) = (req.method().to_string(), req.path());
        let vault = match crate::admin::route(&method, &path) {
            Some(admin) => admin.ok().map(|admin| admin.vault().clone()),
            None => route(&method, &path).ok().map(|route| match route {
                Route::Sync(vault) | Route::Live(vault) | Route::Status(vault) => vault,
            }),
        };
        let vault = vault.map(|vault| ops_log::vault_tag(&self.env, vault.as_str()));
        let mut served = Served::default();
        let (response, code) = match self.serve(req, &mut served).await {
            Ok(response) => (response, served.code),
            Err(error) => {
                let body = error.to_json();
                served.bytes_out = body.len();
                let response = json_response(TransportResponse { status: error.status(), body })?;
                (response, Some(error.code))
            }
        };
        ops_log::request(&ops_log::RequestLine {
            route: served.route,
            status: response.status_code(),
            code: code.map(ErrorCode::as_str),
            ms: worker::Date::now().as_millis().saturating_sub(started),
            bytes_in: served.bytes_in,
            bytes_out: served.bytes_out,
            appended: served.appended,
            vault,
        });
        Ok(response)
    }

    async fn websocket_message(&self, _socket: WebSocket, _message: WebSocketIncomingMessage) -> Result<()> {
        // Devices only listen; anything they send (besides the auto-answered ping) is ignored.
        Ok(())
    }

    async fn websocket_close(&self, socket: WebSocket, code: usize, _reason: String, _clean: bool) -> Result<()> {
        crate::live::log_close(&self.state, &socket, code);
        // Completes the closing handshake; the socket may already be gone.
        let _ = socket.close(Some(1000), Some("bye"));
        Ok(())
    }

    async fn websocket_error(&self, _socket: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}

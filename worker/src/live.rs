//! Live sockets: the hibernatable WebSocket side of `GET /v1/vaults/{name}/live`. Who may listen
//! and what each socket gets after a commit are decided by the core's `ServerApp`.

use meta_secret_core::identity::DeviceId;
use meta_secret_core::sync::live::LiveAction;
use meta_secret_core::sync::wire::{ApiError, RequestAuth};
use meta_secret_core::sync::{ServerApp, TransportRequest};
use meta_secret_core::ErrorCode;
use worker::{Request, Response, State, WebSocket, WebSocketPair, WebSocketRequestResponsePair};

use crate::ops_log;
use crate::sql_store::SqlStore;

/// Clients may send "ping" to keep a socket alive; the runtime answers without waking the object.
const KEEPALIVE: (&str, &str) = ("ping", "pong");

/// Authorizes a live handshake and accepts its socket for hibernation, tagged with the device id.
pub async fn open(
    state: &State,
    app: &ServerApp<SqlStore>,
    req: &Request,
    path: String,
    now_ms: u64,
    vault_tag: &str,
) -> Result<Response, ApiError> {
    let upgrade = req.headers().get("upgrade").ok().flatten().unwrap_or_default();
    if !upgrade.eq_ignore_ascii_case("websocket") {
        return Err(ApiError::new(ErrorCode::UpgradeRequired, "live takes a WebSocket upgrade"));
    }
    let url = req.url().map_err(|_| ApiError::new(ErrorCode::Malformed, "unreadable request URL"))?;
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let auth = RequestAuth::from_query(|name| query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())).ok();
    let request = TransportRequest { method: "GET".into(), path, auth, body: Vec::new() };
    let open = |device: &DeviceId| state.get_websockets_with_tag(device.as_str()).len();
    let device = app.authorize_live(&request, now_ms, open).await?;

    let fail = |_| ApiError::new(ErrorCode::Internal, "the server could not open a live socket");
    let pair = WebSocketPair::new().map_err(fail)?;
    // The second tag carries the vault's log tag to the close handler, which may run after
    // hibernation, before any request has told the object its vault.
    state.accept_websocket_with_tags(&pair.server, &[device.as_str(), vault_tag]);
    ops_log::socket(&ops_log::SocketLine { event: "open", close_code: None, vault: vault_tag.to_owned() });
    Response::from_websocket(pair.client).map_err(fail)
}

/// Set once per object: answers a client's "ping" without waking a hibernating object.
pub fn install_keepalive(state: &State) {
    if let Ok(pair) = WebSocketRequestResponsePair::new(KEEPALIVE.0, KEEPALIVE.1) {
        state.set_websocket_auto_response(&pair);
    }
}

pub fn log_close(state: &State, socket: &WebSocket, code: usize) {
    let vault = state.get_tags(socket).get(1).cloned().unwrap_or_default();
    let close_code = u16::try_from(code).ok();
    ops_log::socket(&ops_log::SocketLine { event: "close", close_code, vault });
}

fn device_of(state: &State, socket: &WebSocket) -> Option<DeviceId> {
    state.get_tags(socket).first().and_then(|tag| DeviceId::parse(tag).ok())
}

/// After a commit: pokes every connected member and closes sockets of devices that left.
pub async fn poke(state: &State, app: &ServerApp<SqlStore>) {
    let sockets: Vec<(WebSocket, DeviceId)> = state
        .get_websockets()
        .into_iter()
        .filter_map(|socket| device_of(state, &socket).map(|device| (socket, device)))
        .collect();
    if sockets.is_empty() {
        return;
    }
    let devices: Vec<DeviceId> = sockets.iter().map(|(_, device)| device.clone()).collect();
    let Ok(actions) = app.live_actions(&devices).await else {
        return;
    };
    // A socket that is already closing may refuse a send; its device polls instead.
    for ((socket, _), action) in sockets.iter().zip(actions) {
        let _ = match action {
            LiveAction::Send(text) => socket.send_with_str(text),
            LiveAction::Close { code, reason } => socket.close(Some(code), Some(reason)),
        };
    }
}

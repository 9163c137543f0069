//! The in-process transport: routes requests to one `ServerApp` per vault over memory stores, as
//! the worker routes them to one Durable Object per vault. For fast native tests of the core.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};

use super::live::LiveAction;
use super::server::ServerApp;
use super::transport::{SyncProtocol, TransportError, TransportRequest, TransportResponse};
use super::wire::{route, ApiError, Route};
use crate::clock::Clock;
use crate::error::ErrorCode;
use crate::event::VaultName;
use crate::identity::DeviceId;
use crate::store::MemoryStore;

/// What an in-process live socket received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveFrame {
    Text(String),
    Closed { code: u16 },
}

/// The device end of an in-process live socket.
/// A connected socket's receiving end; dropping it closes the socket.
pub struct LiveInbox {
    receiver: Receiver<LiveFrame>,
    _open: Arc<()>,
}

impl LiveInbox {
    /// Everything received since the last call.
    pub fn drain(&self) -> Vec<LiveFrame> {
        self.receiver.try_iter().collect()
    }
}

struct LiveSocket {
    vault: VaultName,
    device: DeviceId,
    sender: Sender<LiveFrame>,
    /// Gone once the inbox is dropped, so the socket no longer counts as open.
    open: std::sync::Weak<()>,
}

pub struct InProcessServer {
    vaults: Mutex<BTreeMap<VaultName, Arc<ServerApp<MemoryStore>>>>,
    sockets: Mutex<Vec<LiveSocket>>,
    clock: Box<dyn Clock + Send + Sync>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl InProcessServer {
    pub fn new(clock: impl Clock + Send + Sync + 'static) -> Arc<InProcessServer> {
        Arc::new(InProcessServer {
            vaults: Mutex::new(BTreeMap::new()),
            sockets: Mutex::new(Vec::new()),
            clock: Box::new(clock),
        })
    }

    /// The server for `vault`, created on first use like a Durable Object.
    pub fn app(&self, vault: &VaultName) -> Arc<ServerApp<MemoryStore>> {
        lock(&self.vaults)
            .entry(vault.clone())
            .or_insert_with(|| Arc::new(ServerApp::new(vault.clone(), MemoryStore::new())))
            .clone()
    }

    /// Every vault's store, for tests that inspect what the server holds.
    pub fn stores(&self) -> Vec<MemoryStore> {
        lock(&self.vaults).values().map(|app| app.store().clone()).collect()
    }

    pub async fn handle(&self, request: &TransportRequest) -> TransportResponse {
        let vault = match route(&request.method, &request.path) {
            Ok(Route::Sync(vault)) => vault,
            Ok(Route::Status(vault)) => {
                let answer = self.app(&vault).usage_report(request, self.clock.now_ms()).await;
                return match answer {
                    Ok(usage) => {
                        TransportResponse { status: 200, body: serde_json::to_vec(&usage).unwrap_or_default() }
                    }
                    Err(error) => TransportResponse { status: error.status(), body: error.to_json() },
                };
            }
            Ok(Route::Live(_)) => {
                let error = ApiError::new(ErrorCode::UpgradeRequired, "live takes a WebSocket upgrade");
                return TransportResponse { status: error.status(), body: error.to_json() };
            }
            Err(error) => return TransportResponse { status: error.status(), body: error.to_json() },
        };
        let app = self.app(&vault);
        let handled = app.handle_request(request, self.clock.now_ms()).await;
        if handled.head_moved {
            self.poke(&vault, &app).await;
        }
        handled.response
    }

    /// Opens a live socket, authorized as the Durable Object authorizes one.
    pub async fn connect_live(&self, request: &TransportRequest) -> Result<LiveInbox, ApiError> {
        let Route::Live(vault) = route(&request.method, &request.path)? else {
            return Err(ApiError::new(ErrorCode::NotFound, "not a live route"));
        };
        let open = |device: &DeviceId| {
            lock(&self.sockets)
                .iter()
                .filter(|s| s.vault == vault && &s.device == device && s.open.strong_count() > 0)
                .count()
        };
        let device = self.app(&vault).authorize_live(request, self.clock.now_ms(), open).await?;
        let (sender, receiver) = channel();
        let token = Arc::new(());
        lock(&self.sockets).push(LiveSocket { vault, device, sender, open: Arc::downgrade(&token) });
        Ok(LiveInbox { receiver, _open: token })
    }

    async fn poke(&self, vault: &VaultName, app: &ServerApp<MemoryStore>) {
        let devices: Vec<DeviceId> =
            lock(&self.sockets).iter().filter(|s| &s.vault == vault).map(|s| s.device.clone()).collect();
        let Ok(actions) = app.live_actions(&devices).await else {
            return;
        };
        let actions: BTreeMap<DeviceId, LiveAction> = devices.into_iter().zip(actions).collect();
        lock(&self.sockets).retain(|socket| {
            if &socket.vault != vault {
                return true;
            }
            match actions.get(&socket.device).cloned() {
                Some(LiveAction::Send(text)) => socket.sender.send(LiveFrame::Text(text)).is_ok(),
                Some(LiveAction::Close { code, .. }) => {
                    let _ = socket.sender.send(LiveFrame::Closed { code });
                    false
                }
                None => true,
            }
        });
    }

    pub fn transport(self: &Arc<Self>) -> InProcessTransport {
        InProcessTransport(self.clone())
    }
}

#[derive(Clone)]
pub struct InProcessTransport(Arc<InProcessServer>);

impl SyncProtocol for InProcessTransport {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        Ok(self.0.handle(&request).await)
    }
}

//! The in-process transport: routes requests to one `ServerApp` per vault over memory stores, as
//! the worker routes them to one Durable Object per vault. For fast native tests of the core.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use super::server::ServerApp;
use super::transport::{SyncProtocol, TransportError, TransportRequest, TransportResponse};
use super::wire::{route, Route};
use crate::clock::Clock;
use crate::event::VaultName;
use crate::store::MemoryStore;

pub struct InProcessServer {
    vaults: Mutex<BTreeMap<VaultName, Arc<ServerApp<MemoryStore>>>>,
    clock: Box<dyn Clock + Send + Sync>,
}

impl InProcessServer {
    pub fn new(clock: impl Clock + Send + Sync + 'static) -> Arc<InProcessServer> {
        Arc::new(InProcessServer { vaults: Mutex::new(BTreeMap::new()), clock: Box::new(clock) })
    }

    /// The server for `vault`, created on first use like a Durable Object.
    pub fn app(&self, vault: &VaultName) -> Arc<ServerApp<MemoryStore>> {
        let mut vaults = self.vaults.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        vaults
            .entry(vault.clone())
            .or_insert_with(|| Arc::new(ServerApp::new(vault.clone(), MemoryStore::new())))
            .clone()
    }

    /// Every vault's store, for tests that inspect what the server holds.
    pub fn stores(&self) -> Vec<MemoryStore> {
        let vaults = self.vaults.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        vaults.values().map(|app| app.store().clone()).collect()
    }

    pub async fn handle(&self, request: &TransportRequest) -> TransportResponse {
        match route(&request.method, &request.path) {
            Ok(Route::Sync(vault)) => self.app(&vault).handle(request, self.clock.now_ms()).await,
            Err(error) => TransportResponse { status: error.status(), body: error.to_json() },
        }
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

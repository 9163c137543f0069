//! Requests that are not a sync: a device's standing in a vault, and the vault's size.

use super::{parse_response, SyncGateway};
use crate::event::{Cursor, VaultName};
use crate::store::LogStore;
use crate::sync::client_error::ClientError;
use crate::sync::server::VaultUsage;
use crate::sync::transport::{SyncProtocol, TransportRequest};
use crate::sync::wire::{status_path, ApiError, RequestAuth, SyncRequest};
use crate::vault::MembershipStatus;

impl<S: LogStore, T: SyncProtocol> SyncGateway<S, T> {
    /// Asks a vault for this device's standing without joining it or touching local state.
    pub async fn probe_status(&self, vault: &VaultName) -> Result<MembershipStatus, ClientError> {
        let mut local = self.local.lock().await;
        if local.vault.as_ref() == Some(vault) {
            return Ok(self.sync_locked(&mut local).await?.status);
        }
        let request = SyncRequest { cursor: Cursor::EMPTY, push: Vec::new(), limit: Some(1) };
        let response = self.exchange(&mut local, vault, &request).await?;
        let response = parse_response(response)?;
        // A member probing a vault it has no local copy of (keys restored onto a fresh store) is
        // sent the log's start like any member; it is not applied here. Anyone else gets none.
        if !response.commits.is_empty() && response.status != MembershipStatus::Member {
            return Err(ClientError::HostileServer("sent commits to a status probe".into()));
        }
        Ok(response.status)
    }

    /// The bound vault's size and quota, as the server reports it to a member.
    pub async fn usage(&self) -> Result<VaultUsage, ClientError> {
        let mut local = self.local.lock().await;
        let vault = local.vault.clone().ok_or(ClientError::NotBound)?;
        let stamp = self.bump_stamp(&mut local);
        let path = status_path(&vault);
        let auth = RequestAuth::sign(&self.keys, "GET", &path, stamp, b"");
        let request = TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() };
        let response = self.transport.send(request).await?;
        if response.status != 200 {
            return Err(match serde_json::from_slice::<ApiError>(&response.body) {
                Ok(error) => ClientError::Api(error),
                Err(_) => ClientError::HostileServer(format!("status {} without an error body", response.status)),
            });
        }
        serde_json::from_slice(&response.body)
            .map_err(|e| ClientError::HostileServer(format!("unreadable vault status: {e}")))
    }
}

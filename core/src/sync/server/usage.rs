//! `GET /v1/vaults/{name}/status`: how full a vault is, for its members (and their operator's
//! questions). Signed and replay-checked like a sync; outsiders learn nothing, not even existence.

use serde::{Deserialize, Serialize};

use super::{authenticate, ServerApp};
use crate::error::ErrorCode;
use crate::event::Cursor;
use crate::store::LogStore;
use crate::sync::transport::TransportRequest;
use crate::sync::wire::{route, ApiError, Route};

/// A vault's size against its quota (format 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultUsage {
    pub head: Cursor,
    pub events: u64,
    pub max_events: u64,
    pub log_bytes: u64,
    pub max_log_bytes: u64,
    pub members: usize,
    pub pending: usize,
}

impl<S: LogStore> ServerApp<S> {
    pub async fn usage_report(&self, request: &TransportRequest, now_ms: u64) -> Result<VaultUsage, ApiError> {
        let Route::Status(vault) = route(&request.method, &request.path)? else {
            return Err(ApiError::new(ErrorCode::NotFound, "not a status route"));
        };
        self.check_vault(&vault)?;
        let (requester, auth) = authenticate(request, now_ms)?;
        let mut cached = self.state.lock().await;
        let loaded = self.take_state(&mut cached).await?;
        if loaded.restoring.is_some() {
            *cached = Some(loaded);
            return Err(super::backup::restoring());
        }
        let spent = self.spend(&loaded.state, &requester, auth, now_ms).await;
        let usage = VaultUsage {
            head: loaded.state.head,
            events: loaded.state.head.seq,
            max_events: self.limits.max_events,
            log_bytes: loaded.log_bytes,
            max_log_bytes: self.limits.max_log_bytes,
            members: loaded.state.members.len(),
            pending: loaded.state.pending.len(),
        };
        let member = loaded.state.is_member(&requester);
        *cached = Some(loaded);
        spent?;
        match member {
            true => Ok(usage),
            false => Err(ApiError::new(ErrorCode::NotMember, "only members may read a vault's status")),
        }
    }
}

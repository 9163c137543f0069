//! `SyncProtocol`: the transport seam. Requests are HTTP-shaped so that signing and encoding live
//! once in the core and a transport (in-process, fetch, native HTTP) only moves bytes.

use super::wire::RequestAuth;

#[derive(Debug, Clone)]
pub struct TransportRequest {
    pub method: String,
    pub path: String,
    pub auth: Option<RequestAuth>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("network error: {0}")]
pub struct TransportError(pub String);

#[allow(async_fn_in_trait)] // !Send futures on wasm; callers drive them on one thread.
pub trait SyncProtocol {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError>;
}

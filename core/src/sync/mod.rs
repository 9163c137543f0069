//! Sync between devices and the server: wire format, transport seam, both ends.

mod client_error;
pub mod fork;
pub mod freeze;
mod gateway;
mod in_process;
pub mod limits;
pub mod live;
mod server;
mod snapshot;
mod transport;
pub mod wire;

pub use client_error::ClientError;
pub use gateway::{RejectedEvent, SyncGateway, SyncReport};
pub use in_process::{InProcessServer, InProcessTransport, LiveFrame, LiveInbox};
pub use limits::{VaultLimits, LIMIT_VARS};
pub use server::{BackupPage, Handled, ServerApp, VaultUsage, BACKUP_FORMAT, MAX_OUTSIDER_REQUESTS};
/// Server constants operators and tests refer to.
pub mod server_limits {
    pub use super::server::{MAX_REQUESTS_PER_SLACK, REORDER_SLACK_MS, SNAPSHOT_EVERY_BYTES, SNAPSHOT_EVERY_COMMITS};
}
pub use transport::{SyncProtocol, TransportError, TransportRequest, TransportResponse};

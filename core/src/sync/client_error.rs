use crate::error::{ErrorCode, HasErrorCode};
use crate::identity::IdentityError;
use crate::secrets::SecretError;
use crate::store::StoreError;
use crate::vault::RuleViolation;

use super::transport::TransportError;
use super::wire::ApiError;

/// Everything a device-side call can fail with. Each maps to one stable [`ErrorCode`].
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ClientError {
    /// The server refused the request.
    #[error("server refused the request: {0}")]
    Api(ApiError),
    /// The server accepted the request but rejected this device's event.
    #[error("event rejected: {code}: {message}")]
    Rejected { code: ErrorCode, message: String },
    /// The server sent something that fails verification; nothing was applied.
    #[error("server misbehaved: {0}")]
    HostileServer(String),
    #[error("unexpected HTTP status {0} without an error body")]
    Http(u16),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The action is invalid against the vault as this device knows it.
    #[error("not allowed: {0}")]
    Rule(#[from] RuleViolation),
    #[error(transparent)]
    Identity(#[from] IdentityError),
    #[error("invalid input: {0}")]
    InvalidInput(String),
    #[error("this device is not part of a vault yet")]
    NotBound,
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the recovery claim failed: too many members declined")]
    ClaimFailed,
    /// No usable key generation protects secrets at this level yet; one is being made.
    #[error("{0}")]
    LevelNotReady(String),
    /// The server showed this device a history another device's event contradicts. The device
    /// stops syncing and approving until a person resolves it.
    #[error("fork detected: {0}")]
    Fork(String),
    /// The vault this device was admitted to is not the one its invite names: a server put it in
    /// another vault of that name. The device acts no further in it.
    #[error("{0}")]
    InviteMismatch(String),
    /// This session's log came from the server alone and no person compared it with another
    /// device yet, so it sends no approval.
    #[error("{0}")]
    UnverifiedView(String),
}

impl HasErrorCode for ClientError {
    fn code(&self) -> ErrorCode {
        match self {
            ClientError::Api(error) => error.code,
            ClientError::Rejected { code, .. } => *code,
            ClientError::HostileServer(_) => ErrorCode::HostileServer,
            ClientError::Http(_) | ClientError::Transport(_) => ErrorCode::Network,
            ClientError::Store(error) => error.code(),
            ClientError::Rule(error) => error.code(),
            ClientError::Identity(error) => error.code(),
            ClientError::InvalidInput(_) => ErrorCode::InvalidInput,
            ClientError::NotBound => ErrorCode::NotMember,
            ClientError::Secret(error) => error.code(),
            ClientError::ClaimFailed => ErrorCode::ClaimFailed,
            ClientError::LevelNotReady(_) => ErrorCode::LevelNotReady,
            ClientError::Fork(_) => ErrorCode::ForkDetected,
            ClientError::InviteMismatch(_) => ErrorCode::InviteMismatch,
            ClientError::UnverifiedView(_) => ErrorCode::UnverifiedView,
        }
    }
}

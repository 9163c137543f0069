use crate::error::{ErrorCode, HasErrorCode};
use crate::identity::IdentityError;

/// Why an event or commit cannot be applied to the vault.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum RuleViolation {
    #[error("commit {got_seq} does not continue the chain (expected seq {expected_seq} on the current head)")]
    ChainBroken { expected_seq: u64, got_seq: u64 },
    #[error("commit seq exceeds 2^53 - 1")]
    SeqOverflow,
    #[error("event belongs to another vault")]
    WrongVault,
    #[error("author is not a member of the vault")]
    NotMember,
    #[error("event claims to be by another device")]
    Impersonation,
    #[error("event signature does not verify")]
    BadSignature,
    #[error("device info is invalid: {0}")]
    InvalidDevice(IdentityError),
    #[error("author_seq {got} is not above the author's last {last}")]
    AuthorSeqNotIncreasing { last: u64, got: u64 },
    #[error("the vault already exists")]
    VaultExists,
    #[error("the vault does not exist")]
    NoVault,
    #[error("the device is already a member")]
    AlreadyMember,
    #[error("the device already has a pending join request")]
    AlreadyPending,
    #[error("the device was declined; a member must reopen its request first")]
    Declined,
    #[error("the device has no pending join request")]
    NotPending,
    #[error("the device was not declined")]
    NotDeclined,
    #[error("the device is not a member")]
    UnknownDevice,
    #[error("a device cannot remove itself; it leaves instead")]
    CannotRemoveSelf,
    #[error("the last member cannot leave the vault")]
    LastMember,
}

impl HasErrorCode for RuleViolation {
    fn code(&self) -> ErrorCode {
        match self {
            RuleViolation::ChainBroken { .. } | RuleViolation::AuthorSeqNotIncreasing { .. } => ErrorCode::Conflict,
            RuleViolation::SeqOverflow => ErrorCode::Conflict,
            RuleViolation::WrongVault => ErrorCode::WrongVault,
            RuleViolation::NotMember => ErrorCode::NotMember,
            RuleViolation::Impersonation => ErrorCode::Impersonation,
            RuleViolation::BadSignature => ErrorCode::BadSignature,
            RuleViolation::InvalidDevice(_) | RuleViolation::CannotRemoveSelf => ErrorCode::InvalidInput,
            RuleViolation::VaultExists => ErrorCode::VaultExists,
            RuleViolation::NoVault => ErrorCode::NoVault,
            RuleViolation::AlreadyMember => ErrorCode::AlreadyMember,
            RuleViolation::AlreadyPending => ErrorCode::AlreadyPending,
            RuleViolation::Declined => ErrorCode::Declined,
            RuleViolation::NotPending => ErrorCode::NotPending,
            RuleViolation::NotDeclined => ErrorCode::NotDeclined,
            RuleViolation::UnknownDevice => ErrorCode::UnknownDevice,
            RuleViolation::LastMember => ErrorCode::LastMember,
        }
    }
}

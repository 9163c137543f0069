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
    #[error("a member already goes by this name (case and invisible characters aside)")]
    NameTaken,
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
    #[error("invalid secret event: {0}")]
    InvalidSecret(&'static str),
    #[error("no such secret")]
    UnknownSecret,
    #[error("secret version {got} does not follow the current version {current}")]
    SecretVersion { current: u32, got: u32 },
    #[error("the device holds no share of the secret's current version")]
    NoShare,
    #[error("no such recovery claim")]
    UnknownClaim,
    #[error("the recovery claim is closed")]
    ClaimClosed,
    #[error("the claim is older than its lifetime and can no longer be approved")]
    ClaimExpired,
    #[error("the device already approved or declined this claim")]
    AlreadyResponded,
    #[error("a claim id or secret id is already in use")]
    IdInUse,
    #[error("the quorum must be between 2 and 32 and differ from the current one")]
    InvalidQuorum,
    #[error("the device already voted for this change")]
    AlreadyVoted,
    #[error("the event refers to an older epoch of the secret")]
    StaleEpoch,
    #[error("the secret has no open re-share round")]
    NoRound,
    #[error("author_seq must be between 1 and 2^53 - 1")]
    AuthorSeqOutOfRange,
    #[error("an event time must be below 2^53 ms")]
    TimeOutOfRange,
    #[error("the vault has the most members it may have")]
    VaultFull,
    #[error("a dealing may go only to devices its dealer approved")]
    NotApprovedByDealer,
    #[error("the event cites a head at or after its own place in the log")]
    SeenAhead,
    #[error("too many join requests are waiting; a member must act on them first")]
    TooManyPending,
    #[error("a claim lifetime is 1 to 1,440 minutes and differs from the current one")]
    InvalidClaimLifetime,
    #[error("invalid invite: {0}")]
    InvalidInvite(&'static str),
    #[error("invalid recovery kit request: {0}")]
    KitMaker(&'static str),
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
            RuleViolation::NameTaken => ErrorCode::NameTaken,
            RuleViolation::Declined => ErrorCode::Declined,
            RuleViolation::NotPending => ErrorCode::NotPending,
            RuleViolation::NotDeclined => ErrorCode::NotDeclined,
            RuleViolation::UnknownDevice => ErrorCode::UnknownDevice,
            RuleViolation::LastMember => ErrorCode::LastMember,
            RuleViolation::InvalidSecret(_) => ErrorCode::InvalidInput,
            RuleViolation::UnknownSecret => ErrorCode::UnknownSecret,
            RuleViolation::SecretVersion { .. } | RuleViolation::IdInUse => ErrorCode::Conflict,
            RuleViolation::NoShare => ErrorCode::NoShare,
            RuleViolation::UnknownClaim => ErrorCode::UnknownClaim,
            RuleViolation::ClaimClosed => ErrorCode::ClaimClosed,
            RuleViolation::ClaimExpired => ErrorCode::ClaimExpired,
            RuleViolation::AlreadyResponded => ErrorCode::AlreadyResponded,
            RuleViolation::InvalidQuorum | RuleViolation::InvalidClaimLifetime => ErrorCode::InvalidInput,
            RuleViolation::AlreadyVoted => ErrorCode::AlreadyVoted,
            RuleViolation::StaleEpoch => ErrorCode::StaleEpoch,
            RuleViolation::NoRound => ErrorCode::NoRound,
            RuleViolation::AuthorSeqOutOfRange | RuleViolation::TimeOutOfRange => ErrorCode::InvalidInput,
            RuleViolation::VaultFull => ErrorCode::Conflict,
            RuleViolation::NotApprovedByDealer => ErrorCode::InvalidInput,
            RuleViolation::SeenAhead => ErrorCode::ForkDetected,
            RuleViolation::TooManyPending => ErrorCode::RateLimited,
            RuleViolation::InvalidInvite(_) => ErrorCode::InviteInvalid,
            RuleViolation::KitMaker(_) => ErrorCode::InvalidInput,
        }
    }
}

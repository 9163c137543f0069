//! Stable error codes shared by every layer: JS switches on them, HTTP maps them to a status.

use serde::{Deserialize, Deserializer, Serialize};

macro_rules! error_codes {
    ($($variant:ident = ($text:literal, $status:literal),)*) => {
        /// A stable, machine-readable error code. The string form never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum ErrorCode { $($variant,)* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $text,)* }
            }

            /// The HTTP status this code travels with.
            pub fn http_status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }
        }
    };
}

error_codes! {
    InvalidInput = ("INVALID_INPUT", 400),
    Malformed = ("MALFORMED", 400),
    WrongVault = ("WRONG_VAULT", 400),
    BadSignature = ("BAD_SIGNATURE", 401),
    StaleRequest = ("STALE_REQUEST", 401),
    Replayed = ("REPLAYED", 401),
    NotMember = ("NOT_MEMBER", 403),
    Impersonation = ("IMPERSONATION", 403),
    NotFound = ("NOT_FOUND", 404),
    NoVault = ("NO_VAULT", 404),
    MethodNotAllowed = ("METHOD_NOT_ALLOWED", 405),
    Conflict = ("CONFLICT", 409),
    CursorMismatch = ("CURSOR_MISMATCH", 409),
    VaultExists = ("VAULT_EXISTS", 409),
    AlreadyMember = ("ALREADY_MEMBER", 409),
    AlreadyPending = ("ALREADY_PENDING", 409),
    NameTaken = ("NAME_TAKEN", 409),
    InviteInvalid = ("INVITE_INVALID", 403),
    InviteMismatch = ("INVITE_MISMATCH", 409),
    UnverifiedView = ("UNVERIFIED_VIEW", 409),
    Declined = ("DECLINED", 409),
    NotPending = ("NOT_PENDING", 409),
    NotDeclined = ("NOT_DECLINED", 409),
    UnknownDevice = ("UNKNOWN_DEVICE", 409),
    LastMember = ("LAST_MEMBER", 409),
    UnknownSecret = ("UNKNOWN_SECRET", 409),
    UnknownClaim = ("UNKNOWN_CLAIM", 409),
    NoShare = ("NO_SHARE", 409),
    AlreadyResponded = ("ALREADY_RESPONDED", 409),
    AlreadyVoted = ("ALREADY_VOTED", 409),
    StaleEpoch = ("STALE_EPOCH", 409),
    NoRound = ("NO_ROUND", 409),
    LevelNotReady = ("LEVEL_NOT_READY", 409),
    ClaimClosed = ("CLAIM_CLOSED", 409),
    ClaimExpired = ("CLAIM_EXPIRED", 409),
    ClaimFailed = ("CLAIM_FAILED", 409),
    InsufficientShares = ("INSUFFICIENT_SHARES", 409),
    InvalidShares = ("INVALID_SHARES", 409),
    TooLarge = ("TOO_LARGE", 413),
    RateLimited = ("RATE_LIMITED", 429),
    QuotaExceeded = ("QUOTA_EXCEEDED", 413),
    UpgradeRequired = ("UPGRADE_REQUIRED", 426),
    WrongPassphrase = ("WRONG_PASSPHRASE", 400),
    Crypto = ("CRYPTO", 400),
    HostileServer = ("HOSTILE_SERVER", 502),
    ForkDetected = ("FORK_DETECTED", 409),
    Network = ("NETWORK", 503),
    Restoring = ("RESTORING", 503), // an operator is restoring the vault from a backup
    Storage = ("STORAGE", 500),
    Internal = ("INTERNAL", 500),
}

impl ErrorCode {
    /// Codes that refuse a whole sync request (nothing is committed). The rest only reject the one
    /// event they concern, so a device can drop it from its outbox and carry on.
    pub fn refuses_request(self) -> bool {
        matches!(self.http_status(), 400 | 401 | 403 | 404 | 413)
    }
}

// By table lookup: the derived visitor matches every name twice (as str and as bytes), 6 KB of wasm.
impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or_else(|| serde::de::Error::unknown_variant(&text, &[]))
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Anything that can name its stable code.
pub trait HasErrorCode {
    fn code(&self) -> ErrorCode;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_form_matches_as_str() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_slice::<ErrorCode>(json.as_bytes()).unwrap(), *code);
        }
    }

    #[test]
    fn unknown_or_non_string_codes_are_refused() {
        for json in ["\"NO_SUCH_CODE\"", "\"not_member\"", "7", "null", "{}"] {
            assert!(serde_json::from_str::<ErrorCode>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }
}

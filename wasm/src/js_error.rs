//! Errors as JS sees them: an `Error` named `MetaSecretError` with a stable `code`.

use std::fmt::Display;

use meta_secret_core::error::HasErrorCode;
use meta_secret_core::sync::ClientError;
use meta_secret_core::ErrorCode;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPES: &str = r#"
/** Every `code` a rejected promise's error may carry. */
export type ErrorCode =
  | "INVALID_INPUT" | "MALFORMED" | "WRONG_VAULT" | "BAD_SIGNATURE" | "STALE_REQUEST" | "REPLAYED"
  | "NOT_MEMBER" | "IMPERSONATION" | "NOT_FOUND" | "NO_VAULT" | "METHOD_NOT_ALLOWED" | "CONFLICT"
  | "CURSOR_MISMATCH" | "VAULT_EXISTS" | "ALREADY_MEMBER" | "ALREADY_PENDING" | "NAME_TAKEN" | "INVITE_INVALID" | "INVITE_MISMATCH" | "UNVERIFIED_VIEW" | "DECLINED"
  | "NOT_PENDING" | "NOT_DECLINED" | "UNKNOWN_DEVICE" | "LAST_MEMBER" | "UNKNOWN_SECRET"
  | "UNKNOWN_CLAIM" | "NO_SHARE" | "ALREADY_RESPONDED" | "ALREADY_VOTED" | "STALE_EPOCH" | "NO_ROUND"
  | "LEVEL_NOT_READY" | "CLAIM_CLOSED" | "CLAIM_EXPIRED" | "CLAIM_FAILED"
  | "INSUFFICIENT_SHARES" | "INVALID_SHARES" | "TOO_LARGE" | "RATE_LIMITED" | "QUOTA_EXCEEDED" | "UPGRADE_REQUIRED" | "WRONG_PASSPHRASE"
  | "CRYPTO" | "HOSTILE_SERVER" | "FORK_DETECTED" | "NETWORK" | "RESTORING" | "STORAGE" | "INTERNAL" | "CLOSED";

declare const idKind: unique symbol;
/** A device's id. Ids of different kinds are distinct types, so one cannot be passed as another. */
export type DeviceId = string & { readonly [idKind]: "DeviceId" };
/** A secret's id. */
export type SecretId = string & { readonly [idKind]: "SecretId" };
/** A recovery claim's id. */
export type ClaimId = string & { readonly [idKind]: "ClaimId" };

/** What every method rejects with: `error instanceof MetaSecretError`, then switch on `code`. */
export class MetaSecretError extends Error {
  private constructor();
  readonly name: "MetaSecretError";
  readonly code: ErrorCode;
}
"#;

/// Thrown after `close()`; not a core code because only the JS handle can be closed.
pub const CLOSED: &str = "CLOSED";

// A real class, so `instanceof` works; the package re-exports it (scripts/tidy-dts.mjs).
#[wasm_bindgen(inline_js = "export class MetaSecretError extends Error {
  constructor(code, message) { super(message); this.name = 'MetaSecretError'; this.code = code; }
}")]
extern "C" {
    #[wasm_bindgen(js_name = MetaSecretError)]
    type MetaSecretErrorClass;
    #[wasm_bindgen(constructor, js_class = "MetaSecretError")]
    fn new(code: &str, message: &str) -> MetaSecretErrorClass;
}

pub fn js_error(code: &str, message: impl Display) -> JsValue {
    MetaSecretErrorClass::new(code, &message.to_string()).into()
}

pub fn coded(code: ErrorCode, message: impl Display) -> JsValue {
    js_error(code.as_str(), message)
}

pub fn client_error(error: ClientError) -> JsValue {
    coded(error.code(), error)
}

pub fn invalid_input(message: impl Display) -> JsValue {
    coded(ErrorCode::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typescript_union_lists_every_code() {
        // The custom section is consumed by the macro, so read it from the source.
        const ERROR_TYPES: &str = include_str!("js_error.rs");
        for code in ErrorCode::ALL {
            assert!(ERROR_TYPES.contains(&format!("\"{}\"", code.as_str())), "{code} missing from ErrorCode");
        }
        assert!(ERROR_TYPES.contains(&format!("\"{CLOSED}\"")));
    }
}

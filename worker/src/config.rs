//! The operator's settings from `[vars]` (README, "Operating the worker"). Read on every request,
//! which costs a few lookups: a bad value answers every request with a 500 that names it, and
//! `GET /v1/health` reports it, instead of the worker running on a silent default.

use meta_secret_core::sync::wire::ApiError;
use meta_secret_core::sync::VaultLimits;
use meta_secret_core::ErrorCode;
use worker::Env;

use crate::ops_log::LOG_KEY;

/// The least a secret setting (`LOG_KEY`, `OPERATOR_TOKEN`) may have.
pub const MIN_KEY_CHARS: usize = 32;

fn read_var(env: &Env, name: &str) -> Option<String> {
    if let Ok(value) = env.var(name) {
        return Some(value.to_string());
    }
    // A number in [vars] arrives as a JS number, not a string.
    env.object_var::<serde_json::Value>(name).ok().map(|value| match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    })
}

/// The vault limits, after checking every setting the worker reads (a short `LOG_KEY` would let
/// anyone who reads the logs brute-force vault names from their tags).
pub fn limits(env: &Env) -> Result<VaultLimits, String> {
    if read_var(env, LOG_KEY).is_some_and(|key| key.chars().count() < MIN_KEY_CHARS) {
        return Err(format!("{LOG_KEY} must be at least {MIN_KEY_CHARS} characters"));
    }
    VaultLimits::from_vars(|name| read_var(env, name))
}

pub fn config_error(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("the worker's configuration is invalid: {message}"))
}

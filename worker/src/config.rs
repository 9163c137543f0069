//! The operator's settings from `[vars]` (README, "Operating the worker"). Read on every request,
//! which costs a few lookups: a bad value answers every request with a 500 that names it, and
//! `GET /v1/health` reports it, instead of the worker running on a silent default.

use meta_secret_core::sync::wire::ApiError;
use meta_secret_core::sync::VaultLimits;
use meta_secret_core::ErrorCode;
use worker::Env;

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

pub fn limits(env: &Env) -> Result<VaultLimits, String> {
    VaultLimits::from_vars(|name| read_var(env, name))
}

pub fn config_error(message: &str) -> ApiError {
    ApiError::new(ErrorCode::Internal, format!("the worker's configuration is invalid: {message}"))
}

//! Request rates through Cloudflare's rate-limiting bindings, when the environment binds them
//! (`[[env.production.ratelimits]]` in wrangler.toml): per client IP before anything else, and
//! per device once its signature checked out, so no one can spend another device's budget.
//! Without the bindings (local `wrangler dev`) the Durable Object's own limits still apply.

use meta_secret_core::sync::wire::ApiError;
use meta_secret_core::ErrorCode;
use worker::Env;

pub const PER_IP: &str = "PER_IP_LIMITER";
pub const PER_DEVICE: &str = "PER_DEVICE_LIMITER";

/// `Err(RATE_LIMITED)` when `binding` exists and `key` is over its rate.
pub async fn check(env: &Env, binding: &str, key: &str) -> Result<(), ApiError> {
    let Ok(limiter) = env.rate_limiter(binding) else { return Ok(()) };
    match limiter.limit(key.to_owned()).await {
        Ok(outcome) if !outcome.success => {
            Err(ApiError::new(ErrorCode::RateLimited, "too many requests; slow down and retry"))
        }
        // A limiter that fails open keeps the vault reachable; the object's budgets still hold.
        _ => Ok(()),
    }
}

//! Operator routes, off unless the secret `OPERATOR_TOKEN` is set (`wrangler secret put`):
//! `GET /v1/admin/vaults/{name}/export?after={seq}` answers one backup page, and
//! `POST /v1/admin/vaults/{name}/import` appends one (see the core's `BackupPage`).
//! `scripts/vault-backup.mjs` pages through both.

use meta_secret_core::event::VaultName;
use meta_secret_core::sync::wire::ApiError;
use meta_secret_core::ErrorCode;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use worker::{Env, Request};

pub const OPERATOR_TOKEN: &str = "OPERATOR_TOKEN";
const PREFIX: &str = "/v1/admin/vaults/";
/// Shorter tokens are refused, so a guessable one never opens the routes.
const MIN_TOKEN_CHARS: usize = crate::config::MIN_KEY_CHARS;

pub enum AdminRoute {
    Export(VaultName),
    Import(VaultName),
}

impl AdminRoute {
    pub fn vault(&self) -> &VaultName {
        match self {
            AdminRoute::Export(vault) | AdminRoute::Import(vault) => vault,
        }
    }
}

/// `None` when `path` is not an operator route.
pub fn route(method: &str, path: &str) -> Option<Result<AdminRoute, ApiError>> {
    let rest = path.strip_prefix(PREFIX)?;
    let (name, action) = rest.rsplit_once('/').unwrap_or((rest, ""));
    Some((|| {
        let vault = VaultName::parse(name).map_err(|e| ApiError::new(ErrorCode::InvalidInput, e.to_string()))?;
        match (action, method) {
            ("export", "GET") => Ok(AdminRoute::Export(vault)),
            ("import", "POST") => Ok(AdminRoute::Import(vault)),
            ("export", _) => Err(ApiError::new(ErrorCode::MethodNotAllowed, "export takes GET")),
            ("import", _) => Err(ApiError::new(ErrorCode::MethodNotAllowed, "import takes POST")),
            _ => Err(ApiError::new(ErrorCode::NotFound, "unknown route")),
        }
    })())
}

/// Checks `authorization: Bearer <OPERATOR_TOKEN>` in constant time.
pub fn authorize(req: &Request, env: &Env) -> Result<(), ApiError> {
    let Ok(token) = env.var(OPERATOR_TOKEN).map(|value| value.to_string()) else {
        return Err(ApiError::new(ErrorCode::NotFound, "operator routes are off: set the secret OPERATOR_TOKEN"));
    };
    if token.chars().count() < MIN_TOKEN_CHARS {
        return Err(ApiError::new(
            ErrorCode::Internal,
            format!("OPERATOR_TOKEN must be at least {MIN_TOKEN_CHARS} characters; operator routes stay off"),
        ));
    }
    let given = req.headers().get("authorization").ok().flatten().unwrap_or_default();
    let given = given.strip_prefix("Bearer ").unwrap_or_default();
    // Equal-length digests, so the comparison leaks neither the token nor its length.
    let matches: bool = Sha256::digest(given.as_bytes()).ct_eq(&Sha256::digest(token.as_bytes())).into();
    match matches {
        true => Ok(()),
        false => Err(ApiError::new(ErrorCode::BadSignature, "operator routes need the operator's token")),
    }
}

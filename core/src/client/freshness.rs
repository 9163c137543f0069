//! Freshness before anything leaves a session whose log came from the server alone (a recovery
//! kit typed in, keys restored onto an empty store). A hostile server could show such a session
//! an old prefix of the log in which a removed device is still a member with an open claim; one
//! approval there would send that device a partial. So the session approves nothing until a
//! person has compared its log with another device's fingerprint (or said there is none).

use super::VaultClient;
use crate::store::LogStore;
use crate::sync::{ClientError, SyncProtocol};

/// `42 · 3fa9-c21e` (as `log_fingerprint` shows it): seq and the first 8 hex digits of the hash.
fn parse_fingerprint(text: &str) -> Option<(u64, String)> {
    let (seq, hash) = text.split_once('·')?;
    let seq: u64 = seq.trim().parse().ok()?;
    let hex: String = hash.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
    (hex.len() == 8 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some((seq, hex))
}

impl<S: LogStore, T: SyncProtocol> VaultClient<S, T> {
    /// Whether this session still waits for a person to check its log (`confirm_log`).
    pub async fn view_unverified(&self) -> bool {
        self.gateway.is_unverified().await
    }

    /// Checks the fingerprint another device of the vault shows (`log_fingerprint` there) against
    /// this session's log: the other device's head must be on this session's chain, so the
    /// server showed this session no older or other history than it showed that device.
    pub async fn confirm_log(&self, other_fingerprint: &str) -> Result<(), ClientError> {
        let (seq, hex) = parse_fingerprint(other_fingerprint).ok_or_else(|| {
            ClientError::InvalidInput("a fingerprint reads like `42 · 3fa9-c21e` (seq · 8 hex digits)".into())
        })?;
        self.gateway.sync().await?;
        let on_chain = match self.gateway.store().commit_at(seq).await? {
            Some(commit) => commit.hash().to_hex().starts_with(&hex),
            None => false,
        };
        if !on_chain {
            return Err(ClientError::UnverifiedView(format!(
                "this session's log does not hold {seq} · {}-{}: the server may be showing it an old or \
                 other history; approve nothing from here",
                &hex[..4],
                &hex[4..]
            )));
        }
        self.gateway.set_unverified(false).await
    }

    /// For a person who has no other device to compare with (every device lost): accepts the
    /// server's view as it is. A hostile server that also holds a removed device could then read
    /// what this session approves.
    pub async fn trust_log_without_comparison(&self) -> Result<(), ClientError> {
        self.gateway.set_unverified(false).await
    }

    pub(super) async fn ensure_verified_view(&self) -> Result<(), ClientError> {
        if self.gateway.is_unverified().await {
            return Err(ClientError::UnverifiedView(
                "this session's log came from the server alone: compare its fingerprint with another of \
                 the vault's devices (confirm_log) before approving anything"
                    .into(),
            ));
        }
        Ok(())
    }
}

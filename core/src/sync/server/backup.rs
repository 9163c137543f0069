//! Backups: a vault's log exported as its signed commits, page by page, and imported into an
//! empty vault, where every commit is checked as a push would be (chain, signature, rules). The
//! commits are end-to-end encrypted already, so a backup reveals nothing the server holds.

use serde::{Deserialize, Serialize};

use super::{internal, put_state, ServerApp, Usage, STATE_KEY, USAGE_KEY};
use crate::error::{ErrorCode, HasErrorCode};
use crate::event::{Commit, Cursor, VaultName};
use crate::store::{stored_size, LogStore, Page, StoreBatch};
use crate::sync::fork::seen_on_chain;
use crate::sync::wire::{ApiError, MAX_CLOCK_SKEW_MS, MAX_PAGE};

/// Present while a restore is between pages: the head the backup ends at.
pub(super) const RESTORING_KEY: &str = "server/restoring";

pub(super) fn restoring() -> ApiError {
    ApiError::new(ErrorCode::Restoring, "this vault is being restored from a backup; retry in a moment")
}

/// The format tag of every backup page; a later format gets a new tag.
pub const BACKUP_FORMAT: &str = "meta-secret-backup/1";

/// One page of a backup: the commits after some seq, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupPage {
    pub format: String,
    pub vault: VaultName,
    pub commits: Vec<Commit>,
    /// The exporting server's head when the page was read.
    pub head: Cursor,
    /// Whether commits remain after this page.
    pub more: bool,
}

impl<S: LogStore> ServerApp<S> {
    /// The commits after `after_seq`, as much as one response may carry.
    pub async fn export_page(&self, after_seq: u64) -> Result<BackupPage, ApiError> {
        let _serialized = self.state.lock().await;
        let head = self.store.head().await.map_err(internal)?;
        let page = Page { commits: MAX_PAGE as usize, bytes: self.limits.max_page_bytes };
        let commits = self.store.read_after(after_seq, page).await.map_err(internal)?;
        let last = commits.last().map_or(after_seq, |commit| commit.seq);
        Ok(BackupPage { format: BACKUP_FORMAT.into(), vault: self.vault.clone(), commits, head, more: last < head.seq })
    }

    /// Appends a backup page to this vault: the first page goes into an empty vault, each next
    /// one continues the head, and until the last page (`more: false`) lands the vault answers
    /// nothing but more pages (`RESTORING`), so no device sees, or adds to, half a restore. Every
    /// commit is verified as a push would be; a refused page writes nothing. Answers the new head.
    pub async fn import_page(&self, page: &BackupPage, now_ms: u64) -> Result<Cursor, ApiError> {
        if page.format != BACKUP_FORMAT {
            return Err(ApiError::new(ErrorCode::Malformed, format!("not a {BACKUP_FORMAT} backup page")));
        }
        self.check_vault(&page.vault)?;
        let mut cached = self.state.lock().await;
        let loaded = self.take_state(&mut cached).await?;
        let mut next = loaded.clone();
        *cached = Some(loaded);
        match next.restoring {
            None if next.state.head.seq > 0 => {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    "a restore goes into an empty vault; this one has a log",
                ));
            }
            Some(target) if target != page.head => {
                return Err(ApiError::new(ErrorCode::Conflict, "another backup's restore is in progress here"));
            }
            _ => {}
        }
        if let Some(first) = page.commits.first() {
            if first.seq != next.state.head.seq + 1 {
                return Err(ApiError::new(
                    ErrorCode::Conflict,
                    format!("this vault's log ends at {}; the page starts at {}", next.state.head.seq, first.seq),
                ));
            }
        }
        for commit in &page.commits {
            let size = stored_size(commit) as u64;
            if commit.seq > self.limits.max_events || next.log_bytes.saturating_add(size) > self.limits.max_log_bytes {
                return Err(ApiError::new(ErrorCode::QuotaExceeded, "the backup is larger than this vault's quota"));
            }
            if commit.event.time_ms > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
                return Err(ApiError::new(
                    ErrorCode::Malformed,
                    format!("commit {} is dated in the future", commit.seq),
                ));
            }
            let done = &page.commits[..(commit.seq - page.commits[0].seq) as usize];
            if !seen_on_chain(&self.store, done, commit).await.map_err(internal)? {
                return Err(ApiError::new(
                    ErrorCode::ForkDetected,
                    format!("commit {} cites a head that is not on this log", commit.seq),
                ));
            }
            next.state.apply_whole_commit(commit).map_err(|violation| {
                let code = if violation.code() == ErrorCode::BadSignature {
                    ErrorCode::BadSignature
                } else {
                    ErrorCode::Malformed
                };
                ApiError::new(code, format!("commit {} does not verify: {violation}", commit.seq))
            })?;
            // No append time is recorded: the freeze check must not date restored commits to now.
            next.log_bytes += size;
        }
        let mut batch = StoreBatch { commits: page.commits.clone(), kv: Vec::new() };
        next.restoring = match page.more {
            true => Some(page.head),
            false if next.state.head != page.head => {
                return Err(ApiError::new(
                    ErrorCode::Malformed,
                    format!(
                        "the backup says it ends at {} but its commits end at {}",
                        page.head.seq, next.state.head.seq
                    ),
                ));
            }
            false => None,
        };
        match next.restoring {
            Some(target) => batch.put(RESTORING_KEY, serde_json::to_vec(&target).unwrap_or_default()),
            None => batch.delete(RESTORING_KEY),
        }
        if next.snapshot_due() {
            put_state(&mut batch, STATE_KEY, &next.state);
            (next.snapshot_seq, next.snapshot_log_bytes) = (next.state.head.seq, next.log_bytes);
        }
        let usage = Usage { log_bytes: next.log_bytes, appended: next.appended.clone() };
        batch.put(USAGE_KEY, serde_json::to_vec(&usage).unwrap_or_default());
        let first_page = next.state.head.seq == page.commits.len() as u64;
        if first_page {
            self.store_unstored(&mut batch, now_ms).await?;
        }
        if let Err(error) = self.store.write(batch).await {
            *cached = None; // reload whatever landed
            return Err(internal(error));
        }
        if first_page {
            super::lock_unstored(&self.unstored).clear();
        }
        let head = next.state.head;
        *cached = Some(next);
        Ok(head)
    }
}

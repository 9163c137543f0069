//! `ServerApp`: the server side of sync for one vault. The Durable Object (or the in-process
//! server in tests) hands it raw requests; it authenticates, validates with the vault aggregate,
//! appends, and answers with what the device may see.

use futures_util::lock::Mutex;

use super::live::{LiveAction, LiveMessage, CLOSE_NOT_MEMBER};
use super::snapshot::{load_state, put_state};
use super::transport::{TransportRequest, TransportResponse};
use super::wire::{
    route, ApiError, PushOutcome, PushResult, RequestAuth, Route, SyncRequest, SyncResponse, DEFAULT_PAGE,
    MAX_BODY_BYTES, MAX_PAGE,
};
use crate::error::{ErrorCode, HasErrorCode};
use crate::event::{Commit, Cursor, SignedEvent, VaultName};
use crate::identity::DeviceId;
use crate::store::{LogStore, StoreBatch, StoreError};
use crate::vault::{MembershipStatus, VaultState};

const STATE_KEY: &str = "server/state";

fn replay_key(device: &DeviceId) -> String {
    format!("server/nonces/{device}")
}

/// A device's requests may arrive out of order by at most this much (a sync racing a live
/// handshake, two tabs); older ones are refused, so only this span of nonces is remembered.
pub const REORDER_SLACK_MS: u64 = 30_000;
/// Most requests one device may send within the slack.
pub const MAX_REQUESTS_PER_SLACK: usize = 512;
const NONCE_ENTRY: usize = 8 + crate::sync::wire::NONCE_LEN;

/// The nonces a device spent, newest timestamp first in mind: entries older than the slack
/// before the newest are dropped (a request that old is refused anyway).
fn recent_nonces(stored: Option<Vec<u8>>) -> Vec<(u64, Vec<u8>)> {
    let stored = stored.unwrap_or_default();
    let entries: Vec<(u64, Vec<u8>)> = stored
        .chunks_exact(NONCE_ENTRY)
        .filter_map(|entry| Some((u64::from_be_bytes(entry[..8].try_into().ok()?), entry[8..].to_vec())))
        .collect();
    let newest = entries.iter().map(|(ts, _)| *ts).max().unwrap_or(0);
    entries.into_iter().filter(|(ts, _)| ts.saturating_add(REORDER_SLACK_MS) >= newest).collect()
}

/// A handled request: its response, and whether it moved the head (live sockets need a poke).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub response: TransportResponse,
    pub head_moved: bool,
}

pub struct ServerApp<S> {
    vault: VaultName,
    store: S,
    /// Serializes requests and caches the folded state between them.
    state: Mutex<Option<VaultState>>,
}

impl<S: LogStore> ServerApp<S> {
    pub fn new(vault: VaultName, store: S) -> ServerApp<S> {
        ServerApp { vault, store, state: Mutex::new(None) }
    }

    pub fn vault(&self) -> &VaultName {
        &self.vault
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Answers one HTTP-shaped request. Every failure becomes a JSON `{code, message}` body.
    pub async fn handle(&self, request: &TransportRequest, now_ms: u64) -> TransportResponse {
        self.handle_request(request, now_ms).await.response
    }

    /// [`ServerApp::handle`], also telling whether the head moved.
    pub async fn handle_request(&self, request: &TransportRequest, now_ms: u64) -> Handled {
        match self.handle_sync(request, now_ms).await {
            Ok((response, head_moved)) => Handled {
                response: TransportResponse { status: 200, body: serde_json::to_vec(&response).unwrap_or_default() },
                head_moved,
            },
            Err(error) => Handled {
                response: TransportResponse { status: error.status(), body: error.to_json() },
                head_moved: false,
            },
        }
    }

    /// Authorizes a live socket: a fresh, signed `GET` of this vault's live path by a current
    /// member. Returns the member's device id; the caller tags the socket with it.
    pub async fn authorize_live(&self, request: &TransportRequest, now_ms: u64) -> Result<DeviceId, ApiError> {
        let Route::Live(vault) = route(&request.method, &request.path)? else {
            return Err(ApiError::new(ErrorCode::NotFound, "not a live route"));
        };
        self.check_vault(&vault)?;
        let (requester, auth) = authenticate(request, now_ms)?;
        let mut cached = self.state.lock().await;
        self.spend(&requester, auth).await?;
        let state = self.take_state(&mut cached).await?;
        let outcome = match state.status_of(&requester) {
            MembershipStatus::Member => Ok(requester),
            MembershipStatus::NoVault => Err(ApiError::new(ErrorCode::NoVault, "no such vault")),
            _ => Err(ApiError::new(ErrorCode::NotMember, "only members may listen to a vault")),
        };
        *cached = Some(state);
        outcome
    }

    /// What to do with each connected live socket (named by its device) after the head moved:
    /// members get a poke, sockets of devices that are no longer members are closed.
    pub async fn live_actions(&self, connected: &[DeviceId]) -> Result<Vec<LiveAction>, ApiError> {
        let mut cached = self.state.lock().await;
        let state = self.take_state(&mut cached).await?;
        let poke = LiveMessage::HeadChanged { head: state.head }.to_json();
        let actions = connected
            .iter()
            .map(|device| match state.is_member(device) {
                true => LiveAction::Send(poke.clone()),
                false => LiveAction::Close { code: CLOSE_NOT_MEMBER, reason: "no longer a member of this vault" },
            })
            .collect();
        *cached = Some(state);
        Ok(actions)
    }

    /// The cached state, or the stored one after a restart or a storage failure.
    async fn take_state(&self, cached: &mut Option<VaultState>) -> Result<VaultState, ApiError> {
        match cached.take() {
            Some(state) => Ok(state),
            None => load_state(&self.store, STATE_KEY, &self.vault).await.map_err(internal),
        }
    }

    fn check_vault(&self, vault: &VaultName) -> Result<(), ApiError> {
        match vault == &self.vault {
            true => Ok(()),
            false => Err(ApiError::new(ErrorCode::WrongVault, "request reached another vault's server")),
        }
    }

    /// The head as the server has it (for tests and operators).
    pub async fn head(&self) -> Result<Cursor, StoreError> {
        self.store.head().await
    }

    async fn handle_sync(&self, request: &TransportRequest, now_ms: u64) -> Result<(SyncResponse, bool), ApiError> {
        let Route::Sync(vault) = route(&request.method, &request.path)? else {
            return Err(ApiError::new(ErrorCode::UpgradeRequired, "live takes a WebSocket upgrade"));
        };
        self.check_vault(&vault)?;
        if request.body.len() > MAX_BODY_BYTES {
            return Err(ApiError::new(ErrorCode::TooLarge, "request body exceeds 1 MiB"));
        }
        let (requester, auth) = authenticate(request, now_ms)?;
        let mut cached = self.state.lock().await;
        self.spend(&requester, auth).await?;
        let sync: SyncRequest = serde_json::from_slice(&request.body)
            .map_err(|e| ApiError::new(ErrorCode::Malformed, format!("invalid sync request: {e}")))?;
        let mut state = self.take_state(&mut cached).await?;
        let head_before = state.head;
        let outcome = self.process(&mut state, &requester, &sync).await;
        let head_moved = state.head != head_before;
        // After a storage failure the store may hold part of a write the state does not know of;
        // reloading folds whatever landed, so the vault heals instead of wedging.
        let storage_failed = matches!(&outcome, Err(error) if error.code == ErrorCode::Internal);
        *cached = (!storage_failed).then_some(state);
        outcome.map(|response| (response, head_moved))
    }

    async fn process(
        &self,
        state: &mut VaultState,
        requester: &DeviceId,
        sync: &SyncRequest,
    ) -> Result<SyncResponse, ApiError> {
        let is_member = state.is_member(requester);
        if is_member {
            self.check_cursor(state, sync.cursor).await?;
        }

        let mut next = state.clone();
        let mut new_commits = Vec::new();
        let mut results = Vec::with_capacity(sync.push.len());
        for event in &sync.push {
            let outcome = self.admit(&mut next, requester, event, &mut new_commits).await?;
            results.push(PushResult { author_seq: event.author_seq, outcome });
        }

        let mut batch = StoreBatch { commits: new_commits, kv: Vec::new() };
        if !batch.commits.is_empty() {
            put_state(&mut batch, STATE_KEY, &next);
        }
        if !batch.commits.is_empty() {
            self.store.write(batch).await.map_err(internal)?;
        }
        *state = next;

        self.answer(state, requester, sync, results).await
    }

    /// Decides one pushed event against the evolving state, collecting it into `new_commits` when
    /// valid. `Err` refuses the whole request.
    async fn admit(
        &self,
        next: &mut VaultState,
        requester: &DeviceId,
        event: &SignedEvent,
        new_commits: &mut Vec<Commit>,
    ) -> Result<PushOutcome, ApiError> {
        let refuse = |code: ErrorCode, message: &str| Err(ApiError::new(code, message).about_event(event.author_seq));
        if &event.author != requester {
            return refuse(ErrorCode::Impersonation, "a device may only push its own events");
        }
        if event.vault != self.vault {
            return refuse(ErrorCode::WrongVault, "event belongs to another vault");
        }
        if event.author_seq == 0 || event.author_seq > crate::event::MAX_SEQ {
            return refuse(ErrorCode::InvalidInput, "author_seq must be between 1 and 2^53 - 1");
        }
        if event.author_seq <= next.last_author_seq(requester) {
            return self.repeated(event, new_commits).await;
        }
        let commit = Commit::after(next.head, event.clone());
        if !super::fork::seen_on_chain(&self.store, new_commits, &commit).await.map_err(internal)? {
            return Ok(PushOutcome::Rejected {
                code: ErrorCode::ForkDetected,
                message: "the event cites a head that is not on this vault's log".into(),
            });
        }
        match next.apply_commit(&commit) {
            Ok(()) => {
                let seq = commit.seq;
                new_commits.push(commit);
                Ok(PushOutcome::Committed { seq })
            }
            Err(violation) if violation.code().refuses_request() => {
                Err(ApiError::from(&violation).about_event(event.author_seq))
            }
            Err(violation) => Ok(PushOutcome::Rejected { code: violation.code(), message: violation.to_string() }),
        }
    }

    /// An event whose author_seq is already used: the same event again is acknowledged (a retry
    /// after a lost response); a different one is a conflict.
    async fn repeated(&self, event: &SignedEvent, new_commits: &[Commit]) -> Result<PushOutcome, ApiError> {
        let earlier = match new_commits.iter().find(|c| c.event.author_seq == event.author_seq) {
            Some(commit) => Some(commit.clone()),
            None => self.store.find_by_author(&event.author, event.author_seq).await.map_err(internal)?,
        };
        Ok(match earlier {
            Some(commit) if &commit.event == event => PushOutcome::Committed { seq: commit.seq },
            _ => PushOutcome::Rejected {
                code: ErrorCode::Conflict,
                message: format!("author_seq {} is already used by another event", event.author_seq),
            },
        })
    }

    async fn check_cursor(&self, state: &VaultState, cursor: Cursor) -> Result<(), ApiError> {
        let mismatch = || ApiError::new(ErrorCode::CursorMismatch, "cursor is not on this vault's log");
        if cursor == state.head {
            return Ok(()); // the common idle case needs no storage read
        }
        if cursor.seq > state.head.seq {
            return Err(mismatch());
        }
        if cursor.seq == 0 {
            return (cursor == Cursor::EMPTY).then_some(()).ok_or_else(mismatch);
        }
        let at_cursor = self.store.commit_at(cursor.seq).await.map_err(internal)?;
        match at_cursor {
            Some(commit) if commit.cursor() == cursor => Ok(()),
            _ => Err(mismatch()),
        }
    }

    async fn answer(
        &self,
        state: &VaultState,
        requester: &DeviceId,
        sync: &SyncRequest,
        results: Vec<PushResult>,
    ) -> Result<SyncResponse, ApiError> {
        let status = state.status_of(requester);
        if !state.is_member(requester) {
            // Outsiders learn their own standing and the fate of their pushes, nothing else.
            return Ok(SyncResponse { status, results, commits: Vec::new(), head: None, more: false });
        }
        let limit = sync.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE) as usize;
        let commits = match sync.cursor == state.head {
            true => Vec::new(),
            false => self.store.read_after(sync.cursor.seq, limit).await.map_err(internal)?,
        };
        let more = commits.last().is_some_and(|c| c.seq < state.head.seq);
        Ok(SyncResponse { status, results, commits, head: Some(state.head), more })
    }

    /// Spends a verified request's nonce, whether the request is then accepted or refused: the
    /// same bytes never pass twice, while a device's concurrent requests all pass.
    async fn spend(&self, device: &DeviceId, auth: &RequestAuth) -> Result<(), ApiError> {
        let key = replay_key(device);
        let mut nonces = recent_nonces(self.store.kv_get(&key).await.map_err(internal)?);
        let newest = nonces.iter().map(|(ts, _)| *ts).max().unwrap_or(0);
        if auth.timestamp_ms.saturating_add(REORDER_SLACK_MS) < newest {
            return Err(ApiError::new(ErrorCode::Replayed, "request is older than this device's recent requests"));
        }
        if nonces.iter().any(|(_, nonce)| *nonce == auth.nonce.0) {
            return Err(ApiError::new(ErrorCode::Replayed, "this signed request was already used"));
        }
        if nonces.len() >= MAX_REQUESTS_PER_SLACK {
            return Err(ApiError::new(ErrorCode::RateLimited, "too many requests from this device; try again later"));
        }
        nonces.push((auth.timestamp_ms, auth.nonce.0.clone()));
        let newest = newest.max(auth.timestamp_ms);
        nonces.retain(|(ts, _)| ts.saturating_add(REORDER_SLACK_MS) >= newest);
        let mut record = Vec::with_capacity(nonces.len() * NONCE_ENTRY);
        for (ts, nonce) in &nonces {
            record.extend_from_slice(&ts.to_be_bytes());
            record.extend_from_slice(nonce);
        }
        let mut batch = StoreBatch::default();
        batch.put(&key, record);
        self.store.write(batch).await.map_err(internal)
    }
}

/// The signer of a request and its signature headers, once the signature and clock window check
/// out.
fn authenticate(request: &TransportRequest, now_ms: u64) -> Result<(DeviceId, &RequestAuth), ApiError> {
    let auth = request.auth.as_ref().ok_or_else(|| ApiError::new(ErrorCode::BadSignature, "request is not signed"))?;
    let requester = auth.verify(&request.method, &request.path, &request.body, now_ms)?;
    Ok((requester, auth))
}

/// Storage failures are bugs or outages; callers get no backend details.
fn internal(_: StoreError) -> ApiError {
    ApiError::new(ErrorCode::Internal, "the server could not read or write its storage")
}

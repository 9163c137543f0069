//! `ServerApp`: the server side of sync for one vault. The Durable Object (or the in-process
//! server in tests) hands it raw requests; it authenticates, validates with the vault aggregate,
//! appends, and answers with what the device may see.

mod append_times;
mod backup;
mod nonces;
mod usage;

use super::limits::VaultLimits;

pub use backup::{BackupPage, BACKUP_FORMAT};
use futures_util::lock::Mutex;
pub use usage::VaultUsage;

use super::live::{LiveAction, LiveMessage, CLOSE_NOT_MEMBER};
use super::snapshot::{load_state_since, put_state};
use super::transport::{TransportRequest, TransportResponse};
use super::wire::{
    route, unsafe_number, ApiError, PushOutcome, PushResult, RequestAuth, Route, SyncRequest, SyncResponse,
    DEFAULT_PAGE, MAX_BODY_BYTES, MAX_CLOCK_SKEW_MS, MAX_PAGE,
};
use crate::error::{ErrorCode, HasErrorCode};
use crate::event::{Commit, Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use crate::identity::DeviceId;
use crate::store::{stored_size, LogStore, Page, StoreBatch, StoreError};
use crate::vault::{MembershipStatus, VaultState};

use nonces::{lock_unstored, nonce_record, pooled_nonces, replay_key, OwnNonces, OUTSIDER_NONCES_KEY};
pub use nonces::{MAX_OUTSIDER_REQUESTS, MAX_REQUESTS_PER_SLACK, REORDER_SLACK_MS};

const STATE_KEY: &str = "server/state";
/// [`Usage`], kept next to the state snapshot and written with every commit batch.
const USAGE_KEY: &str = "server/usage";
/// Append times remembered (the newest commits'), for checking the times events claim.
const APPENDED_KEPT: usize = 256;

/// The log's size, and when (server clock) its newest commits were appended.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Usage {
    log_bytes: u64,
    appended: std::collections::VecDeque<(u64, u64)>,
}

/// The stored state snapshot is rewritten only after this many commits (or bytes of commits)
/// since the last one: a push writes its commits, not the whole state, and a cold start folds at
/// most this much of the log on top of the snapshot.
pub const SNAPSHOT_EVERY_COMMITS: u64 = 64;
pub const SNAPSHOT_EVERY_BYTES: u64 = 4 * 1024 * 1024;

/// The folded state and the log's size, cached between requests, and where the stored snapshot
/// stands.
#[derive(Clone)]
struct Loaded {
    /// Set while an operator's restore is between pages: the head the backup ends at.
    restoring: Option<Cursor>,
    state: VaultState,
    log_bytes: u64,
    appended: std::collections::VecDeque<(u64, u64)>,
    snapshot_seq: u64,
    snapshot_log_bytes: u64,
}

impl Loaded {
    fn snapshot_due(&self) -> bool {
        self.state.head.seq.saturating_sub(self.snapshot_seq) >= SNAPSHOT_EVERY_COMMITS
            || self.log_bytes.saturating_sub(self.snapshot_log_bytes) >= SNAPSHOT_EVERY_BYTES
    }
}

/// A handled request: its response, and whether it moved the head (live sockets need a poke).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub response: TransportResponse,
    pub head_moved: bool,
    /// Commits this request appended (for the operator's log line).
    pub appended: u64,
}

pub struct ServerApp<S> {
    vault: VaultName,
    store: S,
    limits: VaultLimits,
    /// Serializes requests and caches the folded state between them.
    state: Mutex<Option<Loaded>>,
    /// Nonces spent while this vault does not exist: kept in memory, so that a name without a
    /// vault costs no storage; stored with the genesis.
    unstored: std::sync::Mutex<Vec<(u64, Vec<u8>)>>,
}

impl<S: LogStore> ServerApp<S> {
    pub fn new(vault: VaultName, store: S) -> ServerApp<S> {
        ServerApp::with_limits(vault, store, VaultLimits::default())
    }

    pub fn with_limits(vault: VaultName, store: S, limits: VaultLimits) -> ServerApp<S> {
        ServerApp { vault, store, limits, state: Mutex::new(None), unstored: Default::default() }
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
            Ok((response, appended)) => Handled {
                response: TransportResponse { status: 200, body: serde_json::to_vec(&response).unwrap_or_default() },
                head_moved: appended > 0,
                appended,
            },
            Err(error) => Handled {
                response: TransportResponse { status: error.status(), body: error.to_json() },
                head_moved: false,
                appended: 0,
            },
        }
    }

    /// Authorizes a live socket: a fresh, signed `GET` of this vault's live path by a current
    /// member holding fewer than `max_sockets_per_device` sockets (`open_sockets` counts
    /// them). Returns the member's device id; the caller tags the socket with it.
    pub async fn authorize_live(
        &self,
        request: &TransportRequest,
        now_ms: u64,
        open_sockets: impl FnOnce(&DeviceId) -> usize,
    ) -> Result<DeviceId, ApiError> {
        let Route::Live(vault) = route(&request.method, &request.path)? else {
            return Err(ApiError::new(ErrorCode::NotFound, "not a live route"));
        };
        self.check_vault(&vault)?;
        let (requester, auth) = authenticate(request, now_ms)?;
        let mut cached = self.state.lock().await;
        let loaded = self.take_state(&mut cached).await?;
        if loaded.restoring.is_some() {
            *cached = Some(loaded);
            return Err(backup::restoring());
        }
        if let Err(error) = self.spend(&loaded.state, &requester, auth, now_ms).await {
            *cached = Some(loaded);
            return Err(error);
        }
        let outcome = match loaded.state.status_of(&requester) {
            MembershipStatus::Member if open_sockets(&requester) >= self.limits.max_sockets_per_device => {
                Err(ApiError::new(ErrorCode::RateLimited, "this device has too many live sockets open on this vault"))
            }
            MembershipStatus::Member => Ok(requester),
            // The same answer whether or not the vault exists: listening needs no such hint.
            _ => Err(ApiError::new(ErrorCode::NotMember, "only members may listen to a vault")),
        };
        *cached = Some(loaded);
        outcome
    }

    /// What to do with each connected live socket (named by its device) after the head moved:
    /// members get a poke, sockets of devices that are no longer members are closed.
    pub async fn live_actions(&self, connected: &[DeviceId]) -> Result<Vec<LiveAction>, ApiError> {
        let mut cached = self.state.lock().await;
        let loaded = self.take_state(&mut cached).await?;
        let poke = LiveMessage::HeadChanged { head: loaded.state.head }.to_json();
        let actions = connected
            .iter()
            .map(|device| match loaded.state.is_member(device) {
                true => LiveAction::Send(poke.clone()),
                false => LiveAction::Close { code: CLOSE_NOT_MEMBER, reason: "no longer a member of this vault" },
            })
            .collect();
        *cached = Some(loaded);
        Ok(actions)
    }

    /// The cached state, or the stored one after a restart or a storage failure.
    async fn take_state(&self, cached: &mut Option<Loaded>) -> Result<Loaded, ApiError> {
        if let Some(loaded) = cached.take() {
            return Ok(loaded);
        }
        let (state, snapshot_seq) = load_state_since(&self.store, STATE_KEY, &self.vault).await.map_err(internal)?;
        let stored = self.store.kv_get(USAGE_KEY).await.map_err(internal)?;
        let usage = match stored.map(|bytes| serde_json::from_slice::<Usage>(&bytes)) {
            Some(Ok(usage)) => usage,
            Some(Err(_)) | None => Usage { log_bytes: self.measure_log().await?, appended: Default::default() },
        };
        let (log_bytes, appended) = (usage.log_bytes, usage.appended);
        // The bytes folded since the snapshot are not known exactly; counting none is safe (the
        // commit count still brings the next snapshot).
        let restoring = self.store.kv_get(backup::RESTORING_KEY).await.map_err(internal)?;
        let restoring = restoring.and_then(|bytes| serde_json::from_slice(&bytes).ok());
        Ok(Loaded { restoring, state, log_bytes, appended, snapshot_seq, snapshot_log_bytes: log_bytes })
    }

    /// The log's size from its commits, for a vault stored before usage was recorded.
    async fn measure_log(&self) -> Result<u64, ApiError> {
        let (mut after, mut total) = (0, 0u64);
        loop {
            let page = self.store.read_after(after, Page { commits: 500, bytes: self.limits.max_page_bytes }).await;
            let page = page.map_err(internal)?;
            let Some(last) = page.last() else { return Ok(total) };
            after = last.seq;
            total += page.iter().map(|commit| stored_size(commit) as u64).sum::<u64>();
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

    async fn handle_sync(&self, request: &TransportRequest, now_ms: u64) -> Result<(SyncResponse, u64), ApiError> {
        let Route::Sync(vault) = route(&request.method, &request.path)? else {
            return Err(ApiError::new(ErrorCode::UpgradeRequired, "live takes a WebSocket upgrade"));
        };
        self.check_vault(&vault)?;
        if request.body.len() > MAX_BODY_BYTES {
            return Err(ApiError::new(ErrorCode::TooLarge, "request body exceeds 1 MiB"));
        }
        let (requester, auth) = authenticate(request, now_ms)?;
        let mut cached = self.state.lock().await;
        let mut loaded = self.take_state(&mut cached).await?;
        if loaded.restoring.is_some() {
            *cached = Some(loaded);
            return Err(backup::restoring());
        }
        if let Err(error) = self.spend(&loaded.state, &requester, auth, now_ms).await {
            *cached = Some(loaded);
            return Err(error);
        }
        let sync: SyncRequest = match serde_json::from_slice(&request.body) {
            Ok(sync) => sync,
            Err(e) => {
                *cached = Some(loaded);
                return Err(ApiError::new(ErrorCode::Malformed, format!("invalid sync request: {e}")));
            }
        };
        if let Err(error) = check_numbers(&request.body, &sync) {
            *cached = Some(loaded);
            return Err(error);
        }
        let head_before = loaded.state.head;
        // Only a push of several events can be refused after some of them folded. Kept to put
        // back (cheap: the maps that grow with secrets are shared), so such a request costs no
        // reload of the stored state.
        let before = (sync.push.len() > 1).then(|| loaded.clone());
        let outcome = self.process(&mut loaded, &requester, &sync, auth.timestamp_ms, now_ms).await;
        let appended = loaded.state.head.seq.saturating_sub(head_before.seq);
        // After a storage failure the store may hold part of a write the state does not know of;
        // reloading folds whatever landed, so the vault heals instead of wedging.
        let storage_failed = matches!(&outcome, Err(error) if error.code == ErrorCode::Internal);
        // A request refused after some of its events folded: the state holds what was not stored.
        let folded_unstored = outcome.is_err() && appended > 0;
        *cached = match (storage_failed, folded_unstored) {
            (true, _) => None,
            (false, true) => before,
            (false, false) => Some(loaded),
        };
        outcome.map(|response| (response, appended))
    }

    async fn process(
        &self,
        loaded: &mut Loaded,
        requester: &DeviceId,
        sync: &SyncRequest,
        stamp: u64,
        now_ms: u64,
    ) -> Result<SyncResponse, ApiError> {
        if loaded.state.is_member(requester) {
            self.check_cursor(&loaded.state, sync.cursor).await?;
        }
        let head_before = loaded.state.head;

        // Events fold into the cached state in place (no copy of the vault per request). Each
        // fold is all or nothing; should the request fail after some, the caller drops the cache.
        let mut new_commits = Vec::new();
        let mut results = Vec::with_capacity(sync.push.len());
        for event in &sync.push {
            let outcome = self.admit(loaded, requester, event, now_ms, &mut new_commits).await?;
            results.push(PushResult { author_seq: event.author_seq, outcome });
        }

        if !new_commits.is_empty() {
            let mut batch = StoreBatch { commits: new_commits, kv: Vec::new() };
            let seqs: Vec<u64> = batch.commits.iter().map(|commit| commit.seq).collect();
            for seq in seqs {
                append_times::record(&mut batch, seq, now_ms);
            }
            if loaded.snapshot_due() {
                put_state(&mut batch, STATE_KEY, &loaded.state);
                (loaded.snapshot_seq, loaded.snapshot_log_bytes) = (loaded.state.head.seq, loaded.log_bytes);
            }
            let usage = Usage { log_bytes: loaded.log_bytes, appended: loaded.appended.clone() };
            batch.put(USAGE_KEY, serde_json::to_vec(&usage).unwrap_or_default());
            let creating = head_before.seq == 0;
            if creating {
                self.store_unstored(&mut batch, now_ms).await?;
            }
            let introduced = batch.commits.iter().any(|commit| {
                &commit.event.author == requester
                    && matches!(
                        commit.event.event,
                        GenericKvLogEvent::VaultCreated { .. } | GenericKvLogEvent::JoinRequested { .. }
                    )
            });
            if introduced {
                let own_key = replay_key(requester);
                let mut own = OwnNonces::parse(self.store.kv_get(&own_key).await.map_err(internal)?);
                own.introduce(stamp, now_ms);
                batch.put(&own_key, own.record());
            }
            self.store.write(batch).await.map_err(internal)?;
            if creating {
                lock_unstored(&self.unstored).clear();
            }
        }
        self.answer(&loaded.state, requester, sync, results).await
    }

    /// Decides one pushed event against the evolving state, collecting it into `new_commits` when
    /// valid. `Err` refuses the whole request.
    async fn admit(
        &self,
        loaded: &mut Loaded,
        requester: &DeviceId,
        event: &SignedEvent,
        now_ms: u64,
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
        // A time from the future would show a device as active long after it stopped; one from
        // before the head it cites existed could frame the server as withholding commits.
        if event.time_ms > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
            return refuse(ErrorCode::InvalidInput, "the event's time is ahead of the server's clock");
        }
        // An invite's expiry is checked on the request's own time, so that time must be now: a
        // request back-dated to before an expired invite ran out is refused.
        let invited = matches!(&event.event, GenericKvLogEvent::JoinRequested { invite: Some(_), .. });
        if invited && event.time_ms.saturating_add(MAX_CLOCK_SKEW_MS) < now_ms {
            return refuse(ErrorCode::InviteInvalid, "an invited join request must be signed now");
        }
        let claims_time = event.time_ms > 0; // 0: no time given, nothing to check
        let seen_appended = match loaded.appended.iter().find(|(seq, _)| *seq == event.seen.seq) {
            Some((_, at)) => Some(*at),
            None if claims_time && event.seen.seq > 0 => {
                append_times::appended_at(&self.store, event.seen.seq).await.map_err(internal)?
            }
            None => None,
        };
        if claims_time && seen_appended.is_some_and(|at| event.time_ms.saturating_add(MAX_CLOCK_SKEW_MS) < at) {
            return refuse(ErrorCode::InvalidInput, "the event's time is before the head it cites existed");
        }
        if event.author_seq <= loaded.state.last_author_seq(requester) {
            return self.repeated(event, new_commits).await;
        }
        let commit = Commit::after(loaded.state.head, event.clone());
        if !super::fork::seen_on_chain(&self.store, new_commits, &commit).await.map_err(internal)? {
            return Ok(PushOutcome::Rejected {
                code: ErrorCode::ForkDetected,
                message: "the event cites a head that is not on this vault's log".into(),
            });
        }
        let size = stored_size(&commit) as u64;
        if loaded.state.head.seq >= self.limits.max_events
            || loaded.log_bytes.saturating_add(size) > self.limits.max_log_bytes
        {
            return Ok(PushOutcome::Rejected {
                code: ErrorCode::QuotaExceeded,
                message: "this vault's log is full; its operator can raise the limit".into(),
            });
        }
        match loaded.state.apply_whole_commit(&commit) {
            Ok(()) => {
                let seq = commit.seq;
                loaded.log_bytes += size;
                loaded.appended.push_back((seq, now_ms));
                if loaded.appended.len() > APPENDED_KEPT {
                    loaded.appended.pop_front();
                }
                new_commits.push(commit);
                Ok(PushOutcome::Committed { seq })
            }
            Err(violation) if violation.code().refuses_request() => {
                Err(ApiError::from(&violation).about_event(event.author_seq))
            }
            Err(violation) => Ok(PushOutcome::Rejected { code: violation.code(), message: violation.to_string() }),
        }
    }

    /// The vault begins (a genesis, or a restore's first page): the nonces spent while it did not
    /// exist go into the outsiders' pool with the same write.
    async fn store_unstored(&self, batch: &mut StoreBatch, now_ms: u64) -> Result<(), ApiError> {
        let stored = self.store.kv_get(OUTSIDER_NONCES_KEY).await.map_err(internal)?;
        let mut pool = pooled_nonces(stored, now_ms);
        pool.extend(lock_unstored(&self.unstored).iter().cloned());
        pool.retain(|(ts, _)| ts.saturating_add(MAX_CLOCK_SKEW_MS) >= now_ms);
        batch.put(OUTSIDER_NONCES_KEY, nonce_record(&pool));
        Ok(())
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
        let page = Page { commits: limit, bytes: self.limits.max_page_bytes };
        let mut commits = match sync.cursor == state.head {
            true => Vec::new(),
            false => self.store.read_after(sync.cursor.seq, page).await.map_err(internal)?,
        };
        // Each device receives its own parts of a dealing, not every target's.
        for commit in &mut commits {
            commit.event.event.keep_parts_for(requester);
        }
        let more = commits.last().is_some_and(|c| c.seq < state.head.seq);
        Ok(SyncResponse { status, results, commits, head: Some(state.head), more })
    }

    /// Spends a verified request's nonce, whether the request is then accepted or refused: the
    /// same bytes never pass twice, while a device's concurrent requests all pass. Members and
    /// pending devices each keep their own record; every other device shares one bounded pool, so
    /// fresh keys cannot grow storage.
    async fn spend(
        &self,
        state: &VaultState,
        device: &DeviceId,
        auth: &RequestAuth,
        now_ms: u64,
    ) -> Result<(), ApiError> {
        let own_key = replay_key(device);
        let mut own = OwnNonces::parse(self.store.kv_get(&own_key).await.map_err(internal)?);
        let mut pool = pooled_nonces(self.store.kv_get(OUTSIDER_NONCES_KEY).await.map_err(internal)?, now_ms);
        let entry = (auth.timestamp_ms, auth.nonce.0.clone());
        {
            let mut unstored = lock_unstored(&self.unstored);
            unstored.retain(|(ts, _)| ts.saturating_add(MAX_CLOCK_SKEW_MS) >= now_ms);
            // Every record is checked: a request refused while its sender was an outsider (or
            // while the vault did not exist) must not pass once the sender is admitted.
            if own.entries.iter().chain(&pool).chain(unstored.iter()).any(|(_, nonce)| *nonce == auth.nonce.0) {
                return Err(ApiError::new(ErrorCode::Replayed, "this signed request was already used"));
            }
            // Older than the device's recent requests (whatever its standing now): refused, since
            // only the nonces since then are remembered.
            if auth.timestamp_ms.saturating_add(REORDER_SLACK_MS) < own.floor {
                return Err(ApiError::new(ErrorCode::Replayed, "request is older than this device's recent requests"));
            }
            if state.head.seq == 0 {
                // No vault by this name: nothing is written (a signed read by a fresh key must not
                // cost storage); the nonce is kept in memory, and stored if the vault is created.
                if unstored.len() >= self.limits.max_outsider_requests {
                    return Err(ApiError::new(
                        ErrorCode::RateLimited,
                        "too many requests for this vault name; try again later",
                    ));
                }
                unstored.push(entry);
                return Ok(());
            }
        }
        let mut batch = StoreBatch::default();
        match state.status_of(device) {
            MembershipStatus::Member | MembershipStatus::Pending => {
                // Raised by this request's time first, so a device that paused recovers.
                own.raise(auth.timestamp_ms, now_ms);
                if own.entries.len() >= MAX_REQUESTS_PER_SLACK {
                    return Err(ApiError::new(
                        ErrorCode::RateLimited,
                        "too many requests from this device; try again later",
                    ));
                }
                own.entries.push(entry);
                batch.put(&own_key, own.record());
            }
            _ => {
                if pool.len() >= self.limits.max_outsider_requests {
                    return Err(ApiError::new(
                        ErrorCode::RateLimited,
                        "too many requests from devices outside this vault; try again later",
                    ));
                }
                pool.push(entry);
                batch.put(OUTSIDER_NONCES_KEY, nonce_record(&pool));
            }
        }
        self.store.write(batch).await.map_err(internal)
    }
}

/// Every number in a sync body must be a whole number from 0 to 2^53 − 1 (what JavaScript reads
/// exactly and SQLite binds), checked on the raw body before anything is looked up or stored, so
/// no field of any event kind is missed. The error names the pushed event holding the number.
fn check_numbers(body: &[u8], sync: &SyncRequest) -> Result<(), ApiError> {
    let Some(number) = unsafe_number(body) else { return Ok(()) };
    let shown: String = number.chars().take(24).collect();
    let error = ApiError::new(
        ErrorCode::InvalidInput,
        format!("every number in a request must be a whole number from 0 to 2^53 - 1, not {shown}"),
    );
    let holder = sync.push.iter().find(|event| unsafe_number(&serde_json::to_vec(event).unwrap_or_default()).is_some());
    Err(match holder {
        Some(event) => error.about_event(event.author_seq),
        None => error,
    })
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

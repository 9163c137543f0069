//! `SyncGateway`: the client side of sync. It owns the device's outbox and local log, and makes one
//! request per sync: push the outbox, pull what follows the cursor, verify, then store atomically.

use std::sync::Arc;

use futures_util::lock::Mutex;
use serde::{Deserialize, Serialize};

use super::client_error::ClientError;
use super::freeze::Checkpoints;
use super::server::SNAPSHOT_EVERY_COMMITS;
use super::snapshot::{load_state_since, put_state};
use super::transport::{SyncProtocol, TransportRequest, TransportResponse};
use super::wire::{
    live_path, sync_path, ApiError, PushOutcome, RequestAuth, SyncRequest, SyncResponse, MAX_PUSH_BYTES,
};
use crate::clock::Clock;
use crate::error::ErrorCode;
use crate::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use crate::identity::DeviceKeys;
use crate::store::{LogStore, StoreBatch};
use crate::vault::{MembershipStatus, VaultState};

mod status;
mod vouching;

const VAULT_KEY: &str = "vault/name";
const STATE_KEY: &str = "vault/state";
const OUTBOX_KEY: &str = "device/outbox";
const AUTHOR_SEQ_KEY: &str = "device/author-seq";
const STAMP_KEY: &str = "device/request-stamp";
/// Evidence of a fork, once found: the device stops syncing and approving.
const FORK_KEY: &str = "vault/fork";
/// What the server said the head was, and when (see `freeze`).
const TOLD_KEY: &str = "vault/told";
/// Evidence that the server withheld commits, once found; shown, not blocking.
const WITHHELD_KEY: &str = "vault/withheld";
/// The genesis an invite named (a 16-byte prefix), until the first pull shows it; then, if it
/// differed, the evidence.
const INVITED_GENESIS_KEY: &str = "vault/invited_genesis";
const INVITE_MISMATCH_KEY: &str = "vault/invite_mismatch";
/// Set while this store's log came from a server alone (keys attached to an empty store) and no
/// person has compared its fingerprint with another device's.
const UNVERIFIED_KEY: &str = "vault/unverified";
const TOLD_REFRESH_MS: u64 = 60_000;
/// A sync request that failed in transit or inside the server is tried this many times in all.
const SYNC_ATTEMPTS: u32 = 2;

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    pub status: MembershipStatus,
    pub head: Cursor,
    pub pulled: usize,
    pub committed: Vec<u64>,
    pub rejected: Vec<RejectedEvent>,
    pub requests: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedEvent {
    pub author_seq: u64,
    pub code: ErrorCode,
    pub message: String,
}

struct Local {
    vault: Option<VaultName>,
    /// Shared with readers: a view or an idle sync costs no copy of the vault.
    state: Option<Arc<VaultState>>,
    /// The seq the stored state snapshot stands at; opening folds the commits after it.
    snapshot_seq: u64,
    outbox: Vec<SignedEvent>,
    last_author_seq: u64,
    last_stamp: u64,
    fork: Option<String>,
    told: Checkpoints,
    /// When `told` was last stored.
    told_saved_at: Option<u64>,
    withheld: Option<String>,
    invited_genesis: Option<crate::encoding::Bytes>,
    invite_mismatch: Option<String>,
    unverified: bool,
}

pub struct SyncGateway<S, T> {
    store: S,
    transport: T,
    clock: Box<dyn Clock>,
    keys: DeviceKeys,
    local: Mutex<Local>,
}

fn read_json<V: for<'de> Deserialize<'de>>(bytes: Option<Vec<u8>>, what: &str) -> Result<Option<V>, ClientError> {
    bytes
        .map(|b| serde_json::from_slice(&b))
        .transpose()
        .map_err(|e| crate::store::StoreError::Corrupt(format!("{what}: {e}")).into())
}

/// An event's size inside a push.
fn pushed_size(event: &SignedEvent) -> usize {
    serde_json::to_vec(event).map_or(usize::MAX, |json| json.len() + 1)
}

/// The longest prefix of `outbox` that fits one request (at least its first event).
fn fitting_push(outbox: &[SignedEvent]) -> Vec<SignedEvent> {
    let mut total = 0usize;
    let count = outbox
        .iter()
        .enumerate()
        .take_while(|(i, event)| {
            total = total.saturating_add(pushed_size(event));
            *i == 0 || total <= MAX_PUSH_BYTES
        })
        .count();
    outbox[..count].to_vec()
}

fn read_u64(bytes: Option<Vec<u8>>) -> u64 {
    bytes.and_then(|b| <[u8; 8]>::try_from(b.as_slice()).ok()).map_or(0, u64::from_be_bytes)
}

impl<S: LogStore, T: SyncProtocol> SyncGateway<S, T> {
    pub async fn open(store: S, transport: T, clock: Box<dyn Clock>, keys: DeviceKeys) -> Result<Self, ClientError> {
        let vault: Option<VaultName> = read_json(store.kv_get(VAULT_KEY).await?, "vault name")?;
        let (state, snapshot_seq) = match &vault {
            Some(vault) => {
                let (state, snapshot_seq) = load_state_since(&store, STATE_KEY, vault).await?;
                (Some(Arc::new(state)), snapshot_seq)
            }
            None => (None, 0),
        };
        let outbox = read_json(store.kv_get(OUTBOX_KEY).await?, "outbox")?.unwrap_or_default();
        let last_author_seq = read_u64(store.kv_get(AUTHOR_SEQ_KEY).await?);
        let last_stamp = read_u64(store.kv_get(STAMP_KEY).await?);
        let fork = read_json(store.kv_get(FORK_KEY).await?, "fork evidence")?;
        let told = read_json(store.kv_get(TOLD_KEY).await?, "head checkpoints")?.unwrap_or_default();
        let withheld = read_json(store.kv_get(WITHHELD_KEY).await?, "withheld evidence")?;
        let invited_genesis = read_json(store.kv_get(INVITED_GENESIS_KEY).await?, "invited genesis")?;
        let invite_mismatch = read_json(store.kv_get(INVITE_MISMATCH_KEY).await?, "invite mismatch")?;
        let unverified = store.kv_get(UNVERIFIED_KEY).await?.is_some();
        let local = Local {
            vault,
            state,
            snapshot_seq,
            outbox,
            last_author_seq,
            last_stamp,
            fork,
            told,
            told_saved_at: None,
            withheld,
            invited_genesis,
            invite_mismatch,
            unverified,
        };
        Ok(SyncGateway { store, transport, clock, keys, local: Mutex::new(local) })
    }

    pub fn keys(&self) -> &DeviceKeys {
        &self.keys
    }

    /// This device's clock (what its events are signed with).
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// The vault this device belongs to or is joining.
    pub async fn vault(&self) -> Option<VaultName> {
        self.local.lock().await.vault.clone()
    }

    /// The verified vault state as of the last sync.
    pub async fn state(&self) -> Result<Arc<VaultState>, ClientError> {
        self.local.lock().await.state.clone().ok_or(ClientError::NotBound)
    }

    pub async fn outbox_len(&self) -> usize {
        self.local.lock().await.outbox.len()
    }

    /// Whether an event `matches` still waits in the outbox (it goes out with the next sync).
    pub async fn is_queued(&self, matches: impl Fn(&GenericKvLogEvent) -> bool) -> bool {
        self.local.lock().await.outbox.iter().any(|signed| matches(&signed.event))
    }

    /// Ties this device to `vault`. A device may move to another vault only while it has no log and
    /// nothing queued (for example after a join to a missing vault failed).
    pub async fn bind(&self, vault: &VaultName) -> Result<(), ClientError> {
        let mut local = self.local.lock().await;
        if let (Some(current), Some(state)) = (&local.vault, &local.state) {
            if current == vault {
                return Ok(());
            }
            if state.head.seq > 0 || !local.outbox.is_empty() {
                return Err(ClientError::InvalidInput(format!("this device already belongs to vault {current}")));
            }
        }
        let mut batch = StoreBatch::default();
        batch.put(VAULT_KEY, serde_json::to_vec(vault).unwrap_or_default());
        self.store.write(batch).await?;
        local.vault = Some(vault.clone());
        local.state = Some(Arc::new(VaultState::empty(vault.clone())));
        Ok(())
    }

    /// The fork evidence this device found, if any (it then refuses to sync or act).
    pub async fn fork(&self) -> Option<String> {
        self.local.lock().await.fork.clone()
    }

    /// Evidence that the server once withheld commits from this device (a freeze), if found.
    pub async fn withheld(&self) -> Option<String> {
        self.local.lock().await.withheld.clone()
    }

    /// Signs `event` with the next author_seq and queues it. A member's event is first checked
    /// against the local state, so an invalid action fails here without a round trip.
    pub async fn enqueue(&self, event: GenericKvLogEvent) -> Result<u64, ClientError> {
        let seqs = self.enqueue_all(vec![event]).await?;
        seqs.first().copied().ok_or(ClientError::NotBound)
    }

    /// [`Self::enqueue`] for many events at once, all or none: the outbox is written once (a batch
    /// unlock of 500 approvals would otherwise rewrite it 500 times).
    pub async fn enqueue_all(&self, events: Vec<GenericKvLogEvent>) -> Result<Vec<u64>, ClientError> {
        let mut local = self.local.lock().await;
        let (vault, state) = match (&local.vault, &local.state) {
            (Some(vault), Some(state)) => (vault.clone(), state),
            _ => return Err(ClientError::NotBound),
        };
        if let Some(evidence) = &local.fork {
            return Err(ClientError::Fork(evidence.clone()));
        }
        if let Some(evidence) = &local.invite_mismatch {
            return Err(ClientError::InviteMismatch(evidence.clone()));
        }
        // A session whose log came from the server alone signs nothing (no partial, dealing,
        // secret or vote) until a person vouched for its view: one place, so no flow is missed.
        if local.unverified {
            return Err(ClientError::UnverifiedView(
                "this session's log came from the server alone: compare its fingerprint with another of the \
                 vault's devices (confirm_log) before it acts"
                    .into(),
            ));
        }
        let first = local.last_author_seq.max(state.last_author_seq(self.keys.id())) + 1;
        let now = self.clock.now_ms();
        let mut signed_events = Vec::with_capacity(events.len());
        for (author_seq, event) in (first..).zip(events) {
            let signed = SignedEvent::sign_at(&self.keys, &vault, author_seq, state.head, now, event);
            if pushed_size(&signed) > MAX_PUSH_BYTES {
                return Err(ClientError::Api(ApiError::new(
                    ErrorCode::TooLarge,
                    format!("the event is larger than one request may carry ({MAX_PUSH_BYTES} bytes)"),
                )));
            }
            if state.is_member(self.keys.id()) {
                state.check_event(&signed)?;
            }
            signed_events.push(signed);
        }
        let Some(last) = signed_events.last().map(|signed| signed.author_seq) else { return Ok(Vec::new()) };
        let seqs = signed_events.iter().map(|signed| signed.author_seq).collect();
        let mut outbox = local.outbox.clone();
        outbox.extend(signed_events);
        let mut batch = StoreBatch::default();
        batch.put(OUTBOX_KEY, serde_json::to_vec(&outbox).unwrap_or_default());
        batch.put(AUTHOR_SEQ_KEY, last.to_be_bytes().to_vec());
        self.store.write(batch).await?;
        local.outbox = outbox;
        local.last_author_seq = last;
        Ok(seqs)
    }

    /// Receive keys published by events still in the outbox: their secrets must be kept.
    pub async fn queued_receive_keys(&self) -> Vec<crate::encoding::Bytes> {
        use GenericKvLogEvent as E;
        let local = self.local.lock().await;
        local
            .outbox
            .iter()
            .filter_map(|signed| match &signed.event {
                E::GenerationAcked { receive_key, .. }
                | E::JoinRequested { receive_key, .. }
                | E::VaultCreated { receive_key, .. } => Some(receive_key.clone()),
                _ => None,
            })
            .collect()
    }

    /// Pushes the outbox and pulls new commits: one request, more only while the server pages.
    pub async fn sync(&self) -> Result<SyncReport, ClientError> {
        let mut local = self.local.lock().await;
        self.sync_locked(&mut local).await
    }

    /// Syncs only if the local head is behind `head` (a live poke) or events wait to be pushed.
    /// Checked under the sync lock, so a poke for a commit this device just pulled costs nothing.
    pub async fn sync_if_behind(&self, head: Cursor) -> Result<Option<SyncReport>, ClientError> {
        let mut local = self.local.lock().await;
        let local_head = local.state.as_ref().map(|state| state.head);
        let caught_up = local_head.is_some_and(|mine| mine == head || mine.seq > head.seq);
        if caught_up && local.outbox.is_empty() {
            return Ok(None);
        }
        self.sync_locked(&mut local).await.map(Some)
    }

    /// A signed handshake for this vault's live socket (`GET`, empty body, fresh timestamp).
    pub async fn live_request(&self) -> Result<TransportRequest, ClientError> {
        let mut local = self.local.lock().await;
        let vault = local.vault.clone().ok_or(ClientError::NotBound)?;
        let stamp = self.next_stamp(&mut local).await?;
        let path = live_path(&vault);
        let auth = RequestAuth::sign(&self.keys, "GET", &path, stamp, b"");
        Ok(TransportRequest { method: "GET".into(), path, auth: Some(auth), body: Vec::new() })
    }

    /// Strictly increasing: the server remembers a device's recent nonces and refuses a request
    /// older than its newest by more than `REORDER_SLACK_MS`, so an old request never passes. Kept
    /// in memory here; a sync round persists it with its batch.
    fn bump_stamp(&self, local: &mut Local) -> u64 {
        let stamp = self.clock.now_ms().max(local.last_stamp + 1);
        local.last_stamp = stamp;
        stamp
    }

    /// [`Self::bump_stamp`], persisted at once for requests that write nothing else.
    async fn next_stamp(&self, local: &mut Local) -> Result<u64, ClientError> {
        let stamp = self.bump_stamp(local);
        let mut batch = StoreBatch::default();
        batch.put(STAMP_KEY, stamp.to_be_bytes().to_vec());
        self.store.write(batch).await?;
        Ok(stamp)
    }

    async fn sync_locked(&self, local: &mut Local) -> Result<SyncReport, ClientError> {
        let mut report = SyncReport {
            status: MembershipStatus::NotMember,
            head: Cursor::EMPTY,
            pulled: 0,
            committed: Vec::new(),
            rejected: Vec::new(),
            requests: 0,
        };
        loop {
            let more = self.round(local, &mut report).await?;
            if !more {
                return Ok(report);
            }
        }
    }

    async fn exchange(
        &self,
        local: &mut Local,
        vault: &VaultName,
        request: &SyncRequest,
    ) -> Result<TransportResponse, ClientError> {
        let body = serde_json::to_vec(request).unwrap_or_default();
        let path = sync_path(vault);
        // A request lost on the way, or failed inside the server, is sent once more at once: a
        // push is idempotent (the same event at its author_seq is acknowledged again).
        let mut attempt = 1;
        loop {
            let stamp = self.bump_stamp(local);
            let auth = RequestAuth::sign(&self.keys, "POST", &path, stamp, &body);
            let request =
                TransportRequest { method: "POST".into(), path: path.clone(), auth: Some(auth), body: body.clone() };
            let outcome = self.transport.send(request).await;
            let transient = match &outcome {
                Err(_) => true,
                Ok(response) => response.status == 500,
            };
            if !transient || attempt >= SYNC_ATTEMPTS {
                return Ok(outcome?);
            }
            attempt += 1;
        }
    }

    async fn round(&self, local: &mut Local, report: &mut SyncReport) -> Result<bool, ClientError> {
        if let Some(evidence) = &local.fork {
            return Err(ClientError::Fork(evidence.clone()));
        }
        if let Some(evidence) = &local.invite_mismatch {
            return Err(ClientError::InviteMismatch(evidence.clone()));
        }
        let (vault, state) = match (&local.vault, &local.state) {
            (Some(vault), Some(state)) => (vault.clone(), state.clone()),
            _ => return Err(ClientError::NotBound),
        };
        // As many queued events as fit one request, in order; the rest go in the next round.
        let push = fitting_push(&local.outbox);
        let partial = push.len() < local.outbox.len();
        let outbox_before = local.outbox.len();
        let request = SyncRequest { cursor: state.head, push, limit: None };
        let response = self.exchange(local, &vault, &request).await?;
        // The server's claim holds from when the request was signed (a slow answer must not
        // make an honest server look late).
        let asked_at = local.last_stamp;
        report.requests += 1;
        let response = match parse_response(response) {
            Ok(response) => response,
            Err(ClientError::Api(mut error)) => {
                // A body refused as too large names no event; when it carried one, that is the one.
                if error.code == ErrorCode::TooLarge && error.author_seq.is_none() && request.push.len() == 1 {
                    error.author_seq = Some(request.push[0].author_seq);
                }
                return Err(self.refused(local, error, report).await);
            }
            Err(other) => return Err(other),
        };

        let next = verify_pull(state, &response)?;
        for (i, commit) in response.commits.iter().enumerate() {
            if !super::fork::seen_on_chain(&self.store, &response.commits[..i], commit).await? {
                let evidence = format!(
                    "commit {} by {} cites head {} ({}), which is not on this device's log",
                    commit.seq,
                    commit.event.author,
                    commit.event.seen.seq,
                    commit.event.seen.hash.to_hex()
                );
                let mut batch = StoreBatch::default();
                batch.put(FORK_KEY, serde_json::to_vec(&evidence).unwrap_or_default());
                self.store.write(batch).await?;
                local.fork = Some(evidence.clone());
                return Err(ClientError::Fork(evidence));
            }
        }
        let genesis_checked = self.check_invited_genesis(local, &response.commits).await?;
        let withheld = match &local.withheld {
            Some(_) => None,
            None => response.commits.iter().find_map(|commit| local.told.evidence(commit)),
        };
        let mut outbox = local.outbox.clone();
        for result in &response.results {
            let Some(position) = outbox.iter().position(|e| e.author_seq == result.author_seq) else {
                continue;
            };
            match &result.outcome {
                PushOutcome::Committed { seq } => {
                    let pulled = response.commits.iter().find(|c| c.seq == *seq);
                    // Compared by digest: the server returns only this device's parts of a dealing.
                    if pulled.is_some_and(|c| c.event.digest() != outbox[position].digest()) {
                        return Err(ClientError::HostileServer(format!(
                            "commit {seq} is not the event it acknowledged"
                        )));
                    }
                    report.committed.push(result.author_seq);
                }
                PushOutcome::Rejected { code, message } => report.rejected.push(RejectedEvent {
                    author_seq: result.author_seq,
                    code: *code,
                    message: message.clone(),
                }),
            }
            outbox.remove(position);
        }

        let mut batch = StoreBatch { commits: response.commits.clone(), kv: Vec::new() };
        if genesis_checked {
            batch.delete(INVITED_GENESIS_KEY);
        }
        // As on the server, the whole state is stored only now and then; a pull writes its commits.
        let snapshot_due = next.head.seq.saturating_sub(local.snapshot_seq) >= SNAPSHOT_EVERY_COMMITS;
        if !batch.commits.is_empty() && snapshot_due {
            put_state(&mut batch, STATE_KEY, &next);
        }
        if outbox.len() != local.outbox.len() {
            batch.put(OUTBOX_KEY, serde_json::to_vec(&outbox).unwrap_or_default());
        }
        batch.put(STAMP_KEY, local.last_stamp.to_be_bytes().to_vec());
        let mut told = local.told.clone();
        let mut told_saved = None;
        if response.head.is_some() && !response.more {
            let previous = told.last();
            told.record(asked_at, next.head.seq);
            // Stored when the head moved, else at most once a minute: an idle sync stays small.
            let moved = previous.is_none_or(|(_, seq)| seq != next.head.seq);
            let due = local.told_saved_at.is_none_or(|saved| asked_at >= saved + TOLD_REFRESH_MS);
            if moved || due {
                batch.put(TOLD_KEY, serde_json::to_vec(&told).unwrap_or_default());
                told_saved = Some(asked_at);
            }
        }
        if let Some(evidence) = &withheld {
            batch.put(WITHHELD_KEY, serde_json::to_vec(evidence).unwrap_or_default());
        }
        let batch_commits_empty = batch.commits.is_empty();
        self.store.write(batch).await?;

        local.told = told;
        // Only once the write landed: a failed one leaves the claims due again next round.
        local.told_saved_at = told_saved.or(local.told_saved_at);
        if withheld.is_some() {
            local.withheld = withheld;
        }
        if genesis_checked {
            local.invited_genesis = None;
        }
        report.status = response.status;
        report.head = next.head;
        report.pulled += response.commits.len();
        local.outbox = outbox;
        if !batch_commits_empty && snapshot_due {
            local.snapshot_seq = next.head.seq;
        }
        local.state = Some(next);
        // Go on while the server has more, or while queued events remain and this round moved some.
        Ok(response.more || (partial && local.outbox.len() < outbox_before))
    }

    /// A refused request that names one of our events drops that event, so one bad event can
    /// never wedge the outbox. The refusal still reaches the caller.
    async fn refused(&self, local: &mut Local, error: ApiError, report: &mut SyncReport) -> ClientError {
        if let Some(position) = error.author_seq.and_then(|s| local.outbox.iter().position(|e| e.author_seq == s)) {
            let mut outbox = local.outbox.clone();
            outbox.remove(position);
            let mut batch = StoreBatch::default();
            batch.put(OUTBOX_KEY, serde_json::to_vec(&outbox).unwrap_or_default());
            if let Err(store_error) = self.store.write(batch).await {
                return store_error.into();
            }
            local.outbox = outbox;
            report.rejected.push(RejectedEvent {
                author_seq: error.author_seq.unwrap_or_default(),
                code: error.code,
                message: error.message.clone(),
            });
        }
        ClientError::Api(error)
    }
}

fn parse_response(response: TransportResponse) -> Result<SyncResponse, ClientError> {
    if response.status != 200 {
        return Err(match serde_json::from_slice::<ApiError>(&response.body) {
            Ok(error) => ClientError::Api(error),
            Err(_) => ClientError::Http(response.status),
        });
    }
    serde_json::from_slice(&response.body)
        .map_err(|e| ClientError::HostileServer(format!("unreadable sync response: {e}")))
}

/// Runs the vault aggregate over the pulled commits and checks the server's claimed head.
/// Any failure means the server lied; nothing is applied.
fn verify_pull(state: Arc<VaultState>, response: &SyncResponse) -> Result<Arc<VaultState>, ClientError> {
    let mut next = state;
    if !response.commits.is_empty() {
        // Copied once per pull that brings commits (the old state stays intact if one is bad).
        let mut folded = VaultState::clone(&next);
        for commit in &response.commits {
            folded
                .apply_commit(commit)
                .map_err(|violation| ClientError::HostileServer(format!("commit {}: {violation}", commit.seq)))?;
        }
        next = Arc::new(folded);
    }
    // A member always gets the head; without it a server could freeze a device and never be
    // caught claiming anything. "More" with nothing sent would make the device ask for ever.
    if response.status == MembershipStatus::Member && response.head.is_none() {
        return Err(ClientError::HostileServer("a member's sync answer carries no head".into()));
    }
    if response.more && response.commits.is_empty() {
        return Err(ClientError::HostileServer("the server said there is more but sent nothing".into()));
    }
    if let Some(head) = response.head {
        let consistent = if response.more { head.seq > next.head.seq } else { head == next.head };
        if !consistent {
            return Err(ClientError::HostileServer(format!(
                "server head {} does not follow from the commits (local head {})",
                head.seq, next.head.seq
            )));
        }
    }
    Ok(next)
}

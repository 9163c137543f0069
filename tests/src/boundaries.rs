//! The boundary-number table: every numeric field of the sync body and of every event kind an
//! outsider or a member can push, sent at 0, 2^53 − 1, 2^53, 2^63, 2^64 − 1, −1, 1.5 and "1".
//! The same table runs in process (`tests/tests/numeric_bounds.rs`, over a store that refuses
//! numbers as SQLite bindings do) and against the real worker (`worker_bounds.rs`).
//!
//! What it expects: never a 5xx; a value that is not a whole number from 0 to 2^53 − 1 is
//! `400 INVALID_INPUT` or `400 MALFORMED`; any other answer is a 200 or a 4xx whose code is one of
//! the stable `ErrorCode`s and travels with its own status.

use meta_secret_core::encoding::{Bytes, Hash32};
use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceId, DeviceKeys, DeviceKind};
use meta_secret_core::secrets::events::{RecoveryRequest, SealedSecret};
use meta_secret_core::sync::wire::{ApiError, SyncRequest, SyncResponse};
use meta_secret_core::sync::{TransportRequest, TransportResponse};
use meta_secret_core::vault::generations::{AttachedPart, GenerationComplaint, GenerationDealing, GenerationId};
use meta_secret_core::ErrorCode;
use serde_json::{json, Value};

use crate::signed_request;

/// The values every field is sent at, and whether each is a whole number from 0 to 2^53 − 1.
pub fn boundary_values() -> Vec<(&'static str, Value, bool)> {
    vec![
        ("0", json!(0), true),
        ("2^53-1", json!((1u64 << 53) - 1), true),
        ("2^53", json!(1u64 << 53), false),
        ("2^63", json!(1u64 << 63), false),
        ("2^64-1", json!(u64::MAX), false),
        ("-1", json!(-1), false),
        ("1.5", json!(1.5), false),
        ("\"1\"", json!("1"), false),
    ]
}

/// Who sends a case.
#[derive(Clone, Copy, Debug)]
enum Sender {
    /// A fresh key for every case, so no case depends on another's join.
    Outsider,
    Member,
}

/// One sample body: who sends it, the event it pushes (none: an empty push), and the part of it
/// whose numbers are varied (a JSON pointer prefix). Every number under that prefix is a field of
/// the table, found by walking the sample's JSON, so a numeric field added to an event kind is
/// covered as soon as its sample is built.
struct Sample {
    name: &'static str,
    sender: Sender,
    event: Option<fn(&Parties, &DeviceKeys) -> GenericKvLogEvent>,
    scope: &'static str,
}

/// One numeric field of one sample.
struct Field<'a> {
    sample: &'a Sample,
    pointer: String,
}

/// The vault the table runs against: `owner` created it, `member` joined with the owner's vote.
pub struct Parties {
    pub vault: VaultName,
    pub owner: DeviceKeys,
    pub member: DeviceKeys,
}

const ID: &str = "0123456789abcdef0123456789abcdef";

const GENERATION: GenerationId = GenerationId { level: 2, number: 1 };

fn dealing() -> GenerationDealing {
    GenerationDealing {
        format: 2,
        generation: GENERATION,
        epoch: 0,
        commitments: Vec::new(),
        proof: None,
        names_check: Hash32::ZERO,
        parts_root: Hash32::ZERO,
        // One part, so its index is in the table too.
        parts: vec![AttachedPart {
            index: 0,
            target: DeviceId::parse(ID).expect("id"),
            part: Bytes(vec![0; 176]),
            path: Vec::new(),
        }],
    }
}

fn receive_key() -> Bytes {
    meta_secret_core::vault::generations::new_receive_key().1
}

/// The body fields (as a member and as an outsider), the signed envelope (an outsider's join
/// request and a member's event), and every event kind that carries a number.
fn samples() -> Vec<Sample> {
    use GenericKvLogEvent as E;
    let sample = |name, sender, event, scope| Sample { name, sender, event, scope };
    vec![
        sample("body (member)", Sender::Member, None, ""),
        sample("body (outsider)", Sender::Outsider, None, ""),
        sample(
            "join_requested",
            Sender::Outsider,
            Some(|_, keys| E::JoinRequested {
                kit_maker: None,
                invite: None,
                candidate: keys.info().clone(),
                receive_key: receive_key(),
            }),
            "/push/0",
        ),
        // A member's event the rules turn down (no such pending device), so no case changes the vault.
        sample(
            "member's join_declined",
            Sender::Member,
            Some(|_, _| E::JoinDeclined { device: meta_secret_core::identity::DeviceId::from_signing_key(&[7; 32]) }),
            "/push/0",
        ),
        sample(
            "vault_created",
            Sender::Outsider,
            Some(|_, keys| E::VaultCreated { owner: keys.info().clone(), quorum: 2, receive_key: receive_key() }),
            "/push/0/event",
        ),
        sample("quorum_approved", Sender::Member, Some(|_, _| E::QuorumApproved { quorum: 3 }), "/push/0/event"),
        // The current lifetime, so the vote is refused and no case changes the vault.
        sample(
            "claim_lifetime_approved",
            Sender::Member,
            Some(|_, _| E::ClaimLifetimeApproved { minutes: 15 }),
            "/push/0/event",
        ),
        // Not a valid key, so no case stores an invite.
        sample(
            "invite_created",
            Sender::Member,
            Some(|_, _| E::InviteCreated { invite_key: Bytes(vec![0; 31]), expires_ms: 1_000 }),
            "/push/0/event",
        ),
        sample("secret_sealed", Sender::Member, Some(sealed), "/push/0/event"),
        sample("generation_opened", Sender::Member, Some(|_, _| E::GenerationOpened { level: 3 }), "/push/0/event"),
        sample("generation_dealt", Sender::Member, Some(|_, _| E::GenerationDealt(dealing())), "/push/0/event"),
        sample("join_approved with a dealing", Sender::Member, Some(approve), "/push/0/event"),
        sample("generation_complained", Sender::Member, Some(complain), "/push/0/event"),
        sample(
            "recovery_requested",
            Sender::Member,
            Some(|_, _| {
                E::RecoveryRequested(RecoveryRequest {
                    claim_id: ID.into(),
                    secret_id: ID.into(),
                    epoch: 0,
                    ephemeral_recipient: "age1qqqq".into(),
                    batch: None,
                })
            }),
            "/push/0/event",
        ),
    ]
}

/// The JSON pointers of every number in `value`.
fn numbers(value: &Value, at: String, found: &mut Vec<String>) {
    match value {
        Value::Number(_) => found.push(at),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, item)| numbers(item, format!("{at}/{i}"), found)),
        Value::Object(map) => map.iter().for_each(|(key, item)| {
            numbers(item, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), found)
        }),
        _ => {}
    }
}

fn sealed(_: &Parties, _: &DeviceKeys) -> GenericKvLogEvent {
    GenericKvLogEvent::SecretSealed(SealedSecret {
        format: 3,
        secret_id: ID.into(),
        generation: GENERATION,
        r: Bytes(vec![0; 32]),
        r_proof: Bytes(vec![0; 64]),
        nonce: Bytes(vec![0; 12]),
        ciphertext: Bytes(Vec::new()),
        name_nonce: Bytes(vec![0; 12]),
        name_ciphertext: Bytes(Vec::new()),
    })
}

fn approve(parties: &Parties, _: &DeviceKeys) -> GenericKvLogEvent {
    GenericKvLogEvent::JoinApproved { device: parties.owner.id().clone(), dealings: vec![dealing()] }
}

fn complain(_: &Parties, _: &DeviceKeys) -> GenericKvLogEvent {
    GenericKvLogEvent::GenerationComplained(GenerationComplaint {
        generation: GENERATION,
        dealing_seq: 1,
        part: Bytes(Vec::new()),
        path: Vec::new(),
        shared: Bytes(Vec::new()),
        proof: Bytes(Vec::new()),
    })
}

fn keys(name: &str) -> DeviceKeys {
    DeviceKeys::generate(name, DeviceKind::Desktop).expect("keys")
}

fn ok(response: &TransportResponse) -> SyncResponse {
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    serde_json::from_slice(&response.body).expect("sync response")
}

fn body(request: &SyncRequest) -> Vec<u8> {
    serde_json::to_vec(request).expect("encode")
}

/// Creates `vault` with an owner and a member (quorum 2), through `send`.
pub fn set_up(vault: &str, send: &dyn Fn(TransportRequest) -> TransportResponse, now: &dyn Fn() -> u64) -> Parties {
    let parties =
        Parties { vault: VaultName::parse(vault).expect("name"), owner: keys("owner"), member: keys("member") };
    let (v, owner, member) = (&parties.vault, &parties.owner, &parties.member);
    let push = |keys: &DeviceKeys, event| {
        let request = SyncRequest { cursor: Cursor::EMPTY, push: vec![event], limit: None };
        ok(&send(signed_request(keys, vault, body(&request), now())));
    };
    push(
        owner,
        SignedEvent::sign(
            owner,
            v,
            1,
            GenericKvLogEvent::VaultCreated { owner: owner.info().clone(), quorum: 2, receive_key: receive_key() },
        ),
    );
    push(
        member,
        SignedEvent::sign(
            member,
            v,
            1,
            GenericKvLogEvent::JoinRequested {
                kit_maker: None,
                invite: None,
                candidate: member.info().clone(),
                receive_key: receive_key(),
            },
        ),
    );
    push(
        owner,
        SignedEvent::sign(
            owner,
            v,
            2,
            GenericKvLogEvent::JoinApproved { device: member.id().clone(), dealings: Vec::new() },
        ),
    );
    parties
}

fn head(parties: &Parties, send: &dyn Fn(TransportRequest) -> TransportResponse, now: &dyn Fn() -> u64) -> Cursor {
    let request = SyncRequest { cursor: Cursor::EMPTY, push: Vec::new(), limit: Some(1) };
    let response = send(signed_request(&parties.owner, parties.vault.as_str(), body(&request), now()));
    ok(&response).head.expect("the owner sees the head")
}

/// A valid request for `sample`, signed by `keys`.
fn sample_body(parties: &Parties, sample: &Sample, keys: &DeviceKeys, author_seq: u64) -> Value {
    let push = match sample.event {
        Some(event) => vec![SignedEvent::sign(keys, &parties.vault, author_seq, event(parties, keys))],
        None => Vec::new(),
    };
    serde_json::to_value(SyncRequest { cursor: Cursor::EMPTY, push, limit: Some(5) }).expect("encode")
}

/// The body of one case: the sample, then `value` written at the field's place. An event that
/// still parses is signed again, so the case reaches the server's checks rather than stopping at a
/// bad signature.
fn case_body(parties: &Parties, field: &Field, keys: &DeviceKeys, author_seq: u64, value: &Value) -> Vec<u8> {
    let mut json = sample_body(parties, field.sample, keys, author_seq);
    *json.pointer_mut(&field.pointer).unwrap_or_else(|| panic!("{}: no {}", field.sample.name, field.pointer)) =
        value.clone();
    if let Some(event) = json.pointer_mut("/push/0") {
        if let Ok(parsed) = serde_json::from_value::<SignedEvent>(event.clone()) {
            let mut signed =
                SignedEvent::sign_at(keys, &parsed.vault, parsed.author_seq, parsed.seen, parsed.time_ms, parsed.event);
            signed.format = parsed.format; // another format does not verify whatever its signature
            *event = serde_json::to_value(&signed).expect("encode");
        }
    }
    serde_json::to_vec(&json).expect("encode")
}

/// What went wrong with one answer, if anything.
fn judge(in_range: bool, response: &TransportResponse) -> Result<(), String> {
    let text: String = String::from_utf8_lossy(&response.body).chars().take(300).collect();
    if response.status >= 500 {
        return Err(format!("{} {text}", response.status));
    }
    if response.status == 200 {
        if !in_range {
            return Err(format!("200 (accepted a number outside 0..=2^53-1): {text}"));
        }
        return serde_json::from_slice::<SyncResponse>(&response.body)
            .map(drop)
            .map_err(|e| format!("200 with an unreadable body ({e}): {text}"));
    }
    let error: ApiError = serde_json::from_slice(&response.body)
        .map_err(|e| format!("{} without a stable code ({e}): {text}", response.status))?;
    if !ErrorCode::ALL.contains(&error.code) || error.code.http_status() != response.status {
        return Err(format!(
            "{} with code {} (its status is {})",
            response.status,
            error.code,
            error.code.http_status()
        ));
    }
    if !in_range && (response.status != 400 || !matches!(error.code, ErrorCode::InvalidInput | ErrorCode::Malformed)) {
        return Err(format!(
            "{} {} (expected 400 INVALID_INPUT or MALFORMED): {}",
            response.status, error.code, error.message
        ));
    }
    Ok(())
}

/// Every numeric field the table varies, as `sample: pointer`.
pub fn table_fields(parties: &Parties) -> Vec<String> {
    let samples = samples();
    fields(parties, &samples).iter().map(|f| format!("{}: {}", f.sample.name, f.pointer)).collect()
}

fn fields<'a>(parties: &Parties, samples: &'a [Sample]) -> Vec<Field<'a>> {
    let mut fields = Vec::new();
    for sample in samples {
        let mut found = Vec::new();
        numbers(&sample_body(parties, sample, &parties.member, 1), String::new(), &mut found);
        let before = fields.len();
        fields
            .extend(found.into_iter().filter(|p| p.starts_with(sample.scope)).map(|pointer| Field { sample, pointer }));
        assert!(fields.len() > before, "{} has no number under {}", sample.name, sample.scope);
    }
    fields
}

/// Sends every field at every boundary value; returns one line per case that misbehaved (empty
/// when all behaved) and the number of cases sent. An out-of-range case must also leave the head
/// where it was.
pub fn run_table(
    parties: &Parties,
    send: &dyn Fn(TransportRequest) -> TransportResponse,
    now: &dyn Fn() -> u64,
) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut sent = 0;
    // Member events take fresh author_seqs; none is committed, so the member's counter stays put.
    let mut author_seq = 100;
    let samples = samples();
    for field in fields(parties, &samples) {
        for (label, value, in_range) in boundary_values() {
            author_seq += 1;
            let outsider = keys("outsider");
            let (keys, seq) = match field.sample.sender {
                Sender::Outsider => (&outsider, 1),
                Sender::Member => (&parties.member, author_seq),
            };
            let before = (!in_range).then(|| head(parties, send, now));
            let body = case_body(parties, &field, keys, seq, &value);
            let response = send(signed_request(keys, parties.vault.as_str(), body, now()));
            sent += 1;
            let mut verdict = judge(in_range, &response);
            if verdict.is_ok() && before.is_some_and(|before| head(parties, send, now) != before) {
                verdict = Err("the head moved".into());
            }
            if let Err(why) = verdict {
                failures.push(format!("{} {} = {label}: {why}", field.sample.name, field.pointer));
            }
        }
    }
    (failures, sent)
}

/// A memory store that, like the worker's SQLite bindings, cannot take a number above
/// 2^53 − 1 as a lookup key: such a lookup fails as a storage error (a 500) instead of finding
/// nothing. The in-process table runs over it so that it sees what the worker would.
#[derive(Clone, Default)]
pub struct SqlLikeStore(pub meta_secret_core::store::MemoryStore);

fn bindable(value: u64) -> Result<(), meta_secret_core::store::StoreError> {
    match value <= meta_secret_core::event::MAX_SEQ {
        true => Ok(()),
        false => Err(meta_secret_core::store::StoreError::Backend(format!("{value} is not a safe integer"))),
    }
}

impl meta_secret_core::store::LogStore for SqlLikeStore {
    async fn write(
        &self,
        batch: meta_secret_core::store::StoreBatch,
    ) -> Result<(), meta_secret_core::store::StoreError> {
        for commit in &batch.commits {
            bindable(commit.seq)?;
            bindable(commit.event.author_seq)?;
        }
        self.0.write(batch).await
    }

    async fn head(&self) -> Result<Cursor, meta_secret_core::store::StoreError> {
        self.0.head().await
    }

    async fn read_after(
        &self,
        after_seq: u64,
        page: meta_secret_core::store::Page,
    ) -> Result<Vec<meta_secret_core::event::Commit>, meta_secret_core::store::StoreError> {
        bindable(after_seq)?;
        self.0.read_after(after_seq, page).await
    }

    async fn commit_at(
        &self,
        seq: u64,
    ) -> Result<Option<meta_secret_core::event::Commit>, meta_secret_core::store::StoreError> {
        bindable(seq)?;
        self.0.commit_at(seq).await
    }

    async fn find_by_author(
        &self,
        author: &meta_secret_core::identity::DeviceId,
        author_seq: u64,
    ) -> Result<Option<meta_secret_core::event::Commit>, meta_secret_core::store::StoreError> {
        bindable(author_seq)?;
        self.0.find_by_author(author, author_seq).await
    }

    async fn kv_get(&self, key: &str) -> Result<Option<Vec<u8>>, meta_secret_core::store::StoreError> {
        self.0.kv_get(key).await
    }
}

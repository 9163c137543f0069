//! Grows a vault's log cheaply and without growing its state: a candidate asks to join, the only
//! member declines it, then reopens it, over and over. Events are signed by hand and pushed raw, a batch
//! per request, so building a 10,000-event log takes seconds.

use meta_secret_core::event::{Cursor, GenericKvLogEvent, SignedEvent, VaultName};
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::sync::wire::{sync_path, RequestAuth, SyncRequest};
use meta_secret_core::sync::{TransportRequest, TransportResponse};

pub type Send<'a> = &'a dyn Fn(TransportRequest) -> TransportResponse;

struct Author {
    keys: DeviceKeys,
    author_seq: u64,
}

pub struct Churn {
    vault: VaultName,
    member: Author,
    candidate: Author,
    /// 0: candidate asks next, 1: member declines next, 2: member reopens next; 3: every event
    /// is a fresh candidate's join request (once the vault has a second member, a reopen takes
    /// two votes).
    phase: u8,
    stamp: u64,
}

impl Churn {
    /// `member_keys` must be a member whose highest author_seq so far is `member_seq`.
    pub fn new(vault: &str, member_keys: DeviceKeys, member_seq: u64, now_ms: u64) -> Churn {
        let candidate = DeviceKeys::generate("churn", DeviceKind::Desktop).expect("keys");
        Churn {
            vault: VaultName::parse(vault).expect("vault"),
            member: Author { keys: member_keys, author_seq: member_seq },
            candidate: Author { keys: candidate, author_seq: 0 },
            phase: 0,
            stamp: now_ms,
        }
    }

    fn push(&mut self, send: Send, member: bool, events: Vec<GenericKvLogEvent>) {
        let author = if member { &mut self.member } else { &mut self.candidate };
        let push: Vec<SignedEvent> = events
            .into_iter()
            .map(|event| {
                author.author_seq += 1;
                SignedEvent::sign(&author.keys, &self.vault, author.author_seq, event)
            })
            .collect();
        let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push, limit: Some(1) }).expect("encode");
        self.stamp += 1;
        let path = sync_path(&self.vault);
        let auth = RequestAuth::sign(&author.keys, "POST", &path, self.stamp, &body);
        let response = send(TransportRequest { method: "POST".into(), path, auth: Some(auth), body });
        assert_eq!(response.status, 200, "churn push: {}", String::from_utf8_lossy(&response.body));
        let text = String::from_utf8_lossy(&response.body);
        assert!(!text.contains("\"rejected\""), "churn event rejected: {text}");
    }

    /// The member approves `device` (alone, it is the quorum).
    pub fn approve(&mut self, send: Send, device: &meta_secret_core::identity::DeviceId) {
        let vote = GenericKvLogEvent::JoinApproved { device: device.clone(), dealing: None };
        self.push(send, true, vec![vote]);
    }

    /// From now on every event is a new device's join request: one small state entry each.
    pub fn requests_only(&mut self) {
        self.phase = 3;
    }

    /// Appends exactly `count` events, batching the member's decline and reopen.
    pub fn append(&mut self, send: Send, mut count: usize) {
        let candidate = self.candidate.keys.id().clone();
        while count > 0 {
            match self.phase {
                3 => {
                    self.candidate = Author {
                        keys: DeviceKeys::generate("churn", DeviceKind::Desktop).expect("keys"),
                        author_seq: 0,
                    };
                    let info = self.candidate.keys.info().clone();
                    self.push(send, false, vec![GenericKvLogEvent::JoinRequested { candidate: info }]);
                    count -= 1;
                }
                0 => {
                    let info = self.candidate.keys.info().clone();
                    self.push(send, false, vec![GenericKvLogEvent::JoinRequested { candidate: info }]);
                    self.phase = 1;
                    count -= 1;
                }
                1 if count >= 2 => {
                    let decline = GenericKvLogEvent::JoinDeclined { device: candidate.clone() };
                    let reopen = GenericKvLogEvent::ReadmitApproved { device: candidate.clone() };
                    self.push(send, true, vec![decline, reopen]);
                    self.phase = 0;
                    count -= 2;
                }
                1 => {
                    self.push(send, true, vec![GenericKvLogEvent::JoinDeclined { device: candidate.clone() }]);
                    self.phase = 2;
                    count -= 1;
                }
                _ => {
                    self.push(send, true, vec![GenericKvLogEvent::ReadmitApproved { device: candidate.clone() }]);
                    self.phase = 0;
                    count -= 1;
                }
            }
        }
    }
}

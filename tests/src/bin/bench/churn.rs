//! Grows a vault's log cheaply and without growing its state: candidates ask to join, the only
//! member declines and re-admits them, over and over. Events are signed by hand and pushed raw, a batch
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
    /// Candidates that ask, are declined and re-admitted, in waves: each device sends one
    /// request per wave, well inside the server's per-device request budget.
    pool: Vec<Author>,
    /// Once set, every event is a fresh device's join request, or the member's decline of one
    /// (the pending list is capped).
    fresh: bool,
    waiting: Vec<meta_secret_core::identity::DeviceId>,
    stamp: u64,
}

/// The server keeps at most 16 join requests without an invite waiting (issue 24, attack 8).
const POOL: usize = 16;

impl Churn {
    /// `member_keys` must be the only member, whose highest author_seq so far is `member_seq`.
    pub fn new(vault: &str, member_keys: DeviceKeys, member_seq: u64, now_ms: u64) -> Churn {
        let pool = (0..POOL).map(|_| Author { keys: new_keys(), author_seq: 0 }).collect();
        Churn {
            vault: VaultName::parse(vault).expect("vault"),
            member: Author { keys: member_keys, author_seq: member_seq },
            pool,
            fresh: false,
            waiting: Vec::new(),
            stamp: now_ms,
        }
    }

    fn push(vault: &VaultName, stamp: &mut u64, send: Send, author: &mut Author, events: Vec<GenericKvLogEvent>) {
        let push: Vec<SignedEvent> = events
            .into_iter()
            .map(|event| {
                author.author_seq += 1;
                SignedEvent::sign(&author.keys, vault, author.author_seq, event)
            })
            .collect();
        let body = serde_json::to_vec(&SyncRequest { cursor: Cursor::EMPTY, push, limit: Some(1) }).expect("encode");
        *stamp += 1;
        let path = sync_path(vault);
        let auth = RequestAuth::sign(&author.keys, "POST", &path, *stamp, &body);
        let response = send(TransportRequest { method: "POST".into(), path, auth: Some(auth), body });
        assert_eq!(response.status, 200, "churn push: {}", String::from_utf8_lossy(&response.body));
        let text = String::from_utf8_lossy(&response.body);
        assert!(!text.contains("\"rejected\""), "churn event rejected: {text}");
    }

    /// The member approves `device` (alone, it is the quorum).
    pub fn approve(&mut self, send: Send, device: &meta_secret_core::identity::DeviceId) {
        let vote = GenericKvLogEvent::JoinApproved { device: device.clone(), dealings: Vec::new() };
        Self::push(&self.vault, &mut self.stamp, send, &mut self.member, vec![vote]);
    }

    /// From now on every event is a new device's join request: one small state entry each.
    pub fn requests_only(&mut self) {
        self.fresh = true;
    }

    /// Appends exactly `count` events: waves of join requests, each wave declined and re-admitted
    /// by the member in one request; the remainder as fresh devices' join requests.
    pub fn append(&mut self, send: Send, mut count: usize) {
        while !self.fresh && count >= 3 {
            let wave = self.pool.len().min(count / 3);
            for candidate in &mut self.pool[..wave] {
                let info = candidate.keys.info().clone();
                Self::push(
                    &self.vault,
                    &mut self.stamp,
                    send,
                    candidate,
                    vec![GenericKvLogEvent::JoinRequested {
                        kit_maker: None,
                        invite: None,
                        candidate: info,
                        receive_key: meta_secret_tests::receive_key(),
                    }],
                );
            }
            let ids: Vec<_> = self.pool[..wave].iter().map(|c| c.keys.id().clone()).collect();
            let mut events: Vec<GenericKvLogEvent> =
                ids.iter().map(|id| GenericKvLogEvent::JoinDeclined { device: id.clone() }).collect();
            events.extend(ids.iter().map(|id| GenericKvLogEvent::ReadmitApproved { device: id.clone() }));
            Self::push(&self.vault, &mut self.stamp, send, &mut self.member, events);
            count -= 3 * wave;
        }
        for _ in 0..count {
            if self.waiting.len() >= POOL {
                let device = self.waiting.remove(0);
                let decline = GenericKvLogEvent::JoinDeclined { device };
                Self::push(&self.vault, &mut self.stamp, send, &mut self.member, vec![decline]);
                continue;
            }
            let mut candidate = Author { keys: new_keys(), author_seq: 0 };
            self.waiting.push(candidate.keys.id().clone());
            let info = candidate.keys.info().clone();
            Self::push(
                &self.vault,
                &mut self.stamp,
                send,
                &mut candidate,
                vec![GenericKvLogEvent::JoinRequested {
                    kit_maker: None,
                    invite: None,
                    candidate: info,
                    receive_key: meta_secret_tests::receive_key(),
                }],
            );
        }
    }
}

fn new_keys() -> DeviceKeys {
    DeviceKeys::generate("churn", DeviceKind::Desktop).expect("keys")
}

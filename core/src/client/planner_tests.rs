//! The planner's policy as a table: states built from real signed events, and what each device
//! does on its own in them.

use std::collections::BTreeMap;

use super::planner::{awaiting_my_approval, plan, PlannedAction};
use crate::event::{Commit, GenericKvLogEvent as E, SignedEvent, VaultName};
use crate::identity::{DeviceId, DeviceKeys, DeviceKind};
use crate::secrets::distributor::resplit_threshold;
use crate::secrets::events::{RecoveryRequest, SecretMetadata, SecretSplit, SharePayload};
use crate::secrets::vss::ShareValue;
use crate::secrets::{deal_reshare, MetaDistributor, MetaEncryptor, SecretShareKnowledge};
use crate::vault::VaultState;

const SECRET: &str = "0123456789abcdef0123456789abcdef";

struct Log {
    state: VaultState,
    keys: BTreeMap<&'static str, DeviceKeys>,
    seqs: BTreeMap<DeviceId, u64>,
    splits: Vec<SecretSplit>,
}

impl Log {
    fn new(names: &[&'static str]) -> Log {
        let keys = names.iter().map(|n| (*n, DeviceKeys::generate(n, DeviceKind::Desktop).unwrap())).collect();
        let state = VaultState::empty(VaultName::parse("v").unwrap());
        let mut log = Log { state, keys, seqs: BTreeMap::new(), splits: Vec::new() };
        log.push(names[0], E::VaultCreated { owner: log.keys[names[0]].info().clone(), quorum: 2 });
        for (i, name) in names.iter().enumerate().skip(1) {
            log.push(name, E::JoinRequested { candidate: log.keys[name].info().clone() });
            for voter in &names[..i.min(2)] {
                log.push(voter, E::JoinApproved { device: log.id(name), dealing: None });
            }
        }
        log
    }

    fn id(&self, name: &str) -> DeviceId {
        self.keys[name].id().clone()
    }

    fn push(&mut self, name: &str, event: E) {
        let keys = &self.keys[name];
        let seq = self.seqs.entry(keys.id().clone()).or_default();
        *seq += 1;
        let signed = SignedEvent::sign(keys, &self.state.vault, *seq, event);
        let commit = Commit::after(self.state.head, signed);
        self.state.apply_commit(&commit).unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    fn split(&mut self, k: u8) {
        let metadata = SecretMetadata { name: "s".into() };
        let split = MetaDistributor::new(&self.state.vault, &self.state.members)
            .distribute(SECRET, k, b"value", &metadata)
            .unwrap();
        self.splits.insert(0, split.clone());
        let author = *self.keys.keys().next().unwrap();
        self.push(author, E::SecretSplit(split));
    }

    /// `name` re-shares its (split) share to the current members.
    fn deal(&mut self, name: &str, inside_join_of: Option<&str>) {
        let split = self.splits[0].clone();
        let me = self.id(name);
        let index = split.holders.iter().position(|d| *d == me).unwrap();
        let payload: SharePayload =
            MetaEncryptor::open_json(&split.shares[index], self.keys[name].age_identity()).unwrap();
        let mut targets: Vec<_> = self.state.members.values().cloned().collect();
        if let Some(candidate) = inside_join_of.filter(|c| !self.state.is_member(&self.id(c))) {
            targets.push(self.keys[candidate].info().clone());
            targets.sort_by(|a, b| a.id.cmp(&b.id));
        }
        let share = SecretShareKnowledge {
            secret_id: SECRET.into(),
            epoch: 1,
            new_k: resplit_threshold(split.k, targets.len()),
            value: ShareValue::from_bytes(&payload.value.0).unwrap(),
            metadata: payload.metadata,
            metadata_salt: payload.metadata_salt,
        };
        let dealing = deal_reshare(&targets.iter().collect::<Vec<_>>(), &[share]).unwrap();
        match inside_join_of {
            Some(candidate) => self.push(name, E::JoinApproved { device: self.id(candidate), dealing: Some(dealing) }),
            None => self.push(name, E::ReshareDealt(dealing)),
        }
    }

    fn plan_of(&self, name: &str) -> Vec<PlannedAction> {
        plan(&self.state, &self.id(name))
    }
}

fn copy(keys: &DeviceKeys) -> DeviceKeys {
    let exported = keys.export(crate::identity::KeyProtection::Unprotected).unwrap();
    DeviceKeys::import(&exported, None).unwrap()
}

fn deal_all() -> Vec<String> {
    vec![SECRET.to_owned()]
}

#[test]
fn nothing_to_do_when_the_holders_are_the_members_even_with_an_open_claim() {
    let mut log = Log::new(&["a", "b", "c"]);
    log.split(2);
    let claim = RecoveryRequest {
        claim_id: "f".repeat(32),
        secret_id: SECRET.into(),
        epoch: 1,
        ephemeral_recipient: age::x25519::Identity::generate().to_public().to_string(),
        batch: None,
    };
    log.push("a", E::RecoveryRequested(claim));
    for name in ["a", "b", "c"] {
        assert_eq!(log.plan_of(name), vec![], "{name} approves no claim on its own");
    }
}

#[test]
fn after_a_removal_the_remaining_holders_deal_on_their_own_once_each() {
    let mut log = Log::new(&["a", "b", "c"]);
    log.split(2);
    log.push("a", E::RemovalApproved { device: log.id("c") });
    assert_eq!(log.plan_of("a"), vec![], "one vote of two: nothing changed");
    log.push("b", E::RemovalApproved { device: log.id("c") });
    assert_eq!(log.plan_of("a"), vec![PlannedAction::Deal { secret_ids: deal_all() }]);
    assert_eq!(log.plan_of("c"), vec![], "a removed device does nothing");
    log.deal("a", None);
    assert_eq!(log.plan_of("a"), vec![], "a dealt already");
    assert_eq!(log.plan_of("b"), vec![PlannedAction::Deal { secret_ids: deal_all() }]);
    log.deal("b", None);
    for name in ["a", "b"] {
        assert_eq!(log.plan_of(name), vec![PlannedAction::Verify { secret_ids: deal_all() }], "{name} checks");
    }
}

#[test]
fn a_new_member_gets_dealings_only_from_approvals() {
    let mut log = Log::new(&["a", "b", "c", "d"]);
    log.split(3);
    let e = DeviceKeys::generate("e", DeviceKind::Desktop).unwrap();
    log.keys.insert("e", e);
    log.push("e", E::JoinRequested { candidate: log.keys["e"].info().clone() });
    log.deal("a", Some("e"));
    log.deal("b", Some("e"));
    assert!(log.state.is_member(&log.id("e")), "two approvals admit e");
    for name in ["c", "d"] {
        assert_eq!(log.plan_of(name), vec![], "{name} never deals to e unasked");
        assert_eq!(awaiting_my_approval(&log.state, &log.id(name)), deal_all(), "{name} is asked");
    }
    assert_eq!(awaiting_my_approval(&log.state, &log.id("a")), Vec::<String>::new(), "a dealt in its approval");
    assert_eq!(log.state.round(SECRET).unwrap().chosen.len(), 2, "k = 3 needs a third dealing");
    // c never approved e: a plain dealing to e is refused; c's own approval of e deals.
    let mut refused =
        Log { state: log.state.clone(), keys: BTreeMap::new(), seqs: log.seqs.clone(), splits: log.splits.clone() };
    refused.keys = log.keys.iter().map(|(n, k)| (*n, copy(k))).collect();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| refused.deal("c", None)));
    assert!(result.is_err(), "a dealing to a device c did not approve is refused");
    log.deal("c", Some("e"));
    for name in ["a", "b", "c", "d", "e"] {
        assert_eq!(log.plan_of(name), vec![PlannedAction::Verify { secret_ids: deal_all() }], "{name} checks");
    }
}

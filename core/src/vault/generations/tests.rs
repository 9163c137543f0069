//! Generations driven by simulated devices over an in-memory log: honest devices deal, check,
//! complain and acknowledge as the orchestrator will; attackers sign whatever they like.

use std::collections::{BTreeMap, BTreeSet};

use curve25519_dalek::scalar::Scalar;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::*;
use crate::secrets::kem::{decode_point, derive_key, encapsulate};
use crate::secrets::threshold::{combine_verified, interpolate, partial, Partial};
use crate::secrets::vss::{Commitments, ShareValue};

/// Puts `part` at target `index` of a dealing and re-signs the root over its parts (what a
/// dishonest dealer does).
pub(super) fn replace_part(
    dealing: &mut GenerationDealing,
    targets: &[DeviceId],
    index: usize,
    part: crate::encoding::Bytes,
) {
    let mut parts: Vec<crate::encoding::Bytes> = dealing.parts.iter().map(|p| p.part.clone()).collect();
    parts[index] = part;
    let (root, attached) = super::parts::seal_root(targets, parts).unwrap();
    dealing.parts_root = root;
    dealing.parts = attached;
}

fn id(n: u8) -> DeviceId {
    DeviceId::parse(&format!("{n:032x}")).unwrap()
}

#[derive(Clone)]
enum Msg {
    Dealing(DeviceId, GenerationDealing),
}

#[derive(Default)]
struct Device {
    /// Receive key secrets by their public bytes, until the rounds that used them completed.
    receive: BTreeMap<Vec<u8>, Scalar>,
    shares: BTreeMap<GenerationId, MyShare>,
    malicious_dealer: bool,
    false_complainer: bool,
}

struct Sim {
    gens: Generations,
    members: BTreeSet<DeviceId>,
    approvals: BTreeSet<(DeviceId, DeviceId)>,
    devices: BTreeMap<DeviceId, Device>,
    log: Vec<Msg>,
    /// Complaints the aggregate refused (unproven, or from a proven false accuser).
    refused_complaints: usize,
    false_complaints: usize,
}

impl Membership for Sim {
    fn is_member(&self, device: &DeviceId) -> bool {
        self.members.contains(device)
    }
    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool {
        self.approvals.contains(&(dealer.clone(), target.clone()))
    }
}

struct View<'a>(&'a BTreeSet<DeviceId>, &'a BTreeSet<(DeviceId, DeviceId)>);
impl Membership for View<'_> {
    fn is_member(&self, device: &DeviceId) -> bool {
        self.0.contains(device)
    }
    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool {
        self.1.contains(&(dealer.clone(), target.clone()))
    }
}

impl Sim {
    fn new(owner: u8) -> Sim {
        let mut sim = Sim {
            gens: Generations::new(crate::event::VaultName::parse("family").unwrap()),
            members: BTreeSet::new(),
            approvals: BTreeSet::new(),
            devices: BTreeMap::new(),
            log: Vec::new(),
            refused_complaints: 0,
            false_complaints: 0,
        };
        sim.add_device(owner);
        sim.members.insert(id(owner));
        sim
    }

    fn add_device(&mut self, n: u8) {
        let (secret, public) = new_receive_key();
        let mut device = Device::default();
        device.receive.insert(public.0.clone(), secret);
        self.devices.insert(id(n), device);
        self.gens.set_receive_key(&id(n), public).unwrap();
    }

    fn view(&self) -> View<'_> {
        View(&self.members, &self.approvals)
    }

    fn members(&self) -> Vec<DeviceId> {
        self.members.iter().cloned().collect()
    }

    fn trusted_members(&self, level: u8) -> Vec<DeviceId> {
        let trusted = self.gens.trusted_for(level);
        self.members.iter().filter(|d| trusted.contains(*d)).cloned().collect()
    }

    fn open_level(&mut self, level: u8) -> GenerationId {
        let targets = if self.gens.holders().is_empty() { self.members() } else { self.trusted_members(level) };
        self.gens.open_generation(level, &targets).unwrap()
    }

    /// A join approved (voted in) by `approvers`; holders that approved it deal inside the approval.
    fn join(&mut self, n: u8, approvers: &[u8]) {
        self.add_device(n);
        for a in approvers {
            self.approvals.insert((id(*a), id(n)));
        }
        self.members.insert(id(n));
        let members = self.members();
        let view = View(&self.members, &self.approvals);
        self.gens.reshare_to(&members, &view);
    }

    /// A removal or a leave: older generations re-share to the rest, each level starts a new one.
    fn remove(&mut self, n: u8) {
        self.members.remove(&id(n));
        let members = self.members();
        let view = View(&self.members, &self.approvals);
        self.gens.reshare_to(&members, &view);
        for level in self.gens.levels() {
            if self.gens.current(level).is_some() {
                let trusted = self.trusted_members(level);
                let _ = self.gens.open_generation(level, &trusted);
            }
        }
    }

    fn push_dealing(&mut self, author: &DeviceId, dealing: GenerationDealing) -> Result<(), RuleViolation> {
        let view = View(&self.members, &self.approvals);
        self.gens.check_dealing(author, &dealing, &view)?;
        let seq = self.log.len() as u64 + 1;
        self.gens.fold_dealing(seq, author, &dealing);
        self.log.push(Msg::Dealing(author.clone(), dealing));
        Ok(())
    }

    fn push_complaint(&mut self, author: &DeviceId, complaint: &GenerationComplaint) -> Option<ComplaintVerdict> {
        let view = View(&self.members, &self.approvals);
        match verify_complaint(&self.gens, author, complaint, &view) {
            Ok(verdict) => {
                if verdict == ComplaintVerdict::FalseComplaint {
                    self.false_complaints += 1;
                }
                self.gens.fold_complaint(author, complaint, verdict);
                Some(verdict)
            }
            Err(_) => {
                self.refused_complaints += 1;
                None
            }
        }
    }

    fn dealing_at(&self, seq: u64) -> (DeviceId, GenerationDealing) {
        let Msg::Dealing(dealer, dealing) = &self.log[seq as usize - 1];
        (dealer.clone(), dealing.clone())
    }

    /// What one device's sync does on its own: deal where allowed, check parts, complain,
    /// acknowledge, take up its new shares and delete receive keys no open round needs.
    fn sync(&mut self, me: &DeviceId) {
        if !self.members.contains(me) {
            return;
        }
        let ids: Vec<GenerationId> = self.gens.generations.keys().copied().collect();
        for gid in ids {
            self.deal_if_due(me, gid);
            self.check_and_ack(me, gid);
        }
        self.take_up_shares(me);
    }

    fn deal_if_due(&mut self, me: &DeviceId, gid: GenerationId) {
        let Some(generation) = self.gens.generations.get(&gid) else { return };
        let Some(round) = &generation.round else { return };
        if round.dealings.iter().any(|d| &d.dealer == me) || self.gens.cheaters.contains(me) {
            return;
        }
        if round.kind == RoundKind::Reshare && generation.faulty.contains(me) {
            return;
        }
        let trusted = self.gens.trusted_for(gid.level);
        // An honest device deals only to devices a person dealt to or that it approved itself.
        if !round.targets.iter().all(|t| t == me || trusted.contains(t) || self.approved(me, t)) {
            return;
        }
        let mut dealing = match round.kind {
            RoundKind::Dkg if round.targets.contains(me) => deal_dkg(&self.gens, gid, me).unwrap(),
            RoundKind::Reshare => match self.devices[me].shares.get(&gid) {
                Some(share) if share.epoch == generation.epoch => deal_reshare(&self.gens, share, me).unwrap(),
                _ => return,
            },
            RoundKind::Dkg => return,
        };
        if self.devices[me].malicious_dealer {
            // A wrong sub-share for the last target, sealed properly: only a complaint shows it.
            let last = round.targets.len() - 1;
            let key = decode_point(&round.target_keys[last].0).unwrap();
            let context = part_context(self.gens.vault.as_str(), gid, dealing.epoch, me, &round.targets[last]);
            let refs: Vec<&[u8]> = context.iter().map(|c| c.as_slice()).collect();
            let mut junk = ShareValue::random().0.as_bytes().to_vec();
            junk.extend_from_slice(&[7u8; 32]);
            let junk = crate::encoding::Bytes(crate::secrets::kem::seal_to_proven(&key, &refs, &junk).unwrap());
            replace_part(&mut dealing, &round.targets, last, junk);
        }
        self.push_dealing(me, dealing).unwrap();
    }

    fn round_secret(&self, me: &DeviceId, gid: GenerationId) -> Option<Scalar> {
        let round = self.gens.generations.get(&gid)?.round.as_ref()?;
        let index = round.targets.iter().position(|t| t == me)?;
        self.devices[me].receive.get(&round.target_keys[index].0).copied()
    }

    fn check_and_ack(&mut self, me: &DeviceId, gid: GenerationId) {
        let Some(secret) = self.round_secret(me, gid) else { return };
        let round = self.gens.generations[&gid].round.clone().unwrap();
        let index = round.targets.iter().position(|t| t == me).unwrap();
        // Check every live dealing at once, so all bad ones are named in one pass.
        for record in round.dealings.iter().filter(|d| !d.disqualified) {
            let (dealer, dealing) = self.dealing_at(record.seq);
            // What the server hands this device: its part with the path to the root.
            let part = &super::parts::addressed_to(&dealing.parts, me).unwrap();
            assert_eq!(usize::from(part.index), index);
            let good = open_part(self.gens.vault.as_str(), gid, &dealing, &dealer, me, part, &secret).is_ok();
            if !good || self.devices[me].false_complainer {
                let complaint =
                    make_complaint(&self.gens, gid, record.seq, &dealer, dealing.epoch, part, &secret).unwrap();
                self.push_complaint(me, &complaint);
            }
        }
        let view = self.view();
        let Some(round_view) = self.gens.round(gid, &view) else { return };
        let Some(rid) = round_view.id else { return };
        let round = self.gens.generations[&gid].round.as_ref().unwrap();
        if round.acks.get(me) == Some(&rid) {
            return;
        }
        let (next_secret, next_public) = new_receive_key();
        self.devices.get_mut(me).unwrap().receive.insert(next_public.0.clone(), next_secret);
        let ack = GenerationAck { generation: gid, round: rid };
        let view = View(&self.members, &self.approvals);
        if self.gens.check_ack(me, &ack, &view).is_ok() {
            self.gens.set_receive_key(me, next_public).unwrap();
            self.gens.fold_ack(me, &ack, &view);
        }
    }

    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool {
        self.approvals.contains(&(dealer.clone(), target.clone()))
    }

    /// After a round completed: my share of the new epoch from my parts of the chosen dealings;
    /// a bad part found now is complained about late (the epoch is then repaired).
    fn take_up_shares(&mut self, me: &DeviceId) {
        let ready: Vec<(GenerationId, Generation)> = self
            .gens
            .generations
            .iter()
            .filter(|(_, g)| g.holders.contains_key(me) && g.epoch > 0 && !g.faulty.contains(me))
            .map(|(i, g)| (*i, g.clone()))
            .collect();
        for (gid, generation) in ready {
            if self.devices[me].shares.get(&gid).is_some_and(|s| s.epoch == generation.epoch) {
                continue;
            }
            let Some(made_by) = &generation.made_by else { continue };
            let x = generation.holders[me];
            let index = usize::from(x) - 1;
            let Some(secret) = self.devices[me].receive.get(&made_by.target_keys[index].0).copied() else { continue };
            let mut subs = Vec::new();
            let mut names_key = None;
            for record in &made_by.chosen {
                let (dealer, dealing) = self.dealing_at(record.seq);
                let part = &super::parts::addressed_to(&dealing.parts, me).unwrap();
                assert_eq!(usize::from(part.index), index);
                let opened = open_part(self.gens.vault.as_str(), gid, &dealing, &dealer, me, part, &secret).ok();
                match opened {
                    Some(part) => {
                        names_key.get_or_insert(part.names_key);
                        subs.push((record.dealer_x, part.value));
                    }
                    None => {
                        let complaint =
                            make_complaint(&self.gens, gid, record.seq, &dealer, dealing.epoch, part, &secret).unwrap();
                        self.push_complaint(me, &complaint);
                        break;
                    }
                }
            }
            if subs.len() != made_by.chosen.len() {
                continue;
            }
            let value = combine_sub_shares(made_by.kind, &subs).unwrap();
            let commitments = Commitments::from_wire(&generation.commitments).unwrap();
            assert!(commitments.verify(x, &value), "a share taken up always checks out");
            let names_key = names_key.unwrap();
            assert_eq!(Some(names_check(&names_key)), generation.names_check, "every holder has the names key");
            let share = MyShare { generation: gid, epoch: generation.epoch, x, value, names_key };
            self.devices.get_mut(me).unwrap().shares.insert(gid, share);
        }
        self.delete_unused_keys(me);
    }

    /// Keeps only the receive keys an open round or a share not yet taken up still needs.
    fn delete_unused_keys(&mut self, me: &DeviceId) {
        let mut needed: BTreeSet<Vec<u8>> = BTreeSet::new();
        if let Some(current) = self.gens.receive_keys.get(me) {
            needed.insert(current.0.clone());
        }
        for (gid, generation) in &self.gens.generations {
            if let Some(round) = &generation.round {
                if let Some(i) = round.targets.iter().position(|t| t == me) {
                    needed.insert(round.target_keys[i].0.clone());
                }
            }
            let have = self.devices[me].shares.get(gid).is_some_and(|s| s.epoch == generation.epoch);
            if let (Some(made_by), Some(x), false) = (&generation.made_by, generation.holders.get(me), have) {
                needed.insert(made_by.target_keys[usize::from(*x) - 1].0.clone());
            }
        }
        self.devices.get_mut(me).unwrap().receive.retain(|k, _| needed.contains(k));
    }

    fn sync_all(&mut self, passes: usize) {
        for _ in 0..passes {
            for device in self.members() {
                self.sync(&device);
            }
        }
    }

    /// A reveal of a secret sealed to `gid`: partials from `approvers` (a malicious one sends
    /// junk), combined by the requester. `Ok(key matches)` or the good count.
    fn reveal(
        &self,
        gid: GenerationId,
        approvers: &[DeviceId],
        junk_from: &[DeviceId],
    ) -> Result<bool, (usize, Vec<u8>)> {
        let generation = &self.gens.generations[&gid];
        let commitments = Commitments::from_wire(&generation.commitments).unwrap();
        let public = commitments.0[0];
        let (r, key) = encapsulate(&public, &[b"secret"]).unwrap();
        let partials: Vec<Partial> = approvers
            .iter()
            .filter_map(|d| self.devices[d].shares.get(&gid).filter(|s| s.epoch == generation.epoch).map(|s| (s, d)))
            .map(|(share, d)| {
                let mut p = partial(&share.value, share.x, &r, b"claim");
                if junk_from.contains(d) {
                    p.point += curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
                }
                p
            })
            .collect();
        let combined = combine_verified(&commitments, &r, &partials, b"claim")?;
        Ok(*derive_key(&combined.shared, &r, &public, &[b"secret"]) == *key)
    }
}

fn ready(sim: &Sim, level: u8) -> GenerationId {
    sim.gens.current(level).map(|(gid, _)| gid).expect("the level has a usable generation")
}

/// Owner 1, then devices 2..=n each approved by every holder so far.
fn vault_of(n: u8, level: u8) -> Sim {
    let mut sim = Sim::new(1);
    sim.open_level(1);
    sim.sync_all(2);
    for d in 2..=n {
        let approvers: Vec<u8> = (1..d).collect();
        sim.join(d, &approvers);
        sim.sync_all(2);
    }
    if level > 1 {
        sim.open_level(level);
        sim.sync_all(2);
    }
    sim
}

#[test]
fn one_device_makes_its_level_alone_and_reveals_alone() {
    let mut sim = Sim::new(1);
    let gid = sim.open_level(1);
    sim.sync_all(1);
    assert!(sim.gens.generations[&gid].is_ready());
    assert_eq!(sim.reveal(gid, &[id(1)], &[]), Ok(true));
}

#[test]
fn any_k_holders_reveal_and_k_minus_one_never_do() {
    let sim = vault_of(5, 3);
    let gid = ready(&sim, 3);
    assert_eq!(sim.gens.generations[&gid].k, 3);
    assert_eq!(sim.gens.generations[&gid].holders.len(), 5);
    assert_eq!(sim.reveal(gid, &[id(2), id(4), id(5)], &[]), Ok(true));
    assert_eq!(sim.reveal(gid, &[id(1), id(3)], &[]), Err((2, vec![])));
    // A bad partial is named and skipped; with k good ones left the reveal still works.
    assert_eq!(sim.reveal(gid, &[id(1), id(2), id(3), id(4)], &[id(2)]), Ok(true));
    assert_eq!(sim.reveal(gid, &[id(1), id(2), id(3)], &[id(2)]), Err((2, vec![2])));
}

#[test]
fn a_device_voted_in_without_a_person_never_becomes_a_holder_or_helps_read_later_secrets() {
    // Honest 1; attacker devices 2 and 3 (q = 2 <= c = 2 < k = 3) vote in their own device 4.
    let mut sim = vault_of(3, 3);
    let gid = ready(&sim, 3);
    sim.join(4, &[2, 3]);
    sim.sync_all(5);
    assert!(!sim.gens.trusted_for(3).contains(&id(4)), "only the attacker's votes: no share of level 3");
    assert!(!sim.gens.generations[&gid].holders.contains_key(&id(4)));
    // An honest dealing to the set is refused by the aggregate itself.
    let share = sim.devices[&id(1)].shares[&gid].clone();
    assert_eq!(
        deal_reshare(&sim.gens, &share, &id(1)).and_then(|d| sim.push_dealing(&id(1), d)),
        Err(RuleViolation::NotApprovedByDealer)
    );
    // A secret added afterwards is still sealed to the generation device 4 has nothing of.
    assert_eq!(ready(&sim, 3), gid);
    assert!(!sim.devices[&id(4)].shares.contains_key(&gid));
    assert_eq!(sim.reveal(gid, &[id(2), id(3), id(4)], &[]), Err((2, vec![])));
}

#[test]
fn one_member_complaining_about_everything_is_proven_false_once_and_cannot_stall_a_removal() {
    let mut sim = vault_of(5, 2);
    sim.devices.get_mut(&id(3)).unwrap().false_complainer = true;
    sim.remove(5);
    sim.sync_all(2);
    assert_eq!(sim.false_complaints, 1, "the first false complaint is proven false");
    assert!(sim.gens.false_accusers.contains(&id(3)));
    assert!(sim.refused_complaints > 0, "its later complaints are refused");
    for (gid, generation) in &sim.gens.generations {
        assert!(generation.round.is_none(), "{gid:?} completed within two passes");
        assert!(!generation.holders.contains_key(&id(5)), "the removed device holds nothing current");
        assert!(generation.round.is_none() && generation.is_ready());
    }
    assert!(sim
        .gens
        .generations
        .values()
        .all(|g| g.round.as_ref().is_none_or(|r| r.dealings.iter().all(|d| !d.disqualified))));
}

#[test]
fn a_bad_dealing_is_disqualified_by_a_proven_complaint_and_the_round_still_completes() {
    let mut sim = vault_of(4, 2);
    sim.devices.get_mut(&id(1)).unwrap().malicious_dealer = true;
    let gid = ready(&sim, 2);
    sim.remove(2);
    sim.sync_all(2);
    assert_eq!(sim.false_complaints, 0);
    let generation = &sim.gens.generations[&gid];
    assert!(generation.round.is_none(), "completed");
    let chosen = &generation.made_by.as_ref().unwrap().chosen;
    assert!(chosen.iter().all(|d| d.dealer != id(1)), "the bad dealing was skipped");
    assert_eq!(sim.reveal(gid, &[id(3), id(4)], &[]), Ok(true));
}

#[test]
fn a_removed_device_old_share_combines_with_nothing_current_members_keep_or_the_log_holds() {
    let mut sim = vault_of(3, 2);
    let old = ready(&sim, 2);
    let removed_share = sim.devices[&id(3)].shares[&old].clone();
    let old_epoch = sim.gens.generations[&old].epoch;
    sim.remove(3);
    sim.sync_all(2);
    // The level has a new generation for new secrets; the old one was refreshed.
    let new = ready(&sim, 2);
    assert_ne!(new, old);
    assert!(sim.gens.generations[&old].epoch > old_epoch);
    assert!(!sim.gens.generations[&new].holders.contains_key(&id(3)));
    // Every part in the log was sealed to a receive key no current member keeps any more,
    // except the parts of the newest epochs (which give only current shares).
    let kept: Vec<Scalar> = [id(1), id(2)].iter().flat_map(|d| sim.devices[d].receive.values().copied()).collect();
    for msg in &sim.log {
        let Msg::Dealing(dealer, dealing) = msg;
        let generation = &sim.gens.generations[&dealing.generation];
        if dealing.epoch + 1 == generation.epoch {
            continue;
        }
        for (index, part) in dealing.parts.iter().enumerate() {
            for secret in &kept {
                for target in [id(1), id(2), id(3)] {
                    let context = part_context("family", dealing.generation, dealing.epoch, dealer, &target);
                    let refs: Vec<&[u8]> = context.iter().map(|c| c.as_slice()).collect();
                    assert!(
                        crate::secrets::kem::open_proven_from(secret, &refs, &part.part.0).is_err(),
                        "an old part (index {index}) still opens with a kept key"
                    );
                }
            }
        }
    }
    // The removed share with a current member's share interpolates to nothing useful.
    let current = sim.devices[&id(1)].shares[&old].clone();
    let generation = &sim.gens.generations[&old];
    let r = curve25519_dalek::ristretto::RistrettoPoint::mul_base(&Scalar::from(7u64));
    let mixed = interpolate(&[(removed_share.x, r * removed_share.value.0), (current.x, r * current.value.0)]);
    let honest = sim.reveal(old, &[id(1), id(2)], &[]);
    assert_eq!(honest, Ok(true));
    let true_point = r * {
        let both = [(1u8, &sim.devices[&id(1)].shares[&old].value), (2u8, &sim.devices[&id(2)].shares[&old].value)];
        crate::secrets::vss::combine(&both).unwrap().0
    };
    if removed_share.x != current.x {
        assert_ne!(mixed.unwrap(), true_point, "old and new shares do not combine");
    }
    assert_eq!(generation.k, 2);
}

#[test]
fn a_leave_that_leaves_fewer_than_k_holders_marks_the_generation_lost_instead_of_stalling() {
    let mut sim = vault_of(3, 3);
    let gid = ready(&sim, 3);
    sim.remove(3);
    sim.sync_all(2);
    let generation = &sim.gens.generations[&gid];
    assert!(generation.lost, "a 3-of-3 generation with a holder gone is lost, and says so");
    assert!(generation.round.is_none(), "no round waits for dealers that no longer exist");
    assert!(sim.gens.current(3).is_none(), "no usable generation at level 3");
    // Other levels are unaffected.
    assert!(sim.gens.current(1).is_some());
}

#[path = "edge_tests.rs"]
mod edge;
#[path = "property_tests.rs"]
mod property;

//! Edge cases and the adversarial review's findings, each a test on the simulated devices of
//! `tests.rs`.

use super::*;

#[test]
fn generation_ids_read_and_write_as_level_slash_number_only() {
    let id = GenerationId { level: 3, number: 12 };
    assert_eq!(serde_json::to_string(&id).unwrap(), "\"3/12\"");
    assert_eq!(serde_json::from_str::<GenerationId>("\"3/12\"").unwrap(), id);
    for bad in ["\"3\"", "\"03/1\"", "\"3/0\"", "\"0/1\"", "\"256/1\"", "\"3/-1\"", "\"3/1/1\"", "\" 3/1\"", "3"] {
        assert!(serde_json::from_str::<GenerationId>(bad).is_err(), "{bad} accepted");
    }
    let map: BTreeMap<GenerationId, u8> = [(id, 1)].into();
    assert_eq!(serde_json::to_string(&map).unwrap(), "{\"3/12\":1}", "usable as a JSON map key");
}

#[test]
fn a_removal_during_a_dkg_abandons_it_and_the_removed_device_holds_nothing_made_after() {
    let mut sim = vault_of(4, 2);
    let pending = sim.open_level(3);
    sim.sync(&id(4));
    sim.remove(4);
    sim.sync_all(2);
    assert!(sim.gens.generations[&pending].lost, "the DKG that counted on device 4 is abandoned");
    assert!(sim.gens.generations.values().filter(|g| g.is_ready()).all(|g| !g.holders.contains_key(&id(4))));
}

/// A removal's re-share in a 4-device vault where device 1 dealt honestly, and device 2's dealing
/// whose part for device 3 carries device 1's R (with device 2's own proof and junk after it).
fn copied_encapsulation() -> (Sim, GenerationId, GenerationDealing) {
    let mut sim = vault_of(4, 2);
    let gid = ready(&sim, 2);
    sim.remove(4);
    sim.deal_if_due(&id(1), gid);
    let round = sim.gens.generations[&gid].round.clone().unwrap();
    let (_, honest) = sim.dealing_at(round.dealings[0].seq);
    let share = sim.devices[&id(2)].shares[&gid].clone();
    let mut copied = deal_reshare(&sim.gens, &share, &id(2)).unwrap();
    let mut part = copied.parts[2].part.0.clone();
    part[..32].copy_from_slice(&honest.parts[2].part.0[..32]);
    super::tests::replace_part(&mut copied, &round.targets, 2, crate::encoding::Bytes(part));
    (sim, gid, copied)
}

#[test]
fn a_dealer_cannot_copy_another_dealers_encapsulation_so_that_a_complaint_would_open_it() {
    let (mut sim, _, copied) = copied_encapsulation();
    assert_eq!(
        sim.push_dealing(&id(2), copied),
        Err(RuleViolation::InvalidSecret("a part's encapsulation is not the dealer's own"))
    );
}

/// A hostile server that lets such a dealing through anyway (each device sees only its own part,
/// so only the server can check every proof): the victim's complaint reveals no point of its
/// own, still convicts the dealer, and opens nothing of the honest dealer's.
#[test]
fn a_copied_encapsulation_a_hostile_server_let_through_is_proven_without_revealing_anything() {
    let (mut sim, gid, copied) = copied_encapsulation();
    // What device 3 receives: its own part only, which passes the checks a device can make.
    let mut received = copied.clone();
    received.parts = super::parts::addressed_to(&copied.parts, &id(3)).into_iter().collect();
    sim.gens.check_dealing(&id(2), &received, &sim.view()).expect("a device cannot check others' proofs");
    let seq = sim.log.len() as u64 + 1;
    sim.gens.fold_dealing(seq, &id(2), &received);
    sim.log.push(Msg::Dealing(id(2), received.clone()));

    let secret = sim.round_secret(&id(3), gid).unwrap();
    let mine = received.part_for(&id(3)).unwrap();
    assert!(open_part("family", gid, &received, &id(2), &id(3), mine, &secret).is_err(), "the victim sees a bad part");
    let complaint = make_complaint(&sim.gens, gid, seq, &id(2), received.epoch, mine, &secret).unwrap();
    assert!(complaint.shared.0.is_empty() && complaint.proof.0.is_empty(), "no point of the victim's revealed");
    assert_eq!(sim.push_complaint(&id(3), &complaint), Some(ComplaintVerdict::DealerAtFault));
    assert!(sim.gens.cheaters.contains(&id(2)) && !sim.gens.cheaters.contains(&id(1)));
}

#[test]
fn a_share_reported_lost_mid_round_keeps_the_round_keys_so_no_honest_dealer_can_be_framed() {
    let mut sim = vault_of(4, 2);
    let gid = ready(&sim, 2);
    sim.remove(4);
    sim.deal_if_due(&id(1), gid);
    let seq = sim.gens.generations[&gid].round.as_ref().unwrap().dealings[0].seq;
    // Device 2 reports its share lost with a new key, then complains about device 1's honest part
    // with that key: the round still judges against the key it recorded, so the proof fails.
    let (secret, public) = new_receive_key();
    sim.gens.check_share_lost(&id(2), gid, &public).unwrap();
    sim.gens.fold_share_lost(&id(2), gid, &public);
    assert_eq!(sim.gens.check_share_lost(&id(2), gid, &public), Err(RuleViolation::NoShare), "once");
    let (dealer, dealing) = sim.dealing_at(seq);
    let part = &super::parts::addressed_to(&dealing.parts, &id(2)).unwrap();
    let complaint = make_complaint(&sim.gens, gid, seq, &dealer, dealing.epoch, part, &secret).unwrap();
    assert!(sim.push_complaint(&id(2), &complaint).is_none(), "refused");
    assert!(sim.gens.cheaters.is_empty());
    // The round completes, and the repair that follows gives device 2 a share again.
    sim.devices.get_mut(&id(2)).unwrap().receive.insert(public.0.clone(), secret);
    sim.sync_all(6);
    let generation = &sim.gens.generations[&gid];
    assert!(generation.round.is_none() && generation.faulty.is_empty(), "repaired");
    assert_eq!(sim.devices[&id(2)].shares[&gid].epoch, generation.epoch);
}

#[test]
fn a_join_approval_never_replaces_a_removals_round_among_the_holders() {
    let mut sim = vault_of(4, 2);
    let gid = ready(&sim, 2);
    sim.remove(4);
    let targets: Vec<DeviceId> = vec![id(1), id(2), id(3), id(9)];
    sim.add_device(9);
    assert_eq!(sim.gens.open_join_round(gid, &targets), Err(RuleViolation::NoRound));
    assert_eq!(sim.gens.generations[&gid].round.as_ref().unwrap().targets, vec![id(1), id(2), id(3)]);
}

#[test]
fn a_lost_level_does_not_stop_a_new_level_from_being_made() {
    let mut sim = vault_of(3, 3);
    sim.remove(3);
    sim.sync_all(3);
    assert!(sim.gens.current(3).is_none(), "level 3 is lost");
    let trusted = sim.gens.trusted_for(2);
    assert_eq!(trusted.len(), 2, "the lost level adds no empty set to the intersection");
    let gid = sim.open_level(2);
    sim.sync_all(3);
    assert!(sim.gens.generations[&gid].is_ready());
}

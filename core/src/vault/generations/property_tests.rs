//! The property test over random joins, removals, leaves and malicious dealers, complainers and
//! approvers, on the simulated vault of `tests.rs`.

use super::*;

#[test]
fn random_joins_removals_and_malicious_devices_always_reveal_with_k_honest_partials_and_never_fewer() {
    for seed in 0..12u64 {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut sim = vault_of(3, 2);
        let mut next = 4u8;
        for _ in 0..6 {
            match rng.gen_range(0..3) {
                0 if sim.members.len() < 7 => {
                    let approvers: Vec<u8> =
                        sim.trusted_members(2).iter().map(|d| u8::from_str_radix(d.as_str(), 16).unwrap()).collect();
                    if rng.gen_bool(0.3) {
                        if let Some(bad) = sim.members().choose(&mut rng) {
                            sim.devices.get_mut(bad).unwrap().malicious_dealer = true;
                        }
                    }
                    sim.join(next, &approvers);
                    next += 1;
                }
                1 if sim.members.len() > 3 => {
                    let gone = sim.members().choose(&mut rng).cloned().unwrap();
                    let n = u8::from_str_radix(gone.as_str(), 16).unwrap();
                    sim.remove(n);
                }
                _ => {
                    if let Some(d) = sim.members().choose(&mut rng) {
                        sim.devices.get_mut(d).unwrap().false_complainer |= rng.gen_bool(0.5);
                    }
                }
            }
            // Bound: two passes, plus two for each dealer proven to deal a bad part (one here).
            sim.sync_all(4);
            let gid = ready(&sim, 2);
            let generation = sim.gens.generations[&gid].clone();
            assert!(generation.round.is_none(), "seed {seed}: every round completed within 4 passes");
            // Every bad dealing and false complaint is attributed to a device that did it.
            assert!(sim.gens.cheaters.iter().all(|d| sim.devices[d].malicious_dealer), "seed {seed}");
            assert!(sim.gens.false_accusers.iter().all(|d| sim.devices[d].false_complainer), "seed {seed}");
            // An approver syncs before it answers a claim, so it has taken up its share.
            sim.sync_all(1);
            let holders: Vec<DeviceId> = generation.holders.keys().cloned().collect();
            assert!(holders.iter().all(|h| sim.members.contains(h)), "seed {seed}: holders are members");
            let mut approvers = holders.clone();
            approvers.shuffle(&mut rng);
            let k = usize::from(generation.k);
            assert_eq!(sim.reveal(gid, &approvers[..k], &[]), Ok(true), "seed {seed}: k honest partials reveal");
            assert!(sim.reveal(gid, &approvers[..k - 1], &[]).is_err(), "seed {seed}: k - 1 never do");
            if approvers.len() > k {
                let junk = approvers[0].clone();
                let outcome = sim.reveal(gid, &approvers[..=k], std::slice::from_ref(&junk));
                assert_eq!(outcome, Ok(true), "seed {seed}: a bad partial is skipped");
            }
        }
    }
}

//! Shamir/Feldman and redistribution, cross-checked: vsss-rs's interpolation against our own
//! Lagrange weights, and a naive polynomial evaluation against vsss-rs's shares.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::scalar::Scalar;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use super::*;

fn subset(rng: &mut rand::rngs::StdRng, n: u8, k: u8) -> Vec<u8> {
    let mut xs: Vec<u8> = (1..=n).collect();
    xs.shuffle(rng);
    xs.truncate(usize::from(k));
    xs
}

#[test]
fn any_k_shares_recover_the_secret_and_every_share_verifies() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    for (k, n) in [(1, 1), (2, 2), (2, 3), (3, 5), (4, 7), (5, 5)] {
        let secret = ShareValue::random();
        let (shares, commitments) = deal(&secret, k, n).unwrap();
        assert_eq!(commitments.threshold(), usize::from(k));
        assert_eq!(commitments.0[0], RISTRETTO_BASEPOINT_POINT * secret.0, "C_0 commits to the secret");
        for (i, share) in shares.iter().enumerate() {
            assert!(commitments.verify(i as u8 + 1, share), "share x={} verifies", i + 1);
            assert!(!commitments.verify(i as u8 + 2, share) || n == 1 || k == 1);
        }
        let xs = subset(&mut rng, n, k);
        let picked: Vec<(u8, &ShareValue)> = xs.iter().map(|&x| (x, &shares[usize::from(x) - 1])).collect();
        assert_eq!(combine(&picked).unwrap(), secret);
        if k > 1 {
            assert_ne!(combine(&picked[1..]).unwrap(), secret, "k - 1 shares give something else");
        }
    }
}

#[test]
fn a_tampered_share_fails_verification() {
    let secret = ShareValue::random();
    let (shares, commitments) = deal(&secret, 3, 5).unwrap();
    let bad = ShareValue(shares[1].0 + Scalar::ONE);
    assert!(!commitments.verify(2, &bad));
    assert!(!commitments.verify(0, &shares[0]), "x = 0 is never a share");
}

#[test]
fn our_lagrange_weights_match_vsss_interpolation() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    for _ in 0..20 {
        let k: u8 = rng.gen_range(2..=6);
        let n: u8 = rng.gen_range(k..=9);
        let secret = ShareValue::random();
        let (shares, _) = deal(&secret, k, n).unwrap();
        let xs = subset(&mut rng, n, k);
        let weights = lagrange_at_zero(&xs).unwrap();
        let ours: Scalar = xs.iter().zip(&weights).map(|(&x, w)| shares[usize::from(x) - 1].0 * w).sum();
        assert_eq!(ours, secret.0);
    }
    assert!(lagrange_at_zero(&[1, 1]).is_err());
    assert!(lagrange_at_zero(&[0, 2]).is_err());
}

#[test]
fn vsss_shares_match_a_naive_evaluation_of_the_committed_polynomial() {
    // Recover the coefficients' images from commitments and evaluate by hand at every x.
    let secret = ShareValue::random();
    let (shares, commitments) = deal(&secret, 3, 6).unwrap();
    for (i, share) in shares.iter().enumerate() {
        let x = Scalar::from(i as u64 + 1);
        let naive = commitments.0[0] + commitments.0[1] * x + commitments.0[2] * (x * x);
        assert_eq!(naive, RISTRETTO_BASEPOINT_POINT * share.0);
    }
}

/// Redistribution from (k, old x-values) to (k2, n2): every new share verifies against the
/// combined commitments and any k2 new shares give the original secret.
#[test]
fn redistribution_keeps_the_secret_without_reconstructing_it() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    for _ in 0..15 {
        let k: u8 = rng.gen_range(1..=4);
        let n: u8 = rng.gen_range(k.max(2)..=7);
        let k2: u8 = rng.gen_range(1..=4);
        let n2: u8 = rng.gen_range(k2.max(2)..=7);
        let secret = ShareValue::random();
        let (shares, old) = deal(&secret, k, n).unwrap();
        let dealers = subset(&mut rng, n, k);
        let mut dealings = Vec::new();
        for &x in &dealers {
            let (subs, sub_commitments) = deal(&shares[usize::from(x) - 1], k2, n2).unwrap();
            // The public check any device can make: the dealing commits to the dealer's share.
            assert_eq!(sub_commitments.0[0], old.eval(x));
            dealings.push((x, subs, sub_commitments));
        }
        let weights = lagrange_at_zero(&dealers).unwrap();
        let parts: Vec<&Commitments> = dealings.iter().map(|d| &d.2).collect();
        let new_commitments = Commitments::combine(&parts, &weights).unwrap();
        assert_eq!(new_commitments.0[0], old.0[0], "the same secret stays committed");
        let new_shares: Vec<ShareValue> = (0..usize::from(n2))
            .map(|j| {
                let subs: Vec<(u8, &ShareValue)> = dealings.iter().map(|(x, s, _)| (*x, &s[j])).collect();
                combine(&subs).unwrap()
            })
            .collect();
        for (j, share) in new_shares.iter().enumerate() {
            assert!(new_commitments.verify(j as u8 + 1, share));
        }
        let xs = subset(&mut rng, n2, k2);
        let picked: Vec<(u8, &ShareValue)> = xs.iter().map(|&x| (x, &new_shares[usize::from(x) - 1])).collect();
        assert_eq!(combine(&picked).unwrap(), secret);
        // An old share mixed with new ones gives nothing useful.
        if k2 >= 2 {
            let mut mixed = picked.clone();
            mixed[0] = (mixed[0].0, &shares[0]);
            assert_ne!(combine(&mixed).unwrap(), secret);
        }
    }
}

#[test]
fn encodings_are_canonical() {
    assert!(ShareValue::from_bytes(&[0xff; 32]).is_err(), "non-canonical scalar");
    assert!(ShareValue::from_bytes(&[1; 31]).is_err());
    let v = ShareValue::random();
    assert_eq!(ShareValue::from_bytes(&v.to_bytes().0).unwrap(), v);
    assert!(Commitments::from_wire(&[Bytes(vec![0xff; 32])]).is_err());
    assert!(Commitments::from_wire(&[]).is_err());
}

//! Joint-Feldman generations and threshold decryption, cross-checked against vsss-rs's own
//! interpolation of the (never otherwise assembled) scalar.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::*;
use crate::secrets::kem::{derive_key, encapsulate};
use crate::secrets::vss::{combine, deal};

/// A generation made by `dealers` dealers among n holders: (each holder's share, commitments).
fn joint_feldman(k: u8, n: u8, dealers: usize) -> (Vec<ShareValue>, Commitments, Vec<ShareValue>) {
    let mut constants = Vec::new();
    let mut sub_shares: Vec<Vec<ShareValue>> = (0..n).map(|_| Vec::new()).collect();
    let mut commitments = Vec::new();
    for _ in 0..dealers {
        let constant = ShareValue::random();
        let (values, c) = deal(&constant, k, n).unwrap();
        for (holder, value) in sub_shares.iter_mut().zip(values) {
            holder.push(value);
        }
        commitments.push(c);
        constants.push(constant);
    }
    let refs: Vec<&Commitments> = commitments.iter().collect();
    let summed = sum_commitments(&refs).unwrap();
    let shares = sub_shares.iter().map(|parts| sum_shares(&parts.iter().collect::<Vec<_>>())).collect();
    (shares, summed, constants)
}

#[test]
fn a_joint_feldman_generation_shares_the_sum_of_the_dealers_constants() {
    for (k, n) in [(1, 1), (2, 2), (2, 3), (3, 5), (5, 10)] {
        let (shares, commitments, constants) = joint_feldman(k, n, usize::from(k));
        for (i, share) in shares.iter().enumerate() {
            assert!(commitments.verify(i as u8 + 1, share), "holder {} checks its summed share", i + 1);
        }
        let x: Scalar = constants.iter().map(|c| c.0).sum();
        assert_eq!(commitments.0[0], RISTRETTO_BASEPOINT_POINT * x, "X is the sum of the constant terms");
        let picked: Vec<(u8, &ShareValue)> = (1..=k).map(|x| (x, &shares[usize::from(x) - 1])).collect();
        assert_eq!(combine(&picked).unwrap().0, x, "vsss-rs interpolates the same scalar");
    }
}

#[test]
fn any_k_verified_partials_open_the_encapsulation_and_k_minus_one_never_do() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(23);
    for (k, n) in [(2, 2), (2, 3), (3, 5), (4, 10), (7, 10)] {
        let (shares, commitments, _) = joint_feldman(k, n, usize::from(k));
        let public = commitments.0[0];
        let (r, key) = encapsulate(&public, &[b"vault", b"secret"]).unwrap();
        let context = b"claim";
        let partials: Vec<Partial> =
            shares.iter().enumerate().map(|(i, s)| partial(s, i as u8 + 1, &r, context)).collect();
        assert!(partials.iter().all(|p| verify_partial(&commitments, &r, p, context)));
        for _ in 0..5 {
            let mut chosen = partials.clone();
            chosen.shuffle(&mut rng);
            chosen.truncate(usize::from(k));
            let combined = combine_verified(&commitments, &r, &chosen, context).unwrap();
            assert!(combined.bad.is_empty());
            assert_eq!(*derive_key(&combined.shared, &r, &public, &[b"vault", b"secret"]), *key);
            // Independent check: vsss-rs interpolates the scalar from the same shares.
            let picked: Vec<(u8, &ShareValue)> = chosen.iter().map(|p| (p.x, &shares[usize::from(p.x) - 1])).collect();
            assert_eq!(combined.shared, r * combine(&picked).unwrap().0);
            let fewer = combine_verified(&commitments, &r, &chosen[1..], context);
            assert_eq!(fewer, Err((usize::from(k) - 1, vec![])), "k - 1 partials are not enough");
            if k > 1 {
                let wrong = interpolate(&chosen[1..].iter().map(|p| (p.x, p.point)).collect::<Vec<_>>()).unwrap();
                assert_ne!(wrong, combined.shared, "interpolating k - 1 gives another point");
            }
        }
    }
}

#[test]
fn a_bad_partial_is_named_and_skipped_never_a_wrong_key() {
    let (shares, commitments, _) = joint_feldman(2, 4, 2);
    let (r, key) = encapsulate(&commitments.0[0], &[]).unwrap();
    let ctx = b"claim";
    let good: Vec<Partial> = shares.iter().enumerate().map(|(i, s)| partial(s, i as u8 + 1, &r, ctx)).collect();
    // Holder 2 sends a point for another share with a proof of its own: refused.
    let mut forged = good[1];
    forged.point += RISTRETTO_BASEPOINT_POINT;
    // Holder 3 replays holder 1's partial under its x.
    let replayed = Partial { x: 3, ..good[0] };
    // A proof made for another claim does not verify on this one.
    let other_claim = partial(&shares[3], 4, &r, b"another claim");
    let combined = combine_verified(&commitments, &r, &[forged, replayed, other_claim, good[0], good[2]], ctx).unwrap();
    assert_eq!(combined.bad, vec![2, 3, 4]);
    assert_eq!(*derive_key(&combined.shared, &r, &commitments.0[0], &[]), *key);
    assert_eq!(combine_verified(&commitments, &r, &[forged, good[0]], ctx), Err((1, vec![2])));
}

#[test]
fn partials_round_trip_and_malformed_bytes_are_refused() {
    let (shares, commitments, _) = joint_feldman(2, 2, 2);
    let (r, _) = encapsulate(&commitments.0[0], &[]).unwrap();
    let p = partial(&shares[0], 1, &r, b"c");
    assert_eq!(Partial::from_bytes(&p.to_bytes()), Ok(p));
    let mut zero_x = p.to_bytes();
    zero_x[0] = 0;
    assert!(Partial::from_bytes(&zero_x).is_err());
    assert!(Partial::from_bytes(&p.to_bytes()[..PARTIAL_LEN - 1]).is_err());
    let mut bad_point = p.to_bytes();
    bad_point[1..33].fill(0xff);
    assert!(Partial::from_bytes(&bad_point).is_err());
}

/// Vectors from an independent implementation (libsodium's ristretto255 and Python's hashlib, in
/// `core/testdata/threshold_vectors.py`): proofs, KEM keys and the interpolated point, byte for byte.
mod independent_vectors {
    use super::*;
    use crate::secrets::dleq::{prove_dleq_with_nonce, prove_knowledge_with_nonce, verify_knowledge};
    use crate::secrets::kem::{decapsulate, encapsulate_with_scalar};
    use serde_json::Value;

    const VECTORS: &str = include_str!("../../testdata/threshold_vectors.json");

    fn bytes(v: &Value) -> Vec<u8> {
        hex::decode(v.as_str().unwrap()).unwrap()
    }
    fn scalar(v: &Value) -> Scalar {
        Scalar::from_canonical_bytes(bytes(v).try_into().unwrap()).unwrap()
    }
    fn point(v: &Value) -> RistrettoPoint {
        decode_point(&bytes(v)).unwrap()
    }
    fn all(name: &str) -> Vec<Value> {
        let vectors: Value = serde_json::from_str(VECTORS).unwrap();
        let cases = vectors[name].as_array().unwrap().clone();
        assert!(!cases.is_empty(), "{name} vectors present");
        cases
    }

    #[test]
    fn dleq_proofs_match_libsodium_byte_for_byte() {
        for case in all("dleq") {
            let (x, h, context) = (scalar(&case["x"]), point(&case["h"]), bytes(&case["context"]));
            let proof = prove_dleq_with_nonce(&x, &h, &context, &scalar(&case["nonce"]));
            assert_eq!(proof.to_bytes().to_vec(), bytes(&case["proof"]));
            assert_eq!(RistrettoPoint::mul_base(&x), point(&case["a"]));
            assert!(verify_dleq(&point(&case["a"]), &h, &point(&case["b"]), &context, &proof));
        }
    }

    #[test]
    fn schnorr_proofs_match_libsodium_byte_for_byte() {
        for case in all("schnorr") {
            let (x, context) = (scalar(&case["x"]), bytes(&case["context"]));
            let proof = prove_knowledge_with_nonce(&x, &context, &scalar(&case["nonce"]));
            assert_eq!(proof.to_bytes().to_vec(), bytes(&case["proof"]));
            assert!(verify_knowledge(&point(&case["a"]), &context, &proof));
        }
    }

    #[test]
    fn kem_keys_match_libsodium_and_python_hkdf() {
        for case in all("kem") {
            let context = bytes(&case["context"]);
            let parts: [&[u8]; 2] = [b"vault", &context];
            let (r, key) = encapsulate_with_scalar(&point(&case["public"]), &parts, &scalar(&case["r"])).unwrap();
            assert_eq!(r, point(&case["big_r"]));
            assert_eq!(key.to_vec(), bytes(&case["key"]));
        }
        // The first vector's public key is x·G for the first DLEQ vector's x.
        let x = scalar(&all("dleq")[0]["x"]);
        let case = &all("kem")[0];
        let context = bytes(&case["context"]);
        let key = decapsulate(&x, &point(&case["big_r"]), &[b"vault", &context]).unwrap();
        assert_eq!(key.to_vec(), bytes(&case["key"]));
    }

    #[test]
    fn interpolated_partials_match_libsodium() {
        for case in all("threshold") {
            let commitments = Commitments::from_wire(
                &case["commitments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| crate::encoding::Bytes(bytes(c)))
                    .collect::<Vec<_>>(),
            )
            .unwrap();
            let r = point(&case["big_r"]);
            let mut partials = Vec::new();
            for p in case["partials"].as_array().unwrap() {
                let x = p["x"].as_u64().unwrap() as u8;
                let share = ShareValue(scalar(&p["share"]));
                assert!(commitments.verify(x, &share), "the share is the committed polynomial's value");
                let made = partial(&share, x, &r, b"ctx");
                assert_eq!(made.point, point(&p["point"]));
                partials.push(made);
            }
            let combined = combine_verified(&commitments, &r, &partials, b"ctx").unwrap();
            assert_eq!(combined.shared, point(&case["combined"]));
        }
    }
}

//! Property tests of the Shamir envelope: the right sets recover, every bad set is an error.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::envelope::{combine, split, split_key, ShareEnvelope, ShareError};

fn subsets(n: usize) -> impl Iterator<Item = Vec<usize>> {
    (0u32..(1 << n)).map(move |mask| (0..n).filter(|i| mask & (1 << i) != 0).collect())
}

fn pick(envelopes: &[ShareEnvelope], indexes: &[usize]) -> Vec<ShareEnvelope> {
    indexes.iter().map(|&i| envelopes[i].clone()).collect()
}

#[test]
fn every_k_subset_recovers_and_every_smaller_subset_fails() {
    for n in 1..=6u8 {
        for k in 1..=n {
            let secret = format!("secret {k}-of-{n} ✓").into_bytes();
            let envelopes = split(&secret, "s", 1, k, n).unwrap();
            assert_eq!(envelopes.iter().map(|e| e.x).collect::<Vec<_>>(), (1..=n).collect::<Vec<_>>());
            for subset in subsets(n as usize) {
                let result = combine(&pick(&envelopes, &subset));
                match subset.len() {
                    0 => assert_eq!(result, Err(ShareError::Empty)),
                    len if len < k as usize => {
                        assert_eq!(result, Err(ShareError::Insufficient { needed: k, have: len }))
                    }
                    _ => assert_eq!(result.as_deref(), Ok(secret.as_slice()), "{k}-of-{n} {subset:?}"),
                }
            }
        }
    }
}

#[test]
fn thresholds_outside_one_to_n_are_refused() {
    assert_eq!(split(b"x", "s", 1, 0, 3), Err(ShareError::BadThreshold));
    assert_eq!(split(b"x", "s", 1, 4, 3), Err(ShareError::BadThreshold));
}

fn flip_somewhere(rng: &mut StdRng, envelope: &mut ShareEnvelope) {
    let bit = 1u8 << rng.gen_range(0..8);
    let flip = |bytes: &mut Vec<u8>, rng: &mut StdRng| {
        let i = rng.gen_range(0..bytes.len());
        bytes[i] ^= bit;
    };
    match rng.gen_range(0..8) {
        0 => envelope.x ^= bit,
        1 => flip(&mut envelope.share.0, rng),
        2 => flip(&mut envelope.nonce.0, rng),
        3 => flip(&mut envelope.ciphertext.0, rng),
        4 => envelope.k ^= bit,
        5 => envelope.n ^= bit,
        6 => envelope.version ^= u32::from(bit),
        _ => {
            let mut id = envelope.secret_id.clone().into_bytes();
            flip(&mut id, rng);
            envelope.secret_id = String::from_utf8_lossy(&id).into_owned();
        }
    }
}

/// Seeded adversarial cases; the count asserted at the end is the total across all attacks.
#[test]
fn bad_share_sets_are_errors_never_a_wrong_secret() {
    let mut rng = StdRng::seed_from_u64(0x5ec2e7);
    let rounds = 25_000;
    let mut cases = 0u32;
    for round in 0..rounds {
        let n = rng.gen_range(2..=7u8);
        let k = rng.gen_range(2..=n);
        let len = rng.gen_range(0..160);
        let secret: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
        let id = format!("id{}", round % 97);
        let version = rng.gen_range(1..1000u32);
        let envelopes = split(&secret, &id, version, k, n).unwrap();
        let mut chosen: Vec<usize> = (0..n as usize).collect();
        for i in (1..chosen.len()).rev() {
            chosen.swap(i, rng.gen_range(0..=i));
        }
        let exact = pick(&envelopes, &chosen[..k as usize]);
        assert_eq!(combine(&exact).as_deref(), Ok(secret.as_slice()));

        // Duplicate: k envelopes of which two are the same share.
        let mut duplicated = exact.clone();
        duplicated[0] = duplicated[(k - 1) as usize].clone();
        assert_eq!(combine(&duplicated), Err(ShareError::DuplicateX));
        cases += 1;

        // x = 0 forgery, in place of a real share or added to k - 1 real ones.
        let mut forged = exact.clone();
        let victim = rng.gen_range(0..k as usize);
        forged[victim].x = 0;
        if rng.gen() {
            forged[victim].share.0.iter_mut().for_each(|b| *b = rng.gen());
        }
        assert_eq!(combine(&forged), Err(ShareError::ZeroX));
        cases += 1;

        // One flipped bit anywhere in any one of exactly k envelopes.
        let mut flipped = exact.clone();
        let target = rng.gen_range(0..k as usize);
        flip_somewhere(&mut rng, &mut flipped[target]);
        assert!(combine(&flipped).is_err(), "flip accepted in round {round}");
        cases += 1;

        // Shares of another secret or of another version of this one.
        let other = if rng.gen() {
            split(&secret, &id, version + 1, k, n).unwrap()
        } else {
            split(&secret, &format!("{id}x"), version, k, n).unwrap()
        };
        let mut mixed = exact.clone();
        let slot = rng.gen_range(0..k as usize);
        mixed[slot] = other[chosen[slot]].clone();
        assert_eq!(combine(&mixed), Err(ShareError::Mixed));
        cases += 1;
    }
    assert!(cases >= 100_000, "only {cases} adversarial cases");
}

#[test]
fn text_of_any_length_with_multibyte_characters_round_trips() {
    let unit = "пароль🔑日本語é";
    for repeat in [0, 1, 3, 4, 5, 8, 16, 17, 64, 65, 300] {
        let text = unit.repeat(repeat);
        let envelopes = split(text.as_bytes(), "utf8", 1, 2, 3).unwrap();
        let back = combine(&envelopes[1..]).unwrap();
        assert_eq!(String::from_utf8(back).unwrap(), text);
    }
    for len in 0..=200usize {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 256) as u8).collect();
        let envelopes = split(&bytes, "bytes", 1, 3, 5).unwrap();
        assert_eq!(combine(&envelopes[2..]).unwrap(), bytes);
    }
}

/// RUSTSEC-2024-0398: `sharks` never drew 0 as a coefficient. With k = 2 and a known key,
/// y(1) = key ^ a (addition in GF(256) is xor), so every share reveals its coefficient.
#[test]
fn polynomial_coefficients_are_uniform_and_include_zero() {
    let key = [0x5au8; 32];
    let mut counts = [0u64; 256];
    for _ in 0..2_000 {
        let shares = split_key(&key, 2, 2);
        let first = Vec::from(&shares[0]);
        assert_eq!(first[0], 1, "first share has x = 1");
        for (y, k) in first[1..].iter().zip(key) {
            counts[(y ^ k) as usize] += 1;
        }
    }
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / 256.0;
    let chi_square: f64 = counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum();
    assert!(counts[0] > 0, "coefficient 0 never drawn: biased dealer");
    // 255 degrees of freedom: the 0.999 quantile is about 330.5.
    assert!(chi_square < 330.5, "chi-square {chi_square:.1} says the coefficients are not uniform");
}

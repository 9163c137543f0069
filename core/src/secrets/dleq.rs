//! Chaum–Pedersen proofs over ristretto255: that log_G(A) = log_H(B) (a partial decryption
//! `B = x_j·R` made with the share behind the public `A = x_j·G`, or a complaint's revealed
//! Diffie–Hellman point), and a Schnorr proof of knowledge of log_G(A) (a DKG dealer's constant
//! term, so no dealer can cancel another's). Non-interactive by Fiat–Shamir over SHA-512 with a
//! domain tag and a caller's context; every transcript part is length-prefixed.
//!
//! The prover's side is constant time on the secret (dalek's scalar arithmetic and
//! multiplications); verification handles public values only and uses variable-time sums.

use curve25519_dalek::constants::RISTRETTO_BASEPOINT_POINT;
use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use rand_core::{CryptoRng, OsRng, RngCore};
use sha2::{Digest, Sha512};
use zeroize::Zeroizing;

/// Wire size of a proof: challenge and response, 32 bytes each.
pub const PROOF_LEN: usize = 64;

const DLEQ_DOMAIN: &[u8] = b"meta-secret/dleq/v1";
const SCHNORR_DOMAIN: &[u8] = b"meta-secret/schnorr-pok/v1";

/// A non-interactive proof `(c, s)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proof {
    pub challenge: Scalar,
    pub response: Scalar,
}

impl Proof {
    pub fn to_bytes(&self) -> [u8; PROOF_LEN] {
        let mut out = [0u8; PROOF_LEN];
        out[..32].copy_from_slice(self.challenge.as_bytes());
        out[32..].copy_from_slice(self.response.as_bytes());
        out
    }

    /// Refuses non-canonical scalars, so a proof has one encoding.
    pub fn from_bytes(bytes: &[u8]) -> Option<Proof> {
        let bytes: &[u8; PROOF_LEN] = bytes.try_into().ok()?;
        let scalar = |part: &[u8]| -> Option<Scalar> {
            let array: [u8; 32] = part.try_into().ok()?;
            Option::from(Scalar::from_canonical_bytes(array))
        };
        Some(Proof { challenge: scalar(&bytes[..32])?, response: scalar(&bytes[32..])? })
    }
}

/// SHA-512 of a domain and length-prefixed parts, reduced to a scalar.
pub(crate) fn hash_to_scalar(domain: &[u8], parts: &[&[u8]]) -> Scalar {
    let mut hasher = Sha512::new();
    hasher.update((domain.len() as u64).to_be_bytes());
    hasher.update(domain);
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    Scalar::from_bytes_mod_order_wide(&hasher.finalize().into())
}

fn dleq_challenge(
    context: &[u8],
    h: &RistrettoPoint,
    a: &RistrettoPoint,
    b: &RistrettoPoint,
    t1: &RistrettoPoint,
    t2: &RistrettoPoint,
) -> Scalar {
    let points = [h, a, b, t1, t2].map(|p| p.compress().to_bytes());
    hash_to_scalar(DLEQ_DOMAIN, &[context, &points[0], &points[1], &points[2], &points[3], &points[4]])
}

/// Proves that `A = x·G` and `B = x·H` share the secret `x`.
pub fn prove_dleq(x: &Scalar, h: &RistrettoPoint, context: &[u8]) -> Proof {
    prove_dleq_with(x, h, context, &mut OsRng)
}

pub(crate) fn prove_dleq_with<R: RngCore + CryptoRng>(
    x: &Scalar,
    h: &RistrettoPoint,
    context: &[u8],
    rng: &mut R,
) -> Proof {
    let nonce = Zeroizing::new(Scalar::random(rng));
    prove_dleq_with_nonce(x, h, context, &nonce)
}

/// The proof for a given nonce: test vectors pin it; callers use a random nonce.
pub(crate) fn prove_dleq_with_nonce(x: &Scalar, h: &RistrettoPoint, context: &[u8], nonce: &Scalar) -> Proof {
    let a = RistrettoPoint::mul_base(x);
    let b = h * x;
    let t1 = RistrettoPoint::mul_base(nonce);
    let t2 = h * nonce;
    let challenge = dleq_challenge(context, h, &a, &b, &t1, &t2);
    Proof { challenge, response: nonce + challenge * x }
}

/// Checks `log_G(A) = log_H(B)`. Identity points are refused: they prove nothing.
pub fn verify_dleq(a: &RistrettoPoint, h: &RistrettoPoint, b: &RistrettoPoint, context: &[u8], proof: &Proof) -> bool {
    if a.is_identity() || h.is_identity() || b.is_identity() {
        return false;
    }
    let minus_c = -proof.challenge;
    let t1 = RistrettoPoint::vartime_multiscalar_mul([proof.response, minus_c], [RISTRETTO_BASEPOINT_POINT, *a]);
    let t2 = RistrettoPoint::vartime_multiscalar_mul([proof.response, minus_c], [*h, *b]);
    dleq_challenge(context, h, a, b, &t1, &t2) == proof.challenge
}

fn schnorr_challenge(context: &[u8], a: &RistrettoPoint, t: &RistrettoPoint) -> Scalar {
    hash_to_scalar(SCHNORR_DOMAIN, &[context, &a.compress().to_bytes(), &t.compress().to_bytes()])
}

/// Proves knowledge of `x` behind `A = x·G`.
pub fn prove_knowledge(x: &Scalar, context: &[u8]) -> Proof {
    let nonce = Zeroizing::new(Scalar::random(&mut OsRng));
    prove_knowledge_with_nonce(x, context, &nonce)
}

pub(crate) fn prove_knowledge_with_nonce(x: &Scalar, context: &[u8], nonce: &Scalar) -> Proof {
    let a = RistrettoPoint::mul_base(x);
    let t = RistrettoPoint::mul_base(nonce);
    let challenge = schnorr_challenge(context, &a, &t);
    Proof { challenge, response: nonce + challenge * x }
}

pub fn verify_knowledge(a: &RistrettoPoint, context: &[u8], proof: &Proof) -> bool {
    if a.is_identity() {
        return false;
    }
    let t =
        RistrettoPoint::vartime_multiscalar_mul([proof.response, -proof.challenge], [RISTRETTO_BASEPOINT_POINT, *a]);
    schnorr_challenge(context, a, &t) == proof.challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(seed: u64) -> RistrettoPoint {
        RistrettoPoint::mul_base(&Scalar::from(seed))
    }

    #[test]
    fn an_honest_dleq_proof_verifies_and_binds_every_input() {
        let x = Scalar::random(&mut OsRng);
        let h = point(7);
        let (a, b) = (RistrettoPoint::mul_base(&x), h * x);
        let proof = prove_dleq(&x, &h, b"ctx");
        assert!(verify_dleq(&a, &h, &b, b"ctx", &proof));
        assert!(!verify_dleq(&a, &h, &b, b"other ctx", &proof), "context is bound");
        assert!(!verify_dleq(&a, &h, &(b + point(1)), b"ctx", &proof), "a wrong partial fails");
        assert!(!verify_dleq(&point(3), &h, &b, b"ctx", &proof), "another public share fails");
        assert!(!verify_dleq(&a, &point(8), &b, b"ctx", &proof), "another base fails");
        let mut tampered = proof;
        tampered.response += Scalar::ONE;
        assert!(!verify_dleq(&a, &h, &b, b"ctx", &tampered));
        assert_eq!(Proof::from_bytes(&proof.to_bytes()), Some(proof));
    }

    #[test]
    fn a_dleq_proof_for_different_logarithms_cannot_be_made() {
        // An honest prover's equations with x for A but y for B never verify.
        let (x, y) = (Scalar::random(&mut OsRng), Scalar::random(&mut OsRng));
        let h = point(9);
        let proof = prove_dleq(&x, &h, b"c");
        assert!(!verify_dleq(&RistrettoPoint::mul_base(&x), &h, &(h * y), b"c", &proof));
    }

    #[test]
    fn identity_points_and_non_canonical_encodings_are_refused() {
        use curve25519_dalek::traits::Identity;
        let x = Scalar::ZERO;
        let h = point(2);
        let proof = prove_dleq(&x, &h, b"c");
        let zero = RistrettoPoint::identity();
        assert!(!verify_dleq(&zero, &h, &zero, b"c", &proof), "x = 0 proves nothing");
        assert!(!verify_knowledge(&zero, b"c", &prove_knowledge(&x, b"c")));
        assert_eq!(Proof::from_bytes(&[0xff; PROOF_LEN]), None);
        assert_eq!(Proof::from_bytes(&[0; 63]), None);
    }

    #[test]
    fn a_proof_of_knowledge_verifies_only_for_its_key_and_context() {
        let x = Scalar::random(&mut OsRng);
        let a = RistrettoPoint::mul_base(&x);
        let proof = prove_knowledge(&x, b"dealer 1");
        assert!(verify_knowledge(&a, b"dealer 1", &proof));
        assert!(!verify_knowledge(&a, b"dealer 2", &proof), "a proof cannot be replayed for another dealer");
        assert!(!verify_knowledge(&(a + point(1)), b"dealer 1", &proof));
    }
}

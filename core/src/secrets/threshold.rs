//! Threshold decryption of a generation's encapsulations and the joint-Feldman sum that makes a
//! generation. Nobody ever holds a generation's scalar x: a holder j proves its partial
//! `d_j = x_j·R` against its public share `X_j = Σ C_l·j^l` (Chaum–Pedersen), and the requester
//! interpolates `x·R = Σ λ_j d_j` in the exponent from k verified partials.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;

use super::dleq::{prove_dleq, verify_dleq, Proof, PROOF_LEN};
use super::kem::{decode_point, KemError};
use super::vss::{lagrange_at_zero, Commitments, ShareValue, VssError};

/// Wire size of a partial: x, the point, the proof.
pub const PARTIAL_LEN: usize = 1 + 32 + PROOF_LEN;

/// One holder's partial decryption of one encapsulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partial {
    pub x: u8,
    pub point: RistrettoPoint,
    pub proof: Proof,
}

impl Partial {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PARTIAL_LEN);
        out.push(self.x);
        out.extend_from_slice(&self.point.compress().to_bytes());
        out.extend_from_slice(&self.proof.to_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Partial, KemError> {
        if bytes.len() != PARTIAL_LEN || bytes[0] == 0 {
            return Err(KemError::BadPoint);
        }
        let point = decode_point(&bytes[1..33])?;
        let proof = Proof::from_bytes(&bytes[33..]).ok_or(KemError::BadPoint)?;
        Ok(Partial { x: bytes[0], point, proof })
    }
}

/// The holder's partial for `r`, which it must read from its own verified log (never from a
/// claim), with a proof bound to `context` (vault, secret, generation, claim).
pub fn partial(share: &ShareValue, x: u8, r: &RistrettoPoint, context: &[u8]) -> Partial {
    Partial { x, point: r * share.0, proof: prove_dleq(&share.0, r, context) }
}

/// True when `partial` is `x_j·R` for the share committed at its x.
pub fn verify_partial(commitments: &Commitments, r: &RistrettoPoint, partial: &Partial, context: &[u8]) -> bool {
    partial.x != 0 && verify_dleq(&commitments.eval(partial.x), r, &partial.point, context, &partial.proof)
}

/// `Σ λ_j d_j` over exactly k partials with distinct x: the shared point `x·R`.
pub fn interpolate(partials: &[(u8, RistrettoPoint)]) -> Result<RistrettoPoint, VssError> {
    let xs: Vec<u8> = partials.iter().map(|(x, _)| *x).collect();
    let weights = lagrange_at_zero(&xs)?;
    Ok(RistrettoPoint::vartime_multiscalar_mul(&weights, partials.iter().map(|(_, d)| *d)))
}

/// What combining a claim's partials gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combined {
    pub shared: RistrettoPoint,
    /// The x of partials whose proof failed (named and skipped).
    pub bad: Vec<u8>,
}

/// Verifies every partial, skips (and names) bad ones, and interpolates the first k good ones
/// with distinct x. Fails with the count of good partials when fewer than k.
pub fn combine_verified(
    commitments: &Commitments,
    r: &RistrettoPoint,
    partials: &[Partial],
    context: &[u8],
) -> Result<Combined, (usize, Vec<u8>)> {
    let k = commitments.threshold();
    let mut good: Vec<(u8, RistrettoPoint)> = Vec::with_capacity(k);
    let mut bad = Vec::new();
    for partial in partials {
        if good.iter().any(|(x, _)| *x == partial.x) {
            continue;
        }
        if verify_partial(commitments, r, partial, context) {
            if good.len() < k {
                good.push((partial.x, partial.point));
            }
        } else {
            bad.push(partial.x);
        }
    }
    if good.len() < k {
        return Err((good.len(), bad));
    }
    interpolate(&good).map(|shared| Combined { shared, bad: bad.clone() }).map_err(|_| (0, bad))
}

/// Joint-Feldman: the generation's commitments are the sum of the chosen dealings'.
pub fn sum_commitments(parts: &[&Commitments]) -> Result<Commitments, VssError> {
    Commitments::combine(parts, &vec![Scalar::ONE; parts.len()])
}

/// Joint-Feldman: a holder's share is the sum of its sub-shares from the chosen dealings.
pub fn sum_shares(parts: &[&ShareValue]) -> ShareValue {
    ShareValue(parts.iter().map(|p| p.0).sum())
}

#[cfg(test)]
#[path = "threshold_tests.rs"]
mod tests;

//! Verifiable secret sharing over the ristretto255 scalar field: Shamir with Feldman commitments
//! (vsss-rs over curve25519-dalek), plus the two small pieces of redistribution vsss-rs lacks:
//! evaluating commitments at a public x and Lagrange-combining commitment vectors.
//!
//! Shares are indexed x = 1..=n in the order of the holder list. Threshold 1 (a one-device vault)
//! is a constant polynomial, which vsss-rs refuses, so it is handled here.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::VartimeMultiscalarMul;
use rand_core::OsRng;
use vsss_rs::curve25519::{WrappedRistretto, WrappedScalar};
use vsss_rs::{feldman, DefaultShare, FeldmanVerifierSet, IdentifierPrimeField, ReadableShareSet, ValueGroup};
use zeroize::Zeroize;

use crate::encoding::Bytes;

type VsssShare = DefaultShare<IdentifierPrimeField<WrappedScalar>, IdentifierPrimeField<WrappedScalar>>;
type VsssVerifier = ValueGroup<WrappedRistretto>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VssError {
    #[error("threshold must satisfy 1 <= k <= n <= 255")]
    BadThreshold,
    #[error("a scalar or point is not canonically encoded")]
    Encoding,
    #[error("shares are missing, duplicated or have x = 0")]
    BadShareSet,
}

/// A share value; wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct ShareValue(pub Scalar);

impl Drop for ShareValue {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for ShareValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShareValue(..)")
    }
}

impl ShareValue {
    pub fn random() -> ShareValue {
        ShareValue(Scalar::random(&mut OsRng))
    }

    pub fn to_bytes(&self) -> Bytes {
        Bytes(self.0.to_bytes().to_vec())
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<ShareValue, VssError> {
        let mut array: [u8; 32] = bytes.try_into().map_err(|_| VssError::Encoding)?;
        let scalar = Option::<Scalar>::from(Scalar::from_canonical_bytes(array)).ok_or(VssError::Encoding);
        array.zeroize();
        scalar.map(ShareValue)
    }
}

/// Public Feldman commitments to a polynomial's coefficients: `C_j = a_j · G`, j = 0..k.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitments(pub Vec<RistrettoPoint>);

impl Commitments {
    pub fn threshold(&self) -> usize {
        self.0.len()
    }

    pub fn to_wire(&self) -> Vec<Bytes> {
        self.0.iter().map(|p| Bytes(p.compress().to_bytes().to_vec())).collect()
    }

    pub fn from_wire(points: &[Bytes]) -> Result<Commitments, VssError> {
        if points.is_empty() || points.len() > 255 {
            return Err(VssError::BadThreshold);
        }
        points
            .iter()
            .map(|p| {
                let compressed = CompressedRistretto::from_slice(&p.0).map_err(|_| VssError::Encoding)?;
                compressed.decompress().ok_or(VssError::Encoding)
            })
            .collect::<Result<_, _>>()
            .map(Commitments)
    }

    /// `Σ C_j · x^j`: the public image `f(x) · G` of the committed polynomial at x. Public
    /// values only, so variable time.
    pub fn eval(&self, x: u8) -> RistrettoPoint {
        let x = Scalar::from(u64::from(x));
        let mut powers = Vec::with_capacity(self.0.len());
        let mut power = Scalar::ONE;
        for _ in &self.0 {
            powers.push(power);
            power *= x;
        }
        RistrettoPoint::vartime_multiscalar_mul(&powers, &self.0)
    }

    /// True when `value` is the committed polynomial's value at x. The secret side uses the
    /// constant-time fixed-base multiplication.
    pub fn verify(&self, x: u8, value: &ShareValue) -> bool {
        x != 0 && RistrettoPoint::mul_base(&value.0) == self.eval(x)
    }

    /// The commitments of `Σ λ_i f_i` for dealings `f_i` weighted by `weights` (all of one length).
    pub fn combine(parts: &[&Commitments], weights: &[Scalar]) -> Result<Commitments, VssError> {
        let len = parts.first().map(|c| c.0.len()).ok_or(VssError::BadShareSet)?;
        if parts.len() != weights.len() || parts.iter().any(|c| c.0.len() != len) {
            return Err(VssError::BadShareSet);
        }
        let points = (0..len)
            .map(|j| {
                let column: Vec<RistrettoPoint> = parts.iter().map(|c| c.0[j]).collect();
                RistrettoPoint::vartime_multiscalar_mul(weights, &column)
            })
            .collect();
        Ok(Commitments(points))
    }
}

/// Shares `secret` k-of-n: the values for x = 1..=n and the commitments.
pub fn deal(secret: &ShareValue, k: u8, n: u8) -> Result<(Vec<ShareValue>, Commitments), VssError> {
    if k == 0 || k > n {
        return Err(VssError::BadThreshold);
    }
    if k == 1 {
        let commitment = Commitments(vec![RistrettoPoint::mul_base(&secret.0)]);
        return Ok(((0..n).map(|_| secret.clone()).collect(), commitment));
    }
    let value = IdentifierPrimeField(WrappedScalar(secret.0));
    let (mut shares, verifiers) =
        feldman::split_secret::<VsssShare, VsssVerifier>(usize::from(k), usize::from(n), &value, None, OsRng)
            .map_err(|_| VssError::BadThreshold)?;
    let verifiers = <Vec<VsssVerifier> as FeldmanVerifierSet<VsssShare, VsssVerifier>>::verifiers(&verifiers);
    let commitments = Commitments(verifiers.iter().map(|v| v.0 .0).collect());
    let values = shares.iter().map(|s| ShareValue(s.value.0 .0)).collect();
    shares.iter_mut().for_each(|s| s.value.0 .0.zeroize());
    Ok((values, commitments))
}

/// Interpolates the polynomial at 0 from shares `(x, value)` (exactly the threshold's count).
pub fn combine(shares: &[(u8, &ShareValue)]) -> Result<ShareValue, VssError> {
    match shares {
        [] => Err(VssError::BadShareSet),
        [(x, value)] if *x != 0 => Ok((*value).clone()),
        [_] => Err(VssError::BadShareSet),
        _ => {
            let mut set: Vec<VsssShare> = shares
                .iter()
                .map(|(x, v)| VsssShare {
                    identifier: IdentifierPrimeField(WrappedScalar(Scalar::from(u64::from(*x)))),
                    value: IdentifierPrimeField(WrappedScalar(v.0)),
                })
                .collect();
            let secret = set.combine().map_err(|_| VssError::BadShareSet);
            set.iter_mut().for_each(|s| s.value.0 .0.zeroize());
            secret.map(|s| ShareValue(s.0 .0))
        }
    }
}

/// Lagrange weights at 0 for the distinct, non-zero x-values `xs` (public values: variable time).
pub fn lagrange_at_zero(xs: &[u8]) -> Result<Vec<Scalar>, VssError> {
    let mut seen = std::collections::BTreeSet::new();
    if xs.is_empty() || xs.iter().any(|x| *x == 0 || !seen.insert(*x)) {
        return Err(VssError::BadShareSet);
    }
    Ok(xs
        .iter()
        .map(|&i| {
            let xi = Scalar::from(u64::from(i));
            let (num, den) = xs.iter().filter(|&&j| j != i).fold((Scalar::ONE, Scalar::ONE), |(num, den), &j| {
                let xj = Scalar::from(u64::from(j));
                (num * xj, den * (xj - xi))
            });
            num * den.invert()
        })
        .collect())
}

#[cfg(test)]
#[path = "vss_tests.rs"]
mod tests;

//! ElGamal key encapsulation on ristretto255: `R = r·G`, key = HKDF-SHA256(r·X) bound to R, X
//! and the caller's context. A secret's data key is encapsulated once to its generation's public
//! key X (the holders recover `x·R` by threshold decryption); a re-share's sub-share is sealed to a
//! target's per-epoch key the same way, so a complaint can reveal the one Diffie–Hellman point
//! of one part (with a DLEQ proof) and anyone can open exactly that part.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::IsIdentity;
use hkdf::Hkdf;
use rand_core::{CryptoRng, OsRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

const KEM_DOMAIN: &[u8] = b"meta-secret/kem/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KemError {
    #[error("a public key or encapsulation is not a valid, non-identity ristretto255 point")]
    BadPoint,
    /// Opaque on purpose: a wrong key and tampered bytes look the same.
    #[error("could not open sealed data")]
    Open,
}

/// A 32-byte symmetric key; wiped when dropped.
pub type DataKey = Zeroizing<[u8; 32]>;

pub fn decode_point(bytes: &[u8]) -> Result<RistrettoPoint, KemError> {
    let compressed = CompressedRistretto::from_slice(bytes).map_err(|_| KemError::BadPoint)?;
    let point = compressed.decompress().ok_or(KemError::BadPoint)?;
    if point.is_identity() {
        return Err(KemError::BadPoint);
    }
    Ok(point)
}

/// The key both sides derive from the shared point `r·X = x·R`.
pub fn derive_key(shared: &RistrettoPoint, r: &RistrettoPoint, public: &RistrettoPoint, context: &[&[u8]]) -> DataKey {
    let ikm = Zeroizing::new(shared.compress().to_bytes());
    let mut info = Vec::with_capacity(KEM_DOMAIN.len() + 80 + context.iter().map(|c| c.len() + 8).sum::<usize>());
    for part in
        [KEM_DOMAIN, &r.compress().to_bytes(), &public.compress().to_bytes()].into_iter().chain(context.iter().copied())
    {
        info.extend_from_slice(&(part.len() as u64).to_be_bytes());
        info.extend_from_slice(part);
    }
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is always a valid HKDF-SHA256 output length.
    let _ = Hkdf::<Sha256>::new(None, ikm.as_ref()).expand(&info, key.as_mut());
    key
}

/// A fresh encapsulation to `public`: `R` (public) and the data key.
pub fn encapsulate(public: &RistrettoPoint, context: &[&[u8]]) -> Result<(RistrettoPoint, DataKey), KemError> {
    encapsulate_with(public, context, &mut OsRng)
}

pub(crate) fn encapsulate_with<G: RngCore + CryptoRng>(
    public: &RistrettoPoint,
    context: &[&[u8]],
    rng: &mut G,
) -> Result<(RistrettoPoint, DataKey), KemError> {
    let r = Zeroizing::new(Scalar::random(rng));
    encapsulate_with_scalar(public, context, &r)
}

pub fn encapsulate_with_scalar(
    public: &RistrettoPoint,
    context: &[&[u8]],
    r: &Scalar,
) -> Result<(RistrettoPoint, DataKey), KemError> {
    if public.is_identity() {
        return Err(KemError::BadPoint);
    }
    let big_r = RistrettoPoint::mul_base(r);
    let shared = public * r;
    Ok((big_r, derive_key(&shared, &big_r, public, context)))
}

/// The data key for the holder of `secret` (the recipient of a sealed part; never a generation's
/// scalar, which nobody holds).
pub fn decapsulate(secret: &Scalar, r: &RistrettoPoint, context: &[&[u8]]) -> Result<DataKey, KemError> {
    if r.is_identity() {
        return Err(KemError::BadPoint);
    }
    let public = RistrettoPoint::mul_base(secret);
    Ok(derive_key(&(r * secret), r, &public, context))
}

fn aead(key: &DataKey) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(Key::from_slice(key.as_ref()))
}

/// The R a sealed part starts with.
pub fn sealed_r(sealed: &[u8]) -> Result<RistrettoPoint, KemError> {
    decode_point(sealed.get(..32).ok_or(KemError::Open)?)
}

fn context_bytes(context: &[&[u8]]) -> Vec<u8> {
    let mut out = b"meta-secret/sealed-r/v1".to_vec();
    for part in context {
        out.extend_from_slice(&(part.len() as u64).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// Seals `plaintext` to `public` with a Schnorr proof that the sealer knows r, bound to the
/// context: `R ‖ proof ‖ ChaCha20-Poly1305(key, nonce 0)`. A fresh r makes every key single-use, so
/// the fixed nonce never repeats under one key. Without it a sealer could copy someone else's R, and a revealed
/// `sk·R` (a complaint's evidence) would open that other part too.
pub fn seal_to_proven(public: &RistrettoPoint, context: &[&[u8]], plaintext: &[u8]) -> Result<Vec<u8>, KemError> {
    let r = Zeroizing::new(Scalar::random(&mut OsRng));
    let (big_r, key) = encapsulate_with_scalar(public, context, &r)?;
    let proof = super::dleq::prove_knowledge(&r, &context_bytes(context));
    let ciphertext = aead(&key)
        .encrypt(Nonce::from_slice(&[0u8; 12]), Payload { msg: plaintext, aad: &[] })
        .map_err(|_| KemError::Open)?;
    let mut sealed = Vec::with_capacity(32 + 64 + ciphertext.len());
    sealed.extend_from_slice(&big_r.compress().to_bytes());
    sealed.extend_from_slice(&proof.to_bytes());
    sealed.extend_from_slice(&ciphertext);
    Ok(sealed)
}

/// True when a proven part's R comes with a valid proof for `context`.
pub fn verify_proven(sealed: &[u8], context: &[&[u8]]) -> bool {
    let (Ok(r), Some(proof)) = (sealed_r(sealed), sealed.get(32..96).and_then(super::dleq::Proof::from_bytes)) else {
        return false;
    };
    super::dleq::verify_knowledge(&r, &context_bytes(context), &proof)
}

fn proven_ciphertext(sealed: &[u8]) -> Result<&[u8], KemError> {
    sealed.get(96..).ok_or(KemError::Open)
}

fn open_ciphertext(key: &DataKey, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, KemError> {
    aead(key)
        .decrypt(Nonce::from_slice(&[0u8; 12]), Payload { msg: ciphertext, aad: &[] })
        .map(Zeroizing::new)
        .map_err(|_| KemError::Open)
}

/// Opens a proven part sealed to `secret·G`.
pub fn open_proven_from(secret: &Scalar, context: &[&[u8]], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, KemError> {
    let r = sealed_r(sealed)?;
    open_ciphertext(&decapsulate(secret, &r, context)?, proven_ciphertext(sealed)?)
}

/// Opens a proven part with its revealed shared point (a complaint's evidence).
pub fn open_proven_with_shared(
    shared: &RistrettoPoint,
    public: &RistrettoPoint,
    context: &[&[u8]],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KemError> {
    let r = sealed_r(sealed)?;
    open_ciphertext(&derive_key(shared, &r, public, context), proven_ciphertext(sealed)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recipient_and_the_threshold_combination_derive_the_same_key() {
        let x = Scalar::random(&mut OsRng);
        let public = RistrettoPoint::mul_base(&x);
        let (r, key) = encapsulate(&public, &[b"vault", b"secret"]).unwrap();
        assert_eq!(*decapsulate(&x, &r, &[b"vault", b"secret"]).unwrap(), *key);
        assert_eq!(*derive_key(&(r * x), &r, &public, &[b"vault", b"secret"]), *key);
        assert_ne!(*decapsulate(&x, &r, &[b"vault", b"other"]).unwrap(), *key, "the context is bound");
        assert_ne!(*decapsulate(&(x + Scalar::ONE), &r, &[b"vault", b"secret"]).unwrap(), *key);
    }

    #[test]
    fn sealed_parts_open_for_their_recipient_or_with_the_proved_shared_point_only() {
        let x = Scalar::random(&mut OsRng);
        let public = RistrettoPoint::mul_base(&x);
        let sealed = seal_to_proven(&public, &[b"round"], b"sub-share").unwrap();
        assert_eq!(open_proven_from(&x, &[b"round"], &sealed).unwrap().as_slice(), b"sub-share");
        let r = sealed_r(&sealed).unwrap();
        let opened = open_proven_with_shared(&(r * x), &public, &[b"round"], &sealed).unwrap();
        assert_eq!(opened.as_slice(), b"sub-share");
        assert_eq!(open_proven_from(&Scalar::random(&mut OsRng), &[b"round"], &sealed), Err(KemError::Open));
        assert_eq!(open_proven_from(&x, &[b"other round"], &sealed), Err(KemError::Open));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(open_proven_from(&x, &[b"round"], &tampered), Err(KemError::Open));
        assert_eq!(open_proven_from(&x, &[b"round"], &sealed[..100]), Err(KemError::Open));
    }

    #[test]
    fn a_proven_part_carries_a_proof_for_its_own_r_and_context_only() {
        let x = Scalar::random(&mut OsRng);
        let public = RistrettoPoint::mul_base(&x);
        let sealed = seal_to_proven(&public, &[b"round", b"dealer a"], b"sub-share").unwrap();
        assert!(verify_proven(&sealed, &[b"round", b"dealer a"]));
        assert!(!verify_proven(&sealed, &[b"round", b"dealer b"]), "a copied R fails in another context");
        assert_eq!(open_proven_from(&x, &[b"round", b"dealer a"], &sealed).unwrap().as_slice(), b"sub-share");
        let r = sealed_r(&sealed).unwrap();
        let opened = open_proven_with_shared(&(r * x), &public, &[b"round", b"dealer a"], &sealed).unwrap();
        assert_eq!(opened.as_slice(), b"sub-share");
        // Someone else's R with a proof made for another r does not verify.
        let mut copied = seal_to_proven(&public, &[b"round", b"dealer b"], b"junk").unwrap();
        copied[..32].copy_from_slice(&sealed[..32]);
        assert!(!verify_proven(&copied, &[b"round", b"dealer b"]));
    }

    #[test]
    fn identity_and_malformed_points_are_refused() {
        use curve25519_dalek::traits::Identity;
        assert_eq!(encapsulate(&RistrettoPoint::identity(), &[]).err(), Some(KemError::BadPoint));
        assert_eq!(decode_point(&[0u8; 32]).err(), Some(KemError::BadPoint), "the identity");
        assert_eq!(decode_point(&[0xffu8; 32]).err(), Some(KemError::BadPoint), "not canonical");
        assert_eq!(decode_point(&[1u8; 31]).err(), Some(KemError::BadPoint));
        assert!(decapsulate(&Scalar::ONE, &RistrettoPoint::identity(), &[]).is_err());
    }
}

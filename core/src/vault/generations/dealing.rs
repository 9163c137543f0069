//! Dealings: the message, its public checks and fold, and the dealer's and target's sides.

use curve25519_dalek::ristretto::RistrettoPoint;
use curve25519_dalek::scalar::Scalar;
use serde::{Deserialize, Serialize};

use super::parts::{root_of, seal_root, verify_path, AttachedPart};
use super::{DealingRecord, GenerationId, Generations, Membership, RoundKind, GENERATION_FORMAT};
use crate::encoding::{Bytes, Hash32};
use crate::identity::DeviceId;
use crate::secrets::dleq::{prove_knowledge, verify_knowledge, Proof};
use crate::secrets::kem::{self, KemError};
use crate::secrets::vss::{self, Commitments, ShareValue};
use crate::vault::RuleViolation;

/// A sealed part: R, the proof that the dealer knows r, the 32-byte sub-share and the 32-byte names
/// key, the tag.
pub const PART_LEN: usize = 32 + 64 + 64 + 16;

/// One dealer's contribution to a generation's round. Target j's part is its sub-share `f(j + 1)`,
/// sealed to the receive key the round recorded for it; the signature covers only the parts'
/// Merkle root, and each device receives its own part (see [`super::parts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationDealing {
    pub format: u16,
    pub generation: GenerationId,
    /// The epoch dealt from: 0 in a DKG, else the generation's current epoch.
    pub epoch: u32,
    pub commitments: Vec<Bytes>,
    /// DKG only: a proof of knowledge of the constant term, so no dealer can cancel another's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof: Option<Bytes>,
    /// Hash of the generation's names key that every part carries: the dealer's fresh one in a
    /// DKG (the first chosen dealing's becomes the generation's), the generation's in a re-share.
    pub names_check: Hash32,
    /// The Merkle root over every target's part, in target order.
    pub parts_root: Hash32,
    /// Not signed: every part as pushed and stored by the server; the one addressed to the reader
    /// as a device receives it; none for a device the dealing was not for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<AttachedPart>,
}

impl GenerationDealing {
    /// The part addressed to `target`, if it travelled with the dealing.
    pub fn part_for(&self, target: &DeviceId) -> Option<&AttachedPart> {
        self.parts.iter().find(|p| &p.target == target)
    }

    /// The dealing as signed: everything but the parts.
    pub fn without_parts(&self) -> GenerationDealing {
        GenerationDealing {
            format: self.format,
            generation: self.generation,
            epoch: self.epoch,
            commitments: self.commitments.clone(),
            proof: self.proof.clone(),
            names_check: self.names_check,
            parts_root: self.parts_root,
            parts: Vec::new(),
        }
    }
}

/// A holder's share of one epoch of a generation, with the generation's names key (every holder
/// reads the secrets' names; only k of them together read a value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyShare {
    pub generation: GenerationId,
    pub epoch: u32,
    pub x: u8,
    pub value: ShareValue,
    pub names_key: NamesKey,
}

/// A generation's names key; wiped when dropped.
pub type NamesKey = zeroize::Zeroizing<[u8; 32]>;

pub fn names_check(key: &[u8; 32]) -> Hash32 {
    Hash32::digest(&[b"meta-secret/names-key/v1", key])
}

/// What a part's encryption is bound to: the vault, the generation and epoch, dealer and target.
pub fn part_context(
    vault: &str,
    generation: GenerationId,
    epoch: u32,
    dealer: &DeviceId,
    target: &DeviceId,
) -> Vec<Vec<u8>> {
    vec![
        b"meta-secret/generation-part/v1".to_vec(),
        vault.as_bytes().to_vec(),
        vec![generation.level],
        generation.number.to_be_bytes().to_vec(),
        epoch.to_be_bytes().to_vec(),
        dealer.as_str().as_bytes().to_vec(),
        target.as_str().as_bytes().to_vec(),
    ]
}

fn pok_context(vault: &str, generation: GenerationId, dealer: &DeviceId) -> Vec<u8> {
    let mut context = b"meta-secret/dkg-constant/v1/".to_vec();
    context.extend_from_slice(vault.as_bytes());
    context.push(0);
    context.push(generation.level);
    context.extend_from_slice(&generation.number.to_be_bytes());
    context.extend_from_slice(dealer.as_str().as_bytes());
    context
}

pub(super) fn refs(context: &[Vec<u8>]) -> Vec<&[u8]> {
    context.iter().map(|c| c.as_slice()).collect()
}

impl Generations {
    pub fn check_dealing(
        &self,
        author: &DeviceId,
        dealing: &GenerationDealing,
        members: &dyn Membership,
    ) -> Result<(), RuleViolation> {
        let bad = RuleViolation::InvalidSecret;
        if dealing.format != GENERATION_FORMAT {
            return Err(bad("unknown generation format"));
        }
        let generation = self.generations.get(&dealing.generation).ok_or(RuleViolation::UnknownSecret)?;
        let round = generation.round.as_ref().ok_or(RuleViolation::NoRound)?;
        if dealing.epoch != generation.epoch {
            return Err(RuleViolation::StaleEpoch);
        }
        let dealer_x = match round.kind {
            RoundKind::Dkg if round.targets.contains(author) => 0,
            RoundKind::Dkg => return Err(RuleViolation::NoShare),
            RoundKind::Reshare if generation.faulty.contains(author) => return Err(RuleViolation::NoShare),
            RoundKind::Reshare => *generation.holders.get(author).ok_or(RuleViolation::NoShare)?,
        };
        if !members.is_member(author) || self.cheaters.contains(author) {
            return Err(RuleViolation::NoShare);
        }
        if round.dealings.iter().any(|d| &d.dealer == author) {
            return Err(RuleViolation::AlreadyResponded);
        }
        // Shares reach a device no person dealt to only from dealers who approved it.
        let trusted = self.trusted_for(dealing.generation.level);
        let allowed = |t: &DeviceId| t == author || trusted.contains(t) || members.approved(author, t);
        if !round.targets.iter().all(allowed) {
            return Err(RuleViolation::NotApprovedByDealer);
        }
        // The parts that travel with the dealing must be the ones its root signs, each at its
        // target's place: the server (which takes in only whole dealings) has every one, bare, and
        // rebuilds the tree; a device has its own, with its path.
        let count = round.targets.len();
        let mut previous: Option<u8> = None;
        for part in &dealing.parts {
            let placed = round.targets.get(usize::from(part.index)) == Some(&part.target);
            if !placed || previous.is_some_and(|p| part.index <= p) || part.part.0.len() != PART_LEN {
                return Err(bad("a part is not addressed to its target's place"));
            }
            previous = Some(part.index);
        }
        let signed = match dealing.parts.len() == count {
            true => {
                dealing.parts.iter().all(|p| p.path.is_empty()) && root_of(&dealing.parts) == Some(dealing.parts_root)
            }
            false => dealing.parts.iter().all(|part| verify_path(&dealing.parts_root, count, part)),
        };
        if !signed {
            return Err(bad("a part is not one the dealing's root signs"));
        }
        // Each part's R is the dealer's own: otherwise a complaint's revealed point could open
        // another dealer's part that the copied R belongs to. Checked by whoever has every part
        // (the server on push); a target checks its own when it opens it, and proves a bad one.
        if dealing.parts.len() == count {
            let fresh = dealing.parts.iter().all(|part| {
                let context =
                    part_context(self.vault.as_str(), dealing.generation, dealing.epoch, author, &part.target);
                kem::verify_proven(&part.part.0, &refs(&context))
            });
            if !fresh {
                return Err(bad("a part's encapsulation is not the dealer's own"));
            }
        }
        let commitments = Commitments::from_wire(&dealing.commitments).map_err(|_| bad("commitments do not parse"))?;
        if commitments.threshold() != usize::from(round.new_k) {
            return Err(bad("a dealing must have one commitment per coefficient of the new threshold"));
        }
        match round.kind {
            RoundKind::Reshare if Some(dealing.names_check) != generation.names_check => {
                return Err(bad("a re-share must carry the generation's names key"));
            }
            RoundKind::Reshare => {
                let epoch = Commitments::from_wire(&generation.commitments).map_err(|_| bad("stored commitments"))?;
                if commitments.0[0] != epoch.eval(dealer_x) {
                    return Err(bad("the dealing does not re-share the dealer's own share"));
                }
            }
            RoundKind::Dkg => {
                let proof = dealing.proof.as_ref().and_then(|p| Proof::from_bytes(&p.0)).ok_or(bad("no proof"))?;
                let context = pok_context(self.vault.as_str(), dealing.generation, author);
                if !verify_knowledge(&commitments.0[0], &context, &proof) {
                    return Err(bad("the proof of the dealer's constant term does not verify"));
                }
            }
        }
        Ok(())
    }

    pub fn fold_dealing(&mut self, seq: u64, author: &DeviceId, dealing: &GenerationDealing) {
        let Some(generation) = self.generations.get_mut(&dealing.generation) else { return };
        let dealer_x = generation.holders.get(author).copied().unwrap_or(0);
        let Some(round) = generation.round.as_mut() else { return };
        let dealer_x = if round.kind == RoundKind::Dkg { 0 } else { dealer_x };
        round.dealings.push(DealingRecord {
            dealer: author.clone(),
            dealer_x,
            seq,
            commitments: dealing.commitments.clone(),
            names_check: dealing.names_check,
            parts_root: dealing.parts_root,
            disqualified: false,
        });
    }
}

fn seal_parts(
    gens: &Generations,
    id: GenerationId,
    epoch: u32,
    me: &DeviceId,
    values: &[ShareValue],
    names_key: &[u8; 32],
) -> Result<(Hash32, Vec<AttachedPart>), RuleViolation> {
    let round = gens.generations.get(&id).and_then(|g| g.round.as_ref()).ok_or(RuleViolation::NoRound)?;
    let sealed: Vec<Bytes> = round
        .targets
        .iter()
        .zip(&round.target_keys)
        .zip(values)
        .map(|((target, key), value)| {
            let key = kem::decode_point(&key.0).map_err(|_| RuleViolation::InvalidSecret("bad receive key"))?;
            let context = part_context(gens.vault.as_str(), id, epoch, me, target);
            let mut plain = zeroize::Zeroizing::new([0u8; 64]);
            plain[..32].copy_from_slice(value.0.as_bytes());
            plain[32..].copy_from_slice(names_key);
            kem::seal_to_proven(&key, &refs(&context), plain.as_ref())
                .map(Bytes)
                .map_err(|_| RuleViolation::InvalidSecret("bad receive key"))
        })
        .collect::<Result<_, _>>()?;
    seal_root(&round.targets, sealed).ok_or(RuleViolation::InvalidSecret("a round needs 1 to 255 targets"))
}

/// My DKG dealing: a random polynomial of the round's threshold, its constant term proven.
pub fn deal_dkg(gens: &Generations, id: GenerationId, me: &DeviceId) -> Result<GenerationDealing, RuleViolation> {
    let round = gens.generations.get(&id).and_then(|g| g.round.as_ref()).ok_or(RuleViolation::NoRound)?;
    let n = u8::try_from(round.targets.len()).map_err(|_| RuleViolation::InvalidSecret("too many targets"))?;
    let constant = ShareValue::random();
    let (values, commitments) =
        vss::deal(&constant, round.new_k, n).map_err(|_| RuleViolation::InvalidSecret("bad threshold"))?;
    let proof = prove_knowledge(&constant.0, &pok_context(gens.vault.as_str(), id, me));
    drop(constant);
    let mut names_key = zeroize::Zeroizing::new([0u8; 32]);
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, names_key.as_mut());
    let (parts_root, parts) = seal_parts(gens, id, 0, me, &values, &names_key)?;
    Ok(GenerationDealing {
        format: GENERATION_FORMAT,
        generation: id,
        epoch: 0,
        commitments: commitments.to_wire(),
        proof: Some(Bytes(proof.to_bytes().to_vec())),
        names_check: names_check(&names_key),
        parts_root,
        parts,
    })
}

/// My re-share dealing: a fresh polynomial whose constant term is my share.
pub fn deal_reshare(gens: &Generations, share: &MyShare, me: &DeviceId) -> Result<GenerationDealing, RuleViolation> {
    let generation = gens.generations.get(&share.generation).ok_or(RuleViolation::UnknownSecret)?;
    let round = generation.round.as_ref().ok_or(RuleViolation::NoRound)?;
    if share.epoch != generation.epoch {
        return Err(RuleViolation::StaleEpoch);
    }
    let n = u8::try_from(round.targets.len()).map_err(|_| RuleViolation::InvalidSecret("too many targets"))?;
    let (values, commitments) =
        vss::deal(&share.value, round.new_k, n).map_err(|_| RuleViolation::InvalidSecret("bad threshold"))?;
    let (parts_root, parts) = seal_parts(gens, share.generation, share.epoch, me, &values, &share.names_key)?;
    Ok(GenerationDealing {
        format: GENERATION_FORMAT,
        generation: share.generation,
        epoch: share.epoch,
        commitments: commitments.to_wire(),
        proof: None,
        names_check: names_check(&share.names_key),
        parts_root,
        parts,
    })
}

/// What a target finds in its part: its sub-share and the names key.
pub struct OpenedPart {
    pub value: ShareValue,
    pub names_key: NamesKey,
}

/// Opens my part of a dealing (as it travelled with the dealing, its path already checked) with
/// my receive secret and checks it: the dealer's proof of its R, then the sub-share against the
/// dealing's commitments and names check. `Err` means: complain.
pub fn open_part(
    vault: &str,
    id: GenerationId,
    dealing: &GenerationDealing,
    dealer: &DeviceId,
    me: &DeviceId,
    part: &AttachedPart,
    receive_secret: &Scalar,
) -> Result<OpenedPart, KemError> {
    let context = part_context(vault, id, dealing.epoch, dealer, &part.target);
    if &part.target != me || !kem::verify_proven(&part.part.0, &refs(&context)) {
        return Err(KemError::Open);
    }
    let plain = kem::open_proven_from(receive_secret, &refs(&context), &part.part.0)?;
    check_sub_share(&dealing.commitments, &dealing.names_check, usize::from(part.index), &plain)
}

/// A part's plaintext must be a canonical scalar matching the commitments at the target's x,
/// then the names key the dealing's check names.
pub(super) fn check_sub_share(
    commitments: &[Bytes],
    check: &Hash32,
    index: usize,
    plain: &[u8],
) -> Result<OpenedPart, KemError> {
    if plain.len() != 64 {
        return Err(KemError::Open);
    }
    let value = ShareValue::from_bytes(&plain[..32]).map_err(|_| KemError::Open)?;
    let commitments = Commitments::from_wire(commitments).map_err(|_| KemError::Open)?;
    let x = u8::try_from(index + 1).map_err(|_| KemError::Open)?;
    let mut names_key = zeroize::Zeroizing::new([0u8; 32]);
    names_key.copy_from_slice(&plain[32..]);
    let good = commitments.verify(x, &value) && names_check(&names_key) == *check;
    good.then_some(OpenedPart { value, names_key }).ok_or(KemError::Open)
}

/// My share of the epoch the round makes, from my sub-shares of the chosen dealings (in the
/// chosen order): their sum (DKG) or their Lagrange combination at the dealers' old x.
pub fn combine_sub_shares(kind: RoundKind, chosen: &[(u8, ShareValue)]) -> Result<ShareValue, RuleViolation> {
    match kind {
        RoundKind::Dkg => Ok(ShareValue(chosen.iter().map(|(_, v)| v.0).sum())),
        RoundKind::Reshare => {
            let points: Vec<(u8, &ShareValue)> = chosen.iter().map(|(x, v)| (*x, v)).collect();
            vss::combine(&points).map_err(|_| RuleViolation::InvalidSecret("bad share set"))
        }
    }
}

/// A fresh receive key pair: the secret stays on the device until its rounds completed.
pub fn new_receive_key() -> (Scalar, Bytes) {
    let secret = Scalar::random(&mut rand_core::OsRng);
    (secret, Bytes(RistrettoPoint::mul_base(&secret).compress().to_bytes().to_vec()))
}

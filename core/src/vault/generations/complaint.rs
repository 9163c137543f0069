//! Accountable complaints. The complainer reveals the Diffie–Hellman point of its part of one
//! dealing (`sk·R`, with a DLEQ proof against its round receive key), which opens exactly that
//! part and nothing else of its: anyone (the server, every device) then decides. A part that
//! does not open or does not match the dealing's commitments disqualifies the dealer; a part that
//! checks out proves the complaint false, and its author's later complaints are refused.

use curve25519_dalek::scalar::Scalar;
use serde::{Deserialize, Serialize};

use super::dealing::{check_sub_share, part_context, refs};
use super::parts::{verify_path, AttachedPart};
use super::{DealingRecord, Generation, GenerationId, Generations, Membership, Round, RoundKind};
use crate::encoding::{Bytes, Hash32};
use crate::identity::DeviceId;
use crate::secrets::dleq::{prove_dleq, verify_dleq, Proof};
use crate::secrets::kem;
use crate::vault::RuleViolation;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenerationComplaint {
    pub generation: GenerationId,
    pub dealing_seq: u64,
    /// The disputed part, as the dealing carried it, and its path to the dealing's signed root.
    pub part: Bytes,
    pub path: Vec<Hash32>,
    /// `sk·R` for the part's R and the complainer's round receive key `sk·G`.
    pub shared: Bytes,
    pub proof: Bytes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComplaintVerdict {
    DealerAtFault,
    FalseComplaint,
}

fn proof_context(vault: &str, generation: GenerationId, dealing_seq: u64, author: &DeviceId) -> Vec<u8> {
    let mut context = b"meta-secret/generation-complaint/v1/".to_vec();
    context.extend_from_slice(vault.as_bytes());
    context.push(0);
    context.push(generation.level);
    context.extend_from_slice(&generation.number.to_be_bytes());
    context.extend_from_slice(&dealing_seq.to_be_bytes());
    context.extend_from_slice(author.as_str().as_bytes());
    context
}

struct Disputed<'a> {
    dealing: &'a DealingRecord,
    index: usize,
    /// How many targets the dealing dealt to.
    count: usize,
    key: &'a Bytes,
    /// The epoch the dealing was dealt from.
    epoch: u32,
}

/// The dealing a complaint names: a live one of the open round, or (a late check) one the
/// current epoch was made from, by a holder not yet shown faulty.
fn disputed<'a>(generation: &'a Generation, author: &DeviceId, seq: u64) -> Option<Disputed<'a>> {
    if let Some(round) = &generation.round {
        if let Some(dealing) = round.dealings.iter().find(|d| d.seq == seq && !d.disqualified) {
            let index = round.targets.iter().position(|t| t == author)?;
            let (key, count) = (round.target_keys.get(index)?, round.targets.len());
            return Some(Disputed { dealing, index, count, key, epoch: generation.epoch });
        }
    }
    let made_by = generation.made_by.as_ref()?;
    let dealing = made_by.chosen.iter().find(|d| d.seq == seq)?;
    if generation.faulty.contains(author) {
        return None;
    }
    let index = usize::from(*generation.holders.get(author)?) - 1;
    let (key, count) = (made_by.target_keys.get(index)?, made_by.target_keys.len());
    Some(Disputed { dealing, index, count, key, epoch: generation.epoch.checked_sub(1)? })
}

/// Checks a complaint's evidence and says who is at fault. `Err`: the complaint proves nothing
/// (or its author was already proven to complain falsely) and is refused.
pub fn verify_complaint(
    gens: &Generations,
    author: &DeviceId,
    complaint: &GenerationComplaint,
    members: &dyn Membership,
) -> Result<ComplaintVerdict, RuleViolation> {
    let bad = RuleViolation::InvalidSecret;
    if gens.false_accusers.contains(author) {
        return Err(bad("this member's complaints proved false before and are ignored"));
    }
    if !members.is_member(author) {
        return Err(RuleViolation::NoShare);
    }
    let generation = gens.generations.get(&complaint.generation).ok_or(RuleViolation::UnknownSecret)?;
    let disputed =
        disputed(generation, author, complaint.dealing_seq).ok_or(bad("no such dealing to complain about"))?;
    let Disputed { dealing, index, count, key, epoch } = disputed;
    let addressed = AttachedPart {
        index: u8::try_from(index).map_err(|_| bad("no such target"))?,
        target: author.clone(),
        part: complaint.part.clone(),
        path: complaint.path.clone(),
    };
    if !verify_path(&dealing.parts_root, count, &addressed) {
        return Err(bad("the part is not the one the dealing carried"));
    }
    let part_ctx = part_context(gens.vault.as_str(), complaint.generation, epoch, &dealing.dealer, author);
    let refs = refs(&part_ctx);
    // A part without a valid R or without the dealer's proof of it is the dealer's fault on its
    // face (the signed root names it); nothing of the complainer's is revealed.
    if !kem::verify_proven(&complaint.part.0, &refs) {
        return Ok(ComplaintVerdict::DealerAtFault);
    }
    let Ok(r) = kem::sealed_r(&complaint.part.0) else { return Ok(ComplaintVerdict::DealerAtFault) };
    let key = kem::decode_point(&key.0).map_err(|_| bad("stored receive key"))?;
    let shared = kem::decode_point(&complaint.shared.0).map_err(|_| bad("the revealed point does not parse"))?;
    let proof = Proof::from_bytes(&complaint.proof.0).ok_or(bad("the proof does not parse"))?;
    let context = proof_context(gens.vault.as_str(), complaint.generation, complaint.dealing_seq, author);
    if !verify_dleq(&key, &r, &shared, &context, &proof) {
        return Err(bad("the revealed point is not proven"));
    }
    let Ok(plain) = kem::open_proven_with_shared(&shared, &key, &refs, &complaint.part.0) else {
        return Ok(ComplaintVerdict::DealerAtFault);
    };
    Ok(match check_sub_share(&dealing.commitments, &dealing.names_check, index, &plain) {
        Ok(_) => ComplaintVerdict::FalseComplaint,
        Err(_) => ComplaintVerdict::DealerAtFault,
    })
}

impl Generations {
    /// Folds a complaint `verify_complaint` accepted.
    pub fn fold_complaint(&mut self, author: &DeviceId, complaint: &GenerationComplaint, verdict: ComplaintVerdict) {
        match verdict {
            ComplaintVerdict::FalseComplaint => {
                self.false_accusers.insert(author.clone());
            }
            ComplaintVerdict::DealerAtFault => {
                let keys = self.receive_keys.clone();
                let Some(generation) = self.generations.get_mut(&complaint.generation) else { return };
                let dealer = generation
                    .round
                    .iter()
                    .flat_map(|r| r.dealings.iter())
                    .chain(generation.made_by.iter().flat_map(|m| m.chosen.iter()));
                if let Some(dealer) = dealer.filter(|d| d.seq == complaint.dealing_seq).map(|d| d.dealer.clone()).next()
                {
                    self.cheaters.insert(dealer);
                }
                let Some(generation) = self.generations.get_mut(&complaint.generation) else { return };
                let live = generation
                    .round
                    .as_mut()
                    .and_then(|r| r.dealings.iter_mut().find(|d| d.seq == complaint.dealing_seq));
                if let Some(dealing) = live {
                    dealing.disqualified = true;
                    return;
                }
                // Late: the author's share of this epoch is bad; re-share to the same holders.
                repair(generation, author, &keys);
            }
        }
    }

    /// A holder lost its share (its store was restored from its keys alone): check. Once per
    /// device and generation, so no member can force repair rounds (each closes open claims).
    pub fn check_share_lost(&self, author: &DeviceId, id: GenerationId, key: &Bytes) -> Result<(), RuleViolation> {
        let generation = self.generations.get(&id).ok_or(RuleViolation::UnknownSecret)?;
        if !generation.is_ready() || !generation.holders.contains_key(author) || generation.faulty.contains(author) {
            return Err(RuleViolation::NoShare);
        }
        if generation.lost_by.contains(author) {
            return Err(RuleViolation::AlreadyResponded);
        }
        kem::decode_point(&key.0).map(drop).map_err(|_| RuleViolation::InvalidSecret("bad receive key"))
    }

    /// Marks the holder's share lost, takes its new receive key, and opens a repair round. An
    /// open round keeps the keys it recorded (dealings were sealed to them, and complaints are
    /// judged against them); the device gets its share from the repair that follows.
    pub fn fold_share_lost(&mut self, author: &DeviceId, id: GenerationId, key: &Bytes) {
        self.receive_keys.insert(author.clone(), key.clone());
        let keys = self.receive_keys.clone();
        if let Some(generation) = self.generations.get_mut(&id) {
            generation.lost_by.insert(author.clone());
            repair(generation, author, &keys);
        }
    }
}

/// The holder's share of the current epoch is unusable: mark it, and unless a round is already
/// open, re-share to the same holders (at the same threshold).
fn repair(generation: &mut Generation, author: &DeviceId, keys: &std::collections::BTreeMap<DeviceId, Bytes>) {
    generation.faulty.insert(author.clone());
    if generation.round.is_some() {
        return;
    }
    let targets: Vec<DeviceId> = generation.holders.keys().cloned().collect();
    let target_keys: Option<Vec<Bytes>> = targets.iter().map(|t| keys.get(t).cloned()).collect();
    if let Some(target_keys) = target_keys {
        generation.round = Some(Round {
            kind: RoundKind::Reshare,
            targets,
            target_keys,
            new_k: generation.k,
            dealings: Vec::new(),
            acks: Default::default(),
        });
    }
}

/// My complaint about my part of a dealing: its shared point, proven with my receive key.
pub fn make_complaint(
    gens: &Generations,
    generation: GenerationId,
    dealing_seq: u64,
    dealer: &DeviceId,
    epoch: u32,
    part: &AttachedPart,
    receive_secret: &Scalar,
) -> Result<GenerationComplaint, kem::KemError> {
    let unproven = || GenerationComplaint {
        generation,
        dealing_seq,
        part: part.part.clone(),
        path: part.path.clone(),
        shared: Bytes(Vec::new()),
        proof: Bytes(Vec::new()),
    };
    // A part without a valid R or the dealer's proof of it is the dealer's fault on its face: no
    // point revealed (a copied R would otherwise open another dealer's part for everyone).
    let part_ctx = part_context(gens.vault.as_str(), generation, epoch, dealer, &part.target);
    let refs = refs(&part_ctx);
    if !kem::verify_proven(&part.part.0, &refs) {
        return Ok(unproven());
    }
    let Ok(r) = kem::sealed_r(&part.part.0) else { return Ok(unproven()) };
    let shared = r * receive_secret;
    let context = proof_context(gens.vault.as_str(), generation, dealing_seq, &part.target);
    let proof = prove_dleq(receive_secret, &r, &context);
    Ok(GenerationComplaint {
        generation,
        dealing_seq,
        part: part.part.clone(),
        path: part.path.clone(),
        shared: Bytes(shared.compress().to_bytes().to_vec()),
        proof: Bytes(proof.to_bytes().to_vec()),
    })
}

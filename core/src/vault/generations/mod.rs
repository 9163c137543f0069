//! Vault key generations: the state of each protection level's key, shared k-of-n among its
//! holders, and the rounds that make (joint-Feldman DKG) and move (redistribution) it.
//!
//! Pure: [`Generations`] folds typed messages (dealings, acknowledgements, complaints) as the
//! aggregate will fold their events, checking each before it changes anything. Membership comes
//! in from governance (members, and who approved whom), never the other way round.
//!
//! Rounds, per generation:
//! * **DKG** (a new level, or a new generation after a removal or a leave): every target deals a
//!   random polynomial with a proof of knowledge of its constant term; the first k dealings from
//!   distinct dealers that no proven complaint disqualified are chosen; x is the sum of their
//!   constants, which no dealer knows.
//! * **Re-share** (a join, a removal, a leave, a refresh): every holder deals a polynomial whose
//!   constant term is its own share (publicly checked against the generation's commitments); the
//!   first k are chosen and weighted by Lagrange at the dealers' old x.
//!
//! Either round completes when the new threshold of targets acknowledged the chosen dealings.
//! Parts are sealed to each target's per-epoch receive key, published with its join request and
//! renewed with every acknowledgement, so once a device deletes the key its old parts in the
//! log open for nobody. A complaint reveals the Diffie–Hellman point of the disputed part with a
//! DLEQ proof: anyone can open that part and check it, so a true complaint disqualifies the
//! dealer and a false one marks the complainer, whose later complaints are refused.

mod complaint;
mod dealing;
pub mod parts;
mod round;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::encoding::{Bytes, Hash32};
use crate::event::VaultName;
use crate::identity::DeviceId;
use crate::vault::RuleViolation;

pub use complaint::{make_complaint, verify_complaint, ComplaintVerdict, GenerationComplaint};
pub use dealing::{
    combine_sub_shares, deal_dkg, deal_reshare, names_check, new_receive_key, open_part, part_context,
    GenerationDealing, MyShare, NamesKey, OpenedPart,
};
pub use parts::AttachedPart;
pub use round::{round_id, GenerationAck, RoundView};

/// The secret half of a receive key (a ristretto255 scalar).
pub type ReceiveSecret = curve25519_dalek::scalar::Scalar;

/// Version of the generation messages and their sealed parts (2: parts addressed by target
/// under a signed Merkle root).
pub const GENERATION_FORMAT: u16 = 2;
/// Protection levels a vault may have at once.
pub const MAX_LEVELS: usize = 16;

/// Which generation: a level (its threshold when it was made) and a number within it. Written
/// as `"level/number"` (also as a JSON map key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GenerationId {
    pub level: u8,
    pub number: u32,
}

impl std::fmt::Display for GenerationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.level, self.number)
    }
}

impl std::str::FromStr for GenerationId {
    type Err = &'static str;

    /// Plain digits only, no leading zeros, level 1..=255 and number 1..=2^32 - 1.
    fn from_str(text: &str) -> Result<GenerationId, &'static str> {
        let bad = "a generation id is \"level/number\"";
        let (level, number) = text.split_once('/').ok_or(bad)?;
        let canonical = |part: &str| {
            !part.is_empty() && part.len() <= 10 && part.bytes().all(|b| b.is_ascii_digit()) && !part.starts_with('0')
        };
        if !canonical(level) || !canonical(number) {
            return Err(bad);
        }
        Ok(GenerationId { level: level.parse().map_err(|_| bad)?, number: number.parse().map_err(|_| bad)? })
    }
}

impl Serialize for GenerationId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for GenerationId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    Dkg,
    Reshare,
}

/// One dealing of a round, as the state remembers it: commitments and the Merkle root of its
/// parts (the parts themselves stay beside the log, each device holding its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealingRecord {
    pub dealer: DeviceId,
    /// The dealer's x in the generation (re-share), 0 in a DKG.
    pub dealer_x: u8,
    pub seq: u64,
    pub commitments: Vec<Bytes>,
    pub names_check: Hash32,
    pub parts_root: Hash32,
    pub disqualified: bool,
}

/// A round towards the generation's next epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub kind: RoundKind,
    /// Sorted; target j gets x = j + 1.
    pub targets: Vec<DeviceId>,
    /// The receive key each target had when the round opened: every part is sealed to it.
    pub target_keys: Vec<Bytes>,
    pub new_k: u8,
    pub dealings: Vec<DealingRecord>,
    /// Acknowledgements by the round id they name.
    pub acks: BTreeMap<DeviceId, Hash32>,
}

/// The completed round behind an epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeBy {
    pub kind: RoundKind,
    pub chosen: Vec<DealingRecord>,
    pub target_keys: Vec<Bytes>,
    pub round: Hash32,
}

/// One generation of a level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generation {
    pub k: u8,
    /// 0 until the DKG completes, then + 1 per completed re-share.
    pub epoch: u32,
    pub holders: BTreeMap<DeviceId, u8>,
    /// Feldman commitments of the current epoch; the first is the generation's public key.
    pub commitments: Vec<Bytes>,
    /// The round that made the current epoch: holders rebuild their share from it, and a holder
    /// that checks its parts late can still prove a bad one.
    pub made_by: Option<MadeBy>,
    /// Holders whose share of this epoch a proven late complaint showed bad; a repair round
    /// re-shares to the same holders.
    pub faulty: BTreeSet<DeviceId>,
    pub round: Option<Round>,
    /// Too few holders are left to re-share or reveal it: its secrets cannot be revealed again.
    pub lost: bool,
    /// Hash of the names key every holder gets with its parts (set when the DKG completes).
    pub names_check: Option<Hash32>,
    /// Holders that reported their share of this generation lost (once each).
    #[serde(default)]
    pub lost_by: BTreeSet<DeviceId>,
}

impl Generation {
    pub fn is_ready(&self) -> bool {
        self.epoch > 0 && !self.lost
    }

    pub fn public_key(&self) -> Option<&Bytes> {
        self.commitments.first().filter(|_| self.epoch > 0)
    }
}

/// Every level's generations, the receive keys and the members proven to complain falsely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generations {
    pub vault: VaultName,
    pub generations: BTreeMap<GenerationId, Generation>,
    /// Each device's current per-epoch receive key (a ristretto255 point).
    pub receive_keys: BTreeMap<DeviceId, Bytes>,
    pub false_accusers: BTreeSet<DeviceId>,
    /// Dealers a proven complaint showed dealing a bad part: they deal no more (and people see it).
    pub cheaters: BTreeSet<DeviceId>,
}

/// A level's threshold among n holders: kept when possible, at least 2 once there are two
/// devices (a one-device vault's level does not stay readable by one device), at most n.
pub fn threshold_for(level: u8, n: usize) -> u8 {
    let n = u8::try_from(n).unwrap_or(u8::MAX);
    if n <= 1 {
        1
    } else {
        level.max(2).min(n)
    }
}

/// Opens a re-share round of `generation` towards `targets`, unless one is open towards them.
fn open_reshare_round(generation: &mut Generation, targets: &[DeviceId], target_keys: &[Bytes]) {
    if generation.round.as_ref().is_some_and(|r| r.targets == targets) {
        return;
    }
    generation.round = Some(Round {
        kind: RoundKind::Reshare,
        targets: targets.to_vec(),
        target_keys: target_keys.to_vec(),
        new_k: threshold_for(generation.k, targets.len()),
        dealings: Vec::new(),
        acks: BTreeMap::new(),
    });
}

/// What governance tells the generations: the members and who approved whom.
pub trait Membership {
    fn is_member(&self, device: &DeviceId) -> bool;
    /// Did `dealer` approve `target` (voted it in, or is approving it in this very event)?
    fn approved(&self, dealer: &DeviceId, target: &DeviceId) -> bool;
}

impl Generations {
    pub fn new(vault: VaultName) -> Generations {
        Generations {
            vault,
            generations: BTreeMap::new(),
            receive_keys: BTreeMap::new(),
            false_accusers: BTreeSet::new(),
            cheaters: BTreeSet::new(),
        }
    }

    /// Devices holding a share of some usable generation: the devices people dealt to.
    pub fn holders(&self) -> BTreeSet<DeviceId> {
        self.generations.values().filter(|g| g.is_ready()).flat_map(|g| g.holders.keys().cloned()).collect()
    }

    /// Devices a dealer may deal this level to without having approved them itself: holders of
    /// the level's usable generations, or for a level that has none yet, devices holding every
    /// other level (so a device only a weaker level's holders let in is never trusted for a
    /// stronger one).
    pub fn trusted_for(&self, level: u8) -> BTreeSet<DeviceId> {
        let of_level = |l: u8| -> BTreeSet<DeviceId> {
            self.generations
                .iter()
                .filter(|(id, g)| id.level == l && g.is_ready())
                .flat_map(|(_, g)| g.holders.keys().cloned())
                .collect()
        };
        let own = of_level(level);
        if !own.is_empty() {
            return own;
        }
        // A faulty holder is still one people dealt to; a lost level trusts no one and is skipped.
        let usable = self.levels().into_iter().filter(|l| *l != level && self.current(*l).is_some());
        let mut levels = usable.map(of_level);
        let first = levels.next().unwrap_or_default();
        levels.fold(first, |all, next| all.intersection(&next).cloned().collect())
    }

    /// The newest usable generation of a level: where a new secret is sealed.
    pub fn current(&self, level: u8) -> Option<(GenerationId, &Generation)> {
        self.generations
            .range(GenerationId { level, number: 0 }..=GenerationId { level, number: u32::MAX })
            .rev()
            .find(|(_, g)| g.is_ready())
            .map(|(id, g)| (*id, g))
    }

    fn newest_number(&self, level: u8) -> Option<u32> {
        self.generations
            .range(GenerationId { level, number: 0 }..=GenerationId { level, number: u32::MAX })
            .next_back()
            .map(|(id, _)| id.number)
    }

    pub fn levels(&self) -> BTreeSet<u8> {
        self.generations.keys().map(|id| id.level).collect()
    }

    /// A device publishes the key its next parts are sealed to (a join request, an ack).
    pub fn set_receive_key(&mut self, device: &DeviceId, key: Bytes) -> Result<(), RuleViolation> {
        crate::secrets::kem::decode_point(&key.0).map_err(|_| RuleViolation::InvalidSecret("bad receive key"))?;
        self.receive_keys.insert(device.clone(), key);
        Ok(())
    }

    fn target_keys(&self, targets: &[DeviceId]) -> Result<Vec<Bytes>, RuleViolation> {
        targets
            .iter()
            .map(|t| {
                self.receive_keys.get(t).cloned().ok_or(RuleViolation::InvalidSecret("a target has no receive key"))
            })
            .collect()
    }

    /// A join approval's dealings go to the member set the device joins, before it is admitted:
    /// opens that round for `generation`, or joins it if open. It may replace another join's round
    /// (one that adds a device), never a round among the holders (a removal's refresh, a repair):
    /// one member could otherwise keep resetting those with approvals of its own pending devices.
    /// Refused, the approval's vote still counts; its dealings wait.
    pub fn open_join_round(&mut self, generation: GenerationId, targets: &[DeviceId]) -> Result<(), RuleViolation> {
        let target_keys = self.target_keys(targets)?;
        let generation = self.generations.get_mut(&generation).ok_or(RuleViolation::UnknownSecret)?;
        if !generation.is_ready() {
            return Err(RuleViolation::NoRound);
        }
        let holders = &generation.holders;
        let among_holders = |r: &Round| r.targets.iter().all(|t| holders.contains_key(t));
        if generation.round.as_ref().is_some_and(|r| r.targets != targets && among_holders(r)) {
            return Err(RuleViolation::NoRound);
        }
        open_reshare_round(generation, targets, &target_keys);
        Ok(())
    }

    /// Opens a level's next generation with a DKG among `targets` (sorted, deduplicated).
    pub fn open_generation(&mut self, level: u8, targets: &[DeviceId]) -> Result<GenerationId, RuleViolation> {
        let k = threshold_for(level, targets.len());
        if level == 0 || targets.is_empty() || usize::from(level) > targets.len() {
            return Err(RuleViolation::InvalidSecret("a level needs 1 <= k <= holders"));
        }
        if !self.levels().contains(&level) && self.levels().len() >= MAX_LEVELS {
            return Err(RuleViolation::InvalidSecret("too many protection levels"));
        }
        let target_keys = self.target_keys(targets)?;
        let number = self.newest_number(level).map_or(1, |n| n + 1);
        let id = GenerationId { level, number };
        let round = Round {
            kind: RoundKind::Dkg,
            targets: targets.to_vec(),
            target_keys,
            new_k: k,
            dealings: Vec::new(),
            acks: BTreeMap::new(),
        };
        let generation = Generation {
            k,
            epoch: 0,
            holders: BTreeMap::new(),
            commitments: Vec::new(),
            made_by: None,
            faulty: BTreeSet::new(),
            round: Some(round),
            lost: false,
            names_check: None,
            lost_by: BTreeSet::new(),
        };
        self.generations.insert(id, generation);
        Ok(id)
    }

    /// After a round completed: a usable generation with no open round whose holders are not the
    /// members (it was made or repaired while they changed) re-shares to them. Open rounds are
    /// left alone (a join's round runs towards the members plus the candidate).
    pub fn reshare_idle_to(&mut self, targets: &[DeviceId]) {
        let Ok(target_keys) = self.target_keys(targets) else { return };
        for generation in self.generations.values_mut() {
            if generation.is_ready() && generation.round.is_none() && !generation.holders.keys().eq(targets.iter()) {
                open_reshare_round(generation, targets, &target_keys);
            }
        }
    }

    /// After the member set changed: every usable generation whose holders differ from
    /// `targets` re-shares to them; one with fewer than k holders left is lost; an open round
    /// towards another target set is replaced.
    pub fn reshare_to(&mut self, targets: &[DeviceId], members: &dyn Membership) {
        let Ok(target_keys) = self.target_keys(targets) else { return };
        for generation in self.generations.values_mut() {
            if generation.epoch == 0 || generation.lost {
                continue;
            }
            let live =
                generation.holders.keys().filter(|d| members.is_member(d) && !generation.faulty.contains(*d)).count();
            if live < usize::from(generation.k) {
                generation.lost = true;
                generation.round = None;
                continue;
            }
            if generation.holders.keys().eq(targets.iter()) && generation.faulty.is_empty() {
                generation.round = None;
                continue;
            }
            open_reshare_round(generation, targets, &target_keys);
        }
        // A DKG towards a target that is no longer a member is abandoned, so a removed device
        // never holds a share of a generation made after its removal; the caller opens a new one.
        for generation in self.generations.values_mut() {
            let Some(round) = &generation.round else { continue };
            if round.kind == RoundKind::Dkg && round.targets.iter().any(|t| !members.is_member(t)) {
                generation.round = None;
                generation.lost = true;
            }
        }
    }
}

#[cfg(test)]
mod tests;

//! Parts addressed by target. A dealing signs only the Merkle root of its sealed parts, which
//! travel beside the signed event. A dealer pushes them bare (no paths) and the server stores them
//! so, checking the whole tree; it gives each device only its own part with the path to the root,
//! so a device downloads O(log n) per dealing instead of n parts.
//!
//! Leaf `i` = H(leaf domain, i, target, part); a node = H(node domain, left, right); a level with
//! an odd count carries its last node up unchanged. A path lists the siblings from the leaf up,
//! skipping the levels where the node had none.

use serde::{Deserialize, Serialize};

use crate::encoding::{Bytes, Hash32};
use crate::identity::DeviceId;

/// One target's sealed part of a dealing, with its path to the dealing's `parts_root`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPart {
    /// The target's position in the round (its x is `index + 1`).
    pub index: u8,
    pub target: DeviceId,
    pub part: Bytes,
    pub path: Vec<Hash32>,
}

fn leaf(index: u8, target: &DeviceId, part: &[u8]) -> Hash32 {
    Hash32::digest(&[b"meta-secret/part-leaf/v1", &[index], target.as_str().as_bytes(), part])
}

fn node(left: &Hash32, right: &Hash32) -> Hash32 {
    Hash32::digest(&[b"meta-secret/part-node/v1", &left.0, &right.0])
}

/// The root over `parts` (in target order) and every part without a path, as a dealer pushes
/// them. `None` when the counts differ, there are none, or more than 255.
pub fn seal_root(targets: &[DeviceId], parts: Vec<Bytes>) -> Option<(Hash32, Vec<AttachedPart>)> {
    let (root, mut attached) = attach(targets, parts)?;
    attached.iter_mut().for_each(|part| part.path.clear());
    Some((root, attached))
}

/// The root over a whole dealing's bare parts (each at its index), for checking it.
pub fn root_of(parts: &[AttachedPart]) -> Option<Hash32> {
    let targets: Vec<DeviceId> = parts.iter().map(|p| p.target.clone()).collect();
    attach(&targets, parts.iter().map(|p| p.part.clone()).collect()).map(|(root, _)| root)
}

/// `reader`'s part of a whole dealing's parts, with its path to the root.
pub fn addressed_to(parts: &[AttachedPart], reader: &DeviceId) -> Option<AttachedPart> {
    let position = parts.iter().position(|p| &p.target == reader)?;
    let targets: Vec<DeviceId> = parts.iter().map(|p| p.target.clone()).collect();
    let (_, mut attached) = attach(&targets, parts.iter().map(|p| p.part.clone()).collect())?;
    Some(attached.swap_remove(position))
}

/// The root over `parts` (in target order) and every target's part with its path. `None` when
/// the counts differ, there are none, or more than 255.
pub fn attach(targets: &[DeviceId], parts: Vec<Bytes>) -> Option<(Hash32, Vec<AttachedPart>)> {
    if targets.len() != parts.len() || parts.is_empty() || parts.len() > 255 {
        return None;
    }
    let mut level: Vec<Hash32> =
        targets.iter().zip(&parts).enumerate().map(|(i, (t, p))| leaf(i as u8, t, &p.0)).collect();
    let mut paths: Vec<Vec<Hash32>> = vec![Vec::new(); parts.len()];
    // Where each leaf's ancestor sits in the current level.
    let mut position: Vec<usize> = (0..parts.len()).collect();
    while level.len() > 1 {
        for (leaf_index, at) in position.iter_mut().enumerate() {
            let sibling = *at ^ 1;
            if let Some(hash) = level.get(sibling) {
                paths[leaf_index].push(*hash);
            }
            *at /= 2;
        }
        level = level.chunks(2).map(|pair| if pair.len() == 2 { node(&pair[0], &pair[1]) } else { pair[0] }).collect();
    }
    let root = level[0];
    let attached = targets
        .iter()
        .zip(parts)
        .zip(paths)
        .enumerate()
        .map(|(i, ((target, part), path))| AttachedPart { index: i as u8, target: target.clone(), part, path })
        .collect();
    Some((root, attached))
}

/// Whether `part` is leaf `part.index` of a tree of `count` leaves with this root.
pub fn verify_path(root: &Hash32, count: usize, part: &AttachedPart) -> bool {
    let mut at = usize::from(part.index);
    if at >= count {
        return false;
    }
    let mut hash = leaf(part.index, &part.target, &part.part.0);
    let mut width = count;
    let mut siblings = part.path.iter();
    while width > 1 {
        let sibling = at ^ 1;
        if sibling < width {
            let Some(other) = siblings.next() else { return false };
            hash = if at % 2 == 0 { node(&hash, other) } else { node(other, &hash) };
        }
        at /= 2;
        width = width.div_ceil(2);
    }
    siblings.next().is_none() && hash == *root
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(n: usize) -> Vec<DeviceId> {
        (0..n).map(|i| DeviceId::parse(&format!("{i:032x}")).unwrap()).collect()
    }

    fn parts(n: usize) -> Vec<Bytes> {
        (0..n).map(|i| Bytes(vec![i as u8; 8])).collect()
    }

    #[test]
    fn every_part_verifies_at_every_size_and_nothing_else_does() {
        for n in 1..=40 {
            let (root, attached) = attach(&targets(n), parts(n)).unwrap();
            for part in &attached {
                assert!(verify_path(&root, n, part), "n = {n}, index {}", part.index);
                assert!(part.path.len() <= 6);
                let mut other = part.clone();
                other.part.0[0] ^= 1;
                assert!(!verify_path(&root, n, &other), "a changed part verified");
                let mut moved = part.clone();
                moved.index = (part.index + 1) % n as u8;
                assert!(n == 1 || !verify_path(&root, n, &moved), "a part verified at another index");
                let mut readdressed = part.clone();
                readdressed.target = DeviceId::parse(&format!("{:032x}", 999)).unwrap();
                assert!(!verify_path(&root, n, &readdressed), "a part verified for another target");
                let mut longer = part.clone();
                longer.path.push(root);
                assert!(!verify_path(&root, n, &longer), "a padded path verified");
            }
        }
    }

    #[test]
    fn bare_parts_rebuild_the_root_and_each_reader_gets_its_path() {
        for n in 1..=20 {
            let (root, bare) = seal_root(&targets(n), parts(n)).unwrap();
            assert!(bare.iter().all(|p| p.path.is_empty()));
            assert_eq!(root_of(&bare), Some(root));
            for target in targets(n) {
                let mine = addressed_to(&bare, &target).unwrap();
                assert_eq!(mine.target, target);
                assert!(verify_path(&root, n, &mine));
            }
            assert!(addressed_to(&bare, &DeviceId::parse(&format!("{:032x}", 999)).unwrap()).is_none());
            let mut swapped = bare.clone();
            if n > 1 {
                swapped.swap(0, 1);
                assert_ne!(root_of(&swapped), Some(root), "order matters");
            }
        }
    }

    #[test]
    fn counts_must_match() {
        assert!(attach(&targets(3), parts(2)).is_none());
        assert!(attach(&[], Vec::new()).is_none());
        let (root, attached) = attach(&targets(3), parts(3)).unwrap();
        let mut beyond = attached[2].clone();
        beyond.index = 3;
        assert!(!verify_path(&root, 3, &beyond));
    }

    /// The tree written out by hand for three leaves: ((l0, l1), l2).
    #[test]
    fn three_leaves_match_the_written_out_tree() {
        let t = targets(3);
        let p = parts(3);
        let l: Vec<Hash32> = (0..3).map(|i| leaf(i as u8, &t[i], &p[i].0)).collect();
        let expected = node(&node(&l[0], &l[1]), &l[2]);
        let (root, attached) = attach(&t, p).unwrap();
        assert_eq!(root, expected);
        assert_eq!(attached[2].path, vec![node(&l[0], &l[1])]);
        assert_eq!(attached[0].path, vec![l[1], l[2]]);
    }

    /// Roots and paths from `core/testdata/parts_vectors.py` (Python's hashlib), byte for byte.
    #[test]
    fn roots_and_paths_match_the_python_reference() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../../testdata/parts_vectors.json")).unwrap();
        let hex32 = |v: &serde_json::Value| Hash32(hex::decode(v.as_str().unwrap()).unwrap().try_into().unwrap());
        for case in vectors["merkle"].as_array().unwrap() {
            let targets: Vec<DeviceId> = case["targets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| DeviceId::parse(t.as_str().unwrap()).unwrap())
                .collect();
            let parts: Vec<Bytes> = case["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| Bytes(hex::decode(p.as_str().unwrap()).unwrap()))
                .collect();
            let (root, attached) = attach(&targets, parts).unwrap();
            assert_eq!(root, hex32(&case["root"]), "root of {} parts", targets.len());
            for (part, path) in attached.iter().zip(case["paths"].as_array().unwrap()) {
                let expected: Vec<Hash32> = path.as_array().unwrap().iter().map(hex32).collect();
                assert_eq!(part.path, expected);
                assert!(verify_path(&root, targets.len(), part));
            }
        }
    }
}

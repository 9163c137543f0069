#!/usr/bin/env python3
"""Independent reference for core/src/vault/generations/parts.rs (a dealing's Merkle root over its
parts), with Python's hashlib only. Writes parts_vectors.json, which `parts` in core checks.

    python3 core/testdata/parts_vectors.py > core/testdata/parts_vectors.json"""
import hashlib, json, struct


def digest(*parts):  # Hash32::digest: SHA-256 over each part, length-prefixed (u64 big-endian)
    return hashlib.sha256(b"".join(struct.pack(">Q", len(p)) + p for p in parts)).digest()


def leaf(index, target, part):
    return digest(b"meta-secret/part-leaf/v1", bytes([index]), target.encode(), part)


def node(left, right):
    return digest(b"meta-secret/part-node/v1", left, right)


def tree(leaves):
    """Root and each leaf's path: siblings from the leaf up; an odd last node is carried up."""
    paths = [[] for _ in leaves]
    position = list(range(len(leaves)))
    level = leaves
    while len(level) > 1:
        for i, at in enumerate(position):
            if (at ^ 1) < len(level):
                paths[i].append(level[at ^ 1])
            position[i] = at // 2
        level = [node(level[j], level[j + 1]) if j + 1 < len(level) else level[j] for j in range(0, len(level), 2)]
    return level[0], paths


cases = []
for n in [1, 2, 3, 5, 8, 13]:
    targets = ["%032x" % (i * 7919 + 1) for i in range(n)]
    parts = [bytes([(i * 31 + j) % 256 for j in range(176)]) for i in range(n)]
    root, paths = tree([leaf(i, t, p) for i, (t, p) in enumerate(zip(targets, parts))])
    cases.append({
        "targets": targets,
        "parts": [p.hex() for p in parts],
        "root": root.hex(),
        "paths": [[h.hex() for h in path] for path in paths],
    })
print(json.dumps({"merkle": cases}, indent=1))

#!/usr/bin/env python3
"""Independent reference for core/src/secrets/{dleq,kem,threshold}.rs: libsodium's ristretto255
(through ctypes, no Rust code involved) and Python's hashlib/hmac. Writes threshold_vectors.json,
which `threshold_vectors` in core checks byte for byte.

    python3 core/testdata/threshold_vectors.py > core/testdata/threshold_vectors.json

Needs libsodium >= 1.0.18 (Debian: libsodium23)."""
import ctypes, ctypes.util, hashlib, hmac, json, struct

sodium = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
assert sodium.sodium_init() >= 0
L = 2**252 + 27742317777372353535851937790883648493


def buf(n=32):
    return ctypes.create_string_buffer(n)


def sc(i):  # integer -> 32-byte little-endian scalar
    return (i % L).to_bytes(32, "little")


def base(s):
    out = buf()
    assert sodium.crypto_scalarmult_ristretto255_base(out, s) == 0
    return out.raw


def mul(s, p):
    out = buf()
    assert sodium.crypto_scalarmult_ristretto255(out, s, p) == 0
    return out.raw


def add(p, q):
    out = buf()
    assert sodium.crypto_core_ristretto255_add(out, p, q) == 0
    return out.raw


def lp(part):
    return struct.pack(">Q", len(part)) + part


def hash_to_scalar(domain, parts):
    digest = hashlib.sha512(lp(domain) + b"".join(lp(p) for p in parts)).digest()
    out = buf()
    sodium.crypto_core_ristretto255_scalar_reduce(out, digest)
    return int.from_bytes(out.raw, "little")


def dleq(x, h, context, nonce):
    a, b = base(sc(x)), mul(sc(x), h)
    t1, t2 = base(sc(nonce)), mul(sc(nonce), h)
    c = hash_to_scalar(b"meta-secret/dleq/v1", [context, h, a, b, t1, t2])
    return a, b, sc(c) + sc(nonce + c * x)


def schnorr(x, context, nonce):
    a, t = base(sc(x)), base(sc(nonce))
    c = hash_to_scalar(b"meta-secret/schnorr-pok/v1", [context, a, t])
    return a, sc(c) + sc(nonce + c * x)


def hkdf_sha256(ikm, info):
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def kem(public, r, context):
    big_r, shared = base(sc(r)), mul(sc(r), public)
    info = b"".join(lp(p) for p in [b"meta-secret/kem/v1", big_r, public] + context)
    return big_r, hkdf_sha256(shared, info)


def lagrange_at_zero(xs):
    weights = []
    for i in xs:
        num, den = 1, 1
        for j in xs:
            if j != i:
                num, den = num * j % L, den * (j - i) % L
        weights.append(num * pow(den, -1, L) % L)
    return weights


vectors = {"dleq": [], "schnorr": [], "kem": [], "threshold": []}
for i, context in enumerate([b"", b"vault/secret/claim", bytes(range(40))]):
    x, nonce, h = 1000003 * (i + 7) ** 5, 99991 * (i + 3) ** 7, base(sc(31337 + i))
    a, b, proof = dleq(x, h, context, nonce)
    vectors["dleq"].append({k: v.hex() for k, v in dict(x=sc(x), nonce=sc(nonce), h=h, context=context, a=a, b=b, proof=proof).items()})
    a, proof = schnorr(x, context, nonce)
    vectors["schnorr"].append({k: v.hex() for k, v in dict(x=sc(x), nonce=sc(nonce), context=context, a=a, proof=proof).items()})
    public, r = base(sc(x)), 7 ** (40 + i)
    big_r, key = kem(public, r, [b"vault", context])
    vectors["kem"].append({k: v.hex() for k, v in dict(public=public, r=sc(r), context=context, big_r=big_r, key=key).items()})

# A 3-of-5 sharing with fixed coefficients; partials from holders 2, 4, 5 interpolate to x*R.
coefficients = [123456789123456789, 987654321987, 555555555555]
shares = {j: sum(c * j**e for e, c in enumerate(coefficients)) % L for j in range(1, 6)}
big_r = base(sc(424242))
xs = [2, 4, 5]
weights = lagrange_at_zero(xs)
combined = None
partials = []
for j, w in zip(xs, weights):
    d = mul(sc(shares[j]), big_r)
    partials.append({"x": j, "share": sc(shares[j]).hex(), "point": d.hex()})
    term = mul(sc(w), d)
    combined = term if combined is None else add(combined, term)
assert combined == mul(sc(coefficients[0] * 424242), base(sc(1)))
vectors["threshold"].append({
    "commitments": [base(sc(c)).hex() for c in coefficients],
    "big_r": big_r.hex(),
    "partials": partials,
    "combined": combined.hex(),
})
print(json.dumps(vectors, indent=1))

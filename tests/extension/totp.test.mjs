// One-time codes: RFC 6238's test vectors, and otpauth:// URIs. `node --test tests/extension/`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { base32Decode, parseTotp, totpCode } from "../../extension/src/totp.js";

const ascii = (text) => new TextEncoder().encode(text);
// RFC 6238 appendix B: the seeds are ASCII "1234567890" repeated to the hash's size.
const SEEDS = {
  SHA1: ascii("12345678901234567890"),
  SHA256: ascii("12345678901234567890123456789012"),
  SHA512: ascii("1234567890123456789012345678901234567890123456789012345678901234"),
};
const VECTORS = [
  [59, "94287082", "46119246", "90693936"],
  [1111111109, "07081804", "68084774", "25091201"],
  [1111111111, "14050471", "67062674", "99943326"],
  [1234567890, "89005924", "91819424", "93441116"],
  [2000000000, "69279037", "90698825", "38618901"],
  [20000000000, "65353130", "77737706", "47863826"],
];

test("RFC 6238 test vectors (SHA1, SHA256, SHA512, 8 digits)", async () => {
  for (const [seconds, ...codes] of VECTORS) {
    for (const [i, algorithm] of ["SHA1", "SHA256", "SHA512"].entries()) {
      const { code } = await totpCode({ secret: SEEDS[algorithm], algorithm, digits: 8, period: 30 }, seconds * 1000);
      assert.equal(code, codes[i], `${algorithm} at ${seconds}`);
    }
  }
});

test("an otpauth URI gives the same code as its parts, and says how long it lasts", async () => {
  // base32 of the SHA1 seed.
  assert.deepEqual(base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), SEEDS.SHA1);
  const totp = parseTotp("otpauth://totp/Example:ada@example.com?secret=gezdgnbvgy3tqojqgezdgnbvgy3tqojq&issuer=Example&digits=8");
  assert.equal(totp.issuer, "Example");
  assert.equal(totp.account, "ada@example.com");
  assert.deepEqual(await totpCode(totp, 59_000), { code: "94287082", remaining: 1 });
  // A bare secret: SHA1, 6 digits, 30 s (the last six digits of the 8-digit vector).
  assert.equal((await totpCode(parseTotp("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"), 1111111109_000)).code, "081804");
  const sha256 = parseTotp(`otpauth://totp/x?secret=${"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"}&algorithm=SHA256&digits=8`);
  assert.equal((await totpCode(sha256, 1234567890_000)).code, "91819424");
});

test("bad one-time code secrets are refused with a sentence", () => {
  for (const [input, message] of [
    ["otpauth://hotp/x?secret=GEZDGNBVGY3TQOJQ", /time-based/],
    ["otpauth://totp/x", /no secret/],
    ["otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&algorithm=MD5", /SHA1, SHA256 or SHA512/],
    ["otpauth://totp/x?secret=GEZDGNBVGY3TQOJQ&digits=4", /6, 7 or 8/],
    ["otpauth://totp/x?secret=GEZA", /too short/],
    ["not base32 at all!", /not base32/],
  ]) {
    assert.throws(() => parseTotp(input), message, input);
  }
});

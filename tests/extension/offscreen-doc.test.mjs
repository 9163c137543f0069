// The bytes of the unlock's key work cross to the offscreen document as base64.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromBase64, toBase64 } from "../../extension/src/offscreen-doc.js";

test("base64 round-trips every byte value and large inputs", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(toBase64(all), Buffer.from(all).toString("base64"));
  assert.deepEqual(fromBase64(toBase64(all)), all);
  const large = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7919) & 255); // above one 32 KB chunk
  assert.deepEqual(fromBase64(toBase64(large)), large);
  assert.deepEqual(fromBase64(toBase64(new Uint8Array())), new Uint8Array());
});

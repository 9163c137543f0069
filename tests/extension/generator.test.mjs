// The password generator: `node --test tests/extension/`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CLASSES, entropyBits, generatePassphrase, generatePassword, randomBelow } from "../../extension/src/generator.js";
import { WORDS } from "../../extension/src/words.js";

/** A fake random source that hands out `values` in turn. */
const scripted = (values) => {
  let i = 0;
  return (array) => {
    array[0] = values[i++ % values.length];
    return array;
  };
};

test("an index is drawn by rejection, never by a biased modulo", () => {
  // n = 3: 2^32 = 3 · 1431655765 + 1, so the one draw 2^32 - 1 must be drawn again.
  const fill = scripted([2 ** 32 - 1, 2 ** 32 - 1, 7]);
  assert.equal(randomBelow(3, fill), 7 % 3);
  // A draw just below the limit is kept.
  assert.equal(randomBelow(3, scripted([2 ** 32 - 2])), (2 ** 32 - 2) % 3);
  for (const bad of [0, -1, 1.5, NaN, 2 ** 32 + 1]) assert.throws(() => randomBelow(bad), RangeError, String(bad));
});

test("indexes are uniform (chi-square over 60 000 real draws)", () => {
  const n = 6, draws = 60_000, counts = new Array(n).fill(0);
  for (let i = 0; i < draws; i++) counts[randomBelow(n)]++;
  const expected = draws / n;
  const chi = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
  assert.ok(chi < 25, `chi-square ${chi} (5 degrees of freedom; 25 is p ≈ 0.0001)`);
});

test("passwords have the asked length and a character of every chosen class", () => {
  for (let i = 0; i < 200; i++) {
    const password = generatePassword({ length: 12 });
    assert.equal(password.length, 12);
    for (const set of Object.values(CLASSES)) assert.ok([...password].some((c) => set.includes(c)), password);
  }
  const digits = generatePassword({ length: 30, lower: false, upper: false, symbols: false });
  assert.match(digits, /^\d{30}$/);
  assert.match(generatePassword({ symbols: false }), /^[A-Za-z0-9]{20}$/);
  assert.notEqual(generatePassword(), generatePassword());
});

test("bad generator settings are refused with a sentence", () => {
  assert.throws(() => generatePassword({ length: 7 }), /8 to 128/);
  assert.throws(() => generatePassword({ length: 129 }), /8 to 128/);
  assert.throws(() => generatePassword({ lower: false, upper: false, digits: false, symbols: false }), /at least one kind/);
  assert.throws(() => generatePassphrase({ words: 2 }), /3 to 20 words/);
  assert.throws(() => generatePassphrase({ separator: "and" }), /separator/);
});

test("passphrases are words from the bundled list", () => {
  assert.equal(WORDS.length, 2048);
  assert.equal(new Set(WORDS).size, 2048);
  const phrase = generatePassphrase({ words: 7, separator: " " });
  const words = phrase.split(" ");
  assert.equal(words.length, 7);
  for (const word of words) assert.ok(WORDS.includes(word), word);
  const shaped = generatePassphrase({ words: 4, capitalize: true, digit: true, separator: "." });
  assert.match(shaped, /^([A-Z][a-z]+\d?\.){3}[A-Z][a-z]+\d?$/);
  assert.equal(shaped.match(/\d/g).length, 1);
  // A fixed source gives a fixed phrase: the words are indexed, not shuffled.
  assert.equal(generatePassphrase({ words: 3 }, scripted([0, 1, 2047])), "abandon-ability-zoo");
});

test("entropy hints", () => {
  assert.equal(entropyBits({ kind: "passphrase", options: { words: 6 } }), 66);
  assert.equal(entropyBits({ kind: "password", options: { length: 20, symbols: false } }), Math.floor(20 * Math.log2(62)));
});

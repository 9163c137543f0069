// @ts-check
// Password and passphrase generator. Randomness is crypto.getRandomValues; an index below n is
// drawn by rejection sampling (a 32-bit draw at or above the largest multiple of n is drawn
// again), so no character or word is likelier than another (no modulo bias).
import { WORDS } from "./words.js";

export const CLASSES = Object.freeze({
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  digits: "0123456789",
  symbols: "!#$%&()*+,-./:;<=>?@[]^_{|}~",
});

/** @typedef {(array: Uint32Array) => Uint32Array} RandomFill */
/** @type {RandomFill} */
const cryptoFill = (array) => crypto.getRandomValues(array);

/** A uniform integer in [0, n). @param {number} n @param {RandomFill} [fill] */
export function randomBelow(n, fill = cryptoFill) {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError("randomBelow: n must be an integer from 1 to 2^32");
  const limit = Math.floor(2 ** 32 / n) * n;
  const draw = new Uint32Array(1);
  for (;;) {
    fill(draw);
    if (draw[0] < limit) return draw[0] % n;
  }
}

/**
 * @typedef {{ length?: number, lower?: boolean, upper?: boolean, digits?: boolean, symbols?: boolean }} PasswordOptions
 * @typedef {{ words?: number, separator?: string, capitalize?: boolean, digit?: boolean }} PassphraseOptions
 */

/** The classes a password draws from, and its length, checked. @param {PasswordOptions} options */
function passwordPlan(options) {
  const length = options.length ?? 20;
  if (!Number.isInteger(length) || length < 8 || length > 128) throw new RangeError("A password is 8 to 128 characters long");
  const classes = /** @type {(keyof typeof CLASSES)[]} */ (Object.keys(CLASSES)).filter((name) => options[name] ?? true);
  if (!classes.length) throw new RangeError("Choose at least one kind of character");
  return { length, sets: classes.map((name) => CLASSES[name]) };
}

/** A random password with at least one character of every chosen class (a draw that misses one is
 *  drawn again whole, which keeps every such password equally likely).
 * @param {PasswordOptions} [options] @param {RandomFill} [fill] */
export function generatePassword(options = {}, fill = cryptoFill) {
  const { length, sets } = passwordPlan(options);
  const alphabet = sets.join("");
  for (;;) {
    let password = "";
    for (let i = 0; i < length; i++) password += alphabet[randomBelow(alphabet.length, fill)];
    if (sets.every((set) => [...password].some((char) => set.includes(char)))) return password;
  }
}

/** Words from the bundled list, joined by `separator`; optionally capitalised, with a digit.
 * @param {PassphraseOptions} [options] @param {RandomFill} [fill] */
export function generatePassphrase(options = {}, fill = cryptoFill) {
  const count = options.words ?? 6;
  if (!Number.isInteger(count) || count < 3 || count > 20) throw new RangeError("A passphrase has 3 to 20 words");
  const separator = options.separator ?? "-";
  if (separator.length > 3 || /[a-z]/i.test(separator)) throw new RangeError("The separator is up to 3 characters, no letters");
  const words = Array.from({ length: count }, () => WORDS[randomBelow(WORDS.length, fill)]);
  const shaped = options.capitalize ? words.map((word) => word[0].toUpperCase() + word.slice(1)) : words;
  if (options.digit) {
    const at = randomBelow(count, fill);
    shaped[at] += String(randomBelow(10, fill));
  }
  return shaped.join(separator);
}

/** About how many bits of entropy a setting gives (shown next to the generator).
 * @param {{ kind: "password", options: PasswordOptions } | { kind: "passphrase", options: PassphraseOptions }} setting */
export function entropyBits(setting) {
  if (setting.kind === "passphrase") {
    const count = setting.options.words ?? 6;
    return Math.floor(count * Math.log2(WORDS.length) + (setting.options.digit ? Math.log2(10 * count) : 0));
  }
  const { length, sets } = passwordPlan(setting.options);
  // Slightly above the truth (the every-class rule removes a few passwords): fine for a hint.
  return Math.floor(length * Math.log2(sets.join("").length));
}

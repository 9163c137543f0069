// @ts-check
// The vault-name rule of the core (`VaultName::parse`), checked in the popup before setup starts:
// a mistyped name is reported at once, not after seconds of key derivation. The core still
// decides; this only reports early (full-width characters, which the core maps to ASCII, pass).

/** @param {string} name @returns {string | null} */
export function vaultNameProblem(name) {
  const ascii = name.replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xff01 + 0x21));
  if (ascii.length < 1 || ascii.length > 64) return "The vault's name has 1 to 64 characters";
  if (!/^[A-Za-z0-9_.-]+$/.test(ascii)) return "The vault's name uses letters, digits, '-', '_' and '.' only";
  if (ascii.startsWith(".")) return "The vault's name does not start with '.'";
  return null;
}

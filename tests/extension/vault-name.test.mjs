// The popup's early check of a vault's name (the core's rule). `node --test tests/extension/`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { vaultNameProblem } from "../../extension/src/vault-name.js";

test("a mistyped vault name is reported before any key work", () => {
  for (const good of ["family", "ext-1796598521412", "a_b.c", "Ｆａｍｉｌｙ", "x".repeat(64)]) assert.equal(vaultNameProblem(good), null, good);
  assert.match(vaultNameProblem("no such vault!"), /letters, digits/);
  assert.match(vaultNameProblem(""), /1 to 64/);
  assert.match(vaultNameProblem("x".repeat(65)), /1 to 64/);
  assert.match(vaultNameProblem(".hidden"), /start with/);
  assert.match(vaultNameProblem("fаmily"), /letters, digits/, "a Cyrillic а");
});

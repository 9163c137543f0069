// Loads the release (wasm-opt'd) npm package from wasm/pkg in headless Chromium and runs one
// create → add → reveal cycle against a fresh wrangler dev. Also checks the package's typings.
//   npm run build && node tests/browser/release-smoke.mjs
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startWrangler } from "../../scripts/with-wrangler.mjs";
import { launchChromium } from "./chromium.mjs";
import { canarySeen, longestTask, watchLongTasks } from "./long-tasks.mjs";
import { serveStatic } from "./static-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = join(root, "wasm/pkg");

function checkPackage() {
  const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
  assert.equal(manifest.name, "meta-secret");
  assert.equal(manifest.type, "module");
  for (const file of manifest.files) statSync(join(pkg, file));
  const dts = readFileSync(join(pkg, manifest.types), "utf8");
  // wasm-bindgen's raw `InitOutput` exports are untyped by nature; everything before them is ours.
  // Comments are prose ("if any"); only declarations count.
  const publicApi = dts.split("export type InitInput")[0].replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  assert.doesNotMatch(publicApi, /\bany\b/, "the public typings must not use `any`");
  for (const name of ["createVault", "requestJoin", "addSecret", "openLevel", "levels", "recoveryClaims", "revealText", "subscribe"]) {
    assert.match(publicApi, new RegExp(`\\b${name}\\(`), `typings declare ${name}`);
  }
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>smoke</title>
<script type="module">
  import init, { MetaSecret, MetaSecretError } from "/pkg/meta_secret.js";
  window.smoke = async (serverUrl) => {
    await init();
    const device = await MetaSecret.open({ serverUrl, dbName: "smoke-" + Date.now(), deviceName: "smoke", insecureNoPassphrase: true });
    await device.createVault("smoke-" + Date.now());
    const secret = await device.addSecret("note", "release ✓ 秘密", { threshold: 1 });
    const claimId = await device.requestRecovery(secret.id);
    const text = await device.revealText(claimId);
    let code;
    try { await device.approve("missing"); } catch (error) { code = error instanceof MetaSecretError && error instanceof Error ? error.code : "not a MetaSecretError"; }
    let nullCode;
    try { await device.addSecret(null, "x", { threshold: 1 }); } catch (error) { nullCode = error.code; }
    const levels = await device.levels();
    const opened = await device.openLevel(1);
    const levelCodes = [];
    for (const bad of [0, 2, "1", 1.5, undefined]) {
      try { await device.openLevel(bad); levelCodes.push("resolved"); } catch (error) { levelCodes.push(error instanceof MetaSecretError ? error.code : String(error)); }
    }
    await device.close();
    return { text, code, nullCode, k: secret.k, n: secret.n, levels, opened, levelCodes };
  };
  // Opens with the default key work factor (scrypt 2^18, seconds of work) while watching the page's
  // thread: the package must do that work in its key worker.
  window.keysOffThread = async (serverUrl) => {
    const dbName = "kdf-" + Date.now();
    const open = async (passphrase) => {
      const started = performance.now();
      const device = await MetaSecret.open({ serverUrl, dbName, deviceName: "kdf", passphrase });
      const id = device.device.id;
      await device.close();
      return { id, ms: performance.now() - started };
    };
    const created = await open("correct horse");
    const reopened = await open("correct horse");
    let wrong;
    try { await open("wrong horse"); } catch (error) { wrong = error.code; }
    return { sameDevice: created.id === reopened.id, wrong, openMs: reopened.ms };
  };
  window.ready = true;
</script>`;

async function main() {
  checkPackage();
  const server = await startWrangler();
  const site = await serveStatic({ routes: { "/pkg/": pkg }, pages: { "/": PAGE } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const wasmBytes = [];
    page.on("response", async (response) => {
      if (response.url().endsWith("/pkg/meta_secret_bg.wasm")) wasmBytes.push((await response.body()).length);
    });
    await watchLongTasks(page);
    await page.goto(site.url + "/");
    await page.waitForFunction(() => window.ready === true);
    const result = await page.evaluate((url) => window.smoke(url), server.url);
    const level1 = { level: 1, k: 1, n: 1, ready: true, inProgress: false, secrets: 1 };
    assert.deepEqual(result, {
      text: "release ✓ 秘密", code: "UNKNOWN_CLAIM", nullCode: "INVALID_INPUT", k: 1, n: 1,
      levels: [level1], opened: level1, levelCodes: Array(5).fill("INVALID_INPUT"),
    });
    assert.equal(await canarySeen(page), true, "the long-task observer sees a 150 ms task");
    const keys = await page.evaluate((url) => window.keysOffThread(url), server.url);
    keys.longestTaskMs = await longestTask(page);
    assert.equal(keys.sameDevice, true, "the reopened device has the same keys");
    assert.equal(keys.wrong, "WRONG_PASSPHRASE");
    // scrypt 2^18 on the page's thread is one task of 1–3 s on these machines.
    assert.ok(keys.longestTaskMs < 250, `the page's thread was blocked for ${keys.longestTaskMs} ms`);
    console.log(`keys off the page's thread: open ${Math.round(keys.openMs)} ms, longest page task ${keys.longestTaskMs} ms`);
    assert.deepEqual(wasmBytes, [statSync(join(pkg, "meta_secret_bg.wasm")).size], "the release wasm was loaded");
    console.log(`release smoke test passed (${wasmBytes[0]} bytes of wasm)`);
  } finally {
    await browser.close();
    await site.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

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
  import init, { MetaSecret, MetaSecretError, runKeyWork } from "/pkg/meta_secret.js";
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
  // The \`kdf\` option: the caller runs the passphrase work elsewhere (here a dedicated worker this
  // page starts, running the package's runKeyWork), at the default work factor; its errors keep
  // their codes; a wrong answer or a wrong option is refused and stores nothing.
  window.keyWorkElsewhere = async (serverUrl) => {
    const source = \`import init, { runKeyWork } from "\${location.origin}/pkg/meta_secret.js";
      self.onmessage = async ({ data }) => {
        await init();
        try { const ok = runKeyWork(data); postMessage({ ok }, [ok.buffer]); }
        catch (error) { postMessage({ error: { code: error.code, message: error.message } }); }
      };\`;
    const workerUrl = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
    const ops = [];
    const kdf = (request) => new Promise((resolve, reject) => {
      ops.push(request.op + ":" + request.workFactor);
      const worker = new Worker(workerUrl, { type: "module" });
      worker.onmessage = ({ data }) => {
        worker.terminate();
        if (data.ok) resolve(data.ok);
        else reject(Object.assign(new Error(data.error.message), { code: data.error.code }));
      };
      worker.postMessage(request);
    });
    const dbName = "hook-" + Date.now();
    const options = { serverUrl, dbName, deviceName: "hook", passphrase: "correct horse" };
    const codeOf = (promise) => promise.then(() => "resolved", (error) => (error instanceof MetaSecretError ? error.code + ": " + error.message : String(error)));
    // Refused before any key is made or stored.
    const notFunction = await codeOf(MetaSecret.open({ ...options, kdf: "worker" }));
    const garbage = await codeOf(MetaSecret.open({ ...options, kdf: async () => new Uint8Array(8) }));
    const notBytes = await codeOf(MetaSecret.open({ ...options, kdf: async () => "sealed" }));
    const thrown = await codeOf(MetaSecret.open({ ...options, kdf: async () => { throw new Error("no worker today"); } }));
    const created = await MetaSecret.open({ ...options, kdf });
    const id = created.device.id;
    await created.close();
    const reopened = await MetaSecret.open({ ...options, kdf });
    const sameDevice = reopened.device.id === id;
    await reopened.close();
    const wrong = await codeOf(MetaSecret.open({ ...options, passphrase: "wrong horse", kdf }));
    // Without the option, the same stored keys open as before.
    const plain = await MetaSecret.open(options);
    const samePlain = plain.device.id === id;
    await plain.close();
    return { notFunction, garbage, notBytes, thrown, ops, sameDevice, wrong, samePlain };
  };
  // Whether a vault exists, asked before any key work (no device, nothing stored).
  window.vaultProbe = async (serverUrl) => {
    const vault = "probe-" + Date.now();
    const before = await MetaSecret.vaultExists(serverUrl, vault);
    const device = await MetaSecret.open({ serverUrl, dbName: vault, deviceName: "probe", insecureNoPassphrase: true });
    await device.createVault(vault);
    await device.close();
    const after = await MetaSecret.vaultExists(serverUrl, vault);
    const bad = await MetaSecret.vaultExists(serverUrl, "not a name!").then(String, (error) => error.code);
    const noServer = await MetaSecret.vaultExists("http://127.0.0.1:9", vault).then(String, (error) => error.code);
    return { before, after, bad, noServer };
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
    const hook = await page.evaluate((url) => window.keyWorkElsewhere(url), server.url);
    const hookTaskMs = await longestTask(page);
    assert.match(hook.notFunction, /^INVALID_INPUT: open options: kdf must be a function/);
    assert.match(hook.garbage, /^INVALID_INPUT: the kdf option answered something other than sealed keys/);
    assert.match(hook.notBytes, /^INVALID_INPUT: the kdf option must resolve to a Uint8Array/);
    assert.match(hook.thrown, /^INTERNAL: the kdf option failed: no worker today/);
    assert.deepEqual(hook.ops, ["seal:18", "unseal:0", "unseal:0"], "the option did every passphrase operation");
    assert.equal(hook.sameDevice, true, "keys sealed through the option open through it again");
    assert.match(hook.wrong, /^WRONG_PASSPHRASE/);
    assert.equal(hook.samePlain, true, "and without it");
    assert.ok(hookTaskMs < 250, `with the kdf option the page's thread was blocked for ${hookTaskMs} ms`);
    const probe = await page.evaluate((url) => window.vaultProbe(url), server.url);
    assert.deepEqual(probe, { before: false, after: true, bad: "INVALID_INPUT", noServer: "NETWORK" });
    console.log(`kdf option: ${hook.ops.length} operations in the caller's worker, longest page task ${hookTaskMs} ms; vaultExists answers`);
    // The page loads it once; the kdf option's workers load it again, each the same release file.
    const release = statSync(join(pkg, "meta_secret_bg.wasm")).size;
    assert.ok(wasmBytes.length >= 1 && wasmBytes.every((size) => size === release), `the release wasm was loaded: ${wasmBytes}`);
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

// Runs every ```js snippet of README.md and wasm/npm/README.md where the README says it runs: each
// snippet is preceded by `<!-- runs: page, worker, service-worker; prints: …; asks: … -->` and a
// snippet without one fails the test. The only rewrites are the package's import (to the built
// wasm/pkg) and the server URL (to a fresh wrangler dev per run).
//   npm run build && node tests/browser/readme-snippets.mjs
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startWrangler } from "../../scripts/with-wrangler.mjs";
import { launchChromium, launchWithExtension } from "./chromium.mjs";
import { serveStatic } from "./static-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = join(root, "wasm/pkg");
const READMES = ["README.md", "wasm/npm/README.md"];
const SCOPES = ["page", "worker", "service-worker"];
const DOCUMENTED_SERVER = '"http://127.0.0.1:8787"';

/** Every ```js block with its annotation; throws on a block that has none. */
export function snippets(file) {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w+)/.exec(lines[i].trim());
    if (fence && ["javascript", "mjs", "ts", "typescript"].includes(fence[1])) {
      assert.fail(`${file}:${i + 1}: write JS snippets as \`\`\`js so that this test runs them`);
    }
    if (lines[i].trim() !== "```js") continue;
    const end = lines.indexOf("```", i + 1);
    assert.ok(end > i, `${file}:${i + 1}: the snippet's fence is never closed`);
    const annotation = /^<!-- (.*) -->$/.exec(lines[i - 1]?.trim() ?? "");
    assert.ok(annotation, `${file}:${i + 1}: a js snippet needs a <!-- runs: … --> line above it`);
    const fields = Object.fromEntries(
      annotation[1].split(";").map((part) => part.split(":")).map(([key, ...rest]) => [key.trim(), rest.join(":").trim()]));
    const scopes = (fields.runs ?? "").split(",").map((scope) => scope.trim()).filter(Boolean);
    assert.ok(scopes.length > 0 && scopes.every((scope) => SCOPES.includes(scope)), `${file}:${i}: runs: one of ${SCOPES}`);
    found.push({ where: `${file}:${i + 2}`, code: lines.slice(i + 1, end).join("\n"), scopes, prints: fields.prints,
      asks: fields.asks === undefined ? undefined : JSON.parse(fields.asks), answers: fields.answers });
    i = end;
  }
  return found;
}

function rewrite(code, moduleUrl, serverUrl) {
  assert.match(code, /from "meta-secret";/, "the snippet imports the package by its name");
  return code.replace(/from "meta-secret";/g, `from ${JSON.stringify(moduleUrl)};`)
    .replaceAll(DOCUMENTED_SERVER, JSON.stringify(serverUrl));
}

// Collects console.log lines, then imports the snippet and reports how it ended.
const RUNNER = `
const printed = [], failures = [];
const log = console.log;
console.log = (...args) => { printed.push(args.join(" ")); log(...args); };
const error = console.error;
console.error = (...args) => { failures.push(args.join(" ")); error(...args); };
globalThis.addEventListener("unhandledrejection", (event) => failures.push("unhandled: " + String(event.reason?.message ?? event.reason)));
const outcome = import("/snippet/snippet.js").then(
  () => new Promise((resolve) => setTimeout(resolve, 200)).then(() => failures.length ? { printed, error: failures.join("; ") } : { printed }),
  (error) => ({ printed, error: String(error?.code ?? "") + " " + String(error?.message ?? error) }));
`;

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">${RUNNER} window.outcome = outcome;</script>`;
const WORKER_PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
window.outcome = new Promise((resolve) => {
  const worker = new Worker("/snippet/worker.js", { type: "module" });
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => resolve({ printed: [], error: "worker: " + event.message });
});
</script>`;

async function runInPage(snippet, scope) {
  const server = await startWrangler();
  const dir = mkdtempSync(join(tmpdir(), "meta-secret-snippet-"));
  writeFileSync(join(dir, "snippet.js"), rewrite(snippet.code, "/pkg/meta_secret.js", server.url));
  writeFileSync(join(dir, "worker.js"), `${RUNNER} outcome.then((result) => postMessage(result));`);
  const site = await serveStatic({ routes: { "/pkg/": pkg, "/snippet/": dir }, pages: { "/": scope === "page" ? PAGE : WORKER_PAGE } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(site.url + "/");
    const result = await page.evaluate(() => window.outcome);
    // The server's side of a failure, for whoever reads the run's log.
    if (result.error !== undefined) console.error(readFileSync(server.logPath, "utf8").slice(-4000));
    assert.equal(result.error, undefined, `${snippet.where} (${scope}) failed: ${result.error}`);
    if (snippet.prints !== undefined) {
      assert.deepEqual(result.printed, [snippet.prints], `${snippet.where} (${scope}) prints what the README says`);
    }
  } finally {
    await browser.close();
    await site.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const MANIFEST = {
  manifest_version: 3,
  name: "meta-secret README snippet",
  version: "1.0",
  minimum_chrome_version: "116",
  background: { service_worker: "background.js", type: "module" },
  content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
  host_permissions: ["http://127.0.0.1/*"],
};

async function runInServiceWorker(snippet) {
  assert.ok(snippet.asks !== undefined && snippet.answers, `${snippet.where}: a service-worker snippet says what to ask it and which field it answers`);
  const server = await startWrangler();
  const extension = mkdtempSync(join(tmpdir(), "meta-secret-extension-"));
  const profile = mkdtempSync(join(tmpdir(), "meta-secret-profile-"));
  cpSync(pkg, join(extension, "pkg"), { recursive: true });
  writeFileSync(join(extension, "manifest.json"), JSON.stringify(MANIFEST));
  writeFileSync(join(extension, "background.js"), rewrite(snippet.code, "./pkg/meta_secret.js", server.url));
  writeFileSync(join(extension, "ask.html"), '<!doctype html><meta charset="utf-8"><script src="ask.js"></script>');
  writeFileSync(join(extension, "ask.js"), "window.ask = (message) => chrome.runtime.sendMessage(message);");
  const context = await launchWithExtension(extension, profile);
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 30_000 }));
    const id = new URL(worker.url()).host;
    const page = await context.newPage();
    await page.goto(`chrome-extension://${id}/ask.html`);
    const reply = await page.evaluate((message) => window.ask(message), snippet.asks).catch((error) => {
      throw new Error(`${snippet.where}: the service worker did not answer (${error.message})`);
    });
    // Replies travel as JSON: an `error: undefined` would vanish, so the expected field must be there.
    assert.ok(reply && typeof reply[snippet.answers] === "string" && reply[snippet.answers].length > 0 && !("error" in reply),
      `${snippet.where} (service worker) answered ${JSON.stringify(reply)}`);
    return reply;
  } finally {
    await context.close();
    await server.stop();
    rmSync(extension, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main() {
  const all = READMES.flatMap(snippets);
  assert.ok(all.length >= 3, "the READMEs have their snippets");
  for (const snippet of all) {
    for (const scope of snippet.scopes) {
      const started = Date.now();
      const reply = scope === "service-worker" ? await runInServiceWorker(snippet) : await runInPage(snippet, scope);
      console.log(`ok ${snippet.where} in a ${scope} (${Date.now() - started} ms)${reply ? " → " + JSON.stringify(reply) : ""}`);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

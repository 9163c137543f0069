// The typed example app (examples/vite-app), built by Vite, run in headless Chromium against a
// fresh wrangler dev: two devices, one 2-of-2 secret, revealed. Also checks that the package's key
// worker survived bundling (no long task on the page while two devices' keys are sealed).
//   npm run build && (cd examples/vite-app && npm ci && npm run build) && node tests/browser/vite-example.mjs
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startWrangler } from "../../scripts/with-wrangler.mjs";
import { launchChromium } from "./chromium.mjs";
import { canarySeen, longestTask, watchLongTasks } from "./long-tasks.mjs";
import { serveStatic } from "./static-server.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dist = join(root, "examples/vite-app/dist");

async function main() {
  const assets = readdirSync(join(dist, "assets"));
  assert.ok(assets.some((name) => name.startsWith("meta_secret_kdf_worker")), `Vite bundled the key worker: ${assets}`);
  const server = await startWrangler();
  const site = await serveStatic({
    routes: { "/assets/": join(dist, "assets") },
    pages: { "/": readFileSync(join(dist, "index.html"), "utf8") },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const failed = [];
    page.on("requestfailed", (request) => failed.push(request.url()));
    page.on("response", (response) => response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`));
    await watchLongTasks(page);
    await page.goto(site.url + "/");
    const canary = await canarySeen(page);
    assert.equal(canary, true, "the long-task observer sees a 150 ms task");
    await page.fill("input[name=server]", server.url);
    await page.click("button[type=submit]");
    await page.waitForFunction(() => !document.querySelector("#outcome").textContent.startsWith("working"),
      null, { timeout: 120_000 });
    const outcome = await page.textContent("#outcome");
    assert.equal(outcome, "revealed: correct horse", `the example app ended with: ${outcome}`);
    const steps = await page.$$eval("#steps li", (items) => items.map((item) => item.textContent));
    assert.equal(steps.length, 5, steps.join("\n"));
    assert.match(steps[2], /the phone is a member/);
    const longest = await longestTask(page);
    assert.ok(longest < 250, `the page's thread was blocked for ${longest} ms`);
    assert.deepEqual(failed, [], "every request of the built app succeeded");
    console.log(`Vite example passed: ${steps.length} steps, longest page task ${longest} ms`);
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

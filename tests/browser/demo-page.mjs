// The demo as the browser tests drive it: `npm start` on a free port, and the panel helpers.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopProcessGroup } from "../../scripts/with-wrangler.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const WAIT = 30_000;

/** Runs `npm start` (as a newcomer would) in its own process group; resolves once the page and
 *  the API answer. */
export async function startDemo() {
  const port = await freePort();
  const persistTo = mkdtempSync(join(tmpdir(), "meta-secret-demo-"));
  const child = spawn("npm", ["start"], {
    cwd: root,
    detached: true, // own process group: npm, node, wrangler and workerd stop together
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: String(port), INSPECTOR_PORT: String(await freePort()), PERSIST_TO: persistTo },
  });
  let log = "";
  child.stdout.on("data", (chunk) => (log += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(child);
    rmSync(persistTo, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15 * 60_000; // a cold build may compile for minutes
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const [page, api] = await Promise.all([fetch(`${url}/`), fetch(`${url}/v1/health`)]);
      const html = await page.text();
      if (page.ok && html.includes("meta-secret") && api.ok) {
        assert.ok(log.includes(`running at ${url}`), "npm start prints its URL");
        return { url, stop };
      }
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`npm start did not serve the page and API:\n${log.slice(-4000)}`);
}

export const panel = (page, slot = "device") => page.locator(`section.device[data-slot="${slot}"]`);

export async function openDevice(page, name, slot = "device") {
  const p = panel(page, slot);
  await p.getByLabel("Device name").fill(name);
  await p.getByRole("button", { name: "Open device" }).click();
  await p.locator(".vault-form").waitFor({ state: "visible", timeout: WAIT });
}

export async function vaultAction(page, vault, action, slot = "device") {
  const p = panel(page, slot);
  await p.getByLabel("Vault name").fill(vault);
  await p.getByRole("button", { name: action }).click();
}


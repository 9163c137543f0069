// Bench figure 16 (issue 26): the longest task on the extension's service worker while it unlocks
// (the passphrase's key work runs in the offscreen document, not on the worker). The unpacked
// extension creates a vault on `npm start`'s server, then locks and unlocks `rounds` times; during
// each unlock a 10 ms timer ticks on the worker, and the longest gap between ticks, less 10 ms, is
// the longest task. Prints one JSON line: {"longest_ms": [...], "unlock_ms": [...]}.
//   npm run build:extension && node tests/browser/extension-unlock-bench.mjs [rounds]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchWithExtension } from "./chromium.mjs";
import { WAIT, root, startDemo } from "./demo-page.mjs";
import { startTicker, stopTicker } from "./worker-ticker.mjs";

const rounds = Number(process.argv[2] ?? 3);
const PASSPHRASE = "bench keys";

async function unlockOnce(popup, worker) {
  await popup.evaluate(() => chrome.runtime.sendMessage({ type: "lock" }));
  await startTicker(worker);
  const started = Date.now();
  const answer = await popup.evaluate((passphrase) => chrome.runtime.sendMessage({ type: "unlock", passphrase }), PASSPHRASE);
  const unlockMs = Date.now() - started;
  const gaps = await stopTicker(worker);
  if (!answer?.ok) throw new Error(`the unlock failed: ${JSON.stringify(answer)}`);
  // A worker that never ran its timer would leave no gaps: that is a blocked worker, not 0 ms.
  if (gaps.length < unlockMs / 100) throw new Error(`the worker's timer ticked ${gaps.length} times in ${unlockMs} ms`);
  return { longest: Math.max(...gaps) - 10, unlockMs };
}

async function main() {
  const demo = await startDemo();
  execFileSync("bash", [join(root, "scripts/build-extension.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  const profile = mkdtempSync(join(tmpdir(), "meta-secret-extension-bench-"));
  const context = await launchWithExtension(join(root, "extension/dist"), profile);
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: WAIT }));
    const id = new URL(worker.url()).host;
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${id}/popup.html`);
    const setup = popup.locator("#setup");
    await setup.waitFor({ timeout: WAIT });
    await setup.locator("#server-choice").selectOption("other");
    await setup.getByLabel("Server address").fill(demo.url);
    await setup.getByLabel("Passphrase for").fill(PASSPHRASE);
    await setup.getByLabel("The passphrase again").fill(PASSPHRASE);
    await setup.getByLabel("Vault").fill(`bench-${Date.now()}`);
    await setup.getByRole("button", { name: "Create a vault" }).click();
    // The popup shows its lock button once the setup answered (the vault created, not only the
    // device opened: locking before that would abandon the setup).
    await popup.locator("#lock").waitFor({ state: "visible", timeout: 120_000 });
    const longest = [];
    const unlock = [];
    for (let round = 0; round < rounds; round++) {
      const { longest: ms, unlockMs } = await unlockOnce(popup, worker);
      longest.push(Math.round(ms * 10) / 10);
      unlock.push(unlockMs);
    }
    console.log(JSON.stringify({ longest_ms: longest, unlock_ms: unlock }));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await demo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

// The demo end to end: runs `npm start` (as a newcomer would) on a free port in its own process
// group, waits for the page and the API, then drives three browser contexts — three devices —
// through Playwright with Debian's Chromium. Screenshots go to tests/browser/screenshots/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "./chromium.mjs";
import { WAIT, openDevice, panel, root, startDemo, vaultAction } from "./demo-page.mjs";
import { recoveryKitScenario } from "./recovery-kit-flow.mjs";

const shots = join(root, "tests/browser/screenshots");
const SECRET = "Пароль: 秘密 🔐 über alles";

async function main() {
  mkdirSync(shots, { recursive: true });
  const demo = await startDemo();
  const browser = await launchChromium();
  try {
    const pages = [];
    for (let i = 0; i < 3; i++) {
      const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error(`page ${i}: ${error}`));
      // The person confirms each approval (the code matches; the vote is meant).
      page.on("dialog", (dialog) => dialog.accept());
      await page.goto(demo.url + "/");
      await page.locator("#boot", { hasText: "Ready" }).waitFor({ timeout: WAIT });
      pages.push(page);
    }
    const [alice, bob, carol] = pages;
    const vault = `family-${Date.now()}`;

    await openDevice(alice, "alice");
    await vaultAction(alice, vault, "Create vault");
    await panel(alice).locator(".members", { hasText: "alice" }).waitFor({ timeout: WAIT });

    // Each joiner shows a verification code; approvers see the same code next to the request.
    // Bob needs Alice alone (one member); Carol needs two approvals (the quorum).
    for (const [page, name, approvers] of [[bob, "bob", [alice]], [carol, "carol", [alice, bob]]]) {
      await openDevice(page, name);
      await vaultAction(page, vault, "Ask to join");
      await panel(page).locator(".status-text", { hasText: "Waiting" }).waitFor({ timeout: WAIT });
      const code = (await panel(page).locator(".verify-code").textContent()).trim();
      assert.match(code, /^\d{4}-\d{4}-\d{4}-\d{4}$/, "the joiner shows its verification code");
      for (const [i, approver] of approvers.entries()) {
        // The approver sees the request arrive live (no reload), types the code the device shows
        // (the expected code is not on its screen), approves.
        const request = panel(approver).locator(".pending li", { hasText: name });
        await request.locator(".progress", { hasText: `${i} of ${approvers.length} approvals to add ${name}` })
          .waitFor({ timeout: WAIT });
        assert.equal(await request.textContent().then((text) => text.includes(code)), false, "the code is typed, not shown");
        if (i === 0) {
          // A wrong code approves nothing.
          await request.getByLabel(`Code ${name} shows`).fill("1111-2222-3333-4444");
          await request.getByRole("button", { name: "Approve" }).click();
          await panel(approver).locator(".error", { hasText: "not the code" }).waitFor({ timeout: WAIT });
          assert.equal(await request.locator(".progress", { hasText: `0 of ${approvers.length}` }).count(), 1);
        }
        await request.getByLabel(`Code ${name} shows`).fill(code);
        if (i === 1) await approver.screenshot({ path: join(shots, "1-bob-second-approval.png"), fullPage: true });
        await request.getByRole("button", { name: "Approve" }).click();
      }
      await panel(page).locator(".members", { hasText: "alice" }).waitFor({ timeout: WAIT });
    }
    await alice.screenshot({ path: join(shots, "1-alice-three-members.png"), fullPage: true });
    await panel(alice).locator(".quorum-line", { hasText: "needs 2 approval" }).waitFor({ timeout: WAIT });
    const fingerprint = (await panel(alice).locator(".fingerprint").textContent()).trim();
    assert.match(fingerprint, /^\d+ · [0-9a-f]{4}-[0-9a-f]{4}$/, "members see the log fingerprint");

    const add = panel(alice).locator(".add-secret");
    await add.getByLabel("Name").fill("bank");
    await add.getByLabel("Secret").fill(SECRET);
    await add.getByLabel(/Devices needed/).fill("2");
    await add.getByRole("button", { name: "Add secret" }).click();
    await panel(alice).locator(".secrets li", { hasText: "needs 2 devices · held by 3" }).waitFor({ timeout: WAIT });

    // Bob sees the secret live and asks to recover it; Carol approves; Bob reveals.
    const bobSecret = panel(bob).locator(".secrets li", { hasText: "bank" });
    await bobSecret.waitFor({ timeout: WAIT });
    await bobSecret.getByRole("button", { name: "Request recovery" }).click();
    const carolClaim = panel(carol).locator(".claims li", { hasText: "asked by bob" });
    await carolClaim.locator(".progress", { hasText: "0 of 1 approvals" }).waitFor({ timeout: WAIT });
    await carol.screenshot({ path: join(shots, "2-carol-claim.png"), fullPage: true });
    await carolClaim.getByRole("button", { name: "Approve" }).click();
    const bobClaim = panel(bob).locator(".claims li", { hasText: "1 of 1 approvals" });
    await bobClaim.waitFor({ timeout: WAIT });
    await bobClaim.getByRole("button", { name: "Reveal" }).click();
    await panel(bob).locator(".revealed").waitFor({ state: "visible", timeout: WAIT });
    assert.equal(await panel(bob).locator(".revealed-text").inputValue().catch(() => null) ??
      await panel(bob).locator(".revealed-text").textContent(), SECRET);
    await bob.screenshot({ path: join(shots, "3-bob-revealed.png"), fullPage: true });

    // Playground: a simulated device on Alice's page asks to join and is declined.
    await alice.getByRole("button", { name: /simulated device/ }).click();
    await openDevice(alice, "dave", "sim-1");
    await vaultAction(alice, vault, "Ask to join", "sim-1");
    const daveRequest = panel(alice).locator(".pending li", { hasText: "dave" });
    await daveRequest.waitFor({ timeout: WAIT });
    await daveRequest.getByRole("button", { name: "Decline" }).click();
    await panel(alice, "sim-1").locator(".status-text", { hasText: "declined" }).waitFor({ timeout: WAIT });
    await alice.screenshot({ path: join(shots, "4-playground-declined.png"), fullPage: true });
    // Re-admitted by two members, dave may ask again.
    for (const page of [alice, bob]) {
      const declined = panel(page).locator(".declined li", { hasText: "dave" });
      await declined.waitFor({ timeout: WAIT });
      await declined.getByRole("button", { name: "Re-admit" }).click();
    }
    await panel(alice, "sim-1").locator(".status-text", { hasText: "not a member" }).waitFor({ timeout: WAIT });
    await vaultAction(alice, vault, "Ask to join", "sim-1");
    await panel(alice).locator(".pending li", { hasText: "dave" }).waitFor({ timeout: WAIT });

    // An error path: joining a vault that does not exist shows a readable error.
    await carol.getByRole("button", { name: /simulated device/ }).click();
    await openDevice(carol, "erin", "sim-1");
    await vaultAction(carol, `no-such-vault-${Date.now()}`, "Ask to join", "sim-1");
    await panel(carol, "sim-1").locator(".error", { hasText: "NO_VAULT" }).waitFor({ timeout: WAIT });
    await carol.screenshot({ path: join(shots, "5-error-no-vault.png"), fullPage: true });
    await recoveryKitScenario(browser, demo.url, shots);
    console.log(`demo end-to-end test passed; screenshots in ${shots}`);
  } finally {
    await browser.close();
    await demo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

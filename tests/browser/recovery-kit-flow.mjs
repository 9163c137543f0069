// Recovery kits in the demo, end to end: two devices make two kits (the quorum is 2), print one,
// then every device's IndexedDB is deleted; a fresh browser asks to join, the two kits typed in
// one after another on that browser let it in, and it reveals the secret with a kit's approval.
import assert from "node:assert/strict";
import { join } from "node:path";
import { WAIT, openDevice, panel, vaultAction } from "./demo-page.mjs";

const SECRET = "kit-recovered: the family's bank password";

async function newDevicePage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`kit flow page: ${error}`));
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(url + "/");
  await page.locator("#boot", { hasText: "Ready" }).waitFor({ timeout: WAIT });
  return page;
}

async function databases(page) {
  return page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
}

/** Alice makes a kit from her panel, reads the printed page, hides it; Bob approves the join. */
async function makeKit(alice, bob, label, shots) {
  const maker = panel(alice).locator(".add-kit");
  await maker.getByLabel("Kit label").fill(label);
  await maker.getByRole("button", { name: "Add a recovery kit" }).click();
  const print = alice.locator("#kit-print");
  await print.waitFor({ state: "visible", timeout: WAIT });
  const words = await print.locator(".kit-words li").allTextContents();
  assert.equal(words.length, 24, "the page shows 24 words");
  assert.equal(new Set(words.map((w) => /^[a-z]{3,8}$/.test(w))).has(false), false, "lowercase list words");
  const code = (await print.locator(".kit-code").textContent()).trim();
  assert.match(code, /^\d{4}-\d{4}-\d{4}-\d{4}$/);
  const fingerprint = (await print.locator(".kit-fingerprint").textContent()).trim();
  assert.match(fingerprint, /^paper · [0-9a-f]{8} \([0-9a-f]{32}\)$/);
  assert.equal(await print.locator(".kit-qr svg").count(), 1, "the page carries the QR code");
  assert.equal((await print.locator(".kit-vault").textContent()).trim().length > 0, true);
  if (shots) {
    // What the printer gets: the kit page alone.
    await alice.emulateMedia({ media: "print" });
    assert.equal(await panel(alice).isVisible(), false, "devices are not printed");
    await alice.screenshot({ path: join(shots, "6-recovery-kit-print.png"), fullPage: true });
    await alice.emulateMedia({ media: "screen" });
  }
  await print.getByRole("button", { name: /stored it safely: approve/ }).click();
  await print.waitFor({ state: "hidden", timeout: WAIT });
  assert.equal(await alice.locator("#kit-print .kit-words li").count(), 0, "the words leave the page");
  assert.equal((await alice.content()).includes(words.slice(0, 4).join(" ")), false);

  // Stored: Alice's vote came with that click. The quorum needs Bob too: he compares the code.
  await panel(alice).locator(".pending li", { hasText: label }).locator(".meta", { hasText: "you approved" })
    .waitFor({ timeout: WAIT });
  const request = panel(bob).locator(".pending li", { hasText: label });
  // Bob is told who made the kit and saw its words (their approval does not count for it).
  await request.locator(".kit-maker-note", { hasText: "made by alice, who saw its words" }).waitFor({ timeout: WAIT });
  await request.getByLabel(`Code ${label} shows`).fill(code);
  await request.getByRole("button", { name: "Approve" }).click();
  await panel(alice).locator(".members li", { hasText: label }).waitFor({ timeout: WAIT });
  const shortId = fingerprint.slice("paper · ".length, "paper · ".length + 8);
  await panel(alice).locator(".members li", { hasText: `paper · ${shortId}` }).waitFor({ timeout: WAIT });
  return words;
}

/** Types a kit into a fresh kit panel of `page`, with the feedback a person sees on the way. */
async function typeKit(page, slot, words, vault, { checkFeedback = false } = {}) {
  await page.getByRole("button", { name: "Use a recovery kit" }).click();
  const kit = panel(page, slot);
  const box = kit.getByLabel(/Recovery kit words/);
  const status = kit.locator(".kit-check");
  if (checkFeedback) {
    await box.fill(words.slice(0, 23).join(" "));
    await status.filter({ hasText: "23 of 24 words" }).waitFor({ timeout: WAIT });
    const wrong = [...words];
    wrong[4] = "zzzz";
    await box.fill(wrong.join(" "));
    await status.filter({ hasText: "word 5 is not" }).waitFor({ timeout: WAIT });
    // Autocomplete: the last word from a prefix. (A 3-letter word is typed whole: a 2-letter
    // prefix such as "fa" has more completions than the 8 shown.)
    const last = words[23];
    const prefix = last.length <= 3 ? last : last.slice(0, Math.min(4, last.length - 1));
    await box.fill(`${words.slice(0, 23).join(" ").toUpperCase()} ${prefix}`);
    if (prefix !== last) await kit.locator(".kit-suggest").getByRole("button", { name: last, exact: true }).click();
    await status.filter({ hasText: "All 24 words check out" }).waitFor({ timeout: WAIT });
    // No vault named: a readable error with its code, and nothing opens.
    await kit.getByRole("button", { name: "Open kit for this session" }).click();
    await kit.locator(".error", { hasText: "INVALID_INPUT" }).waitFor({ timeout: WAIT });
  } else {
    await box.fill(words.join(" "));
  }
  await kit.getByLabel(/kit's vault/).fill(vault);
  await kit.getByRole("button", { name: "Open kit for this session" }).click();
  await kit.locator(".you", { hasText: "recovery kit" }).waitFor({ timeout: WAIT });
  assert.equal(await box.inputValue(), "", "the typed words leave the form once the kit is open");
  // The kit's log came from the server alone: it approves nothing before a person vouches for it.
  // Every other device is lost here, so there is no fingerprint to compare with.
  await kit.locator(".kit-verify").waitFor({ state: "visible", timeout: WAIT });
  await kit.getByRole("button", { name: "Every other device is lost" }).click();
  await kit.locator(".kit-verify").waitFor({ state: "hidden", timeout: WAIT });
  return kit;
}

export async function recoveryKitScenario(browser, url, shots) {
  const [alice, bob] = [await newDevicePage(browser, url), await newDevicePage(browser, url)];
  const vault = `kits-${Date.now()}`;
  await openDevice(alice, "alice");
  await vaultAction(alice, vault, "Create vault");
  await openDevice(bob, "bob");
  await vaultAction(bob, vault, "Ask to join");
  await panel(bob).locator(".verify-code").filter({ hasText: /\d{4}-/ }).waitFor({ timeout: WAIT });
  const bobCode = (await panel(bob).locator(".verify-code").textContent()).trim();
  const bobRequest = panel(alice).locator(".pending li", { hasText: "bob" });
  await bobRequest.waitFor({ timeout: WAIT });
  await bobRequest.getByLabel("Code bob shows").fill(bobCode);
  await bobRequest.getByRole("button", { name: "Approve" }).click();
  await panel(bob).locator(".members", { hasText: "alice" }).waitFor({ timeout: WAIT });

  const kitA = await makeKit(alice, bob, "Kit A", shots);
  const kitB = await makeKit(alice, bob, "Kit B");
  const add = panel(alice).locator(".add-secret");
  await add.getByLabel("Name").fill("bank");
  await add.getByLabel("Secret").fill(SECRET);
  await add.getByLabel(/Devices needed/).fill("2");
  await add.getByRole("button", { name: "Add secret" }).click();
  await panel(alice).locator(".secrets li", { hasText: "needs 2 devices · held by 4" }).waitFor({ timeout: WAIT });
  await panel(bob).locator(".secrets li", { hasText: "bank" }).waitFor({ timeout: WAIT });

  // Every device is lost: its IndexedDB deleted, its browser gone.
  for (const page of [alice, bob]) {
    await page.goto(url + "/"); // closes the device's database
    await page.evaluate(async () => {
      for (const db of await indexedDB.databases()) {
        await new Promise((resolve, reject) => {
          const request = indexedDB.deleteDatabase(db.name);
          request.onsuccess = resolve;
          request.onerror = () => reject(request.error);
          request.onblocked = () => reject(new Error(`${db.name} is still open`));
        });
      }
    });
    assert.deepEqual(await databases(page), [], "nothing of the device is left");
    await page.context().close();
  }

  // A fresh browser asks to join; the two kits, typed in one after another, let it in.
  const fresh = await newDevicePage(browser, url);
  await openDevice(fresh, "new laptop");
  await vaultAction(fresh, vault, "Ask to join");
  // The code is drawn once the request is stored: wait for it (typing an empty one approves nothing).
  await panel(fresh).locator(".verify-code").filter({ hasText: /\d{4}-\d{4}/ }).waitFor({ timeout: WAIT });
  const code = (await panel(fresh).locator(".verify-code").textContent()).trim();
  assert.match(code, /^\d{4}-\d{4}-\d{4}-\d{4}$/);
  const first = await typeKit(fresh, "kit-1", kitA, vault, { checkFeedback: true });
  const request = first.locator(".pending li", { hasText: "new laptop" });
  await request.getByLabel("Code new laptop shows").fill(code);
  await request.getByRole("button", { name: "Approve" }).click();
  await first.locator(".pending li", { hasText: "you approved" }).waitFor({ timeout: WAIT });
  await fresh.screenshot({ path: join(shots, "7-recovery-kit-approves.png"), fullPage: true });
  await first.getByRole("button", { name: /Close kit/ }).click();
  await first.waitFor({ state: "detached", timeout: WAIT });

  const second = await typeKit(fresh, "kit-2", kitB, vault);
  const again = second.locator(".pending li", { hasText: "new laptop" });
  await again.getByLabel("Code new laptop shows").fill(code);
  await again.getByRole("button", { name: "Approve" }).click();
  await panel(fresh).locator(".members", { hasText: "Kit A" }).waitFor({ timeout: WAIT });

  // The re-share gives the new laptop its share (the secret's name comes with it); a kit approves
  // the recovery, and the secret is back.
  const secret = panel(fresh).locator(".secrets li", { hasText: "bank" });
  await secret.waitFor({ timeout: WAIT });
  await secret.getByRole("button", { name: "Request recovery" }).click();
  const claim = second.locator(".claims li", { hasText: "asked by new laptop" });
  await claim.getByRole("button", { name: "Approve" }).click();
  const mine = panel(fresh).locator(".claims li", { hasText: "1 of 1 approvals" });
  await mine.getByRole("button", { name: "Reveal" }).click();
  await panel(fresh).locator(".revealed").waitFor({ state: "visible", timeout: WAIT });
  assert.equal(await panel(fresh).locator(".revealed-text").textContent(), SECRET);
  await second.getByRole("button", { name: /Close kit/ }).click();
  await second.waitFor({ state: "detached", timeout: WAIT });
  // The kits wrote nothing to this browser: only the new laptop's database exists.
  assert.deepEqual(await databases(fresh), ["meta-secret-device"]);
  for (const words of [kitA, kitB]) {
    assert.equal((await fresh.content()).includes(words.slice(0, 3).join(" ")), false, "no kit words stay on the page");
  }
  await fresh.screenshot({ path: join(shots, "8-recovered-with-kits.png"), fullPage: true });
  await fresh.context().close();
  console.log("recovery kit end-to-end scenario passed");
}

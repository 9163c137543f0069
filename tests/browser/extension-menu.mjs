// The context menu's "Fill a generated password", used by extension-e2e.mjs. Headless Chromium has
// no menu to right-click, so a click is run through the worker's real contextMenus.onClicked
// listeners (as the browser runs them), with the tab the browser would pass.
import assert from "node:assert/strict";

const WAIT = 30_000;
const newPasswords = (page) => page.evaluate(() => [...document.querySelectorAll("input[autocomplete=new-password]")].map((input) => input.value));

async function clickMenu(worker, tabId, frameId) {
  await worker.evaluate(async ([tab, frame]) => {
    const info = { menuItemId: "generate-password", frameId: frame, editable: true, pageUrl: (await chrome.tabs.get(tab)).url };
    /** @type {any} */ (chrome.contextMenus.onClicked).dispatch(info, await chrome.tabs.get(tab));
  }, [tabId, frameId]);
}

/** On `page` (a sign-up form of `origin`, in tab `tabId`): the menu fills one generated password
 *  into both new-password fields, and the popup offers to save it under a username typed there;
 *  a click inside a frame fills nothing and a notification says why. */
export async function checkGeneratedPasswordMenu(worker, popup, popupUrl, page, tabId, origin) {
  await clickMenu(worker, tabId, 0);
  await page.waitForFunction(() => {
    const [first, again] = [...document.querySelectorAll("input[autocomplete=new-password]")].map((input) => input.value);
    return first.length === 20 && first === again;
  }, undefined, { timeout: WAIT });
  const [generated] = await newPasswords(page);
  await popup.goto(popupUrl(`?tab=${tabId}`));
  const offer = popup.locator("#offer");
  await offer.locator("#offer-text", { hasText: `Save the password just generated for ${origin}?` }).waitFor({ timeout: WAIT });
  await offer.getByRole("button", { name: "Save" }).click();
  await popup.locator("#error", { hasText: "type the username this password is for (INVALID_INPUT)" }).waitFor({ timeout: WAIT });
  await offer.getByLabel("Username").fill("menu-user");
  await offer.getByRole("button", { name: "Save" }).click();
  await popup.locator(`#logins li[data-origin="${origin}"]`, { hasText: "menu-user" }).waitFor({ timeout: WAIT });
  await offer.waitFor({ state: "hidden", timeout: WAIT });

  // Inside a frame: nothing is filled, and a notification says why.
  await page.evaluate(() => document.querySelectorAll("input").forEach((input) => (input.value = "")));
  await clickMenu(worker, tabId, 7);
  const told = await worker.evaluate(async () => {
    for (let tries = 0; tries < 40; tries++) {
      const shown = Object.keys(await chrome.notifications.getAll()).filter((key) => key.startsWith("generated/"));
      if (shown.length) return shown;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [];
  });
  assert.equal(told.length, 1, "a notification says why nothing was filled");
  assert.deepEqual(await newPasswords(page), ["", ""], "nothing filled from a frame's menu");
  return generated;
}

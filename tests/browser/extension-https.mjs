// Save on submit on an https site, which the extension reaches only after a person grants the
// optional `https://*/*` host permission. Used by extension-e2e.mjs.
//
// The https page is served here with a self-signed certificate that openssl makes at test time
// (Chromium runs with --ignore-certificate-errors). The browser's permission prompt cannot be
// clicked in headless Chromium, so the person's grant is given where a person can give it without
// the prompt: the extension's page in chrome://extensions (`developerPrivate.addHostPermission`,
// what that page's site-access control calls). The popup's own setting then asks for the
// permission with `chrome.permissions.request`, which the browser grants without a prompt.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HTTPS_ARGS = ["--ignore-certificate-errors"];
const WAIT = 30_000;

/** Serves `pages` (path → HTML) over https on 127.0.0.1 with a fresh self-signed certificate. */
export async function httpsSite(pages) {
  const dir = mkdtempSync(join(tmpdir(), "meta-secret-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request, response) => {
    const page = pages[new URL(request.url, "https://x").pathname];
    response.writeHead(page === undefined ? 404 : 200, { "content-type": "text/html; charset=utf-8" });
    response.end(page ?? "not found");
  });
  rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** The person allows the extension on https sites in chrome://extensions (see above). */
export async function allowHttpsInExtensionsPage(context, extensionId) {
  const page = await context.newPage();
  await page.goto(`chrome://extensions/?id=${extensionId}`);
  await page.evaluate((id) => /** @type {any} */ (globalThis).chrome.developerPrivate.addHostPermission(id, "https://*/*"), extensionId);
  await page.close();
}

/** Types a login into `page`'s form and sends it (a real click on its button). */
export async function sendLogin(page, username, password) {
  await page.bringToFront();
  await page.fill("input[name=user]", username);
  await page.fill("input[name=pass]", password);
  await Promise.all([page.waitForNavigation(), page.click("button")]);
}

/** Opens `url` in a new tab; returns the page and its tab id. The extension sees an https tab's
 *  URL only once it may read that site, so the id is the one tab that was not there before. */
export async function openTab(context, popup, url) {
  const ids = () => popup.evaluate(async () => (await chrome.tabs.query({})).map((tab) => tab.id));
  const before = new Set(await ids());
  const page = await context.newPage();
  await page.goto(url);
  const fresh = (await ids()).filter((id) => !before.has(id));
  assert.equal(fresh.length, 1, `one new tab for ${url}`);
  return { page, tabId: fresh[0] };
}

/** What the worker offers for a tab (null when nothing was reported), asked from an extension page. */
export async function offerFor(popup, tabId) {
  assert.equal(typeof tabId, "number", "a tab id");
  const answer = await popup.evaluate((tab) => chrome.runtime.sendMessage({ type: "offer", tabId: tab }), tabId);
  assert.equal(answer.ok, true, JSON.stringify(answer));
  return answer.value;
}

/** Waits `ms` and checks that nothing was offered for the tab meanwhile. */
export async function assertNoOffer(popup, tabId, why, ms = 1500) {
  await popup.waitForTimeout(ms);
  assert.equal(await offerFor(popup, tabId), null, why);
}

/** Save on submit on the https site at `siteUrl` (serving LOGIN_PAGE at /login.html) with an
 *  unlocked member extension: nothing is read there until the person allows https sites (the
 *  setting's tick asks the browser); then a login sent there is offered and saved for that https
 *  origin; with the tick removed, nothing is read again. */
export async function checkHttpsSaveOnSubmit(context, popup, popupUrl, extensionId, siteUrl) {
  const { page, tabId } = await openTab(context, popup, `${siteUrl}/login.html`);
  await sendLogin(page, "tls-user", "sent over https 1");
  await assertNoOffer(popup, tabId, "no https access yet: nothing is read from the page");
  await allowHttpsInExtensionsPage(context, extensionId);
  const setting = async (on) => {
    await popup.goto(popupUrl());
    await popup.locator("#menu > summary").click();
    const box = popup.getByLabel(/Offer to save logins sent on any https site/);
    await (on ? box.check() : box.uncheck());
    await popup.waitForFunction(async (wanted) => {
      const granted = await chrome.permissions.contains({ origins: ["https://*/*"] });
      const registered = await chrome.scripting.getRegisteredContentScripts();
      return granted === wanted && registered.length === (wanted ? 1 : 0);
    }, on, { timeout: WAIT, polling: 100 });
    assert.equal(await box.isChecked(), on);
  };
  await setting(true);
  await page.reload(); // the content script runs on pages loaded from now on
  await sendLogin(page, "tls-user", "sent over https 1");
  await popup.goto(popupUrl(`?tab=${tabId}`));
  const offer = popup.locator("#offer");
  await offer.locator("#offer-text", { hasText: `Save the login tls-user at ${siteUrl} you just used?` }).waitFor({ timeout: WAIT });
  await offer.getByRole("button", { name: "Save" }).click();
  await popup.locator(`#logins li[data-origin="${siteUrl}"]`, { hasText: "tls-user" }).waitFor({ timeout: WAIT });
  await setting(false);
  await page.reload();
  await sendLogin(page, "tls-other", "sent over https 2");
  await assertNoOffer(popup, tabId, "https access taken back: nothing is read from the page");
  await page.close();
}

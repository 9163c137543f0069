// The browser extension end to end: the unpacked extension (extension/dist) in headless Chromium
// becomes the second device of a vault made in the web demo (another browser), saves a login,
// fills it only on its exact origin after the other device approves, shows a claim as a badge
// and approves it, locks when idle, and is locked again after a reload. Screenshots of the popup
// go to tests/browser/screenshots/.
//   npm run build:extension && node tests/browser/extension-e2e.mjs
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchChromium, launchWithExtension } from "./chromium.mjs";
import { WAIT, openDevice, panel, root, startDemo, vaultAction } from "./demo-page.mjs";
import { checkHostileForms, trickSite } from "./extension-fill-tricks.mjs";
import { attackerServer } from "./hostile-forms.mjs";
import { HTTPS_ARGS, checkHttpsSaveOnSubmit, httpsSite } from "./extension-https.mjs";
import { checkGeneratedPasswordMenu } from "./extension-menu.mjs";
import { startTicker, stopTicker } from "./worker-ticker.mjs";
import { parseTotp, totpCode } from "../../extension/src/totp.js";
import { parseImport } from "../../extension/src/importers.js";

const shots = join(root, "tests/browser/screenshots");
const LOGIN_PAGE = `<!doctype html><meta charset="utf-8"><title>Sign in</title>
<form><input name="user" autocomplete="username"><input name="pass" type="password"><button>Sign in</button></form>`;
const PASSWORD = "pw-Ünïcode-🔐-123";
const TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SIGNUP_PAGE = `<!doctype html><meta charset="utf-8"><title>Sign up</title>
<form><input name="email" autocomplete="username"><input name="new" type="password" autocomplete="new-password">
<input name="again" type="password" autocomplete="new-password"><button>Create account</button></form>`;

async function extensionWorker(context) {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: WAIT }));
  return { worker, id: new URL(worker.url()).host };
}

/** Presses a browser shortcut the way a keyboard does: through the browser, not into the page
 *  (Playwright's keyboard never reaches extension commands; CDP's raw key events do). */
async function pressShortcut(context, page, key, modifiers) {
  await page.bringToFront();
  const cdp = await context.newCDPSession(page);
  const code = key.charCodeAt(0);
  for (const type of ["rawKeyDown", "keyUp"]) {
    await cdp.send("Input.dispatchKeyEvent", { type, modifiers, key, code: `Key${key}`, windowsVirtualKeyCode: code, nativeVirtualKeyCode: code });
  }
  await cdp.detach();
}
const ALT = 1, CTRL = 2, SHIFT = 8;

async function fields(page) {
  return page.evaluate(() => [...document.querySelectorAll("input")].map((input) => input.value));
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const demo = await startDemo();
  execFileSync("bash", [join(root, "scripts/build-extension.sh")], { stdio: "inherit" });
  // The login's site also serves the hostile login pages (hostile-forms.mjs).
  const attacker = await attackerServer();
  const site = await trickSite(attacker, { "/login.html": LOGIN_PAGE, "/signup.html": SIGNUP_PAGE });
  const port = new URL(site.url).port;
  const loginOrigin = `http://127.0.0.1:${port}`;
  const profile = mkdtempSync(join(tmpdir(), "meta-secret-extension-"));
  const browser = await launchChromium();
  // The https site's certificate is self-signed (extension-https.mjs).
  const secure = await httpsSite({ "/login.html": LOGIN_PAGE });
  let context = await launchWithExtension(join(root, "extension/dist"), profile, HTTPS_ARGS);
  try {
    // Alice's vault on the web demo.
    const alice = await (await browser.newContext()).newPage();
    alice.on("dialog", (dialog) => dialog.accept());
    await alice.goto(demo.url + "/");
    await alice.locator("#boot", { hasText: "Ready" }).waitFor({ timeout: WAIT });
    const vault = `ext-${Date.now()}`;
    await openDevice(alice, "alice");
    await vaultAction(alice, vault, "Create vault");

    let { id } = await extensionWorker(context);
    const popupUrl = (query = "") => `chrome-extension://${id}/popup.html${query}`;
    let popup = await context.newPage();
    popup.on("dialog", (dialog) => dialog.accept());
    await popup.goto(popupUrl());
    const setup = popup.locator("#setup");
    await setup.waitFor({ timeout: WAIT });
    await popup.locator("body").screenshot({ path: join(shots, "ext-1-setup.png") });
    // Bad input: a readable message with its code, and nothing is kept.
    // The server picker offers the built-in server first; the test's server is "another".
    assert.match(await setup.locator("#server-choice").locator("option:checked").textContent(), /built-in server \(127\.0\.0\.1:8787\)/);
    await setup.locator("#server-choice").selectOption("other");
    await setup.getByLabel("Server address").fill(demo.url);
    await setup.getByLabel("Passphrase for").fill("extension keys");
    await setup.getByLabel("The passphrase again").fill("extension keyz");
    await setup.getByLabel("Vault").fill(vault);
    await setup.getByRole("button", { name: "Ask to join" }).click();
    await popup.locator("#error", { hasText: "passphrases differ (INVALID_INPUT)" }).waitFor({ timeout: WAIT });
    await setup.getByLabel("The passphrase again").fill("extension keys");
    await setup.getByLabel("Vault").fill("no such vault!");
    await setup.getByRole("button", { name: "Ask to join" }).click();
    // At once: before the seconds of key derivation a setup starts with.
    await popup.locator("#error", { hasText: "letters, digits, '-', '_' and '.' only (INVALID_INPUT)" }).waitFor({ timeout: 1500 });
    // A well-formed name of no vault is reported at once too (the server is asked before any key
    // work), and so is creating a vault whose name is taken; neither leaves a setup behind.
    await setup.getByLabel("Vault").fill(`nowhere-${Date.now()}`);
    await setup.getByRole("button", { name: "Ask to join" }).click();
    await popup.locator("#error", { hasText: /no vault named nowhere-\d+ .*\(NO_VAULT\)/ }).waitFor({ timeout: 1500 });
    await setup.getByLabel("Vault").fill(vault);
    await setup.getByRole("button", { name: "Create a vault" }).click();
    await popup.locator("#error", { hasText: `a vault named ${vault} exists already (VAULT_EXISTS)` }).waitFor({ timeout: 1500 });
    assert.equal((await popup.evaluate(() => chrome.runtime.sendMessage({ type: "state" }))).value.setUp, false, "nothing kept");
    await setup.getByLabel("Server address").fill(demo.url);
    await setup.getByLabel("Passphrase for").fill("extension keys");
    await setup.getByLabel("The passphrase again").fill("extension keys");
    await setup.getByLabel("Vault").fill(vault);
    await setup.getByRole("button", { name: "Ask to join" }).click();
    await popup.locator("#waiting").waitFor({ timeout: 60_000 });
    const code = (await popup.locator("#code").textContent()).trim();
    assert.match(code, /^\d{4}-\d{4}-\d{4}-\d{4}$/);
    await popup.locator("body").screenshot({ path: join(shots, "ext-2-waiting.png") });

    // Alice compares the code and approves; the extension is a member.
    const request = panel(alice).locator(".pending li", { hasText: "browser extension" });
    await request.getByLabel(/^Code .* shows$/).fill(code);
    await request.getByRole("button", { name: "Approve" }).click();
    await panel(alice).locator(".members", { hasText: "browser extension" }).waitFor({ timeout: WAIT });
    await popup.getByRole("button", { name: "Check again" }).click();
    await popup.locator("#vault").waitFor({ timeout: WAIT });

    // Save a login; a bad one is refused with its code.
    const save = popup.locator("#save-login");
    await popup.locator("#save > summary").click();
    await save.getByLabel("Site").fill("ftp://example.com");
    await save.getByLabel("Username").fill("ada");
    await save.getByLabel("Password").fill(PASSWORD);
    await save.getByRole("button", { name: "Save login" }).click();
    await popup.locator("#error", { hasText: "INVALID_INPUT" }).waitFor({ timeout: WAIT });
    await save.getByLabel("Site").fill(loginOrigin);
    await save.getByLabel("Username").fill("ada");
    await save.getByLabel("Password").fill(PASSWORD);
    await save.getByRole("button", { name: "Save login" }).click();
    await popup.locator("#logins li", { hasText: "ada" }).waitFor({ timeout: WAIT });
    // A second login, on another origin, for the session unlock and for search.
    await popup.locator("#save").evaluate((details) => (details.open = true));
    await save.getByLabel("Site").fill(`http://localhost:${port}`);
    await save.getByLabel("Username").fill("grace");
    await save.getByLabel("Password").fill("another password");
    await save.getByRole("button", { name: "Save login" }).click();
    await popup.locator("#logins li", { hasText: "grace" }).waitFor({ timeout: WAIT });
    await popup.getByLabel("Search logins").fill("grac");
    await popup.locator("#logins li", { hasText: "ada" }).waitFor({ state: "detached", timeout: WAIT });
    assert.equal(await popup.locator("#logins li").count(), 1, "search narrows the list");
    await popup.getByLabel("Search logins").fill("");

    // The login page: nothing is filled on load.
    const page = await context.newPage();
    await page.goto(`${loginOrigin}/login.html`);
    await page.waitForTimeout(1000);
    assert.deepEqual(await fields(page), ["", ""], "never filled on page load");
    const tabId = async (url) => popup.evaluate(async (wanted) =>
      (await chrome.tabs.query({})).find((tab) => tab.url === wanted)?.id, url);
    const loginTab = await tabId(`${loginOrigin}/login.html`);
    assert.ok(loginTab, "the login page's tab");

    // Over the login page, the popup offers the login. One unlock asks Alice once for every login,
    // and her one action approves them all.
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    const entry = popup.locator("#logins li", { hasText: "ada" });
    assert.equal(await entry.getByRole("button", { name: "Fill" }).count(), 0, "locked logins do not fill");
    await popup.getByRole("button", { name: /Unlock 2 login/ }).click();
    const aliceBatch = panel(alice).locator(".claims li", { hasText: "browser extension asks to unlock 2 secret(s)" });
    await aliceBatch.getByRole("button", { name: "Approve all" }).click({ timeout: WAIT });
    await panel(alice).locator(".claims li", { hasText: "asks to unlock" }).waitFor({ state: "detached", timeout: WAIT });
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    await popup.locator("body").screenshot({ path: join(shots, "ext-3-logins.png") });
    await entry.getByRole("button", { name: "Fill" }).click({ timeout: WAIT });
    await page.waitForFunction((password) => document.querySelector("input[type=password]").value === password,
      PASSWORD, { timeout: WAIT });
    assert.deepEqual(await fields(page), ["ada", PASSWORD], "filled on its exact origin");

    // The fill shortcut (Alt+Shift+L) fills the same way, on the page in front.
    await page.reload();
    assert.deepEqual(await fields(page), ["", ""]);
    await pressShortcut(context, page, "L", ALT | SHIFT);
    await page.waitForFunction((password) => document.querySelector("input[type=password]").value === password,
      PASSWORD, { timeout: WAIT });

    // Copy: the password reaches the clipboard through the offscreen document, and is cleared
    // again (after 30 s; shortened here to 2 s through a test hook that can only shorten it).
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: loginOrigin });
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: "setClipboardClear", ms: 2000 }));
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    await entry.getByRole("button", { name: "Copy" }).click({ timeout: WAIT });
    await popup.locator("#standing", { hasText: "Password copied" }).waitFor({ timeout: WAIT });
    await page.bringToFront();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), PASSWORD, "copied");
    await page.waitForTimeout(3000);
    assert.notEqual(await page.evaluate(() => navigator.clipboard.readText()), PASSWORD, "cleared after the delay");

    // Never on another origin (localhost is not 127.0.0.1), never into a cross-origin frame.
    const other = await context.newPage();
    await other.goto(`http://localhost:${port}/login.html`);
    const framed = await context.newPage();
    await framed.goto(`${loginOrigin}/login.html`);
    await framed.evaluate((src) => {
      document.body.replaceChildren();
      const frame = document.createElement("iframe");
      frame.src = src;
      document.body.append(frame);
      return new Promise((resolve) => (frame.onload = resolve));
    }, `http://localhost:${port}/login.html`);
    let loginId = (await popup.evaluate(() => chrome.runtime.sendMessage({ type: "state" }))).value.logins
      .find((login) => login.username === "ada").id;
    const fillInto = (tab) => popup.evaluate(([id, tab]) => chrome.runtime.sendMessage({ type: "fill", id, tabId: tab }), [loginId, tab]);
    const refusedElsewhere = await fillInto(await tabId(`http://localhost:${port}/login.html`));
    assert.equal(refusedElsewhere.code, "WRONG_ORIGIN");
    assert.deepEqual(await fields(other), ["", ""]);
    await popup.goto(popupUrl(`?tab=${await tabId(`http://localhost:${port}/login.html`)}`));
    await popup.locator("#logins li", { hasText: "ada" }).waitFor({ timeout: WAIT });
    assert.equal(await popup.locator("#logins li", { hasText: "ada" }).getByRole("button", { name: "Fill" }).count(), 0);
    const framedTab = (await popup.evaluate(async (origin) =>
      (await chrome.tabs.query({})).filter((tab) => tab.url === `${origin}/login.html`).map((tab) => tab.id), loginOrigin))
      .find((tab) => tab !== loginTab);
    const refusedFrame = await fillInto(framedTab);
    assert.equal(refusedFrame.code, "NO_FORM", JSON.stringify(refusedFrame));
    const frameFields = await framed.frames()[1].evaluate(() => [...document.querySelectorAll("input")].map((i) => i.value));
    assert.deepEqual(frameFields, ["", ""], "never into a cross-origin frame");

    // Every hostile login page is refused and every honest one filled, through the real fill.
    const tricks = await checkHostileForms(context, site, attacker, tabId, async (tab) => {
      const answer = await fillInto(tab);
      return answer.ok ? answer.value : `${answer.code}: ${answer.message}`;
    }, PASSWORD);
    // The generator's fill into new-password fields goes through the same checks.
    await checkHostileForms(context, site, attacker, tabId, async (tab) => {
      const answer = await popup.evaluate(([tab, password]) => chrome.runtime.sendMessage({ type: "fillNew", tabId: tab, password }), [tab, PASSWORD]);
      return answer.ok ? answer.value : `${answer.code}: ${answer.message}`;
    }, PASSWORD);
    console.log(`${tricks} hostile and honest login pages checked, for a login and for a generated password`);

    // A claim made on the web demo shows as a badge and, live, in the open popup; it is approved there.
    await popup.goto(popupUrl());
    await popup.locator("#vault").waitFor({ timeout: WAIT });
    const aliceSecret = panel(alice).locator(".secrets li", { hasText: '"username":"ada"' });
    await aliceSecret.getByRole("button", { name: "Request recovery" }).click({ timeout: WAIT });
    let { worker } = await extensionWorker(context);
    await worker.evaluate(() => new Promise((resolve, reject) => {
      const deadline = Date.now() + 30_000;
      const check = async () => {
        if ((await chrome.action.getBadgeText({})) === "1") return resolve(undefined);
        if (Date.now() > deadline) return reject(new Error("no badge"));
        setTimeout(check, 250);
      };
      check();
    }));
    // …and as a notification that says who asks and for what.
    const notifications = await worker.evaluate(() => chrome.notifications.getAll());
    assert.deepEqual(Object.keys(notifications).filter((key) => key.startsWith("claim/")).length, 1, JSON.stringify(notifications));
    // A click on it (the browser runs the worker's onClicked listeners) opens the popup, where it
    // is answered, and the notification goes.
    const claimKey = Object.keys(notifications).find((key) => key.startsWith("claim/"));
    // The popup (or, where the browser will not open it, the popup page in a tab): a context that
    // was not there before the click (this test's own popup page is one already).
    const popupContexts = () => worker.evaluate(async () => (await chrome.runtime.getContexts({
      contextTypes: [chrome.runtime.ContextType.POPUP, chrome.runtime.ContextType.TAB],
    })).filter((context) => new URL(context.documentUrl ?? "about:blank").pathname === "/popup.html")
      .map((context) => `${context.contextType} ${context.contextId}`));
    const before = new Set(await popupContexts());
    await worker.evaluate((key) => /** @type {any} */ (chrome.notifications.onClicked).dispatch(key), claimKey);
    let opened = [];
    for (let tries = 0; tries < 40 && !opened.length; tries++) {
      await popup.waitForTimeout(250);
      opened = (await popupContexts()).filter((context) => !before.has(context));
    }
    assert.equal(opened.length, 1, `a click opens the popup: ${opened}`);
    await worker.evaluate(() => new Promise((resolve, reject) => {
      const deadline = Date.now() + 5_000;
      const check = async () => {
        if (!Object.keys(await chrome.notifications.getAll()).length) return resolve(undefined);
        if (Date.now() > deadline) return reject(new Error("the clicked notification stays"));
        setTimeout(check, 100);
      };
      check();
    }));
    const ask = popup.locator("#requests li", { hasText: "alice asks to use ada at" });
    await ask.locator(".age", { hasText: /asked (just now|\d+ s ago) · expires in 1[45] min/ }).waitFor({ timeout: WAIT });
    await ask.waitFor({ timeout: WAIT }); // no reload: the popup redraws when the worker syncs
    await popup.locator("body").screenshot({ path: join(shots, "ext-4-request.png") });
    await ask.getByRole("button", { name: "Approve" }).click();
    const aliceReveal = panel(alice).locator(".claims li", { hasText: "1 of 1 approvals" });
    await aliceReveal.getByRole("button", { name: "Reveal" }).click({ timeout: WAIT });
    await panel(alice).locator(".revealed").waitFor({ state: "visible", timeout: WAIT });

    // Edit: a new version replaces the login in the list at once (the old one's deletion waits
    // for Alice's vote); a bad idle time is refused with its code and nothing is lost.
    await popup.goto(popupUrl());
    const oldId = loginId;
    await popup.locator("#logins li", { hasText: "ada" }).getByRole("button", { name: "Edit" }).click();
    await save.getByLabel("Password").fill("a new password");
    await save.getByRole("button", { name: "Save login" }).click();
    await popup.waitForFunction(async (old) => {
      const { value } = await chrome.runtime.sendMessage({ type: "state" });
      const adas = value.logins.filter((login) => login.username === "ada");
      return adas.length === 1 && adas[0].id !== old;
    }, oldId, { timeout: WAIT, polling: 250 });
    await popup.goto(popupUrl());
    await popup.locator("#logins li", { hasText: "grace" }).waitFor({ timeout: WAIT });
    assert.equal(await popup.locator("#logins li", { hasText: "ada" }).count(), 1, "one ada after the edit");
    // Saving the same site and username again (not through Edit) updates it too: still one row.
    const editedId = (await popup.evaluate(() => chrome.runtime.sendMessage({ type: "state" }))).value.logins
      .find((login) => login.username === "ada").id;
    await popup.locator("#save").evaluate((details) => (details.open = true));
    await save.getByLabel("Site").fill(loginOrigin);
    await save.getByLabel("Username").fill("ada");
    await save.getByLabel("Password").fill("the newest password");
    // With a one-time code secret (RFC 6238's SHA1 seed in base32); a bad one is refused first.
    await save.getByLabel(/One-time code/).fill("otpauth://totp/x?secret=GEZA");
    await save.getByRole("button", { name: "Save login" }).click();
    await popup.locator("#error", { hasText: /too short.*INVALID_INPUT/ }).waitFor({ timeout: WAIT });
    assert.equal(await popup.locator("#logins li", { hasText: "ada" }).count(), 1, "a refused save stores nothing");
    await save.getByLabel(/One-time code/).fill(`otpauth://totp/Example:ada?secret=${TOTP_SECRET}&issuer=Example`);
    await save.getByRole("button", { name: "Save login" }).click();
    await popup.waitForFunction(async (old) => {
      const { value } = await chrome.runtime.sendMessage({ type: "state" });
      const adas = value.logins.filter((login) => login.username === "ada");
      return adas.length === 1 && adas[0].id !== old;
    }, editedId, { timeout: WAIT, polling: 250 });
    // The newest version is the one that fills, once unlocked (Alice approves the unlock).
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    await popup.getByRole("button", { name: /Unlock 1 login/ }).click();
    await panel(alice).locator(".claims li", { hasText: "browser extension asks to unlock 1 secret(s)" })
      .getByRole("button", { name: "Approve all" }).click({ timeout: WAIT });
    await popup.locator("#logins li", { hasText: "ada" }).getByRole("button", { name: "Fill" }).waitFor({ timeout: WAIT });
    await page.reload();
    await pressShortcut(context, page, "L", ALT | SHIFT);
    await page.waitForFunction(() => document.querySelector("input[type=password]").value === "the newest password",
      undefined, { timeout: WAIT });

    // The one-time code: the popup shows (and copies) the code the RFC algorithm gives now.
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    const adaRow = popup.locator("#logins li", { hasText: "ada" });
    await adaRow.getByRole("button", { name: "Code" }).click({ timeout: WAIT });
    await popup.locator("#standing", { hasText: "One-time code" }).waitFor({ timeout: WAIT });
    const shown = await adaRow.getAttribute("data-totp");
    const now = Date.now();
    const expected = await Promise.all([now - 30_000, now, now + 30_000].map(async (at) => (await totpCode(parseTotp(TOTP_SECRET), at)).code));
    assert.ok(expected.includes(shown), `code ${shown}, expected one of ${expected}`);

    // Save on submit: a login typed into the page and sent is offered in the popup (badge "save"),
    // and saved with one click; sending a changed password for it then offers an update.
    await page.bringToFront();
    await page.fill("input[name=user]", "newcomer");
    await page.fill("input[name=pass]", "typed by hand 1");
    await Promise.all([page.waitForNavigation(), page.click("button")]);
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    const offer = popup.locator("#offer");
    await offer.locator("#offer-text", { hasText: "Save the login newcomer at" }).waitFor({ timeout: WAIT });
    await popup.locator("body").screenshot({ path: join(shots, "ext-6-save-offer.png") });
    await offer.getByRole("button", { name: "Save" }).click();
    await popup.locator("#logins li", { hasText: "newcomer" }).waitFor({ timeout: WAIT });
    await offer.waitFor({ state: "hidden", timeout: WAIT });
    const newcomerId = (await popup.evaluate(() => chrome.runtime.sendMessage({ type: "state" }))).value.logins
      .find((login) => login.username === "newcomer").id;
    await page.fill("input[name=user]", "newcomer");
    await page.fill("input[name=pass]", "typed by hand 2");
    await Promise.all([page.waitForNavigation(), page.press("input[name=pass]", "Enter")]);
    await popup.goto(popupUrl(`?tab=${loginTab}`));
    await offer.locator("#offer-text", { hasText: "Update the stored password of newcomer" }).waitFor({ timeout: WAIT });
    await offer.getByRole("button", { name: "Update" }).click();
    await popup.waitForFunction(async (old) => {
      const { value } = await chrome.runtime.sendMessage({ type: "state" });
      const rows = value.logins.filter((login) => login.username === "newcomer");
      return rows.length === 1 && rows[0].id !== old;
    }, newcomerId, { timeout: WAIT, polling: 250 });
    // Save on submit on an https site, once the person allows https sites (extension-https.mjs).
    await checkHttpsSaveOnSubmit(context, popup, popupUrl, id, secure.url);
    // The generator at a sign-up form: both new-password fields get the generated password.
    const signup = await context.newPage();
    await signup.goto(`${loginOrigin}/signup.html`);
    const signupTab = await tabId(`${loginOrigin}/signup.html`);
    await popup.goto(popupUrl(`?tab=${signupTab}`));
    await popup.locator("#save > summary").click();
    await popup.locator("#generator > summary").click();
    await popup.locator("#generated").filter({ hasText: /.{20}/ }).waitFor({ timeout: WAIT });
    await popup.getByRole("button", { name: "Use and fill into this page" }).click();
    await popup.locator("#standing", { hasText: "Filled" }).waitFor({ timeout: WAIT });
    const generated = await popup.locator("#generated").textContent();
    assert.equal(generated.length, 20);
    assert.deepEqual(await fields(signup), ["", generated, generated], "new password and its confirmation");
    // The context menu's "Fill a generated password" on the same form (extension-menu.mjs).
    await signup.reload();
    ({ worker } = await extensionWorker(context));
    await checkGeneratedPasswordMenu(worker, popup, popupUrl, signup, signupTab, loginOrigin);
    await signup.close();

    // Import: each format's fixture is previewed with its counts; a broken file is refused and
    // stores nothing; one import is stored. Export: the plaintext warning, then a Bitwarden JSON
    // file that imports back.
    await popup.goto(popupUrl());
    await popup.locator("#logins li", { hasText: "grace" }).waitFor({ timeout: WAIT });
    const rowsBefore = await popup.locator("#logins li").count();
    await popup.locator("#menu > summary").click();
    const fixtures = join(root, "tests/extension/fixtures");
    for (const [file, summary] of [
      ["bitwarden.json", "Bitwarden JSON: 2 new login(s); 0 already stored and 0 repeated in the file (left out); 2 skipped."],
      ["bitwarden.csv", "Bitwarden CSV: 2 new login(s); 0 already stored and 0 repeated in the file (left out); 1 skipped."],
      ["chrome.csv", "Chrome/Edge CSV: 2 new login(s); 0 already stored and 1 repeated in the file (left out); 0 skipped."],
      ["edge.csv", "Chrome/Edge CSV: 1 new login(s)"],
      ["firefox.csv", "Firefox CSV: 2 new login(s); 0 already stored and 0 repeated in the file (left out); 1 skipped."],
      ["1password.csv", "1Password CSV: 1 new login(s); 0 already stored and 0 repeated in the file (left out); 1 skipped."],
      ["keepassxc.csv", "KeePassXC CSV: 2 new login(s); 0 already stored and 0 repeated in the file (left out); 1 skipped."],
      ["keepass.csv", "KeePass CSV: 1 new login(s)"],
    ]) {
      await popup.locator("#import-file").setInputFiles(join(fixtures, file));
      await popup.locator("#import-summary", { hasText: summary }).waitFor({ timeout: WAIT });
    }
    await popup.locator("#import-file").setInputFiles(join(fixtures, "broken.csv"));
    await popup.locator("#error", { hasText: "a quoted field never ends" }).waitFor({ timeout: WAIT });
    assert.ok(await popup.locator("#import-preview").isHidden(), "a broken file offers nothing to import");
    assert.equal(await popup.locator("#logins li").count(), rowsBefore, "a broken file stores nothing");
    await popup.locator("#import-file").setInputFiles(join(fixtures, "keepass.csv"));
    await popup.getByRole("button", { name: "Import 1 login(s)" }).click();
    await popup.locator("#standing", { hasText: "Imported 1 login(s)" }).waitFor({ timeout: WAIT });
    await popup.locator("#logins li", { hasText: "https://example.com" }).waitFor({ timeout: WAIT });
    assert.equal(await popup.locator("#logins li").count(), rowsBefore + 1);
    const [download] = await Promise.all([popup.waitForEvent("download"), popup.getByRole("button", { name: /Export unlocked/ }).click()]);
    const exported = parseImport(readFileSync(await download.path(), "utf8"));
    assert.equal(exported.format, "Bitwarden JSON");
    assert.deepEqual(exported.logins.filter((l) => l.username === "ada").map((l) => [l.origin, l.password, l.totp.includes(TOTP_SECRET)]),
      [[loginOrigin, "the newest password", true]], "the unlocked login round-trips");
    assert.ok(!exported.logins.some((l) => l.username === "newcomer"), "a locked login is not exported");
    await popup.goto(popupUrl());
    await popup.locator("#logins li", { hasText: "grace" }).waitFor({ timeout: WAIT });
    loginId = (await popup.evaluate(() => chrome.runtime.sendMessage({ type: "state" }))).value.logins
      .find((login) => login.username === "ada" && login.origin === loginOrigin).id;
    // Delete is a vote: the popup shows its progress, and once Alice votes too the login is gone
    // from the open popup without a reload.
    await popup.locator("#logins li", { hasText: "grace" }).getByRole("button", { name: "Delete" }).click();
    await popup.locator("#logins li", { hasText: "grace" }).locator(".meta", { hasText: "1 of 2 votes to delete" })
      .waitFor({ timeout: WAIT });
    const graceOnDemo = panel(alice).locator(".secrets li", { hasText: '"username":"grace"' });
    await graceOnDemo.getByRole("button", { name: "Delete" }).click({ timeout: WAIT });
    await popup.locator("#logins li", { hasText: "grace" }).waitFor({ state: "detached", timeout: WAIT });
    await popup.locator("#menu > summary").click();
    await popup.locator("#idle").getByLabel(/Lock after/).fill("0");
    await popup.locator("#idle").getByRole("button", { name: "Set" }).click();
    await popup.locator("#error", { hasText: "INVALID_INPUT" }).waitFor({ timeout: WAIT });
    assert.equal(await popup.locator("#logins li").count(), 5, "nothing lost after a refused setting (ada, newcomer, tls-user, menu-user, the import)");

    // The lock shortcut (Ctrl+Shift+K) locks at once; the next unlock asks for the passphrase.
    await page.reload();
    await pressShortcut(context, page, "K", CTRL | SHIFT);
    await popup.waitForFunction(async () => (await chrome.runtime.sendMessage({ type: "state" })).value.unlocked === false,
      undefined, { timeout: WAIT, polling: 250 });
    assert.equal((await fillInto(loginTab)).code, "LOCKED");
    await pressShortcut(context, page, "L", ALT | SHIFT);
    await page.waitForTimeout(500);
    assert.deepEqual(await fields(page), ["", ""], "a locked extension fills nothing");
    await popup.goto(popupUrl());
    await popup.locator("#unlock").getByLabel("Passphrase").fill("extension keys");
    // The popup says how long an unlock takes (from the last one)…
    await popup.locator("#unlock").getByRole("button", { name: "Unlock" }).click();
    await popup.locator("#busy", { hasText: /Unlocking, about [1-9]\d* s/ }).waitFor({ timeout: WAIT });
    await popup.locator(`#logins li[data-origin="${loginOrigin}"]`, { hasText: "ada" }).waitFor({ timeout: 60_000 });
    // …and while one runs (asked for here without waiting), the worker keeps answering: the key
    // is derived in the offscreen document (the worker was blocked 3.3–3.6 s). Measured two ways:
    // round trips of code evaluated on the worker, and the gaps between the ticks of a 10 ms timer
    // on it (its longest task).
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: "lock" }));
    ({ worker } = await extensionWorker(context));
    await startTicker(worker);
    const unlockStarted = Date.now();
    await popup.evaluate(() => {
      const scope = /** @type {any} */ (globalThis);
      scope.unlockAnswer = null;
      chrome.runtime.sendMessage({ type: "unlock", passphrase: "extension keys" }).then((answer) => (scope.unlockAnswer = answer));
    });
    const roundTrips = [];
    while (!(await popup.evaluate(() => /** @type {any} */ (globalThis).unlockAnswer))) {
      const sent = Date.now();
      await worker.evaluate(() => 1);
      roundTrips.push(Date.now() - sent);
      await popup.waitForTimeout(100);
    }
    assert.equal((await popup.evaluate(() => /** @type {any} */ (globalThis).unlockAnswer)).ok, true, "unlocked");
    const unlockMs = Date.now() - unlockStarted;
    const gaps = await stopTicker(worker);
    await popup.locator(`#logins li[data-origin="${loginOrigin}"]`, { hasText: "ada" }).waitFor({ timeout: 60_000 });
    const longest = Math.round(Math.max(...gaps) - 10);
    console.log(`unlock ${unlockMs} ms: ${roundTrips.length} answers from the worker meanwhile, slowest ${Math.max(...roundTrips)} ms; longest task on the worker ≈ ${longest} ms`);
    assert.ok(roundTrips.length >= 5, `the worker answered ${roundTrips.length} times during a ${unlockMs} ms unlock`);
    assert.ok(Math.max(...roundTrips) < 1000, `the worker answered within 1 s during the unlock: ${roundTrips}`);
    // The issue's bench is ≤ 50 ms (measured here: about 15 ms). The bound is looser because a
    // timer's gap on a busy 2-core CI machine includes the OS's scheduling; a blocked worker is
    // 3 000 ms.
    assert.ok(gaps.length > unlockMs / 50 && longest < 250, `longest task on the worker during the unlock: ${longest} ms`);

    // Idle lock (shortened for the test): the logins are locked and no page can get them.
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: "setIdle", minutes: 0.05 }));
    await page.reload();
    await page.waitForTimeout(4000);
    const locked = await fillInto(loginTab);
    assert.equal(locked.code, "LOCKED", JSON.stringify(locked));
    assert.deepEqual(await fields(page), ["", ""]);
    await popup.goto(popupUrl());
    await popup.locator("#unlock").waitFor({ timeout: WAIT });
    await popup.locator("body").screenshot({ path: join(shots, "ext-5-locked.png") });
    // A wrong passphrase is a readable error.
    await popup.locator("#unlock").getByLabel("Passphrase").fill("wrong");
    await popup.locator("#unlock").getByRole("button", { name: "Unlock" }).click();
    await popup.locator("#error", { hasText: "WRONG_PASSPHRASE" }).waitFor({ timeout: 60_000 });

    // Restarts keep the device and the vault, and lock: the worker stopped (CDP), then the browser.
    const unlockAgain = async () => {
      await popup.goto(popupUrl());
      await popup.locator("#unlock").waitFor({ timeout: WAIT });
      await popup.locator("#unlock").getByLabel("Passphrase").fill("extension keys");
      await popup.locator("#unlock").getByRole("button", { name: "Unlock" }).click();
      await popup.locator(`#logins li[data-origin="${loginOrigin}"]`, { hasText: "ada" }).waitFor({ timeout: 60_000 });
      assert.match(await popup.locator("#standing").textContent(), /member/);
    };
    await popup.evaluate(() => chrome.runtime.sendMessage({ type: "setIdle", minutes: 15 })).catch(() => {});
    await unlockAgain();
    assert.equal((await fillInto(loginTab)).code, "LOCKED_LOGIN", "unlocked, but the login needs a new approval");
    // A notification of a session that ended with its worker (it stays on screen in the browser)
    // is gone once the worker runs again: a stopped worker locked, as a lock clears them.
    ({ worker } = await extensionWorker(context));
    await worker.evaluate(() => chrome.notifications.create("claim/leftover", {
      type: "basic", iconUrl: "icons/icon-128.png", title: "alice asks to use a login", message: "from the ended session",
    }));
    const cdp = await context.newCDPSession(popup);
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await unlockAgain();
    const leftovers = await popup.evaluate(async () => {
      const { value } = await chrome.runtime.sendMessage({ type: "state" }); // the worker runs again
      return value.unlocked ? Object.keys(await new Promise((resolve) => chrome.notifications.getAll(resolve))) : ["locked?"];
    });
    assert.ok(!leftovers.includes("claim/leftover"), `the ended session's notification is gone: ${leftovers}`);
    await context.close();
    context = await launchWithExtension(join(root, "extension/dist"), profile, HTTPS_ARGS);
    popup = await context.newPage();
    await unlockAgain();
    const restartedPage = await context.newPage();
    await restartedPage.goto(`${loginOrigin}/login.html`);
    const afterRestart = await fillInto(await tabId(`${loginOrigin}/login.html`));
    assert.equal(afterRestart.code, "LOCKED_LOGIN", "a restart forgets every revealed login");
    console.log(`extension end-to-end test passed; screenshots in ${shots}`);
  } finally {
    await context.close().catch(() => {});
    await browser.close();
    await site.close();
    await secure.close();
    await attacker.close();
    await demo.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

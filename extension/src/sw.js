// @ts-check
// The extension's service worker: this browser's meta-secret device. It holds the open device
// (unlocked with its passphrase) and the logins revealed for fills, in memory only: a restart of
// the worker, a lock or the idle timeout drops both. Durable state is the device's IndexedDB and
// the non-secret settings in chrome.storage.local.
import init, { MetaSecret } from "./pkg/meta_secret.js";
import { decodeName, decodeValue, encodeName, encodeValue, fillsPage, loginForPage, loginProblem, originOf, sameLogin } from "./logins.js";
import { fillTab } from "./inject.js";
import * as offers from "./offers.js";
import * as approvals from "./approvals.js";
import * as menu from "./menu.js";
import { offscreenKeyWork } from "./kdf-offscreen.js";
import { ensureOffscreen } from "./offscreen-doc.js";
import { parseTotp, totpCode } from "./totp.js";
import { exportBitwardenJson } from "./importers.js";

const DB_NAME = "meta-secret-extension";
const DEFAULT_IDLE_MINUTES = 15;
const ready = init({ module_or_path: new URL("./pkg/meta_secret_bg.wasm", import.meta.url) });

/** @type {MetaSecret | null} */
let device = null;
/** @type {import("./pkg/meta_secret.js").Subscription | null} */
let subscription = null;
/** @typedef {import("./pkg/meta_secret.js").SecretId} SecretId */
/** @typedef {import("./pkg/meta_secret.js").ClaimId} ClaimId */
/** Revealed logins by secret id: plaintext, only while unlocked. @type {Map<SecretId, import("./logins.js").LoginValue>} */
const revealed = new Map();
/** Open unlock claims of this device by secret id. @type {Map<SecretId, ClaimId>} */
const claims = new Map();
let lockAt = 0;
/** Bumped by every lock: an unlock that was under way when a lock came gives up. */
let generation = 0;
/** @type {Promise<MetaSecret> | null} */
let opening = null;

// A worker that starts has nothing unlocked: no stale count on the icon, no notifications left.
chrome.action.setBadgeText({ text: "" }).catch(() => {});
approvals.clearEnded().catch(() => {});

/** @typedef {{ serverUrl: string, deviceName: string, vault: string, idleMinutes: number }} Settings */

/** @returns {Promise<Settings | null>} */
async function settings() {
  const { settings } = await chrome.storage.local.get("settings");
  return /** @type {Settings | undefined} */ (settings) ?? null;
}

class ExtensionError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function unlocked() {
  if (device && Date.now() > lockAt) lock();
  if (!device) throw new ExtensionError("LOCKED", "meta-secret is locked: unlock it with this device's passphrase");
  return device;
}

/** Pushes the idle lock back; `minutes` from the settings. */
async function touch() {
  const minutes = (await settings())?.idleMinutes ?? DEFAULT_IDLE_MINUTES;
  lockAt = Date.now() + minutes * 60_000;
  await chrome.alarms.create("idle-lock", { when: lockAt });
}

function lock() {
  generation += 1;
  revealed.clear();
  const open = [...claims.values()];
  claims.clear();
  subscription?.unsubscribe();
  subscription = null;
  const closing = device;
  device = null;
  // The session's claims end with it: approvals given for it must not unlock a later one.
  if (closing) Promise.allSettled(open.map((claim) => closing.cancelRecovery(claim))).finally(() => closing.close());
  chrome.alarms.clear("poll").catch(() => {});
  chrome.action.setBadgeText({ text: "" }).catch(() => {});
  approvals.forgetAnnounced();
}

/** Opens this device with its passphrase and keeps it in sync; one unlock at a time.
 * @param {string} passphrase @param {string} [deviceName] first setup only */
async function open(passphrase, deviceName) {
  if (opening) await opening.catch(() => {});
  lock();
  const mine = generation;
  opening = openDevice(passphrase, deviceName);
  const started = Date.now();
  try {
    const opened = await opening;
    // How long an unlock takes here (not secret): the popup's estimate next time.
    await chrome.storage.local.set({ unlockMs: Date.now() - started });
    if (mine !== generation) {
      await opened.close();
      throw new ExtensionError("LOCKED", "locked while unlocking");
    }
    device = opened;
  } finally {
    opening = null;
  }
  await touch();
  subscription = device.subscribe((event) => {
    if (event.type !== "synced") return;
    updateBadge().catch(() => {});
    // An open popup redraws (nobody listening is fine).
    chrome.runtime.sendMessage({ type: "changed" }).catch(() => {});
  });
  await chrome.alarms.create("poll", { periodInMinutes: 0.5 });
  await endEarlierSessions(device);
  return device;
}

/** @param {string} passphrase @param {string} [deviceName] */
async function openDevice(passphrase, deviceName) {
  await ready;
  const saved = await settings();
  if (!saved && !deviceName) throw new ExtensionError("NOT_SET_UP", "set up this extension first");
  return MetaSecret.open({
    serverUrl: saved?.serverUrl ?? "",
    dbName: DB_NAME,
    deviceName: deviceName ?? saved?.deviceName ?? "extension",
    deviceKind: "extension",
    passphrase,
    // The unlock's scrypt runs off this worker's thread: it keeps answering meanwhile.
    kdf: offscreenKeyWork,
  });
}

/** Claims of an earlier session (the worker stopped before it could cancel them) are cancelled:
 *  a restart locks, so their approvals must not unlock this session.
 * @param {MetaSecret} opened */
async function endEarlierSessions(opened) {
  const view = await opened.view().catch(() => null);
  const stale = view?.claims.filter((claim) => claim.mine && claim.status === "open" && claim.batch) ?? [];
  await Promise.allSettled(stale.map((claim) => opened.cancelRecovery(claim.id)));
}

/** The number of requests waiting for this person: joins it has not voted on, others' claims. */
/** @param {import("./pkg/meta_secret.js").VaultView} [known] the view, when the caller has it */
async function updateBadge(known) {
  if (!device) return;
  const view = known ?? (await device.view());
  const joins = view.pending.filter((request) => !request.votedByMe).length;
  const open = view.claims.filter((claim) => claim.status === "open" && !claim.mine && !claim.answeredByMe);
  // A batch is one request (one action answers it).
  const asks = new Set(open.map((claim) => (claim.batch ? `${claim.requester}/${claim.batch}` : claim.id))).size;
  const count = joins + asks;
  await chrome.action.setBadgeText({ text: count ? String(count) : "" });
  await chrome.action.setBadgeBackgroundColor({ color: "#a33" });
  const names = new Map((await logins().catch(() => [])).map((login) => [login.id, `${login.username} at ${login.origin}`]));
  await approvals.announce(approvals.requestsOf(view, names, Date.now()));
}

/** Ids of logins this device replaced by an edit: their deletion may wait for other votes, but
 *  they are never listed or filled again here. Ids only, nothing secret. @returns {Promise<string[]>} */
async function replaced() {
  const { replaced } = await chrome.storage.local.get("replaced");
  return Array.isArray(replaced) ? replaced : [];
}

async function logins() {
  const secrets = await unlocked().secrets();
  const old = new Set(await replaced());
  const live = secrets.filter((secret) => !old.has(secret.id));
  // Forget replaced ids once their secrets are gone.
  if (old.size && [...old].some((id) => !secrets.some((secret) => secret.id === id))) {
    await chrome.storage.local.set({ replaced: [...old].filter((id) => secrets.some((secret) => secret.id === id)) });
  }
  return live.flatMap((secret) => {
    const login = decodeName(secret.name);
    if (!login) return [];
    const hasTotp = Boolean(revealed.get(secret.id)?.totp);
    return [{ id: secret.id, ...login, unlocked: revealed.has(secret.id), hasTotp, deletionVotes: secret.deletionVotes, needs: secret.k }];
  });
}

async function state() {
  const saved = await settings();
  if (!saved) return { setUp: false };
  if (!device || Date.now() > lockAt) {
    if (device) lock();
    return { setUp: true, unlocked: false, settings: saved };
  }
  // A member draws from its local view (the subscription keeps it synced), with no request; only
  // a device that is not a member here asks the server, with one sync that also pulls.
  const me = device.device.id;
  let view = await device.view().catch((error) => {
    if (error?.code !== "NOT_MEMBER") throw error;
    return null;
  });
  if (!view?.members.some((member) => member.id === me)) view = null;
  const status = view ? "member" : (await device.sync()).status;
  const base = { setUp: true, unlocked: true, settings: saved, status, device: device.device };
  if (status !== "member") {
    const code = status === "pending" ? await device.verificationCode(saved.vault) : undefined;
    return { ...base, verificationCode: code };
  }
  view ??= await device.view();
  // A declined or cancelled claim no longer unlocks: offer the unlock again.
  for (const [secretId, claimId] of claims) {
    if (view.claims.find((claim) => claim.id === claimId)?.status !== "open") claims.delete(secretId);
  }
  await updateBadge(view);
  const approved = Object.fromEntries([...claims].filter(([, claimId]) => {
    const claim = view.claims.find((c) => c.id === claimId);
    return claim && claim.approvals >= claim.needed;
  }));
  return { ...base, view, logins: await logins(), claims: Object.fromEntries(claims), approved };
}

/** Reveals a login for a fill: from memory, or from its claim once another device approved it.
 * @param {SecretId} secretId */
async function loginValue(secretId) {
  const known = revealed.get(secretId);
  if (known) return known;
  const claim = claims.get(secretId);
  if (!claim) throw new ExtensionError("LOCKED_LOGIN", "ask your other device to approve this login first");
  const value = decodeValue(await unlocked().revealText(claim));
  revealed.set(secretId, value);
  claims.delete(secretId);
  return value;
}

/** Fills a tab's top frame (the popup names the tab it was opened over), only when the tab's
 *  origin is exactly the login's.
 * @param {SecretId} secretId @param {number | undefined} tabId */
async function fill(secretId, tabId) {
  unlocked();
  const login = (await logins()).find((entry) => entry.id === secretId);
  if (!login) throw new ExtensionError("UNKNOWN_LOGIN", "no such login");
  const tab = typeof tabId === "number"
    ? await chrome.tabs.get(tabId)
    : (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0];
  if (!tab?.id || !tab.url || !fillsPage(login.origin, tab.url)) {
    throw new ExtensionError("WRONG_ORIGIN", `this login is for ${login.origin}; it never fills another site`);
  }
  const value = await loginValue(secretId);
  // The reveal took a while: fillTab probes the page again before it sends the password.
  const answer = await fillTab(tab.id, login.origin, login.username, value.password);
  if (answer === "wrong origin") throw new ExtensionError("WRONG_ORIGIN", `this login is for ${login.origin}; it never fills another site`);
  if (answer !== "filled") throw new ExtensionError("NO_FORM", `nothing filled: ${answer}`);
  await touch();
  return "filled";
}

/** Copies a login's password through the offscreen document, which clears it after 30 s.
 * @param {SecretId} secretId */
async function copyPassword(secretId) {
  unlocked();
  if (!(await logins()).some((login) => login.id === secretId)) throw new ExtensionError("UNKNOWN_LOGIN", "no such login");
  const value = await loginValue(secretId);
  await ensureOffscreen();
  const answer = await chrome.runtime.sendMessage({ target: "offscreen", type: "copy", text: value.password, clearAfterMs });
  if (!answer?.ok) throw new ExtensionError("CLIPBOARD", "the browser refused to copy");
  await touch();
  return "copied";
}

/** How long a copied password stays on the clipboard (tests shorten it). */
let clearAfterMs = 30_000;

/** Fills the first login for the active tab's origin (the keyboard shortcut). */
async function fillForActiveTab() {
  const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  const match = tab?.url ? loginForPage(await logins(), tab.url) : undefined;
  if (match) await fill(match.id, tab?.id);
}

/** Saves a login; saving a site and username that exist already updates that login: the new
 *  version is added and every older one is voted away and hidden here at once (their deletion
 *  may wait for other members' votes).
 * @param {{ origin?: unknown, username?: unknown, password?: unknown, notes?: unknown, totp?: unknown, replaces?: unknown }} message */
async function saveLogin(message) {
  // Typed as a person types it ("https://Example.com/login"): its origin is what counts.
  const typed = String(message.origin ?? "");
  const form = {
    origin: originOf(typed) ?? typed,
    username: String(message.username ?? "").trim(),
    password: String(message.password ?? ""),
    notes: String(message.notes ?? ""),
    totp: String(message.totp ?? "").trim(),
  };
  const problem = loginProblem(form);
  if (problem) throw new ExtensionError("INVALID_INPUT", problem);
  if (form.totp) {
    try {
      parseTotp(form.totp);
    } catch (error) {
      throw new ExtensionError("INVALID_INPUT", String(/** @type {Error} */ (error).message));
    }
  }
  const me = unlocked();
  const existing = await logins();
  const older = existing.filter((login) => sameLogin(login, form) || login.id === message.replaces).map((login) => login.id);
  const members = (await me.members()).length;
  const name = encodeName({ origin: form.origin, username: form.username, saved: Date.now() });
  await me.addSecret(name, encodeValue(form), { threshold: Math.min(2, members) });
  if (older.length) {
    await chrome.storage.local.set({ replaced: [...(await replaced()), ...older] });
    await Promise.allSettled(older.map((id) => me.deleteSecret(id)));
  }
  await touch();
  return older.length ? "updated" : "saved";
}

/** Stores imported logins; every one is checked first, so a bad one stores nothing. Logins
 *  whose site and username are stored already are left as they are (the preview said so).
 * @param {unknown} list */
async function importLogins(list) {
  if (!Array.isArray(list) || list.length > 10_000) throw new ExtensionError("INVALID_INPUT", "nothing to import");
  const forms = list.map((entry, i) => {
    const form = {
      origin: String(entry?.origin ?? ""), username: String(entry?.username ?? "").trim(), password: String(entry?.password ?? ""),
      notes: String(entry?.notes ?? ""), totp: String(entry?.totp ?? "").trim(),
    };
    let problem = loginProblem(form);
    if (!problem && form.totp) {
      try {
        parseTotp(form.totp);
      } catch (error) {
        problem = String(/** @type {Error} */ (error).message);
      }
    }
    if (problem) throw new ExtensionError("INVALID_INPUT", `login ${i + 1} of the import: ${problem}; nothing was imported`);
    return form;
  });
  const me = unlocked();
  const stored = await logins();
  const fresh = forms.filter((form) => !stored.some((login) => sameLogin(login, form)));
  const threshold = Math.min(2, (await me.members()).length);
  const saved = Date.now();
  for (const form of fresh) {
    await me.addSecret(encodeName({ origin: form.origin, username: form.username, saved }), encodeValue(form), { threshold });
  }
  await touch();
}

/** Asks the server whether the vault exists before the seconds of key work a setup starts with:
 *  a mistyped vault (or a taken name, to create) is reported at once and nothing is kept.
 * @param {string} serverUrl @param {string} vault @param {boolean} create */
async function checkVault(serverUrl, vault, create) {
  await ready;
  const exists = await MetaSecret.vaultExists(serverUrl, vault);
  if (create && exists) throw new ExtensionError("VAULT_EXISTS", `a vault named ${vault} exists already`);
  if (!create && !exists) throw new ExtensionError("NO_VAULT", `no vault named ${vault} on ${serverUrl}: check its name`);
}

/** @param {any} message */
async function handle(message) {
  switch (message?.type) {
    case "state":
      return state();
    case "setup": {
      const { serverUrl, deviceName, passphrase, vault, action } = message;
      await checkVault(String(serverUrl ?? ""), String(vault ?? ""), action === "create");
      await chrome.storage.local.set({ settings: { serverUrl, deviceName, vault, idleMinutes: DEFAULT_IDLE_MINUTES } });
      try {
        const opened = await open(passphrase, deviceName);
        if (action === "create") await opened.createVault(vault);
        else await opened.requestJoin(vault);
      } catch (error) {
        lock();
        await chrome.storage.local.remove("settings");
        throw error;
      }
      return state();
    }
    case "unlock":
      await open(message.passphrase);
      return state();
    case "lock":
      lock();
      return state();
    case "reset": {
      // Start over: this browser stops being a device (its keys and log are deleted).
      lock();
      await chrome.storage.local.remove("settings");
      await new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = () => resolve(undefined);
        request.onerror = () => reject(new ExtensionError("STORAGE", "could not delete this device's database"));
        request.onblocked = () => setTimeout(() => resolve(undefined), 1000);
      });
      return state();
    }
    case "setIdle": {
      const minutes = Number(message.minutes);
      if (!(minutes > 0 && minutes <= 24 * 60)) throw new ExtensionError("INVALID_INPUT", "idle time: up to 24 hours");
      const saved = await settings();
      if (!saved) throw new ExtensionError("NOT_SET_UP", "set up this extension first");
      await chrome.storage.local.set({ settings: { ...saved, idleMinutes: minutes } });
      if (device) await touch();
      return state();
    }
    case "saveLogin":
      return saveLogin(message).then(state);
    case "fillNew": {
      // A generated password into the page's new-password fields (a person's click in the popup).
      unlocked();
      const tab = await chrome.tabs.get(Number(message.tabId));
      const origin = tab.url ? originOf(tab.url) : null;
      const password = String(message.password ?? "");
      if (!origin || !tab.id) throw new ExtensionError("WRONG_ORIGIN", "only http(s) pages are filled");
      if (password.length < 8) throw new ExtensionError("INVALID_INPUT", "generate a password first");
      const answer = await fillTab(tab.id, origin, "", password, "new");
      if (answer !== "filled") throw new ExtensionError("NO_FORM", `nothing filled: ${answer}`);
      await touch();
      return "filled";
    }
    case "totp": {
      // The current one-time code of an unlocked login (the code only; the secret stays here).
      unlocked();
      if (!(await logins()).some((login) => login.id === message.id)) throw new ExtensionError("UNKNOWN_LOGIN", "no such login");
      const value = await loginValue(message.id);
      if (!value.totp) throw new ExtensionError("NO_TOTP", "this login has no one-time code");
      await touch();
      return totpCode(parseTotp(value.totp), Date.now());
    }
    case "importLogins":
      await importLogins(message.logins);
      return state();
    case "exportLogins": {
      // Plaintext leaves the vault only here, after the popup's confirmation; locked logins stay.
      const live = await logins();
      const open = live.flatMap((login) => {
        const value = revealed.get(login.id);
        return value ? [{ origin: login.origin, username: login.username, ...value }] : [];
      });
      const json = exportBitwardenJson(open);
      await touch();
      return { json, exported: open.length, locked: live.length - open.length };
    }
    case "offer":
      return offerView(Number(message.tabId));
    case "saveOffer": {
      const submission = offers.waiting(Number(message.tabId));
      if (!submission) throw new ExtensionError("NO_OFFER", "nothing to save: the login was sent more than 3 minutes ago");
      // A generated password (context menu) has no username until the person types one.
      const username = submission.username || String(message.username ?? "").trim();
      if (!username) throw new ExtensionError("INVALID_INPUT", "type the username this password is for");
      await saveLogin({ ...submission, username });
      offers.forget(Number(message.tabId));
      return state();
    }
    case "dismissOffer":
      offers.forget(Number(message.tabId));
      return null;
    case "deleteLogin":
      await unlocked().deleteSecret(message.id);
      return state();
    case "requestUnlock": {
      // Every login not yet unlocked, in one batch: one approval elsewhere unlocks them all.
      const waiting = (await logins()).filter((login) => !revealed.has(login.id) && !claims.has(login.id)).map((l) => l.id);
      if (!waiting.length) throw new ExtensionError("NOTHING_TO_UNLOCK", "every login is unlocked or waiting");
      const opened = await unlocked().requestRecoveries(waiting);
      waiting.forEach((id, i) => claims.set(id, opened.claims[i]));
      await touch();
      return state();
    }
    case "approveBatch":
      await unlocked().approveBatch(message.requester, message.batch, message.claimIds);
      return state();
    case "declineBatch":
      await unlocked().declineBatch(message.requester, message.batch);
      return state();
    case "fill":
      return fill(message.id, message.tabId);
    case "copy":
      return copyPassword(message.id);
    case "setClipboardClear": {
      // Test hook: the 30 s would slow the tests; never longer than 30 s.
      clearAfterMs = Math.min(30_000, Math.max(1_000, Number(message.ms) || 30_000));
      return state();
    }
    case "accept":
      await unlocked().accept(message.id);
      return state();
    case "decline":
      await unlocked().decline(message.id);
      return state();
    case "approveClaim":
      await unlocked().approve(message.id);
      return state();
    case "declineClaim":
      await unlocked().declineClaim(message.id);
      return state();
    default:
      throw new ExtensionError("INVALID_INPUT", "unknown request");
  }
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only this extension's own pages talk to the device; web pages and content scripts cannot
  // (a content script's sender URL is its page's).
  if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(""))) return false;
  handle(message).then(
    (value) => reply({ ok: true, value }),
    (error) => reply({ ok: false, code: error?.code ?? "INTERNAL", message: String(error?.message ?? error) }),
  );
  return true;
});

// The content script (detect.js) reports a login form being sent. Only this; it can ask nothing
// else. The site is the origin the browser names for the sender's top frame, never the page's word.
chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== chrome.runtime.id || message?.type !== "submitted" || !sender.tab?.id || sender.frameId !== 0) return false;
  const origin = originOf(sender.origin ?? sender.url ?? "");
  const username = String(message.username ?? "").trim().slice(0, 200);
  const password = String(message.password ?? "");
  if (!origin || !username || !password || password.length > 1000) return false;
  const tabId = sender.tab.id;
  offerToSave(tabId, { origin, username, password }).catch(() => {});
  return false;
});

/** Offers to save a sent login unless this session knows it is the stored password already.
 * @param {number} tabId @param {{ origin: string, username: string, password: string }} submission */
async function offerToSave(tabId, submission) {
  if (device) {
    const known = (await logins().catch(() => [])).filter((login) => sameLogin(login, submission));
    if (known.some((login) => revealed.get(login.id)?.password === submission.password)) return;
  }
  offers.remember(tabId, submission);
}

/** What the popup shows about a tab's waiting login (never its password).
 * @param {number} tabId */
async function offerView(tabId) {
  const submission = offers.waiting(tabId);
  if (!submission) return null;
  const exists = device ? (await logins()).some((login) => sameLogin(login, submission)) : false;
  return { origin: submission.origin, username: submission.username, exists, generated: !submission.username };
}

chrome.tabs.onRemoved.addListener((tabId) => offers.forget(tabId));

offers.registerDetector().catch(() => {});
chrome.permissions.onAdded.addListener(() => offers.registerDetector().catch(() => {}));
chrome.permissions.onRemoved.addListener(() => offers.registerDetector().catch(() => {}));
chrome.runtime.onInstalled.addListener(() => menu.install());
chrome.contextMenus.onClicked.addListener((info, tab) => {
  menu.clicked(info, tab).catch(() => {});
});
chrome.notifications.onClicked.addListener((id) => {
  approvals.clicked(id).catch(() => {});
});

chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === "idle-lock" && Date.now() >= lockAt) lock();
  // While unlocked, a poll every 30 s keeps the view and the badge fresh when the socket is down.
  if (alarm.name === "poll") device?.sync().then(() => updateBadge()).catch(() => {});
});

chrome.commands.onCommand.addListener((command) => {
  if (command === "lock") lock();
  else if (command === "fill-login") fillForActiveTab().catch(() => {});
});

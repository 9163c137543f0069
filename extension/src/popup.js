// @ts-check
// The popup: a view of the service worker's device. Every action is one message to the worker;
// everything shown from the vault goes through textContent.
import { ageText } from "./approvals.js";
import { BUILT_IN_SERVER } from "./config.js";
import { vaultNameProblem } from "./vault-name.js";
import { entropyBits, generatePassphrase, generatePassword } from "./generator.js";
import { parseImport, previewImport } from "./importers.js";
import { originOf, siteName } from "./logins.js";

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
let current = /** @type {any} */ (null);

/** @param {Record<string, unknown>} message */
async function ask(message) {
  const answer = await chrome.runtime.sendMessage(message);
  if (!answer?.ok) throw Object.assign(new Error(answer?.message ?? "no answer"), { code: answer?.code ?? "INTERNAL" });
  return answer.value;
}

/** @param {() => Promise<unknown>} work @param {string} [busy] what the popup says meanwhile */
async function run(work, busy = "Working…") {
  $("error").hidden = true;
  $("busy").textContent = busy;
  $("busy").hidden = false;
  document.querySelectorAll("button").forEach((b) => (b.disabled = true));
  try {
    await work();
  } catch (error) {
    const e = /** @type {any} */ (error);
    $("error").textContent = `${e?.message ?? e} (${e?.code ?? "ERROR"})`;
    $("error").hidden = false;
  } finally {
    document.querySelectorAll("button").forEach((b) => (b.disabled = false));
    $("busy").hidden = true;
  }
}

/** @param {Record<string, unknown>} message */
const act = (message) => run(async () => render(await ask(message)));

/** @param {string} tag @param {string} [text] @param {string} [className] */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** @param {string} label @param {() => void} onClick @param {string} [className] */
function button(label, onClick, className) {
  const node = /** @type {HTMLButtonElement} */ (el("button", label, className));
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

/** @param {string} listId @param {HTMLElement[]} items */
function fill(listId, items) {
  $(listId).replaceChildren(...(items.length ? items : [el("li", "none", "empty")]));
}

/** The tab the popup was opened over (a test may name one with ?tab=). */
async function activeTab() {
  const named = new URLSearchParams(location.search).get("tab");
  if (named) return chrome.tabs.get(Number(named));
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab;
}

/** @param {any} state */
function render(state) {
  current = state;
  const show = (/** @type {string} */ part) => {
    for (const id of ["setup", "unlock", "waiting", "vault"]) $(id).hidden = id !== part;
  };
  $("lock").hidden = !state.unlocked;
  if (!state.setUp) {
    $("standing").textContent = "not set up";
    return show("setup");
  }
  if (!state.unlocked) {
    $("standing").textContent = `${state.settings.deviceName} · locked`;
    return show("unlock");
  }
  $("standing").textContent = `${state.device.name} · ${state.settings.vault} · ${state.status}`;
  if (state.status !== "member") {
    const standing = /** @type {Record<string, string>} */ ({
      pending: `Waiting for the members of ${state.settings.vault} to approve this device.`,
      declined: `A member of ${state.settings.vault} declined this device.`,
      not_member: `This device is not a member of ${state.settings.vault}.`,
      no_vault: `There is no vault named ${state.settings.vault}.`,
    });
    $("waiting-text").textContent = standing[state.status] ?? `Standing in ${state.settings.vault}: ${state.status}`;
    $("verify").hidden = !state.verificationCode;
    $("code").textContent = state.verificationCode ?? "";
    return show("waiting");
  }
  show("vault");
  renderOffer();
  renderRequests(state);
  renderLogins(state);
  /** @type {HTMLInputElement} */ ($("idle").querySelector("[name=minutes]")).value = String(state.settings.idleMinutes);
}

/** A login just sent from the tab under the popup: save it, or update the stored password. The
 *  password stays in the service worker; the popup only says which one. */
async function renderOffer() {
  const tab = await activeTab().catch(() => undefined);
  const offer = tab?.id === undefined ? null : await ask({ type: "offer", tabId: tab.id }).catch(() => null);
  $("offer").hidden = !offer;
  if (!offer || tab?.id === undefined) return;
  $("offer-text").textContent = offer.generated
    ? `Save the password just generated for ${offer.origin}? It is for the username:`
    : offer.exists
      ? `Update the stored password of ${offer.username} at ${offer.origin} to the one just used?`
      : `Save the login ${offer.username} at ${offer.origin} you just used?`;
  $("offer-user").hidden = !offer.generated;
  const username = /** @type {HTMLInputElement} */ ($("offer-user").querySelector("input"));
  $("offer-save").textContent = offer.exists ? "Update" : "Save";
  const tabId = tab.id;
  $("offer-save").onclick = () => act({ type: "saveOffer", tabId, username: username.value });
  $("offer-dismiss").onclick = () => ask({ type: "dismissOffer", tabId }).then(() => ($("offer").hidden = true));
}

/** @param {any} state */
function renderRequests(state) {
  const { view } = state;
  const names = new Map(view.members.map((/** @type {any} */ d) => [d.id, d.name]));
  const loginNames = new Map(state.logins.map((/** @type {any} */ l) => [l.id, `${l.username} at ${l.origin}`]));
  const joins = view.pending.filter((/** @type {any} */ r) => !r.votedByMe).map((/** @type {any} */ request) => {
    const item = el("li");
    const kind = request.kind === "paper" ? "recovery kit" : request.kind;
    item.className = "request";
    const about = el("div", undefined, "who");
    about.append(el("span", `${request.name} (${kind}) asks to join`), el("span", `code ${request.verificationCode}`, "meta code"));
    const actions = el("div", undefined, "actions");
    actions.append(button("Approve", () => {
      if (confirm(`Approve ${request.name} only if it shows the code ${request.verificationCode}.`)) act({ type: "accept", id: request.id });
    }));
    actions.append(button("Decline", () => act({ type: "decline", id: request.id }), "secondary"));
    item.append(about, actions);
    return item;
  });
  const open = view.claims.filter((/** @type {any} */ c) => c.status === "open" && !c.mine && !c.answeredByMe);
  /** A batch (another device unlocking its logins) is one request. @type {Map<string, any[]>} */
  const groups = new Map();
  for (const claim of open) {
    const key = claim.batch ? `${claim.requester}/${claim.batch}` : claim.id;
    groups.set(key, [...(groups.get(key) ?? []), claim]);
  }
  const asks = [...groups.values()].map((group) => {
    const [claim] = group;
    const item = el("li");
    const who = names.get(claim.requester) ?? "a device";
    const what = group.map((c) => loginNames.get(c.secretId) ?? "a secret").join(", ");
    item.className = "request";
    const about = el("div", undefined, "who");
    about.append(el("span", `${who} asks to use ${what}`), el("span", ageText(claim, Date.now()), "meta age"));
    const actions = el("div", undefined, "actions");
    item.append(about, actions);
    if (claim.batch) {
      actions.append(button("Approve", () => {
        if (confirm(`Let ${who} reveal: ${what}?`)) act({ type: "approveBatch", requester: claim.requester, batch: claim.batch, claimIds: group.map((c) => c.id) });
      }));
      actions.append(button("Decline", () => act({ type: "declineBatch", requester: claim.requester, batch: claim.batch }), "secondary"));
    } else {
      actions.append(button("Approve", () => {
        if (confirm(`Let ${who} reveal ${what}?`)) act({ type: "approveClaim", id: claim.id });
      }));
      actions.append(button("Decline", () => act({ type: "declineClaim", id: claim.id }), "secondary"));
    }
    return item;
  });
  fill("requests", [...joins, ...asks]);
}

/** @param {any} state */
async function renderLogins(state) {
  const query = /** @type {HTMLInputElement} */ ($("search")).value.trim().toLowerCase();
  const tab = await activeTab().catch(() => undefined);
  const here = tab?.url ? originOf(tab.url) : null;
  const save = /** @type {HTMLFormElement} */ ($("save-login"));
  const originField = /** @type {HTMLInputElement} */ (save.querySelector("[name=origin]"));
  if (here && !originField.value) originField.value = here;
  const shown = state.logins
    .filter((/** @type {any} */ l) => !query || `${l.origin} ${l.username}`.toLowerCase().includes(query))
    // This site's logins first: only they can fill.
    .sort((/** @type {any} */ a, /** @type {any} */ b) => Number(b.origin === here) - Number(a.origin === here));
  const locked = state.logins.filter((/** @type {any} */ l) => !l.unlocked && !state.claims[l.id]).length;
  $("unlock-logins").hidden = locked === 0;
  $("unlock-logins").textContent = `Unlock ${locked} login(s): one approval on another device`;
  fill("logins", shown.map((/** @type {any} */ login) => {
    const item = el("li", undefined, "login");
    item.dataset.origin = login.origin;
    // The browser's own favicon cache for the site (no icon service, no request from here).
    const icon = /** @type {HTMLImageElement} */ (el("img", undefined, "icon"));
    icon.alt = "";
    icon.src = `${chrome.runtime.getURL("/_favicon/")}?pageUrl=${encodeURIComponent(login.origin)}&size=32`;
    const who = el("div", undefined, "who");
    who.append(el("span", siteName(login.origin), "site"), el("span", login.username, "user"));
    // The login's protection level: how many devices a reveal needs.
    const notes = [login.origin, `needs ${login.needs} device${login.needs === 1 ? "" : "s"}`];
    if (login.deletionVotes) notes.push(`${login.deletionVotes} of ${state.view.requiredVotes} votes to delete`);
    if (!(login.unlocked || state.approved[login.id]) && state.claims[login.id]) notes.push("waiting for approval");
    who.append(el("span", notes.join(" · "), "meta"));
    const actions = el("div", undefined, "actions");
    item.append(icon, who, actions);
    if (login.origin === here && tab?.id !== undefined && (login.unlocked || state.approved[login.id])) {
      actions.append(button("Fill", () => run(() => ask({ type: "fill", id: login.id, tabId: tab.id }))));
    }
    if (login.unlocked || state.approved[login.id]) {
      actions.append(button("Copy", () => run(async () => {
        await ask({ type: "copy", id: login.id });
        $("standing").textContent = "Password copied; the clipboard is cleared in 30 s";
      }), "secondary"));
      if (login.hasTotp) {
        actions.append(button("Code", () => run(async () => {
          const { code, remaining } = await ask({ type: "totp", id: login.id });
          await navigator.clipboard.writeText(code).catch(() => {});
          $("standing").textContent = `One-time code ${code} (copied; ${remaining} s left)`;
          item.dataset.totp = code;
        }), "secondary"));
      }
    }
    actions.append(button("Edit", () => {
      originField.value = login.origin;
      /** @type {HTMLInputElement} */ (save.querySelector("[name=username]")).value = login.username;
      /** @type {HTMLInputElement} */ (save.querySelector("[name=replaces]")).value = login.id;
      /** @type {HTMLDetailsElement} */ ($("save")).open = true;
    }, "secondary"));
    actions.append(button("Delete", () => {
      if (confirm(`Vote to delete the login ${login.username} at ${login.origin}?`)) act({ type: "deleteLogin", id: login.id });
    }, "secondary"));
    return item;
  }));
}

/** @param {string} id @param {(form: FormData, submitter: string | undefined) => Record<string, unknown>} toMessage */
function onSubmit(id, toMessage) {
  $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const submitter = /** @type {HTMLButtonElement | null} */ (/** @type {SubmitEvent} */ (event).submitter)?.value;
    run(async () => {
      const message = toMessage(new FormData(form), submitter);
      render(await ask(message));
      if (id !== "idle") form.reset();
    });
  });
}

const text = (/** @type {FormData} */ form, /** @type {string} */ name) => String(form.get(name) ?? "").trim();

onSubmit("setup", (form, action) => {
  if (form.get("passphrase") !== form.get("confirm")) {
    throw Object.assign(new Error("the two passphrases differ"), { code: "INVALID_INPUT" });
  }
  const nameProblem = vaultNameProblem(text(form, "vault"));
  if (nameProblem) throw Object.assign(new Error(nameProblem), { code: "INVALID_INPUT" });
  const serverUrl = form.get("server") === "other" ? text(form, "serverUrl") : BUILT_IN_SERVER;
  if (!/^https?:\/\/[^/]+/.test(serverUrl)) {
    throw Object.assign(new Error("the server address starts with https:// (or http:// for a local one)"), { code: "INVALID_INPUT" });
  }
  return {
  type: "setup", serverUrl, deviceName: text(form, "deviceName"),
    passphrase: String(form.get("passphrase") ?? ""), vault: text(form, "vault"), action: action ?? "join",
  };
});
// The unlock checks the passphrase slowly on purpose (scrypt): say how long, from the last one.
$("unlock").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = /** @type {HTMLFormElement} */ (event.target);
  const passphrase = String(new FormData(form).get("passphrase") ?? "");
  run(async () => {
    const { unlockMs } = await chrome.storage.local.get("unlockMs");
    const seconds = Math.max(1, Math.round((Number(unlockMs) || 4000) / 1000));
    $("busy").textContent = `Unlocking, about ${seconds} s…`;
    render(await ask({ type: "unlock", passphrase }));
    form.reset();
  }, "Unlocking…");
});
onSubmit("save-login", (form) => ({
  type: "saveLogin", origin: text(form, "origin"), username: text(form, "username"),
  password: String(form.get("password") ?? ""), notes: text(form, "notes"), totp: text(form, "totp"),
  replaces: text(form, "replaces") || undefined,
}));
/** The generator: a password or a passphrase, redrawn as its settings change. */
const generator = /** @type {HTMLDetailsElement} */ ($("generator"));
const setting = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (generator.querySelector(`[name=${name}]`));
function generate() {
  const kind = setting("kind").value;
  const length = Number(setting("length").value);
  const options = { length, upper: setting("upper").checked, digits: setting("digits").checked, symbols: setting("symbols").checked };
  try {
    const value = kind === "passphrase"
      ? generatePassphrase({ words: length, capitalize: options.upper, digit: options.digits })
      : generatePassword(options);
    const bits = kind === "passphrase"
      ? entropyBits({ kind, options: { words: length, digit: options.digits } })
      : entropyBits({ kind: "password", options });
    $("generated").textContent = value;
    $("entropy").textContent = `about ${bits} bits`;
  } catch (error) {
    $("generated").textContent = "";
    $("entropy").textContent = String(/** @type {Error} */ (error).message);
  }
}
setting("kind").addEventListener("change", () => {
  setting("length").value = setting("kind").value === "passphrase" ? "6" : "20";
  generate();
});
for (const name of ["length", "upper", "digits", "symbols"]) setting(name).addEventListener("input", generate);
generator.addEventListener("toggle", () => generator.open && generate());
$("generate").addEventListener("click", generate);
const savedPassword = () => /** @type {HTMLInputElement} */ ($("save-login").querySelector("[name=password]"));
$("use-generated").addEventListener("click", () => (savedPassword().value = $("generated").textContent ?? ""));
$("fill-generated").addEventListener("click", () => run(async () => {
  const password = $("generated").textContent ?? "";
  savedPassword().value = password;
  const tab = await activeTab();
  await ask({ type: "fillNew", tabId: tab?.id, password });
  $("standing").textContent = "Filled; meta-secret offers to save it when the form is sent";
}));

/** Import: the file is read and previewed here; nothing is stored until "Import". */
/** @type {import("./importers.js").ImportedLogin[]} */
let toImport = [];
$("import-file").addEventListener("change", () => run(async () => {
  $("import-preview").hidden = true;
  toImport = [];
  const file = /** @type {HTMLInputElement} */ ($("import-file")).files?.[0];
  if (!file) return;
  const preview = previewImport(parseImport(await file.text()), current?.logins ?? []);
  toImport = preview.toAdd;
  $("import-summary").textContent = `${preview.format}: ${preview.toAdd.length} new login(s); ` +
    `${preview.alreadyStored} already stored and ${preview.repeatedInFile} repeated in the file (left out); ` +
    `${preview.skipped.length} skipped.`;
  const notes = [...preview.skipped, ...preview.warnings].sort((a, b) => a.row - b.row);
  $("import-skipped").replaceChildren(...notes.slice(0, 20).map((s) => el("li", `row ${s.row}: ${s.reason}`)));
  $("import-go").textContent = `Import ${preview.toAdd.length} login(s)`;
  /** @type {HTMLButtonElement} */ ($("import-go")).hidden = preview.toAdd.length === 0;
  $("import-preview").hidden = false;
}));
$("import-go").addEventListener("click", () => run(async () => {
  const logins = toImport;
  const state = await ask({ type: "importLogins", logins });
  toImport = [];
  $("import-preview").hidden = true;
  /** @type {HTMLInputElement} */ ($("import-file")).value = "";
  render(state);
  $("standing").textContent = `Imported ${logins.length} login(s)`;
}));
$("export").addEventListener("click", () => run(async () => {
  const sure = confirm("The export file holds your passwords in PLAINTEXT: anyone who can read the file can sign in as you. " +
    "Only unlocked logins are exported. Export?");
  if (!sure) return;
  const { json, exported, locked } = await ask({ type: "exportLogins" });
  const link = /** @type {HTMLAnchorElement} */ (el("a"));
  link.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
  link.download = "meta-secret-export.json";
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  $("standing").textContent = `Exported ${exported} login(s)` + (locked ? `; ${locked} locked one(s) left out` : "");
}));

onSubmit("idle", (form) => ({ type: "setIdle", minutes: Number(form.get("minutes")) }));
// Save on submit runs on 127.0.0.1 and localhost; on https sites only once the person grants the
// optional https host permission (the worker then registers the content script there).
const everywhere = /** @type {HTMLInputElement} */ ($("save-everywhere"));
const HTTPS = { origins: ["https://*/*"] };
chrome.permissions.contains(HTTPS).then((granted) => (everywhere.checked = granted), () => {});
everywhere.addEventListener("change", () => run(async () => {
  if (everywhere.checked) everywhere.checked = await chrome.permissions.request(HTTPS);
  else await chrome.permissions.remove(HTTPS);
}));
$("built-in-server").textContent = `the built-in server (${new URL(BUILT_IN_SERVER).host})`;
$("server-choice").addEventListener("change", () => {
  $("other-server").hidden = /** @type {HTMLSelectElement} */ ($("server-choice")).value !== "other";
});
$("lock").addEventListener("click", () => act({ type: "lock" }));
for (const startOver of document.querySelectorAll(".start-over")) {
  startOver.addEventListener("click", () => {
    if (confirm("Start over? This browser stops being a device of the vault: its keys are deleted.")) act({ type: "reset" });
  });
}
$("unlock-logins").addEventListener("click", () => act({ type: "requestUnlock" }));
$("refresh").addEventListener("click", () => act({ type: "state" }));
$("search").addEventListener("input", () => current && renderLogins(current));
// Changes from other devices arrive while the popup is open: the worker says so, the popup redraws
// (quietly: no busy state, and not while the person is typing into a form).
let redraw = 0;
chrome.runtime.onMessage.addListener((message) => {
  if (message?.type !== "changed") return;
  clearTimeout(redraw);
  redraw = setTimeout(() => {
    if (document.activeElement instanceof HTMLInputElement) return;
    ask({ type: "state" }).then(render, () => {});
  }, 200);
});
act({ type: "state" });

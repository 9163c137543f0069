// @ts-check
// The popup: a view of the service worker's device. Every action is one message to the worker;
// everything shown from the vault goes through textContent.
import { originOf } from "./logins.js";

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
let current = /** @type {any} */ (null);

/** @param {Record<string, unknown>} message */
async function ask(message) {
  const answer = await chrome.runtime.sendMessage(message);
  if (!answer?.ok) throw Object.assign(new Error(answer?.message ?? "no answer"), { code: answer?.code ?? "INTERNAL" });
  return answer.value;
}

/** @param {() => Promise<unknown>} work */
async function run(work) {
  $("error").hidden = true;
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
  renderRequests(state);
  renderLogins(state);
  /** @type {HTMLInputElement} */ ($("idle").querySelector("[name=minutes]")).value = String(state.settings.idleMinutes);
}

/** @param {any} state */
function renderRequests(state) {
  const { view } = state;
  const names = new Map(view.members.map((/** @type {any} */ d) => [d.id, d.name]));
  const loginNames = new Map(state.logins.map((/** @type {any} */ l) => [l.id, `${l.username} at ${l.origin}`]));
  const joins = view.pending.filter((/** @type {any} */ r) => !r.votedByMe).map((/** @type {any} */ request) => {
    const item = el("li");
    const kind = request.kind === "paper" ? "recovery kit" : request.kind;
    item.append(el("span", `${request.name} (${kind}) asks to join`, "grow"), el("span", `code ${request.verificationCode}`, "meta code"));
    item.append(button("Approve", () => {
      if (confirm(`Approve ${request.name} only if it shows the code ${request.verificationCode}.`)) act({ type: "accept", id: request.id });
    }));
    item.append(button("Decline", () => act({ type: "decline", id: request.id }), "secondary"));
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
    item.append(el("span", `${who} asks to use ${what}`, "grow"));
    if (claim.batch) {
      item.append(button("Approve", () => {
        if (confirm(`Let ${who} reveal: ${what}?`)) act({ type: "approveBatch", requester: claim.requester, batch: claim.batch, claimIds: group.map((c) => c.id) });
      }));
      item.append(button("Decline", () => act({ type: "declineBatch", requester: claim.requester, batch: claim.batch }), "secondary"));
    } else {
      item.append(button("Approve", () => {
        if (confirm(`Let ${who} reveal ${what}?`)) act({ type: "approveClaim", id: claim.id });
      }));
      item.append(button("Decline", () => act({ type: "declineClaim", id: claim.id }), "secondary"));
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
    const item = el("li");
    item.dataset.origin = login.origin;
    item.append(el("span", login.username, "grow"), el("span", login.origin, "meta"));
    // The login's protection level: how many devices a reveal needs.
    item.append(el("span", `needs ${login.needs} device${login.needs === 1 ? "" : "s"}`, "meta"));
    if (login.deletionVotes) {
      item.append(el("span", `${login.deletionVotes} of ${state.view.requiredVotes} votes to delete`, "meta"));
    }
    if (login.origin === here && tab?.id !== undefined && (login.unlocked || state.approved[login.id])) {
      item.append(button("Fill", () => run(() => ask({ type: "fill", id: login.id, tabId: tab.id }))));
    }
    if (login.unlocked || state.approved[login.id]) {
      item.append(button("Copy", () => run(async () => {
        await ask({ type: "copy", id: login.id });
        $("standing").textContent = "Password copied; the clipboard is cleared in 30 s";
      }), "secondary"));
    } else if (state.claims[login.id] && !state.approved[login.id]) {
      item.append(el("span", "waiting for approval", "meta"));
    }
    item.append(button("Edit", () => {
      originField.value = login.origin;
      /** @type {HTMLInputElement} */ (save.querySelector("[name=username]")).value = login.username;
      /** @type {HTMLInputElement} */ (save.querySelector("[name=replaces]")).value = login.id;
      /** @type {HTMLDetailsElement} */ ($("save")).open = true;
    }, "secondary"));
    item.append(button("Delete", () => {
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
  return {
  type: "setup", serverUrl: text(form, "serverUrl"), deviceName: text(form, "deviceName"),
    passphrase: String(form.get("passphrase") ?? ""), vault: text(form, "vault"), action: action ?? "join",
  };
});
onSubmit("unlock", (form) => ({ type: "unlock", passphrase: String(form.get("passphrase") ?? "") }));
onSubmit("save-login", (form) => ({
  type: "saveLogin", origin: text(form, "origin"), username: text(form, "username"),
  password: String(form.get("password") ?? ""), notes: text(form, "notes"), replaces: text(form, "replaces") || undefined,
}));
onSubmit("idle", (form) => ({ type: "setIdle", minutes: Number(form.get("minutes")) }));
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

// The meta-secret demo: each panel is one device with its own IndexedDB database. The first panel
// is this browser; the playground adds simulated devices side by side so one person can try the
// whole flow. Everything shown from other devices goes through textContent, never HTML.
import init, { MetaSecret, checkRecoveryWords, recoveryWordCompletions } from "./pkg/meta_secret.js";

const SERVER = location.origin;
const SIMULATED_KEY = "meta-secret-demo-simulated";
const NAME_KEY = (slot) => `meta-secret-demo-name-${slot}`;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function button(label, onClick, className) {
  const node = el("button", label, className);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

function shortId(id) {
  return id.slice(0, 8);
}

/** Plain words for the errors people meet; the stable code stays visible for bug reports. */
const FRIENDLY = {
  NO_VAULT: "There is no vault with this name.",
  VAULT_EXISTS: "A vault with this name already exists. Ask to join it instead.",
  DECLINED: "A member declined this device. A member must re-admit it before it can ask again.",
  ALREADY_PENDING: "This device already asked to join; a member has to accept it.",
  NAME_TAKEN: "A device in this vault already has this name. Pick another name for this device.",
  WRONG_PASSPHRASE: "Wrong passphrase for this device's keys.",
  NETWORK: "Cannot reach the server. Nothing is lost: queued changes are sent on the next sync.",
  INSUFFICIENT_SHARES: "Not enough approvals yet.",
  NOT_MEMBER: "This device is not a member of the vault.",
  LAST_MEMBER: "The last member cannot leave; the vault would be lost.",
};

function describeError(error) {
  if (error && error.code) return `${FRIENDLY[error.code] ?? error.message} (${error.code})`;
  return String(error?.message ?? error);
}

const STATUS_TEXT = {
  pending: "Waiting for a member of the vault to accept this device…",
  declined: "A member declined this device's request. A member can re-admit it; then ask again.",
  not_member: "This device is not a member of the vault.",
  no_vault: "There is no vault with this name.",
};

class DevicePanel {
  constructor(slot, title, { kit = false } = {}) {
    this.slot = slot;
    this.kit = kit;
    this.root = document.getElementById("device-template").content.firstElementChild.cloneNode(true);
    this.root.dataset.slot = slot;
    this.q(".device-title").textContent = title;
    this.device = null;
    this.vault = undefined;
    this.status = undefined;
    this.subscription = null;
    this.bindForms();
    if (kit) {
      this.q(".setup").hidden = true;
      this.q(".kit-setup").hidden = false;
      return;
    }
    const remembered = localStorage.getItem(NAME_KEY(slot));
    if (remembered) this.q(".setup [name=deviceName]").value = remembered;
  }

  q(selector) {
    return this.root.querySelector(selector);
  }

  bindForms() {
    this.q(".setup").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      this.run(() => this.open(form.get("deviceName").trim(), form.get("passphrase")));
    });
    this.q(".vault-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const vault = new FormData(event.target).get("vault").trim();
      const action = event.submitter?.value ?? "create";
      this.run(async () => {
        // Each flow syncs itself and tells the resulting standing; no second round trip.
        if (action === "create") {
          await this.device.createVault(vault);
          this.status = "member";
        } else {
          this.status = await this.device.requestJoin(vault);
        }
        this.vault = vault;
        await this.refresh(false);
      });
    });
    this.q(".add-secret").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      this.run(async () => {
        await this.device.addSecret(form.get("name"), form.get("secret"), { threshold: Number(form.get("threshold")) });
        event.target.reset();
        await this.refresh(false);
      });
    });
    this.q(".add-kit").addEventListener("submit", (event) => {
      event.preventDefault();
      const label = new FormData(event.target).get("label").trim() || undefined;
      this.run(async () => {
        showKitToPrint(await this.device.addRecoveryKit(label), this);
        await this.refresh(false);
      });
    });
    this.q(".kit-setup").addEventListener("submit", (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      this.run(() => this.openKit(form.get("words"), form.get("vault").trim()));
    });
    const words = this.q(".kit-setup [name=words]");
    words.addEventListener("input", () => this.checkWords(words));
    this.q(".close-kit").addEventListener("click", () => this.run(() => this.closeKit()));
    this.q(".kit-verify").addEventListener("submit", (event) => {
      event.preventDefault();
      const other = new FormData(event.target).get("fingerprint");
      this.action(() => this.device.confirmLog(String(other)));
    });
    this.q(".trust-log").addEventListener("click", () => this.confirmAction(
      "Approve from this kit without comparing its log with another device? Only if every other device is lost: " +
      "a server that lies could otherwise show this kit an old log.", () => this.device.trustLogWithoutComparison()));
    this.q(".cancel-kit").addEventListener("click", () => this.run(() => this.closeKit()));
    this.q(".share-now").addEventListener("click", () =>
      this.confirmAction(`Approve ${this.q(".share-to").textContent} and give them your shares?`, () => this.device.shareWithNewMembers()));
    this.q(".leave").addEventListener("click", () => {
      if (!confirm("Leave this vault? This device loses its shares.")) return;
      this.action(() => this.device.leave(), { resync: true });
    });
    this.q(".copy").addEventListener("click", async () => {
      const text = this.q(".revealed-text").value;
      try {
        await navigator.clipboard.writeText(text);
        this.q(".copy").textContent = "Copied";
      } catch (error) {
        this.showError(`Could not copy: ${describeError(error)}`);
      }
    });
    this.q(".hide").addEventListener("click", () => this.hideRevealed());
  }

  hideRevealed() {
    this.q(".revealed-text").value = "";
    this.q(".revealed").hidden = true;
    this.q(".copy").textContent = "Copy";
  }

  /** Runs one piece of work with the progress indicator on and every error shown. */
  async run(work) {
    this.root.setAttribute("aria-busy", "true");
    this.q(".busy").hidden = false;
    this.root.querySelectorAll("button").forEach((b) => (b.disabled = true));
    this.q(".error").hidden = true;
    try {
      await work();
    } catch (error) {
      this.showError(describeError(error));
    } finally {
      this.root.querySelectorAll("button").forEach((b) => (b.disabled = false));
      this.q(".busy").hidden = true;
      this.root.setAttribute("aria-busy", "false");
    }
  }

  /** Runs a flow, then redraws. Flows sync themselves, so only a change of standing (leaving)
   *  needs the server's word on it. */
  action(call, { resync = false } = {}) {
    return this.run(async () => {
      await call();
      await this.refresh(resync);
    });
  }

  showError(text) {
    const node = this.q(".error");
    node.textContent = text;
    node.hidden = false;
  }

  async open(name, passphrase) {
    this.device = await MetaSecret.open({
      serverUrl: SERVER,
      dbName: `meta-secret-${this.slot}`,
      deviceName: name,
      passphrase: passphrase || undefined,
      // The playground's devices may skip the passphrase; the form says so.
      insecureNoPassphrase: !passphrase,
    });
    localStorage.setItem(NAME_KEY(this.slot), name);
    this.q(".device-title").textContent = `${this.device.device.name} (${shortId(this.device.device.id)})`;
    this.q(".setup").hidden = true;
    this.vault = await this.device.vaultName();
    this.subscription = this.device.subscribe((event) => this.onLive(event));
    this.setSyncState("polling");
    await this.refresh(Boolean(this.vault));
  }

  /** Feedback while typing: which word is wrong, the checksum, and completions of the last word. */
  checkWords(textarea) {
    const check = checkRecoveryWords(textarea.value);
    const status = this.q(".kit-check");
    status.classList.toggle("ok", check.ok);
    status.classList.toggle("bad", !check.ok && check.problem !== "WORD_COUNT");
    if (check.ok) status.textContent = `All 24 words check out${check.vault ? ` (vault ${check.vault})` : ""}.`;
    else if (check.problem === "WORD_COUNT") status.textContent = `${check.wordCount} of 24 words.`;
    else status.textContent = check.message;
    // Only the tail: a regex over a long paste would backtrack for seconds.
    const last = /([A-Za-z]+)$/.exec(textarea.value.slice(-16))?.[1] ?? "";
    const options = last.length >= 2 ? recoveryWordCompletions(last).slice(0, 8) : [];
    const suggest = this.q(".kit-suggest");
    suggest.replaceChildren(...(options.length === 1 && options[0] === last.toLowerCase() ? [] : options).map((word) =>
      button(word, () => {
        textarea.value = textarea.value.slice(0, textarea.value.length - last.length) + word + " ";
        textarea.focus();
        this.checkWords(textarea);
      }, "secondary")));
  }

  async openKit(words, vault) {
    try {
      this.device = await MetaSecret.openRecoveryKit({ serverUrl: SERVER, words, vault: vault || undefined });
    } catch (error) {
      if (error?.code !== "NOT_MEMBER") throw error;
      throw new Error(`This kit is not a member of the vault: it was removed, it belongs to another vault, or its ` +
        `join was never approved (NOT_MEMBER)`);
    }
    const form = this.q(".kit-setup");
    form.reset();
    form.hidden = true;
    this.q(".kit-check").textContent = "";
    this.q(".kit-suggest").replaceChildren();
    this.q(".device-title").textContent = `Recovery kit ${shortId(this.device.device.id)} (this session only)`;
    this.vault = await this.device.vaultName();
    this.status = "member";
    this.subscription = this.device.subscribe((event) => this.onLive(event));
    await this.refresh(false);
  }

  /** Ends the kit's session: its keys and its copy of the log are dropped. */
  async closeKit() {
    this.subscription?.unsubscribe();
    await this.device?.close();
    this.root.remove();
  }

  setSyncState(text) {
    const node = this.q(".sync-state");
    node.textContent = text;
    node.classList.toggle("live", text.startsWith("live"));
  }

  onLive(event) {
    if (event.type === "connection") {
      this.setSyncState(event.live ? "live" : event.code ? `polling (socket closed: ${event.code})` : "polling");
    } else if (event.type === "synced") {
      this.status = event.sync.status;
      this.refresh(false).catch((error) => this.showError(describeError(error)));
    } else if (event.type === "error" && event.code !== "NETWORK") {
      this.showError(`${event.code}: ${event.message}`);
    }
  }

  /** Redraws from the device's verified local state; `sync` first asks the server. */
  async refresh(sync) {
    if (!this.vault) {
      this.show("vault-form");
      return;
    }
    if (sync) this.status = (await this.device.sync()).status;
    this.setSyncState(this.subscription?.live ? "live" : "polling");
    if (this.status === "member") {
      await this.renderVault();
      this.show("vault");
    } else {
      this.q(".status-text").textContent = `Vault “${this.vault}”: ${STATUS_TEXT[this.status] ?? this.status}`;
      this.q(".verify").hidden = this.status !== "pending";
      if (this.status === "pending") this.q(".verify-code").textContent = await this.device.verificationCode(this.vault);
      this.show("waiting");
      // A device that is out (declined, removed, or never got in) may try again or elsewhere.
      this.q(".vault-form").hidden = this.status === "pending";
    }
  }

  show(part) {
    for (const name of ["vault-form", "waiting", "vault"]) this.q(`.${name}`).hidden = name !== part;
  }

  async renderVault() {
    const me = this.device.device.id;
    // Local state only: the sync already happened (a flow, a poke or a poll).
    const view = await this.device.view();
    const { members, pending, declined, removed, secrets, claims, requiredVotes } = view;
    this.q(".vault-name").textContent = this.vault;
    this.q(".you").textContent = this.kit ? "a recovery kit (this session only)" : "a member";
    for (const part of [".add-secret", ".kit-maker", ".leave"]) this.q(part).hidden = this.kit;
    this.q(".close-kit").hidden = !this.kit;
    this.q(".n").textContent = String(members.length);
    this.q(".fingerprint").textContent = view.fingerprint;
    this.q(".kit-verify").hidden = !view.unverified;
    if (view.fork) this.showError(`FORK_DETECTED: ${view.fork}`);
    else if (view.withheld) this.showError(`The server withheld updates from this device: ${view.withheld}`);
    this.q(".quorum-line").textContent =
      `Adding or removing a device, re-admitting one or deleting a secret needs ${requiredVotes} approval(s) (quorum ${view.quorum}).`;
    this.q(".share-notice").hidden = view.awaitingMyApproval.length === 0 || view.unverified;
    this.q(".share-count").textContent = String(view.awaitingMyApproval.length);
    this.q(".share-to").textContent =
      view.toApprove.map((d) => `${d.name} (code ${d.verificationCode})`).join(", ") || "members you approved";
    const names = new Map(members.concat(removed, pending).map((d) => [d.id, d.name]));
    const removals = new Map(view.removalVotes.map((r) => [r.deviceId, r]));
    const lastEvent = new Map(view.memberActivity.map((a) => [a.deviceId, a.lastEventAt]));

    this.fill(".members", members, (device) => {
      const item = el("li");
      item.append(el("span", device.name, "grow"), el("span", `${device.kind} · ${shortId(device.id)}`, "meta"));
      // A device that shows old times while the others are busy may be frozen by the server.
      const at = lastEvent.get(device.id);
      if (at) item.append(el("span", `last event ${new Date(at).toLocaleString()}`, "meta"));
      const votes = removals.get(device.id);
      if (votes) item.append(el("span", `${votes.votes} of ${requiredVotes} approvals to remove`, "meta progress"));
      if (device.id === me) item.append(el("span", "this device", "meta"));
      else if (votes?.votedByMe) item.append(el("span", "you voted to remove", "meta"));
      else item.append(button("Remove", () => this.confirmAction(`Vote to remove ${device.name}?`, () => this.device.removeDevice(device.id)), "secondary"));
      return item;
    });
    this.fill(".pending", pending, (device) => {
      const item = el("li");
      // A kit's words were seen by the device that made it: approvers should know it is one.
      const kind = device.kind === "paper" ? "recovery kit" : device.kind;
      item.append(el("span", `${device.name} (${kind} · ${shortId(device.id)})`, "grow"));
      item.append(el("span", `log ${view.fingerprint}`, "meta"));
      item.append(el("span", `${device.votes} of ${device.votesNeeded} approvals to add ${device.name}`, "meta progress"));
      if (device.kitMaker) {
        const maker = device.kitMaker === me ? "you" : names.get(device.kitMaker) ?? shortId(device.kitMaker);
        item.append(el("span", `made by ${maker}, who saw its words: their approval counts apart`, "meta kit-maker-note"));
      }
      if (device.invitedBy) item.append(el("span", `invited by ${names.get(device.invitedBy) ?? shortId(device.invitedBy)}`, "meta"));
      if (device.votedByMe) {
        item.append(el("span", "you approved", "meta"));
      } else {
        // The person types the code the device shows (or the kit's printed code): the expected
        // code is never on this screen, so an impostor's request cannot be approved by one OK.
        const typed = document.createElement("input");
        typed.className = "code-entry";
        typed.autocomplete = "off";
        typed.placeholder = "0000-0000-0000-0000";
        typed.setAttribute("aria-label", `Code ${device.name} shows`);
        item.append(typed);
        const question = device.kind === "paper"
          ? `${device.name} is a recovery kit. Whoever made it has seen its words, so it is one more vote in their ` +
            `hands. Approve only if you know who keeps it.`
          : `Approve ${device.name} as a member of this vault?`;
        item.append(button("Approve", () => {
          const digits = (text) => text.replace(/\D/g, "");
          if (digits(typed.value) !== digits(device.verificationCode)) {
            this.showError(`That is not the code ${device.name} sent: do not approve it (another device may be ` +
              `asking under its name). Type the code its screen (or the kit's page) shows.`);
            return;
          }
          this.confirmAction(question, () => this.device.accept(device.id));
        }));
      }
      item.append(button("Decline", () => this.action(() => this.device.decline(device.id)), "secondary"));
      return item;
    });
    this.fill(".declined", declined, (device) => {
      const item = el("li");
      item.append(el("span", `${device.name} (${shortId(device.id)})`, "grow"));
      item.append(button("Re-admit", () => this.confirmAction(`Vote to let ${device.name} ask again?`, () => this.device.reopen(device.id)), "secondary"));
      return item;
    });
    this.fill(".removed", removed, (device) => el("li", `${device.name} (${shortId(device.id)})`));

    const secretNames = new Map(secrets.map((s) => [s.id, s.name ?? "(name arrives with this device's share)"]));
    this.fill(".secrets", secrets, (secret) => {
      const item = el("li");
      item.append(el("span", secretNames.get(secret.id), "grow"));
      item.append(el("span", `needs ${secret.k} device${secret.k === 1 ? "" : "s"} · held by ${secret.n}`, "meta"));
      if (view.unrecoverable.includes(secret.id)) item.append(el("span", "can no longer be revealed", "meta progress"));
      if (secret.deletionVotes) item.append(el("span", `${secret.deletionVotes} of ${requiredVotes} approvals to delete`, "meta progress"));
      item.append(button("Request recovery", () => this.action(() => this.device.requestRecovery(secret.id))));
      item.append(button("Delete", () => this.confirmAction(`Vote to delete ${secretNames.get(secret.id)}?`, () => this.device.deleteSecret(secret.id)), "secondary"));
      return item;
    });

    // Another device's batch (an extension unlocking its logins) is one request: one action
    // approves it all, so it lists every secret it covers.
    const batches = new Map();
    for (const claim of claims.filter((c) => c.batch && !c.mine && c.status === "open" && !c.answeredByMe)) {
      const key = `${claim.requester}/${claim.batch}`;
      batches.set(key, [...(batches.get(key) ?? []), claim]);
    }
    const visible = claims.filter((c) => (c.status === "open" || c.mine) && !(c.batch && !c.mine));
    const batchItems = [...batches.values()].map((group) => {
      const item = el("li");
      const who = names.get(group[0].requester) ?? shortId(group[0].requester);
      const what = group.map((c) => secretNames.get(c.secretId) ?? "a deleted secret").join(", ");
      item.append(el("span", `${who} asks to unlock ${group.length} secret(s): ${what}`, "grow"));
      item.append(button("Approve all", () => this.confirmAction(`Let ${who} reveal all of: ${what}?`,
        () => this.device.approveBatch(group[0].requester, group[0].batch, group.map((c) => c.id)))));
      item.append(button("Decline all", () => this.action(() => this.device.declineBatch(group[0].requester, group[0].batch)), "secondary"));
      return item;
    });
    this.fill(".claims", visible, (claim) => {
      const item = el("li");
      const who = claim.mine ? "you" : names.get(claim.requester) ?? shortId(claim.requester);
      const secret = secretNames.get(claim.secretId) ?? "a deleted secret";
      item.append(el("span", `${secret} — asked by ${who}`, "grow"));
      item.append(el("span", `${claim.approvals} of ${claim.needed} approvals · ${claim.status}`, "meta progress"));
      if (claim.status === "open" && claim.mine && claim.approvals >= claim.needed) {
        item.append(button("Reveal", () => this.run(async () => {
          const text = await this.device.revealText(claim.id);
          this.q(".revealed-text").value = text;
          this.q(".revealed").hidden = false;
          await this.refresh(false);
        })));
      } else if (claim.status === "open" && !claim.mine && claim.answeredByMe) {
        item.append(el("span", "you answered", "meta"));
      } else if (claim.status === "open" && !claim.mine) {
        item.append(button("Approve", () => this.action(() => this.device.approve(claim.id))));
        item.append(button("Decline", () => this.action(() => this.device.declineClaim(claim.id)), "secondary"));
      }
      return item;
    });
    if (batchItems.length) {
      this.q(".claims").querySelector(".empty")?.remove();
      this.q(".claims").append(...batchItems);
    }
  }

  confirmAction(question, call) {
    if (confirm(question)) this.action(call);
  }

  fill(selector, items, render) {
    const list = this.q(selector);
    list.replaceChildren(...(items.length ? items.map(render) : [el("li", "none", "empty")]));
  }
}

/** The kit on the printable page and the panel that made it, until the person decides. */
let shownKit = null;

/** The printable kit page, shown once. The maker's vote comes only when the person says the
 *  words are stored, so a kit nobody kept can never be approved by accident. */
function showKitToPrint(kit, panel) {
  shownKit = { id: kit.id, panel };
  const page = document.getElementById("kit-print");
  const set = (selector, text) => (page.querySelector(selector).textContent = text);
  set(".kit-vault", kit.vault);
  set(".kit-label", kit.label);
  set(".kit-fingerprint", `paper · ${shortId(kit.id)} (${kit.id})`);
  set(".kit-code", kit.verificationCode);
  set(".kit-date", new Date(kit.createdAt).toLocaleString());
  page.querySelector(".kit-words").replaceChildren(...kit.words.split(" ").map((word) => el("li", word)));
  // The SVG is the package's own rendering of the card text, parsed as SVG (no HTML parsing).
  const svg = new DOMParser().parseFromString(kit.qrSvg, "image/svg+xml").documentElement;
  page.querySelector(".kit-qr").replaceChildren(document.importNode(svg, true));
  page.hidden = false;
}

/** Hides and empties the kit page; `approve` casts the maker's vote, otherwise it declines. */
function settleShownKit(approve) {
  const kit = shownKit;
  shownKit = null;
  hideKitToPrint();
  if (kit) kit.panel.action(() => (approve ? kit.panel.device.accept(kit.id) : kit.panel.device.decline(kit.id)));
}

function hideKitToPrint() {
  const page = document.getElementById("kit-print");
  for (const part of [".kit-vault", ".kit-label", ".kit-fingerprint", ".kit-code", ".kit-date"]) page.querySelector(part).textContent = "";
  page.querySelector(".kit-words").replaceChildren();
  page.querySelector(".kit-qr").replaceChildren();
  page.hidden = true;
}

function addPanel(slot, title, options) {
  const panel = new DevicePanel(slot, title, options);
  document.getElementById("devices").append(panel.root);
  return panel;
}

async function boot() {
  await init();
  addPanel("device", "This browser");
  const simulated = JSON.parse(localStorage.getItem(SIMULATED_KEY) ?? "0");
  for (let i = 1; i <= simulated; i++) addPanel(`sim-${i}`, `Simulated device ${i}`);
  document.getElementById("add-device").addEventListener("click", () => {
    const count = JSON.parse(localStorage.getItem(SIMULATED_KEY) ?? "0") + 1;
    localStorage.setItem(SIMULATED_KEY, JSON.stringify(count));
    const panel = addPanel(`sim-${count}`, `Simulated device ${count}`);
    panel.q(".setup [name=deviceName]").focus();
  });
  let kits = 0;
  document.getElementById("use-kit").addEventListener("click", () => {
    const panel = addPanel(`kit-${++kits}`, "Recovery kit", { kit: true });
    panel.q(".kit-setup [name=words]").focus();
  });
  document.querySelector("#kit-print .kit-print-now").addEventListener("click", () => window.print());
  document.querySelector("#kit-print .kit-done").addEventListener("click", () => settleShownKit(true));
  document.querySelector("#kit-print .kit-discard").addEventListener("click", () => settleShownKit(false));
  document.getElementById("boot").textContent = "Ready";
}

boot().catch((error) => {
  document.getElementById("boot").textContent = `Could not start: ${describeError(error)}`;
});

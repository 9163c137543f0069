// @ts-check
// Requests waiting for this person (devices asking to join, other devices' claims), as the badge
// counts them and as notifications: while unlocked, each new request raises one notification,
// which opens the popup where it is answered. Pure parts (requestsOf, ageText) are unit-tested.

/** @typedef {import("./pkg/meta_secret.js").VaultView} VaultView */
/** @typedef {{ key: string, title: string, message: string }} WaitingRequest */

/** What a request reads like: who asks, for what, how long ago, and until when.
 * @param {VaultView} view @param {Map<string, string>} loginNames secret id → "ada at https://…"
 * @param {number} now @returns {WaitingRequest[]} */
export function requestsOf(view, loginNames, now) {
  const names = new Map(view.members.map((member) => [member.id, member.name]));
  const joins = view.pending.filter((request) => !request.votedByMe).map((request) => ({
    key: `join/${request.id}`,
    title: `${request.name} asks to join`,
    message: `A ${request.kind === "paper" ? "recovery kit" : request.kind} asks to join the vault; approve only if it shows the code ${request.verificationCode}.`,
  }));
  const open = view.claims.filter((claim) => claim.status === "open" && !claim.mine && !claim.answeredByMe);
  /** @type {Map<string, typeof open>} */
  const groups = new Map();
  for (const claim of open) {
    const key = claim.batch ? `${claim.requester}/${claim.batch}` : claim.id;
    groups.set(key, [...(groups.get(key) ?? []), claim]);
  }
  const claims = [...groups].map(([key, group]) => {
    const [first] = group;
    const who = names.get(first.requester) ?? "a device";
    const what = group.map((claim) => loginNames.get(claim.secretId) ?? "a secret").join(", ");
    return { key: `claim/${key}`, title: `${who} asks to use ${group.length === 1 ? "a login" : `${group.length} logins`}`, message: `${what} · ${ageText(first, now)}` };
  });
  return [...joins, ...claims];
}

/** "asked 3 min ago · expires in 12 min" from a claim's times.
 * @param {{ openedMs: number, expiresMs: number }} claim @param {number} now */
export function ageText(claim, now) {
  /** @param {number} ms */
  const span = (ms) => (ms < 60_000 ? `${Math.max(0, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);
  const asked = now - claim.openedMs < 5_000 ? "asked just now" : `asked ${span(now - claim.openedMs)} ago`;
  const left = claim.expiresMs - now;
  return `${asked} · ${left > 0 ? `expires in ${span(left)}` : "expired"}`;
}

/** Keys already announced in this session: a notification is raised once per request. */
const announced = new Set();

/** Raises a notification for each request not announced yet; forgets those no longer waiting.
 * @param {WaitingRequest[]} requests */
export async function announce(requests) {
  const keys = new Set(requests.map((request) => request.key));
  for (const key of [...announced]) {
    if (!keys.has(key)) {
      announced.delete(key);
      chrome.notifications.clear(key).catch(() => {});
    }
  }
  for (const request of requests) {
    if (announced.has(request.key)) continue;
    announced.add(request.key);
    await chrome.notifications.create(request.key, {
      type: "basic",
      iconUrl: "icons/icon-128.png",
      title: request.title,
      message: request.message,
      contextMessage: "meta-secret: open to approve or decline",
      requireInteraction: true,
    }).catch(() => {});
  }
}

/** A worker that starts has nothing unlocked: notifications of the session that ended with the
 *  last worker (they outlive it on screen) go, as a lock clears them. */
export async function clearEnded() {
  const shown = await chrome.notifications.getAll();
  await Promise.all(Object.keys(shown).filter((key) => !announced.has(key)).map((key) => chrome.notifications.clear(key)));
}

/** A lock ends the session: its notifications go (the next unlock announces afresh). */
export function forgetAnnounced() {
  for (const key of announced) chrome.notifications.clear(key).catch(() => {});
  announced.clear();
}

/** A click on a request's notification: it has done its work (the popup shows the request until
 *  it is answered), so it goes, and the popup opens. The request stays announced: not raised again.
 * @param {string} id */
export async function clicked(id) {
  if (!id.startsWith("join/") && !id.startsWith("claim/")) return;
  await chrome.notifications.clear(id).catch(() => {});
  await openApprovals();
}

/** Opens where the request is answered: the popup, or (when the browser will not open it
 *  without a click on the toolbar) the same page in a tab. */
export async function openApprovals() {
  try {
    await chrome.action.openPopup();
  } catch {
    await chrome.tabs.create({ url: chrome.runtime.getURL("popup.html") });
  }
}

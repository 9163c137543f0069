// @ts-check
// Logins a person just sent from a page (reported by detect.js), waiting for the popup to save
// them. In the service worker's memory only, one per tab, for a few minutes: the password never
// goes to storage, the popup or a log; the popup sees the site and username and says "save".
const KEEP_MS = 3 * 60_000;

/** @typedef {{ origin: string, username: string, password: string, at: number }} Submission */

/** @type {Map<number, Submission>} */
const byTab = new Map();

/** @param {number} tabId @param {Omit<Submission, "at">} submission */
export function remember(tabId, submission) {
  byTab.set(tabId, { ...submission, at: Date.now() });
  chrome.action.setBadgeText({ tabId, text: "save" }).catch(() => {});
  chrome.action.setBadgeBackgroundColor({ tabId, color: "#3c5a99" }).catch(() => {});
}

/** The tab's waiting submission, if still fresh. @param {number} tabId */
export function waiting(tabId) {
  const submission = byTab.get(tabId);
  if (submission && Date.now() - submission.at > KEEP_MS) forget(tabId);
  return byTab.get(tabId) ?? null;
}

/** @param {number} tabId */
export function forget(tabId) {
  if (!byTab.delete(tabId)) return;
  // Back to the global badge (the count of requests).
  chrome.action.setBadgeText({ tabId, text: "" }).catch(() => {});
  chrome.action.getBadgeText({}).then((text) => chrome.action.setBadgeText({ tabId, text })).catch(() => {});
}

export function forgetAll() {
  for (const tabId of [...byTab.keys()]) forget(tabId);
}

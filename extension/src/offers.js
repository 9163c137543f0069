// @ts-check
// Logins a person just sent from a page (reported by detect.js), waiting for the popup to save
// them. In the service worker's memory only, one per tab, for a few minutes: the password never
// goes to storage, the popup or a log; the popup sees the site and username and says "save".
// Also where detect.js runs beyond the manifest's hosts (registerDetector).
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

/** detect.js runs by the manifest on 127.0.0.1 and localhost; on the https origins the person
 *  granted (the optional `https://*\/*`, from the popup's settings) it is registered here. */
export async function registerDetector() {
  const { origins = [] } = await chrome.permissions.getAll();
  const granted = origins.filter((origin) => origin.startsWith("https://"));
  const id = "detect-https";
  if ((await chrome.scripting.getRegisteredContentScripts({ ids: [id] })).length) {
    await chrome.scripting.unregisterContentScripts({ ids: [id] });
  }
  if (granted.length) {
    await chrome.scripting.registerContentScripts([{ id, matches: granted, js: ["detect.js"], runAt: "document_start", allFrames: false }]);
  }
}

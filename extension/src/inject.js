// @ts-check
// Sends a login into one tab's top frame, from an extension context (the service worker, or a
// test's extension page). Frames are never filled, not even same-origin ones: a login form in a
// frame is rare, and the top frame is the page whose address a person reads.
import { HIT_TEST_CSS, fillLogin, probeOrigin } from "./fill.js";

/** Fills `tabId`'s top frame when it is exactly `origin`; resolves with the page's answer
 *  ("filled", or why not). `mode` as fillLogin's.
 * @param {number} tabId @param {string} origin @param {string} username @param {string} password
 * @param {"login" | "new"} [mode] */
export async function fillTab(tabId, origin, username, password, mode = "login") {
  // Probe with no secret, then send the password only to that very document (if the tab
  // navigated since, the injection fails).
  const [probe] = await chrome.scripting.executeScript({ target: { tabId, frameIds: [0] }, func: probeOrigin });
  if (probe?.result !== origin || !probe.documentId) return "wrong origin";
  const target = { tabId, documentIds: [probe.documentId] };
  await chrome.scripting.insertCSS({ target, css: HIT_TEST_CSS, origin: "USER" });
  try {
    const [result] = await chrome.scripting.executeScript({ target, func: fillLogin, args: [origin, username, password, mode] });
    return String(result?.result ?? "no answer");
  } finally {
    await chrome.scripting.removeCSS({ target, css: HIT_TEST_CSS, origin: "USER" }).catch(() => {});
  }
}

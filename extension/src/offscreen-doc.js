// @ts-check
// The one offscreen document (MV3 allows one per extension): clipboard work and the unlock's
// key derivation run there, never on the service worker's thread.

/** Opens the offscreen document unless it is open already. */
export async function ensureOffscreen() {
  if (await chrome.offscreen.hasDocument()) return;
  await chrome.offscreen.createDocument({
    url: "offscreen.html",
    reasons: [chrome.offscreen.Reason.CLIPBOARD, chrome.offscreen.Reason.WORKERS],
    justification: "Copy a password and clear it after 30 seconds; derive this device's key from its passphrase off the service worker",
  }).catch(async (error) => {
    // Two callers at once: the loser finds it open.
    if (!(await chrome.offscreen.hasDocument())) throw error;
  });
}

/** @param {Uint8Array} bytes */
export function toBase64(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

/** @param {string} text */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}

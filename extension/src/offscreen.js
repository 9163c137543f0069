// @ts-check
// The offscreen document: clipboard work for the service worker (MV3 workers have no DOM), and the
// unlock's key derivation (scrypt), which it hands to a dedicated worker (a service worker cannot
// start one). A copied password is cleared after 30 s, unless something else was copied since.
import { fromBase64, toBase64 } from "./offscreen-doc.js";

const CLEAR_AFTER_MS = 30_000;
const area = /** @type {HTMLTextAreaElement} */ (document.getElementById("clip"));
/** @type {ReturnType<typeof setTimeout> | undefined} */
let timer;

/** @param {string} text */
function write(text) {
  area.value = text;
  area.select();
  const done = document.execCommand("copy");
  area.value = "";
  return done;
}

function read() {
  area.value = "";
  area.select();
  document.execCommand("paste");
  const text = area.value;
  area.value = "";
  return text;
}

/** One passphrase operation in kdf-worker.js (a dedicated worker started from here, running the
 *  package's `runKeyWork`): not on this document's thread either, which the popup shares.
 * @param {{ op: string, data: string, passphrase: string, workFactor: number }} request
 * @returns {Promise<{ ok: string } | { error: { code: string, message: string } } | { unavailable: string }>} */
function derive(request) {
  return new Promise((resolve) => {
    const worker = new Worker(new URL("./kdf-worker.js", import.meta.url), { type: "module", name: "meta-secret-kdf" });
    /** @param {{ ok: string } | { error: { code: string, message: string } } | { unavailable: string }} answer */
    const finish = (answer) => {
      worker.terminate(); // frees scrypt's memory at once
      resolve(answer);
    };
    worker.onmessage = ({ data }) => {
      if (data?.ok instanceof Uint8Array) {
        const ok = toBase64(data.ok);
        data.ok.fill(0);
        finish({ ok });
      } else if (data?.error) {
        finish({ error: { code: String(data.error.code ?? "INTERNAL"), message: String(data.error.message ?? "") } });
      } else {
        finish({ unavailable: String(data?.unavailable ?? "no answer from the key worker") });
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish({ unavailable: event.message || "the key worker did not start" });
    };
    const data = fromBase64(request.data);
    // The bytes move to the worker, which wipes them.
    worker.postMessage({ request: { ...request, data } }, [data.buffer]);
  });
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only the extension's own pages and worker: a content script (it runs inside web pages) has
  // a tab and may not ask for key work or the clipboard.
  if (message?.target !== "offscreen" || sender.id !== chrome.runtime.id || sender.tab) return false;
  if (message.type === "copy") {
    const text = String(message.text);
    clearTimeout(timer);
    const copied = write(text);
    timer = setTimeout(() => {
      if (read() === text) write(" ");
    }, Number(message.clearAfterMs) || CLEAR_AFTER_MS);
    reply({ ok: copied });
    return false;
  }
  if (message.type === "kdf") {
    derive(message.request).then(reply, (error) => reply({ unavailable: String(error?.message ?? error) }));
    return true;
  }
  return false;
});

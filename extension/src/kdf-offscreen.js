// @ts-check
// The `kdf` option of the package's `MetaSecret.open`, for the service worker: the unlock's scrypt
// (seconds, by design) runs in a dedicated worker that the offscreen document starts
// (kdf-worker.js, the package's `runKeyWork`), so this worker keeps answering meanwhile. A service
// worker cannot start a worker itself, and the offscreen document's own thread is the one the
// popup shares. Should the offscreen document be unavailable, the work runs here, as it did
// before (an unlock still works, only slower to answer).
import { runKeyWork } from "./pkg/meta_secret.js";
import { ensureOffscreen, fromBase64, toBase64 } from "./offscreen-doc.js";

/** A failure the package knows by its code (a wrong passphrase stays `WRONG_PASSPHRASE`). */
class KeyWorkError extends Error {
  /** @param {string} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** @param {import("./pkg/meta_secret.js").KeyWorkRequest} request @returns {Promise<Uint8Array>} */
export async function offscreenKeyWork(request) {
  const { op, passphrase, workFactor } = request;
  /** @type {any} */
  let answer;
  try {
    await ensureOffscreen();
    const data = toBase64(request.data);
    answer = await chrome.runtime.sendMessage({ target: "offscreen", type: "kdf", request: { op, data, passphrase, workFactor } });
  } catch (error) {
    answer = { unavailable: String(/** @type {Error} */ (error)?.message ?? error) };
  }
  if (typeof answer?.ok === "string") return fromBase64(answer.ok);
  if (answer?.error) throw new KeyWorkError(String(answer.error.code ?? "INTERNAL"), String(answer.error.message ?? ""));
  return runKeyWork(request);
}

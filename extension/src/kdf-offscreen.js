// @ts-check
// The unlock's scrypt (seconds, by design) off the service worker's thread, so the worker keeps
// answering meanwhile. The package runs its key work in a dedicated `Worker` when it finds a page
// (`document` and `Worker`); an MV3 service worker has neither. So the service worker installs a
// stand-in `Worker` (and marks `document`) that speaks the package's key-worker protocol
// (`{ module, request }` in; `{ ok }`, `{ error }` or `{ unavailable }` out) and hands the request
// to the offscreen document, which starts the package's own key worker (a dedicated worker, so
// the popup, whose thread the offscreen document shares, stays live too). Whatever goes wrong
// there answers `unavailable`, and the package then does the work itself, as before.
// The package has no option for this yet: a `kdf` hook in `MetaSecret.open` would replace it.
import { ensureOffscreen, fromBase64, toBase64 } from "./offscreen-doc.js";

class OffscreenKeyWorker {
  /** @type {((event: { data: unknown }) => void) | null} */
  onmessage = null;
  /** @type {((event: { message: string, preventDefault(): void }) => void) | null} */
  onerror = null;
  /** @type {(() => void) | null} */
  onmessageerror = null;
  #ended = false;

  /** @param {{ request: { op: string, data: Uint8Array, passphrase: string, workFactor: number } }} message */
  postMessage({ request }) {
    const data = toBase64(request.data);
    request.data.fill(0);
    this.#run({ op: request.op, data, passphrase: request.passphrase, workFactor: request.workFactor });
  }

  /** @param {{ op: string, data: string, passphrase: string, workFactor: number }} request */
  async #run(request) {
    /** @type {unknown} */
    let data;
    try {
      await ensureOffscreen();
      const answer = await chrome.runtime.sendMessage({ target: "offscreen", type: "kdf", request });
      if (typeof answer?.ok === "string") data = { ok: fromBase64(answer.ok) };
      else if (answer?.error) data = { error: answer.error };
      else data = { unavailable: "the offscreen document did not answer" };
    } catch (error) {
      data = { unavailable: String(/** @type {Error} */ (error)?.message ?? error) };
    }
    if (!this.#ended) this.onmessage?.({ data });
  }

  terminate() {
    this.#ended = true;
  }
}

/** Installs the stand-in; call before the package's first `open`. */
export function keyWorkOffThread() {
  const scope = /** @type {any} */ (globalThis);
  if (typeof scope.document === "undefined") scope.document = { metaSecretStandIn: true };
  if (typeof scope.Worker !== "function") scope.Worker = OffscreenKeyWorker;
}

// @ts-check
// A dedicated worker the offscreen document starts for one passphrase operation (scrypt): the
// package's documented `runKeyWork`, on a thread of its own, neither the service worker's nor the
// one the extension's pages share. Answers `{ ok }`, `{ error: { code, message } }` or
// `{ unavailable }` (the service worker then does the work itself).
import init, { runKeyWork } from "./pkg/meta_secret.js";

/** @param {unknown} error */
const text = (error) => String(/** @type {Error} */ (error)?.message ?? error);

self.onmessage = async ({ data }) => {
  /** @type {import("./pkg/meta_secret.js").KeyWorkRequest} */
  const request = data.request;
  try {
    await init({ module_or_path: new URL("./pkg/meta_secret_bg.wasm", import.meta.url) });
  } catch (error) {
    request.data.fill(0);
    postMessage({ unavailable: text(error) });
    return;
  }
  try {
    const ok = runKeyWork(request);
    postMessage({ ok }, { transfer: [ok.buffer] });
  } catch (error) {
    postMessage({ error: { code: String(/** @type {any} */ (error)?.code ?? "INTERNAL"), message: text(error) } });
  } finally {
    request.data.fill(0);
  }
};

// Started by the package itself (never import this): runs one passphrase operation off the page's
// thread and answers `{ ok: Uint8Array }`, `{ error: { code, message } }`, or `{ unavailable }`
// when it cannot run at all (the page then does the work itself).
import init, { runKeyWork } from "./meta_secret.js";

self.onmessage = async ({ data }) => {
  try {
    await init({ module_or_path: data.module });
  } catch (error) {
    self.postMessage({ unavailable: String(error?.message ?? error) });
    return;
  }
  try {
    const ok = runKeyWork(data.request);
    self.postMessage({ ok }, [ok.buffer]);
  } catch (error) {
    self.postMessage({ error: { code: error?.code ?? "INTERNAL", message: String(error?.message ?? error) } });
  } finally {
    data.request.data.fill(0);
  }
};

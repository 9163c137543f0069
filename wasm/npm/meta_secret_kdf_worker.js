// Started by the package itself (never import this): runs one passphrase operation off the page's
// thread and answers `{ ok: Uint8Array }` or `{ error: { code, message } }`.
import init, { __metaSecretKdf } from "./meta_secret.js";

self.onmessage = async ({ data }) => {
  try {
    await init({ module_or_path: data.module });
    const ok = __metaSecretKdf(data.request);
    self.postMessage({ ok }, [ok.buffer]);
  } catch (error) {
    self.postMessage({ error: { code: error?.code ?? "INTERNAL", message: String(error?.message ?? error) } });
  }
};

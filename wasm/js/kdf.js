// The passphrase work (scrypt: seconds, by design) in a dedicated worker when called from a page,
// so the page's thread never freezes. Workers and service workers have no UI to freeze: they
// get `null` and run it themselves.

const TIMEOUT_MS = 120_000;
let warned = false;

export function kdfOffThread(module, request) {
  if (typeof document === "undefined" || typeof Worker !== "function") return null;
  return new Promise((resolve, reject) => {
    const fallBack = (why) => {
      if (!warned) {
        warned = true;
        console.warn(`meta-secret: deriving keys on the page's thread (${why}); keep meta_secret_kdf_worker.js next to meta_secret.js`);
      }
      reject(new Error(why));
    };
    let worker;
    try {
      // wasm-bindgen ships this file as snippets/<crate-hash>/js/kdf.js: three levels below the package.
      // Written literally as `new Worker(new URL(…, import.meta.url))`: the form bundlers follow.
      worker = new Worker(new URL("../../../meta_secret_kdf_worker.js", import.meta.url), {
        type: "module",
        name: "meta-secret-kdf",
      });
    } catch (error) {
      fallBack(String(error?.message ?? error));
      return;
    }
    const timer = setTimeout(() => finish(() => fallBack("the key worker did not answer")), TIMEOUT_MS);
    function finish(settle) {
      clearTimeout(timer);
      worker.terminate(); // frees scrypt's memory at once
      settle();
    }
    worker.onmessage = ({ data }) =>
      finish(() => (data?.unavailable !== undefined ? fallBack(data.unavailable) : resolve(data)));
    worker.onerror = (event) => {
      event.preventDefault?.();
      finish(() => fallBack(event.message || "the key worker did not start"));
    };
    worker.onmessageerror = () => finish(() => fallBack("the key worker's answer could not be read"));
    // The request's bytes move to the worker (nothing is left here to wipe).
    worker.postMessage({ module, request }, [request.data.buffer]);
  });
}

/// Holds the Web Lock `name` (across tabs and workers of this origin) until the returned
/// function is called; where Web Locks are missing, returns at once.
export function holdLock(name) {
  const locks = globalThis.navigator?.locks;
  if (!locks) return Promise.resolve(() => {});
  return new Promise((granted) => {
    locks.request(name, () => new Promise((release) => granted(release)));
  });
}

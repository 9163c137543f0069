// The passphrase work (scrypt: seconds, by design) in a dedicated worker when called from a page,
// so the page's thread never freezes. Workers and service workers have no UI to freeze: they
// get `null` and run it themselves.
export function kdfOffThread(module, request) {
  if (typeof document === "undefined" || typeof Worker !== "function") return null;
  return new Promise((resolve, reject) => {
    let worker;
    try {
      // wasm-bindgen ships this file as snippets/<crate-hash>/js/kdf.js: three levels below the package.
      worker = new Worker(new URL("../../../meta_secret_kdf_worker.js", import.meta.url), {
        type: "module",
        name: "meta-secret-kdf",
      });
    } catch (error) {
      reject(error);
      return;
    }
    const finish = (settle, value) => {
      worker.terminate(); // frees scrypt's memory at once
      settle(value);
    };
    worker.onmessage = (event) => finish(resolve, event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      finish(reject, new Error(event.message || "the key worker did not start"));
    };
    worker.onmessageerror = () => finish(reject, new Error("the key worker's answer could not be read"));
    worker.postMessage({ module, request });
  });
}

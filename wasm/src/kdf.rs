//! This device's keys at rest: loaded or created on open, with the passphrase work (scrypt, seconds
//! by design) run off the page's thread: by the caller's `kdf` option, else by `js/kdf.js` and
//! `meta_secret_kdf_worker.js`.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use meta_secret_core::client::{store_key_blob, stored_key_blob, DeviceSetup};
use meta_secret_core::identity::{is_sealed_key_blob, seal_key_blob, unseal_key_blob, DeviceKeys, IdentityError};
use meta_secret_core::sync::ClientError;
use meta_secret_core::ErrorCode;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::idb_store::IdbStore;
use crate::js_error::{client_error, invalid_input, js_error};

#[wasm_bindgen(module = "/js/kdf.js")]
extern "C" {
    /// A promise of the worker's answer, or `null` where blocking this thread is fine.
    #[wasm_bindgen(js_name = kdfOffThread)]
    fn kdf_off_thread(module: &JsValue, request: &JsValue) -> Option<Promise>;

    /// A promise of the function that releases the Web Lock `name`.
    #[wasm_bindgen(js_name = holdLock)]
    fn hold_lock(name: &str) -> Promise;
}

#[wasm_bindgen(typescript_custom_section)]
const KEY_WORK_TYPES: &str = r#"
/** One passphrase operation of `MetaSecret.open`: seal new keys or unseal stored ones (scrypt). */
export interface KeyWorkRequest {
  op: "seal" | "unseal";
  data: Uint8Array;
  passphrase: string;
  workFactor: number;
}
/** The `kdf` option of `MetaSecret.open`: answers a request with `runKeyWork(request)` run
 *  wherever the caller likes (a worker, an extension's offscreen document). */
export type KeyWork = (request: KeyWorkRequest) => Promise<Uint8Array>;
"#;

/// The `kdf` option is a function, read off the options object itself; serde only skips it.
pub fn skip_hook<'de, D: serde::Deserializer<'de>>(_: D) -> Result<Option<()>, D::Error> {
    Ok(None)
}

/// The caller's `kdf` option, if any: a function, or `INVALID_INPUT`.
pub fn hook_option(options: &JsValue) -> Result<Option<Function>, JsValue> {
    let hook = Reflect::get(options, &"kdf".into()).unwrap_or(JsValue::UNDEFINED);
    if hook.is_undefined() {
        return Ok(None);
    }
    hook.dyn_into::<Function>().map(Some).map_err(|_| invalid_input("open options: kdf must be a function"))
}

/// Releases its Web Lock when dropped, on every path out of the locked section.
struct LockGuard(js_sys::Function);

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::NULL);
    }
}

const SEAL: &str = "seal";
const UNSEAL: &str = "unseal";

/// Loads this device's keys, or creates and stores them on first use (as the core's
/// `load_or_create_keys`, with the scrypt step handed to [`run`]).
///
/// Creating takes seconds while the page stays responsive, so a second `open()` of the same
/// database (a retry, another tab) waits on a Web Lock instead of making and storing other keys.
pub async fn load_or_create_keys(
    store: &IdbStore,
    db_name: &str,
    setup: &DeviceSetup<'_>,
    hook: Option<&Function>,
) -> Result<DeviceKeys, JsValue> {
    let release = JsFuture::from(hold_lock(&format!("meta-secret-keys:{db_name}"))).await?;
    let _guard = LockGuard(release.dyn_into().map_err(|_| js_error("INTERNAL", "no lock release"))?);
    let identity = |e: IdentityError| client_error(ClientError::from(e));
    if let Some(blob) = stored_key_blob(store).await.map_err(client_error)? {
        return match (is_sealed_key_blob(&blob), setup.passphrase) {
            (true, Some(passphrase)) => {
                let plain = run(UNSEAL, &blob, passphrase, 0, hook).await?;
                DeviceKeys::from_plain_blob(&plain).map_err(identity)
            }
            // Every other case is an error the core words and codes.
            _ => DeviceKeys::import(&blob, setup.passphrase).map_err(identity),
        };
    }
    let keys = DeviceKeys::generate(setup.name, setup.kind).map_err(identity)?;
    let plain = keys.to_plain_blob().map_err(identity)?;
    let blob = match setup.passphrase {
        Some(passphrase) => run(SEAL, &plain, passphrase, setup.work_factor, hook).await?.to_vec(),
        None => plain.to_vec(),
    };
    store_key_blob(store, blob).await.map_err(client_error)?;
    Ok(keys)
}

/// One passphrase operation: by the caller's `kdf` hook when given (its failure is the open's:
/// the caller chose where this runs), else in the package's key worker when on a page, here
/// otherwise (and here when the worker cannot start, e.g. a bundler that dropped its file).
async fn run(
    op: &str,
    data: &[u8],
    passphrase: &str,
    work_factor: u8,
    hook: Option<&Function>,
) -> Result<Zeroizing<Vec<u8>>, JsValue> {
    let request = Object::new();
    let set = |key: &str, value: JsValue| Reflect::set(&request, &key.into(), &value).map(drop);
    let data_js = Uint8Array::from(data);
    set("op", op.into())?;
    set("data", data_js.clone().into())?;
    set("passphrase", passphrase.into())?;
    set("workFactor", work_factor.into())?;
    let wipe = || {
        if data_js.length() > 0 {
            data_js.fill(0, 0, data_js.length()); // unless the work moved it elsewhere
        }
    };
    if let Some(hook) = hook {
        let answer = call_hook(hook, &request).await;
        wipe();
        let out = answer?;
        // What the hook hands back as protected keys must be protected keys.
        if op == SEAL && !is_sealed_key_blob(&out) {
            return Err(invalid_input("the kdf option answered something other than sealed keys"));
        }
        return Ok(out);
    }
    let answer = match kdf_off_thread(&wasm_bindgen::module(), &request) {
        Some(answer) => JsFuture::from(answer).await.ok(),
        None => None,
    };
    wipe();
    let out = match answer {
        Some(answer) => read_answer(&answer)?,
        None => return operate(op, data, passphrase, work_factor),
    };
    // What the worker stores as protected keys must be protected keys.
    if op == SEAL && !is_sealed_key_blob(&out) {
        return Err(js_error("INTERNAL", "the key worker answered something other than sealed keys"));
    }
    Ok(out)
}

/// The caller's hook: its answer must be bytes; its error keeps a code of ours (a wrong
/// passphrase stays `WRONG_PASSPHRASE`) and anything else says where it came from.
async fn call_hook(hook: &Function, request: &Object) -> Result<Zeroizing<Vec<u8>>, JsValue> {
    let answer = match hook.call1(&JsValue::UNDEFINED, request) {
        Ok(value) => JsFuture::from(Promise::resolve(&value)).await,
        Err(thrown) => Err(thrown),
    };
    let answer = answer.map_err(|error| {
        let get = |key: &str| Reflect::get(&error, &key.into()).ok().and_then(|value| value.as_string());
        let message = get("message").or_else(|| error.as_string()).unwrap_or_default();
        match known_code(get("code").as_deref()) {
            Some(code) => js_error(code, message),
            None => js_error("INTERNAL", format!("the kdf option failed: {message}")),
        }
    })?;
    let bytes =
        answer.dyn_ref::<Uint8Array>().ok_or_else(|| invalid_input("the kdf option must resolve to a Uint8Array"))?;
    let out = Zeroizing::new(bytes.to_vec());
    bytes.fill(0, 0, bytes.length());
    Ok(out)
}

fn known_code(code: Option<&str>) -> Option<&'static str> {
    ErrorCode::ALL.iter().find(|known| Some(known.as_str()) == code).map(|code| code.as_str())
}

fn read_answer(answer: &JsValue) -> Result<Zeroizing<Vec<u8>>, JsValue> {
    let get = |object: &JsValue, key: &str| Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(bytes) = get(answer, "ok").dyn_ref::<Uint8Array>() {
        let out = Zeroizing::new(bytes.to_vec());
        bytes.fill(0, 0, bytes.length());
        return Ok(out);
    }
    let error = get(answer, "error");
    let code = known_code(get(&error, "code").as_string().as_deref()).unwrap_or("INTERNAL");
    let message = get(&error, "message").as_string().unwrap_or_else(|| "the key worker failed".into());
    Err(js_error(code, message))
}

fn operate(op: &str, data: &[u8], passphrase: &str, work_factor: u8) -> Result<Zeroizing<Vec<u8>>, JsValue> {
    let identity = |e: IdentityError| client_error(ClientError::from(e));
    match op {
        SEAL => Ok(Zeroizing::new(seal_key_blob(data, passphrase, work_factor).map_err(identity)?)),
        UNSEAL => unseal_key_blob(data, passphrase).map_err(identity),
        _ => Err(invalid_input("unknown key operation")),
    }
}

/// Runs one passphrase operation here, blocking this thread for its seconds: what a `kdf` option
/// calls wherever it runs the work (after `init()` there), and what the package's key worker runs.
/// Throws a `MetaSecretError` (`WRONG_PASSPHRASE`, `INVALID_INPUT`, …).
#[wasm_bindgen(js_name = runKeyWork)]
pub fn run_key_work(
    #[wasm_bindgen(unchecked_param_type = "KeyWorkRequest")] request: JsValue,
) -> Result<Uint8Array, JsValue> {
    let get = |key: &str| Reflect::get(&request, &key.into()).unwrap_or(JsValue::UNDEFINED);
    let op = get("op").as_string().unwrap_or_default();
    let passphrase = Zeroizing::new(get("passphrase").as_string().ok_or_else(|| invalid_input("no passphrase"))?);
    let data = Zeroizing::new(get("data").dyn_into::<Uint8Array>().map_err(|_| invalid_input("no data"))?.to_vec());
    let work_factor = get("workFactor").as_f64().filter(|f| f.fract() == 0.0 && (0.0..=255.0).contains(f));
    let work_factor = work_factor.ok_or_else(|| invalid_input("no work factor"))? as u8;
    Ok(Uint8Array::from(operate(&op, &data, &passphrase, work_factor)?.as_slice()))
}

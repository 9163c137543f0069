//! `MetaSecret`, the JS API. Every method reads its inputs, calls one core flow and converts the
//! result; failures reject with a `MetaSecretError` carrying a stable `code`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::{Rc, Weak};

use js_sys::{Function, Promise, Uint8Array};
use meta_secret_core::client::{DeviceSetup, VaultClient};
use meta_secret_core::identity::{DeviceId, DeviceKind, KeyProtection};
use meta_secret_core::sync::ClientError;
use serde::Serialize;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use zeroize::Zeroizing;

use crate::device_store::DeviceStore;
use crate::fetch_transport::FetchTransport;
use crate::idb_store::IdbStore;
use crate::js_error::{client_error, invalid_input, js_error, CLOSED};
use crate::live::{Subscription, Subscriptions};
use crate::timer::JsClock;
use crate::types::{
    AddSecretOptions, Claim, Device, Level, LogStatus, OpenOptions, Secret, SyncResult, VaultStatus, VaultView,
};

pub type Client = VaultClient<DeviceStore, FetchTransport>;

pub struct Inner {
    /// Taken out on `close()`, so the keys are dropped (and wiped) once in-flight calls end.
    client: RefCell<Option<Rc<Client>>>,
    device: Device,
    pub server_url: String,
    closed: Cell<bool>,
    subscriptions: RefCell<Subscriptions>,
}

/// One device: its keys and log in IndexedDB, syncing with the server at `serverUrl`.
#[wasm_bindgen]
pub struct MetaSecret {
    pub(crate) inner: Rc<Inner>,
}

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // Absent optionals become `undefined`, as the generated TypeScript says.
    value.serialize(&serde_wasm_bindgen::Serializer::new()).map_err(|e| js_error("INTERNAL", e))
}

/// A string argument, read inside the returned promise: `null`, numbers or objects reject with
/// `INVALID_INPUT` instead of throwing at the call.
pub(crate) fn text_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| invalid_input(format!("{what} must be a string")))
}

/// A threshold argument, read inside the returned promise: anything but a whole number that fits
/// a `u8` rejects with `INVALID_INPUT` here; the core checks it against the members (0 included).
fn threshold_arg(value: &JsValue, what: &str) -> Result<u8, JsValue> {
    let number = value
        .as_f64()
        .filter(|n| n.fract() == 0.0 && (0.0..=255.0).contains(n))
        .ok_or_else(|| invalid_input(format!("{what} must be a whole number from 1 to the number of devices")))?;
    Ok(number as u8)
}

fn device_id(text: &str) -> Result<DeviceId, JsValue> {
    DeviceId::parse(text).map_err(|e| invalid_input(format!("not a device id: {e}")))
}

/// serde-wasm-bindgen reads only the fields a struct names, so `deny_unknown_fields` never fires;
/// a misspelt option must still be refused rather than silently ignored.
pub(crate) fn refuse_unknown_keys(value: &JsValue, known: &[&str], what: &str) -> Result<(), JsValue> {
    let Some(object) = value.dyn_ref::<js_sys::Object>() else {
        return Ok(()); // not an object: deserialization reports the type error
    };
    for key in js_sys::Object::keys(object).iter().filter_map(|key| key.as_string()) {
        if !known.contains(&key.as_str()) {
            return Err(invalid_input(format!("{what}: unknown option `{key}`")));
        }
    }
    Ok(())
}

fn secret_bytes(secret: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = secret.as_string() {
        return Ok(text.into_bytes());
    }
    match secret.dyn_ref::<Uint8Array>() {
        Some(bytes) => Ok(bytes.to_vec()),
        None => Err(invalid_input("a secret is a string or a Uint8Array")),
    }
}

#[wasm_bindgen]
impl MetaSecret {
    /// Opens (or creates, on first use) this device in the IndexedDB database `dbName`.
    pub async fn open(options: Ts<OpenOptions>) -> Result<MetaSecret, JsValue> {
        console_error_panic_hook::set_once();
        refuse_unknown_keys(&options.js_value(), OpenOptions::KEYS, "open options")?;
        let hook = crate::kdf::hook_option(&options.js_value())?;
        let mut options = options.to_rust().map_err(|e| invalid_input(format!("open options: {e}")))?;
        let passphrase = Zeroizing::new(options.passphrase.take().unwrap_or_default());
        if options.server_url.is_empty() || options.db_name.is_empty() {
            return Err(invalid_input("serverUrl and dbName must not be empty"));
        }
        // Keys at rest are protected unless the caller says, by name, that they need not be.
        match (passphrase.is_empty(), options.insecure_no_passphrase.unwrap_or(false)) {
            (true, false) => {
                return Err(invalid_input(
                    "a passphrase is required to protect this device's keys; pass insecureNoPassphrase: true to \
                     store them unprotected",
                ))
            }
            (false, true) => return Err(invalid_input("give either a passphrase or insecureNoPassphrase, not both")),
            _ => {}
        }
        if matches!(options.device_kind, Some(crate::types::DeviceKindName::Paper)) {
            return Err(invalid_input("paper is the kind of recovery kits; open one with openRecoveryKit"));
        }
        let work_factor = options.key_work_factor.unwrap_or(KeyProtection::DEFAULT_WORK_FACTOR);
        KeyProtection::check_work_factor(work_factor).map_err(|e| client_error(e.into()))?;
        let idb = IdbStore::open(&options.db_name).await.map_err(|e| client_error(e.into()))?;
        let setup = DeviceSetup {
            name: &options.device_name,
            kind: options.device_kind.map_or(DeviceKind::Browser, Into::into),
            passphrase: (!passphrase.is_empty()).then_some(passphrase.as_str()),
            work_factor,
        };
        let transport = FetchTransport::new(&options.server_url);
        let keys = crate::kdf::load_or_create_keys(&idb, &options.db_name, &setup, hook.as_ref()).await?;
        let store = DeviceStore::Idb(idb);
        let client = match VaultClient::open_with_keys(store, transport, Box::new(JsClock), keys).await {
            Ok(client) => client,
            Err(error) => return Err(client_error(error)),
        };
        Ok(MetaSecret { inner: Rc::new(Inner::new(client, options.server_url)) })
    }

    pub(crate) fn run<F, Fut>(&self, call: F) -> Promise
    where
        F: FnOnce(Rc<Client>) -> Fut + 'static,
        Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
    {
        let client = self.inner.client();
        future_to_promise(async move {
            let client = client.ok_or_else(|| js_error(CLOSED, "this MetaSecret was closed"))?;
            call(client).await
        })
    }

    /// This device.
    #[wasm_bindgen(getter, unchecked_return_type = "Device")]
    pub fn device(&self) -> JsValue {
        to_js(&self.inner.device).unwrap_or(JsValue::NULL)
    }

    /// The vault this device belongs to or asked to join, if any (kept across reloads).
    #[wasm_bindgen(js_name = vaultName, unchecked_return_type = "Promise<string | undefined>")]
    pub fn vault_name(&self) -> Promise {
        self.run(|client| async move {
            Ok(client.gateway().vault().await.map_or(JsValue::UNDEFINED, |v| JsValue::from_str(v.as_str())))
        })
    }

    #[wasm_bindgen(js_name = createVault, unchecked_return_type = "Promise<void>")]
    pub fn create_vault(&self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Promise {
        self.run(|client| async move {
            let name = text_arg(&name, "name")?;
            done(client.create_vault(&name).await)
        })
    }

    /// Asks to join `name`; resolves with this device's status (normally `"pending"`).
    #[wasm_bindgen(js_name = requestJoin, unchecked_return_type = "Promise<VaultStatus>")]
    pub fn request_join(&self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Promise {
        self.run(|client| async move {
            let name = text_arg(&name, "name")?;

            to_js(&VaultStatus::from(client.request_join(&name).await.map_err(client_error)?))
        })
    }

    /// This device's standing in `name`, readable without being a member.
    #[wasm_bindgen(unchecked_return_type = "Promise<VaultStatus>")]
    pub fn status(&self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Promise {
        self.run(|client| async move {
            let name = text_arg(&name, "name")?;
            to_js(&VaultStatus::from(client.status(&name).await.map_err(client_error)?))
        })
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<Device[]>")]
    pub fn members(&self) -> Promise {
        self.run(|client| async move { devices(client.members().await) })
    }

    #[wasm_bindgen(js_name = pendingRequests, unchecked_return_type = "Promise<Device[]>")]
    pub fn pending_requests(&self) -> Promise {
        self.run(|client| async move { devices(client.pending_requests().await) })
    }

    /// Devices that were removed or left (they can never come back under the same keys).
    #[wasm_bindgen(js_name = removedDevices, unchecked_return_type = "Promise<Device[]>")]
    pub fn removed_devices(&self) -> Promise {
        self.run(|client| async move { devices(client.devices().await.map(|lists| lists.removed)) })
    }

    /// Devices by standing, secrets and claims as of the last sync, without a request: what a page
    /// redraws from after each `subscribe` event or flow (those already synced).
    #[wasm_bindgen(unchecked_return_type = "Promise<VaultView>")]
    pub fn view(&self) -> Promise {
        self.run(|client| async move {
            let lists = client.devices().await.map_err(client_error)?;
            let governance = client.governance().await.map_err(client_error)?;
            let secrets = client.secrets().await.map_err(client_error)?;
            let claims = client.known_claims().await.map_err(client_error)?;
            let log = LogStatus {
                fingerprint: client.log_fingerprint().await.map_err(client_error)?,
                fork: client.fork_evidence().await,
                withheld: client.withheld_evidence().await,
                unverified: client.view_unverified().await,
            };
            to_js(&VaultView::new(log, lists, governance, secrets, claims, client.device().id.as_str()))
        })
    }

    /// The code this device shows when it asks to join `name`; an approver compares it with the
    /// `verificationCode` its view lists for this device.
    #[wasm_bindgen(js_name = verificationCode, unchecked_return_type = "Promise<string>")]
    pub fn verification_code(&self, #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue) -> Promise {
        self.run(|client| async move {
            let name = text_arg(&name, "name")?;
            Ok(JsValue::from_str(&client.verification_code(&name).map_err(client_error)?))
        })
    }

    /// Votes to change the quorum (2 to 32); it changes once the current quorum voted.
    #[wasm_bindgen(js_name = setQuorum, unchecked_return_type = "Promise<void>")]
    pub fn set_quorum(&self, #[wasm_bindgen(unchecked_param_type = "number")] quorum: JsValue) -> Promise {
        self.run(move |client| async move {
            let quorum = quorum
                .as_f64()
                .filter(|q| q.fract() == 0.0 && (0.0..=255.0).contains(q))
                .ok_or_else(|| invalid_input("quorum must be a whole number"))?;
            done(client.set_quorum(quorum as u8).await)
        })
    }

    /// This person's approval of a device: a vote to accept it that also deals this device's
    /// shares to it. For a member still waiting for shares, it deals them.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn accept(
        &self,
        #[wasm_bindgen(js_name = deviceId, unchecked_param_type = "DeviceId")] device: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let device = text_arg(&device, "device")?;
            done(client.accept(&device_id(&device)?).await)
        })
    }

    /// This person's approval of the members listed in `view().toApprove` (compare their codes)
    /// and of dealing this device's shares to them.
    #[wasm_bindgen(js_name = shareWithNewMembers, unchecked_return_type = "Promise<void>")]
    pub fn share_with_new_members(&self) -> Promise {
        self.run(|client| async move { done(client.share_with_new_members().await) })
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn decline(
        &self,
        #[wasm_bindgen(js_name = deviceId, unchecked_param_type = "DeviceId")] device: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let device = text_arg(&device, "device")?;
            done(client.decline(&device_id(&device)?).await)
        })
    }

    /// Devices whose join request was declined; `reopen` lets one ask again.
    #[wasm_bindgen(js_name = declinedDevices, unchecked_return_type = "Promise<Device[]>")]
    pub fn declined_devices(&self) -> Promise {
        self.run(|client| async move { devices(client.devices().await.map(|lists| lists.declined)) })
    }

    /// Re-admits a declined device: it becomes an outsider again and may ask to join.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn reopen(
        &self,
        #[wasm_bindgen(js_name = deviceId, unchecked_param_type = "DeviceId")] device: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let device = text_arg(&device, "device")?;
            done(client.reopen(&device_id(&device)?).await)
        })
    }

    /// Votes to remove a member; it is removed once the quorum voted.
    #[wasm_bindgen(js_name = removeDevice, unchecked_return_type = "Promise<void>")]
    pub fn remove_device(
        &self,
        #[wasm_bindgen(js_name = deviceId, unchecked_param_type = "DeviceId")] device: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let device = text_arg(&device, "device")?;
            done(client.remove_device(&device_id(&device)?).await)
        })
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn leave(&self) -> Promise {
        self.run(|client| async move { done(client.leave().await) })
    }

    /// Splits `secret` k-of-n over the members, k = `options.threshold`.
    #[wasm_bindgen(js_name = addSecret, unchecked_return_type = "Promise<Secret>")]
    pub fn add_secret(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] secret: JsValue,
        options: Ts<AddSecretOptions>,
    ) -> Promise {
        self.run(|client| async move {
            let name = text_arg(&name, "name")?;

            let bytes = Zeroizing::new(secret_bytes(&secret)?);
            refuse_unknown_keys(&options.js_value(), AddSecretOptions::KEYS, "addSecret options")?;
            let options = options.to_rust().map_err(|e| invalid_input(format!("addSecret options: {e}")))?;
            let info = client.add_secret(&name, &bytes, options.threshold).await.map_err(client_error)?;
            to_js(&Secret::from(info))
        })
    }

    /// Opens protection level `k` ("needs k devices"): its devices make the level's key as they
    /// sync. Resolves with the level once ready (at once for a device alone in its vault, and for
    /// a level already ready); until then rejects with `LEVEL_NOT_READY`. `k` is 1 to the number
    /// of members (1 only when alone), else `INVALID_INPUT`.
    #[wasm_bindgen(js_name = openLevel, unchecked_return_type = "Promise<Level>")]
    pub fn open_level(&self, #[wasm_bindgen(unchecked_param_type = "number")] k: JsValue) -> Promise {
        self.run(move |client| async move {
            let k = threshold_arg(&k, "k")?;
            to_js(&Level::from(client.open_level(k).await.map_err(client_error)?))
        })
    }

    /// The vault's protection levels as of the last sync, without a request.
    #[wasm_bindgen(unchecked_return_type = "Promise<Level[]>")]
    pub fn levels(&self) -> Promise {
        self.run(|client| async move {
            let levels: Vec<Level> =
                client.levels().await.map_err(client_error)?.into_iter().map(Level::from).collect();
            to_js(&levels)
        })
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<Secret[]>")]
    pub fn secrets(&self) -> Promise {
        self.run(|client| async move {
            let secrets: Vec<Secret> =
                client.secrets().await.map_err(client_error)?.into_iter().map(Secret::from).collect();
            to_js(&secrets)
        })
    }

    /// Votes to delete a secret; it is deleted once the quorum voted.
    #[wasm_bindgen(js_name = deleteSecret, unchecked_return_type = "Promise<void>")]
    pub fn delete_secret(
        &self,
        #[wasm_bindgen(js_name = secretId, unchecked_param_type = "SecretId")] secret_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let secret_id = text_arg(&secret_id, "secret_id")?;
            done(client.delete_secret(&secret_id).await)
        })
    }

    /// Opens a recovery claim for a secret; resolves with the claim id.
    #[wasm_bindgen(js_name = requestRecovery, unchecked_return_type = "Promise<ClaimId>")]
    pub fn request_recovery(
        &self,
        #[wasm_bindgen(js_name = secretId, unchecked_param_type = "SecretId")] secret_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let secret_id = text_arg(&secret_id, "secret_id")?;

            Ok(JsValue::from_str(&client.request_recovery(&secret_id).await.map_err(client_error)?))
        })
    }

    /// Opens one claim per secret in one batch, so another device approves them all with one
    /// action (`approveBatch`): an unlock of many logins. Resolves with the batch and the claims.
    #[wasm_bindgen(js_name = requestRecoveries, unchecked_return_type = "Promise<ClaimBatch>")]
    pub fn request_recoveries(
        &self,
        #[wasm_bindgen(js_name = secretIds, unchecked_param_type = "SecretId[]")] secret_ids: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let ids: Vec<String> = serde_wasm_bindgen::from_value(secret_ids)
                .map_err(|_| invalid_input("secretIds must be an array of secret ids"))?;
            let (batch, claims) = client.request_recoveries(&ids).await.map_err(client_error)?;
            to_js(&crate::types::ClaimBatch { batch, claims })
        })
    }

    /// One person's approval of exactly the claims `claimIds` (those the person was shown, from
    /// `view().claims` with that `batch`) that `requester` opened in `batch`. Claims added to the
    /// batch since are left alone; an id outside it rejects with `INVALID_INPUT`. Resolves with how
    /// many it approved.
    #[wasm_bindgen(js_name = approveBatch, unchecked_return_type = "Promise<number>")]
    pub fn approve_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeviceId")] requester: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] batch: JsValue,
        #[wasm_bindgen(js_name = claimIds, unchecked_param_type = "ClaimId[]")] claim_ids: JsValue,
    ) -> Promise {
        self.run(move |client| async move {
            let requester = device_id(&text_arg(&requester, "requester")?)?;
            let batch = text_arg(&batch, "batch")?;
            let seen: Vec<String> = serde_wasm_bindgen::from_value(claim_ids)
                .map_err(|_| invalid_input("claimIds must be an array of the claim ids the person saw"))?;
            let approved = client.approve_batch(&requester, &batch, &seen).await.map_err(client_error)?;
            Ok(JsValue::from(approved as u32))
        })
    }

    /// Declines every open claim `requester` opened in `batch`; resolves with how many.
    #[wasm_bindgen(js_name = declineBatch, unchecked_return_type = "Promise<number>")]
    pub fn decline_batch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeviceId")] requester: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] batch: JsValue,
    ) -> Promise {
        self.decline_whole_batch(requester, batch)
    }

    #[wasm_bindgen(js_name = recoveryClaims, unchecked_return_type = "Promise<Claim[]>")]
    pub fn recovery_claims(&self) -> Promise {
        self.run(|client| async move {
            let me = client.device().id.to_string();
            let claims = client.recovery_claims().await.map_err(client_error)?;
            to_js(&claims.into_iter().map(|c| Claim::from_info(c, &me)).collect::<Vec<_>>())
        })
    }

    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn approve(
        &self,
        #[wasm_bindgen(js_name = claimId, unchecked_param_type = "ClaimId")] claim_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let claim_id = text_arg(&claim_id, "claim_id")?;
            done(client.approve(&claim_id).await)
        })
    }

    #[wasm_bindgen(js_name = declineClaim, unchecked_return_type = "Promise<void>")]
    pub fn decline_claim(
        &self,
        #[wasm_bindgen(js_name = claimId, unchecked_param_type = "ClaimId")] claim_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let claim_id = text_arg(&claim_id, "claim_id")?;
            done(client.decline_claim(&claim_id).await)
        })
    }

    /// Closes an open claim of this device without revealing.
    #[wasm_bindgen(js_name = cancelRecovery, unchecked_return_type = "Promise<void>")]
    pub fn cancel_recovery(
        &self,
        #[wasm_bindgen(js_name = claimId, unchecked_param_type = "ClaimId")] claim_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let claim_id = text_arg(&claim_id, "claim_id")?;
            done(client.cancel_recovery(&claim_id).await)
        })
    }

    /// Combines this device's share with the approvals of its claim; resolves with the bytes.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn reveal(
        &self,
        #[wasm_bindgen(js_name = claimId, unchecked_param_type = "ClaimId")] claim_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let claim_id = text_arg(&claim_id, "claim_id")?;

            let bytes = Zeroizing::new(client.reveal(&claim_id).await.map_err(client_error)?);
            Ok(Uint8Array::from(bytes.as_slice()).into())
        })
    }

    /// `reveal` for text secrets; rejects with `INVALID_INPUT` if not UTF-8.
    #[wasm_bindgen(js_name = revealText, unchecked_return_type = "Promise<string>")]
    pub fn reveal_text(
        &self,
        #[wasm_bindgen(js_name = claimId, unchecked_param_type = "ClaimId")] claim_id: JsValue,
    ) -> Promise {
        self.run(|client| async move {
            let claim_id = text_arg(&claim_id, "claim_id")?;

            let bytes = Zeroizing::new(client.reveal(&claim_id).await.map_err(client_error)?);
            let text = std::str::from_utf8(&bytes).map_err(|_| invalid_input("the secret is not UTF-8 text"))?;
            Ok(JsValue::from_str(text))
        })
    }

    /// Pushes queued events and pulls new commits (one request unless paged).
    #[wasm_bindgen(unchecked_return_type = "Promise<SyncResult>")]
    pub fn sync(&self) -> Promise {
        self.run(|client| async move { to_js(&SyncResult::from(&client.sync().await.map_err(client_error)?)) })
    }

    /// Keeps this device in sync: a live WebSocket poke triggers a sync at once, and a timer polls
    /// while the socket is down. `callback` gets every change, connection state and error.
    pub fn subscribe(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: LiveEvent) => void")] callback: Function,
    ) -> Result<Subscription, JsValue> {
        if self.inner.closed.get() {
            return Err(js_error(CLOSED, "this MetaSecret was closed"));
        }
        let subscription = Subscription::start(Rc::downgrade(&self.inner), callback);
        self.inner.subscriptions.borrow_mut().add(&subscription);
        Ok(subscription)
    }

    /// Stops every subscription and closes the database; later calls reject with `CLOSED`.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let inner = self.inner.clone();
        // Closed at once: a call made right after `close()` rejects with CLOSED.
        inner.closed.set(true);
        future_to_promise(async move {
            let subscriptions = std::mem::take(&mut *inner.subscriptions.borrow_mut());
            subscriptions.stop_all();
            if let Some(client) = inner.client.borrow_mut().take() {
                client.gateway().store().close();
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl MetaSecret {
    fn decline_whole_batch(&self, requester: JsValue, batch: JsValue) -> Promise {
        self.run(move |client| async move {
            let requester = device_id(&text_arg(&requester, "requester")?)?;
            let batch = text_arg(&batch, "batch")?;
            let declined = client.decline_batch(&requester, &batch).await.map_err(client_error)?;
            Ok(JsValue::from(declined as u32))
        })
    }
}

impl Inner {
    pub fn new(client: Client, server_url: String) -> Inner {
        Inner {
            device: Device::from(client.device()),
            client: RefCell::new(Some(Rc::new(client))),
            server_url,
            closed: Cell::new(false),
            subscriptions: RefCell::new(Subscriptions::default()),
        }
    }

    /// The client, until `close()`.
    pub fn client(&self) -> Option<Rc<Client>> {
        if self.closed.get() {
            return None;
        }
        self.client.borrow().clone()
    }

    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }
}

pub type WeakInner = Weak<Inner>;

fn done(result: Result<impl Sized, ClientError>) -> Result<JsValue, JsValue> {
    result.map(|_| JsValue::UNDEFINED).map_err(client_error)
}

fn devices(result: Result<Vec<meta_secret_core::identity::DeviceInfo>, ClientError>) -> Result<JsValue, JsValue> {
    let devices: Vec<Device> = result.map_err(client_error)?.iter().map(Device::from).collect();
    to_js(&devices)
}

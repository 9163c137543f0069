//! `MetaSecret.vaultExists`: asks the server whether a vault exists before any key work, so a
//! mistyped vault is reported at once rather than after seconds of scrypt. The probe is signed by
//! throwaway keys held in memory (the server answers a status probe to any signed outsider).

use meta_secret_core::client::VaultClient;
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::MemoryStore;
use meta_secret_core::vault::MembershipStatus;
use wasm_bindgen::prelude::*;

use crate::api::{text_arg, MetaSecret};
use crate::device_store::DeviceStore;
use crate::fetch_transport::FetchTransport;
use crate::js_error::{client_error, invalid_input};
use crate::timer::JsClock;

#[wasm_bindgen]
impl MetaSecret {
    /// Whether the vault `vault` exists on the server at `serverUrl`. Stores nothing and needs no
    /// device: call it before `open` to tell a person at once that a vault name is wrong. A
    /// malformed name rejects with `INVALID_INPUT`, an unreachable server with `NETWORK`.
    #[wasm_bindgen(js_name = vaultExists)]
    pub async fn vault_exists(
        #[wasm_bindgen(js_name = serverUrl, unchecked_param_type = "string")] server_url: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] vault: JsValue,
    ) -> Result<bool, JsValue> {
        let server_url = text_arg(&server_url, "serverUrl")?;
        let vault = text_arg(&vault, "vault")?;
        if server_url.is_empty() {
            return Err(invalid_input("serverUrl must not be empty"));
        }
        let keys = DeviceKeys::generate("probe", DeviceKind::Browser).map_err(|e| client_error(e.into()))?;
        let transport = FetchTransport::new(&server_url);
        let store = DeviceStore::Memory(MemoryStore::new());
        let client =
            VaultClient::open_with_keys(store, transport, Box::new(JsClock), keys).await.map_err(client_error)?;
        let status = client.status(&vault).await.map_err(client_error)?;
        Ok(status != MembershipStatus::NoVault)
    }
}

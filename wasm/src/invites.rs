//! Invites in JS: a member makes one (`createInvite`), a new device joins with its code
//! (`requestJoinWithInvite`).

use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use crate::api::{text_arg, to_js, MetaSecret};
use crate::js_error::{client_error, invalid_input};
use crate::types::VaultStatus;

/// An invite just made: give `code` to the person joining; it is shown once.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewInvite {
    /// `msi1:<vault>:<key>:<genesis>`: the vault, the invite's private key and the vault's identity.
    pub code: String,
    /// What `revokeInvite` takes and `invites()` lists.
    pub invite_key: String,
    /// Milliseconds since the epoch.
    pub expires_at: f64,
}

impl Drop for NewInvite {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.code.zeroize();
    }
}

/// An unused invite.
#[derive(Tsify, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenInvite {
    pub invite_key: String,
    #[tsify(type = "DeviceId")]
    pub created_by: String,
    pub expires_at: f64,
}

#[wasm_bindgen]
impl MetaSecret {
    /// Makes an invite for one device, valid for `ttlMs` (default 24 hours, at most 30 days). A
    /// join request with its code skips the outsiders' small pool of waiting requests.
    #[wasm_bindgen(js_name = createInvite, unchecked_return_type = "Promise<NewInvite>")]
    pub fn create_invite(
        &self,
        #[wasm_bindgen(js_name = ttlMs, unchecked_param_type = "number | undefined")] ttl_ms: JsValue,
    ) -> js_sys::Promise {
        self.run(|client| async move {
            let ttl = match ttl_ms.as_f64() {
                None if ttl_ms.is_undefined() || ttl_ms.is_null() => None,
                Some(ms) if ms.fract() == 0.0 && (1.0..=9.0e15).contains(&ms) => Some(ms as u64),
                _ => return Err(invalid_input("ttlMs must be a whole number of milliseconds")),
            };
            let invite = client.create_invite(ttl).await.map_err(client_error)?;
            to_js(&NewInvite {
                code: invite.code.to_string(),
                invite_key: invite.invite_key.to_base64(),
                expires_at: invite.expires_ms as f64,
            })
        })
    }

    /// Withdraws an unused invite.
    #[wasm_bindgen(js_name = revokeInvite, unchecked_return_type = "Promise<void>")]
    pub fn revoke_invite(
        &self,
        #[wasm_bindgen(js_name = inviteKey, unchecked_param_type = "string")] invite_key: JsValue,
    ) -> js_sys::Promise {
        self.run(|client| async move {
            let text = text_arg(&invite_key, "inviteKey")?;
            let key = meta_secret_core::encoding::Bytes::from_base64(&text)
                .ok_or_else(|| invalid_input("inviteKey is not an invite key"))?;
            client.revoke_invite(&key).await.map_err(client_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Unused invites that have not expired.
    #[wasm_bindgen(unchecked_return_type = "Promise<OpenInvite[]>")]
    pub fn invites(&self) -> js_sys::Promise {
        self.run(|client| async move {
            let invites = client.invites().await.map_err(client_error)?;
            let list: Vec<OpenInvite> = invites
                .into_iter()
                .map(|i| OpenInvite {
                    invite_key: i.invite_key.to_base64(),
                    created_by: i.creator.to_string(),
                    expires_at: i.expires_ms as f64,
                })
                .collect();
            to_js(&list)
        })
    }

    /// Asks to join the vault an invite code names. Once admitted, this device checks that the
    /// vault is the one the invite names; otherwise every call fails with `INVITE_MISMATCH`.
    #[wasm_bindgen(js_name = requestJoinWithInvite, unchecked_return_type = "Promise<VaultStatus>")]
    pub fn request_join_with_invite(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> js_sys::Promise {
        self.run(|client| async move {
            let code = zeroize::Zeroizing::new(text_arg(&code, "code")?);
            to_js(&VaultStatus::from(client.request_join_with_invite(&code).await.map_err(client_error)?))
        })
    }
}

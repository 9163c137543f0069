//! Governance votes beyond the member set: how long a claim may be approved.

use wasm_bindgen::prelude::*;

use crate::api::MetaSecret;
use crate::js_error::{client_error, invalid_input};

#[wasm_bindgen]
impl MetaSecret {
    /// Votes to change how long a claim may be approved after it is opened (1 to 1,440 minutes;
    /// 15 by default). It changes once the quorum voted, for claims opened from then on.
    #[wasm_bindgen(js_name = setClaimLifetime, unchecked_return_type = "Promise<void>")]
    pub fn set_claim_lifetime(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] minutes: JsValue,
    ) -> js_sys::Promise {
        self.run(move |client| async move {
            let minutes = minutes
                .as_f64()
                .filter(|m| m.fract() == 0.0 && (1.0..=1440.0).contains(m))
                .ok_or_else(|| invalid_input("minutes must be a whole number from 1 to 1440"))?;
            client.set_claim_lifetime(minutes as u16).await.map_err(client_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

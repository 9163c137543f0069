//! A session whose log came from the server alone (a recovery kit typed in, keys restored onto an
//! empty store) approves nothing until a person compared its log with another device's.

use wasm_bindgen::prelude::*;

use crate::api::{text_arg, MetaSecret};
use crate::js_error::client_error;

#[wasm_bindgen]
impl MetaSecret {
    /// Compares the log fingerprint another device of the vault shows (`view().fingerprint`
    /// there) with this session's log; on a match the session may approve. `UNVERIFIED_VIEW`
    /// when this session's log does not hold that head (the server may show it an old history).
    #[wasm_bindgen(js_name = confirmLog, unchecked_return_type = "Promise<void>")]
    pub fn confirm_log(
        &self,
        #[wasm_bindgen(js_name = otherFingerprint, unchecked_param_type = "string")] fingerprint: JsValue,
    ) -> js_sys::Promise {
        self.run(|client| async move {
            let fingerprint = text_arg(&fingerprint, "otherFingerprint")?;
            client.confirm_log(&fingerprint).await.map_err(client_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// For a person with no other device to compare with (every device lost): takes the server's
    /// log as it is. A hostile server that also holds a removed device could read what this
    /// session then approves.
    #[wasm_bindgen(js_name = trustLogWithoutComparison, unchecked_return_type = "Promise<void>")]
    pub fn trust_log_without_comparison(&self) -> js_sys::Promise {
        self.run(|client| async move {
            client.trust_log_without_comparison().await.map_err(client_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

//! Recovery kits through the JS API in headless Chromium against `wrangler dev`: a member makes a
//! kit, the kit's card text opens a session that stores nothing, and every bad input rejects with
//! a stable code (or, for the typing helpers, an answer) instead of throwing.

mod common;

use common::*;
use meta_secret_wasm::{check_recovery_words, recovery_word_completions, MetaSecret};
use serde_json::json;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn open_kit(options: serde_json::Value) -> Result<MetaSecret, JsValue> {
    MetaSecret::open_recovery_kit(Ts::new_unchecked(js(&options))).await
}

async fn database_names() -> Vec<String> {
    let list = js_sys::Function::new_no_args("return indexedDB.databases().then((l) => l.map((d) => d.name))");
    let names = call(list.call0(&JsValue::NULL).unwrap().into()).await.unwrap();
    array(names).iter().filter_map(|name| name.as_string()).collect()
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &name.into()).unwrap()
}

#[wasm_bindgen_test]
async fn a_member_makes_a_kit_and_its_card_opens_a_session_that_stores_nothing() {
    let vault = unique("kit");
    let maker = device("maker").await;
    call(maker.create_vault(vault.clone().into())).await.unwrap();
    let kit = call(maker.add_recovery_kit(JsValue::UNDEFINED)).await.expect("a member makes a kit");
    let words = string(&kit, "words");
    assert_eq!(words.split(' ').count(), 24);
    assert_eq!(string(&kit, "label"), "Recovery kit");
    assert_eq!(string(&kit, "vault"), vault);
    let card = string(&kit, "cardText");
    assert_eq!(card, format!("meta-secret-kit/1\n{vault}\n{words}"));
    assert!(string(&kit, "qrSvg").contains("<svg"), "an SVG QR code");
    assert_eq!(string(&kit, "verificationCode").len(), 19);
    // Alone, the maker's vote is the quorum: the kit is a member at once.
    let kinds: Vec<String> = array(call(maker.members()).await.unwrap()).iter().map(|d| string(d, "kind")).collect();
    assert_eq!(kinds.iter().filter(|kind| *kind == "paper").count(), 1);

    let before = database_names().await;
    let session = open_kit(json!({ "serverUrl": server_url(), "words": card })).await.expect("the card opens");
    assert_eq!(string(&session.device(), "id"), string(&kit, "id"));
    assert_eq!(string(&session.device(), "kind"), "paper");
    assert_eq!(call(session.vault_name()).await.unwrap().as_string(), Some(vault.clone()));
    assert_eq!(array(call(session.members()).await.unwrap()).len(), 2);
    call(session.close()).await.unwrap();
    assert_eq!(expect_code(session.members()).await, "CLOSED");
    assert_eq!(database_names().await, before, "a kit session writes no database");

    // Typed words (any case) with the vault named work too; a kit of this vault is no member of another.
    let typed = json!({ "serverUrl": server_url(), "words": words.to_uppercase(), "vault": vault });
    call(open_kit(typed).await.expect("typed words").close()).await.unwrap();
    let other = unique("other-vault");
    call(device("other").await.create_vault(other.clone().into())).await.unwrap();
    let foreign = open_kit(json!({ "serverUrl": server_url(), "words": words, "vault": other })).await;
    assert_eq!(code(foreign.err().expect("refused")), "NOT_MEMBER");
    let mismatch = open_kit(json!({ "serverUrl": server_url(), "words": card, "vault": other })).await;
    assert_eq!(code(mismatch.err().expect("refused")), "INVALID_INPUT", "the card names another vault");
}

#[wasm_bindgen_test]
async fn bad_kit_input_is_refused_with_codes_and_the_helpers_never_throw() {
    let words = "abandon ".repeat(23) + "art"; // the all-zero seed: valid words and checksum
    let refused = [
        json!(42),
        json!(null),
        json!({ "serverUrl": server_url(), "words": null, "vault": "v" }),
        json!({ "serverUrl": server_url(), "words": 7, "vault": "v" }),
        json!({ "serverUrl": server_url(), "words": words, "vault": "v", "typo": 1 }),
        json!({ "serverUrl": server_url(), "words": words }),
        json!({ "serverUrl": "", "words": words, "vault": "v" }),
        json!({ "serverUrl": server_url(), "words": words.replace("art", "zzz"), "vault": "v" }),
        json!({ "serverUrl": server_url(), "words": words.replace("art", "able"), "vault": "v" }),
        json!({ "serverUrl": server_url(), "words": "meta-secret-kit/9\nv\nabandon", "vault": "v" }),
        json!({ "serverUrl": server_url(), "words": "word ".repeat(200_000), "vault": "v" }),
    ];
    for options in refused {
        let shown = options.to_string().chars().take(80).collect::<String>();
        let error = MetaSecret::open_recovery_kit(Ts::new_unchecked(js(&options))).await.err();
        assert_eq!(code(error.unwrap_or_else(|| panic!("{shown} opened"))), "INVALID_INPUT", "{shown}");
    }
    let unknown =
        open_kit(json!({ "serverUrl": server_url(), "words": words.replace("art", "zzz"), "vault": "v" })).await;
    let message = field(&unknown.err().unwrap(), "message").as_string().unwrap();
    assert!(message.contains("word 24") && !message.contains("zzz"), "{message}");

    let check = check_recovery_words(JsValue::from_str(&words));
    assert_eq!(field(&check, "ok").as_bool(), Some(true));
    let check = check_recovery_words(JsValue::from_str(&words.replace("art", "zzz")));
    assert_eq!(field(&check, "problem").as_string().as_deref(), Some("UNKNOWN_WORD"));
    assert_eq!(field(&check, "position").as_f64(), Some(24.0));
    let check = check_recovery_words(JsValue::from_str(&words.replace("art", "able")));
    assert_eq!(field(&check, "problem").as_string().as_deref(), Some("CHECKSUM"));
    for hostile in [JsValue::NULL, JsValue::from_f64(1.0), js(&json!({ "a": 1 }))] {
        let check = check_recovery_words(hostile);
        assert_eq!(field(&check, "ok").as_bool(), Some(false));
        assert_eq!(array(recovery_word_completions(js(&json!([1, 2])))).len(), 0);
    }
    let completions: Vec<String> =
        array(recovery_word_completions("zo".into())).iter().filter_map(|w| w.as_string()).collect();
    assert_eq!(completions, ["zone", "zoo"]);

    // A device that is no member cannot make a kit; a bad label type rejects.
    let outsider = device("kit-outsider").await;
    assert_eq!(expect_code(outsider.add_recovery_kit(JsValue::UNDEFINED)).await, "NOT_MEMBER");
    let member = device("kit-label").await;
    call(member.create_vault(unique("kit-label").into())).await.unwrap();
    assert_eq!(expect_code(member.add_recovery_kit(JsValue::from_f64(3.0))).await, "INVALID_INPUT");
    assert_eq!(array(call(member.members()).await.unwrap()).len(), 1, "a refused kit adds no member");
}

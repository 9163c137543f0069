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
    // The maker votes only when the person says the words are stored; alone, that is the quorum.
    assert_eq!(array(call(maker.members()).await.unwrap()).len(), 1, "no member before the approval");
    call(maker.accept(field(&kit, "id"))).await.expect("approve the stored kit");
    let kinds: Vec<String> = array(call(maker.members()).await.unwrap()).iter().map(|d| string(d, "kind")).collect();
    assert_eq!(kinds.iter().filter(|kind| *kind == "paper").count(), 1);

    let before = database_names().await;
    let session = open_kit(json!({ "serverUrl": server_url(), "words": card })).await.expect("the card opens");
    assert_eq!(string(&session.device(), "id"), string(&kit, "id"));
    assert_eq!(string(&session.device(), "kind"), "paper");
    assert_eq!(call(session.vault_name()).await.unwrap().as_string(), Some(vault.clone()));
    assert_eq!(array(call(session.members()).await.unwrap()).len(), 2);
    assert_eq!(expect_code(session.add_recovery_kit(JsValue::UNDEFINED)).await, "INVALID_INPUT", "kits make no kits");
    let closing = session.close();
    assert_eq!(expect_code(session.members()).await, "CLOSED", "closed at once, not a tick later");
    call(closing).await.unwrap();
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

    // Only a kit's words make a paper member.
    let paper = open_with(json!({ "serverUrl": server_url(), "dbName": unique("paper"), "deviceName": "p",
        "deviceKind": "paper", "insecureNoPassphrase": true }))
    .await;
    assert_eq!(code(paper.err().expect("refused")), "INVALID_INPUT");

    // A device that is no member cannot make a kit; a bad label type rejects.
    let outsider = device("kit-outsider").await;
    assert_eq!(expect_code(outsider.add_recovery_kit(JsValue::UNDEFINED)).await, "NOT_MEMBER");
    let member = device("kit-label").await;
    call(member.create_vault(unique("kit-label").into())).await.unwrap();
    assert_eq!(expect_code(member.add_recovery_kit(JsValue::from_f64(3.0))).await, "INVALID_INPUT");
    assert_eq!(array(call(member.members()).await.unwrap()).len(), 1, "a refused kit adds no member");
}

/// How many runs of three consecutive words of `words` (a JS string) appear anywhere in this
/// module's wasm memory. It all happens in JS, so the test itself puts no copy of the words in wasm
/// memory, and the live buffer is read in place (a copy into wasm could grow and detach it).
fn runs_in_wasm_memory(words: &JsValue) -> usize {
    let scan = js_sys::Function::new_with_args(
        "memory, words",
        "const text = new TextDecoder('latin1').decode(new Uint8Array(memory.buffer)); \
         const list = words.split(' '); \
         return list.slice(2).filter((_, i) => text.includes(list.slice(i, i + 3).join(' '))).length;",
    );
    scan.call2(&JsValue::NULL, &wasm_bindgen::memory(), words).unwrap().as_f64().unwrap() as usize
}

#[wasm_bindgen_test]
async fn a_kit_leaves_no_words_in_wasm_memory_once_shown_typed_and_closed() {
    let maker = device("memory-maker").await;
    let vault = unique("kit-memory");
    call(maker.create_vault(vault.clone().into())).await.unwrap();
    let kit = call(maker.add_recovery_kit("Kit".into())).await.unwrap();
    // The words stay JS values here; the scan must find nothing the package left behind.
    let (words, card) = (field(&kit, "words"), field(&kit, "cardText"));
    let leaked = |step: &str| assert_eq!(runs_in_wasm_memory(&words), 0, "kit words left in wasm memory after {step}");
    leaked("making the kit");
    call(maker.accept(field(&kit, "id"))).await.unwrap();
    for text in [&words, &card] {
        assert_eq!(field(&check_recovery_words(text.clone()), "ok").as_bool(), Some(true));
    }
    leaked("checking the words");
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"serverUrl".into(), &server_url().into()).unwrap();
    js_sys::Reflect::set(&options, &"words".into(), &card).unwrap();
    let session = MetaSecret::open_recovery_kit(Ts::new_unchecked(options.into())).await.unwrap();
    call(session.sync()).await.unwrap();
    call(session.close()).await.unwrap();
    drop(session);
    leaked("a kit session, closed");
}

#[wasm_bindgen_test]
fn the_memory_scan_finds_words_that_are_there() {
    // The scan is able to fail: words Rust holds in wasm memory are found, and the same words
    // split apart (as this test's literals are) are not.
    let words = js_sys::Array::of3(&"zoo".into(), &"zone".into(), &"zero".into()).join(" ");
    assert_eq!(runs_in_wasm_memory(&words), 0);
    let held = ["zoo", "zone", "zero"].join(" ");
    assert_eq!(runs_in_wasm_memory(&words), 1);
    drop(held);
}

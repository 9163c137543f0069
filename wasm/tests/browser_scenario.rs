//! The JS API in headless Chromium against a real `wrangler dev`: three devices, each with its own
//! IndexedDB database, create → join → accept → 2-of-3 secret → recovery → approve → reveal; live
//! pokes; and bad input with the right codes.

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::*;
use js_sys::Function;
use meta_secret_wasm::MetaSecret;
use serde_json::json;
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn threshold(k: u8) -> Ts<meta_secret_wasm::AddSecretOptions> {
    Ts::new_unchecked(js(&json!({ "threshold": k })))
}

async fn vault_of_three(vault: &str) -> (MetaSecret, MetaSecret, MetaSecret) {
    let (a, b, c) = (device("a").await, device("b").await, device("c").await);
    call(a.create_vault(vault.into())).await.expect("create");
    for joiner in [&b, &c] {
        let status = call(joiner.request_join(vault.into())).await.expect("join");
        assert_eq!(status.as_string().as_deref(), Some("pending"));
    }
    let pending: Vec<String> =
        array(call(a.pending_requests()).await.unwrap()).iter().map(|d| string(d, "id")).collect();
    assert_eq!(pending.len(), 2);
    // Alone, a accepts b; then c needs two approvals (the quorum), each compared by code.
    call(a.accept(JsValue::from(device_id(&b)))).await.expect("accept b");
    let shown = call(c.verification_code(vault.into())).await.expect("code").as_string().unwrap();
    call(b.sync()).await.expect("sync");
    let view = call(b.view()).await.unwrap();
    assert_eq!(number(&view, "requiredVotes"), 2.0);
    let pending = array(js_sys::Reflect::get(&view, &"pending".into()).unwrap());
    assert_eq!(string(&pending[0], "verificationCode"), shown, "both sides show the same code");
    call(a.accept(JsValue::from(device_id(&c)))).await.expect("accept c");
    assert_eq!(call(c.status(vault.into())).await.unwrap().as_string().as_deref(), Some("pending"));
    call(b.accept(JsValue::from(device_id(&c)))).await.expect("accept c");
    for device in [&b, &c] {
        call(device.sync()).await.expect("sync");
        assert_eq!(call(device.status(vault.into())).await.unwrap().as_string().as_deref(), Some("member"));
    }
    (a, b, c)
}

#[wasm_bindgen_test]
async fn three_devices_share_and_recover_a_two_of_three_secret() {
    let vault = unique("family");
    let (a, b, c) = vault_of_three(&vault).await;
    assert_eq!(array(call(c.members()).await.unwrap()).len(), 3);

    let text = "Пароль: 秘密 🔐 — browser";
    let secret = call(a.add_secret("bank".into(), JsValue::from_str(text), threshold(2))).await.expect("add");
    assert_eq!((number(&secret, "k"), number(&secret, "n")), (2.0, 3.0));
    let secret_id = string(&secret, "id");
    call(b.sync()).await.unwrap();
    let listed = array(call(b.secrets()).await.unwrap());
    assert_eq!(string(&listed[0], "name"), "bank");

    let claim_id =
        call(b.request_recovery(JsValue::from(secret_id.clone()))).await.expect("request").as_string().unwrap();
    call(c.sync()).await.unwrap();
    let claims = array(call(c.recovery_claims()).await.unwrap());
    let claim = claims.iter().find(|claim| string(claim, "id") == claim_id).expect("c sees the claim");
    assert_eq!((number(claim, "approvals"), number(claim, "needed")), (0.0, 1.0));
    call(c.approve(JsValue::from(claim_id.clone()))).await.expect("approve");
    let revealed = call(b.reveal_text(JsValue::from(claim_id.clone()))).await.expect("reveal");
    assert_eq!(revealed.as_string().as_deref(), Some(text));
    assert_eq!(expect_code(b.reveal(JsValue::from(claim_id))).await, "CLAIM_CLOSED", "a claim reveals once");

    // A second round, revealing raw bytes on another device.
    let claim_id = call(a.request_recovery(JsValue::from(secret_id.clone()))).await.unwrap().as_string().unwrap();
    call(b.sync()).await.unwrap();
    call(b.approve(JsValue::from(claim_id.clone()))).await.expect("approve");
    let bytes = call(a.reveal(JsValue::from(claim_id))).await.expect("reveal bytes");
    assert_eq!(js_sys::Uint8Array::new(&bytes).to_vec(), text.as_bytes());

    // A declined device shows up as declined, and a member can re-admit it.
    let d = device("d").await;
    call(d.request_join(JsValue::from(vault.clone()))).await.expect("join");
    call(a.decline(JsValue::from(device_id(&d)))).await.expect("decline");
    let declined = array(call(b.declined_devices()).await.unwrap());
    assert!(declined.is_empty(), "b has not synced yet");
    call(b.sync()).await.unwrap();
    let declined: Vec<String> =
        array(call(b.declined_devices()).await.unwrap()).iter().map(|d| string(d, "id")).collect();
    assert_eq!(declined, vec![device_id(&d)]);
    call(b.reopen(JsValue::from(device_id(&d)))).await.expect("reopen");
    call(a.reopen(JsValue::from(device_id(&d)))).await.expect("reopen");
    call(b.sync()).await.unwrap();
    assert_eq!(call(d.status(JsValue::from(vault.clone()))).await.unwrap().as_string().as_deref(), Some("not_member"));
    assert!(array(call(b.declined_devices()).await.unwrap()).is_empty());
    call(d.close()).await.unwrap();

    call(a.delete_secret(JsValue::from(secret_id.clone()))).await.expect("delete");
    assert_eq!(array(call(a.secrets()).await.unwrap()).len(), 1, "one vote of two");
    call(b.delete_secret(JsValue::from(secret_id))).await.expect("delete");
    call(a.sync()).await.unwrap();
    assert!(array(call(a.secrets()).await.unwrap()).is_empty());
    call(c.leave()).await.expect("leave");
    call(a.sync()).await.unwrap();
    let removed = array(call(a.removed_devices()).await.unwrap());
    assert_eq!(removed.iter().map(|d| string(d, "id")).collect::<Vec<_>>(), vec![device_id(&c)]);
    for device in [a, b, c] {
        call(device.close()).await.unwrap();
    }
}

fn level_with_k(levels: &[JsValue], k: f64) -> Option<&JsValue> {
    levels.iter().find(|level| number(level, "k") == k)
}

fn flag(value: &JsValue, field: &str) -> bool {
    js_sys::Reflect::get(value, &JsValue::from_str(field)).ok().and_then(|v| v.as_bool()).expect(field)
}

#[wasm_bindgen_test]
async fn protection_levels_are_listed_and_opened() {
    let vault = unique("levels");
    let (a, b, c) = vault_of_three(&vault).await;
    call(a.add_secret("bank".into(), JsValue::from_str("s"), threshold(2))).await.expect("add");
    let levels = array(call(a.levels()).await.expect("levels"));
    // The level a made alone (level 1) needs 2 devices since b joined: a level is found by its k.
    let two = level_with_k(&levels, 2.0).unwrap_or_else(|| panic!("level k = 2 listed: {levels:?}"));
    assert_eq!((number(two, "level"), number(two, "n"), number(two, "secrets")), (1.0, 3.0, 1.0));
    assert!(flag(two, "ready") && !flag(two, "inProgress"), "{two:?}");
    call(b.sync()).await.unwrap();
    let seen_by_b = array(call(b.levels()).await.unwrap());
    assert_eq!(level_with_k(&seen_by_b, 2.0).map(|l| number(l, "secrets")), Some(1.0), "b lists it after a sync");

    // Level 3 needs all three devices: a opens it, and it is ready once b and c synced.
    assert_eq!(expect_code(a.open_level(JsValue::from_f64(3.0))).await, "LEVEL_NOT_READY");
    let opening = array(call(a.levels()).await.unwrap());
    let three = opening.iter().find(|l| number(l, "level") == 3.0).expect("level 3 listed while it is made");
    assert!(!flag(three, "ready") && flag(three, "inProgress"), "{three:?}");
    for _ in 0..6 {
        for device in [&b, &c, &a] {
            call(device.sync()).await.expect("sync");
        }
    }
    let opened = call(a.open_level(JsValue::from_f64(3.0))).await.expect("level 3 ready");
    assert_eq!((number(&opened, "level"), number(&opened, "k"), number(&opened, "n")), (3.0, 3.0, 3.0));
    assert!(flag(&opened, "ready"));
    let secret = call(a.add_secret("vault".into(), JsValue::from_str("all three"), threshold(3))).await.expect("add");
    assert_eq!(number(&secret, "k"), 3.0);

    // Bad input rejects with INVALID_INPUT: k = 0, k > members, k = 1 with others, not a whole number.
    let listed = array(call(a.levels()).await.unwrap()).len();
    for bad in [JsValue::from_f64(0.0), JsValue::from_f64(4.0), JsValue::from_f64(256.0), JsValue::from_f64(1.0)] {
        assert_eq!(expect_code(a.open_level(bad.clone())).await, "INVALID_INPUT", "openLevel({bad:?})");
    }
    for bad in
        [JsValue::from_str("2"), JsValue::from_f64(2.5), JsValue::from_f64(-1.0), JsValue::NULL, JsValue::UNDEFINED]
    {
        assert_eq!(expect_code(a.open_level(bad.clone())).await, "INVALID_INPUT", "openLevel({bad:?})");
    }
    assert_eq!(array(call(a.levels()).await.unwrap()).len(), listed, "refused calls open no level");
    for device in [a, b, c] {
        call(device.close()).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_subscribed_device_is_poked_and_syncs_without_polling() {
    let vault = unique("live");
    let (a, b, c) = vault_of_three(&vault).await;
    let events: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = events.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| sink.borrow_mut().push(event));
    let subscription = b.subscribe(callback.as_ref().unchecked_ref::<Function>().clone()).expect("subscribe");
    for _ in 0..100 {
        if subscription.live() {
            break;
        }
        sleep_ms(100).await;
    }
    assert!(subscription.live(), "the live socket opened: {:?}", events.borrow());
    events.borrow_mut().clear();

    // While the socket is up b polls only once a minute, so a sync within 15 s came from a poke.
    call(a.add_secret("wifi".into(), JsValue::from_str("hunter2"), threshold(2))).await.unwrap();
    let synced = |events: &[JsValue]| events.iter().any(|e| string(e, "type") == "synced");
    for _ in 0..150 {
        if synced(&events.borrow()) {
            break;
        }
        sleep_ms(100).await;
    }
    assert!(synced(&events.borrow()), "no poke-driven sync: {:?}", events.borrow());
    let listed = array(call(b.secrets()).await.unwrap());
    assert_eq!(string(&listed[0], "name"), "wifi");

    subscription.unsubscribe();
    assert!(!subscription.live());
    for device in [a, b, c] {
        call(device.close()).await.unwrap();
    }
    drop(callback);
}

/// A subscription whose events are counted.
fn counted_subscription(device: &MetaSecret) -> (meta_secret_wasm::Subscription, Rc<RefCell<usize>>) {
    let count: Rc<RefCell<usize>> = Rc::default();
    let sink = count.clone();
    let callback = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| *sink.borrow_mut() += 1);
    let subscription = device.subscribe(callback.as_ref().unchecked_ref::<Function>().clone()).expect("subscribe");
    callback.forget(); // owned by the subscription's JS side from here on
    (subscription, count)
}

/// A refused live handshake reaches the callback: one device may hold 8 sockets on a vault, so
/// the ninth subscription's socket is refused and reported as a `connection` event with a code.
#[wasm_bindgen_test]
async fn a_refused_live_socket_is_reported_to_the_callback() {
    let a = device("sockets").await;
    call(a.create_vault(JsValue::from(unique("sockets")))).await.unwrap();
    let events: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let mut subscriptions = Vec::new();
    for _ in 0..9 {
        let sink = events.clone();
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| sink.borrow_mut().push(event));
        subscriptions.push(a.subscribe(callback.as_ref().unchecked_ref::<Function>().clone()).expect("subscribe"));
        callback.forget();
    }
    let refused = |events: &[JsValue]| {
        events.iter().any(|e| {
            string(e, "type") == "connection"
                && js_sys::Reflect::get(e, &JsValue::from_str("live")).ok().and_then(|v| v.as_bool()) == Some(false)
                && js_sys::Reflect::get(e, &JsValue::from_str("code")).ok().and_then(|v| v.as_f64()).is_some()
        })
    };
    for _ in 0..100 {
        if refused(&events.borrow()) {
            break;
        }
        sleep_ms(100).await;
    }
    assert!(refused(&events.borrow()), "no refusal reported: {:?}", events.borrow());
    assert!(subscriptions.iter().filter(|s| s.live()).count() <= 8, "at most 8 sockets are live");
    for subscription in &subscriptions {
        subscription.unsubscribe();
    }
    call(a.close()).await.unwrap();
}

#[wasm_bindgen_test]
async fn no_callback_comes_after_unsubscribe_or_close() {
    let a = device("quiet").await;
    call(a.create_vault(JsValue::from(unique("quiet")))).await.unwrap();
    // Unsubscribe while the first sync may be in flight, 100 times.
    for trial in 0..100 {
        let (subscription, count) = counted_subscription(&a);
        sleep_ms(trial % 4).await;
        subscription.unsubscribe();
        let at_stop = *count.borrow();
        sleep_ms(30).await;
        assert_eq!(*count.borrow(), at_stop, "trial {trial}: a callback after unsubscribe()");
    }
    // Close while a subscription's sync is in flight.
    for trial in 0..20 {
        let b = device(&format!("closing-{trial}")).await;
        call(b.create_vault(JsValue::from(unique("closing")))).await.unwrap();
        let (_subscription, count) = counted_subscription(&b);
        sleep_ms(trial % 3).await;
        call(b.close()).await.unwrap();
        let at_close = *count.borrow();
        sleep_ms(50).await;
        assert_eq!(*count.borrow(), at_close, "trial {trial}: a callback after close()");
    }
    call(a.close()).await.unwrap();
}

#[wasm_bindgen_test]
async fn bad_input_is_rejected_with_stable_codes_and_the_device_stays_usable() {
    // Wrong types for the options object.
    let error = MetaSecret::open(Ts::new_unchecked(JsValue::from_f64(42.0))).await.err().expect("refused");
    assert_eq!(code(error), "INVALID_INPUT");
    let error = open_with(json!({ "serverUrl": server_url(), "dbName": 7, "deviceName": "x" })).await.err().unwrap();
    assert_eq!(code(error), "INVALID_INPUT");
    let error = open_with(json!({ "serverUrl": server_url(), "dbName": "d", "deviceName": "x", "typo": 1 }))
        .await
        .err()
        .unwrap();
    assert_eq!(code(error), "INVALID_INPUT", "unknown options are refused, not ignored");

    let a = device("solo").await;
    assert_eq!(expect_code(a.create_vault(JsValue::from(String::new()))).await, "INVALID_INPUT");
    let vault = unique("bad-input");
    call(a.create_vault(JsValue::from(vault.clone()))).await.expect("create after a refused call");
    assert_eq!(expect_code(a.add_secret("x".into(), JsValue::from_f64(1.0), threshold(1))).await, "INVALID_INPUT");
    let bad_options = Ts::new_unchecked(js(&json!({ "threshold": "two" })));
    assert_eq!(expect_code(a.add_secret("x".into(), JsValue::from_str("s"), bad_options)).await, "INVALID_INPUT");
    let too_high = expect_code(a.add_secret("x".into(), JsValue::from_str("s"), threshold(2))).await;
    assert_eq!(too_high, "INVALID_INPUT", "k greater than n");
    assert_eq!(expect_code(a.open_level(JsValue::from_f64(2.0))).await, "INVALID_INPUT", "openLevel: k > n");
    assert_eq!(expect_code(a.open_level(JsValue::from_f64(0.0))).await, "INVALID_INPUT", "openLevel(0)");
    assert_eq!(expect_code(a.open_level(JsValue::from_str("one"))).await, "INVALID_INPUT", "openLevel(\"one\")");
    assert_eq!(expect_code(a.open_level(js(&json!({ "k": 2 })))).await, "INVALID_INPUT", "openLevel({{ k: 2 }})");
    assert_eq!(expect_code(a.approve("no-such-claim".into())).await, "UNKNOWN_CLAIM");
    assert_eq!(expect_code(a.reveal("no-such-claim".into())).await, "UNKNOWN_CLAIM");
    assert_eq!(expect_code(a.accept("not-a-device-id".into())).await, "INVALID_INPUT");
    let other = device("outsider").await;
    assert_eq!(expect_code(other.members()).await, "NOT_MEMBER");

    // Wrong JS types where strings or numbers are expected reject; nothing throws at the call.
    let null_name = a.add_secret(JsValue::NULL, JsValue::from_str("s"), threshold(1));
    assert_eq!(expect_code(null_name).await, "INVALID_INPUT", "addSecret(null, …)");
    assert_eq!(expect_code(a.create_vault(JsValue::UNDEFINED)).await, "INVALID_INPUT");
    assert_eq!(expect_code(a.approve(JsValue::from_f64(3.0))).await, "INVALID_INPUT");
    assert_eq!(expect_code(a.accept(js(&json!({ "id": "x" })))).await, "INVALID_INPUT");
    assert_eq!(expect_code(a.request_recovery(JsValue::NULL)).await, "INVALID_INPUT");
    assert_eq!(expect_code(a.set_quorum(JsValue::from_str("two"))).await, "INVALID_INPUT");
    assert_eq!(expect_code(a.set_quorum(JsValue::from_f64(2.5))).await, "INVALID_INPUT");

    // After all of that, normal calls still work.
    let solo = call(a.open_level(JsValue::from_f64(1.0))).await.expect("level 1 of a one-device vault");
    assert_eq!((number(&solo, "k"), number(&solo, "n")), (1.0, 1.0));
    let secret = call(a.add_secret("ok".into(), JsValue::from_str("fine"), threshold(1))).await.expect("add");
    let claim = call(a.request_recovery(JsValue::from(string(&secret, "id")))).await.unwrap().as_string().unwrap();
    assert_eq!(call(a.reveal_text(JsValue::from(claim))).await.unwrap().as_string().as_deref(), Some("fine"));

    call(a.close()).await.unwrap();
    assert_eq!(expect_code(a.secrets()).await, "CLOSED");
}

#[wasm_bindgen_test]
async fn keys_are_protected_by_the_passphrase() {
    let db = unique("protected");
    let options = |passphrase: &str| json!({ "serverUrl": server_url(), "dbName": db, "deviceName": "p", "passphrase": passphrase, "keyWorkFactor": 14 });
    let first = open_with(options("correct horse")).await.expect("create protected keys");
    let id = device_id(&first);
    call(first.close()).await.unwrap();
    let error = open_with(options("wrong")).await.err().expect("wrong passphrase refused");
    assert_eq!(code(error), "WRONG_PASSPHRASE");
    let again = open_with(options("correct horse")).await.expect("right passphrase");
    assert_eq!(device_id(&again), id);
}

#[wasm_bindgen_test]
async fn no_passphrase_needs_the_explicit_insecure_option_and_the_work_factor_is_bounded() {
    let db = unique("unprotected");
    let base = json!({ "serverUrl": server_url(), "dbName": db, "deviceName": "u" });
    let with = |extra: serde_json::Value| {
        let mut options = base.clone();
        options.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        options
    };
    let refused = [
        json!({}),
        json!({ "passphrase": "" }),
        json!({ "insecureNoPassphrase": false }),
        json!({ "passphrase": "pw", "insecureNoPassphrase": true }),
        json!({ "passphrase": "pw", "keyWorkFactor": 1 }),
        json!({ "passphrase": "pw", "keyWorkFactor": 0 }),
        json!({ "passphrase": "pw", "keyWorkFactor": 13 }),
        json!({ "passphrase": "pw", "keyWorkFactor": 21 }),
        json!({ "passphrase": "pw", "keyWorkFactor": 64 }),
        json!({ "passphrase": "pw", "keyWorkFactor": 255 }),
    ];
    for extra in refused {
        let error = open_with(with(extra.clone())).await.err().unwrap_or_else(|| panic!("{extra} accepted"));
        assert_eq!(code(error), "INVALID_INPUT", "{extra}");
    }
    let opened = open_with(with(json!({ "insecureNoPassphrase": true }))).await.expect("explicit opt-in");
    call(opened.close()).await.unwrap();
}

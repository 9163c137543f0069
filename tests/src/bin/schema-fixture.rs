//! Writes `tests/fixtures/worker-schema-1/`: a `wrangler dev` state directory holding one vault
//! (two devices, one 2-of-2 secret) as the worker at storage schema 1 stored it, and the devices'
//! (test-only, unprotected) keys. `tests/tests/worker_operations.rs` opens it with the current
//! worker to prove the schema upgrade. Run once, with the schema-1 worker built:
//!   cargo run --release -p meta-secret-tests --bin schema-fixture

use meta_secret_core::client::stored_key_blob;
use meta_secret_core::store::MemoryStore;
use meta_secret_tests::wrangler::{repo_root, temp_dir, WranglerDev};
use meta_secret_tests::{block_on, http_device_with_store};

fn main() {
    let persist = temp_dir("schema-fixture");
    let mut dev = WranglerDev::start(&persist);
    let url = dev.url();
    let (a_store, b_store) = (MemoryStore::new(), MemoryStore::new());
    let a = http_device_with_store(&url, "laptop", a_store.clone());
    let b = http_device_with_store(&url, "phone", b_store.clone());
    block_on(a.create_vault("fixture")).expect("create");
    block_on(b.request_join("fixture")).expect("join");
    block_on(a.accept(&b.device().id)).expect("accept");
    block_on(b.sync()).expect("sync");
    let text = "stored by schema 1";
    let secret = block_on(a.add_secret("note", text.as_bytes(), 2)).expect("add");
    for device in [&a, &b, &a] {
        block_on(device.sync()).expect("sync");
    }
    let head = block_on(a.state()).expect("state").head;
    dev.stop();

    let keys = |store: &MemoryStore| {
        let blob = block_on(stored_key_blob(store)).expect("read").expect("keys");
        String::from_utf8(blob).expect("unprotected keys are JSON")
    };
    let fixture = repo_root().join("tests/fixtures/worker-schema-1");
    let _ = std::fs::remove_dir_all(&fixture);
    std::fs::create_dir_all(&fixture).expect("mkdir");
    let manifest = serde_json::json!({
        "vault": "fixture",
        "secret_id": secret.id.to_string(),
        "secret": text,
        "head_seq": head.seq,
        "head_hash": head.hash.to_hex(),
        "keys": { "laptop": keys(&a_store), "phone": keys(&b_store) },
    });
    std::fs::write(fixture.join("fixture.json"), serde_json::to_vec_pretty(&manifest).expect("json")).expect("write");
    let status = std::process::Command::new("cp").arg("-r").arg(&persist).arg(fixture.join("state")).status();
    assert!(status.expect("cp").success(), "copying the state failed");
    println!("wrote {}", fixture.display());
}

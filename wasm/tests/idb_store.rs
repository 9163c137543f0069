//! The core's store conformance suite on IndexedDB in headless Chromium, plus close and reopen.

mod common;

use meta_secret_core::event::Cursor;
use meta_secret_core::identity::{DeviceKeys, DeviceKind};
use meta_secret_core::store::conformance::{chained_commits, run_conformance};
use meta_secret_core::store::{LogStore, StoreBatch, StoreError};
use meta_secret_wasm::IdbStore;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_store_conformance_suite_passes_on_indexeddb() {
    let report = run_conformance(&mut common::IdbFactory { run: common::unique("conformance") }).await;
    assert!(report.failures.is_empty(), "{report}");
    assert!(report.passed >= 13, "{report}");
}

#[wasm_bindgen_test]
async fn data_survives_closing_and_reopening_the_database() {
    let name = common::unique("reopen");
    let keys = DeviceKeys::generate("d", DeviceKind::Browser).unwrap();
    let commits = chained_commits(&keys, Cursor::EMPTY, 1, 3);
    let store = IdbStore::open(&name).await.unwrap();
    let mut batch = StoreBatch { commits: commits.clone(), kv: Vec::new() };
    batch.put("device/outbox", vec![1, 2, 3]);
    store.write(batch).await.unwrap();
    store.close();
    assert!(matches!(store.head().await, Err(StoreError::Backend(_))), "a closed store refuses calls");

    let reopened = IdbStore::open(&name).await.unwrap();
    assert_eq!(reopened.head().await.unwrap(), commits[2].cursor());
    assert_eq!(reopened.read_after(0, meta_secret_core::store::Page::commits(10)).await.unwrap(), commits);
    assert_eq!(reopened.kv_get("device/outbox").await.unwrap(), Some(vec![1, 2, 3]));
    assert_eq!(reopened.find_by_author(&keys.info().id, 2).await.unwrap(), Some(commits[1].clone()));
    reopened.close();
    IdbStore::delete(&name).await.unwrap();
}

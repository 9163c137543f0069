//! Benchmark hooks (feature `bench`, never in the npm package): the workloads of BENCHMARKS.md
//! figures 4 and 5, timed inside the page with `performance.now()`.

use meta_secret_core::vault::LiteMap;

use js_sys::Reflect;
use meta_secret_core::event::Cursor;
use meta_secret_core::identity::{DeviceInfo, DeviceKeys, DeviceKind};
use meta_secret_core::secrets::{MetaDistributor, MetaEncryptor, SecretMetadata};
use meta_secret_core::store::conformance::chained_commits;
use meta_secret_core::store::{LogStore, StoreBatch};
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::idb_store::IdbStore;

fn now_ms() -> f64 {
    let performance = Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
    performance
        .and_then(|p| Reflect::get(&p, &JsValue::from_str("now")).ok().map(|now| (p, now)))
        .and_then(|(p, now)| now.dyn_into::<js_sys::Function>().ok()?.call0(&p).ok()?.as_f64())
        .unwrap_or_else(js_sys::Date::now)
}

fn fail(error: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&error.to_string())
}

/// Figure 4: milliseconds per 64-byte secret sealed to a generation (and per bare age seal to 5,
/// for reference).
#[wasm_bindgen(js_name = benchSplit)]
pub fn bench_split(iterations: u32) -> Result<Vec<f64>, JsValue> {
    let members: LiteMap<_, DeviceInfo> = (0..5)
        .map(|i| {
            DeviceKeys::generate(&format!("d{i}"), DeviceKind::Browser).map(|k| (k.id().clone(), k.info().clone()))
        })
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let recipients: Vec<_> = members.values().map(|m| m.recipient()).collect::<Result<_, _>>().map_err(fail)?;
    let secret = b"correct horse battery staple, 64 bytes of password-ish text.....";
    let metadata = SecretMetadata { name: "bank".into() };
    let vault = meta_secret_core::event::VaultName::parse("bench").map_err(fail)?;
    let distributor = MetaDistributor::new(&vault);
    let public = meta_secret_core::vault::generations::new_receive_key().1;
    let generation = meta_secret_core::vault::GenerationId { level: 3, number: 1 };
    let start = now_ms();
    for _ in 0..iterations {
        distributor
            .seal("0123456789abcdef0123456789abcdef", generation, &public.0, &[7; 32], secret, &metadata)
            .map_err(fail)?;
    }
    let split = (now_ms() - start) / f64::from(iterations);
    let start = now_ms();
    for _ in 0..iterations {
        MetaEncryptor::seal(secret, &recipients).map_err(fail)?;
    }
    let age = (now_ms() - start) / f64::from(iterations);
    Ok(vec![split, age])
}

/// Figure 5: milliseconds to apply `count` pulled commits through `IdbStore` (one batch), to put
/// the same rows raw in one transaction, and to build the rows alone. Fresh databases per `run`.
#[wasm_bindgen(js_name = benchIdbApply)]
pub async fn bench_idb_apply(run: String, count: u32) -> Result<Vec<f64>, JsValue> {
    let keys = DeviceKeys::generate("bench", DeviceKind::Browser).map_err(fail)?;
    let commits = chained_commits(&keys, Cursor::EMPTY, 1, count as usize);

    // What IdbStore adds before its puts: each commit becomes a row holding its JSON.
    let start = now_ms();
    for commit in &commits {
        crate::idb_store::to_row(commit).map_err(fail)?;
    }
    let rows_only = now_ms() - start;

    let store = IdbStore::open(&format!("{run}-store")).await.map_err(fail)?;
    let start = now_ms();
    store.write(StoreBatch { commits: commits.clone(), kv: Vec::new() }).await.map_err(fail)?;
    let applied = now_ms() - start;
    store.close();

    let rows: Vec<JsValue> = commits
        .iter()
        .map(|commit| {
            let row = serde_json::json!({
                "seq": commit.seq,
                "author": commit.event.author.as_str(),
                "author_seq": commit.event.author_seq,
                "body": serde_json::to_string(commit).unwrap_or_default(),
            });
            row.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(fail)
        })
        .collect::<Result<_, _>>()?;
    let raw = Rexie::builder(&format!("{run}-raw"))
        .version(1)
        .add_object_store(ObjectStore::new("raw").key_path("seq"))
        .build()
        .await
        .map_err(fail)?;
    let start = now_ms();
    let transaction = raw.transaction(&["raw"], TransactionMode::ReadWrite).map_err(fail)?;
    let table = transaction.store("raw").map_err(fail)?;
    table.put_all(rows.into_iter().map(|row| (row, None))).await.map_err(fail)?;
    transaction.done().await.map_err(fail)?;
    let raw_puts = now_ms() - start;
    raw.close();
    Ok(vec![applied, raw_puts, rows_only])
}

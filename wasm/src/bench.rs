//! Benchmark hooks (feature `bench`, never in the npm package): the workloads of BENCHMARKS.md
//! figures 4, 5 and 12b, timed inside the page with `performance.now()`.

use std::cell::Cell;
use std::rc::Rc;

use meta_secret_core::vault::LiteMap;

use js_sys::Reflect;
use meta_secret_core::client::{DeviceSetup, VaultClient};
use meta_secret_core::clock::ManualClock;
use meta_secret_core::event::Cursor;
use meta_secret_core::identity::{DeviceInfo, DeviceKeys, DeviceKind};
use meta_secret_core::secrets::{MetaDistributor, MetaEncryptor, SecretMetadata};
use meta_secret_core::store::conformance::chained_commits;
use meta_secret_core::store::{LogStore, MemoryStore, StoreBatch};
use meta_secret_core::sync::{
    InProcessServer, InProcessTransport, SyncProtocol, TransportError, TransportRequest, TransportResponse,
};
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

/// Milliseconds spent inside the in-process server, so a device's own CPU can be told apart from
/// the server's (both run on the page's thread here; a real server runs elsewhere).
#[derive(Clone)]
struct ServerTimed {
    inner: InProcessTransport,
    spent_ms: Rc<Cell<f64>>,
}

impl SyncProtocol for ServerTimed {
    async fn send(&self, request: TransportRequest) -> Result<TransportResponse, TransportError> {
        let start = now_ms();
        let response = self.inner.send(request).await;
        self.spent_ms.set(self.spent_ms.get() + (now_ms() - start));
        response
    }
}

type BenchDevice = VaultClient<MemoryStore, ServerTimed>;

/// Syncs both devices until neither head moves (as the native tests' `settle`).
async fn settle(devices: &[&BenchDevice]) -> Result<(), JsValue> {
    for _ in 0..6 {
        let mut moved = false;
        for device in devices {
            let before = device.state().await.map(|s| s.head).unwrap_or_default();
            device.sync().await.map_err(fail)?;
            moved |= device.state().await.map(|s| s.head).unwrap_or_default() != before;
        }
        if !moved {
            return Ok(());
        }
    }
    Ok(())
}

/// Figure 12b: a batch unlock of `secrets` secrets by one approval. Entirely in the page: an
/// in-process server on memory stores and a manual clock, a 2-device vault, `secrets` secrets
/// added at k = 2 (200 ms apart on the clock), device A opening one claim per secret in one batch
/// and device B syncing. Then only B's `approve_batch` is timed; the in-process server's share of
/// that call (verifying and committing the approvals) is measured apart. A then reveals the first
/// and last secret, so a broken unlock cannot pass. Returns [approver's own ms (the call minus the
/// server's share), the whole call's ms, the server's ms, secrets approved, setup ms].
#[wasm_bindgen(js_name = benchBatchUnlock)]
pub async fn bench_batch_unlock(secrets: u32) -> Result<Vec<f64>, JsValue> {
    const VALUE: &[u8] = b"correct horse battery staple";
    let setup_start = now_ms();
    let clock = ManualClock::new(1_790_000_000_000);
    let server = InProcessServer::new(clock.clone());
    let spent_ms = Rc::new(Cell::new(0.0));
    let open = |name: &'static str| {
        let transport = ServerTimed { inner: server.transport(), spent_ms: spent_ms.clone() };
        let setup = DeviceSetup { name, kind: DeviceKind::Browser, passphrase: None, work_factor: 10 };
        VaultClient::open(MemoryStore::new(), transport, Box::new(clock.clone()), setup)
    };
    let a = open("a").await.map_err(fail)?;
    let b = open("b").await.map_err(fail)?;
    a.create_vault("bench-batch").await.map_err(fail)?;
    b.request_join("bench-batch").await.map_err(fail)?;
    a.sync().await.map_err(fail)?;
    a.accept(&b.device().id).await.map_err(fail)?;
    settle(&[&a, &b]).await?;

    let mut ids = Vec::with_capacity(secrets as usize);
    for i in 0..secrets {
        clock.advance(200);
        ids.push(a.add_secret(&format!("login {i}"), VALUE, 2).await.map_err(fail)?.id);
    }
    settle(&[&a, &b]).await?;
    // Past the server's window of recent requests (512 per device per 30 s): the adds above are
    // not what is measured, and a real unlock comes long after them.
    clock.advance(31_000);
    let (batch, claims) = a.request_recoveries(&ids).await.map_err(fail)?;
    b.sync().await.map_err(fail)?;
    let setup_ms = now_ms() - setup_start;

    let server_before = spent_ms.get();
    let start = now_ms();
    let approved = b.approve_batch(&a.device().id, &batch, &claims).await.map_err(fail)?;
    let call_ms = now_ms() - start;
    let server_ms = spent_ms.get() - server_before;

    if approved != ids.len() {
        return Err(fail(format!("approved {approved} of {} claims", ids.len())));
    }
    for claim in [claims.first(), claims.last()].into_iter().flatten() {
        let value = a.reveal(claim).await.map_err(fail)?;
        if value != VALUE {
            return Err(fail("a revealed secret differs from the one added"));
        }
    }
    Ok(vec![call_ms - server_ms, call_ms, server_ms, approved as f64, setup_ms])
}

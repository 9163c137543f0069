//! Test builds only (feature `conformance`): runs the core's store conformance suite on
//! `SqlStore` inside a Durable Object, each case in its own table prefix.

use meta_secret_core::store::conformance::{run_conformance, StoreFactory};
use meta_secret_core::sync::TransportResponse;
use worker::{SqlStorage, State};

use crate::sql_store::SqlStore;

struct SqlFactory {
    sql: SqlStorage,
}

impl StoreFactory for SqlFactory {
    type Store = SqlStore;

    async fn open(&mut self, name: &str) -> SqlStore {
        // Case names are the suite's own snake_case constants, valid as table prefixes.
        match SqlStore::open_prefixed(self.sql.clone(), &format!("case_{name}_")) {
            Ok(store) => store,
            Err(error) => panic!("conformance store {name}: {error}"),
        }
    }
}

pub async fn run(state: &State) -> TransportResponse {
    let report = run_conformance(&mut SqlFactory { sql: state.storage().sql() }).await;
    let failures: Vec<(String, String)> =
        report.failures.iter().map(|(case, why)| (case.to_string(), why.clone())).collect();
    let body = serde_json::json!({ "passed": report.passed, "failures": failures });
    TransportResponse { status: 200, body: body.to_string().into_bytes() }
}

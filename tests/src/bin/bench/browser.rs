//! Figures measured in headless Chromium (4: the split in wasm against native; 5: IndexedDB apply
//! against raw puts; 12: how long `open()` blocks the page; 12b: the approver's CPU for one
//! approval of a 500-secret batch unlock). Builds the `bench` variant of the wasm package and
//! drives `tests/browser/bench-page.mjs`.

use std::process::Command;

use meta_secret_tests::wrangler::repo_root;
use serde::Deserialize;

use crate::native::split_seconds;
use crate::Row;

/// The page's figures; only those asked for are present.
#[derive(Deserialize)]
struct PageFigures {
    split_ms: Option<f64>,
    idb_apply_ms: Option<f64>,
    idb_raw_ms: Option<f64>,
    idb_rows_ms: Option<f64>,
    open_ms: Option<f64>,
    open_longest_task_ms: Option<f64>,
    batch_approver_ms: Option<f64>,
    batch_call_ms: Option<f64>,
    batch_server_ms: Option<f64>,
    batch_approved: Option<f64>,
    batch_setup_ms: Option<f64>,
    batch_runs_ms: Option<Vec<f64>>,
}

/// The page's figures that this module reports.
pub const FIGURES: [&str; 4] = ["4", "5", "12", "12b"];

fn run_page(rounds: usize, figures: &[&str]) -> Result<PageFigures, String> {
    let root = repo_root();
    let pkg = root.join("target/bench-pkg");
    let build = Command::new("bash")
        .arg(root.join("scripts/build-npm.sh"))
        .env("META_SECRET_PKG_DIR", &pkg)
        .env("META_SECRET_FEATURES", "bench")
        .status()
        .map_err(|e| e.to_string())?;
    if !build.success() {
        return Err("building the bench wasm package failed".into());
    }
    let output = Command::new("node")
        .arg(root.join("tests/browser/bench-page.mjs"))
        .arg(&pkg)
        .arg(rounds.to_string())
        .arg(figures.join(","))
        .current_dir(&root)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))
}

/// The browser figures among `wanted` (ids from [`FIGURES`]).
pub fn figures(rounds: usize, wanted: &[&str]) -> Vec<Row> {
    let page = match run_page(rounds, wanted) {
        Ok(page) => page,
        Err(why) => {
            eprintln!("{}: the browser figures could not run: {why}", wanted.join(", "));
            return Vec::new();
        }
    };
    let wants = |figure: &str| wanted.contains(&figure);
    let mut rows = Vec::new();
    if let (true, Some(split_ms)) = (wants("4"), page.split_ms) {
        // Native is measured right after the page, in this process, on the same workload.
        let native = split_seconds(rounds);
        rows.push(Row::ratio(
            "4",
            "split 3-of-5 + seal (64 B): wasm in Chromium vs native",
            split_ms / 1e3,
            native,
            2.5,
        ));
    }
    if let (true, Some(apply), Some(raw), Some(built)) =
        (wants("5"), page.idb_apply_ms, page.idb_raw_ms, page.idb_rows_ms)
    {
        eprintln!(
            "5 (breakdown): IdbStore apply {apply:.1} ms = building 1,000 rows (commit JSON) {built:.1} ms + puts; raw puts {raw:.1} ms"
        );
        rows.push(Row::ratio(
            "5",
            "IndexedDB: apply 1,000 pulled commits via IdbStore vs 1,000 raw puts",
            apply / 1e3,
            raw / 1e3,
            1.5,
        ));
    }
    if let (true, Some(took), Some(blocked)) = (wants("12"), page.open_ms, page.open_longest_task_ms) {
        rows.push(Row::blocking(
            "12",
            "open() with a passphrase (scrypt 2^18) on a page: longest task on the page's thread",
            took / 1e3,
            blocked / 1e3,
            0.050,
        ));
    }
    if let (true, Some(approver), Some(call), Some(server)) =
        (wants("12b"), page.batch_approver_ms, page.batch_call_ms, page.batch_server_ms)
    {
        eprintln!(
            "12b (breakdown): approve_batch took {call:.0} ms on the page, of which the in-process server {server:.0} ms; \
             approver {approver:.0} ms; {} claims approved; rounds {:?} ms; building the vault took {:.1} s",
            page.batch_approved.unwrap_or_default(),
            page.batch_runs_ms.unwrap_or_default().iter().map(|ms| ms.round()).collect::<Vec<_>>(),
            page.batch_setup_ms.unwrap_or_default() / 1e3,
        );
        rows.push(Row::duration(
            "12b",
            "batch unlock of 500 secrets by one approval: approver's CPU in Chromium (approve_batch, server's share apart)",
            approver / 1e3,
            call / 1e3,
            1.0,
        ));
    }
    rows
}

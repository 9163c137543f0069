//! Figures measured in headless Chromium (4: the split in wasm against native; 5: IndexedDB apply
//! against raw puts; 12: how long `open()` blocks the page). Builds the `bench` variant of the wasm package and drives
//! `tests/browser/bench-page.mjs`.

use std::process::Command;

use meta_secret_tests::wrangler::repo_root;
use serde::Deserialize;

use crate::native::split_seconds;
use crate::Row;

#[derive(Deserialize)]
struct PageFigures {
    split_ms: f64,
    idb_apply_ms: f64,
    idb_raw_ms: f64,
    idb_rows_ms: f64,
    open_ms: f64,
    open_longest_task_ms: f64,
}

fn run_page(rounds: usize) -> Result<PageFigures, String> {
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

pub fn figures(rounds: usize) -> Vec<Row> {
    match run_page(rounds) {
        Ok(page) => {
            // Native is measured right after the page, in this process, on the same workload.
            let native = split_seconds(rounds);
            eprintln!(
                "5 (breakdown): IdbStore apply {:.1} ms = building 1,000 rows (commit JSON) {:.1} ms + puts; raw puts {:.1} ms",
                page.idb_apply_ms, page.idb_rows_ms, page.idb_raw_ms
            );
            vec![
                Row::ratio(
                    "4",
                    "split 3-of-5 + seal (64 B): wasm in Chromium vs native",
                    page.split_ms / 1e3,
                    native,
                    2.5,
                ),
                Row::ratio(
                    "5",
                    "IndexedDB: apply 1,000 pulled commits via IdbStore vs 1,000 raw puts",
                    page.idb_apply_ms / 1e3,
                    page.idb_raw_ms / 1e3,
                    1.5,
                ),
                Row::blocking(
                    "12",
                    "open() with a passphrase (scrypt 2^18) on a page: longest task on the page's thread",
                    page.open_ms / 1e3,
                    page.open_longest_task_ms / 1e3,
                    0.050,
                ),
            ]
        }
        Err(why) => {
            eprintln!("4, 5, 12: the browser figures could not run: {why}");
            Vec::new()
        }
    }
}

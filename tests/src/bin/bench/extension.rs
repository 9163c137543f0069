//! Figure 16 (issue 26): the longest task on the browser extension's service worker while it
//! unlocks, in headless Chromium with the unpacked extension (`tests/browser/extension-unlock-bench.mjs`).

use std::process::Command;

use meta_secret_tests::wrangler::repo_root;
use serde::Deserialize;

use crate::Row;

#[derive(Deserialize)]
struct Unlocks {
    longest_ms: Vec<f64>,
    unlock_ms: Vec<f64>,
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

pub fn unlock_longest_task(rounds: usize) -> Option<Row> {
    let root = repo_root();
    let output = Command::new("node")
        .arg(root.join("tests/browser/extension-unlock-bench.mjs"))
        .arg(rounds.to_string())
        .current_dir(&root)
        .output()
        .ok()?;
    if !output.status.success() {
        eprintln!("16: {}", String::from_utf8_lossy(&output.stderr));
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let unlocks: Unlocks = serde_json::from_str(stdout.lines().last()?).ok()?;
    eprintln!("16: longest tasks {:?} ms during unlocks of {:?} ms", unlocks.longest_ms, unlocks.unlock_ms);
    Some(Row::blocking(
        "16",
        "extension unlock (scrypt in the offscreen document): longest task on the service worker (median)",
        median(&unlocks.unlock_ms) / 1e3,
        median(&unlocks.longest_ms) / 1e3,
        0.050,
    ))
}

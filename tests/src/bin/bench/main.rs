//! `cargo run --release -p meta-secret-tests --bin bench [-- --quick] [--native]`: measures the figures in
//! BENCHMARKS.md and prints one table. Ratios compare workloads taken in the same run.

mod browser;
mod churn;
mod extension;
mod membership;
mod native;
mod reshare;
mod scale;
mod timing;
mod worker;

use meta_secret_tests::wrangler::{temp_dir, WranglerDev};
use timing::format_seconds;

pub struct Row {
    id: String,
    what: String,
    measured: String,
    baseline: String,
    result: String,
    goal: String,
    met: bool,
}

impl Row {
    pub fn ratio(id: &str, what: &str, measured: f64, baseline: f64, goal: f64) -> Row {
        let ratio = measured / baseline;
        Row {
            id: id.into(),
            what: what.into(),
            measured: format_seconds(measured),
            baseline: format_seconds(baseline),
            result: format!("{ratio:.2}×"),
            goal: format!("≤ {goal}×"),
            met: ratio <= goal,
        }
    }

    /// A same-run ratio of two byte counts.
    pub fn ratio_bytes(id: &str, what: &str, measured: u64, baseline: u64, goal: f64) -> Row {
        let ratio = measured as f64 / baseline.max(1) as f64;
        Row {
            id: id.into(),
            what: what.into(),
            measured: format!("{measured} B"),
            baseline: format!("{baseline} B"),
            result: format!("{ratio:.2}×"),
            goal: format!("≤ {goal}×"),
            met: ratio <= goal,
        }
    }

    /// Resident memory (KiB) against the same process idle, with a goal on how much it may grow.
    pub fn memory(id: &str, what: &str, measured_kib: u64, idle_kib: u64, goal_growth_kib: u64) -> Row {
        let ratio = measured_kib as f64 / idle_kib.max(1) as f64;
        Row {
            id: id.into(),
            what: what.into(),
            measured: format!("{:.1} MiB", measured_kib as f64 / 1024.0),
            baseline: format!("idle {:.1} MiB", idle_kib as f64 / 1024.0),
            result: format!("{ratio:.2}× (+{:.1} MiB)", measured_kib.saturating_sub(idle_kib) as f64 / 1024.0),
            goal: format!("≤ +{} MiB", goal_growth_kib / 1024),
            met: measured_kib.saturating_sub(idle_kib) <= goal_growth_kib,
        }
    }

    pub fn count(id: &str, what: &str, count: u64, goal: u64) -> Row {
        Row {
            id: id.into(),
            what: what.into(),
            measured: count.to_string(),
            baseline: "—".into(),
            result: count.to_string(),
            goal: format!("≤ {goal}"),
            met: count <= goal,
        }
    }

    pub fn latency(id: &str, what: &str, p50: f64, p95: f64, goal_p95: f64) -> Row {
        Row {
            id: id.into(),
            what: what.into(),
            measured: format!("p50 {}", format_seconds(p50)),
            baseline: "—".into(),
            result: format!("p95 {}", format_seconds(p95)),
            goal: format!("p95 ≤ {}", format_seconds(goal_p95)),
            met: p95 <= goal_p95,
        }
    }

    pub fn throughput(id: &str, what: &str, measured: f64, baseline: f64, goal: f64) -> Row {
        let ratio = measured / baseline;
        Row {
            id: id.into(),
            what: what.into(),
            measured: format!("{measured:.0}/s"),
            baseline: format!("{baseline:.0}/s"),
            result: format!("{ratio:.2}×"),
            goal: format!("≥ {goal}×"),
            met: ratio >= goal,
        }
    }

    /// A time against an absolute goal (where the issue sets one); `whole`: the operation it is
    /// part of, for context.
    pub fn duration(id: &str, what: &str, measured: f64, whole: f64, goal: f64) -> Row {
        Row {
            id: id.into(),
            what: what.into(),
            measured: format_seconds(measured),
            baseline: format!("whole call {}", format_seconds(whole)),
            result: format_seconds(measured),
            goal: format!("≤ {}", format_seconds(goal)),
            met: measured <= goal,
        }
    }

    /// `took`: the whole operation; `blocked`: its longest task on the calling thread.
    pub fn blocking(id: &str, what: &str, took: f64, blocked: f64, goal: f64) -> Row {
        Row {
            id: id.into(),
            what: what.into(),
            measured: format!("took {}", format_seconds(took)),
            baseline: "—".into(),
            // The browser reports only tasks over 50 ms.
            result: match blocked > 0.0 {
                true => format!("longest task {}", format_seconds(blocked)),
                false => "no task over 50 ms".into(),
            },
            goal: format!("≤ {}", format_seconds(goal)),
            met: blocked <= goal,
        }
    }

    pub fn size(id: &str, what: &str, raw: u64, gzip: u64, goal: u64) -> Row {
        Row {
            id: id.into(),
            what: what.into(),
            measured: format!("{raw} B raw"),
            baseline: "—".into(),
            result: format!("{gzip} B gzip"),
            goal: format!("gzip ≤ {goal} B"),
            met: gzip <= goal,
        }
    }
}

fn print_table(rows: &[Row]) {
    println!("| # | figure | measured | baseline | result | goal | met |");
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        let met = if row.met { "yes" } else { "**no**" };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.id, row.what, row.measured, row.baseline, row.result, row.goal, met
        );
    }
}

/// A package's wasm size: (raw, gzip -9) bytes.
fn sizes_of(pkg: &std::path::Path) -> Option<(u64, u64)> {
    let path = pkg.join("meta_secret_bg.wasm");
    let raw = std::fs::metadata(&path).ok()?.len();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("gzip -9 -c '{}' | wc -c", path.display()))
        .output()
        .ok()?;
    Some((raw, String::from_utf8_lossy(&output.stdout).trim().parse().ok()?))
}

/// 8. The npm package's wasm, if `npm run build` has produced it.
fn wasm_size() -> Option<Row> {
    let (raw, gzip) = sizes_of(&meta_secret_tests::wrangler::repo_root().join("wasm/pkg"))?;
    Some(Row::size("8", "client .wasm after wasm-opt -Oz (wasm/pkg)", raw, gzip, 400 * 1024))
}

/// 8b. What recovery kits (bip39, qrcode, the in-memory kit session) add: the package built
/// without its `recovery-kit` feature, against wasm/pkg.
fn kit_size_cost() -> Option<Row> {
    let root = meta_secret_tests::wrangler::repo_root();
    let (raw, gzip) = sizes_of(&root.join("wasm/pkg"))?;
    let pkg = root.join("target/bench-pkg-no-kit");
    let built = std::process::Command::new("bash")
        .arg(root.join("scripts/build-npm.sh"))
        .env("META_SECRET_PKG_DIR", &pkg)
        .env("META_SECRET_NO_DEFAULT_FEATURES", "1")
        .status()
        .ok()?;
    let (raw_without, gzip_without) = sizes_of(&pkg).filter(|_| built.success())?;
    Some(Row {
        id: "8b".into(),
        what: "recovery kits' share of the .wasm (bip39, qrcode, kit session)".into(),
        measured: format!("+{} B raw", raw.saturating_sub(raw_without)),
        baseline: format!("{gzip_without} B gzip without kits"),
        result: format!("+{} B gzip", gzip.saturating_sub(gzip_without)),
        goal: "reported (part of figure 8's goal)".into(),
        met: true,
    })
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    // `--native`: only the figures that need no server or browser (1, 2a, 8, 9, 13, 14).
    let native_only = std::env::args().any(|arg| arg == "--native");
    // `--only=6,11`: just those figures (by their number).
    let only: Option<Vec<String>> = std::env::args()
        .find_map(|arg| arg.strip_prefix("--only=").map(|list| list.split(',').map(str::to_owned).collect()));
    let wants = |figure: &str| only.as_ref().is_none_or(|list| list.iter().any(|f| f == figure));
    let (rounds, trials, live_trials, seconds) = if quick { (5, 20, 50, 2.0) } else { (15, 100, 200, 5.0) };
    let mut rows = Vec::new();
    if wants("1") {
        rows.push(native::split_vs_age(rounds));
    }
    if wants("9") {
        rows.push(reshare::reshare_vs_split(rounds));
    }
    if wants("13") {
        eprintln!("membership changes at 100 and 1,000 secrets…");
        rows.extend(membership::membership_change());
    }
    if wants("14") {
        rows.extend(scale::figures(rounds.min(7)));
    }
    if wants("2a") {
        eprintln!("building a 10,000-event log in process…");
        rows.push(native::pull_in_process(trials));
    }

    let server_figures = ["2b", "3", "6", "7", "10", "11"];
    if !native_only && server_figures.iter().any(|f| wants(f)) {
        eprintln!("starting wrangler dev…");
        let dev = WranglerDev::start(&temp_dir("bench"));
        let url = dev.url();
        if wants("2b") {
            eprintln!("building a 10,000-event log on the Durable Object…");
            rows.push(worker::pull_on_worker(&url, trials));
        }
        if wants("3") {
            rows.extend(worker::requests_per_sync(&url));
        }
        if wants("6") {
            eprintln!("live latency…");
            rows.push(worker::live_latency(&url, live_trials));
        }
        if wants("7") {
            eprintln!("throughput…");
            rows.push(worker::throughput(&url, 8, seconds));
        }
        if wants("10") {
            eprintln!("adding a device to a vault of 100 secrets…");
            rows.push(reshare::add_device_vs_add_secrets(&url, if quick { 1 } else { 3 }));
        }
        if wants("11") {
            eprintln!("2,000 join requests from fresh keys…");
            rows.push(worker::pull_after_join_flood(&url, if quick { 5 } else { 21 }));
        }
    }
    if !native_only && wants("15") {
        eprintln!("pushing 101 MiB of secrets to a fresh wrangler dev…");
        rows.extend(worker::memory_after_big_push());
    }
    let browser_figures: Vec<&str> = browser::FIGURES.into_iter().filter(|f| wants(f)).collect();
    if !native_only && !browser_figures.is_empty() {
        eprintln!("browser figures ({})…", browser_figures.join(", "));
        rows.extend(browser::figures(rounds.min(9), &browser_figures));
    }
    if !native_only && wants("16") {
        eprintln!("the extension's unlock in Chromium…");
        match extension::unlock_longest_task(if quick { 3 } else { 5 }) {
            Some(row) => rows.push(row),
            None => eprintln!("16: the extension's unlock could not be measured (see above)"),
        }
    }
    if wants("8") {
        match wasm_size() {
            Some(row) => rows.push(row),
            None => eprintln!("8: wasm/pkg not built; run `npm run build` first"),
        }
    }
    if wants("8b") {
        match kit_size_cost() {
            Some(row) => rows.push(row),
            None => eprintln!("8b: wasm/pkg not built, or the build without kits failed"),
        }
    }
    print_table(&rows);
}

// BENCHMARKS.md figures 4, 5, 12 and 12b in headless Chromium: loads the `bench` build of the wasm
// package (scripts/build-npm.sh with META_SECRET_FEATURES=bench) and prints one JSON line of medians
// for the figures asked for (all by default).
//   node tests/browser/bench-page.mjs <pkg dir> [rounds] [figures, e.g. 4,5,12,12b]
import { launchChromium } from "./chromium.mjs";
import { canarySeen, longestTask, watchLongTasks } from "./long-tasks.mjs";
import { serveStatic } from "./static-server.mjs";

const [pkgDir, roundsArg, figuresArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7);
const figures = new Set((figuresArg ?? "4,5,12,12b").split(","));
if (!pkgDir) {
  console.error("usage: node tests/browser/bench-page.mjs <pkg dir> [rounds] [figures]");
  process.exit(2);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
  import init, { benchSplit, benchIdbApply, benchBatchUnlock, MetaSecret } from "/pkg/meta_secret.js";
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  window.bench = async (rounds) => {
    await init();
    benchSplit(200); // warm-up: lets V8 tier the wasm up from its baseline compiler
    const split = [], age = [], apply = [], raw = [], rows = [];
    for (let round = 0; round < rounds; round++) {
      const [s, a] = benchSplit(50);
      split.push(s); age.push(a);
      const [ap, rp, rw] = await benchIdbApply("bench-" + Date.now() + "-" + round, 1000);
      apply.push(ap); raw.push(rp); rows.push(rw);
    }
    return { split_ms: median(split), age_ms: median(age), idb_apply_ms: median(apply), idb_raw_ms: median(raw), idb_rows_ms: median(rows) };
  };
  // 12: open() with a passphrase at the default work factor, creating then reopening a device
  // (the Node side watches the page's thread meanwhile).
  window.benchOpen = async () => {
    const opens = [];
    for (let round = 0; round < 3; round++) {
      const dbName = "bench-open-" + Date.now() + "-" + round;
      for (let again = 0; again < 2; again++) {
        const started = performance.now();
        const device = await MetaSecret.open({ serverUrl: "http://127.0.0.1:9", dbName, deviceName: "bench", passphrase: "bench" });
        opens.push(performance.now() - started);
        await device.close();
      }
    }
    return median(opens);
  };
  // 12b: one approval of a batch unlock of 500 secrets; the approver's own time, each round on a
  // fresh in-page vault (wasm/src/bench.rs).
  window.benchBatch = async (rounds) => {
    await init();
    const runs = [];
    for (let round = 0; round < rounds; round++) runs.push(await benchBatchUnlock(500));
    const mid = [...runs].sort((a, b) => a[0] - b[0])[Math.floor(runs.length / 2)];
    return { batch_approver_ms: mid[0], batch_call_ms: mid[1], batch_server_ms: mid[2], batch_approved: mid[3],
      batch_setup_ms: mid[4], batch_runs_ms: runs.map((run) => run[0]) };
  };
  window.ready = true;
</script>`;

const site = await serveStatic({ routes: { "/pkg/": pkgDir }, pages: { "/": PAGE } });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await watchLongTasks(page);
  await page.goto(site.url + "/");
  await page.waitForFunction(() => window.ready === true);
  let result = {};
  if (figures.has("4") || figures.has("5")) result = await page.evaluate((n) => window.bench(n), rounds);
  if (figures.has("12")) {
    if (!(await canarySeen(page))) throw new Error("the long-task observer missed a 150 ms task");
    result.open_ms = await page.evaluate(() => window.benchOpen());
    result.open_longest_task_ms = await longestTask(page);
  }
  // A 500-secret vault per round takes a while to build: at most 3 rounds.
  if (figures.has("12b")) Object.assign(result, await page.evaluate((n) => window.benchBatch(n), Math.min(rounds, 3)));
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await site.close();
}

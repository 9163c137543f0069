// BENCHMARKS.md figures 4, 5 and 12 in headless Chromium: loads the `bench` build of the wasm package
// (scripts/build-npm.sh with META_SECRET_FEATURES=bench) and prints one JSON line of medians.
//   node tests/browser/bench-page.mjs <pkg dir> [rounds]
import { launchChromium } from "./chromium.mjs";
import { serveStatic } from "./static-server.mjs";

const [pkgDir, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 7);
if (!pkgDir) {
  console.error("usage: node tests/browser/bench-page.mjs <pkg dir> [rounds]");
  process.exit(2);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module">
  import init, { benchSplit, benchIdbApply, MetaSecret } from "/pkg/meta_secret.js";
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
    // 12: open() with a passphrase at the default work factor, creating then reopening a device,
    // while watching for long tasks on this page's thread.
    const tasks = [], opens = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: "longtask" });
    // A canary task of 150 ms must be seen, or "no long task" would prove nothing.
    await new Promise((resolve) => setTimeout(() => { const until = performance.now() + 150; while (performance.now() < until); resolve(); }, 0));
    await new Promise((resolve) => setTimeout(resolve, 100));
    tasks.push(...observer.takeRecords().map((e) => e.duration));
    if (!tasks.splice(0).some((ms) => ms >= 150)) throw new Error("the long-task observer missed a 150 ms task");
    for (let round = 0; round < 3; round++) {
      const dbName = "bench-open-" + Date.now() + "-" + round;
      for (let again = 0; again < 2; again++) {
        const started = performance.now();
        const device = await MetaSecret.open({ serverUrl: "http://127.0.0.1:9", dbName, deviceName: "bench", passphrase: "bench" });
        opens.push(performance.now() - started);
        await device.close();
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver
    tasks.push(...observer.takeRecords().map((e) => e.duration));
    return { split_ms: median(split), age_ms: median(age), idb_apply_ms: median(apply), idb_raw_ms: median(raw), idb_rows_ms: median(rows),
      open_ms: median(opens), open_longest_task_ms: Math.max(0, ...tasks) };
  };
  window.ready = true;
</script>`;

const site = await serveStatic({ routes: { "/pkg/": pkgDir }, pages: { "/": PAGE } });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(site.url + "/");
  await page.waitForFunction(() => window.ready === true);
  const result = await page.evaluate((n) => window.bench(n), rounds);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  await site.close();
}

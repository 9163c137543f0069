// The longest task on a worker, measured from inside it: a 10 ms timer ticks there, and a gap
// between ticks longer than 10 ms is time the worker spent on something else.

/** Starts the ticker on `worker` (a Playwright Worker). */
export async function startTicker(worker) {
  await worker.evaluate(() => {
    const scope = /** @type {any} */ (globalThis);
    scope.tickerGaps = [];
    let last = performance.now();
    scope.ticker = setInterval(() => {
      const now = performance.now();
      scope.tickerGaps.push(now - last);
      last = now;
    }, 10);
  });
}

/** Stops the ticker and returns the gaps between its ticks (ms). */
export async function stopTicker(worker) {
  return worker.evaluate(() => {
    const scope = /** @type {any} */ (globalThis);
    clearInterval(scope.ticker);
    return scope.tickerGaps;
  });
}

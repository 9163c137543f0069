// Watches a page's thread for long tasks (the browser reports tasks over 50 ms), for the tests and
// the benchmark that check the package never blocks a page.
//   await watchLongTasks(page); …; await assertWatching(page); …; await longestTask(page)

/** Installs the observer before the page's own scripts run. */
export function watchLongTasks(page) {
  return page.addInitScript(() => {
    window.longTasks = [];
    window.longTaskObserver = new PerformanceObserver((list) =>
      window.longTasks.push(...list.getEntries().map((entry) => entry.duration)));
    window.longTaskObserver.observe({ type: "longtask" });
  });
}

/** Runs a 150 ms canary task that the observer must see (else "no long task" would prove
 *  nothing), then forgets it. Returns whether it was seen. */
export function canarySeen(page) {
  return page.evaluate(async () => {
    if (!PerformanceObserver.supportedEntryTypes.includes("longtask")) return false;
    await new Promise((resolve) => setTimeout(() => {
      const busyUntil = performance.now() + 150;
      while (performance.now() < busyUntil);
      resolve();
    }, 0));
    await new Promise((resolve) => setTimeout(resolve, 100));
    window.longTasks.push(...window.longTaskObserver.takeRecords().map((entry) => entry.duration));
    return window.longTasks.splice(0).some((ms) => ms >= 150);
  });
}

/** The longest task seen since the canary, in ms (0: none over 50 ms). */
export function longestTask(page) {
  return page.evaluate(async () => {
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver
    window.longTasks.push(...window.longTaskObserver.takeRecords().map((entry) => entry.duration));
    return Math.max(0, ...window.longTasks);
  });
}

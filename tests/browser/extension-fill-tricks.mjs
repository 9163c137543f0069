// The hostile login pages (hostile-forms.mjs) against the extension's real fill code, fast: the
// unpacked extension in headless Chromium, with no vault or server. An extension page calls the
// same `fillTab` the service worker calls for a fill (probe, hit-test style, fill), with a made-up
// login for the pages' origin. Every hostile page is refused, every honest one filled, and the
// attacker's server hears nothing. extension-e2e.mjs runs the same pages through a real login.
//   bash scripts/build-extension.sh && node tests/browser/extension-fill-tricks.mjs
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { launchWithExtension } from "./chromium.mjs";
import { attackerServer, hostileFrames, hostileForms } from "./hostile-forms.mjs";
import { serveStatic } from "./static-server.mjs";

const root = new URL("../..", import.meta.url).pathname;
const PASSWORD = "s3cret-for-the-tricks";

/** Opens each hostile page (served by `site`, see trickSite) in `context`, has `fill(tabId)` fill
 *  it (→ "filled" or why not) with a login whose password is `password`, and checks what each
 *  page ended up with and that `attacker` heard nothing. Returns the number of pages. */
export async function checkHostileForms(context, site, attacker, tabIdOf, fill, password = PASSWORD) {
  const failures = [];
  for (const trick of hostileForms(attacker.url)) {
    const page = await context.newPage();
    await page.goto(`${site.url}/trick/${trick.name}.html`);
    await page.bringToFront();
    const answer = await fill(await tabIdOf(page.url()));
    await page.waitForTimeout(50);
    const values = await page.evaluate(() => [...document.querySelectorAll("input")].map((input) => input.value));
    const filled = values.includes(password);
    if (trick.filled) {
      if (answer !== "filled" || !filled) failures.push(`${trick.name}: honest page not filled (${answer})`);
      if (values.filter((value) => value === password).length !== 1) failures.push(`${trick.name}: more than one field got the password`);
    } else {
      if (answer === "filled" || filled) failures.push(`${trick.name}: FILLED (${answer})`);
      else if (trick.why && !trick.why.test(answer)) failures.push(`${trick.name}: refused for another reason: ${answer}`);
    }
    await page.close();
  }
  // Beacons and images go out asynchronously: give them a moment.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const leaks = attacker.heard.filter((line) => line.includes("steal") || line.includes(encodeURIComponent(password)) || line.includes("leak/beacon"));
  if (leaks.length) failures.push(`the attacker heard: ${leaks.join("; ")}`);
  assert.deepEqual(failures, [], failures.join("\n"));
  return hostileForms(attacker.url).length;
}

/** The site that serves the tricks at /trick/<name>.html (and `extra` pages). */
export async function trickSite(attacker, extra = {}) {
  const pages = { ...extra, ...hostileFrames(attacker.url) };
  for (const trick of hostileForms(attacker.url)) pages[`/trick/${trick.name}.html`] = trick.html;
  return serveStatic({ pages });
}

async function main() {
  const attacker = await attackerServer();
  const site = await trickSite(attacker);
  const profile = mkdtempSync(join(tmpdir(), "meta-secret-tricks-"));
  const context = await launchWithExtension(join(root, "extension/dist"), profile);
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker", { timeout: 30_000 }));
    const id = new URL(worker.url()).host;
    const extensionPage = await context.newPage();
    await extensionPage.goto(`chrome-extension://${id}/popup.html`);
    const tabIdOf = (url) => extensionPage.evaluate(async (wanted) => (await chrome.tabs.query({})).find((tab) => tab.url === wanted)?.id, url);
    const origin = site.url;
    let count = 0;
    // A login, and a generated password into new-password fields: the same checks hold.
    for (const mode of ["login", "new"]) {
      count = await checkHostileForms(context, site, attacker, tabIdOf, (tabId) =>
        extensionPage.evaluate(async ([tabId, origin, password, mode]) => {
          const { fillTab } = await import("./inject.js");
          return fillTab(tabId, origin, "ada", password, mode).catch((error) => `error: ${error.message}`);
        }, [tabId, origin, PASSWORD, mode]));
    }
    console.log(`extension fill tricks: ${count} pages, twice (a login, a generated password): every hostile one refused, every honest one filled, nothing leaked`);
  } finally {
    await context.close().catch(() => {});
    await site.close();
    await attacker.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

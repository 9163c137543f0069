// Debian's Chromium through playwright-core (never a downloaded browser), kept off the network.
import { chromium } from "playwright-core";

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update"],
  });
}

/** A persistent profile (in `userDataDir`) with the unpacked extension in `extensionDir` loaded;
 *  `extraArgs` are more Chromium flags. */
export function launchWithExtension(extensionDir, userDataDir, extraArgs = []) {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, ...extraArgs,
    ],
  });
}

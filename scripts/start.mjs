#!/usr/bin/env node
// `npm start`: sets up what is missing (each step skipped when already at the right version),
// builds the npm package, the demo and the worker, then runs wrangler dev on
// http://127.0.0.1:8787 (PORT overrides) with Durable Object state in .wrangler/state.
import { execSync, spawn } from "node:child_process";
import { cpSync, existsSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8787";
const home = process.env.HOME ?? "";
const cargoBin = join(home, ".cargo/bin");
const env = { ...process.env, PATH: `${cargoBin}:${process.env.PATH}` };

function sh(command) {
  console.error(`$ ${command}`);
  execSync(command, { cwd: root, stdio: "inherit", env });
}

function output(command) {
  try {
    return execSync(command, { cwd: root, env, stdio: ["ignore", "pipe", "ignore"] }).toString();
  } catch {
    return "";
  }
}

function setup() {
  if (!output("rustup target list --installed").split("\n").includes("wasm32-unknown-unknown")) {
    sh("rustup target add wasm32-unknown-unknown");
  }
  const components = output("rustup component list --installed");
  for (const component of ["clippy", "rustfmt"]) {
    if (!components.split("\n").some((line) => line.startsWith(component))) sh(`rustup component add ${component}`);
  }
  if (!output("wasm-bindgen --version").includes(" 0.2.130")) {
    sh("cargo install wasm-bindgen-cli --version 0.2.130"); // not --locked: see ../shared/TOOLCHAIN.md
  }
  if (!output("worker-build --version").includes("0.8.7")) {
    sh("cargo install worker-build --version 0.8.7");
  }
  const wranglerOk = output("node_modules/.bin/wrangler --version").includes("4.86.0");
  const wasmOptOk = output("node_modules/.bin/wasm-opt --version").includes("version 132");
  if (!wranglerOk || !wasmOptOk || !existsSync(join(root, "node_modules/playwright-core/package.json"))) {
    sh("npm ci --no-audit --no-fund");
  }
}

/** Debian's Chromium and ChromeDriver for the browser tests (never a downloaded browser). */
function setupChromium() {
  if (existsSync("/usr/bin/chromium") && existsSync("/usr/bin/chromedriver")) return;
  if (process.getuid?.() !== 0) {
    throw new Error("the browser tests need Debian's chromium and chromium-driver: apt-get install chromium chromium-driver");
  }
  sh("apt-get update -qq");
  sh("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver");
}

function build() {
  sh("bash scripts/build-npm.sh");
  const target = join(root, "web-demo/pkg");
  rmSync(target, { recursive: true, force: true });
  cpSync(join(root, "wasm/pkg"), target, { recursive: true });
  sh("bash scripts/build-worker.sh");
}

function serve() {
  const child = spawn(
    join(root, "node_modules/.bin/wrangler"),
    ["dev", "--local", "--ip", "127.0.0.1", "--port", port, "--persist-to", process.env.PERSIST_TO ?? ".wrangler/state",
      "--inspector-port", process.env.INSPECTOR_PORT ?? "9229"],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...env,
        META_SECRET_SKIP_BUILD: "1",
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
    },
  );
  child.stdout.pipe(process.stderr);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  const poll = async () => {
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        if ((await fetch(`${url}/v1/health`)).ok) {
          console.log(`meta-secret is running at ${url}  (Ctrl-C stops it)`);
          return;
        }
      } catch { /* not up yet */ }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.error("wrangler dev did not come up");
  };
  poll();
  const stop = () => child.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  child.on("exit", (code) => process.exit(code ?? 0));
}

// `--setup-only [--with-chromium]`: what `npm test` runs first; `--no-setup`: skip the checks.
if (!process.argv.includes("--no-setup")) setup();
if (process.argv.includes("--with-chromium")) setupChromium();
if (!process.argv.includes("--setup-only")) {
  build();
  serve();
}

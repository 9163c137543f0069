#!/usr/bin/env node
// Runs a command against a fresh `wrangler dev`: a free port on 127.0.0.1, a temporary
// --persist-to, its own process group. The command gets META_SECRET_SERVER_URL; the server is
// stopped by process group afterwards, whatever happens.
//   node scripts/with-wrangler.mjs -- <command> [args...]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Stops a child started with `detached: true` and everything in its process group. */
export async function stopProcessGroup(child) {
  // Never signal group 0 or 1 (see ../shared/TOOLCHAIN.md): only our own child's group.
  if (!(child.pid > 1) || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try { process.kill(-child.pid, "SIGTERM"); } catch { return; /* already gone */ }
  const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, "timeout"));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
  }
}

/** Starts wrangler dev (worker already built) and resolves once it answers. */
export async function startWrangler({ persistTo, port } = {}) {
  port ??= await freePort();
  const inspector = await freePort();
  persistTo ??= mkdtempSync(join(tmpdir(), "meta-secret-wrangler-"));
  const logPath = `${persistTo}.log`;
  const log = openSync(logPath, "w");
  const child = spawn(
    join(root, "node_modules/.bin/wrangler"),
    ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspector),
      "--persist-to", persistTo],
    {
      cwd: root,
      detached: true, // its own process group, so stop() reaches workerd too
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        META_SECRET_SKIP_BUILD: "1",
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_SEND_ERROR_REPORTS: "false",
        CLOUDFLARE_CF_FETCH_ENABLED: "false",
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcessGroup(child);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${url}/ready-probe`);
      if (response.status === 404) return { url, port, persistTo, stop, logPath };
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`wrangler dev did not become ready:\n${readFileSync(logPath, "utf8").slice(-3000)}`);
}

async function main() {
  const separator = process.argv.indexOf("--");
  const command = process.argv.slice(separator + 1);
  if (separator < 0 || command.length === 0) {
    console.error("usage: node scripts/with-wrangler.mjs -- <command> [args...]");
    process.exit(2);
  }
  const server = await startWrangler();
  console.error(`wrangler dev at ${server.url}`);
  let code = 1;
  try {
    const child = spawn(command[0], command.slice(1), {
      stdio: "inherit",
      env: { ...process.env, META_SECRET_SERVER_URL: server.url },
    });
    code = await new Promise((resolve) => child.once("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0))));
  } finally {
    await server.stop();
    rmSync(server.persistTo, { recursive: true, force: true });
  }
  process.exit(code);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

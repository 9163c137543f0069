#!/usr/bin/env node
// Backs up a vault's log as its signed commits, or restores one into an empty vault, through the
// worker's operator routes (the token is the worker's secret OPERATOR_TOKEN). The commits are
// end-to-end encrypted: a backup file reveals no secret, share or name; devices verify a restored
// log like any other.
//   OPERATOR_TOKEN=… node scripts/vault-backup.mjs export  <server url> <vault> <file>
//   OPERATOR_TOKEN=… node scripts/vault-backup.mjs restore <server url> <vault> <file>
import { closeSync, createReadStream, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";

const FORMAT = "meta-secret-backup/1";
// A request body may be 1 MiB; pages stay well under it (in UTF-8 bytes).
const MAX_PAGE_BYTES = 900 * 1024;

async function call(url, init) {
  const response = await fetch(url, {
    ...init,
    headers: { ...init?.headers, authorization: `Bearer ${process.env.OPERATOR_TOKEN ?? ""}` },
  });
  const body = await response.json().catch(() => ({ code: "MALFORMED", message: "not JSON" }));
  if (!response.ok) throw new Error(`${response.status} ${body.code}: ${body.message}`);
  return body;
}

const route = (server, vault, action) => `${server.replace(/\/$/, "")}/v1/admin/vaults/${encodeURIComponent(vault)}/${action}`;

// The file is JSON Lines: a header line {format, vault, head}, then one commit per line, so
// neither side ever holds a whole vault in one string.
async function exportVault(server, vault, file) {
  const out = openSync(file, "w");
  let head, count = 0;
  try {
    for (let after = 0, more = true; more; ) {
      const page = await call(`${route(server, vault, "export")}?after=${after}`);
      if (page.format !== FORMAT) throw new Error(`unknown backup format ${page.format}`);
      if (head === undefined) {
        head = page.head;
        writeSync(out, JSON.stringify({ format: FORMAT, vault, head }) + "\n");
      }
      // Commits appended after the first page are left out: the backup is the log up to `head`.
      const wanted = page.commits.filter((commit) => commit.seq <= head.seq);
      for (const commit of wanted) writeSync(out, JSON.stringify(commit) + "\n");
      count += wanted.length;
      after = wanted.length ? wanted[wanted.length - 1].seq : after;
      more = after < head.seq && page.commits.length > 0;
    }
  } finally {
    closeSync(out);
  }
  console.log(`exported ${count} commits of ${vault} (head ${head.seq}) to ${file}`);
}

async function restoreVault(server, vault, file) {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let header, page = [], bytes = 0, head, count = 0;
  const send = async (more) => {
    const body = JSON.stringify({ format: FORMAT, vault, commits: page, head: header.head, more });
    head = (await call(route(server, vault, "import"), { method: "POST", body })).head;
    page = [];
    bytes = 0;
  };
  for await (const line of lines) {
    if (!line.trim()) continue;
    if (header === undefined) {
      header = JSON.parse(line);
      if (header.format !== FORMAT) throw new Error(`${file} is not a ${FORMAT} backup`);
      continue;
    }
    const size = Buffer.byteLength(line) + 1;
    if (page.length > 0 && bytes + size > MAX_PAGE_BYTES) await send(true);
    page.push(JSON.parse(line));
    bytes += size;
    count += 1;
  }
  if (header === undefined) throw new Error(`${file} is empty`);
  await send(false);
  console.log(`restored ${count} commits into ${vault} (head ${head.seq})`);
}

const [command, server, vault, file] = process.argv.slice(2);
const commands = { export: exportVault, restore: restoreVault };
if (!commands[command] || !server || !vault || !file) {
  console.error("usage: node scripts/vault-backup.mjs export|restore <server url> <vault> <file>");
  process.exit(2);
}
commands[command](server, vault, file).catch((error) => {
  console.error(`vault-backup: ${error.message}`);
  process.exit(1);
});

#!/usr/bin/env node
// Backs up a vault's log as its signed commits, or restores one into an empty vault, through the
// worker's operator routes (the token is the worker's secret OPERATOR_TOKEN). The commits are
// end-to-end encrypted: a backup file reveals no secret, share or name; devices verify a restored
// log like any other.
//   OPERATOR_TOKEN=… node scripts/vault-backup.mjs export  <server url> <vault> <file>
//   OPERATOR_TOKEN=… node scripts/vault-backup.mjs restore <server url> <vault> <file>
import { readFileSync, writeFileSync } from "node:fs";

const FORMAT = "meta-secret-backup/1";
// A request body may be 1 MiB; pages stay well under it.
const MAX_PAGE_CHARS = 900 * 1024;

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

async function exportVault(server, vault, file) {
  const commits = [];
  let head;
  for (let after = 0, more = true; more; ) {
    const page = await call(`${route(server, vault, "export")}?after=${after}`);
    if (page.format !== FORMAT) throw new Error(`unknown backup format ${page.format}`);
    commits.push(...page.commits);
    head = page.head;
    more = page.more && page.commits.length > 0;
    after = commits.length ? commits[commits.length - 1].seq : after;
  }
  writeFileSync(file, JSON.stringify({ format: FORMAT, vault, head, more: false, commits }));
  console.log(`exported ${commits.length} commits of ${vault} (head ${head.seq}) to ${file}`);
}

async function restoreVault(server, vault, file) {
  const backup = JSON.parse(readFileSync(file, "utf8"));
  if (backup.format !== FORMAT) throw new Error(`${file} is not a ${FORMAT} backup`);
  let page = [], chars = 0, head;
  const send = async (more) => {
    if (page.length === 0) return;
    const body = JSON.stringify({ format: FORMAT, vault, commits: page, head: backup.head, more });
    head = (await call(route(server, vault, "import"), { method: "POST", body })).head;
    page = [];
    chars = 0;
  };
  for (const commit of backup.commits) {
    const size = JSON.stringify(commit).length;
    if (chars + size > MAX_PAGE_CHARS) await send(true);
    page.push(commit);
    chars += size;
  }
  await send(false);
  console.log(`restored ${backup.commits.length} commits into ${vault} (head ${head?.seq ?? 0})`);
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

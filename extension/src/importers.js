// @ts-check
// Import from other password managers, and export to Bitwarden's JSON. Pure: text in, logins
// out; the popup shows the preview and the service worker stores. A file that is not one of the
// known formats is an error (nothing is stored); rows that cannot be logins here (no web address,
// no username or no password) are listed as skipped, with their row number, never their content.
import { parseCsv } from "./csv.js";
import { loginProblem, originOf } from "./logins.js";
import { parseTotp } from "./totp.js";

/** @typedef {{ origin: string, username: string, password: string, notes: string, totp: string, title: string }} ImportedLogin */
/** @typedef {{ row: number, reason: string }} Skipped */
/** @typedef {{ format: string, logins: ImportedLogin[], skipped: Skipped[], warnings: Skipped[] }} Parsed */

/** CSV formats by their documented header (lower case): the columns each field comes from. */
const CSV_FORMATS = [
  { format: "Bitwarden CSV", needs: ["login_uri", "login_username", "login_password"],
    url: "login_uri", username: "login_username", password: "login_password", notes: "notes", totp: "login_totp", title: "name" },
  { format: "Firefox CSV", needs: ["url", "username", "password", "guid"],
    url: "url", username: "username", password: "password", title: "" },
  { format: "1Password CSV", needs: ["title", "url", "username", "password", "otpauth"],
    url: "url", username: "username", password: "password", notes: "notes", totp: "otpauth", title: "title" },
  { format: "KeePassXC CSV", needs: ["group", "title", "username", "password", "url"],
    url: "url", username: "username", password: "password", notes: "notes", totp: "totp", title: "title" },
  { format: "KeePass CSV", needs: ["account", "login name", "password", "web site"],
    url: "web site", username: "login name", password: "password", notes: "comments", title: "account" },
  { format: "Chrome/Edge CSV", needs: ["name", "url", "username", "password"],
    url: "url", username: "username", password: "password", notes: "note", title: "name" },
];

const MAX_BYTES = 10 * 1024 * 1024;
const MAX_LOGINS = 10_000;

/** Reads an export file's text: Bitwarden JSON, or one of the CSV formats.
 * @param {string} text @returns {Parsed} */
export function parseImport(text) {
  if (text.length > MAX_BYTES) throw new Error("The file is larger than 10 MB");
  const body = text.replace(/^\uFEFF/, "").trimStart();
  if (!body) throw new Error("The file is empty");
  return body.startsWith("{") ? parseBitwardenJson(body) : parseCsvExport(body);
}

/** @param {string} text @returns {Parsed} */
function parseCsvExport(text) {
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((cell) => cell.trim().toLowerCase());
  const known = CSV_FORMATS.find((format) => format.needs.every((column) => header.includes(column)));
  if (!known) {
    throw new Error("Not a known export: expected Bitwarden (JSON or CSV), Chrome/Edge, Firefox, 1Password or KeePass(XC) CSV");
  }
  /** @param {string[]} row @param {string | undefined} column */
  const cell = (row, column) => (column && header.includes(column) ? row[header.indexOf(column)] ?? "" : "");
  const entries = rows.slice(1).map((row) => ({
    url: cell(row, known.url), username: cell(row, known.username), password: cell(row, known.password),
    notes: cell(row, known.notes), totp: cell(row, known.totp), title: cell(row, known.title),
  }));
  return collect(known.format, entries, 2);
}

/** @param {string} text @returns {Parsed} */
function parseBitwardenJson(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error("The JSON file cannot be read (it is cut off or not JSON)");
  }
  if (data?.encrypted === true) throw new Error("This Bitwarden export is encrypted: export it again as unencrypted JSON");
  if (!Array.isArray(data?.items)) throw new Error("Not a Bitwarden JSON export (it has no items list)");
  /** @type {{ url: string, username: string, password: string, notes: string, totp: string, title: string, kind: unknown }[]} */
  const entries = data.items.map((/** @type {any} */ item) => ({
    kind: item?.type,
    url: String(item?.login?.uris?.[0]?.uri ?? ""),
    username: String(item?.login?.username ?? ""),
    password: String(item?.login?.password ?? ""),
    notes: String(item?.notes ?? ""),
    totp: String(item?.login?.totp ?? ""),
    title: String(item?.name ?? ""),
  }));
  return collect("Bitwarden JSON", entries, 1);
}

/** Turns rows into logins, skipping what cannot be one (with the reason).
 * @param {string} format @param {{ url: string, username: string, password: string, notes: string, totp: string, title: string, kind?: unknown }[]} entries
 * @param {number} firstRow the row number of entries[0] as a person counts (a CSV's header is row 1) */
function collect(format, entries, firstRow) {
  if (entries.length > MAX_LOGINS) throw new Error(`The file holds more than ${MAX_LOGINS} entries`);
  /** @type {ImportedLogin[]} */
  const logins = [];
  /** @type {Skipped[]} */
  const skipped = [];
  /** @type {Skipped[]} */
  const warnings = [];
  entries.forEach((entry, i) => {
    const row = firstRow + i;
    if (entry.kind !== undefined && entry.kind !== 1) return skipped.push({ row, reason: "not a login (a note, card or identity)" });
    const url = entry.url.trim();
    // Exports often hold a bare host ("example.com"): read it as https.
    const origin = originOf(url) ?? (/^[\w.-]+\.[a-z]{2,}(:\d+)?(\/|$)/i.test(url) ? originOf(`https://${url}`) : null);
    if (!origin) return skipped.push({ row, reason: url ? "its address is not an http(s) site" : "no web address" });
    const login = { origin, username: entry.username.trim(), password: entry.password, notes: entry.notes, totp: entry.totp.trim(), title: entry.title.trim() };
    const problem = loginProblem(login);
    if (problem) return skipped.push({ row, reason: problem.replace(/^The /, "the ") });
    if (login.totp && !isTotp(login.totp)) {
      // Another kind of code (Steam's, a counter-based one): the login comes in without it.
      login.totp = "";
      warnings.push({ row, reason: "its one-time code is not a time-based (TOTP) secret: imported without it" });
    }
    logins.push(login);
  });
  if (!logins.length && !skipped.length) throw new Error("The file holds no logins");
  return { format, logins, skipped, warnings };
}

/** @param {string} text */
function isTotp(text) {
  try {
    parseTotp(text);
    return true;
  } catch {
    return false;
  }
}

/** What an import would do: new logins, updates of stored ones, repeats within the file.
 * @param {Parsed} parsed @param {{ origin: string, username: string }[]} stored */
export function previewImport(parsed, stored) {
  const key = (/** @type {{ origin: string, username: string }} */ login) => `${login.origin}\n${login.username}`;
  const storedKeys = new Set(stored.map(key));
  /** @type {Map<string, ImportedLogin>} */
  const last = new Map();
  for (const login of parsed.logins) last.set(key(login), login); // the file's later row wins
  const unique = [...last.values()];
  return {
    format: parsed.format,
    toAdd: unique.filter((login) => !storedKeys.has(key(login))),
    alreadyStored: unique.filter((login) => storedKeys.has(key(login))).length,
    repeatedInFile: parsed.logins.length - unique.length,
    skipped: parsed.skipped,
    warnings: parsed.warnings,
  };
}

/** Bitwarden's unencrypted JSON export format (importable by Bitwarden and most managers).
 * @param {{ origin: string, username: string, password: string, notes?: string, totp?: string }[]} logins
 * @param {() => string} [newId] */
export function exportBitwardenJson(logins, newId = () => crypto.randomUUID()) {
  const items = logins.map((login) => ({
    id: newId(),
    organizationId: null,
    folderId: null,
    type: 1,
    reprompt: 0,
    name: new URL(login.origin).host,
    notes: login.notes || null,
    favorite: false,
    fields: [],
    login: { uris: [{ match: null, uri: login.origin }], username: login.username, password: login.password, totp: login.totp || null },
    collectionIds: null,
  }));
  return JSON.stringify({ encrypted: false, folders: [], items }, null, 2);
}

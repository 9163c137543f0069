// Import and export: each format's fixture (written from its documented columns), the CSV rules,
// and bad files. `node --test tests/extension/`.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseCsv } from "../../extension/src/csv.js";
import { exportBitwardenJson, parseImport, previewImport } from "../../extension/src/importers.js";

const fixture = (name) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const brief = (parsed) => parsed.logins.map((l) => `${l.origin} ${l.username} ${l.password}`);

test("CSV: quoted commas, newlines and quotes, CRLF, a byte-order mark, blank lines", () => {
  assert.deepEqual(parseCsv('a,b\r\n"1,2","x\r\ny"\r\n\r\n"say ""hi""",\n'), [["a", "b"], ["1,2", "x\r\ny"], ['say "hi"', ""]]);
  assert.deepEqual(parseCsv("\uFEFFa,b\nc,d"), [["a", "b"], ["c", "d"]]);
  assert.throws(() => parseCsv('a,"b\nc'), /line 1: a quoted field never ends/);
  assert.throws(() => parseCsv('a,b\nc,"d"e'), /line 2: text after a closing quote/);
  assert.throws(() => parseCsv('a,b"c'), /line 1: a quote inside/);
});

test("Bitwarden CSV and JSON", () => {
  const csv = parseImport(fixture("bitwarden.csv"));
  assert.equal(csv.format, "Bitwarden CSV");
  assert.deepEqual(brief(csv), ['https://example.com ada@example.com pa,ss"word', "https://bank.example grace hunter2"]);
  assert.equal(csv.logins[0].notes, "line one\nline two, with a comma");
  assert.match(csv.logins[0].totp, /^otpauth:\/\/totp\//);
  assert.deepEqual(csv.skipped, [{ row: 4, reason: "no web address" }]);

  const json = parseImport(fixture("bitwarden.json"));
  assert.equal(json.format, "Bitwarden JSON");
  assert.deepEqual(brief(json), ["https://example.com ada@example.com pw-1", "https://shop.example ada pw-2"]);
  assert.deepEqual(json.skipped.map((s) => s.reason), ["not a login (a note, card or identity)", "its address is not an http(s) site"]);
});

test("Chrome, Edge, Firefox, 1Password, KeePassXC and KeePass CSV", () => {
  const chrome = parseImport(fixture("chrome.csv"));
  assert.equal(chrome.format, "Chrome/Edge CSV");
  assert.deepEqual(brief(chrome), ['https://example.com ada pw with "quotes"',
    "https://accounts.example.org grace@example.org multi\r\nline", "https://example.com ada pw newer row"]);
  const edge = parseImport(fixture("edge.csv"));
  assert.deepEqual([edge.format, ...brief(edge)], ["Chrome/Edge CSV", "https://example.net ada edge-pw"]);
  const firefox = parseImport(fixture("firefox.csv"));
  assert.equal(firefox.format, "Firefox CSV");
  assert.deepEqual(brief(firefox), ["https://example.com ada ff-pw", "https://intranet.example:8443 admin ff,pw2"]);
  assert.equal(firefox.skipped.length, 1);
  const onePassword = parseImport(fixture("1password.csv"));
  assert.equal(onePassword.format, "1Password CSV");
  assert.deepEqual(brief(onePassword), ["https://example.com ada 1p-pw"]);
  assert.match(onePassword.logins[0].totp, /issuer=Example/);
  assert.deepEqual(onePassword.skipped, [{ row: 3, reason: "the password is empty" }]);
  const keepassxc = parseImport(fixture("keepassxc.csv"));
  assert.equal(keepassxc.format, "KeePassXC CSV");
  assert.deepEqual(brief(keepassxc), ["https://example.com ada kp-pw", "http://192.168.1.1 admin kp-router"]);
  assert.equal(keepassxc.skipped[0].row, 4);
  const keepass = parseImport(fixture("keepass.csv"));
  assert.deepEqual([keepass.format, ...brief(keepass)], ["KeePass CSV", "https://example.com ada kp2-pw"]);
  assert.equal(keepass.logins[0].notes, "from KeePass 2");
});

test("bad files are refused with a sentence that quotes nothing of them", () => {
  for (const [name, message] of [
    ["broken.csv", /a quoted field never ends/],
    ["unknown.csv", /Not a known export/],
    ["broken.json", /cannot be read/],
    ["bitwarden-encrypted.json", /encrypted/],
  ]) {
    assert.throws(() => parseImport(fixture(name)), (error) => message.test(error.message) && !/never closed|ada/.test(error.message), name);
  }
  assert.throws(() => parseImport(""), /empty/);
  assert.throws(() => parseImport('{"items": []}'), /no logins/);
  assert.throws(() => parseImport("x".repeat(11 * 1024 * 1024)), /10 MB/);
});

test("the preview counts new logins, stored ones and repeats in the file", () => {
  const preview = previewImport(parseImport(fixture("chrome.csv")), [{ origin: "https://accounts.example.org", username: "grace@example.org" }]);
  assert.equal(preview.toAdd.length, 1);
  assert.equal(preview.toAdd[0].password, "pw newer row", "a file's later row wins");
  assert.equal(preview.alreadyStored, 1);
  assert.equal(preview.repeatedInFile, 1);
});

test("export is Bitwarden JSON that imports back to the same logins", () => {
  const logins = [
    { origin: "https://example.com", username: "ada", password: 'p,"w\n', notes: "n", totp: "otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" },
    { origin: "http://127.0.0.1:8080", username: "grace", password: "pw", notes: "", totp: "" },
  ];
  let n = 0;
  const text = exportBitwardenJson(logins, () => `id-${++n}`);
  const data = JSON.parse(text);
  assert.equal(data.encrypted, false);
  assert.deepEqual(data.items.map((item) => [item.id, item.type, item.name]), [["id-1", 1, "example.com"], ["id-2", 1, "127.0.0.1:8080"]]);
  const back = parseImport(text);
  assert.deepEqual(back.logins.map(({ title, ...login }) => login), logins);
});

test("a one-time code that is not TOTP (Steam's, a counter) comes in without it, with a note", () => {
  const text = `name,url,username,password,note
a,https://a.example,ada,pw1,
`;
  const bitwarden = `folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp
,,login,Steam,,,0,https://store.steampowered.com,ada,pw,steam://ABCDEFGHIJKLMNOP
,,login,Good,,,0,https://good.example,ada,pw,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
`;
  assert.deepEqual(parseImport(text).warnings, []);
  const parsed = parseImport(bitwarden);
  assert.deepEqual(parsed.logins.map((l) => [l.origin, l.totp]), [["https://store.steampowered.com", ""], ["https://good.example", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"]]);
  assert.deepEqual(parsed.warnings, [{ row: 2, reason: "its one-time code is not a time-based (TOTP) secret: imported without it" }]);
  assert.equal(previewImport(parsed, []).warnings.length, 1);
});

// The extension's login rules, without a browser: `node --test tests/extension/`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeName, decodeValue, encodeName, encodeValue, fillsPage, loginForPage, loginProblem, originOf } from "../../extension/src/logins.js";

test("a login fills only its exact origin", () => {
  const login = "https://example.com";
  assert.ok(fillsPage(login, "https://example.com/login?next=/"));
  for (const page of [
    "http://example.com/login", // an http page never gets an https login
    "https://example.com:8443/login", // another port
    "https://sub.example.com/login", // another host
    "https://example.com.evil.test/login",
    "https://evil.test/?https://example.com",
    "data:text/html,<form>", "about:blank", "javascript:alert(1)", "file:///etc/passwd", "not a url",
  ]) {
    assert.equal(fillsPage(login, page), false, page);
  }
  // Userinfo and case do not change the origin; localhost is not 127.0.0.1.
  assert.ok(fillsPage(login, "https://user:pw@EXAMPLE.com/"));
  assert.equal(fillsPage("http://127.0.0.1:8080", "http://localhost:8080/"), false);
  // Internationalised names compare in their ASCII form.
  assert.ok(fillsPage(originOf("https://bücher.example"), "https://xn--bcher-kva.example/"));
});

test("names and values round-trip, and anything else is not a login", () => {
  const name = encodeName({ origin: "https://example.com", username: "ada" });
  // A name saved before versions were dated reads as saved at 0: older than any dated one.
  assert.deepEqual(decodeName(name), { origin: "https://example.com", username: "ada", saved: 0 });
  const dated = encodeName({ origin: "https://example.com", username: "ada", saved: 1_700_000_000_000 });
  assert.deepEqual(decodeName(dated), { origin: "https://example.com", username: "ada", saved: 1_700_000_000_000 });
  assert.equal(decodeName('login/1 {"origin":"https://x.test","username":"a","saved":"soon"}').saved, 0);
  for (const other of [undefined, "bank", "login/1 not json", 'login/1 {"origin":"https://x.test/path","username":"a"}',
    'login/1 {"origin":"javascript:alert(1)","username":"a"}', 'login/2 {"origin":"https://x.test","username":"a"}']) {
    assert.equal(decodeName(other), null, String(other));
  }
  assert.deepEqual(decodeValue(encodeValue({ password: "pw", notes: "n" })), { password: "pw", notes: "n" });
  // A secret that is not a login never has its text echoed in the error.
  assert.throws(() => decodeValue("hunter2"), (error) => !String(error.message).includes("hunter2"));
});

test("the save form's problems read as sentences", () => {
  assert.equal(loginProblem({ origin: "https://example.com", username: "ada", password: "pw" }), null);
  assert.match(loginProblem({ origin: "ftp://example.com", username: "ada", password: "pw" }), /http\(s\) origin/);
  assert.match(loginProblem({ origin: "https://example.com", username: " ", password: "pw" }), /username/);
  assert.match(loginProblem({ origin: "https://example.com", username: "ada", password: "" }), /password/);
  assert.match(loginProblem({ origin: "https://example.com", username: "a".repeat(300), password: "p" }), /too long/);
});

test("the shortcut fills the newest of two logins for the same site and username", () => {
  const older = { id: "b-old", ...decodeName(encodeName({ origin: "https://example.com", username: "ada", saved: 1000 })) };
  const newer = { id: "a-new", ...decodeName(encodeName({ origin: "https://example.com", username: "ada", saved: 2000 })) };
  const elsewhere = { id: "c", ...decodeName(encodeName({ origin: "https://other.test", username: "ada", saved: 3000 })) };
  // The vault lists secrets by id, not by age: either order must give the newer one.
  assert.equal(loginForPage([older, newer, elsewhere], "https://example.com/login").id, "a-new");
  assert.equal(loginForPage([newer, older, elsewhere], "https://example.com/login").id, "a-new");
  assert.equal(loginForPage([older, newer], "https://evil.test/"), undefined);
});

test("site names read as hosts", async () => {
  const { siteName } = await import("../../extension/src/logins.js");
  assert.equal(siteName("https://www.example.com"), "example.com");
  assert.equal(siteName("http://127.0.0.1:8080"), "127.0.0.1:8080");
  assert.equal(siteName("https://xn--bcher-kva.example"), "xn--bcher-kva.example");
});

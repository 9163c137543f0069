// How waiting requests read in notifications and the popup. `node --test tests/extension/`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ageText, requestsOf } from "../../extension/src/approvals.js";

const NOW = 1_800_000_000_000;
const claim = (id, extra = {}) => ({
  id, secretId: `s-${id}`, requester: "dev-alice", mine: false, status: "open", approvals: 0, declines: 0, needed: 1,
  answeredByMe: false, openedMs: NOW - 3 * 60_000, expiresMs: NOW + 12 * 60_000, ...extra,
});

test("a request says who asks, for what, how long ago and until when", () => {
  const view = {
    members: [{ id: "dev-alice", name: "alice" }],
    pending: [
      { id: "dev-bob", name: "bob", kind: "browser", verificationCode: "1234-5678-9012-3456", votedByMe: false },
      { id: "dev-old", name: "old", kind: "browser", verificationCode: "x", votedByMe: true },
    ],
    claims: [
      claim("c1"), claim("c2", { batch: "b1" }), claim("c3", { batch: "b1" }),
      claim("mine", { mine: true }), claim("done", { status: "completed" }), claim("answered", { answeredByMe: true }),
    ],
  };
  const names = new Map([["s-c1", "ada at https://example.com"], ["s-c2", "grace at https://a.test"]]);
  const requests = requestsOf(view, names, NOW);
  assert.deepEqual(requests.map((r) => r.key), ["join/dev-bob", "claim/c1", "claim/dev-alice/b1"]);
  assert.match(requests[0].message, /1234-5678-9012-3456/);
  assert.equal(requests[1].title, "alice asks to use a login");
  assert.equal(requests[1].message, "ada at https://example.com · asked 3 min ago · expires in 12 min");
  assert.equal(requests[2].title, "alice asks to use 2 logins");
  assert.match(requests[2].message, /^grace at https:\/\/a.test, a secret · /);
});

test("ages read as people say them", () => {
  assert.equal(ageText({ openedMs: NOW - 1000, expiresMs: NOW + 45_000 }, NOW), "asked just now · expires in 45 s");
  assert.equal(ageText({ openedMs: NOW - 20 * 60_000, expiresMs: NOW - 5 * 60_000 }, NOW), "asked 20 min ago · expired");
});

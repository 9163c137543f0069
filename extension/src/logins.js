// @ts-check
// Logins as meta-secret secrets. The secret's name (sealed: only members read it) carries the
// origin and username; the value (revealed only with approvals) carries the password and notes.
// Versioned, so later formats can be told apart.

const NAME_PREFIX = "login/1 ";

/**
 * @typedef {{ origin: string, username: string }} LoginName
 * @typedef {{ password: string, notes?: string }} LoginValue
 */

/** The origin a login is saved for: scheme, host and port only; http(s) pages only.
 * @param {string} url
 * @returns {string | null} */
export function originOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** @param {LoginName} login */
export function encodeName(login) {
  return NAME_PREFIX + JSON.stringify({ origin: login.origin, username: login.username });
}

/** The login a secret's name describes, or null for any other secret.
 * @param {string | undefined} name
 * @returns {LoginName | null} */
export function decodeName(name) {
  if (!name?.startsWith(NAME_PREFIX)) return null;
  try {
    const value = JSON.parse(name.slice(NAME_PREFIX.length));
    if (typeof value?.origin !== "string" || typeof value?.username !== "string") return null;
    return originOf(value.origin) === value.origin ? { origin: value.origin, username: value.username } : null;
  } catch {
    return null;
  }
}

/** @param {LoginValue} value */
export function encodeValue(value) {
  return JSON.stringify({ v: 1, password: value.password, notes: value.notes ?? "" });
}

/** @param {string} text @returns {LoginValue} */
export function decodeValue(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    value = null; // the parser's message may quote the text: never pass it on
  }
  if (value?.v !== 1 || typeof value.password !== "string") throw new Error("this secret is not a login");
  return { password: value.password, notes: typeof value.notes === "string" ? value.notes : "" };
}

/** A login fills a page only on exactly its origin: same scheme (never an https login into an
 * http page), same host (localhost is not 127.0.0.1), same port.
 * @param {string} loginOrigin @param {string} pageUrl */
export function fillsPage(loginOrigin, pageUrl) {
  const page = originOf(pageUrl);
  return page !== null && page === loginOrigin;
}

/** Checks a login form's fields, with messages a person can act on.
 * @param {{ origin: string, username: string, password: string }} form
 * @returns {string | null} */
export function loginProblem(form) {
  if (originOf(form.origin) !== form.origin) return "The site must be an http(s) origin such as https://example.com";
  if (!form.username.trim()) return "The username is empty";
  if (!form.password) return "The password is empty";
  if (encodeName(form).length > 200) return "The site and username together are too long (200 characters)";
  return null;
}

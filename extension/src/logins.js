// @ts-check
// Logins as meta-secret secrets. The secret's name (sealed: only members read it) carries the
// origin and username; the value (revealed only with approvals) carries the password and notes.
// Versioned, so later formats can be told apart.

const NAME_PREFIX = "login/1 ";

/**
 * `saved`: when this version was saved (ms since 1970, from the saving device's clock; 0 for
 * logins saved before it was recorded). The vault lists secrets by id, so this is how the newest
 * of two versions is told apart.
 * @typedef {{ origin: string, username: string, saved?: number }} LoginName
 * @typedef {{ password: string, notes?: string, totp?: string }} LoginValue
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
  const saved = Number.isSafeInteger(login.saved) && Number(login.saved) > 0 ? { saved: login.saved } : {};
  return NAME_PREFIX + JSON.stringify({ origin: login.origin, username: login.username, ...saved });
}

/** The login a secret's name describes, or null for any other secret.
 * @param {string | undefined} name
 * @returns {Required<LoginName> | null} */
export function decodeName(name) {
  if (!name?.startsWith(NAME_PREFIX)) return null;
  try {
    const value = JSON.parse(name.slice(NAME_PREFIX.length));
    if (typeof value?.origin !== "string" || typeof value?.username !== "string") return null;
    if (originOf(value.origin) !== value.origin) return null;
    const saved = Number.isSafeInteger(value.saved) && value.saved > 0 ? value.saved : 0;
    return { origin: value.origin, username: value.username, saved };
  } catch {
    return null;
  }
}

/** @param {LoginValue} value */
export function encodeValue(value) {
  return JSON.stringify({ v: 1, password: value.password, notes: value.notes ?? "", ...(value.totp ? { totp: value.totp } : {}) });
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
  const totp = typeof value.totp === "string" && value.totp ? { totp: value.totp } : {};
  return { password: value.password, notes: typeof value.notes === "string" ? value.notes : "", ...totp };
}

/** The login the shortcut fills on a page: one of those saved for exactly its origin.
 * @template {LoginName} T @param {T[]} logins @param {string} pageUrl @returns {T | undefined} */
export function loginForPage(logins, pageUrl) {
  /** @type {T | undefined} */
  let best;
  for (const login of logins) {
    if (fillsPage(login.origin, pageUrl) && (!best || (login.saved ?? 0) > (best.saved ?? 0))) best = login;
  }
  return best;
}

/** Two logins are the same login (one replaces the other) when site and username match.
 * @param {LoginName} a @param {LoginName} b */
export function sameLogin(a, b) {
  return a.origin === b.origin && a.username === b.username;
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
  if (encodeName({ ...form, saved: 9_999_999_999_999 }).length > 220) return "The site and username together are too long (200 characters)";
  return null;
}

/** A site's name as a list shows it: the host without "www.", with its port when not the
 *  default. @param {string} origin */
export function siteName(origin) {
  try {
    const url = new URL(origin);
    return url.host.replace(/^www\./, "");
  } catch {
    return origin;
  }
}

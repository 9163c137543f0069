// @ts-check
// One-time codes (TOTP, RFC 6238) from an `otpauth://totp/…` URI or a bare base32 secret, with
// WebCrypto's HMAC. Runs wherever `crypto.subtle` does (popup, service worker, node's tests).

const ALGORITHMS = /** @type {const} */ ({ SHA1: "SHA-1", SHA256: "SHA-256", SHA512: "SHA-512" });

/** @typedef {{ secret: Uint8Array, algorithm: keyof typeof ALGORITHMS, digits: number, period: number, issuer: string, account: string }} Totp */

/** RFC 4648 base32 (any case, spaces and padding ignored). @param {string} text */
export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, "").toUpperCase();
  if (!/^[A-Z2-7]+$/.test(clean)) throw new Error("The one-time code secret is not base32 (letters A–Z and digits 2–7)");
  const bytes = [];
  let bits = 0, value = 0;
  for (const char of clean) {
    value = (value << 5) | "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return new Uint8Array(bytes);
}

/** Reads an `otpauth://totp/…` URI or a bare base32 secret; a clear error for anything else.
 * @param {string} text @returns {Totp} */
export function parseTotp(text) {
  const input = text.trim();
  if (!input.toLowerCase().startsWith("otpauth:")) {
    return { secret: base32Decode(input), algorithm: "SHA1", digits: 6, period: 30, issuer: "", account: "" };
  }
  let url;
  try {
    url = new URL(input);
  } catch {
    throw new Error("The one-time code URI is not a valid otpauth:// address");
  }
  if (url.host.toLowerCase() !== "totp") throw new Error("Only time-based codes (otpauth://totp/…) are supported");
  const secret = url.searchParams.get("secret");
  if (!secret) throw new Error("The one-time code URI has no secret");
  const algorithm = (url.searchParams.get("algorithm") ?? "SHA1").toUpperCase();
  if (!(algorithm in ALGORITHMS)) throw new Error("The one-time code algorithm must be SHA1, SHA256 or SHA512");
  const digits = Number(url.searchParams.get("digits") ?? 6);
  if (![6, 7, 8].includes(digits)) throw new Error("A one-time code has 6, 7 or 8 digits");
  const period = Number(url.searchParams.get("period") ?? 30);
  if (!Number.isInteger(period) || period < 1 || period > 300) throw new Error("The one-time code period is 1 to 300 seconds");
  const label = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  const [labelIssuer, account] = label.includes(":") ? label.split(/:(.*)/s) : ["", label];
  const decoded = base32Decode(secret);
  if (decoded.length < 10) throw new Error("The one-time code secret is too short (at least 80 bits)");
  return {
    secret: decoded,
    algorithm: /** @type {keyof typeof ALGORITHMS} */ (algorithm),
    digits,
    period,
    issuer: url.searchParams.get("issuer") ?? labelIssuer,
    account: account.trim(),
  };
}

/** The code at `timeMs`, and how many seconds it stays valid.
 * @param {Pick<Totp, "secret" | "algorithm" | "digits" | "period">} totp @param {number} timeMs */
export async function totpCode(totp, timeMs) {
  const counter = Math.floor(timeMs / 1000 / totp.period);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const key = await crypto.subtle.importKey("raw", /** @type {Uint8Array<ArrayBuffer>} */ (totp.secret), { name: "HMAC", hash: ALGORITHMS[totp.algorithm] }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message.buffer));
  // RFC 4226 dynamic truncation.
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  const code = String(binary % 10 ** totp.digits).padStart(totp.digits, "0");
  const remaining = totp.period - (Math.floor(timeMs / 1000) % totp.period);
  return { code, remaining };
}

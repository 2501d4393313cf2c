import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), as every authenticator app
 * computes them: HMAC-SHA-1, 6 digits, 30-second steps counted from the Unix epoch. Pure: the
 * caller passes the time and the last step it accepted.
 */

export const totpStepSeconds = 30;
export const totpDigits = 6;
/**
 * Steps accepted either side of the current one: RFC 6238 §5.2 recommends at most one, enough for
 * a phone clock a little off and a code typed as it rolls over.
 */
export const totpDriftSteps = 1;

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 without padding: the form authenticator apps expect a secret in. */
export function encodeBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += base32Alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** Accepts what people copy: any case, spaces and padding ignored. */
export function decodeBase32(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=]/g, "");
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = base32Alphabet.indexOf(char);
    if (index < 0) throw new Error(`"${char}" is not a base32 character`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** 160 random bits, the HMAC-SHA-1 key length RFC 4226 §4 recommends, in base32. */
export function newTotpSecret(): string {
  return encodeBase32(randomBytes(20));
}

/** RFC 4226 HOTP: the code for one counter value. */
export function hotp(key: Uint8Array, counter: number, digits = totpDigits): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The 30-second step `at` falls in. */
export function totpStepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / totpStepSeconds);
}

export function totpCodeAt(secret: string, at: Date, digits = totpDigits): string {
  return hotp(decodeBase32(secret), totpStepAt(at), digits);
}

/**
 * The step a code matches within the drift window, or null. A step at or before `lastAcceptedStep`
 * never matches: a code seen once (an observer, a phishing proxy) cannot be replayed, nor can an
 * older one still inside the window.
 */
export function matchTotp(
  secret: string,
  code: string,
  at: Date,
  lastAcceptedStep: number | null,
): number | null {
  const typed = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(typed)) return null;
  const key = decodeBase32(secret);
  const current = totpStepAt(at);
  let matched: number | null = null;
  // Every candidate is computed and compared in constant time, so timing does not say which matched.
  for (let step = current - totpDriftSteps; step <= current + totpDriftSteps; step += 1) {
    const expected = Buffer.from(hotp(key, step));
    const fresh = lastAcceptedStep === null || step > lastAcceptedStep;
    if (timingSafeEqual(expected, Buffer.from(typed)) && fresh && matched === null) matched = step;
  }
  return matched;
}

/** The `otpauth://` URI authenticator apps read from a QR code (Google's Key Uri Format). */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret,
    issuer,
    algorithm: "SHA1",
    digits: String(totpDigits),
    period: String(totpStepSeconds),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}

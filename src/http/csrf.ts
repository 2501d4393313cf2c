import { timingSafeEqual } from "node:crypto";

/**
 * Cross-site request forgery rules, pure so they are tested without a server. A browser attaches
 * the session cookie to any request it sends to Tend, whichever site asked it to: SameSite=Lax
 * stops cross-site form POSTs in current browsers, but not a sibling subdomain, an older browser or
 * a top-level GET that writes. So a request the cookie authenticates must also prove it was written
 * by Tend's own pages: the `X-CSRF-Token` header, which another site can neither read nor set.
 */

export const csrfHeaderName = "x-csrf-token";

/** The methods that change something; HTTP's safe methods (GET, HEAD, OPTIONS) never need a token. */
const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isUnsafeMethod(method: string): boolean {
  return unsafeMethods.has(method.toUpperCase());
}

/**
 * A browser names the page that sent a request in `Origin`; only Tend's own pages may write. Tend's
 * pages are served from the public URL, or — behind a proxy nobody configured the public URL for —
 * from the host the request itself went to. `Origin: null` (sandboxed frames, some redirects) is
 * foreign: nothing can vouch for it.
 */
export function originAllowed(origin: string, allowed: { publicUrl: string; host: string }): boolean {
  let sender: URL;
  try {
    sender = new URL(origin);
  } catch {
    return false;
  }
  if (sender.origin === new URL(allowed.publicUrl).origin) return true;
  return sender.host !== "" && sender.host === allowed.host.toLowerCase();
}

/** Compares in constant time, so the token cannot be guessed byte by byte from response times. */
export function csrfTokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

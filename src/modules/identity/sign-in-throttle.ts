import { MINUTE } from "../../shared/clock.js";

/**
 * Limits on failed sign-ins, from OWASP's authentication guidance: a handful of failures locks an
 * account for a while (slowing a guesser to a few tries an hour without locking its owner out for
 * long), and a larger budget per address stops one client spraying many accounts. Counted in the
 * database, so every web process on PostgreSQL shares the counts.
 */
export interface ThrottleLimit {
  /** Failures allowed within the window; the last of them starts the lockout. */
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
}

export const accountLimit: ThrottleLimit = { maxFailures: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };
export const addressLimit: ThrottleLimit = { maxFailures: 20, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE };

export interface ThrottleKey {
  key: string;
  limit: ThrottleLimit;
}

/** Emails are compared as people type them, ignoring case and spaces, like sign-in itself. */
export function accountThrottleKey(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

export function throttleKeys(email: string, address: string | undefined): ThrottleKey[] {
  const keys: ThrottleKey[] = [{ key: accountThrottleKey(email), limit: accountLimit }];
  if (address) keys.push({ key: `ip:${address}`, limit: addressLimit });
  return keys;
}

/** Whole seconds until the latest lockout ends, for `Retry-After`; at least one. */
export function secondsUntil(lockedUntil: readonly string[], now: Date): number {
  const latest = Math.max(...lockedUntil.map((at) => Date.parse(at)));
  return Math.max(1, Math.ceil((latest - now.getTime()) / 1000));
}

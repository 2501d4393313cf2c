import { randomBytes } from "node:crypto";
import { MINUTE } from "../../shared/clock.js";
import type { Role } from "./actor.js";
import { encodeBase32 } from "./totp.js";

/** The rules of the second factor that need no database. */

export const twoFactorRequirements = ["none", "admins", "staff"] as const;
/** Which roles an admin requires a second factor of: nobody, admins, or every agent and admin. */
export type TwoFactorRequirement = (typeof twoFactorRequirements)[number];

export function twoFactorRequiredFor(requirement: TwoFactorRequirement, role: Role): boolean {
  if (role === "customer") return false;
  return requirement === "staff" || (requirement === "admins" && role === "admin");
}

/** Between a correct password and the second factor: long enough to open an app, short for a thief. */
export const signInChallengeLifetimeMs = 5 * MINUTE;
/** Wrong codes one challenge survives; the sign-in throttle limits guesses across challenges too. */
export const signInChallengeMaxFailures = 5;

export const recoveryCodeCount = 10;

/**
 * Ten single-use codes of 80 random bits each, as four groups of four base32 characters. That much
 * entropy makes a fast hash safe to store them with (a leaked table cannot be brute-forced) and
 * lets sign-in find a code by its hash, without trying an argon2 hash per stored code.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: recoveryCodeCount }, () => {
    const code = encodeBase32(randomBytes(10)).toLowerCase();
    return code.match(/.{4}/g)?.join("-") ?? code;
  });
}

/** The canonical form hashed and compared: case, spaces and dashes are how people copy, not the code. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

/** A code from the authenticator app is six digits; anything else is tried as a recovery code. */
export function isTotpCode(code: string): boolean {
  return /^\d{6}$/.test(code.replace(/\s/g, ""));
}

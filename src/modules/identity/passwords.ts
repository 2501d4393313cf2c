import argon2 from "argon2";
import { ValidationError } from "../../errors.js";
import { commonPasswordList } from "./common-passwords.js";

export const minimumPasswordLength = 12;

// OWASP's argon2id baseline (19 MiB, 2 passes): about 30 ms here, cheap enough for sign-in,
// dear enough for an attacker holding the hashes.
const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const commonPasswords = new Set(
  commonPasswordList
    .split("\n")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean),
);

/**
 * Whether a password is one of the most common, or one of them dressed up. Every entry is shorter
 * than the minimum length, so the forms that get past the length rule matter most: a common word
 * padded with digits or symbols ("password1234!"), a common run of digits made longer
 * ("123456789012"), and a short pattern repeated ("qwertyqwerty", "aaaaaaaaaaaa").
 */
export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) return true;
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  if (core !== "" && commonPasswords.has(core)) return true;
  if (core === "") {
    for (let length = 6; length < lower.length; length += 1) {
      if (commonPasswords.has(lower.slice(0, length))) return true;
    }
  }
  const unit = /^(.+?)\1+$/su.exec(lower)?.[1];
  return unit !== undefined && (unit.length <= 6 || commonPasswords.has(unit));
}

/** NIST SP 800-63B: a minimum length and a check against known-common passwords, no composition rules. */
export function assertAcceptablePassword(password: string, field = "password"): void {
  if (password.length < minimumPasswordLength) {
    throw ValidationError.field(field, `must be at least ${minimumPasswordLength} characters`);
  }
  if (isCommonPassword(password)) {
    throw ValidationError.field(
      field,
      "is one of the most common passwords (or one with digits added or a pattern repeated); choose another, such as a few unrelated words",
    );
  }
}

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Run when no account matches, so a sign-in for an unknown email costs as much as a wrong password. */
let decoyHash: Promise<string> | undefined;
export async function spendVerificationTime(password: string): Promise<void> {
  decoyHash ??= hashPassword("decoy password that never matches");
  await verifyPassword(await decoyHash, password);
}

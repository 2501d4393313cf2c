import argon2 from "argon2";
import { ValidationError } from "../../errors.js";

export const minimumPasswordLength = 12;

// OWASP's argon2id baseline (19 MiB, 2 passes): about 30 ms here, cheap enough for sign-in,
// dear enough for an attacker holding the hashes.
const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function assertAcceptablePassword(password: string, field = "password"): void {
  if (password.length < minimumPasswordLength) {
    throw ValidationError.field(field, `must be at least ${minimumPasswordLength} characters`);
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

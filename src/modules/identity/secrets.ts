import { createHash, randomBytes } from "node:crypto";

/** A high-entropy secret (256 bits): a fast hash is enough to store it; argon2 is for passwords. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

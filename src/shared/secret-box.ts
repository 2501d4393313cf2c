import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * Encrypts the few secrets Tend must read back rather than compare (a TOTP seed computes codes, so
 * it cannot be hashed): AES-256-GCM under a key derived from TEND_SECRET_KEY, so a copy of the
 * database or a backup alone does not yield them. `binding` (the row's owner) is authenticated data:
 * a sealed value moved to another row does not open.
 */
export interface SecretBox {
  seal(plain: string, binding: string): string;
  open(sealed: string, binding: string): string;
}

/** Sealed values read `v1.<iv>.<tag>.<ciphertext>`; the version leaves room to change the scheme. */
const sealedPrefix = "v1.";

export function isSealed(stored: string): boolean {
  return stored.startsWith(sealedPrefix);
}

export function secretBoxFor(secretKey: string): SecretBox {
  const key = Buffer.from(hkdfSync("sha256", secretKey, "tend", "tend secret box v1", 32));
  return {
    seal(plain, binding) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(binding));
      const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString("base64url"));
      return `${sealedPrefix}${parts.join(".")}`;
    },
    open(sealed, binding) {
      const [iv, tag, ciphertext] = sealed
        .slice(sealedPrefix.length)
        .split(".")
        .map((part) => Buffer.from(part, "base64url"));
      if (!iv || !tag || !ciphertext || !isSealed(sealed)) throw new Error("not a sealed secret");
      const decipher = createDecipheriv("aes-256-gcm", key, iv).setAAD(Buffer.from(binding)).setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
    },
  };
}

import { describe, expect, it } from "vitest";
import {
  decodeBase32,
  encodeBase32,
  hotp,
  matchTotp,
  newTotpSecret,
  otpauthUri,
  totpCodeAt,
  totpStepAt,
} from "./totp.js";

// RFC 6238 Appendix B: the SHA-1 key is the ASCII string "12345678901234567890".
const rfcSecret = encodeBase32(Buffer.from("12345678901234567890", "ascii"));
const rfcVectors: [unixSeconds: number, code: string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(rfcVectors)("computes the RFC's 8-digit SHA-1 code at %i s", (seconds, code) => {
    expect(totpCodeAt(rfcSecret, new Date(seconds * 1000), 8)).toBe(code);
  });

  it.each(rfcVectors)(
    "gives the 6-digit code apps show at %i s: the same value, truncated",
    (seconds, code) => {
      expect(totpCodeAt(rfcSecret, new Date(seconds * 1000))).toBe(code.slice(2));
    },
  );

  it("matches RFC 4226's HOTP test values", () => {
    const key = Buffer.from("12345678901234567890", "ascii");
    expect([0, 1, 2, 9].map((counter) => hotp(key, counter))).toEqual([
      "755224",
      "287082",
      "359152",
      "520489",
    ]);
  });

  it("round-trips base32 and reads what people paste", () => {
    const bytes = Buffer.from("12345678901234567890", "ascii");
    expect(rfcSecret).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(decodeBase32(rfcSecret)).toEqual(bytes);
    expect(decodeBase32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")).toEqual(bytes);
    expect(decodeBase32(encodeBase32(Buffer.from([1, 2, 3])))).toEqual(Buffer.from([1, 2, 3]));
    expect(() => decodeBase32("GEZ1")).toThrow(/base32/);
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
  });

  const now = new Date(1234567890 * 1000);
  const step = totpStepAt(now);
  const codeAt = (offsetSteps: number) =>
    totpCodeAt(rfcSecret, new Date(now.getTime() + offsetSteps * 30_000));

  it("accepts the current code and one step of drift either way, naming the step", () => {
    expect(matchTotp(rfcSecret, codeAt(0), now, null)).toBe(step);
    expect(matchTotp(rfcSecret, codeAt(-1), now, null)).toBe(step - 1);
    expect(matchTotp(rfcSecret, codeAt(1), now, null)).toBe(step + 1);
  });

  it("refuses codes two steps away, malformed codes and wrong codes", () => {
    expect(matchTotp(rfcSecret, codeAt(-2), now, null)).toBeNull();
    expect(matchTotp(rfcSecret, codeAt(2), now, null)).toBeNull();
    expect(matchTotp(rfcSecret, "12345", now, null)).toBeNull();
    expect(matchTotp(rfcSecret, "abcdef", now, null)).toBeNull();
    const wrong = String((Number(codeAt(0)) + 1) % 1_000_000).padStart(6, "0");
    expect([codeAt(-1), codeAt(1)]).not.toContain(wrong);
    expect(matchTotp(rfcSecret, wrong, now, null)).toBeNull();
  });

  it("never accepts a step at or before the last one accepted: no replay", () => {
    expect(matchTotp(rfcSecret, codeAt(0), now, step)).toBeNull();
    expect(matchTotp(rfcSecret, codeAt(-1), now, step)).toBeNull();
    expect(matchTotp(rfcSecret, codeAt(1), now, step)).toBe(step + 1);
  });

  it("writes the otpauth URI authenticator apps read", () => {
    const uri = new URL(otpauthUri(rfcSecret, "Tend", "ana@support.example"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Tend:ana@support.example");
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: rfcSecret,
      issuer: "Tend",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });
});

import { describe, expect, it } from "vitest";
import { isTotpCode, newRecoveryCodes, normalizeRecoveryCode, twoFactorRequiredFor } from "./two-factor.js";

describe("two-factor rules", () => {
  it("requires a second factor of the roles the setting names, never of customers", () => {
    expect(twoFactorRequiredFor("none", "admin")).toBe(false);
    expect(twoFactorRequiredFor("admins", "admin")).toBe(true);
    expect(twoFactorRequiredFor("admins", "agent")).toBe(false);
    expect(twoFactorRequiredFor("staff", "agent")).toBe(true);
    expect(twoFactorRequiredFor("staff", "customer")).toBe(false);
  });

  it("issues ten distinct 80-bit recovery codes, read however they are typed", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const first = codes[0] ?? "";
    expect(normalizeRecoveryCode(` ${first.toUpperCase().replace(/-/g, " ")} `)).toBe(
      first.replace(/-/g, ""),
    );
    expect(isTotpCode("123 456")).toBe(true);
    expect(isTotpCode(first)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { assertAcceptablePassword, isCommonPassword } from "./passwords.js";

describe("acceptable passwords", () => {
  it("refuses a password shorter than 12 characters, naming the field", () => {
    expect(() => assertAcceptablePassword("short pass1")).toThrow(ValidationError);
    try {
      assertAcceptablePassword("short pass1");
    } catch (error) {
      expect((error as ValidationError).problems).toEqual([
        { field: "password", message: "must be at least 12 characters" },
      ]);
    }
  });

  it("refuses the most common passwords and their padded or repeated forms", () => {
    for (const password of [
      "password1234",
      "Password1234!",
      "!!monkey2024!!",
      "123456789012",
      "qwertyqwerty",
      "aaaaaaaaaaaa",
      "abcabcabcabc",
      "ILOVEYOU12345",
      "1qaz2wsx3edc4rfv".slice(0, 8).repeat(2),
    ]) {
      expect(isCommonPassword(password), password).toBe(true);
    }
    try {
      assertAcceptablePassword("sunshine2026!");
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).problems[0]).toMatchObject({
        field: "password",
        message: expect.stringContaining("most common passwords"),
      });
    }
  });

  it("accepts a long passphrase, even one containing a common word", () => {
    for (const password of [
      "correct horse battery",
      "password manager sync 42",
      "314159265358",
      "Tend keeps its promises",
    ]) {
      expect(isCommonPassword(password), password).toBe(false);
      expect(() => assertAcceptablePassword(password)).not.toThrow();
    }
  });
});

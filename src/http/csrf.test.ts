import { describe, expect, it } from "vitest";
import { csrfTokenMatches, isUnsafeMethod, originAllowed } from "./csrf.js";

describe("cross-site request rules", () => {
  const tend = { publicUrl: "https://help.example.com", host: "tend.internal:8080" };

  it("takes Tend's public origin and the request's own host, nothing else", () => {
    expect(originAllowed("https://help.example.com", tend)).toBe(true);
    expect(originAllowed("http://tend.internal:8080", tend)).toBe(true);
    expect(originAllowed("http://help.example.com", tend)).toBe(false);
    expect(originAllowed("https://help.example.com.evil.example", tend)).toBe(false);
    expect(originAllowed("https://evil.example", tend)).toBe(false);
    expect(originAllowed("http://tend.internal:8081", tend)).toBe(false);
    expect(originAllowed("null", tend)).toBe(false);
    expect(originAllowed("", tend)).toBe(false);
  });

  it("asks a token of writes only", () => {
    expect(["POST", "PUT", "PATCH", "DELETE", "post"].every(isUnsafeMethod)).toBe(true);
    expect(["GET", "HEAD", "OPTIONS"].some(isUnsafeMethod)).toBe(false);
  });

  it("matches a token only exactly", () => {
    expect(csrfTokenMatches("abc123", "abc123")).toBe(true);
    expect(csrfTokenMatches("abc123", "abc124")).toBe(false);
    expect(csrfTokenMatches("abc123", "abc12")).toBe(false);
    expect(csrfTokenMatches("abc123", undefined)).toBe(false);
    expect(csrfTokenMatches("abc123", ["abc123", "abc123"])).toBe(false);
  });
});

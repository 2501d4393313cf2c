import { describe, expect, it } from "vitest";
import { isSealed, secretBoxFor } from "./secret-box.js";

const box = secretBoxFor("a test key that is long enough to use, 32+");

describe("the secret box", () => {
  it("seals a secret so the stored text does not contain it, and opens it again", () => {
    const sealed = box.seal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "person-1");
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain("GEZDGNBV");
    expect(box.open(sealed, "person-1")).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(box.seal("same", "person-1")).not.toBe(box.seal("same", "person-1"));
  });

  it("refuses a sealed value moved to another row, tampered with, or under another key", () => {
    const sealed = box.seal("secret", "person-1");
    expect(() => box.open(sealed, "person-2")).toThrow();
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}A`;
    expect(() => box.open(tampered, "person-1")).toThrow();
    expect(() =>
      secretBoxFor("another key that is also long enough, 32+").open(sealed, "person-1"),
    ).toThrow();
    expect(() => box.open("GEZDGNBV", "person-1")).toThrow(/not a sealed secret/);
  });
});

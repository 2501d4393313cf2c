import { describe, expect, it } from "vitest";
import { hasReplayed, isWalPosition, laterOf } from "./wal-position.js";

describe("write-ahead log positions", () => {
  it("compares the high word before the low one, as numbers not text", () => {
    expect(hasReplayed("0/3000060", "0/3000060")).toBe(true);
    expect(hasReplayed("0/3000061", "0/3000060")).toBe(true);
    expect(hasReplayed("0/3000060", "0/3000061")).toBe(false);
    expect(hasReplayed("1/0", "0/FFFFFFFF")).toBe(true);
    // As text "0/A0" < "0/9F"; as positions it is later.
    expect(hasReplayed("0/A0", "0/9F")).toBe(true);
    expect(hasReplayed("16/B374D848", "16/b374d849")).toBe(false);
  });

  it("takes the later of two, either absent", () => {
    expect(laterOf("0/10", "0/20")).toBe("0/20");
    expect(laterOf("1/0", "0/20")).toBe("1/0");
    expect(laterOf(undefined, "0/20")).toBe("0/20");
    expect(laterOf("0/10", undefined)).toBe("0/10");
    expect(laterOf(undefined, undefined)).toBeUndefined();
  });

  it("accepts only what PostgreSQL writes", () => {
    expect(isWalPosition("16/B374D848")).toBe(true);
    expect(isWalPosition("0/0")).toBe(true);
    for (const bad of ["", "16", "16/", "/1", "G/1", "123456789/1", "1/2/3", "0/1; DROP"])
      expect(isWalPosition(bad)).toBe(false);
  });
});

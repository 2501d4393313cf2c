import { describe, expect, it } from "vitest";
import { formatRemaining, slaTone } from "./sla-badge.js";

describe("the SLA badge", () => {
  const dueAt = "2026-12-03T12:00:00.000Z";
  const warnAt = "2026-12-03T11:00:00.000Z";
  const at = (iso: string) => Date.parse(iso);

  it("is calm before the warning, amber from it, red from the due time", () => {
    expect(slaTone(at("2026-12-03T10:59:59.999Z"), dueAt, warnAt)).toBe("ok");
    expect(slaTone(at("2026-12-03T11:00:00.000Z"), dueAt, warnAt)).toBe("warning");
    expect(slaTone(at("2026-12-03T11:59:59.999Z"), dueAt, warnAt)).toBe("warning");
    expect(slaTone(at("2026-12-03T12:00:00.000Z"), dueAt, warnAt)).toBe("breached");
    expect(slaTone(at("2026-12-03T11:30:00.000Z"), dueAt, null)).toBe("ok");
  });

  it("counts down in the largest two units", () => {
    expect(formatRemaining(9_000)).toBe("0m 09s");
    expect(formatRemaining(14 * 60_000 + 9_000)).toBe("14m 09s");
    expect(formatRemaining(2 * 3_600_000 + 5 * 60_000 + 59_000)).toBe("2h 05m");
    expect(formatRemaining(3 * 86_400_000 + 7 * 3_600_000)).toBe("3d 7h");
    expect(formatRemaining(-(61 * 60_000))).toBe("1h 01m");
  });
});

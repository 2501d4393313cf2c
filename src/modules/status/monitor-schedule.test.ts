import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DueQueue, nextDueAt, phaseOf } from "./monitor-schedule.js";

describe("monitor schedule", () => {
  it("keeps each monitor on its own phase, strictly after the instant asked about (property)", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 1_000, max: 3_600_000 }),
        fc.integer({ min: 0, max: 2e12 }),
        (id, interval, after) => {
          const due = nextDueAt(id, interval, after);
          expect(due).toBeGreaterThan(after);
          expect(due - after).toBeLessThanOrEqual(interval);
          expect((due - phaseOf(id, interval)) % interval).toBe(0);
        },
      ),
    );
  });

  it("spreads a thousand monitors at 30 s evenly over the interval", () => {
    const perSecond = new Array<number>(30).fill(0);
    for (let n = 0; n < 1_000; n += 1) {
      const phase = phaseOf(`0192f0c1-0000-7000-8000-${String(n).padStart(12, "0")}`, 30_000);
      perSecond[Math.floor(phase / 1_000)] = (perSecond[Math.floor(phase / 1_000)] ?? 0) + 1;
    }
    // 33 a second on average; no second carries more than double that.
    expect(Math.max(...perSecond)).toBeLessThan(67);
    expect(Math.min(...perSecond)).toBeGreaterThan(10);
  });
});

describe("the due queue", () => {
  it("pops in due order whatever the push order (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 200 }), (dues) => {
        const queue = new DueQueue<{ dueAt: number }>();
        for (const dueAt of dues) queue.push({ dueAt });
        const popped: number[] = [];
        for (let item = queue.pop(); item; item = queue.pop()) popped.push(item.dueAt);
        expect(popped).toEqual([...dues].sort((a, b) => a - b));
        expect(queue.size).toBe(0);
      }),
    );
  });
});

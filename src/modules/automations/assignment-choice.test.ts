import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leastLoaded, nextRoundRobin, onDutyAgents } from "./assignment-choice.js";

describe("round-robin", () => {
  it("takes turns in a stable order and wraps around", () => {
    expect(nextRoundRobin(["c", "a", "b"], null)).toBe("a");
    expect(nextRoundRobin(["c", "a", "b"], "a")).toBe("b");
    expect(nextRoundRobin(["c", "a", "b"], "c")).toBe("a");
    expect(nextRoundRobin([], "a")).toBeNull();
  });

  it("keeps the place of someone off duty: the next in line after them comes next", () => {
    expect(nextRoundRobin(["a", "c"], "b")).toBe("c");
  });

  it("gives everyone the same number of tickets, give or take one, however many are handed out", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 8 }),
        fc.nat(50),
        (agents, n) => {
          const counts = new Map<string, number>();
          let last: string | null = null;
          for (let i = 0; i < n; i += 1) {
            last = nextRoundRobin(agents, last);
            if (last !== null) counts.set(last, (counts.get(last) ?? 0) + 1);
          }
          const tallies = agents.map((agent) => counts.get(agent) ?? 0);
          expect(Math.max(...tallies) - Math.min(...tallies)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe("load-aware assignment", () => {
  it("picks whoever has the fewest open tickets, and takes turns between equals", () => {
    const loads = new Map([
      ["a", 3],
      ["b", 1],
      ["c", 1],
    ]);
    expect(leastLoaded(["a", "b", "c"], loads, null)).toBe("b");
    expect(leastLoaded(["a", "b", "c"], loads, "b")).toBe("c");
    expect(leastLoaded(["a", "b", "c", "d"], loads, null)).toBe("d");
  });
});

describe("who is on duty", () => {
  const rosters = [
    { participants: new Set(["ana", "bo"]), onCallNow: "bo" },
    { participants: new Set(["cy"]), onCallNow: "dee" },
  ];

  it("counts scheduled agents only while on call, others while the desk is open", () => {
    expect(onDutyAgents(["ana", "bo", "cy", "dee", "eve"], rosters, true)).toEqual(["bo", "dee", "eve"]);
    expect(onDutyAgents(["ana", "bo", "cy", "dee", "eve"], rosters, false)).toEqual(["bo", "dee"]);
  });
});

import { describe, expect, it } from "vitest";
import { countsPer, sumCells } from "./grouped-counts.js";

describe("grouped counts", () => {
  const cells = [
    { by: { agent: "a1", group: "g1" }, counts: { solved: 3, replies: 5 } },
    { by: { agent: "a1", group: "g2" }, counts: { solved: 1, replies: 0 } },
    { by: { agent: null, group: "g1" }, counts: { solved: 2, replies: 1 } },
    { by: { agent: "a2", group: null }, counts: { solved: 4, replies: 2 } },
  ];

  it("sums over the columns left out, keeping null as a value of its own", () => {
    expect(sumCells(cells, [])).toEqual([{ by: {}, counts: { solved: 10, replies: 8 } }]);
    expect(countsPer(cells, "agent")).toEqual(
      new Map([
        ["a1", { solved: 4, replies: 5 }],
        [null, { solved: 2, replies: 1 }],
        ["a2", { solved: 4, replies: 2 }],
      ]),
    );
    expect(countsPer(cells, "group").get("g1")).toEqual({ solved: 5, replies: 6 });
    expect(sumCells(cells, ["agent", "group"])).toEqual(cells);
  });

  it("leaves the cells it was given unchanged, and has nothing to sum in nothing", () => {
    sumCells(cells, []);
    expect(cells[0]?.counts).toEqual({ solved: 3, replies: 5 });
    expect(sumCells([], [])).toEqual([]);
  });
});

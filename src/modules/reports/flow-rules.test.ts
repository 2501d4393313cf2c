import { describe, expect, it } from "vitest";
import { localDateBounds } from "./flow-rules.js";

describe("flow rules", () => {
  it("bounds a local day by its own midnights, however long the day and wherever the zone", () => {
    expect(localDateBounds("UTC", "2026-12-01")).toEqual({
      from: "2026-12-01T00:00:00.000Z",
      to: "2026-12-02T00:00:00.000Z",
    });
    // Spring forward: a 23-hour day.
    expect(localDateBounds("Europe/Paris", "2026-03-29")).toEqual({
      from: "2026-03-28T23:00:00.000Z",
      to: "2026-03-29T22:00:00.000Z",
    });
    // Cuba springs forward at midnight: the day starts at 01:00, at the end of the gap.
    expect(localDateBounds("America/Havana", "2026-03-08")).toEqual({
      from: "2026-03-08T05:00:00.000Z",
      to: "2026-03-09T04:00:00.000Z",
    });
    // East of +12 the local day starts on the UTC day before (Chatham at +13:45 in its summer).
    expect(localDateBounds("Pacific/Chatham", "2026-12-01")).toEqual({
      from: "2026-11-30T10:15:00.000Z",
      to: "2026-12-01T10:15:00.000Z",
    });
    expect(localDateBounds("Pacific/Apia", "2026-12-01")).toEqual({
      from: "2026-11-30T11:00:00.000Z",
      to: "2026-12-01T11:00:00.000Z",
    });
  });
});

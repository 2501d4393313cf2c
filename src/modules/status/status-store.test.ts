import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { DAY, MINUTE, SECOND } from "../../shared/clock.js";
import {
  type CheckResult,
  observedTime,
  rollingWindow,
  rollUpByDay,
  rollUpByMinute,
  spansFromResults,
} from "./availability.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { readComponentAvailability } from "./read-availability.js";
import { applyStatusRetention, recordCheckResult } from "./record-check-result.js";
import { listCheckResults, listRollups } from "./status-repository.js";

const desk = useTestDesk();

/** A small deterministic generator, so a failure replays. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

async function pushMonitor(intervalSeconds: number) {
  const component = await createStatusComponent({
    ctx: desk.system,
    input: { groupName: "Platform", name: `API ${desk.unique()}` },
  });
  const monitor = await createStatusMonitor({
    ctx: desk.system,
    input: { componentId: component.id, name: "Probe in Frankfurt", kind: "push", intervalSeconds },
  });
  return { component, monitor };
}

describe("recording check results", () => {
  it("keeps minute and day rollups equal to availability.ts's exact figure for the same results", async () => {
    const { component, monitor } = await pushMonitor(60);
    const staleMs = 2 * 60 * SECOND;
    const random = seeded(8);
    // Irregular results across a UTC midnight: some close together, some with gaps past staleness.
    const start = Date.parse("2026-11-30T23:20:07.123Z");
    const results: CheckResult[] = [];
    let at = start;
    for (let i = 0; i < 120; i += 1) {
      results.push({ at, up: random() > 0.3 });
      at += Math.floor(random() < 0.1 ? 200_000 + random() * 400_000 : 1 + random() * 90_000);
    }
    for (const result of results)
      await recordCheckResult(desk.system, { monitorId: monitor.id, at: result.at, up: result.up });

    const last = results.at(-1)?.at as number;
    // Stored rollups hold every closed span: all but the last result's, which is still open.
    const closed = { start, end: last };
    const spans = spansFromResults(results, staleMs);
    const exact = observedTime(spans, [], closed);
    const expectedMinutes = rollUpByMinute(spans, [], closed);
    const storedMinutes = await listRollups(desk.database.db, "status_minute_rollups", monitor.id, {
      start: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    expect(storedMinutes).toEqual(expectedMinutes);
    const storedDays = await listRollups(desk.database.db, "status_day_rollups", monitor.id, {
      start: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    expect(storedDays).toEqual(rollUpByDay(expectedMinutes, "UTC"));
    expect(storedDays.length).toBe(2);
    expect(storedDays.reduce((sum, day) => sum + day.observedMs, 0)).toBe(exact.observedMs);
    expect(storedDays.reduce((sum, day) => sum + day.goodMs, 0)).toBe(exact.goodMs);
    expect(exact.goodMs).toBeLessThan(exact.observedMs);

    // A read adds the open span of the latest result up to now.
    const now = last + 45 * SECOND;
    desk.clock.set(new Date(now));
    const availability = await readComponentAvailability(desk.system, component.id);
    for (const [name, length] of [
      ["1h", 60 * MINUTE],
      ["24h", DAY],
      ["7d", 7 * DAY],
    ] as const) {
      const window = rollingWindow(now, length);
      const expected = observedTime(spans, [], { start: window.start, end: now });
      expect(availability.rolling[name].observedMs, name).toBe(expected.observedMs);
      expect(availability.rolling[name].goodMs, name).toBe(expected.goodMs);
      expect(availability.rolling[name].availability).toBeCloseTo(expected.goodMs / expected.observedMs, 12);
    }
    const month = observedTime(spans, [], { start: Date.parse("2026-12-01T00:00:00Z"), end: now });
    expect(availability.month.observedMs).toBe(month.observedMs);
    expect(availability.month.errorBudget.target).toBe(0.995);
    expect(availability.month.errorBudget.usedMs).toBe(month.observedMs - month.goodMs);
  });

  it("adds a late result to the raw log but not twice to the rollups", async () => {
    const { monitor } = await pushMonitor(60);
    const t0 = Date.parse("2026-12-02T10:00:00Z");
    await recordCheckResult(desk.system, { monitorId: monitor.id, at: t0, up: true });
    await recordCheckResult(desk.system, { monitorId: monitor.id, at: t0 + 60_000, up: false });
    await recordCheckResult(desk.system, { monitorId: monitor.id, at: t0 + 30_000, up: false });
    const minutes = await listRollups(desk.database.db, "status_minute_rollups", monitor.id, {
      start: 0,
      end: Number.MAX_SAFE_INTEGER,
    });
    expect(minutes).toEqual([{ at: t0, observedMs: 60_000, goodMs: 60_000 }]);
    expect(await listCheckResults(desk.database.db, monitor.id, 10)).toHaveLength(3);
  });

  it("counts no span twice when results for one monitor arrive at once (PostgreSQL's pool)", async () => {
    const { monitor } = await pushMonitor(60);
    const t0 = Date.parse("2026-12-02T12:00:00Z");
    await recordCheckResult(desk.system, { monitorId: monitor.id, at: t0, up: true });
    const ats = Array.from({ length: 12 }, (_, i) => t0 + (i + 1) * 10_000);
    await Promise.all(
      ats.map((at) => recordCheckResult(desk.system, { monitorId: monitor.id, at, up: true })),
    );
    const all = { start: 0, end: Number.MAX_SAFE_INTEGER };
    const minutes = await listRollups(desk.database.db, "status_minute_rollups", monitor.id, all);
    const days = await listRollups(desk.database.db, "status_day_rollups", monitor.id, all);
    const observed = minutes.reduce((sum, minute) => sum + minute.observedMs, 0);
    // Results applied in whatever order the locks fell: the closed spans tile [t0, latest] at most once.
    const stored = await desk.database.db
      .selectFrom("status_monitors")
      .select("last_result_at")
      .where("id", "=", monitor.id)
      .executeTakeFirstOrThrow();
    expect(Number(stored.last_result_at)).toBe(ats.at(-1));
    expect(observed).toBeLessThanOrEqual((ats.at(-1) as number) - t0);
    expect(observed).toBeGreaterThan(0);
    expect(days.reduce((sum, day) => sum + day.observedMs, 0)).toBe(observed);
  });

  it("deletes raw results after 7 days and rollups after 400", async () => {
    const { monitor } = await pushMonitor(60);
    const t0 = Date.parse("2026-12-03T10:00:00Z");
    await recordCheckResult(desk.system, { monitorId: monitor.id, at: t0, up: true });
    await recordCheckResult(desk.system, { monitorId: monitor.id, at: t0 + 60_000, up: true });
    const all = { start: 0, end: Number.MAX_SAFE_INTEGER };
    desk.clock.set(new Date(t0 + 8 * DAY));
    await applyStatusRetention(desk.system);
    expect(await listCheckResults(desk.database.db, monitor.id, 10)).toHaveLength(0);
    expect(await listRollups(desk.database.db, "status_minute_rollups", monitor.id, all)).toHaveLength(1);
    desk.clock.set(new Date(t0 + 401 * DAY));
    await applyStatusRetention(desk.system);
    expect(await listRollups(desk.database.db, "status_minute_rollups", monitor.id, all)).toHaveLength(0);
    expect(await listRollups(desk.database.db, "status_day_rollups", monitor.id, all)).toHaveLength(0);
  });
});

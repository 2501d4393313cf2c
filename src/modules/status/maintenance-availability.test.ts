import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { MINUTE } from "../../shared/clock.js";
import { cancelMaintenance, scheduleMaintenance } from "./manage-maintenance.js";
import { createStatusComponent, createStatusMonitor } from "./manage-status.js";
import { readComponentAvailability } from "./read-availability.js";
import { recordCheckResult } from "./record-check-result.js";

/**
 * Maintenance out of availability, read from the stored rollups: the figures below are worked out by
 * hand from the results pushed, so a window that is not taken out, or taken out twice, shows.
 */
const desk = useTestDesk();
const at = (iso: string) => Date.parse(iso);

async function component(name: string) {
  return createStatusComponent({ ctx: desk.system, input: { groupName: "Platform", name } });
}

describe("availability with maintenance", () => {
  it("takes the component's windows out of every window and of the month's error budget, exactly", async () => {
    const api = await component("Ticket API");
    const other = await component("Mail");
    // A push every 5 minutes: each result holds until the next.
    const monitor = await createStatusMonitor({
      ctx: desk.system,
      input: { componentId: api.id, name: "Probe", kind: "push", intervalSeconds: 300 },
    });

    // Scheduled on Monday 30 November, within the policy (Tuesday to Thursday, 24 h ahead, 2 h at most).
    desk.clock.set("2026-11-30T09:00:00.000Z");
    const schedule = (componentId: string, startsAt: string, endsAt: string) =>
      scheduleMaintenance({
        ctx: desk.system,
        input: { title: "Database upgrade", startsAt, endsAt, componentIds: [componentId] },
      });
    await schedule(api.id, "2026-12-02T10:00:00.000Z", "2026-12-02T11:00:00.000Z");
    await schedule(api.id, "2026-12-03T11:00:00.000Z", "2026-12-03T11:30:00.000Z");
    // Neither a cancelled window nor another component's takes anything out of this one.
    const cancelled = await schedule(api.id, "2026-12-02T15:00:00.000Z", "2026-12-02T15:30:00.000Z");
    await cancelMaintenance({ ctx: desk.system, id: cancelled.id });
    await schedule(other.id, "2026-12-02T15:00:00.000Z", "2026-12-02T16:00:00.000Z");

    // Down 30 min inside the first window, 10 min outside any, 20 min inside the second.
    const downs = [
      ["2026-12-02T10:00:00Z", "2026-12-02T10:30:00Z"],
      ["2026-12-02T15:00:00Z", "2026-12-02T15:10:00Z"],
      ["2026-12-03T11:00:00Z", "2026-12-03T11:20:00Z"],
    ].map(([from, to]) => ({ from: at(from as string), to: at(to as string) }));
    for (let t = at("2026-12-01T00:00:00Z"); t <= at("2026-12-03T12:00:00Z"); t += 5 * MINUTE) {
      const up = !downs.some((down) => t >= down.from && t < down.to);
      await recordCheckResult(desk.system, { monitorId: monitor.id, at: t, up });
    }

    desk.clock.set("2026-12-03T12:00:30.000Z");
    const availability = await readComponentAvailability(desk.system, api.id);

    // 1 December 00:00 to now (the last result's span is open for 30 s): 2 d 12 h 30 s, less 1 h 30 min
    // of maintenance; the 10 minutes down outside maintenance are all that is lost.
    expect(availability.rolling["7d"]).toMatchObject({ observedMs: 210_630_000, goodMs: 210_030_000 });
    expect(availability.month).toMatchObject({ observedMs: 210_630_000, goodMs: 210_030_000 });
    // 2 December 12:01 to now: 23 h 59 min 30 s less the second window's 30 minutes (a minute-rollup edge).
    expect(availability.rolling["24h"]).toMatchObject({ observedMs: 84_570_000, goodMs: 83_970_000 });
    // The last hour, 11:01 to now, less the second window's last 29 minutes (11:01–11:30).
    expect(availability.rolling["1h"]).toMatchObject({ observedMs: 1_830_000, goodMs: 1_830_000 });

    // December is 31 days; its error budget leaves out the 1 h 30 min of maintenance.
    expect(availability.month.errorBudget).toMatchObject({
      periodMs: 31 * 24 * 3_600_000 - 5_400_000,
      allowedDowntimeMs: (31 * 24 * 3_600_000 - 5_400_000) * (1 - 0.995),
      usedMs: 600_000,
    });
    expect(availability.month.errorBudget.leftMs).toBeCloseTo(13_365_000 - 600_000, 3);
  });
});

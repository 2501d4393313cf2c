import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ForbiddenError } from "../../errors.js";
import { installDefaultPolicies } from "./default-policies.js";
import { createCalendar, listCalendars } from "./manage-calendars.js";
import { listPolicies, updatePolicy } from "./manage-policies.js";

const desk = useTestDesk();
/** A second, separate desk: one where an admin made a calendar before the defaults ever ran. */
const customizedDesk = useTestDesk();
const HOUR = 3_600_000;
const BUSINESS_DAY = 8 * HOUR;

describe("default SLA policies", () => {
  it("refuses anyone but an admin or the system", async () => {
    const agent = desk.as((await desk.makeAgent()).actor);
    await expect(installDefaultPolicies(agent)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("installs the three calendars and three policies once, with exactly the promised targets", async () => {
    expect(await installDefaultPolicies(desk.system)).toEqual({ installed: true, calendars: 3, policies: 3 });

    const calendars = await listCalendars({ ctx: desk.system });
    const calendar = (name: string) => calendars.find((c) => c.name === name)!;
    expect(calendars.map((c) => c.name).sort()).toEqual([
      "Extended hours — UTC",
      "Support hours — Los Angeles",
      "Support hours — New York",
    ]);
    const weekdays = (window: [string, string]) => ({
      mon: [window],
      tue: [window],
      wed: [window],
      thu: [window],
      fri: [window],
    });
    expect(calendar("Support hours — Los Angeles").definition).toEqual({
      timeZone: "America/Los_Angeles",
      weekly: weekdays(["09:00", "17:00"]),
      holidays: ["preset:US"],
    });
    expect(calendar("Support hours — New York").definition).toEqual({
      timeZone: "America/New_York",
      weekly: weekdays(["09:00", "17:00"]),
    });
    expect(calendar("Extended hours — UTC").definition).toEqual({
      timeZone: "UTC",
      weekly: weekdays(["09:00", "24:00"]),
    });
    const losAngeles = calendar("Support hours — Los Angeles").id;
    const newYork = calendar("Support hours — New York").id;
    const extendedUtc = calendar("Extended hours — UTC").id;

    const policies = await listPolicies({ ctx: desk.system });
    const shape = policies.map(({ name, position, active, conditions, targets }) => ({
      name,
      position,
      active,
      conditions,
      targets,
    }));
    const promise = (metric: string, durationMs: number, calendarId: string | null, conditions: object) => ({
      metric,
      durationMs,
      calendarId,
      pauseWhilePending: true,
      warnAtShare: 0.75,
      conditions,
    });
    expect(shape).toEqual([
      {
        name: "Contract SLA",
        position: 1,
        active: true,
        conditions: { plans: ["self_hosted", "managed", "cloud"] },
        targets: [
          promise("first_response", 24 * HOUR, null, { severities: ["sev1"] }),
          promise("resolution", 72 * HOUR, null, { severities: ["sev1"] }),
          promise("first_response", 5 * BUSINESS_DAY, losAngeles, { severities: ["sev2"] }),
        ],
      },
      {
        name: "Internal first-response target",
        position: 2,
        active: true,
        conditions: {},
        targets: [
          {
            metric: "first_response",
            durationMs: HOUR,
            calendarId: extendedUtc,
            pauseWhilePending: true,
            warnAtShare: 0.75,
          },
        ],
      },
      {
        name: "Communication priority",
        position: 3,
        active: true,
        conditions: {},
        targets: [
          promise("first_response", 3 * HOUR, newYork, { categories: ["availability"] }),
          promise("first_response", 2 * BUSINESS_DAY, newYork, { categories: ["provisioning"] }),
          promise("first_response", 5 * BUSINESS_DAY, newYork, { categories: ["other"] }),
        ],
      },
    ]);
    expect(policies[1]!.description).toContain("pre-sales");
  });

  it("does nothing on a second start, keeping an admin's edits", async () => {
    const internal = (await listPolicies({ ctx: desk.system })).find(
      (p) => p.name === "Internal first-response target",
    )!;
    await updatePolicy({ ctx: desk.system, id: internal.id, input: { active: false } });

    expect(await installDefaultPolicies(desk.system)).toEqual({
      installed: false,
      calendars: 0,
      policies: 0,
    });
    expect(await listPolicies({ ctx: desk.system })).toHaveLength(3);
    expect(await listCalendars({ ctx: desk.system })).toHaveLength(3);
    expect((await listPolicies({ ctx: desk.system })).find((p) => p.id === internal.id)!.active).toBe(false);
  });

  it("does nothing on a desk that already has a calendar of its own", async () => {
    await createCalendar({
      ctx: customizedDesk.system,
      input: {
        name: "Our hours",
        definition: { timeZone: "Europe/Dublin", weekly: { mon: [["08:00", "16:00"]] } },
      },
    });
    expect(await installDefaultPolicies(customizedDesk.system)).toMatchObject({ installed: false });
    expect(await listPolicies({ ctx: customizedDesk.system })).toEqual([]);
    expect((await listCalendars({ ctx: customizedDesk.system })).map((c) => c.name)).toEqual(["Our hours"]);
  });
});

import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ForbiddenError, ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { installDefaultPolicies } from "./default-policies.js";
import { listCalendars } from "./manage-calendars.js";
import { createPolicy, listPolicies } from "./manage-policies.js";
import { exportSlaConfiguration, importSlaConfiguration } from "./sla-configuration-file.js";

const source = useTestDesk();
const target = useTestDesk();

/** Policies as an admin reads them, calendars by name instead of id, so two desks compare. */
async function readable(ctx: Context) {
  const calendarName = new Map((await listCalendars({ ctx })).map((c) => [c.id, c.name]));
  return (await listPolicies({ ctx })).map(
    ({ name, position, description, active, conditions, targets }) => ({
      name,
      position,
      description,
      active,
      conditions,
      targets: targets.map(({ calendarId, ...rest }) => ({
        ...rest,
        calendar: calendarId && calendarName.get(calendarId),
      })),
    }),
  );
}

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("SLA configuration files", () => {
  it("carries calendars and policies to another desk, in order, and re-imports idempotently", async () => {
    await installDefaultPolicies(source.system);
    await createPolicy({
      ctx: source.system,
      input: {
        name: "VIP tag",
        position: 1,
        active: false,
        conditions: { tags: ["vip"] },
        targets: [{ metric: "periodic_update", durationMs: 4 * 3_600_000 }],
      },
    });
    const file = await exportSlaConfiguration(source.system);
    expect(file).toMatchObject({ format: "tend-sla-configuration", version: 1 });
    expect(file.policies.map((p) => p.name)).toEqual([
      "VIP tag",
      "Contract SLA",
      "Internal first-response target",
      "Communication priority",
    ]);
    expect(file.policies[1]!.targets[2]).toMatchObject({ calendar: "Support hours — Los Angeles" });

    // The target desk already has a policy of its own: it stays, after the file's.
    await createPolicy({
      ctx: target.system,
      input: { name: "Local", targets: [{ metric: "first_response", durationMs: 3_600_000 }] },
    });
    const json = JSON.stringify(file, null, 2);
    expect(await importSlaConfiguration(target.system, json)).toEqual({
      calendars: { created: 3, updated: 0, unchanged: 0 },
      policies: { created: 4, updated: 0 },
    });
    const imported = await readable(target.system);
    expect(imported.slice(0, 4)).toEqual(await readable(source.system));
    expect(imported.map((p) => [p.name, p.position]).at(-1)).toEqual(["Local", 5]);

    expect(await importSlaConfiguration(target.system, json)).toEqual({
      calendars: { created: 0, updated: 0, unchanged: 3 },
      policies: { created: 0, updated: 4 },
    });
    expect(await readable(target.system)).toEqual(imported);
  });

  it("reports every problem with its place in the file and changes nothing", async () => {
    const before = await readable(target.system);
    const file = {
      format: "tend-sla-configuration",
      version: 1,
      calendars: [
        { name: "Broken", definition: { timeZone: "Nowhere/Land", weekly: { mon: [["09:00", "17:00"]] } } },
      ],
      policies: [
        {
          name: "Refers to nothing",
          targets: [{ metric: "first_response", durationMs: 3_600_000, calendar: "No such calendar" }],
        },
        {
          name: "Contract SLA",
          targets: [{ metric: "first_response", durationMs: 60_000, calendar: null, warnAtShare: 1 }],
        },
      ],
    };
    const error = await rejection(importSlaConfiguration(target.system, JSON.stringify(file)));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual([
      "/calendars/0/definition/timeZone",
      "/policies/0/targets/0/calendar",
    ]);
    expect(await readable(target.system)).toEqual(before);
  });

  it("checks the file's shape before touching the desk", async () => {
    const problems = async (text: string) =>
      ((await rejection(importSlaConfiguration(target.system, text))) as ValidationError).problems;
    expect((await problems("{ not json"))[0]!.field).toBe("/");
    expect(
      await problems(
        JSON.stringify({
          format: "tend-sla-configuration",
          version: 2,
          calendars: [],
          policies: [{ name: "X", colour: "red", targets: [{ metric: "first_response", durationMs: 1 }] }],
        }),
      ),
    ).toEqual([
      { field: "/version", message: "must be 1" },
      { field: "/policies/0/colour", message: "unknown field" },
      { field: "/policies/0/targets/0/calendar", message: "is required" },
    ]);
  });

  it("lets staff export but only admins import", async () => {
    const agent = target.as((await target.makeAgent()).actor);
    const customer = target.as((await target.makeCustomer(null)).actor);
    expect((await exportSlaConfiguration(agent)).policies.length).toBeGreaterThan(0);
    expect(await rejection(exportSlaConfiguration(customer))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(importSlaConfiguration(agent, "{}"))).toBeInstanceOf(ForbiddenError);
  });
});

import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import {
  createCalendar,
  deleteCalendar,
  getCalendar,
  listCalendars,
  updateCalendar,
} from "./manage-calendars.js";
import { createPolicy } from "./manage-policies.js";
import type { CalendarDefinitionInput } from "./sla-schemas.js";

const desk = useTestDesk();

const officeHours: CalendarDefinitionInput = {
  timeZone: "Europe/Berlin",
  weekly: { mon: [["09:00", "17:00"]], tue: [["09:00", "17:00"]] },
  holidays: ["preset:DE-BE", "2026-12-24"],
};

async function rejection(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

async function fieldsOf(work: Promise<unknown>): Promise<string[]> {
  const error = await rejection(work);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems.map((problem) => problem.field);
}

describe("business calendars", () => {
  it("lets an admin create, read, rename, redefine and delete a calendar", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const name = `Berlin office ${desk.unique()}`;
    const created = await createCalendar({
      ctx: admin,
      input: { name: `  ${name} `, definition: officeHours },
    });
    expect(created).toMatchObject({ name, definition: officeHours });

    const agent = desk.as((await desk.makeAgent()).actor);
    expect(await getCalendar({ ctx: agent, id: created.id })).toEqual(created);
    expect((await listCalendars({ ctx: agent })).map((c) => c.id)).toContain(created.id);

    const wednesday: CalendarDefinitionInput = {
      ...officeHours,
      weekly: { ...officeHours.weekly, wed: [["10:00", "12:00"]] },
    };
    const updated = await updateCalendar({
      ctx: admin,
      id: created.id,
      input: { name: `${name} (winter)`, definition: wednesday },
    });
    expect(updated).toMatchObject({ name: `${name} (winter)`, definition: wednesday });

    await deleteCalendar({ ctx: admin, id: created.id });
    expect(await rejection(getCalendar({ ctx: agent, id: created.id }))).toBeInstanceOf(NotFoundError);
  });

  it("names every bad field of a definition under /definition", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const definition = {
      timeZone: "Mars/Olympus",
      weekly: {
        mon: [
          ["09:00", "17:00"],
          ["16:00", "18:00"],
        ],
        tue: [["17:00", "09:00"]],
      },
      holidays: ["preset:US-ZZ"],
      overrides: { "2026-02-30": [] },
    } as unknown as CalendarDefinitionInput;
    expect(
      await fieldsOf(createCalendar({ ctx: admin, input: { name: `Bad ${desk.unique()}`, definition } })),
    ).toEqual([
      "/definition/timeZone",
      "/definition/weekly/mon/1",
      "/definition/weekly/tue/0",
      "/definition/holidays/0",
      "/definition/overrides/2026-02-30",
    ]);
  });

  it("refuses a calendar that never opens, and an empty name", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const error = await rejection(
      createCalendar({
        ctx: admin,
        input: { name: `Never ${desk.unique()}`, definition: { timeZone: "UTC", weekly: {} } },
      }),
    );
    expect((error as ValidationError).problems).toEqual([
      { field: "/definition", message: "the calendar has no open time within the next two years" },
    ]);
    expect(
      await fieldsOf(createCalendar({ ctx: admin, input: { name: "   ", definition: officeHours } })),
    ).toEqual(["/name"]);
  });

  it("refuses a second calendar with the same name", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const name = `Twin ${desk.unique()}`;
    await createCalendar({ ctx: admin, input: { name, definition: officeHours } });
    expect(
      await rejection(createCalendar({ ctx: admin, input: { name, definition: officeHours } })),
    ).toBeInstanceOf(ConflictError);
  });

  it("lets agents read but not write, and customers neither", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const agent = desk.as((await desk.makeAgent()).actor);
    const customer = desk.as((await desk.makeCustomer((await desk.makeOrganization()).id)).actor);
    const calendar = await createCalendar({
      ctx: admin,
      input: { name: `Read ${desk.unique()}`, definition: officeHours },
    });

    const input = { name: `By agent ${desk.unique()}`, definition: officeHours };
    expect(await rejection(createCalendar({ ctx: agent, input }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(updateCalendar({ ctx: agent, id: calendar.id, input }))).toBeInstanceOf(
      ForbiddenError,
    );
    expect(await rejection(deleteCalendar({ ctx: agent, id: calendar.id }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(listCalendars({ ctx: customer }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(getCalendar({ ctx: customer, id: calendar.id }))).toBeInstanceOf(ForbiddenError);
    expect((await getCalendar({ ctx: admin, id: calendar.id })).name).toBe(calendar.name);
  });

  it("keeps a calendar a policy counts on, naming the policy", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const calendar = await createCalendar({
      ctx: admin,
      input: { name: `Used ${desk.unique()}`, definition: officeHours },
    });
    const policy = await createPolicy({
      ctx: admin,
      input: {
        name: `Uses it ${desk.unique()}`,
        targets: [{ metric: "first_response", durationMs: 3_600_000, calendarId: calendar.id }],
      },
    });
    const error = await rejection(deleteCalendar({ ctx: admin, id: calendar.id }));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain(`"${policy.name}"`);
    expect((await getCalendar({ ctx: admin, id: calendar.id })).id).toBe(calendar.id);
  });

  it("moves updated_at on every edit, even under a stopped clock", async () => {
    const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
    const calendar = await createCalendar({
      ctx: admin,
      input: { name: `Edits ${desk.unique()}`, definition: officeHours },
    });
    const first = await updateCalendar({
      ctx: admin,
      id: calendar.id,
      input: { definition: { ...officeHours, holidays: [] } },
    });
    const second = await updateCalendar({ ctx: admin, id: calendar.id, input: { definition: officeHours } });
    expect(Date.parse(first.updatedAt)).toBeGreaterThan(Date.parse(calendar.updatedAt));
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
  });
});

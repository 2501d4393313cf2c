import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ForbiddenError, ValidationError } from "../../errors.js";
import { createCustomerException } from "./customer-exceptions.js";
import { installDefaultPolicies } from "./default-policies.js";
import { listCalendars, updateCalendar } from "./manage-calendars.js";
import { listPolicies } from "./manage-policies.js";
import { previewDueTimes, resolveTargets } from "./resolve-targets.js";

const desk = useTestDesk();
const HOUR = 3_600_000;

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
});

/** Policy, target and due (and warning) time: what an agent reads in the preview. */
async function preview(ticket: Parameters<typeof previewDueTimes>[0]["input"]["ticket"], start: string) {
  const result = await previewDueTimes({ ctx: desk.system, input: { ticket, start } });
  return result.targets.map((t) => ({
    policy: t.policyName,
    target: t.targetKey,
    dueAt: t.dueAt,
    warnAt: t.warnAt,
  }));
}

describe("previewing due times on the default policies", () => {
  it("counts a sev2 opened late on Friday on each policy's own hours", async () => {
    const cloud = await desk.makeOrganization({ plan: "cloud" });
    // Friday 2026-11-27 23:00Z is 15:00 in Los Angeles and 18:00 in New York (both on standard time).
    expect(
      await preview(
        { severity: "sev2", category: "other", channel: "email", organizationId: cloud.id },
        "2026-11-27T23:00:00Z",
      ),
    ).toEqual([
      {
        // 40 business hours in LA: Fri 15–17 (2 h), Mon–Thu (32 h), Fri 4 Dec 09–15 (6 h) → 15:00 PST.
        // Warning at 30 h: Fri 2 h + Mon–Wed 24 h + Thu 3 Dec 09–13 → 13:00 PST.
        policy: "Contract SLA",
        target: "first_response:2",
        dueAt: "2026-12-04T23:00:00.000Z",
        warnAt: "2026-12-03T21:00:00.000Z",
      },
      {
        // One hour on 09:00–24:00 UTC: the last hour of Friday, due at midnight; warning after 45 minutes.
        policy: "Internal first-response target",
        target: "first_response:0",
        dueAt: "2026-11-28T00:00:00.000Z",
        warnAt: "2026-11-27T23:45:00.000Z",
      },
      {
        // New York is closed (18:00 EST): 40 h from Mon 30 Nov 09:00 EST are Mon–Fri, due Fri 17:00 EST.
        // Warning at 30 h: Mon–Wed 24 h + Thu 09–15 EST.
        policy: "Communication priority",
        target: "first_response:2",
        dueAt: "2026-12-04T22:00:00.000Z",
        warnAt: "2026-12-03T20:00:00.000Z",
      },
    ]);
  });

  it("skips Thanksgiving on the Los Angeles calendar", async () => {
    const managed = await desk.makeOrganization({ plan: "managed" });
    // Wednesday 2026-11-25 15:00 PST: Wed 2 h, Thanksgiving (26 Nov) closed, Fri 8, Mon 8, Tue 8, Wed 8 (34 h),
    // then 6 h on Thursday 3 Dec → 15:00 PST.
    const targets = await preview(
      { severity: "sev2", category: "availability", channel: "portal", organizationId: managed.id },
      "2026-11-25T23:00:00Z",
    );
    expect(targets.find((t) => t.policy === "Contract SLA")).toMatchObject({
      target: "first_response:2",
      dueAt: "2026-12-03T23:00:00.000Z",
    });
  });

  it("gives a sev1 availability ticket calendar-time contract promises and the 3-hour communication target", async () => {
    const selfHosted = await desk.makeOrganization({ plan: "self_hosted" });
    // Monday 2026-11-23 10:00Z: 05:00 in New York, which opens at 09:00 EST (14:00Z); 3 h later is 17:00Z.
    expect(
      await preview(
        { severity: "sev1", category: "availability", channel: "phone", organizationId: selfHosted.id },
        "2026-11-23T10:00:00Z",
      ),
    ).toEqual([
      {
        policy: "Contract SLA",
        target: "first_response:0",
        dueAt: "2026-11-24T10:00:00.000Z",
        warnAt: "2026-11-24T04:00:00.000Z",
      },
      {
        policy: "Contract SLA",
        target: "resolution:1",
        dueAt: "2026-11-26T10:00:00.000Z",
        warnAt: "2026-11-25T16:00:00.000Z",
      },
      {
        policy: "Internal first-response target",
        target: "first_response:0",
        dueAt: "2026-11-23T11:00:00.000Z",
        warnAt: "2026-11-23T10:45:00.000Z",
      },
      {
        policy: "Communication priority",
        target: "first_response:0",
        dueAt: "2026-11-23T17:00:00.000Z",
        warnAt: "2026-11-23T16:15:00.000Z",
      },
    ]);
  });

  it("gives a custom-plan or organization-less ticket no contract promise", async () => {
    const custom = await desk.makeOrganization({ plan: "custom", stage: "pre_sales" });
    const start = "2026-11-23T10:00:00Z";
    const ticket = { severity: "sev1", category: "provisioning", channel: "email" } as const;
    for (const organizationId of [custom.id, null]) {
      expect(
        (await preview({ ...ticket, organizationId }, start)).map((t) => `${t.policy} ${t.target}`),
      ).toEqual([
        "Internal first-response target first_response:0",
        "Communication priority first_response:1",
      ]);
    }
    // Plan given explicitly wins over the organization's.
    expect(
      (await preview({ ...ticket, organizationId: custom.id, plan: "cloud" }, start)).map((t) => t.policy),
    ).toContain("Contract SLA");
  });

  it("applies an organization's exception while it lasts", async () => {
    const cloud = await desk.makeOrganization({ plan: "cloud" });
    const contract = (await listPolicies({ ctx: desk.system })).find((p) => p.name === "Contract SLA")!;
    await createCustomerException({
      ctx: desk.system,
      organizationId: cloud.id,
      input: {
        policyId: contract.id,
        targets: [{ metric: "first_response", durationMs: 4 * HOUR, conditions: { severities: ["sev1"] } }],
        reason: "Premium addendum",
        expiresAt: "2026-12-01T00:00:00Z",
      },
    });
    const ticket = {
      severity: "sev1",
      category: "other",
      channel: "email",
      organizationId: cloud.id,
    } as const;
    expect((await preview(ticket, "2026-11-30T12:00:00Z")).slice(0, 2)).toEqual([
      {
        policy: "Contract SLA",
        target: "resolution:1",
        dueAt: "2026-12-03T12:00:00.000Z",
        warnAt: "2026-12-02T18:00:00.000Z",
      },
      {
        policy: "Contract SLA (exception: Premium addendum)",
        target: "first_response:0",
        dueAt: "2026-11-30T16:00:00.000Z",
        warnAt: "2026-11-30T15:00:00.000Z",
      },
    ]);
    expect((await preview(ticket, "2026-12-01T00:00:00Z"))[0]).toMatchObject({
      policy: "Contract SLA",
      target: "first_response:0",
      dueAt: "2026-12-02T00:00:00.000Z",
    });
  });

  it("refuses customers and an unknown organization", async () => {
    const organization = await desk.makeOrganization();
    const customer = desk.as((await desk.makeCustomer(organization.id)).actor);
    const input = { ticket: { severity: "sev1", category: "other", channel: "email" } };
    await expect(previewDueTimes({ ctx: customer, input })).rejects.toBeInstanceOf(ForbiddenError);
    const unknown = previewDueTimes({
      ctx: desk.system,
      input: { ticket: { ...input.ticket, organizationId: "0190a1a2-0000-7000-8000-00000000000c" } },
    });
    await expect(unknown).rejects.toBeInstanceOf(ValidationError);
    await expect(unknown).rejects.toMatchObject({ problems: [{ field: "/ticket/organizationId" }] });
  });
});

describe("resolving targets for the clock engine", () => {
  it("reuses a built calendar until the calendar changes", async () => {
    const ticket = {
      plan: "cloud",
      stage: "customer",
      severity: "sev2",
      category: "other",
      channel: "email",
      organizationId: null,
      tags: [],
    };
    const first = await resolveTargets(desk.system, ticket);
    const second = await resolveTargets(desk.system, ticket);
    expect(first.map((t) => [t.policyName, t.targetKey, t.calendarName])).toEqual([
      ["Contract SLA", "first_response:2", "Support hours — Los Angeles"],
      ["Internal first-response target", "first_response:0", "Extended hours — UTC"],
      ["Communication priority", "first_response:2", "Support hours — New York"],
    ]);
    expect(second[0]!.calendar).toBe(first[0]!.calendar);

    const losAngeles = (await listCalendars({ ctx: desk.system })).find(
      (c) => c.name === "Support hours — Los Angeles",
    )!;
    await updateCalendar({
      ctx: desk.system,
      id: losAngeles.id,
      input: { definition: { ...losAngeles.definition } },
    });
    const third = await resolveTargets(desk.system, ticket);
    expect(third[0]!.calendar).not.toBe(first[0]!.calendar);
    expect(third[1]!.calendar).toBe(first[1]!.calendar);
  });
});

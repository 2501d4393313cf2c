import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { type Person, useTestDesk } from "../../../test/support/test-desk.js";
import { JobRunner } from "../../jobs/job-runner.js";
import { registerJobs } from "../../jobs/schedule.js";
import { HOUR } from "../../shared/clock.js";
import { addGroupMember, createGroup } from "../identity/manage-groups.js";
import { createSchedule } from "../oncall/manage-schedules.js";
import { createCalendar } from "../sla/manage-calendars.js";
import { createTicket } from "../tickets/create-ticket.js";
import { listTicketEvents } from "../tickets/read-tickets.js";
import { updateTicket } from "../tickets/update-ticket.js";
import {
  type AutomationInput,
  createAutomation,
  listAutomationRuns,
  updateAutomation,
} from "./manage-automations.js";

/**
 * Automations end to end on a real database: a ticket event queues `automations.run`, the job runs
 * the automations whose conditions hold, and what they did shows on the ticket and in the run log.
 */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let customer: Person;
let runner: JobRunner;

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "managed" })).id);
  runner = registerJobs(new JobRunner({ ...desk.system, logger: pino({ level: "silent" }) }));
  // The support calendar: weekdays 09:00–17:00 UTC; the desk's clock starts on a Monday at 09:00.
  const calendar = await createCalendar({
    ctx: desk.as(admin.actor),
    input: { name: "Automation hours", definition: { timeZone: "UTC", weekly: weekdays("09:00", "17:00") } },
  });
  await desk.database.db.updateTable("ticket_health_settings").set({ calendar_id: calendar.id }).execute();
});

/** Until no job is left: a run's changes queue further runs (`runDueJobs` stops after a short batch). */
async function runAllJobs(): Promise<void> {
  while ((await runner.runDueJobs()) > 0);
}

function weekdays(from: string, to: string) {
  const hours = [[from, to]] as [string, string][];
  return { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours };
}

/** Every automation a test makes is its own: earlier tests' automations are switched off first. */
async function automation(input: Omit<AutomationInput, "name"> & { name?: string }) {
  const existing = await desk.database.db
    .selectFrom("automations")
    .select("id")
    .where("enabled", "=", 1)
    .execute();
  for (const { id } of existing)
    await updateAutomation({ ctx: desk.as(admin.actor), id, input: { enabled: false } });
  return createAutomation({
    ctx: desk.as(admin.actor),
    input: { name: `Automation ${desk.unique()}`, ...input },
  });
}

async function timeline(number: number): Promise<string[]> {
  const events = await listTicketEvents({ ctx: desk.as(admin.actor), number });
  return events.filter((event) => event.kind === "automation_ran").map((event) => event.reason ?? "");
}

async function ticketNow(number: number) {
  const row = await desk.database.db
    .selectFrom("tickets")
    .selectAll()
    .where("number", "=", number)
    .executeTakeFirstOrThrow();
  const tags = await desk.database.db
    .selectFrom("ticket_tags")
    .select("tag")
    .where("ticket_id", "=", row.id)
    .execute();
  return { ...row, tags: tags.map((tag) => tag.tag).sort() };
}

describe("automations on new tickets", () => {
  it("apply their actions to a matching ticket from any channel and say so on its timeline", async () => {
    const tier2 = await createGroup({
      ctx: desk.as(admin.actor),
      input: { name: `Tier 2 ${desk.unique()}` },
    });
    const routing = await automation({
      name: "Outage routing",
      events: ["ticket.created"],
      match: "all",
      conditions: [
        { field: "plan", operator: "is", value: "managed" },
        { field: "text", operator: "contains", value: "CHECKOUT" },
      ],
      actions: [
        { type: "set_severity", severity: "sev1" },
        { type: "set_group", groupId: tier2.id },
        { type: "add_tags", tags: ["outage"] },
        { type: "add_internal_note", body: "Routed for {{organization.name}}." },
      ],
    });
    const made = [];
    for (const channel of ["portal", "email", "api"] as const)
      made.push(
        await createTicket({
          ctx: desk.as(customer.actor, channel),
          input: { subject: `Checkout fails (${channel})`, body: "Nobody can pay." },
        }),
      );
    const unrelated = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Invoice address", body: "Please change it." },
    });
    await runAllJobs();

    for (const ticket of made) {
      const now = await ticketNow(ticket.number);
      expect(now).toMatchObject({ severity: "sev1", group_id: tier2.id, channel: ticket.channel });
      expect(now.tags).toEqual(["outage"]);
      expect(await timeline(ticket.number)).toEqual([
        expect.stringMatching(
          /^Automation Outage routing ran: severity sev1; group Tier 2 .*; tags outage; note added$/,
        ),
      ]);
    }
    expect(await timeline(unrelated.number)).toEqual([]);
    expect((await ticketNow(unrelated.number)).severity).toBe("sev2");
    const runs = await listAutomationRuns(desk.as(admin.actor), routing.id);
    expect(runs.map((run) => run.outcome)).toEqual(["succeeded", "succeeded", "succeeded"]);
  });

  it("send a templated reply as a public comment, mailed to the requester", async () => {
    await automation({
      events: ["ticket.created"],
      conditions: [{ field: "channel", operator: "is", value: "email" }],
      actions: [
        {
          type: "send_public_reply",
          body: "Hello {{requester.name}}, we have your request #{{ticket.number}} ({{ticket.subject}}).",
        },
      ],
    });
    const ticket = await createTicket({
      ctx: desk.as(customer.actor, "email"),
      input: { subject: "Cannot sign in", body: "Since today." },
    });
    await runAllJobs();

    const comments = await desk.database.db
      .selectFrom("comments")
      .select(["visibility", "body_text", "author_id"])
      .where("ticket_id", "=", ticket.id)
      .orderBy("created_at")
      .execute();
    expect(comments.at(-1)).toEqual({
      visibility: "public",
      body_text: `Hello ${customer.name}, we have your request #${ticket.number} (Cannot sign in).`,
      author_id: admin.id,
    });
    const mail = await desk.database.db
      .selectFrom("email_messages")
      .select(["direction", "to_addresses"])
      .where("ticket_id", "=", ticket.id)
      .where("direction", "=", "outbound")
      .execute();
    expect(mail).toHaveLength(1);
    expect(JSON.stringify(mail[0])).toContain(customer.email);
  });

  it("record a failing action on the timeline and in the run log, and still do the rest", async () => {
    const failing = await automation({
      events: ["ticket.created"],
      conditions: [{ field: "text", operator: "contains", value: "pay me twice" }],
      actions: [
        { type: "set_status", status: "closed" },
        { type: "add_tags", tags: ["billing"] },
      ],
    });
    const ticket = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Pay me twice", body: "Charged twice." },
    });
    await runAllJobs();
    const [run] = await listAutomationRuns(desk.as(admin.actor), failing.id);
    expect(run).toMatchObject({ outcome: "failed", ticketNumber: ticket.number });
    expect(run?.results.map((result) => result.ok)).toEqual([false, true]);
    expect((await timeline(ticket.number))[0]).toMatch(/set status failed: .+; tags billing$/);
    expect((await ticketNow(ticket.number)).tags).toEqual(["billing"]);
  });
});

describe("the business-hours condition", () => {
  it("tells a ticket opened while the support calendar is open from one opened after hours", async () => {
    await automation({
      events: ["ticket.created"],
      conditions: [{ field: "business_hours", operator: "is", value: "outside" }],
      actions: [{ type: "add_tags", tags: ["after_hours"] }],
    });
    desk.clock.set(new Date("2026-11-24T10:00:00Z"));
    const during = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Day", body: "x" },
    });
    desk.clock.set(new Date("2026-11-24T19:30:00Z"));
    const after = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Night", body: "x" },
    });
    // The job runs the next morning: the event's own instant decides, not the job's.
    desk.clock.set(new Date("2026-11-25T09:30:00Z"));
    await runAllJobs();
    expect((await ticketNow(during.number)).tags).toEqual([]);
    expect((await ticketNow(after.number)).tags).toEqual(["after_hours"]);
  });
});

describe("loop prevention", () => {
  it("lets an automation that changes a ticket on ticket.updated run once, not on its own change", async () => {
    const bump = await automation({
      events: ["ticket.updated"],
      actions: [
        { type: "set_severity", severity: "sev1" },
        { type: "add_tags", tags: ["bumped"] },
      ],
    });
    const ticket = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Loop", body: "x" },
    });
    await updateTicket({
      ctx: desk.as(agent.actor),
      number: ticket.number,
      input: { version: ticket.version, status: "open" },
    });
    await runAllJobs();
    expect(await listAutomationRuns(desk.as(admin.actor), bump.id)).toHaveLength(1);
    expect(await timeline(ticket.number)).toHaveLength(1);
    const events = await desk.database.db
      .selectFrom("domain_events")
      .select("payload")
      .where("ticket_id", "=", ticket.id)
      .where("kind", "=", "ticket.updated")
      .execute();
    const actors = events.map(
      (event) => (JSON.parse(event.payload) as { actor: { reason?: string } }).actor.reason,
    );
    expect(actors).toContain(`automation:${bump.id}`);
  });

  it("stops an A↔B cycle at B, and a longer chain at the depth limit", async () => {
    const a = await automation({
      name: "A",
      events: ["ticket.updated"],
      conditions: [{ field: "severity", operator: "is", value: "sev2" }],
      actions: [{ type: "set_severity", severity: "sev1" }],
    });
    const b = await createAutomation({
      ctx: desk.as(admin.actor),
      input: {
        name: "B",
        events: ["ticket.updated"],
        conditions: [{ field: "severity", operator: "is", value: "sev1" }],
        actions: [{ type: "set_severity", severity: "sev2" }],
      },
    });
    const ticket = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Ping pong", body: "x" },
    });
    await updateTicket({
      ctx: desk.as(agent.actor),
      number: ticket.number,
      input: { version: ticket.version, status: "open" },
    });
    await runAllJobs();
    // Person → A (sev1) → B (sev2) → A again is in the chain: stop.
    expect(await listAutomationRuns(desk.as(admin.actor), a.id)).toHaveLength(1);
    expect(await listAutomationRuns(desk.as(admin.actor), b.id)).toHaveLength(1);
    expect((await ticketNow(ticket.number)).severity).toBe("sev2");

    const chain = [];
    for (const [index, tag] of ["one", "two", "three", "four"].entries())
      chain.push(
        await (index === 0
          ? automation
          : (input: AutomationInput) => createAutomation({ ctx: desk.as(admin.actor), input }))({
          name: `Chain ${tag}`,
          events: ["ticket.updated"],
          conditions: [
            ...(index === 0
              ? []
              : [
                  {
                    field: "tags" as const,
                    operator: "includes" as const,
                    value: ["one", "two", "three"][index - 1] as string,
                  },
                ]),
            { field: "tags", operator: "excludes", value: tag },
          ],
          actions: [{ type: "add_tags", tags: [tag] }],
        }),
      );
    const chained = await createTicket({
      ctx: desk.as(customer.actor, "portal"),
      input: { subject: "Chain", body: "x" },
    });
    await updateTicket({
      ctx: desk.as(agent.actor),
      number: chained.number,
      input: { version: chained.version, status: "open" },
    });
    await runAllJobs();
    expect((await ticketNow(chained.number)).tags).toEqual(["one", "three", "two"]);
  });
});

describe("assignment in a group", () => {
  it("takes turns among the group's agents on duty, skipping one whose on-call shift is not now", async () => {
    const group = await createGroup({
      ctx: desk.as(admin.actor),
      input: { name: `Round robin ${desk.unique()}` },
    });
    const agents = [await desk.makeAgent(), await desk.makeAgent(), await desk.makeAgent()];
    for (const person of agents)
      await addGroupMember({ ctx: desk.as(admin.actor), groupId: group.id, personId: person.id });
    const [offShift, onShift] = [agents[0] as Person, (await desk.makeAgent()) as Person];
    await addGroupMember({ ctx: desk.as(admin.actor), groupId: group.id, personId: onShift.id });
    // A weekly rotation: `onShift` holds this week, `offShift` the next; both are on duty only on call.
    desk.clock.set(new Date("2026-11-30T10:00:00Z"));
    await createSchedule({
      ctx: desk.as(admin.actor),
      input: {
        name: `Rotation ${desk.unique()}`,
        timeZone: "UTC",
        layers: [
          {
            participants: [onShift.id, offShift.id],
            rotation: { every: 1, unit: "weeks" },
            startDate: "2026-11-30",
            handoffTime: "09:00",
          },
        ],
      },
    });
    await automation({
      events: ["ticket.created"],
      conditions: [{ field: "text", operator: "contains", value: "round robin" }],
      actions: [{ type: "assign_in_group", groupId: group.id, strategy: "round_robin" }],
    });
    const assignees: string[] = [];
    for (let n = 0; n < 6; n += 1) {
      const ticket = await createTicket({
        ctx: desk.as(customer.actor, "portal"),
        input: { subject: `Round robin ${n}`, body: "x" },
      });
      await runAllJobs();
      assignees.push((await ticketNow(ticket.number)).assignee_id as string);
      desk.clock.advance(HOUR / 60);
    }
    const onDuty = [agents[1]?.id, agents[2]?.id, onShift.id].sort();
    expect([...new Set(assignees)].sort()).toEqual(onDuty);
    for (const id of onDuty) expect(assignees.filter((assignee) => assignee === id)).toHaveLength(2);
    expect(assignees).not.toContain(offShift.id);
    // Consecutive tickets never go to the same agent.
    expect(assignees.every((id, i) => i === 0 || id !== assignees[i - 1])).toBe(true);
  });

  it("gives a new ticket to whoever has the fewest New and Open tickets", async () => {
    const group = await createGroup({
      ctx: desk.as(admin.actor),
      input: { name: `By load ${desk.unique()}` },
    });
    const [busy, free] = [await desk.makeAgent(), await desk.makeAgent()];
    for (const person of [busy, free])
      await addGroupMember({ ctx: desk.as(admin.actor), groupId: group.id, personId: person.id });
    for (let n = 0; n < 2; n += 1)
      await createTicket({
        ctx: desk.as(admin.actor),
        input: { subject: `Busy ${n}`, body: "x", requesterId: customer.id, assigneeId: busy.id },
      });
    await automation({
      events: ["ticket.created"],
      conditions: [{ field: "text", operator: "contains", value: "by load" }],
      actions: [{ type: "assign_in_group", groupId: group.id, strategy: "least_loaded" }],
    });
    const assigned = [];
    for (let n = 0; n < 3; n += 1) {
      const ticket = await createTicket({
        ctx: desk.as(customer.actor, "portal"),
        input: { subject: `By load ${n}`, body: "x" },
      });
      await runAllJobs();
      assigned.push((await ticketNow(ticket.number)).assignee_id);
    }
    // 2 vs 0, then 2 vs 1, then 2 vs 2 (a tie goes to the next in turn after the last chosen).
    expect(assigned.slice(0, 2)).toEqual([free.id, free.id]);
    expect([busy.id, free.id]).toContain(assigned[2]);
  });
});

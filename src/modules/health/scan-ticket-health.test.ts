import { beforeAll, describe, expect, it } from "vitest";
import { type Person, useTestDesk } from "../../../test/support/test-desk.js";
import { findGroupByName } from "../identity/group-repository.js";
import { updatePerson } from "../identity/manage-people.js";
import { findPersonByEmail } from "../identity/person-repository.js";
import { installDefaultPolicies } from "../sla/default-policies.js";
import { getTicketSla } from "../sla/ticket-sla.js";
import { addComment } from "../tickets/add-comment.js";
import { createTicket } from "../tickets/create-ticket.js";
import { listComments, listTicketEvents } from "../tickets/read-tickets.js";
import { deskPerson, installHealthDefaults } from "./install-health-defaults.js";
import { getHealthSettings, updateHealthSettings } from "./manage-health-settings.js";
import { answerNotKnownYetReply, listSavedReplies } from "./manage-saved-replies.js";
import { getTicketHealthFlags } from "./read-health-flags.js";
import { scanTicketHealth } from "./scan-ticket-health.js";

/**
 * The health rules on a real desk with the default calendars: Los Angeles support hours, Monday to
 * Friday 09:00–17:00, UTC-8 in November and December (09:00 there is 17:00Z, 17:00 is 01:00Z next day).
 * Each test works in its own week, so earlier tests' tickets never sit in a later test's way.
 */
const desk = useTestDesk();

let agent: Person;
let customer: Person;

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
  await installHealthDefaults(desk.system);
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
});

async function newTicket(by: Person, input: { status?: "open" } = {}) {
  return createTicket({
    ctx: desk.as(by.actor),
    input: {
      subject: "Webhook deliveries delayed",
      body: "Our webhooks arrive minutes late.",
      ...(by.role === "customer" ? {} : { requesterId: customer.id }),
      ...input,
    },
  });
}

/** The job runner's context: the system, on the system channel. */
const jobContext = () => desk.as({ kind: "system", reason: "job runner" }, "system");

async function scanAt(iso: string) {
  desk.clock.set(iso);
  return scanTicketHealth(jobContext());
}

async function domainEventsOf(ticketId: string) {
  const rows = await desk.database.db
    .selectFrom("domain_events")
    .select(["kind", "payload"])
    .where("ticket_id", "=", ticketId)
    .orderBy("id")
    .execute();
  return rows.map((row) => ({ kind: row.kind, payload: JSON.parse(row.payload) }));
}

const flagsOf = (number: number) => getTicketHealthFlags({ ctx: desk.as(agent.actor), number });

describe("installing the ticket health defaults", () => {
  it("names the Los Angeles calendar, the desk person and the saved reply, once", async () => {
    const settings = await getHealthSettings({ ctx: desk.as(agent.actor) });
    const losAngeles = await desk.database.db
      .selectFrom("business_calendars")
      .select("id")
      .where("name", "=", "Support hours — Los Angeles")
      .executeTakeFirstOrThrow();
    expect(settings.calendarId).toBe(losAngeles.id);
    const author = await findPersonByEmail(desk.database.db, deskPerson.email);
    expect(author).toMatchObject({ name: "Support team", role: "agent", password_hash: null });
    expect(settings.closedHoursAcknowledgement.authorId).toBe(author?.id);
    expect((await listSavedReplies({ ctx: desk.as(agent.actor) })).map((r) => r.name)).toContain(
      answerNotKnownYetReply.name,
    );
    expect(await installHealthDefaults(desk.system)).toMatchObject({ installed: false });
  });
});

describe("unacknowledged at end of day", () => {
  it("flags a New ticket at 17:00 of its business day, once, notifies its group, and clears on the reply", async () => {
    desk.clock.set("2026-11-23T18:00:00.000Z"); // Monday 10:00 in Los Angeles
    const ticket = await newTicket(customer);

    expect((await scanAt("2026-11-24T00:59:59.999Z")).raised).toBe(0);
    expect(await flagsOf(ticket.number)).toEqual([]);

    await scanAt("2026-11-24T01:00:00.000Z");
    const [flag] = await flagsOf(ticket.number);
    expect(flag).toMatchObject({
      flag: "unacknowledged_end_of_day",
      label: "unacknowledged at end of day",
      since: ticket.createdAt,
      dueAt: "2026-11-24T01:00:00.000Z",
      raisedAt: "2026-11-24T01:00:00.000Z",
      clearedAt: null,
      active: true,
    });
    const tier1 = await findGroupByName(desk.database.db, "Tier 1");
    expect(await domainEventsOf(ticket.id)).toContainEqual({
      kind: "ticket.unacknowledged_end_of_day",
      payload: expect.objectContaining({
        ticketNumber: ticket.number,
        groupId: tier1?.id,
        deadline: "2026-11-24T01:00:00.000Z",
      }),
    });

    // Later sweeps, and two at once, raise nothing more.
    await scanAt("2026-11-24T02:00:00.000Z");
    await Promise.all([scanTicketHealth(jobContext()), scanTicketHealth(jobContext())]);
    expect(await flagsOf(ticket.number)).toHaveLength(1);
    const raisedEvents = (await domainEventsOf(ticket.id)).filter(
      (event) => event.kind === "ticket.unacknowledged_end_of_day",
    );
    expect(raisedEvents).toHaveLength(1);

    desk.clock.set("2026-11-24T17:30:00.000Z");
    await addComment({ ctx: desk.as(agent.actor), number: ticket.number, input: { body: "Looking now." } });
    await scanAt("2026-11-24T17:31:00.000Z");
    expect(await flagsOf(ticket.number)).toEqual([
      expect.objectContaining({ clearedAt: "2026-11-24T17:30:00.000Z", active: false }),
    ]);
    const events = await listTicketEvents({ ctx: desk.as(agent.actor), number: ticket.number });
    const health = events.filter((event) => event.kind.startsWith("health_flag"));
    expect(health).toEqual([
      expect.objectContaining({
        kind: "health_flag_raised",
        field: "unacknowledged_end_of_day",
        actor: null,
        channel: "system",
        reason: expect.stringContaining("2026-11-24 01:00 UTC"),
      }),
      expect.objectContaining({ kind: "health_flag_cleared", field: "unacknowledged_end_of_day" }),
    ]);
  });

  it("gives a Friday-evening ticket until Monday 17:00", async () => {
    desk.clock.set("2026-12-05T02:00:00.000Z"); // Friday 4 December, 18:00 in Los Angeles
    const ticket = await newTicket(customer);
    await scanAt("2026-12-08T00:59:00.000Z"); // Monday 16:59
    expect(await flagsOf(ticket.number)).toEqual([]);
    await scanAt("2026-12-08T01:00:00.000Z");
    expect(await flagsOf(ticket.number)).toEqual([
      expect.objectContaining({ dueAt: "2026-12-08T01:00:00.000Z", active: true }),
    ]);
  });

  it("does not flag a ticket moved out of New in time", async () => {
    desk.clock.set("2026-12-14T18:00:00.000Z");
    const ticket = await newTicket(customer);
    desk.clock.set("2026-12-14T19:00:00.000Z");
    await addComment({
      ctx: desk.as(agent.actor),
      number: ticket.number,
      input: { body: "Internal: checking the queue.", visibility: "internal", status: "open" },
    });
    await scanAt("2026-12-15T02:00:00.000Z");
    expect(await flagsOf(ticket.number)).toEqual([]);
  });
});

describe("open over a day", () => {
  it("flags an Open ticket after a business day without an agent update, clears on one, and flags a new silence", async () => {
    desk.clock.set("2026-12-21T18:00:00.000Z"); // Monday 10:00 in Los Angeles
    const ticket = await newTicket(agent, { status: "open" });

    await scanAt("2026-12-22T17:59:59.999Z");
    expect(await flagsOf(ticket.number)).toEqual([]);
    await scanAt("2026-12-22T18:00:00.000Z");
    expect(await flagsOf(ticket.number)).toEqual([
      expect.objectContaining({ flag: "open_over_a_day", since: ticket.createdAt, active: true }),
    ]);
    expect((await domainEventsOf(ticket.id)).map((event) => event.kind)).toContain("ticket.open_over_a_day");

    // The customer writing again is not an agent update.
    desk.clock.set("2026-12-22T19:00:00.000Z");
    await addComment({ ctx: desk.as(customer.actor), number: ticket.number, input: { body: "Any news?" } });
    await scanAt("2026-12-22T19:01:00.000Z");
    expect((await flagsOf(ticket.number))[0]?.active).toBe(true);

    desk.clock.set("2026-12-22T20:00:00.000Z"); // Tuesday 12:00
    await addComment({
      ctx: desk.as(agent.actor),
      number: ticket.number,
      input: { body: "Escalating to the platform team.", visibility: "internal" },
    });
    await scanAt("2026-12-22T20:01:00.000Z");
    expect((await flagsOf(ticket.number))[0]).toMatchObject({
      clearedAt: "2026-12-22T20:00:00.000Z",
      active: false,
    });

    // A new silence from Tuesday 12:00: 5 hours on Tuesday and 3 on Wednesday → Wednesday 12:00.
    await scanAt("2026-12-23T19:59:00.000Z");
    expect(await flagsOf(ticket.number)).toHaveLength(1);
    await scanAt("2026-12-23T20:00:00.000Z");
    expect(await flagsOf(ticket.number)).toEqual([
      expect.objectContaining({ active: false }),
      expect.objectContaining({ since: "2026-12-22T20:00:00.000Z", active: true }),
    ]);
  });
});

describe("the closed-hours acknowledgement", () => {
  it("answers a ticket arriving at night with when support opens, in the requester's zone, and changes nothing else", async () => {
    const traveller = await desk.makeCustomer(null);
    await updatePerson({
      ctx: desk.as(traveller.actor),
      id: traveller.id,
      input: { timeZone: "America/New_York" },
    });
    desk.clock.set("2027-01-08T03:00:00.000Z"); // Thursday 7 January, 19:00 in Los Angeles
    const ticket = await newTicket(traveller);

    expect(ticket.status).toBe("new");
    const comments = await listComments({ ctx: desk.as(traveller.actor), number: ticket.number });
    expect(comments).toHaveLength(2);
    expect(comments[1]).toMatchObject({
      visibility: "public",
      channel: "system",
      qualifying: false,
      author: { name: "Support team", role: "agent" },
      bodyText:
        "Thanks for writing. Our support team is away right now; we'll be back Friday 8 January at 12:00 (America/New_York).",
    });

    // Not a response: the first-response clocks still run.
    const sla = await getTicketSla({ ctx: desk.as(agent.actor), number: ticket.number });
    const firstResponses = sla.clocks.filter((clock) => clock.metric === "first_response");
    expect(firstResponses.length).toBeGreaterThan(0);
    for (const clock of firstResponses) {
      expect(clock.state).not.toBe("achieved");
      expect(clock.explanation.join(" ")).not.toMatch(/acknowledged/i);
    }
    // Not an acknowledgement: the end-of-day flag still goes up at Friday's close.
    await scanAt("2027-01-09T01:00:00.000Z");
    expect((await flagsOf(ticket.number)).map((flag) => flag.flag)).toEqual(["unacknowledged_end_of_day"]);
  });

  it("is not sent during support hours, to a ticket an agent opens, or when switched off", async () => {
    desk.clock.set("2027-01-11T18:00:00.000Z"); // Monday 10:00
    const duringHours = await newTicket(customer);
    expect(await listComments({ ctx: desk.as(agent.actor), number: duringHours.number })).toHaveLength(1);

    desk.clock.set("2027-01-12T03:00:00.000Z"); // Monday 19:00
    const byAgent = await newTicket(agent);
    expect(await listComments({ ctx: desk.as(agent.actor), number: byAgent.number })).toHaveLength(1);

    const settings = await getHealthSettings({ ctx: desk.system });
    const { updatedAt: _, ...input } = settings;
    await updateHealthSettings({
      ctx: desk.system,
      input: {
        ...input,
        closedHoursAcknowledgement: { ...input.closedHoursAcknowledgement, enabled: false },
      },
    });
    try {
      const switchedOff = await newTicket(customer);
      expect(await listComments({ ctx: desk.as(agent.actor), number: switchedOff.number })).toHaveLength(1);
    } finally {
      await updateHealthSettings({ ctx: desk.system, input });
    }
  });
});

import { randomUUID } from "node:crypto";
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/support/test-database.js";
import { useTestDesk } from "../../test/support/test-desk.js";
import type { PersonActor } from "../modules/identity/actor.js";
import { listGroups } from "../modules/identity/manage-groups.js";
import { createOrganization, listOrganizations } from "../modules/identity/manage-organizations.js";
import { createPerson, listPeople } from "../modules/identity/manage-people.js";
import { plans, stages } from "../modules/identity/organization.js";
import type { OrganizationView } from "../modules/identity/organization-presenter.js";
import { createTicket } from "../modules/tickets/create-ticket.js";
import { listComments, listTicketEvents, listTickets } from "../modules/tickets/read-tickets.js";
import type { TicketView } from "../modules/tickets/ticket-presenter.js";
import { ticketStatuses } from "../modules/tickets/ticket-status.js";
import { DAY, ManualClock } from "../shared/clock.js";
import type { Context } from "../shared/context.js";
import { buildDemoDesk, type DemoDeskSummary } from "./demo-desk.js";
import { deskIsEmpty } from "./empty-desk.js";

const desk = useTestDesk();

async function allTickets(ctx: Context): Promise<TicketView[]> {
  const tickets: TicketView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTickets({
      ctx,
      filter: { sort: "createdAt" },
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    tickets.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return tickets.sort((a, b) => a.number - b.number);
}

async function allOrganizations(ctx: Context): Promise<OrganizationView[]> {
  return (await listOrganizations({ ctx, limit: 1000 })).items;
}

async function adminOn(ctx: Context): Promise<Context> {
  const admin = await createPerson({
    ctx,
    input: { name: "Test Admin", email: `admin-${randomUUID()}@test.example`, role: "admin" },
  });
  const actor: PersonActor = { kind: "person", personId: admin.id, role: "admin", organizationId: null };
  return { ...ctx, actor, channel: "web" };
}

/** A second, independent desk: for what must hold on an empty database or across two databases. */
async function onFreshDesk<T>(work: (ctx: Context) => Promise<T>): Promise<T> {
  const database = await createTestDatabase();
  try {
    return await work({
      actor: { kind: "system", reason: "test" },
      channel: "cli",
      db: database.db,
      dialect: database.dialect,
      clock: new ManualClock("2026-11-23T09:00:00.000Z"),
      logger: pino({ level: "silent" }),
    });
  } finally {
    await database.drop();
  }
}

describe("a demo desk of 60 tickets", () => {
  let summary: DemoDeskSummary;
  let tickets: TicketView[];
  let admin: Context;

  beforeAll(async () => {
    summary = await buildDemoDesk(desk.system, { tickets: 60, seed: 7 });
    tickets = await allTickets(desk.system);
    admin = await adminOn(desk.system);
  });

  it("has exactly the tickets asked for, in every status", () => {
    expect(summary.tickets).toBe(60);
    expect(tickets).toHaveLength(60);
    expect(new Set(tickets.map((t) => t.status))).toEqual(new Set(ticketStatuses));
  });

  it("staffs both tiers, and escalated tickets sit with a Platform expert", async () => {
    const groups = await listGroups(desk.system);
    const tier1 = groups.find((g) => g.name === "Tier 1");
    const experts = groups.find((g) => g.name === "Platform experts");
    expect(tier1?.memberIds.length).toBeGreaterThanOrEqual(3);
    expect(experts?.memberIds.length).toBeGreaterThanOrEqual(3);
    const agents = await listPeople({ ctx: admin, filter: { role: "agent" }, limit: 100 });
    expect(agents.items).toHaveLength(summary.agents);

    const escalated = tickets.filter((t) => t.group?.name === "Platform experts");
    expect(escalated.length).toBeGreaterThan(0);
    for (const ticket of escalated) expect(experts?.memberIds).toContain(ticket.assignee?.id);
  });

  it("has organizations on every plan and stage, each with 2 to 6 customers on an .example domain", async () => {
    const organizations = await allOrganizations(desk.system);
    expect(organizations).toHaveLength(summary.organizations);
    for (const plan of plans) {
      for (const stage of stages) {
        expect(
          organizations.some((o) => o.plan === plan && o.stage === stage),
          `${plan}/${stage}`,
        ).toBe(true);
      }
    }
    let customers = 0;
    for (const organization of organizations) {
      expect(organization.domains).toHaveLength(1);
      expect(organization.domains[0]).toMatch(/\.example$/);
      const people = await listPeople({
        ctx: admin,
        filter: { organizationId: organization.id },
        limit: 100,
      });
      expect(people.items.length).toBeGreaterThanOrEqual(2);
      expect(people.items.length).toBeLessThanOrEqual(6);
      for (const person of people.items)
        expect(person.email.endsWith(`@${organization.domains[0]}`)).toBe(true);
      customers += people.items.length;
    }
    expect(customers).toBe(summary.customers);
  });

  it("tells real conversations: several public replies, internal notes, nothing left unfilled", async () => {
    let ticketsWithNotes = 0;
    for (const ticket of tickets) {
      expect(ticket.subject).not.toMatch(/[{}]/);
      const comments = await listComments({ ctx: desk.system, number: ticket.number });
      for (const comment of comments) expect(comment.bodyText).not.toMatch(/[{}]|undefined/);
      const publicReplies = comments.filter((c) => c.visibility === "public");
      const notes = comments.filter((c) => c.visibility === "internal");
      if (notes.length > 0) ticketsWithNotes += 1;
      // The customer opens every ticket; New ones have not had a public answer yet.
      expect(publicReplies[0]?.author.role).toBe("customer");
      if (ticket.status === "new") continue;
      expect(publicReplies.length, `#${ticket.number}`).toBeGreaterThanOrEqual(2);
      expect(notes.length, `#${ticket.number}`).toBeGreaterThanOrEqual(1);
      expect(ticket.assignee).not.toBeNull();
      expect(ticket.tags.length).toBeGreaterThan(0);
      if (ticket.status === "solved" || ticket.status === "closed") {
        expect(publicReplies.length, `#${ticket.number}`).toBeGreaterThanOrEqual(4);
        // Agents answer from the workspace; customers keep writing through the channel they chose.
        expect(publicReplies.some((c) => c.author.role === "agent" && c.channel === "web")).toBe(true);
      }
    }
    expect(ticketsWithNotes).toBeGreaterThan(tickets.length / 2);
    expect(tickets.some((t) => t.severity === "sev1" && t.category === "availability")).toBe(true);
    const channels = new Set(tickets.map((t) => t.channel));
    expect(channels.has("email") && channels.has("portal")).toBe(true);
  });

  it("closes tickets through the auto-close rule and solves stale Pending ones through auto-solve", async () => {
    const closed = tickets.filter((t) => t.status === "closed");
    expect(closed.length).toBeGreaterThan(0);
    for (const ticket of closed) {
      const events = await listTicketEvents({ ctx: desk.system, number: ticket.number });
      expect(events.at(-1)).toMatchObject({
        kind: "field_changed",
        field: "status",
        from: "solved",
        to: "closed",
        actor: null,
        channel: "system",
        reason: expect.stringContaining("4 days"),
      });
    }
    let autoSolved = 0;
    for (const ticket of tickets.filter((t) => t.status === "solved")) {
      const events = await listTicketEvents({ ctx: desk.system, number: ticket.number });
      if (events.some((e) => e.to === "solved" && e.reason?.includes("5 days"))) autoSolved += 1;
    }
    expect(autoSolved).toBeGreaterThan(0);
  });

  it("spreads the activity over the last 30 days, never in the future", () => {
    const now = desk.clock.now().getTime();
    for (const ticket of tickets) {
      expect(Date.parse(ticket.createdAt)).toBeGreaterThanOrEqual(now - 30 * DAY);
      expect(Date.parse(ticket.updatedAt)).toBeLessThanOrEqual(now);
    }
    const created = tickets.map((t) => Date.parse(t.createdAt));
    expect(Math.min(...created)).toBeLessThan(now - 20 * DAY);
    expect(Math.max(...created)).toBeGreaterThan(now - 3 * DAY);
    // Numbers follow creation time, as they would on a desk that grew day by day.
    expect([...created].sort((a, b) => a - b)).toEqual(created);
  });

  it("is searchable like any desk: a word from a subject finds its ticket", async () => {
    const ticket = tickets[0] as TicketView;
    const word = ticket.subject
      .split(/[^\p{L}\p{N}]+/u)
      .reduce((longest, w) => (w.length > longest.length ? w : longest), "");
    const found = await listTickets({ ctx: desk.system, filter: { text: word }, limit: 100 });
    expect(found.items.map((t) => t.number)).toContain(ticket.number);
  });
});

describe("deskIsEmpty", () => {
  it("is true on a fresh install and false once an organization exists", async () => {
    await onFreshDesk(async (ctx) => {
      expect(await deskIsEmpty(ctx)).toBe(true);
      await createOrganization({ ctx, input: { name: "First Customer", plan: "cloud" } });
      expect(await deskIsEmpty(ctx)).toBe(false);
    });
  });

  it("is false once a ticket exists, even without organizations", async () => {
    await onFreshDesk(async (ctx) => {
      await createTicket({
        ctx,
        input: { subject: "Hello", body: "First ticket", requester: { email: "someone@mail.example" } },
      });
      expect(await deskIsEmpty(ctx)).toBe(false);
    });
  });
});

describe("building the demo desk again", () => {
  it("reuses the organizations, customers and agents, and adds exactly the new tickets", async () => {
    await onFreshDesk(async (ctx) => {
      const first = await buildDemoDesk(ctx, { tickets: 7, seed: 42 });
      const firstTickets = await allTickets(ctx);
      expect(firstTickets).toHaveLength(7);
      expect(new Set(firstTickets.map((t) => t.status))).toEqual(new Set(ticketStatuses));

      const again = await buildDemoDesk(ctx, { tickets: 5, seed: 42 });
      const otherSeed = await buildDemoDesk(ctx, { tickets: 3, seed: 9 });
      expect(again.organizations).toBe(first.organizations);
      expect(otherSeed.tickets).toBe(3);
      expect(await allTickets(ctx)).toHaveLength(15);
      expect(await allOrganizations(ctx)).toHaveLength(first.organizations);
      const admin = await adminOn(ctx);
      const agents = await listPeople({ ctx: admin, filter: { role: "agent" }, limit: 100 });
      expect(agents.items).toHaveLength(first.agents);
    });
  });

  it("gives the same desk for the same seed, and another for another seed", async () => {
    const story = (seed: number) =>
      onFreshDesk(async (ctx) => {
        await buildDemoDesk(ctx, { tickets: 15, seed });
        return (await allTickets(ctx)).map(
          (t) => `${t.subject} | ${t.requester.email} | ${t.status} | ${t.createdAt}`,
        );
      });
    const once = await story(11);
    expect(once).toHaveLength(15);
    expect(await story(11)).toEqual(once);
    expect(await story(12)).not.toEqual(once);
  });
});

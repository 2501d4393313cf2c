import { beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError } from "../../src/errors.js";
import { importHistory } from "../../src/modules/imports/import-history.js";
import { readZendeskExport } from "../../src/modules/imports/zendesk-export.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Importing a Zendesk desk's history into a desk in use: numbers and times kept, people and
 * organizations matched, all or nothing, and the imported tickets as tenant-scoped as any other.
 */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let existingCustomer: Person;
let existingOrganization: { id: string; name: string; domain: string };

function zendeskExport(options: { firstNumber: number; existingEmail: string; organizationName: string }) {
  const n = options.firstNumber;
  return readZendeskExport({
    tickets: {
      name: "export.json",
      text: JSON.stringify({
        organizations: [
          { id: 1, name: options.organizationName, domain_names: [] },
          { id: 2, name: `Initech ${n}`, domain_names: [`initech${n}.example`] },
        ],
        users: [
          {
            id: 10,
            name: "Known Customer",
            email: options.existingEmail,
            role: "end-user",
            organization_id: 1,
          },
          {
            id: 11,
            name: "Peter",
            email: `peter${n}@initech${n}.example`,
            role: "end-user",
            organization_id: 2,
          },
          { id: 12, name: "Zed Agent", email: `zed${n}@desk.example`, role: "agent" },
        ],
        groups: [{ id: 5, name: `Imported Tier ${n}` }],
        tickets: [
          {
            id: n,
            subject: "TPS reports fail to export",
            status: "closed",
            priority: "high",
            requester_id: 11,
            assignee_id: 12,
            group_id: 5,
            tags: ["tps"],
            created_at: "2024-02-01T09:00:00Z",
            updated_at: "2024-02-03T17:00:00Z",
            via: { channel: "email" },
            comments: [
              {
                author_id: 11,
                body: "Exports fail with a timeout.",
                public: true,
                created_at: "2024-02-01T09:00:00Z",
              },
              {
                author_id: 12,
                body: "Customer is on 3.1.",
                public: false,
                created_at: "2024-02-01T10:00:00Z",
              },
              {
                author_id: 12,
                body: "Fixed by raising the limit.",
                public: true,
                created_at: "2024-02-02T10:00:00Z",
              },
            ],
          },
          {
            id: n + 1,
            subject: "Cannot invite a colleague",
            status: "open",
            priority: "urgent",
            requester_id: 10,
            assignee_id: null,
            created_at: "2026-11-20T08:00:00Z",
            updated_at: "2026-11-20T08:00:00Z",
            via: { channel: "web" },
            comments: [
              {
                author_id: 10,
                body: "The invite button does nothing.",
                public: true,
                created_at: "2026-11-20T08:00:00Z",
              },
            ],
          },
        ],
      }),
    },
  });
}

async function count(table: "tickets" | "comments" | "people" | "organizations"): Promise<number> {
  const row = await desk.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  existingOrganization = await desk.makeOrganization();
  existingCustomer = await desk.makeCustomer(existingOrganization.id);
});

describe("importing a desk's history", () => {
  it("reports what it would do in a dry run and writes nothing", async () => {
    const before = await Promise.all([
      count("tickets"),
      count("comments"),
      count("people"),
      count("organizations"),
    ]);
    const plan = zendeskExport({
      firstNumber: 90001,
      existingEmail: existingCustomer.email,
      organizationName: existingOrganization.name,
    });
    const report = await importHistory(desk.as(admin.actor, "cli"), plan, { apply: false });
    expect(report).toMatchObject({
      dryRun: true,
      applied: false,
      organizations: { created: 1, matched: 1 },
      people: { created: 2, matched: 1, createdByRole: { customer: 1, agent: 1, admin: 0 } },
      groups: { created: ["Imported Tier 90001"] },
      tickets: { created: 2, byStatus: { closed: 1, open: 1 }, firstNumber: 90001, lastNumber: 90002 },
      comments: 4,
      problems: [],
    });
    expect(
      await Promise.all([count("tickets"), count("comments"), count("people"), count("organizations")]),
    ).toEqual(before);
  });

  it("imports with the original numbers, times, comments and visibility, and numbering continues past them", async () => {
    const plan = zendeskExport({
      firstNumber: 90001,
      existingEmail: existingCustomer.email,
      organizationName: existingOrganization.name,
    });
    const report = await importHistory(desk.system, plan, { apply: true });
    expect(report).toMatchObject({ applied: true, dryRun: false, tickets: { created: 2 }, problems: [] });

    const closed = await desk.app.inject({
      method: "GET",
      url: "/api/v1/tickets/90001",
      headers: agent.auth,
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      number: 90001,
      subject: "TPS reports fail to export",
      status: "closed",
      severity: "sev2",
      channel: "email",
      tags: ["tps"],
      createdAt: "2024-02-01T09:00:00.000Z",
    });
    const comments = await desk.app.inject({
      method: "GET",
      url: "/api/v1/tickets/90001/comments",
      headers: agent.auth,
    });
    expect(comments.statusCode, comments.body).toBe(200);
    const items = comments.json() as { visibility: string; bodyText: string; createdAt: string }[];
    expect(items.map((c) => [c.visibility, c.bodyText, c.createdAt])).toEqual([
      ["public", "Exports fail with a timeout.", "2024-02-01T09:00:00.000Z"],
      ["internal", "Customer is on 3.1.", "2024-02-01T10:00:00.000Z"],
      ["public", "Fixed by raising the limit.", "2024-02-02T10:00:00.000Z"],
    ]);

    // The existing customer's imported ticket is in their organization, and it owes answers now.
    const open = await desk.app.inject({
      method: "GET",
      url: "/api/v1/tickets/90002",
      headers: existingCustomer.auth,
    });
    expect(open.statusCode, open.body).toBe(200);
    expect(open.json()).toMatchObject({
      status: "open",
      severity: "sev1",
      organization: { id: existingOrganization.id },
    });
    const clocks = await desk.database.db
      .selectFrom("sla_clocks")
      .innerJoin("tickets", "tickets.id", "sla_clocks.ticket_id")
      .select("sla_clocks.metric")
      .where("tickets.number", "=", 90002)
      .execute();
    expect(clocks.length).toBeGreaterThan(0);

    const next = await createTicket({
      ctx: desk.as(existingCustomer.actor, "portal"),
      input: { subject: "After the import", body: "New." },
    });
    expect(next.number).toBe(90003);
  });

  it("keeps another organization's imported tickets out of a customer's reach", async () => {
    const response = await desk.app.inject({
      method: "GET",
      url: "/api/v1/tickets/90001",
      headers: existingCustomer.auth,
    });
    expect(response.statusCode).toBe(404);
  });

  it("writes nothing when a number is taken in Tend, and says which", async () => {
    const before = await Promise.all([count("tickets"), count("people")]);
    const plan = zendeskExport({
      firstNumber: 90002,
      existingEmail: `new-${Date.now()}@example.com`,
      organizationName: "Fresh Org",
    });
    const report = await importHistory(desk.system, plan, { apply: true });
    expect(report.applied).toBe(false);
    expect(report.problems).toEqual([
      { where: "Zendesk ticket 90002", message: "number 90002 is taken by a ticket in Tend" },
      { where: "Zendesk ticket 90003", message: "number 90003 is taken by a ticket in Tend" },
    ]);
    expect(await Promise.all([count("tickets"), count("people")])).toEqual(before);
  });

  it("is for admins and the operator only", async () => {
    const plan = zendeskExport({
      firstNumber: 95001,
      existingEmail: existingCustomer.email,
      organizationName: "X",
    });
    await expect(importHistory(desk.as(agent.actor), plan, { apply: false })).rejects.toThrow(ForbiddenError);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { loadHealthRules } from "../../src/modules/health/health-rules-in-force.js";
import { installHealthDefaults } from "../../src/modules/health/install-health-defaults.js";
import { findGroupByName } from "../../src/modules/identity/group-repository.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { scanSlaClocks } from "../../src/modules/sla/sla-scan.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/** What the agent workspace asks of the API: queues with counts, list rows, escalation, stale edits. */
const desk = useTestDesk();
let admin: Person;
let agent: Person;
let expert: Person;
let customer: Person;
let outsider: Person;
let expertsGroupId: string;

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
  await installHealthDefaults(desk.system);
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  expert = await desk.makeAgent({ group: "Platform experts" });
  const org = await desk.makeOrganization({ plan: "managed", stage: "pre_sales" });
  customer = await desk.makeCustomer(org.id);
  outsider = await desk.makeCustomer((await desk.makeOrganization()).id);
  expertsGroupId = (await findGroupByName(desk.database.db, "Platform experts"))?.id as string;
});

interface TicketJson {
  number: number;
  version: number;
  status: string;
  group: { id: string; name: string } | null;
  assignee: { id: string; name: string } | null;
  slaDueAt: string | null;
  slaClock: { metric: string; dueAt: string; warningAt: string | null; breached: boolean } | null;
  organization: { plan: string; stage: string } | null;
}

async function openTicket(payload: Record<string, unknown> = {}): Promise<TicketJson> {
  const created = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: agent.auth,
    payload: { subject: "Queue me", body: "Something broke", requesterId: customer.id, ...payload },
  });
  expect(created.statusCode).toBe(201);
  return created.json();
}

async function patch(number: number, by: Person, payload: Record<string, unknown>) {
  return desk.app.inject({ method: "PATCH", url: `/api/v1/tickets/${number}`, headers: by.auth, payload });
}

interface ViewJson {
  id: string;
  name: string;
  builtIn: boolean;
  query: string;
  filter: Record<string, unknown>;
  count: number;
  countCapped: boolean;
}

async function views(by: Person): Promise<ViewJson[]> {
  const response = await desk.app.inject({ url: "/api/v1/views", headers: by.auth });
  expect(response.statusCode).toBe(200);
  return response.json().views;
}

async function listed(by: Person, query: string): Promise<TicketJson[]> {
  const response = await desk.app.inject({ url: `/api/v1/tickets?limit=200&${query}`, headers: by.auth });
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

describe("list rows", () => {
  it("carry the organization's plan and stage and the nearest owed SLA clock", async () => {
    const ticket = await openTicket({ severity: "sev1" });
    expect(ticket.organization).toMatchObject({ plan: "managed", stage: "pre_sales" });
    expect(ticket.slaClock).toMatchObject({ metric: "first_response", breached: false });
    expect(ticket.slaClock?.dueAt).toBe(ticket.slaDueAt);
    expect(ticket.slaClock?.warningAt).not.toBeNull();

    const [row] = (await listed(agent, "sort=slaDueAt")).filter((t) => t.number === ticket.number);
    expect(row?.slaClock).toEqual(ticket.slaClock);

    // Past its due time the clock breaches and stays owed: the badge turns red.
    desk.clock.set(new Date(new Date(ticket.slaClock?.dueAt as string).getTime() + 60_000));
    await scanSlaClocks(desk.system);
    const [after] = (await listed(agent, "sort=slaDueAt")).filter((t) => t.number === ticket.number);
    expect(after?.slaClock).toMatchObject({ metric: "first_response", breached: true });
    expect(after?.slaClock?.dueAt).toBe(ticket.slaClock?.dueAt);
  });
});

describe("GET /api/v1/views", () => {
  it("lists the built-in queues, each counting exactly what its query lists", async () => {
    const mine = await openTicket({ assigneeId: agent.id });
    await openTicket();
    const waiting = await openTicket();
    expect((await patch(waiting.number, agent, { version: 1, status: "pending" })).statusCode).toBe(200);
    const solved = await openTicket();
    expect((await patch(solved.number, agent, { version: 1, status: "solved" })).statusCode).toBe(200);
    await openTicket({ groupId: expertsGroupId });

    const all = await views(agent);
    expect(all.map((v) => v.id)).toEqual([
      "my-open",
      "unassigned-new",
      "tier-1",
      "platform-experts",
      "breaching-soon",
      "pending",
      "solved-recently",
    ]);
    for (const view of all) {
      expect(view.builtIn).toBe(true);
      const items = await listed(agent, view.query);
      expect({ view: view.id, count: view.count }).toEqual({ view: view.id, count: items.length });
      expect(view.countCapped).toBe(false);
    }
    const byId = new Map(all.map((v) => [v.id, v]));
    expect(byId.get("my-open")?.query).toBe("status=new,open&assignee=me");
    expect((await listed(agent, byId.get("my-open")?.query ?? "")).map((t) => t.number)).toEqual([
      mine.number,
    ]);
    expect(byId.get("pending")?.count).toBe(1);
    expect((await listed(agent, byId.get("solved-recently")?.query ?? "")).map((t) => t.number)).toEqual([
      solved.number,
    ]);
    expect(byId.get("platform-experts")?.count).toBe(1);
    // "Mine" is the caller's: another agent has none.
    expect((await views(expert)).find((v) => v.id === "my-open")?.count).toBe(0);
  });

  it("looks two business hours ahead on the support calendar for Breaching soon, most urgent first", async () => {
    const now = desk.clock.now();
    const { calendar } = await loadHealthRules(desk.database.db);
    if (!calendar) throw new Error("the health defaults install a support calendar");
    const expected = calendar.add(now, 2 * 3_600_000).toISOString();
    const breaching = (await views(agent)).find((v) => v.id === "breaching-soon");
    expect(breaching?.filter).toMatchObject({ slaDueBefore: expected, sort: "slaDueAt" });
    expect(breaching?.query).toContain(`slaDueBefore=${encodeURIComponent(expected)}`);
    const items = await listed(agent, breaching?.query ?? "");
    expect(items.length).toBe(breaching?.count);
    expect(items.length).toBeGreaterThan(0);
    const dues = items.map((t) => t.slaDueAt as string);
    expect(dues.every((due) => due <= expected)).toBe(true);
    expect([...dues].sort()).toEqual(dues);
  });

  it("drops a ticket from Solved recently seven days after it was solved", async () => {
    const before = (await views(agent)).find((v) => v.id === "solved-recently")?.count ?? 0;
    expect(before).toBeGreaterThan(0);
    desk.clock.advance(8 * 24 * 3_600_000);
    expect((await views(agent)).find((v) => v.id === "solved-recently")?.count).toBe(0);
  });

  it("is for staff: a customer is refused, an anonymous caller asked to sign in", async () => {
    const asCustomer = await desk.app.inject({ url: "/api/v1/views", headers: customer.auth });
    expect(asCustomer.statusCode).toBe(403);
    expect(asCustomer.headers["content-type"]).toContain("application/problem+json");
    expect((await desk.app.inject({ url: "/api/v1/views" })).statusCode).toBe(401);
  });
});

describe("views an admin defines", () => {
  it("are created, counted, renamed and deleted by admins only", async () => {
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/views",
      headers: admin.auth,
      payload: { name: "Sev 1 in flight", filter: { severity: "sev1", status: ["new", "open"] } },
    });
    expect(created.statusCode).toBe(201);
    const view: ViewJson = created.json();
    expect(view).toMatchObject({
      name: "Sev 1 in flight",
      builtIn: false,
      query: "status=new,open&severity=sev1",
    });
    expect(view.count).toBe((await listed(agent, view.query)).length);

    const listedViews = await views(agent);
    expect(listedViews.at(-1)).toEqual(view);

    const renamed = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/views/${view.id}`,
      headers: admin.auth,
      payload: { name: "Sev 1" },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: view.id, name: "Sev 1", query: view.query });

    const byAgent = await desk.app.inject({
      method: "POST",
      url: "/api/v1/views",
      headers: agent.auth,
      payload: { name: "Mine", filter: {} },
    });
    expect(byAgent.statusCode).toBe(403);

    const deleted = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/views/${view.id}`,
      headers: admin.auth,
    });
    expect(deleted.statusCode).toBe(204);
    const again = await desk.app.inject({
      method: "DELETE",
      url: `/api/v1/views/${view.id}`,
      headers: admin.auth,
    });
    expect(again.statusCode).toBe(404);
  });

  it("take only the list's filters, naming what exists, under a name of their own", async () => {
    const post = (payload: unknown) =>
      desk.app.inject({
        method: "POST",
        url: "/api/v1/views",
        headers: admin.auth,
        payload: payload as object,
      });

    const unknownField = await post({ name: "Odd", filter: { colour: "red" } });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().errors).toContainEqual({
      field: "/body/filter/colour",
      message: "unknown field",
    });

    const badStatus = await post({ name: "Odd", filter: { status: ["nearly"] } });
    expect(badStatus.statusCode).toBe(400);

    const instant = await post({ name: "Odd", filter: { slaDueBefore: "2026-11-23T10:00:00Z" } });
    expect(instant.statusCode).toBe(400);

    const missingGroup = await post({
      name: "Odd",
      filter: { groupId: "0190f1e4-0000-7000-8000-000000000000" },
    });
    expect(missingGroup.statusCode).toBe(400);
    expect(missingGroup.json().errors[0].field).toBe("filter/groupId");

    // Refused as the list refuses it, and not stored: the queues keep loading.
    const noWords = await post({ name: "Odd", filter: { text: "!!" } });
    expect(noWords.statusCode).toBe(400);
    expect((await views(agent)).map((v) => v.name)).not.toContain("Odd");

    expect((await post({ name: "Pending", filter: {} })).statusCode).toBe(409);
    expect((await post({ name: "Escalated", filter: { groupId: expertsGroupId } })).statusCode).toBe(201);
    expect((await post({ name: "Escalated", filter: {} })).statusCode).toBe(409);

    const builtIn = await desk.app.inject({
      method: "PATCH",
      url: "/api/v1/views/my-open",
      headers: admin.auth,
      payload: { name: "Mine" },
    });
    expect(builtIn.statusCode).toBe(404);
  });
});

describe("POST /api/v1/tickets/:number/escalation", () => {
  async function escalate(number: number, by: Person, payload: Record<string, unknown>) {
    return desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/escalation`,
      headers: by.auth,
      payload,
    });
  }

  it("moves the ticket to the Platform experts with the note, clearing an assignee who is not one", async () => {
    const ticket = await openTicket({ assigneeId: agent.id });
    const response = await escalate(ticket.number, agent, { note: "Needs a database expert", version: 1 });
    expect(response.statusCode).toBe(200);
    const escalated: TicketJson = response.json();
    expect(escalated.group?.name).toBe("Platform experts");
    expect(escalated.assignee).toBeNull();
    expect(escalated.version).toBeGreaterThan(ticket.version);

    const comments = await desk.app.inject({
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: agent.auth,
    });
    expect(comments.json().at(-1)).toMatchObject({
      visibility: "internal",
      bodyText: "Needs a database expert",
    });
    const events = await desk.app.inject({
      url: `/api/v1/tickets/${ticket.number}/events`,
      headers: agent.auth,
    });
    const kinds = events.json().map((e: { kind: string }) => e.kind);
    expect(kinds).toContain("internal_note_added");
    expect(events.json()).toContainEqual(
      expect.objectContaining({
        kind: "escalated",
        to: expertsGroupId,
        actor: { id: agent.id, name: agent.name },
      }),
    );
    // The customer sees none of it.
    const asCustomer = await desk.app.inject({
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: customer.auth,
    });
    expect(asCustomer.body).not.toContain("database expert");
  });

  it("keeps an assignee who belongs to the group", async () => {
    const ticket = await openTicket({ assigneeId: expert.id });
    const response = await escalate(ticket.number, agent, { note: "Yours already" });
    expect(response.statusCode).toBe(200);
    expect(response.json().assignee).toEqual({ id: expert.id, name: expert.name });
  });

  it("refuses a stale version, an empty note, a second escalation and customers", async () => {
    const ticket = await openTicket();
    expect((await patch(ticket.number, agent, { version: 1, severity: "sev1" })).statusCode).toBe(200);
    const stale = await escalate(ticket.number, agent, { note: "Help", version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().current).toMatchObject({ number: ticket.number, version: 2 });

    expect((await escalate(ticket.number, agent, { note: "   " })).statusCode).toBe(400);
    const missing = await escalate(ticket.number, agent, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toContainEqual({ field: "/body/note", message: "is required" });

    const own = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "Mine", body: "Please" },
    });
    const ownNumber = own.json().number;
    expect((await escalate(ownNumber, customer, { note: "Escalate me" })).statusCode).toBe(403);
    expect((await escalate(ownNumber, outsider, { note: "Escalate them" })).statusCode).toBe(403);
    expect((await escalate(999_999, customer, { note: "Exists?" })).statusCode).toBe(403);

    expect((await escalate(ticket.number, agent, { note: "Experts please" })).statusCode).toBe(200);
    const twice = await escalate(ticket.number, agent, { note: "Again" });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().detail).toContain("already with Platform experts");
  });
});

describe("a stale edit", () => {
  it("is refused with the ticket as it is now and who changed it", async () => {
    const ticket = await openTicket();
    expect((await patch(ticket.number, expert, { version: 1, severity: "sev1" })).statusCode).toBe(200);
    const stale = await patch(ticket.number, agent, { version: 1, status: "open" });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers["content-type"]).toContain("application/problem+json");
    const problem = stale.json();
    expect(problem.current).toMatchObject({
      number: ticket.number,
      version: 2,
      severity: "sev1",
      status: "new",
    });
    expect(problem.lastChange).toEqual({ by: { id: expert.id, name: expert.name }, at: expect.any(String) });
    // Nothing was overwritten.
    const now = await desk.app.inject({ url: `/api/v1/tickets/${ticket.number}`, headers: agent.auth });
    expect(now.json()).toMatchObject({ version: 2, status: "new" });
  });
});

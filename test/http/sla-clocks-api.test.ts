import { beforeAll, describe, expect, it } from "vitest";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { scanSlaClocks } from "../../src/modules/sla/sla-scan.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The default promises running on a real ticket, end to end: API writes move the clocks, the scan the
 * job runner calls turns due times into warnings and breaches, and the explanation tells the story.
 * The desk clock starts Monday 2026-11-23 09:00 UTC; New York is UTC-5 in November.
 */
const desk = useTestDesk();

interface ClockView {
  policyName: string;
  metric: string;
  state: string;
  calendar: string;
  dueAt: string | null;
  warnAt: string | null;
  achievedAt: string | null;
  breachedAt: string | null;
  explanation: string[];
}

let agent: Person;
let customer: Person;

beforeAll(async () => {
  await installDefaultPolicies(desk.system);
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id);
});

async function clocksOf(number: number): Promise<ClockView[]> {
  const response = await desk.app.inject({ url: `/api/v1/tickets/${number}/sla`, headers: agent.auth });
  expect(response.statusCode).toBe(200);
  return response.json().clocks;
}

const clockNamed = (clocks: ClockView[], policyName: string, metric = "first_response") => {
  const clock = clocks.find((c) => c.policyName === policyName && c.metric === metric);
  if (!clock) throw new Error(`no ${policyName} ${metric} clock in ${JSON.stringify(clocks)}`);
  return clock;
};

async function eventsOf(
  number: number,
): Promise<{ kind: string; field: string | null; reason: string | null }[]> {
  const response = await desk.app.inject({ url: `/api/v1/tickets/${number}/events`, headers: agent.auth });
  return response.json();
}

async function openTicket(input: Record<string, unknown>) {
  const response = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: customer.auth,
    payload: { body: "Details follow.", ...input },
  });
  expect(response.statusCode).toBe(201);
  // Due times are the desk's: read the ticket back as the agent sees it.
  const asStaff = await desk.app.inject({
    url: `/api/v1/tickets/${response.json().number}`,
    headers: agent.auth,
  });
  return asStaff.json() as { number: number; version: number; slaDueAt: string | null };
}

async function reply(number: number, payload: Record<string, unknown>) {
  const response = await desk.app.inject({
    method: "POST",
    url: `/api/v1/tickets/${number}/comments`,
    headers: agent.auth,
    payload,
  });
  expect(response.statusCode).toBe(201);
  return response.json().ticket as { number: number; version: number; slaDueAt: string | null };
}

describe("SLA clocks on a ticket", () => {
  it("runs, warns, breaches, achieves and re-derives the default promises", async () => {
    desk.clock.set("2026-11-23T09:00:00Z");
    const ticket = await openTicket({
      subject: "The dashboard is down",
      severity: "sev1",
      category: "availability",
    });
    expect(ticket.slaDueAt).toBe("2026-11-23T10:00:00.000Z");

    let clocks = await clocksOf(ticket.number);
    expect(clockNamed(clocks, "Contract SLA")).toMatchObject({
      state: "running",
      calendar: "Calendar time",
      dueAt: "2026-11-24T09:00:00.000Z",
    });
    expect(clockNamed(clocks, "Contract SLA", "resolution").dueAt).toBe("2026-11-26T09:00:00.000Z");
    expect(clockNamed(clocks, "Internal first-response target")).toMatchObject({
      dueAt: "2026-11-23T10:00:00.000Z",
      warnAt: "2026-11-23T09:45:00.000Z",
    });
    // Three business hours on New York hours, which open at 14:00 UTC.
    expect(clockNamed(clocks, "Communication priority")).toMatchObject({
      dueAt: "2026-11-23T17:00:00.000Z",
      warnAt: "2026-11-23T16:15:00.000Z",
    });

    desk.clock.set("2026-11-23T09:20:00Z");
    await reply(ticket.number, { body: "We are on it." });
    clocks = await clocksOf(ticket.number);
    const internal = clockNamed(clocks, "Internal first-response target");
    expect(internal.state).toBe("running");
    expect(internal.explanation.join("\n")).toContain("not a qualifying response");

    desk.clock.set("2026-11-23T09:50:00Z");
    expect(await scanSlaClocks(desk.system)).toEqual({ recomputed: 0, warned: 1 });

    desk.clock.set("2026-11-23T10:30:00Z");
    expect((await scanSlaClocks(desk.system)).recomputed).toBe(1);
    expect(await scanSlaClocks(desk.system)).toEqual({ recomputed: 0, warned: 0 });
    clocks = await clocksOf(ticket.number);
    expect(clockNamed(clocks, "Internal first-response target")).toMatchObject({
      state: "breached",
      breachedAt: "2026-11-23T10:00:00.000Z",
    });
    const afterBreach = await eventsOf(ticket.number);
    expect(afterBreach.filter((e) => e.kind === "sla_warning")).toHaveLength(1);
    expect(afterBreach.filter((e) => e.kind === "sla_breached")).toEqual([
      expect.objectContaining({
        field: "first_response",
        reason: expect.stringContaining("Internal first-response"),
      }),
    ]);
    const published = await desk.database.db
      .selectFrom("domain_events")
      .select(["kind", "payload"])
      .where("kind", "in", ["sla.breached", "sla.warning"])
      .execute();
    expect(published.map((e) => e.kind).sort()).toEqual(["sla.breached", "sla.warning"]);
    expect(JSON.parse(published.find((e) => e.kind === "sla.breached")?.payload ?? "{}")).toMatchObject({
      ticketNumber: ticket.number,
      metric: "first_response",
      dueAt: "2026-11-23T10:00:00.000Z",
    });

    desk.clock.set("2026-11-23T16:30:00Z");
    expect(await scanSlaClocks(desk.system)).toEqual({ recomputed: 0, warned: 1 });

    desk.clock.set("2026-11-23T16:40:00Z");
    const answered = await reply(ticket.number, {
      body: "The load balancer lost its certificate; we restored it.",
      summary: "Found the expired certificate on the load balancer and replaced it.",
      nextSteps: "Reload the dashboard; we keep watching the error rate for an hour.",
      status: "pending",
    });
    // The resolution clock pauses while Pending; every response promise is met or missed.
    expect(answered.slaDueAt).toBeNull();
    clocks = await clocksOf(ticket.number);
    expect(clockNamed(clocks, "Contract SLA").state).toBe("achieved");
    expect(clockNamed(clocks, "Communication priority").state).toBe("achieved");
    expect(clockNamed(clocks, "Contract SLA", "resolution").state).toBe("paused");
    expect(clockNamed(clocks, "Internal first-response target")).toMatchObject({
      state: "breached",
      achievedAt: "2026-11-23T16:40:00.000Z",
    });
    const achieved = (await eventsOf(ticket.number)).filter((e) => e.kind === "sla_achieved");
    expect(achieved.map((e) => e.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Contract SLA: first response achieved"),
        expect.stringContaining("Communication priority: first response achieved"),
      ]),
    );

    // Lowering the severity re-derives the contract from the original start: Sev 2 has no resolution target.
    const patched = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: agent.auth,
      payload: { version: answered.version, severity: "sev2" },
    });
    expect(patched.statusCode).toBe(200);
    clocks = await clocksOf(ticket.number);
    expect(clocks.filter((c) => c.metric === "resolution")).toEqual([]);
    expect(clockNamed(clocks, "Contract SLA")).toMatchObject({
      state: "achieved",
      calendar: "Support hours — Los Angeles",
    });
    const stored = await desk.database.db
      .selectFrom("sla_clocks")
      .innerJoin("tickets", "tickets.id", "sla_clocks.ticket_id")
      .select("sla_clocks.metric")
      .where("tickets.number", "=", ticket.number)
      .execute();
    expect(stored.map((row) => row.metric)).not.toContain("resolution");
  });

  it("sorts a queue by the nearest promise and filters what is breaching soon", async () => {
    desk.clock.set("2026-11-24T16:45:00Z");
    const first = await openTicket({ subject: "Invoice question" });
    desk.clock.set("2026-11-24T16:50:00Z");
    const second = await openTicket({ subject: "Another invoice question" });
    const numbers = async (query: string) => {
      const response = await desk.app.inject({ url: `/api/v1/tickets?${query}`, headers: agent.auth });
      expect(response.statusCode).toBe(200);
      return response.json().items.map((t: { number: number }) => t.number) as number[];
    };
    const urgent = await numbers("sort=slaDueAt&status=new");
    expect(urgent.indexOf(first.number)).toBeLessThan(urgent.indexOf(second.number));
    expect(first.slaDueAt).toBe("2026-11-24T17:45:00.000Z");
    const soon = await numbers(`slaDueBefore=${encodeURIComponent("2026-11-24T17:46:00Z")}`);
    expect(soon).toContain(first.number);
    expect(soon).not.toContain(second.number);
    const pages = await desk.app.inject({
      url: "/api/v1/tickets?sort=slaDueAt&limit=1",
      headers: agent.auth,
    });
    const next = pages.json().nextCursor as string;
    const secondPage = await desk.app.inject({
      url: `/api/v1/tickets?sort=slaDueAt&limit=1&cursor=${encodeURIComponent(next)}`,
      headers: agent.auth,
    });
    expect(secondPage.statusCode).toBe(200);
    expect(secondPage.json().items).toHaveLength(1);
  });

  it("re-derives the promises of open tickets when their organization changes plan", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const org = await desk.makeOrganization({ plan: "cloud" });
    const requester = await desk.makeCustomer(org.id);
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: requester.auth,
      payload: { subject: "Restore my backup", body: "Please.", severity: "sev1" },
    });
    const { number } = created.json();
    expect((await clocksOf(number)).map((c) => c.policyName)).toContain("Contract SLA");
    const moved = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/organizations/${org.id}`,
      headers: admin.auth,
      payload: { plan: "custom" },
    });
    expect(moved.statusCode).toBe(200);
    expect((await clocksOf(number)).map((c) => c.policyName)).not.toContain("Contract SLA");
    const stored = await desk.database.db
      .selectFrom("sla_clocks")
      .innerJoin("tickets", "tickets.id", "sla_clocks.ticket_id")
      .innerJoin("sla_policies", "sla_policies.id", "sla_clocks.policy_id")
      .select("sla_policies.name")
      .where("tickets.number", "=", number)
      .execute();
    expect(stored.map((row) => row.name)).not.toContain("Contract SLA");
  });

  it("explains clocks to staff only", async () => {
    const ticket = await openTicket({ subject: "Where is my data?" });
    const asCustomer = await desk.app.inject({
      url: `/api/v1/tickets/${ticket.number}/sla`,
      headers: customer.auth,
    });
    expect(asCustomer.statusCode).toBe(403);
    expect(asCustomer.headers["content-type"]).toContain("application/problem+json");
    const missing = await desk.app.inject({ url: "/api/v1/tickets/999999/sla", headers: agent.auth });
    expect(missing.statusCode).toBe(404);
  });

  it("neither undoes an answer nor announces a breach twice when the system clock steps back", async () => {
    desk.clock.set("2026-12-07T09:00:00Z");
    const outage = { severity: "sev1", category: "availability" };
    const answered = await openTicket({ subject: "Sign-in fails", ...outage });
    const unanswered = await openTicket({ subject: "Exports time out", ...outage });
    desk.clock.set("2026-12-07T09:20:00Z");
    await reply(answered.number, {
      body: "Sign-in is back.",
      summary: "The identity provider's certificate had expired; we renewed it.",
      nextSteps: "Sign in again; we watch the error rate for an hour.",
    });
    // A VM resumed a day ahead: the scan breaches what is past due by that clock.
    desk.clock.set("2026-12-08T09:30:00Z");
    await scanSlaClocks(desk.system);
    const announced = async (number: number, kind: string) =>
      (await eventsOf(number)).filter((event) => event.kind === kind).length;
    const breaches = await announced(unanswered.number, "sla_breached");
    const achievements = await announced(answered.number, "sla_achieved");
    expect(breaches).toBeGreaterThan(0);

    // NTP steps the clock back to before the answer and the due times; each ticket changes meanwhile.
    desk.clock.set("2026-12-07T09:10:00Z");
    for (const { number } of [answered, unanswered])
      await reply(number, { body: "Still watching.", visibility: "internal" });
    expect(clockNamed(await clocksOf(answered.number), "Internal first-response target")).toMatchObject({
      state: "achieved",
      achievedAt: "2026-12-07T09:20:00.000Z",
    });
    expect(clockNamed(await clocksOf(unanswered.number), "Internal first-response target").state).toBe(
      "breached",
    );

    // The real time comes round to the due times again: nothing is announced a second time.
    desk.clock.set("2026-12-07T10:30:00Z");
    await scanSlaClocks(desk.system);
    expect(await announced(unanswered.number, "sla_breached")).toBe(breaches);
    expect(await announced(answered.number, "sla_achieved")).toBe(achievements);
  });
});

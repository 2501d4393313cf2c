import { beforeAll, describe, expect, it } from "vitest";
import { createCalendar } from "../../src/modules/sla/manage-calendars.js";
import { createPolicy } from "../../src/modules/sla/manage-policies.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The SLA attainment and Times reports over a hand-computed desk. One policy, "Fixture", counts on a
 * UTC calendar open Monday–Friday 09:00–17:00: first response within 1 business hour, resolution within
 * 8 business hours. Monday is 2026-11-23.
 *
 * A (sev1): created Mon 09:00, answered Mon 09:30 (30 min), solved Mon 13:00 (4 h): both met.
 * B (sev2): created Mon 16:30; first response due Tue 09:30 (30 min Monday + 30 min Tuesday), answered
 *   Tue 09:45: breached at 09:30, stopped after 75 business minutes (17 h 15 min on the wall clock);
 *   solved Tue 11:00: 30 min + 2 h = 150 business minutes (18 h 30 min on the wall clock), met.
 * C (sev2): created Tue 10:30, unanswered: first response due Tue 11:30, resolution due Wed 10:30
 *   (6.5 h Tuesday + 1.5 h Wednesday). The reports are read at Tue 11:00.
 */
const desk = useTestDesk();
const period = "from=2026-11-23T00:00:00.000Z&to=2026-11-25T00:00:00.000Z";
const minute = 60_000;

let agent: Person;
let customer: Person;
let fixturePolicyId: string;

async function openTicket(subject: string, severity: "sev1" | "sev2"): Promise<number> {
  const response = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: customer.auth,
    payload: { subject, body: "Details follow.", severity },
  });
  expect(response.statusCode).toBe(201);
  return response.json().number;
}

async function answer(number: number): Promise<void> {
  const response = await desk.app.inject({
    method: "POST",
    url: `/api/v1/tickets/${number}/comments`,
    headers: agent.auth,
    payload: { body: "Here is the fix.", qualifying: true, qualifyingReason: "Answers the question" },
  });
  expect(response.statusCode).toBe(201);
}

async function solve(number: number): Promise<void> {
  const ticket = await desk.app.inject({ url: `/api/v1/tickets/${number}`, headers: agent.auth });
  const response = await desk.app.inject({
    method: "PATCH",
    url: `/api/v1/tickets/${number}`,
    headers: agent.auth,
    payload: { version: ticket.json().version, status: "solved" },
  });
  expect(response.statusCode).toBe(200);
}

async function getJson(url: string, person: Person = agent) {
  const response = await desk.app.inject({ url, headers: person.auth });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

let ticketA: number;
let ticketB: number;
let ticketC: number;

beforeAll(async () => {
  const admin = desk.as((await desk.makeAgent({ role: "admin" })).actor);
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization({ plan: "cloud" })).id);
  const calendar = await createCalendar({
    ctx: admin,
    input: {
      name: `Weekdays UTC ${desk.unique()}`,
      definition: {
        timeZone: "UTC",
        weekly: Object.fromEntries(
          ["mon", "tue", "wed", "thu", "fri"].map((day) => [day, [["09:00", "17:00"]]]),
        ),
        holidays: [],
      },
    },
  });
  fixturePolicyId = (
    await createPolicy({
      ctx: admin,
      input: {
        name: "Fixture",
        targets: [
          { metric: "first_response", durationMs: 60 * minute, calendarId: calendar.id },
          { metric: "resolution", durationMs: 8 * 60 * minute, calendarId: calendar.id },
        ],
      },
    })
  ).id;

  desk.clock.set("2026-11-23T09:00:00Z");
  ticketA = await openTicket("Login fails", "sev1");
  desk.clock.set("2026-11-23T09:30:00Z");
  await answer(ticketA);
  desk.clock.set("2026-11-23T13:00:00Z");
  await solve(ticketA);
  desk.clock.set("2026-11-23T16:30:00Z");
  ticketB = await openTicket("Export is slow", "sev2");
  desk.clock.set("2026-11-24T09:45:00Z");
  await answer(ticketB);
  desk.clock.set("2026-11-24T10:30:00Z");
  // A subject a spreadsheet would run as a formula, with a comma and quotes: the CSV must defuse it.
  ticketC = await openTicket(`=HYPERLINK("http://evil.example"), "click"`, "sev2");
  desk.clock.set("2026-11-24T11:00:00Z");
  await solve(ticketB);
});

describe("SLA attainment report", () => {
  it("counts targets met over targets settled in the period, per policy and metric", async () => {
    const report = await getJson(`/api/v1/reports/sla-attainment?${period}`);
    // Settled: A first response (met), A resolution (met), B first response (breached), B resolution (met).
    expect(report.total).toEqual({ met: 3, breached: 1, applicable: 4, attainment: 0.75 });
    expect(report.goal).toBe(1);
    expect(
      report.rows.map((row: Record<string, unknown>) => [row.label, row.met, row.breached, row.attainment]),
    ).toEqual([
      ["Fixture · first response", 1, 1, 0.5],
      ["Fixture · resolution", 2, 0, 1],
    ]);
    expect(report.weekly).toMatchObject([{ key: "2026-11-23", met: 3, breached: 1, attainment: 0.75 }]);
    expect(report.breaches).toMatchObject([
      {
        ticketNumber: ticketB,
        metric: "first_response",
        settledAt: "2026-11-24T09:30:00.000Z",
        usedMs: 75 * minute,
      },
    ]);
    // Open now (Tue 11:00): C's first response due 11:30, its resolution due Wed 10:30.
    expect(report.open).toMatchObject([
      { ticketNumber: ticketC, metric: "first_response", timeLeftMs: 30 * minute },
      { ticketNumber: ticketC, metric: "resolution", timeLeftMs: 23.5 * 60 * minute },
    ]);
  });

  it("groups by severity and filters, each row linking to its clocks", async () => {
    const report = await getJson(`/api/v1/reports/sla-attainment?${period}&groupBy=severity`);
    expect(report.rows.map((row: Record<string, unknown>) => [row.key, row.met, row.breached])).toEqual([
      ["sev1", 2, 0],
      ["sev2", 1, 1],
    ]);
    const sev2 = report.rows[1];
    const query = new URLSearchParams({ ...sev2.filters, outcome: "met" });
    const met = await getJson(`/api/v1/reports/sla-attainment/tickets?${query}`);
    expect(
      met.items.map((clock: { ticketNumber: number; metric: string }) => [clock.ticketNumber, clock.metric]),
    ).toEqual([[ticketB, "resolution"]]);

    const filtered = await getJson(
      `/api/v1/reports/sla-attainment?${period}&severity=sev1&metric=first_response`,
    );
    expect(filtered.total).toEqual({ met: 1, breached: 0, applicable: 1, attainment: 1 });
    const cloud = await getJson(
      `/api/v1/reports/sla-attainment?${period}&plan=cloud&policyId=${fixturePolicyId}`,
    );
    expect(cloud.total.applicable).toBe(4);
    // "none": tickets of no organization with a plan; every fixture ticket has one.
    const withoutPlan = await getJson(`/api/v1/reports/sla-attainment?${period}&plan=none`);
    expect(withoutPlan.total.applicable).toBe(0);
  });

  it("pages through the clocks behind a figure by keyset", async () => {
    const first = await getJson(`/api/v1/reports/sla-attainment/tickets?${period}&outcome=met&limit=2`);
    // Met, by settling instant: A first response Mon 09:30, A resolution Mon 13:00, B resolution Tue 11:00.
    expect(first.items.map((clock: { settledAt: string }) => clock.settledAt)).toEqual([
      "2026-11-23T09:30:00.000Z",
      "2026-11-23T13:00:00.000Z",
    ]);
    const second = await getJson(
      `/api/v1/reports/sla-attainment/tickets?${period}&outcome=met&limit=2&cursor=${first.nextCursor}`,
    );
    expect(second.items.map((clock: { settledAt: string }) => clock.settledAt)).toEqual([
      "2026-11-24T11:00:00.000Z",
    ]);
    expect(second.nextCursor).toBeNull();
  });
});

describe("Times report", () => {
  it("gives median, p90 and mean in business and calendar time, and the resolution goal", async () => {
    const report = await getJson(`/api/v1/reports/times?${period}`);
    // First response: business [30, 75] min, calendar [30, 1035] min (B: Mon 16:30 → Tue 09:45).
    // Nearest rank of 2 values: the median is the first, p90 the second.
    // Resolution: business [150, 240] min, calendar [240, 1110] min (B: Mon 16:30 → Tue 11:00).
    expect(report.rows).toMatchObject([
      {
        label: "Fixture · first response",
        count: 2,
        business: { medianMs: 30 * minute, p90Ms: 75 * minute, meanMs: 52.5 * minute },
        calendar: { medianMs: 30 * minute, p90Ms: 1035 * minute, meanMs: 532.5 * minute },
      },
      {
        label: "Fixture · resolution",
        count: 2,
        business: { medianMs: 150 * minute, p90Ms: 240 * minute, meanMs: 195 * minute },
        calendar: { medianMs: 240 * minute, p90Ms: 1110 * minute, meanMs: 675 * minute },
      },
    ]);
    // Mean resolution 675 min = 11.25 h, within the default week.
    expect(report.resolution).toEqual({
      goalDays: 7,
      goalMs: 7 * 24 * 60 * minute,
      count: 2,
      meanMs: 675 * minute,
      withinGoal: true,
    });
  });
});

describe("Overview", () => {
  it("gathers the period's figures from the reports they link to", async () => {
    const overview = await getJson(`/api/v1/reports/overview?${period}`);
    expect(overview.sla.total).toEqual({ met: 3, breached: 1, applicable: 4, attainment: 0.75 });
    expect(
      overview.sla.byMetric.map((row: Record<string, unknown>) => [row.label, row.attainment, row.filters]),
    ).toEqual([
      ["first response", 0.5, expect.objectContaining({ metric: "first_response" })],
      ["resolution", 1, expect.objectContaining({ metric: "resolution" })],
    ]);
    expect(overview.firstResponse).toMatchObject([
      { label: "Fixture · first response", count: 2, business: { medianMs: 30 * minute } },
    ]);
    expect(overview.resolution).toMatchObject({ meanMs: 675 * minute, withinGoal: true });
    // Read at Tue 11:00: A and B are solved, C is New.
    expect(overview.backlog.total).toBe(1);
    expect(overview.backlog.byStatus).toContainEqual({ status: "new", count: 1 });
    // No health sweep ran and nobody rated or was sampled for review: zeros, not made-up figures.
    expect(overview.health).toEqual({ unacknowledged: 0, idle: 0, autoSolved: 0, reopened: 0 });
    expect(overview.csat.score).toBeNull();
    expect(overview.reviewsOpen).toBe(0);
    expect(overview.articlesToWrite).toEqual([]);
    expect(overview.questionsGroupedAt).toBeNull();
  });

  it("covers the last seven days by default, for staff only", async () => {
    const overview = await getJson("/api/v1/reports/overview");
    expect([overview.from, overview.to]).toEqual(["2026-11-17T11:00:00.000Z", "2026-11-24T11:00:00.000Z"]);
    const refused = await desk.app.inject({ url: "/api/v1/reports/overview", headers: customer.auth });
    expect(refused.statusCode).toBe(403);
    const malformed = await desk.app.inject({
      url: "/api/v1/reports/overview?from=yesterday",
      headers: agent.auth,
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});

describe("CSV export", () => {
  it("downloads the report as RFC 4180 CSV", async () => {
    const response = await desk.app.inject({
      url: `/api/v1/reports/sla-attainment?${period}&format=csv`,
      headers: agent.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="sla-attainment-2026-11-23-2026-11-25.csv"',
    );
    expect(response.body).toBe(
      "Group,Met,Breached,Applicable,Attainment\r\n" +
        "Fixture · first response,1,1,2,0.5\r\n" +
        "Fixture · resolution,2,0,2,1\r\n" +
        "Total,3,1,4,0.75\r\n",
    );
  });

  it("defuses formulas and quotes fields, asked by Accept", async () => {
    const response = await desk.app.inject({
      url: `/api/v1/reports/sla-attainment/tickets?${period}&outcome=open`,
      headers: { ...agent.auth, accept: "text/csv" },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const [, firstRow] = response.body.split("\r\n");
    expect(firstRow).toContain(`,"'=HYPERLINK(""http://evil.example""), ""click""",`);
  });
});

describe("who may read reports", () => {
  it("refuses customers and anonymous callers", async () => {
    for (const url of [
      `/api/v1/reports/sla-attainment?${period}`,
      `/api/v1/reports/times?${period}`,
      `/api/v1/reports/sla-attainment/tickets?${period}&outcome=breached`,
    ]) {
      expect((await desk.app.inject({ url, headers: customer.auth })).statusCode).toBe(403);
      expect((await desk.app.inject({ url })).statusCode).toBe(401);
    }
  });

  it("refuses a malformed period precisely", async () => {
    const response = await desk.app.inject({
      url: "/api/v1/reports/sla-attainment?from=2026-11-25T00:00:00Z&to=2026-11-23T00:00:00Z",
      headers: agent.auth,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors?.[0]?.field ?? response.body).toContain("to");
  });
});

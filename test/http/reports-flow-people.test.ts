import { describe, expect, it } from "vitest";
import { findTicketIdByNumber, insertFlagOnce } from "../../src/modules/health/health-repository.js";
import { createGroup } from "../../src/modules/identity/manage-groups.js";
import { systemScope } from "../../src/modules/identity/tenant-scope.js";
import { insertPageEvents } from "../../src/modules/paging/paging-repository.js";
import { autoSolvePendingTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import { newId } from "../../src/shared/ids.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * The Flow and People reports on a hand-made desk, on either database: every figure below is worked
 * out by hand from the story in `buildDesk`, then the CSV, the drill-down, permissions and filters.
 */
describe("Flow and People reports", () => {
  const desk = useTestDesk();
  const api = (method: "GET" | "POST" | "PATCH", url: string, person: Person, payload?: unknown) =>
    desk.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: person.auth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
  const scope = systemScope("test fixture");

  interface Desk {
    groupId: string;
    ada: Person;
    bob: Person;
    customer: Person;
    numbers: Record<"t1" | "t2" | "t3" | "t4" | "t5" | "t6", number>;
  }
  let built: Desk | undefined;

  /**
   * The story (UTC; the test desk has no support calendar, so a day is a UTC day). Group G, agents
   * Ada and Bob, one customer. The period is [Dec 1, Dec 4).
   *
   * Nov 23 09:30  T6 created (portal), Open, no assignee          — before the period
   * Nov 25 10:00  T5 created (chat), Pending, Bob                  — before the period
   * Dec 1 08:00   the auto-solve sweep solves T5 (5 days pending)  — solved + auto-solved, chat
   * Dec 1 09:00   T1 created (email), Ada
   * Dec 1 10:00   T2 created (phone), Ada
   * Dec 1 11:00   T3 created (email), Bob
   * Dec 1 15:00   Ada replies on T1 as Solved                      — solved, email; Ada's reply
   * Dec 1 17:00   T2 flagged "unacknowledged at end of day"        — phone
   * Dec 2 09:00   Ada reopens T1                                   — reopened, email
   * Dec 2 10:00   Ada solves T1 again                              — solved, email
   * Dec 2 11:00   the customer rates T1 Good
   * Dec 2 12:00   Ada is paged (by mail and by webhook: one page)
   * Dec 2 13:00   Bob replies on T3 (New → Open)                   — Bob's reply
   * Dec 3 10:00   T3 flagged "open over a day"                     — email
   * Dec 3 18:00   T4 created (email), Pending, Bob
   * Dec 4 00:00   the reports are read
   */
  async function buildDesk(): Promise<Desk> {
    if (built) return built;
    const admin = await desk.makeAgent({ role: "admin" });
    const ada = await desk.makeAgent();
    const bob = await desk.makeAgent();
    const customer = await desk.makeCustomer((await desk.makeOrganization()).id);
    const group = await createGroup({ ctx: desk.as(admin.actor), input: { name: `Flow ${desk.unique()}` } });
    const at = (instant: string) => desk.clock.set(instant);
    const create = async (
      by: Person,
      input: { channel: string; assigneeId?: string; status?: string },
    ): Promise<{ number: number; version: number }> => {
      const response = await api("POST", "/tickets", by, {
        subject: `Report fixture ${desk.unique()}`,
        body: "Something is wrong",
        requesterId: customer.id,
        groupId: group.id,
        ...input,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const patch = async (by: Person, number: number, changes: Record<string, unknown>) => {
      const current = (await api("GET", `/tickets/${number}`, by)).json();
      const response = await api("PATCH", `/tickets/${number}`, by, { version: current.version, ...changes });
      expect(response.statusCode, response.body).toBe(200);
    };
    const reply = async (by: Person, number: number, status?: string) => {
      const response = await api("POST", `/tickets/${number}/comments`, by, {
        body: "Here is what to do",
        visibility: "public",
        ...(status ? { status } : {}),
      });
      expect(response.statusCode, response.body).toBe(201);
    };
    const flag = async (
      number: number,
      kind: "unacknowledged_end_of_day" | "open_over_a_day",
      raisedAt: string,
    ) => {
      const ticketId = (await findTicketIdByNumber(desk.database.db, scope, number)) as string;
      await insertFlagOnce(desk.database.db, {
        id: newId(),
        ticket_id: ticketId,
        flag: kind,
        since: raisedAt,
        due_at: raisedAt,
        raised_at: raisedAt,
        cleared_at: null,
      });
    };

    at("2026-11-23T09:30:00.000Z");
    const t6 = await create(admin, { channel: "portal", status: "open" });
    at("2026-11-25T10:00:00.000Z");
    const t5 = await create(admin, { channel: "chat", status: "pending", assigneeId: bob.id });
    at("2026-12-01T08:00:00.000Z");
    await autoSolvePendingTickets(desk.system);
    at("2026-12-01T09:00:00.000Z");
    const t1 = await create(admin, { channel: "email", assigneeId: ada.id });
    at("2026-12-01T10:00:00.000Z");
    const t2 = await create(admin, { channel: "phone", assigneeId: ada.id });
    at("2026-12-01T11:00:00.000Z");
    const t3 = await create(admin, { channel: "email", assigneeId: bob.id });
    at("2026-12-01T15:00:00.000Z");
    await reply(ada, t1.number, "solved");
    await flag(t2.number, "unacknowledged_end_of_day", "2026-12-01T17:00:00.000Z");
    at("2026-12-02T09:00:00.000Z");
    await patch(ada, t1.number, { status: "open" });
    at("2026-12-02T10:00:00.000Z");
    await patch(ada, t1.number, { status: "solved" });
    at("2026-12-02T11:00:00.000Z");
    const rated = await api("POST", `/tickets/${t1.number}/satisfaction`, customer, { rating: "good" });
    expect(rated.statusCode, rated.body).toBe(200);
    at("2026-12-02T12:00:00.000Z");
    await pageTwice(admin, ada);
    at("2026-12-02T13:00:00.000Z");
    await reply(bob, t3.number);
    await flag(t3.number, "open_over_a_day", "2026-12-03T10:00:00.000Z");
    at("2026-12-03T18:00:00.000Z");
    const t4 = await create(admin, { channel: "email", status: "pending", assigneeId: bob.id });
    // Ada alone on a schedule: on call all along.
    const schedule = await api("POST", "/oncall/schedules", admin, {
      name: `Flow on call ${desk.unique()}`,
      timeZone: "UTC",
      layers: [{ participants: [ada.id], startDate: "2026-11-23", handoffTime: "09:00" }],
    });
    expect(schedule.statusCode, schedule.body).toBe(201);
    at("2026-12-04T00:00:00.000Z");
    built = {
      groupId: group.id,
      ada,
      bob,
      customer,
      numbers: { t1: t1.number, t2: t2.number, t3: t3.number, t4: t4.number, t5: t5.number, t6: t6.number },
    };
    return built;
  }

  /** A page to Ada, notified by mail and by webhook, as the escalation's jobs record it. */
  async function pageTwice(admin: Person, ada: Person) {
    const policyName = `flow-${desk.unique()}`;
    const policy = await api("POST", "/escalation-policies", admin, {
      name: policyName,
      levels: [{ targets: [{ kind: "person", personId: ada.id }], timeoutMinutes: 5 }],
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const page = await api("POST", "/pages", admin, {
      title: "Checkout down",
      severity: "sev1",
      policy: policyName,
    });
    expect(page.statusCode, page.body).toBe(201);
    const now = desk.clock.now().toISOString();
    await insertPageEvents(
      desk.database.db,
      ["email", "webhook"].map((route) => ({
        id: newId(),
        page_id: page.json().id,
        kind: "notified",
        person_id: ada.id,
        detail: `notified via ${route}`,
        actor: "escalation",
        at: now,
      })),
    );
  }

  const period = "from=2026-12-01T00:00:00.000Z&to=2026-12-04T00:00:00.000Z";

  it("counts the flow per day and channel and the backlog by status and age", async () => {
    const { groupId, ada } = await buildDesk();
    const response = await api("GET", `/reports/flow?${period}&groupId=${groupId}`, ada);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report.timeZone).toBe("UTC");
    expect(report.channels).toEqual(["chat", "email", "phone"]);
    // created: T1, T2, T3 on Dec 1, T4 on Dec 3 (T5, T6 came before). solved: T5 (auto) and T1 on
    // Dec 1, T1 again on Dec 2 = 3. reopened: T1 on Dec 2. unacknowledged: T2; idle: T3.
    expect(report.totals).toEqual({
      created: 4,
      solved: 3,
      reopened: 1,
      autoSolved: 1,
      unacknowledged: 1,
      idle: 1,
    });
    expect(report.days.map((day: { date: string }) => day.date)).toEqual([
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
    ]);
    const [dec1, dec2, dec3] = report.days;
    expect(dec1.from).toBe("2026-12-01T00:00:00.000Z");
    expect(dec1.to).toBe("2026-12-02T00:00:00.000Z");
    expect(dec1.figures.created).toEqual({ total: 3, byChannel: { email: 2, phone: 1 } });
    expect(dec1.figures.solved).toEqual({ total: 2, byChannel: { chat: 1, email: 1 } });
    expect(dec1.figures.autoSolved).toEqual({ total: 1, byChannel: { chat: 1 } });
    expect(dec1.figures.unacknowledged).toEqual({ total: 1, byChannel: { phone: 1 } });
    expect(dec2.figures.created).toEqual({ total: 0, byChannel: {} });
    expect(dec2.figures.solved).toEqual({ total: 1, byChannel: { email: 1 } });
    expect(dec2.figures.reopened).toEqual({ total: 1, byChannel: { email: 1 } });
    expect(dec3.figures.created).toEqual({ total: 1, byChannel: { email: 1 } });
    expect(dec3.figures.idle).toEqual({ total: 1, byChannel: { email: 1 } });

    // The backlog at Dec 4 00:00: T2 New (created Dec 1 10:00, 2.6 days old), T3 Open (2.5 days),
    // T4 Pending (6 hours), T6 Open (Nov 23 09:30, 10.6 days). T1 and T5 are solved.
    expect(report.backlog.total).toBe(4);
    expect(report.backlog.byStatus).toEqual([
      { status: "new", count: 1 },
      { status: "open", count: 2 },
      { status: "pending", count: 1 },
    ]);
    expect(
      report.backlog.byAge.map((bucket: { age: string; count: number }) => [bucket.age, bucket.count]),
    ).toEqual([
      ["under_1_day", 1],
      ["1_to_3_days", 2],
      ["3_to_7_days", 0],
      ["7_to_30_days", 1],
      ["over_30_days", 0],
    ]);
    expect(report.backlog.byAge[1].byStatus).toEqual({ new: 1, open: 1, pending: 0 });

    // The channel filter: email alone.
    const email = (await api("GET", `/reports/flow?${period}&groupId=${groupId}&channel=email`, ada)).json();
    expect(email.totals).toEqual({
      created: 3,
      solved: 2,
      reopened: 1,
      autoSolved: 0,
      unacknowledged: 0,
      idle: 1,
    });
    // Bob's tickets: T3, T4, T5.
    const bobs = (
      await api("GET", `/reports/flow?${period}&groupId=${groupId}&agentId=${built?.bob.id}`, ada)
    ).json();
    expect(bobs.totals).toMatchObject({ created: 2, solved: 1, autoSolved: 1 });
    expect(bobs.backlog.total).toBe(2);
  });

  it("lists the tickets behind each figure", async () => {
    const { groupId, ada, numbers } = await buildDesk();
    const list = async (query: string) => {
      const response = await api("GET", `/reports/flow/tickets?groupId=${groupId}&${query}`, ada);
      expect(response.statusCode, response.body).toBe(200);
      return response.json().tickets.map((ticket: { number: number }) => ticket.number);
    };
    const dec1 = "from=2026-12-01T00:00:00.000Z&to=2026-12-02T00:00:00.000Z";
    expect(await list(`figure=created&${dec1}&channel=email`)).toEqual([numbers.t3, numbers.t1]);
    expect(await list(`figure=solved&${period}&agentId=${ada.id}`)).toEqual([numbers.t1, numbers.t1]);
    expect(await list(`figure=autoSolved&${period}`)).toEqual([numbers.t5]);
    expect(await list(`figure=reopened&${period}`)).toEqual([numbers.t1]);
    expect(await list(`figure=unacknowledged&${period}`)).toEqual([numbers.t2]);
    expect(await list("figure=backlog&age=1_to_3_days")).toEqual([numbers.t2, numbers.t3]);
    expect(await list("figure=backlog&status=open")).toEqual([numbers.t6, numbers.t3]);
    const truncated = await api(
      "GET",
      `/reports/flow/tickets?groupId=${groupId}&figure=backlog&limit=1`,
      ada,
    );
    expect(truncated.json()).toMatchObject({ truncated: true, tickets: [{ number: numbers.t6 }] });
  });

  it("gives each agent and group their solves, replies, CSAT, SLA attainment and on-call load", async () => {
    const { groupId, ada, bob } = await buildDesk();
    const response = await api("GET", `/reports/people?${period}&groupId=${groupId}`, ada);
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    const adaRow = report.agents.find((agent: { id: string }) => agent.id === ada.id);
    const bobRow = report.agents.find((agent: { id: string }) => agent.id === bob.id);
    // Ada: T1 solved twice; one reply (the descriptions are requests, not replies); T1 rated Good;
    // on call the whole 3 days = 72 h; one page, notified by two routes.
    expect(adaRow).toMatchObject({
      solved: 2,
      replies: 1,
      csat: { good: 1, bad: 0, score: 1 },
      onCallHours: 72,
      pagesReceived: 1,
    });
    // Bob: T5 auto-solved while his; one reply on T3; no ratings (a null score, not 0); no duty.
    expect(bobRow).toMatchObject({
      solved: 1,
      replies: 1,
      csat: { good: 0, bad: 0, score: null },
      onCallHours: 0,
      pagesReceived: 0,
    });
    expect(adaRow.slaAttainment).toHaveProperty("attainment");
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ id: groupId, solved: 3, replies: 2, csat: { good: 1 } });

    const only = (
      await api("GET", `/reports/people?${period}&groupId=${groupId}&agentId=${bob.id}`, ada)
    ).json();
    expect(only.agents.map((agent: { id: string }) => agent.id)).toEqual([bob.id]);
  });

  it("exports both reports as CSV", async () => {
    const { groupId, ada } = await buildDesk();
    const flow = await api("GET", `/reports/flow?${period}&groupId=${groupId}&format=csv`, ada);
    expect(flow.statusCode, flow.body).toBe(200);
    expect(flow.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(flow.headers["content-disposition"]).toBe('attachment; filename="flow-2026-12-01-2026-12-04.csv"');
    const lines = flow.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe("date,channel,created,solved,reopened,autoSolved,unacknowledged,idle");
    // Three days × three channels.
    expect(lines).toHaveLength(1 + 9);
    expect(lines).toContain("2026-12-01,email,2,1,0,0,0,0");
    expect(lines).toContain("2026-12-01,chat,0,1,0,1,0,0");
    expect(lines).toContain("2026-12-03,email,1,0,0,0,0,1");

    const people = await api(
      "GET",
      `/reports/people?${period}&groupId=${groupId}&agentId=${ada.id}&format=csv`,
      ada,
    );
    expect(people.statusCode, people.body).toBe(200);
    const rows = people.body.trimEnd().split("\r\n");
    expect(rows[0]).toBe(
      "kind,name,solved,replies,csat_good,csat_bad,csat_score,sla_met,sla_applicable,sla_attainment,on_call_hours,pages_received",
    );
    expect(rows[1]).toMatch(new RegExp(`^agent,${ada.name},2,1,1,0,1,\\d+,\\d+,[\\d.]*,72,1$`));
  });

  it("answers staff only, and refuses a bad period precisely", async () => {
    const { customer, ada } = await buildDesk();
    for (const url of ["/reports/flow", "/reports/people", "/reports/flow/tickets?figure=created"]) {
      expect((await api("GET", url, customer)).statusCode).toBe(403);
      expect((await desk.app.inject({ method: "GET", url: `/api/v1${url}` })).statusCode).toBe(401);
    }
    const backwards = await api(
      "GET",
      "/reports/flow?from=2026-12-04T00:00:00Z&to=2026-12-01T00:00:00Z",
      ada,
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().errors).toEqual([{ field: "to", message: "must be after from" }]);
    const tooLong = await api(
      "GET",
      "/reports/people?from=2024-01-01T00:00:00Z&to=2026-12-01T00:00:00Z",
      ada,
    );
    expect(tooLong.statusCode).toBe(400);
    const unknownFigure = await api("GET", "/reports/flow/tickets?figure=everything", ada);
    expect(unknownFigure.statusCode).toBe(400);
  });
});

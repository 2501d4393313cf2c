import { describe, expect, it } from "vitest";
import { findGroupByName } from "../../src/modules/identity/group-repository.js";
import { MINUTE } from "../../src/shared/clock.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * CSAT end to end on either database: a survey per solve, the mail through a real SMTP relay, the
 * link's page (forged, closed, expired refused; change of mind before close), Bad → review + mail,
 * the figures on a hand-made fixture, and tenant safety of the requester's route.
 */
describe("CSAT surveys and case reviews", () => {
  const email = useEmailDesk({ relaySink: true });
  const api = (method: "GET" | "POST" | "PUT" | "PATCH", url: string, person: Person, payload?: unknown) =>
    email.desk.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: person.auth,
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });

  async function solvedTicket(options: { tags?: string[]; organizationId?: string } = {}) {
    const { desk } = email;
    const organizationId = options.organizationId ?? (await desk.makeOrganization()).id;
    const customer = await desk.makeCustomer(organizationId);
    const agent = await desk.makeAgent();
    const created = (
      await api("POST", "/tickets", customer, { subject: "Printer offline", body: "Help" })
    ).json();
    const solved = await api("PATCH", `/tickets/${created.number}`, agent, {
      version: created.version,
      status: "solved",
      assigneeId: agent.id,
      ...(options.tags ? { tags: options.tags } : {}),
    });
    expect(solved.statusCode, solved.body).toBe(200);
    return {
      number: created.number as number,
      customer,
      agent,
      organizationId,
      version: solved.json().version,
    };
  }

  const surveyMails = () =>
    email.sink?.received
      .map((mail) => mail.raw.toString("utf8"))
      .filter((raw) => /How did we do\?/.test(raw)) ?? [];
  const tokenIn = (raw: string) => {
    const match = /\/csat\/([A-Za-z0-9_-]+)\?rating=good/.exec(
      raw.replace(/=\r?\n/g, "").replace(/=3D/g, "="),
    );
    if (!match?.[1]) throw new Error("no survey link in the mail");
    return match[1];
  };
  const page = (method: "GET" | "POST", token: string, form?: string, query = "") =>
    email.desk.app.inject({
      method,
      url: `/csat/${token}${query}`,
      headers: form === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" },
      ...(form === undefined ? {} : { payload: form }),
    });

  it("mails the survey after the delay, and the link records, changes and then refuses answers", async () => {
    const { desk } = email;
    const admin = await desk.makeAgent({ role: "admin" });
    const settings = await api("PUT", "/satisfaction/settings", admin, {
      enabled: true,
      delayMinutes: 10,
      excludedOrganizationIds: [],
      excludedTags: [],
    });
    expect(settings.statusCode, settings.body).toBe(200);
    const before = surveyMails().length;
    const { number, customer } = await solvedTicket();
    await email.processInbound();
    expect(surveyMails().length).toBe(before);
    desk.clock.advance(11 * MINUTE);
    await email.processInbound();
    const mails = surveyMails().slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toContain(`${publicUrl}/csat/`);
    const token = tokenIn(mails[0] as string);

    // Opening the link (as a mail scanner would) records nothing: the choice is preselected.
    const shown = await page("GET", token, undefined, "?rating=bad");
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toMatch(/value="bad" required checked/);
    expect((await api("GET", `/tickets/${number}/satisfaction`, customer)).json().rating).toBeNull();

    const good = await page("POST", token, "rating=good&comment=Quick+and+kind");
    expect(good.statusCode).toBe(200);
    expect(good.body).toContain("Good");
    const bad = await page("POST", token, "rating=bad&comment=Actually+not+fixed");
    expect(bad.statusCode).toBe(200);
    const view = (await api("GET", `/tickets/${number}/satisfaction`, customer)).json();
    expect(view).toMatchObject({ rating: "bad", comment: "Actually not fixed", open: true });

    // Forged: a token never issued.
    const forged = await page("POST", "forged-token-that-was-never-issued", "rating=good");
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toContain("not valid");

    // Closed: the ticket closes 4 days after its solve; the link answers no more.
    desk.clock.advance(4 * 24 * 60 * MINUTE);
    await email.processInbound();
    const { autoCloseSolvedTickets } = await import("../../src/modules/tickets/lifecycle-rules.js");
    await autoCloseSolvedTickets(desk.system);
    const reused = await page("POST", token, "rating=good");
    expect(reused.statusCode).toBe(410);
    expect(reused.body).toContain("closed");
    const portal = await api("POST", `/tickets/${number}/satisfaction`, customer, { rating: "good" });
    expect(portal.statusCode).toBe(409);
    expect((await api("GET", `/tickets/${number}/satisfaction`, customer)).json().rating).toBe("bad");
    await api("PUT", "/satisfaction/settings", admin, {
      enabled: true,
      delayMinutes: 0,
      excludedOrganizationIds: [],
      excludedTags: [],
    });
  });

  it("refuses an expired link", async () => {
    const { desk } = email;
    const before = surveyMails().length;
    const { number } = await solvedTicket();
    await email.processInbound();
    const token = tokenIn(surveyMails()[before] as string);
    // Reopen-free expiry: push the expiry into the past directly, as 7 days would outlive the solved state.
    await desk.database.db
      .updateTable("satisfaction_surveys")
      .set({ token_expires_at: desk.clock.now().toISOString() })
      .where("token_expires_at", "is not", null)
      .where("rating", "is", null)
      .execute();
    const expired = await page("POST", token, "rating=good");
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain("expired");
    expect(number).toBeGreaterThan(0);
  });

  it("surveys nothing for an excluded organization or tag", async () => {
    const { desk } = email;
    const admin = await desk.makeAgent({ role: "admin" });
    const excludedOrg = await desk.makeOrganization();
    await api("PUT", "/satisfaction/settings", admin, {
      enabled: true,
      delayMinutes: 0,
      excludedOrganizationIds: [excludedOrg.id],
      excludedTags: ["no-survey"],
    });
    const byOrg = await solvedTicket({ organizationId: excludedOrg.id });
    const byTag = await solvedTicket({ tags: ["no-survey"] });
    const asked = await solvedTicket();
    for (const { number, customer } of [byOrg, byTag])
      expect((await api("GET", `/tickets/${number}/satisfaction`, customer)).json()).toBeNull();
    expect((await api("GET", `/tickets/${asked.number}/satisfaction`, asked.customer)).json()).toMatchObject({
      rating: null,
      open: true,
    });
    await api("PUT", "/satisfaction/settings", admin, {
      enabled: true,
      delayMinutes: 0,
      excludedOrganizationIds: [],
      excludedTags: [],
    });
  });

  it("a Bad rating in the portal opens a case review and mails the group's admin; the agent sees it", async () => {
    const { desk } = email;
    const lead = await desk.makeAgent({ role: "admin", group: "Tier 1" });
    const { number, customer, agent } = await solvedTicket();
    const tier1 = await findGroupByName(desk.database.db, "Tier 1");
    const grouped = await api("PATCH", `/tickets/${number}`, agent, {
      version: (await api("GET", `/tickets/${number}`, agent)).json().version,
      groupId: tier1?.id,
    });
    expect(grouped.statusCode, grouped.body).toBe(200);
    const rated = await api("POST", `/tickets/${number}/satisfaction`, customer, {
      rating: "bad",
      comment: "Slow",
    });
    expect(rated.statusCode, rated.body).toBe(200);
    await email.processInbound();
    const mails = email.sink?.received.filter((mail) =>
      mail.raw.toString().includes(`Bad rating on #${number}`),
    );
    expect(mails?.length).toBeGreaterThan(0);

    const mine = (await api("GET", "/case-reviews?agentId=me", agent)).json();
    const review = mine.find((r: { ticket: { number: number } }) => r.ticket.number === number);
    expect(review).toMatchObject({ source: "bad_rating", state: "open", agent: { id: agent.id } });
    // An agent cannot read another agent's reviews, nor record one.
    const other = await desk.makeAgent();
    expect((await api("GET", `/case-reviews/${review.id}`, other)).statusCode).toBe(404);
    expect((await api("GET", `/case-reviews?agentId=${agent.id}`, other)).statusCode).toBe(400);
    const recorded = await api("PUT", `/case-reviews/${review.id}`, lead, {
      version: review.version,
      accuracy: 3,
      tone: 2,
      completeness: 3,
      followedProcess: 4,
      note: "Follow up sooner",
      outcome: "coaching",
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json()).toMatchObject({ state: "done", outcome: "coaching", rubric: { tone: 2 } });
    expect(mails?.some((mail) => mail.rcptTo.includes(lead.email))).toBe(true);
  });

  it("a customer cannot rate another organization's ticket, nor a colleague's", async () => {
    const { desk } = email;
    const { number, organizationId } = await solvedTicket();
    const outsider = await desk.makeCustomer((await desk.makeOrganization()).id);
    expect(
      (await api("POST", `/tickets/${number}/satisfaction`, outsider, { rating: "good" })).statusCode,
    ).toBe(404);
    expect((await api("GET", `/tickets/${number}/satisfaction`, outsider)).statusCode).toBe(404);
    const colleague = await desk.makeCustomer(organizationId);
    expect(
      (await api("POST", `/tickets/${number}/satisfaction`, colleague, { rating: "good" })).statusCode,
    ).toBe(403);
  });

  it("reports the score and response rate of a period from a hand-made fixture, grouped by agent", async () => {
    const { desk } = email;
    const admin = await desk.makeAgent({ role: "admin" });
    // Earlier tests solved tickets at this instant: the period starts after them.
    desk.clock.advance(MINUTE);
    const from = desk.clock.now().toISOString();
    desk.clock.advance(MINUTE);
    // Three surveys of agent A (good, good, bad) and two of agent B (one good, one unanswered).
    const a1 = await solvedTicket();
    const agentA = a1.agent;
    const reassign = async (n: number, to: Person) => {
      // A new solve cycle is a new solve instant.
      desk.clock.advance(1000);
      const t = (await api("GET", `/tickets/${n}`, admin)).json();
      const reopened = await api("PATCH", `/tickets/${n}`, admin, {
        version: t.version,
        status: "open",
        assigneeId: to.id,
      });
      expect(reopened.statusCode, reopened.body).toBe(200);
      const again = await api("PATCH", `/tickets/${n}`, admin, {
        version: reopened.json().version,
        status: "solved",
      });
      expect(again.statusCode, again.body).toBe(200);
    };
    const a2 = await solvedTicket();
    const a3 = await solvedTicket();
    await reassign(a2.number, agentA);
    await reassign(a3.number, agentA);
    const b1 = await solvedTicket();
    const agentB = b1.agent;
    const b2 = await solvedTicket();
    await reassign(b2.number, agentB);
    // The mail goes to each ticket's current solve cycle only: first cycles reopened before it left stay unsent.
    await email.processInbound();
    for (const [t, rating] of [
      [a1, "good"],
      [a2, "good"],
      [a3, "bad"],
      [b1, "good"],
    ] as const)
      expect(
        (await api("POST", `/tickets/${t.number}/satisfaction`, t.customer, { rating })).statusCode,
      ).toBe(200);
    desk.clock.advance(MINUTE);
    const to = desk.clock.now().toISOString();
    const report = await api("GET", `/reports/csat?from=${from}&to=${to}&groupBy=agent`, admin);
    expect(report.statusCode, report.body).toBe(200);
    const body = report.json();
    const rowA = body.rows.find((row: { key: string }) => row.key === agentA.id);
    const rowB = body.rows.find((row: { key: string }) => row.key === agentB.id);
    expect(rowA).toMatchObject({ good: 2, bad: 1, answered: 3, score: 2 / 3 });
    expect(rowB).toMatchObject({ good: 1, bad: 0, answered: 1, sent: 2, score: 1, responseRate: 0.5 });
    expect(body.total.good).toBe(3);
    expect(body.total.bad).toBe(1);
    expect(body.total.score).toBe(0.75);
    expect(body.total.sent).toBe(5);
    expect(body.total.responseRate).toBe(0.8);
    const backwards = await api("GET", `/reports/csat?from=${to}&to=${from}`, admin);
    expect(backwards.statusCode).toBe(400);
    const customerAsks = await api("GET", `/reports/csat?from=${from}&to=${to}`, a1.customer);
    expect(customerAsks.statusCode).toBe(403);
  });

  it("draws a sample of each agent's solved tickets, skipping tickets sampled before", async () => {
    const { desk } = email;
    const admin = await desk.makeAgent({ role: "admin" });
    desk.clock.advance(MINUTE);
    const from = desk.clock.now().toISOString();
    desk.clock.advance(MINUTE);
    const first = await solvedTicket();
    await solvedTicket();
    desk.clock.advance(MINUTE);
    const to = desk.clock.now().toISOString();
    const drawn = await api("POST", "/case-reviews/samples", admin, { from, to, perAgent: 2 });
    expect(drawn.statusCode, drawn.body).toBe(201);
    expect(drawn.json()).toHaveLength(2);
    const again = await api("POST", "/case-reviews/samples", admin, { from, to, perAgent: 2 });
    expect(again.json()).toHaveLength(0);
    expect(
      (await api("POST", "/case-reviews/samples", first.agent, { from, to, perAgent: 1 })).statusCode,
    ).toBe(403);
    const backwards = await api("POST", "/case-reviews/samples", admin, { from: to, to: from, perAgent: 1 });
    expect(backwards.statusCode).toBe(400);
  });

  it("erasing the requester forgets their comment and keeps the rating", async () => {
    const { desk } = email;
    const admin = await desk.makeAgent({ role: "admin" });
    const { number, customer } = await solvedTicket();
    await api("POST", `/tickets/${number}/satisfaction`, customer, {
      rating: "good",
      comment: "Ask for Sam",
    });
    expect((await api("GET", `/tickets/${number}/satisfaction`, admin)).json().comment).toBe("Ask for Sam");
    const erased = await api("POST", `/people/${customer.id}/erasure`, admin, { dryRun: false });
    expect(erased.statusCode, erased.body).toBe(200);
    const view = (await api("GET", `/tickets/${number}/satisfaction`, admin)).json();
    expect(view).toMatchObject({ rating: "good", comment: null });
  });
});

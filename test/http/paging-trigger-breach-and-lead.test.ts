import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { prepareDebriefs } from "../../src/modules/oncall/handoff-preparation.js";
import { installDefaultPolicies } from "../../src/modules/sla/default-policies.js";
import { scanSlaClocks } from "../../src/modules/sla/sla-scan.js";
import { DAY } from "../../src/shared/clock.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import { requeueJobs } from "../support/requeue-jobs.js";
import type { Person } from "../support/test-desk.js";

/**
 * The other two ways Tend tells someone by itself: an SLA breach on a Sev 1 ticket pages the
 * trigger's policy once per clock however often its job runs, and a handoff debrief left
 * unacknowledged mails the schedule's support lead once.
 */
const email = useEmailDesk({ relaySink: true });
let admin: Person;
let responder: Person;
let customer: Person;
let policyId: string;
let triggerId: string;

function call(method: "GET" | "POST" | "PATCH", url: string, who: Person, payload?: object) {
  return email.desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.auth,
    ...(payload ? { payload } : {}),
  });
}

async function runJobs() {
  for (let pass = 0; pass < 3; pass += 1) await email.processInbound();
}

async function mailsTo(person: Person) {
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(person.email));
  return Promise.all(received.map((mail) => simpleParser(mail.raw)));
}

async function pagesOfTicket(ticketId: string) {
  return email.desk.database.db.selectFrom("pages").selectAll().where("ticket_id", "=", ticketId).execute();
}

/** Runs every queued job of `kind` once more, as a worker would after a crash before its commit. */
const requeue = (kind: string) => requeueJobs(email.desk, kind);

beforeAll(async () => {
  await installDefaultPolicies(email.desk.system);
  admin = email.admin;
  responder = await email.desk.makeAgent();
  customer = await email.desk.makeCustomer((await email.desk.makeOrganization({ plan: "cloud" })).id);
  const policy = await call("POST", "/escalation-policies", admin, {
    name: "sla-breaches",
    levels: [{ targets: [{ kind: "person", personId: responder.id }], timeoutMinutes: 15 }],
  });
  expect(policy.statusCode, policy.body).toBe(201);
  policyId = policy.json().id;
  const trigger = await call("POST", "/paging-triggers", admin, { kind: "sev1_sla_breached", policyId });
  expect(trigger.statusCode, trigger.body).toBe(201);
  triggerId = trigger.json().id;
});

describe("an SLA clock breached on a Sev 1 ticket", () => {
  it("pages once, even when the job runs twice or the clock breaches again", async () => {
    const sev1 = await call("POST", "/tickets", customer, {
      subject: "API unreachable",
      body: "All calls time out.",
      severity: "sev1",
    });
    const sev2 = await call("POST", "/tickets", customer, {
      subject: "Typo on invoice",
      body: "Minor.",
      severity: "sev2",
    });
    expect(sev1.statusCode, sev1.body).toBe(201);
    expect(sev2.statusCode, sev2.body).toBe(201);
    const ticketId = sev1.json().id as string;
    const number = sev1.json().number as number;
    await runJobs();
    expect(await pagesOfTicket(ticketId)).toEqual([]);

    email.desk.clock.advance(3 * DAY);
    expect((await scanSlaClocks(email.desk.system)).recomputed).toBeGreaterThan(0);
    const breached = await email.desk.database.db
      .selectFrom("sla_clocks")
      .selectAll()
      .where("ticket_id", "=", ticketId)
      .where("state", "=", "breached")
      .execute();
    expect(breached.length).toBeGreaterThan(0);
    await runJobs();
    const pages = await pagesOfTicket(ticketId);
    // One page per breached clock, none for the Sev 2 ticket's breaches.
    expect(pages).toHaveLength(breached.length);
    expect(await pagesOfTicket(sev2.json().id)).toEqual([]);
    expect(pages[0]).toMatchObject({ severity: "sev1", policy_id: policyId, status: "open" });
    expect(pages[0]?.title).toBe(`SLA breached on Sev 1 ticket #${number}: API unreachable`);
    expect(pages[0]?.details).toContain(`${publicUrl}/tickets/${number}`);
    const log = (await call("GET", `/pages/${pages[0]?.id}`, admin)).json().log as {
      kind: string;
      detail: string;
    }[];
    expect(log[0]?.detail).toContain(`"An SLA clock is breached on a Sev 1 ticket" (${triggerId})`);

    // The job runs again (a worker died before its commit was seen): no second page.
    expect(await requeue("paging.fire-trigger")).toBe(breached.length);
    await runJobs();
    expect(await pagesOfTicket(ticketId)).toHaveLength(breached.length);

    // The same clock breaches a second time (recomputed from running): its firing stands.
    await email.desk.database.db
      .updateTable("sla_clocks")
      .set({ state: "running", breached_at: null })
      .where("ticket_id", "=", ticketId)
      .where("state", "=", "breached")
      .execute();
    await scanSlaClocks(email.desk.system);
    const fireJobs = await email.desk.database.db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", "paging.fire-trigger")
      .where("status", "=", "queued")
      .execute();
    expect(fireJobs.length).toBe(breached.length);
    await runJobs();
    expect(await pagesOfTicket(ticketId)).toHaveLength(breached.length);

    // The database itself refuses a second firing for the same trigger, ticket and clock.
    const [firing] = await email.desk.database.db
      .selectFrom("paging_trigger_firings")
      .selectAll()
      .where("ticket_id", "=", ticketId)
      .execute();
    expect(firing?.page_id).toBeTruthy();
    await expect(
      email.desk.database.db
        .insertInto("paging_trigger_firings")
        .values({ ...(firing as NonNullable<typeof firing>), page_id: null })
        .execute(),
    ).rejects.toThrow();
  });
});

describe("a handoff debrief nobody acknowledges", () => {
  it("mails the schedule's support lead once, with the debrief's link", async () => {
    const alice = await email.desk.makeAgent();
    const bob = await email.desk.makeAgent();
    const lead = await email.desk.makeAgent();
    const layers = [{ participants: [alice.id, bob.id], startDate: "2026-11-23", handoffTime: "09:00" }];
    const refused = await call("POST", "/oncall/schedules", admin, {
      name: "Refused",
      timeZone: "UTC",
      layers,
      supportLeadId: customer.id,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(refused.body).toContain("supportLeadId");
    const schedule = await call("POST", "/oncall/schedules", admin, {
      name: "Support rotation",
      timeZone: "UTC",
      layers,
      supportLeadId: lead.id,
    });
    expect(schedule.statusCode, schedule.body).toBe(201);
    expect(schedule.json().supportLeadId).toBe(lead.id);

    // Alice hands off to Bob on Monday 7 December at 09:00 UTC; the desk has no support calendar,
    // so the 2 hours are wall-clock hours.
    email.desk.clock.set(new Date("2026-12-07T08:00:00.000Z"));
    expect((await prepareDebriefs(email.desk.system)).prepared).toBe(1);
    email.desk.clock.set(new Date("2026-12-07T10:59:00.000Z"));
    expect((await prepareDebriefs(email.desk.system)).leadNotified).toBe(0);
    await runJobs();
    expect(await mailsTo(lead)).toEqual([]);

    email.desk.clock.set(new Date("2026-12-07T11:00:00.000Z"));
    expect((await prepareDebriefs(email.desk.system)).leadNotified).toBe(1);
    await runJobs();
    expect((await prepareDebriefs(email.desk.system)).leadNotified).toBe(0);
    expect(await requeue("oncall.mail-support-lead")).toBe(1);
    await runJobs();

    const mails = await mailsTo(lead);
    expect(mails).toHaveLength(1);
    const [debrief] = await email.desk.database.db.selectFrom("handoff_debriefs").selectAll().execute();
    expect(mails[0]?.subject).toBe("Handoff debrief not acknowledged: Support rotation");
    expect(mails[0]?.text).toContain(
      `${bob.name} has not acknowledged the handoff debrief from ${alice.name}`,
    );
    expect(mails[0]?.text).toContain(`${publicUrl}/oncall/debriefs/${debrief?.id}`);
    expect(debrief?.lead_mailed_at).toBe("2026-12-07T11:00:00.000Z");
  });
});

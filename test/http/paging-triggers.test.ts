import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { autoCloseSolvedTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import { DAY } from "../../src/shared/clock.js";
import { publicUrl, supportAddress, useEmailDesk } from "../email/email-desk.js";
import { dumpDatabase, findMarkers } from "../privacy/database-scan.js";
import type { Person } from "../support/test-desk.js";

/**
 * Paging triggers through the API: a Sev 1 ticket created by the API, by a customer and by email
 * pages the configured policy once, through the queued `paging.fire-trigger` job; a Sev 2 or a
 * disabled trigger pages nobody; and the admin API's refusals.
 */
const email = useEmailDesk({ relaySink: true });
let admin: Person;
let responder: Person;
let customer: Person;
let policyId: string;
let otherPolicyId: string;
let triggerId: string;

interface PageView {
  id: string;
  title: string;
  details: string;
  severity: string;
  ticketNumber: number | null;
  policy: { id: string; name: string };
}

function call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, who: Person, payload?: object) {
  return email.desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.auth,
    ...(payload ? { payload } : {}),
  });
}

/** Every page, however many: the list is cursor-paged. */
async function allPages(): Promise<PageView[]> {
  const pages: PageView[] = [];
  let cursor: string | null = null;
  do {
    const response = await call(
      "GET",
      `/pages${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`,
      admin,
    );
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json() as { pages: PageView[]; nextCursor?: string | null };
    pages.push(...body.pages);
    cursor = body.nextCursor ?? null;
  } while (cursor);
  return pages;
}

async function pagesFor(ticketNumber: number): Promise<PageView[]> {
  return (await allPages()).filter((page) => page.ticketNumber === ticketNumber);
}

async function mailsTo(person: Person) {
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(person.email));
  return Promise.all(received.map((mail) => simpleParser(mail.raw)));
}

/** A worker's passes: the trigger's job, then the page's first step, then its mail. */
async function runJobs() {
  for (let pass = 0; pass < 3; pass += 1) await email.processInbound();
}

async function ticketBy(who: Person, payload: object): Promise<number> {
  const created = await call("POST", "/tickets", who, payload);
  expect(created.statusCode, created.body).toBe(201);
  return created.json().number as number;
}

beforeAll(async () => {
  admin = email.admin;
  responder = await email.desk.makeAgent();
  customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
  const policy = await call("POST", "/escalation-policies", admin, {
    name: "sev1-response",
    levels: [{ targets: [{ kind: "person", personId: responder.id }], timeoutMinutes: 15 }],
  });
  expect(policy.statusCode, policy.body).toBe(201);
  policyId = policy.json().id;
  const other = await call("POST", "/escalation-policies", admin, {
    name: "engineering",
    levels: [{ targets: [{ kind: "person", personId: admin.id }], timeoutMinutes: 15 }],
  });
  expect(other.statusCode, other.body).toBe(201);
  otherPolicyId = other.json().id;
});

describe("the paging triggers API", () => {
  it("refuses an unknown policy, an unknown kind, a duplicate and an agent, as problem+json", async () => {
    const unknownPolicy = await call("POST", "/paging-triggers", admin, {
      kind: "sev1_ticket_created",
      policyId: "00000000-0000-7000-8000-000000000000",
    });
    expect(unknownPolicy.statusCode).toBe(422);
    expect(unknownPolicy.headers["content-type"]).toContain("application/problem+json");
    expect(unknownPolicy.body).toContain("policyId");

    const unknownKind = await call("POST", "/paging-triggers", admin, {
      kind: "status_page_incident_opened",
      policyId,
    });
    expect(unknownKind.statusCode).toBe(400);
    expect(unknownKind.headers["content-type"]).toContain("application/problem+json");

    const byAgent = await call("POST", "/paging-triggers", responder, {
      kind: "sev1_ticket_created",
      policyId,
    });
    expect(byAgent.statusCode).toBe(403);

    const created = await call("POST", "/paging-triggers", admin, { kind: "sev1_ticket_created", policyId });
    expect(created.statusCode, created.body).toBe(201);
    triggerId = created.json().id;
    expect(created.json()).toMatchObject({
      kind: "sev1_ticket_created",
      description: "A Sev 1 ticket is created",
      policy: { id: policyId, name: "sev1-response" },
      enabled: true,
    });
    const duplicate = await call("POST", "/paging-triggers", admin, {
      kind: "sev1_ticket_created",
      policyId,
    });
    expect(duplicate.statusCode).toBe(409);

    const moveToUnknown = await call("PATCH", `/paging-triggers/${triggerId}`, admin, {
      policyId: "00000000-0000-7000-8000-000000000000",
    });
    expect(moveToUnknown.statusCode).toBe(422);

    // A policy a trigger pages cannot be deleted from under it.
    const engineering = await call("POST", "/paging-triggers", admin, {
      kind: "sev1_sla_breached",
      policyId: otherPolicyId,
      enabled: false,
    });
    expect(engineering.statusCode, engineering.body).toBe(201);
    expect((await call("DELETE", `/escalation-policies/${otherPolicyId}`, admin)).statusCode).toBe(409);
    expect((await call("DELETE", `/paging-triggers/${engineering.json().id}`, responder)).statusCode).toBe(
      403,
    );
    expect((await call("DELETE", `/paging-triggers/${engineering.json().id}`, admin)).statusCode).toBe(204);
    expect((await call("DELETE", `/paging-triggers/${engineering.json().id}`, admin)).statusCode).toBe(404);

    const listed = await call("GET", "/paging-triggers", responder);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().triggers.map((t: { id: string }) => t.id)).toEqual([triggerId]);
    expect(listed.json().kinds.map((k: { kind: string }) => k.kind)).toEqual([
      "sev1_ticket_created",
      "sev1_sla_breached",
      "status_incident_opened",
    ]);

    const audit = await email.desk.database.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_type", "=", "paging_trigger")
      .execute();
    expect(audit.map((row) => row.action).sort()).toEqual([
      "paging_trigger.created",
      "paging_trigger.created",
      "paging_trigger.deleted",
    ]);
  });
});

describe("a Sev 1 ticket created", () => {
  it("by an agent through the API pages the policy once, from a queued job", async () => {
    const number = await ticketBy(responder, {
      subject: "Checkout returns 500 for every customer",
      body: "Since 09:00 nothing can be bought.",
      severity: "sev1",
      requester: { email: customer.email },
    });
    // Nothing is paged inside the request: the job does it.
    expect(await pagesFor(number)).toEqual([]);
    await runJobs();
    await runJobs();
    const pages = await pagesFor(number);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({
      title: `Sev 1 ticket #${number}: Checkout returns 500 for every customer`,
      severity: "sev1",
      policy: { id: policyId },
    });
    expect(pages[0]?.details).toContain(`${publicUrl}/tickets/${number}`);
    const log = (await call("GET", `/pages/${pages[0]?.id}`, admin)).json().log as {
      kind: string;
      detail: string;
      actor: string;
    }[];
    expect(log[0]).toMatchObject({ kind: "opened", actor: "paging trigger" });
    expect(log[0]?.detail).toContain(`"A Sev 1 ticket is created" (${triggerId})`);
    const mails = await mailsTo(responder);
    expect(mails.map((mail) => mail.subject)).toEqual([
      `[SEV1] Page: Sev 1 ticket #${number}: Checkout returns 500 for every customer`,
    ]);
  });

  it("by a customer pages too; a Sev 2 ticket does not", async () => {
    const sev1 = await ticketBy(customer, {
      subject: "We are completely down",
      body: "Nothing loads.",
      severity: "sev1",
    });
    const sev2 = await ticketBy(customer, {
      subject: "A report is slow",
      body: "It takes a minute.",
      severity: "sev2",
    });
    await runJobs();
    expect(await pagesFor(sev1)).toHaveLength(1);
    expect(await pagesFor(sev2)).toEqual([]);
  });

  it("by email (a reply reopening a closed Sev 1 ticket as its follow-up) pages once", async () => {
    const { ticketNumber, requester, messageId } = await email.customerWritesIn(
      "Database cluster lost quorum",
    );
    // Mail opens Sev 2 tickets; an agent raises it. Raising is not creating: no page.
    const read = await call("GET", `/tickets/${ticketNumber}`, admin);
    const raised = await call("PATCH", `/tickets/${ticketNumber}`, admin, {
      version: read.json().version,
      severity: "sev1",
      status: "solved",
    });
    expect(raised.statusCode, raised.body).toBe(200);
    await runJobs();
    expect(await pagesFor(ticketNumber)).toEqual([]);
    email.desk.clock.advance(5 * DAY);
    expect(await autoCloseSolvedTickets(email.desk.system)).toBeGreaterThan(0);

    const reply = await email.deliver({
      from: requester,
      to: supportAddress,
      subject: "Re: Database cluster lost quorum",
      text: "It happened again, the cluster is down.",
      inReplyTo: messageId,
      references: [messageId],
    });
    const followUp = reply.ticketNumber as number;
    expect(followUp).not.toBe(ticketNumber);
    const created = (await call("GET", `/tickets/${followUp}`, admin)).json();
    expect(created).toMatchObject({ severity: "sev1", channel: "email" });
    await runJobs();
    await runJobs();
    const pages = await pagesFor(followUp);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.title).toBe(`Sev 1 ticket #${followUp}: Database cluster lost quorum`);
  });

  it("keeps no copy of the subject once the ticket's requester is erased", async () => {
    const requester = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
    const number = await ticketBy(requester, {
      subject: "Zeppelin fleet dashboard down",
      body: "Nothing loads.",
      severity: "sev1",
    });
    await runJobs();
    const [paged] = await pagesFor(number);
    expect(paged?.title).toContain("Zeppelin");
    const erased = await call("POST", `/people/${requester.id}/erasure`, admin, { dryRun: false });
    expect(erased.statusCode, erased.body).toBe(200);
    const counts = Object.fromEntries(
      erased.json().items.map((item: { kind: string; count: number }) => [item.kind, item.count]),
    );
    expect(counts).toMatchObject({ triggeredPages: 1, triggeredPageAuditRecords: 1 });
    const page = (await call("GET", `/pages/${paged?.id}`, admin)).json() as PageView;
    expect(page.title).toMatch(new RegExp(`^Sev 1 ticket #${number}: \\[erased on `));
    expect(findMarkers(await dumpDatabase(email.desk.database), ["zeppelin"])).toEqual([]);
  });

  it("pages nobody while its trigger is disabled", async () => {
    const disabled = await call("PATCH", `/paging-triggers/${triggerId}`, admin, { enabled: false });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json().enabled).toBe(false);
    const number = await ticketBy(customer, {
      subject: "Login broken",
      body: "Nobody can sign in.",
      severity: "sev1",
    });
    await runJobs();
    expect(await pagesFor(number)).toEqual([]);
    const jobs = await email.desk.database.db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", "paging.fire-trigger")
      .where("payload", "like", `%${(await call("GET", `/tickets/${number}`, admin)).json().id}%`)
      .execute();
    expect(jobs).toEqual([]);
    expect((await call("PATCH", `/paging-triggers/${triggerId}`, admin, { enabled: true })).statusCode).toBe(
      200,
    );
  });
});

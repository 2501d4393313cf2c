import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { beforeAll, describe, expect, it } from "vitest";
import { MINUTE } from "../../src/shared/clock.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * Paging through the HTTP API: a page escalating through its levels on the desk's manual clock,
 * the mail reaching a real SMTP relay with working one-click links, and the refusals.
 */
const email = useEmailDesk({ relaySink: true });
let admin: Person;
let onDuty: Person;
let lead: Person;
let customer: Person;
let scheduleId: string;
let groupId: string;
const password = "paging-test correct horse battery";

function call(
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  url: string,
  who: Person | null,
  payload?: object,
) {
  return email.desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who ? who.auth : {},
    ...(payload ? { payload } : {}),
  });
}

/** Runs due jobs until none are left: a step's mail jobs are enqueued while the step runs. */
async function runJobs() {
  await email.processInbound();
  await email.processInbound();
}

/** A browser following a mailed link: it asks for HTML. */
function browser(method: "GET" | "POST", url: string, headers: Record<string, string> = {}) {
  return email.desk.app.inject({
    method,
    url,
    headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8", ...headers },
  });
}

async function mailsTo(person: Person) {
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(person.email));
  return Promise.all(received.map((mail) => simpleParser(mail.raw)));
}

function linkIn(text: string | undefined, label: "Acknowledge" | "Resolve"): string {
  const escaped = publicUrl.replace(/[.]/g, "\\.");
  const match = new RegExp(`${label}: (${escaped}/api/v1/pages/act/[A-Za-z0-9_-]+)`).exec(text ?? "");
  if (!match?.[1]) throw new Error(`no ${label} link in: ${text}`);
  return match[1].slice(publicUrl.length);
}

async function pageLog(id: string) {
  const response = await call("GET", `/pages/${id}`, admin);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    status: string;
    log: { kind: string; detail: string; actor: string; person: { id: string; name: string } | null }[];
  };
}

beforeAll(async () => {
  admin = email.admin;
  const group = await call("POST", "/groups", admin, { name: `Support leadership ${email.desk.unique()}` });
  expect(group.statusCode, group.body).toBe(201);
  groupId = group.json().id;
  onDuty = await email.desk.makeAgent({ password });
  lead = await email.desk.makeAgent({ group: group.json().name });
  const organization = await email.desk.makeOrganization();
  customer = await email.desk.makeCustomer(organization.id);
  const schedule = await call("POST", "/oncall/schedules", admin, {
    name: `Support rotation ${email.desk.unique()}`,
    timeZone: "Europe/Paris",
    layers: [{ participants: [onDuty.id], startDate: "2026-11-01", handoffTime: "09:00" }],
  });
  expect(schedule.statusCode, schedule.body).toBe(201);
  scheduleId = schedule.json().id;
  // Level 1: whoever is on duty; level 2: the leadership group; then once more from the top.
  const policy = await call("POST", "/escalation-policies", admin, {
    name: "support-leadership",
    levels: [
      { targets: [{ kind: "schedule", scheduleId }], timeoutMinutes: 5 },
      { targets: [{ kind: "group", groupId }], timeoutMinutes: 10 },
    ],
    repeats: 1,
  });
  expect(policy.statusCode, policy.body).toBe(201);
});

describe("escalation policies", () => {
  it("are defined by admins, with every target checked", async () => {
    const unknownPerson = await call("POST", "/escalation-policies", admin, {
      name: "broken",
      levels: [
        {
          targets: [{ kind: "person", personId: "00000000-0000-7000-8000-000000000000" }],
          timeoutMinutes: 5,
        },
      ],
    });
    expect(unknownPerson.statusCode).toBe(422);
    expect(unknownPerson.json().errors ?? unknownPerson.json()).toMatchObject(
      expect.arrayContaining([expect.objectContaining({ field: "levels/0/targets/0/personId" })]),
    );
    const customerTarget = await call("POST", "/escalation-policies", admin, {
      name: "broken",
      levels: [{ targets: [{ kind: "group", groupId }], timeoutMinutes: 5 }],
      fallback: [{ kind: "person", personId: customer.id }],
    });
    expect(customerTarget.statusCode).toBe(422);
    expect(customerTarget.body).toContain("fallback/0/personId");
    const noTimeout = await call("POST", "/escalation-policies", admin, {
      name: "broken",
      levels: [{ targets: [{ kind: "group", groupId }], timeoutMinutes: 0 }],
    });
    expect(noTimeout.statusCode).toBe(400);
    expect(noTimeout.body).toContain("timeoutMinutes");
    const byAgent = await call("POST", "/escalation-policies", onDuty, {
      name: "mine",
      levels: [{ targets: [{ kind: "group", groupId }], timeoutMinutes: 5 }],
    });
    expect(byAgent.statusCode).toBe(403);

    const created = await call("POST", "/escalation-policies", admin, {
      name: "temporary",
      levels: [{ targets: [{ kind: "group", groupId }], timeoutMinutes: 5 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const renamed = await call("PATCH", `/escalation-policies/${created.json().id}`, admin, { repeats: 2 });
    expect(renamed.json()).toMatchObject({ name: "temporary", repeats: 2, fallback: [] });
    const taken = await call("PATCH", `/escalation-policies/${created.json().id}`, admin, {
      name: "support-leadership",
    });
    expect(taken.statusCode).toBe(409);
    expect((await call("DELETE", `/escalation-policies/${created.json().id}`, admin)).statusCode).toBe(204);
    expect((await call("GET", `/escalation-policies/${created.json().id}`, admin)).statusCode).toBe(404);
  });
});

describe("a page nobody answers", () => {
  it("escalates level by level until someone acknowledges from the mailed link", async () => {
    const opened = await call("POST", "/pages", onDuty, {
      title: "Checkout is down",
      details: "Every payment fails since 09:00.",
      severity: "sev1",
      policy: "support-leadership",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const page = opened.json();
    expect(page).toMatchObject({ status: "open", severity: "sev1", policy: { name: "support-leadership" } });

    // Level 1 at once: the schedule's on-call person.
    await runJobs();
    const firstMails = await mailsTo(onDuty);
    expect(firstMails).toHaveLength(1);
    expect(firstMails[0]?.subject).toBe("[SEV1] Page: Checkout is down");
    expect(await mailsTo(lead)).toHaveLength(0);

    // Not yet: the level's five minutes are not over.
    email.desk.clock.advance(4 * MINUTE);
    await runJobs();
    expect(await mailsTo(lead)).toHaveLength(0);

    // Level 2 after the timeout: the group's members.
    email.desk.clock.advance(2 * MINUTE);
    await runJobs();
    const leadMails = await mailsTo(lead);
    expect(leadMails).toHaveLength(1);
    const acknowledge = linkIn(leadMails[0]?.text, "Acknowledge");

    // Opening the link changes nothing (mail scanners prefetch links): it asks to confirm.
    const shown = await browser("GET", acknowledge);
    expect(shown.statusCode).toBe(200);
    expect(shown.headers["content-type"]).toContain("text/html");
    expect(shown.body).toContain('<form method="post">');
    expect((await pageLog(page.id)).status).toBe("open");

    const confirmed = await browser("POST", acknowledge);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.body).toContain("Page acknowledged");
    const again = await browser("POST", acknowledge);
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("used already");

    // The repeat of level 1 would be due after level 2's ten minutes: acknowledged, nobody hears.
    email.desk.clock.advance(30 * MINUTE);
    await runJobs();
    expect(await mailsTo(onDuty)).toHaveLength(1);

    const log = await pageLog(page.id);
    expect(log.status).toBe("acknowledged");
    expect(log.log.map((event) => event.kind)).toEqual([
      "opened",
      "escalated",
      "notified",
      "escalated",
      "notified",
      "acknowledged",
    ]);
    expect(log.log[2]).toMatchObject({
      detail: "notified via email (level 1)",
      person: { id: onDuty.id, name: onDuty.name },
      actor: "escalation",
    });
    expect(log.log[4]).toMatchObject({ detail: "notified via email (level 2)", person: { id: lead.id } });
    expect(log.log[5]?.actor).toBe(lead.name);

    // The on-call person's resolve link still works once; an expired one does not.
    const resolve = linkIn(firstMails[0]?.text, "Resolve");
    expect((await browser("POST", resolve)).statusCode).toBe(200);
    expect((await pageLog(page.id)).status).toBe("resolved");
    const staleAcknowledge = linkIn(firstMails[0]?.text, "Acknowledge");
    email.desk.clock.advance(25 * 60 * MINUTE);
    const expired = await browser("POST", staleAcknowledge);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain("expired");
    // A client that does not ask for HTML gets the API's problem+json.
    const unknown = await email.desk.app.inject({ method: "GET", url: "/api/v1/pages/act/not-a-link" });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers["content-type"]).toContain("application/problem+json");
    expect((await browser("GET", "/api/v1/pages/act/not-a-link")).body).toContain("This link does not work");
  });

  it("takes a link's confirmation from a browser signed in to Tend, and says when the page was answered already", async () => {
    const opened = await call("POST", "/pages", admin, {
      title: "Search is down",
      severity: "sev2",
      policy: "support-leadership",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    await runJobs();
    const mail = (await mailsTo(onDuty)).find((m) => m.subject?.includes("Search is down"));
    const acknowledge = linkIn(mail?.text, "Acknowledge");
    const resolve = linkIn(mail?.text, "Resolve");
    expect((await call("POST", `/pages/${opened.json().id}/acknowledgement`, lead)).statusCode).toBe(200);

    // The form carries no CSRF header: the link's secret, not the session, is what counts.
    const session = await email.desk.signIn(onDuty.email, password);
    // The form posts from the link's own page, on the desk's address.
    const signedIn = { cookie: session.cookie, origin: "http://localhost:8080" };
    const late = await browser("POST", acknowledge, signedIn);
    expect(late.statusCode, late.body).toBe(409);
    expect(late.body).toContain("acknowledged already");
    const resolved = await browser("POST", resolve, signedIn);
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.body).toContain("Page resolved");
    const log = await pageLog(opened.json().id);
    expect(log.status).toBe("resolved");
    expect(log.log.at(-1)).toMatchObject({ kind: "resolved", actor: onDuty.name });
  });

  it("is acknowledged and resolved through the API, and an answered page refuses a second answer", async () => {
    const ticket = await call("POST", "/tickets", customer, { subject: "Mail is slow", body: "Since noon." });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const opened = await call("POST", "/pages", admin, {
      title: "Mail is slow",
      severity: "sev3",
      ticketNumber: ticket.json().number,
      policyId: (
        (await call("GET", "/escalation-policies", onDuty)).json().policies as { id: string; name: string }[]
      ).find((policy) => policy.name === "support-leadership")?.id,
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json().id;
    const listed = (await call("GET", "/pages", onDuty)).json().pages as { id: string; status: string }[];
    expect(listed[0]).toMatchObject({ id, status: "open", ticketNumber: ticket.json().number });
    const acknowledged = await call("POST", `/pages/${id}/acknowledgement`, onDuty);
    expect(acknowledged.json()).toMatchObject({ status: "acknowledged", acknowledgedBy: onDuty.id });
    expect((await call("POST", `/pages/${id}/acknowledgement`, lead)).statusCode).toBe(409);
    expect((await call("POST", `/pages/${id}/resolution`, lead)).json()).toMatchObject({
      status: "resolved",
      resolvedBy: lead.id,
    });
    await runJobs();
    expect((await pageLog(id)).log.map((event) => event.kind)).toEqual([
      "opened",
      "acknowledged",
      "resolved",
    ]);
  });
});

describe("a policy with a chat webhook", () => {
  it("posts each step to the channel, retrying a refusal, and stops once the page is acknowledged", async () => {
    const received: { contentType: string | undefined; body: { text: string } }[] = [];
    let refuseNext = 1;
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        if (refuseNext > 0) {
          refuseNext -= 1;
          response.writeHead(503).end();
          return;
        }
        received.push({ contentType: request.headers["content-type"], body: JSON.parse(body) });
        response.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const policy = await call("POST", "/escalation-policies", admin, {
        name: "leadership-with-chat",
        levels: [
          { targets: [{ kind: "person", personId: lead.id }], timeoutMinutes: 5 },
          { targets: [{ kind: "group", groupId }], timeoutMinutes: 5 },
        ],
        chatWebhookUrl: `http://127.0.0.1:${port}/hooks/support`,
      });
      expect(policy.statusCode, policy.body).toBe(201);
      expect(policy.json().chatWebhookConfigured).toBe(true);
      // The webhook URL is a secret: no answer carries it.
      expect(policy.body).not.toContain("/hooks/support");

      const opened = await call("POST", "/pages", onDuty, {
        title: "Refunds stuck",
        severity: "sev2",
        policy: "leadership-with-chat",
      });
      await runJobs();
      expect(received).toHaveLength(0);
      // The refused post retries after its backoff.
      email.desk.clock.advance(2_000);
      await runJobs();
      expect(received).toEqual([
        {
          contentType: "application/json",
          body: { text: `[SEV2] Page: Refunds stuck — level 1, paging ${lead.name}` },
        },
      ]);
      await call("POST", `/pages/${opened.json().id}/acknowledgement`, lead);
      email.desk.clock.advance(10 * MINUTE);
      await runJobs();
      expect(received).toHaveLength(1);
      const log = await pageLog(opened.json().id);
      expect(log.log.map((event) => event.kind)).toEqual([
        "opened",
        "escalated",
        "notified",
        "posted_to_chat",
        "acknowledged",
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("refuses a webhook that is not https (plain http only to this machine)", async () => {
    const response = await call("POST", "/escalation-policies", admin, {
      name: "leaky",
      levels: [{ targets: [{ kind: "group", groupId }], timeoutMinutes: 5 }],
      chatWebhookUrl: "http://chat.example.com/hook",
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain("chatWebhookUrl");
  });
});

describe("refusals", () => {
  it("refuses the link of a person deactivated since it was mailed", async () => {
    const leaver = await email.desk.makeAgent();
    const policy = await call("POST", "/escalation-policies", admin, {
      name: "leaver-first",
      levels: [{ targets: [{ kind: "person", personId: leaver.id }], timeoutMinutes: 5 }],
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const opened = await call("POST", "/pages", admin, {
      title: "Disk full",
      severity: "sev2",
      policy: "leaver-first",
    });
    await runJobs();
    const acknowledge = linkIn((await mailsTo(leaver))[0]?.text, "Acknowledge");
    expect((await browser("GET", acknowledge)).statusCode).toBe(200);
    expect((await call("POST", `/people/${leaver.id}/deactivation`, admin)).statusCode).toBe(200);
    expect((await browser("GET", acknowledge)).statusCode).toBe(404);
    expect((await browser("POST", acknowledge)).statusCode).toBe(404);
    expect((await pageLog(opened.json().id)).status).toBe("open");
  });

  it("refuses the link of a person erased since it was mailed", async () => {
    // Paged through a group, which does not hold up the erasure as a policy naming them would.
    const erased = await email.desk.makeAgent();
    const group = await call("POST", "/groups", admin, { name: `Night desk ${email.desk.unique()}` });
    expect(group.statusCode, group.body).toBe(201);
    const joined = await call("PUT", `/groups/${group.json().id}/members/${erased.id}`, admin);
    expect(joined.statusCode, joined.body).toBeLessThan(300);
    const policy = await call("POST", "/escalation-policies", admin, {
      name: "night-desk",
      levels: [{ targets: [{ kind: "group", groupId: group.json().id }], timeoutMinutes: 5 }],
    });
    expect(policy.statusCode, policy.body).toBe(201);
    const opened = await call("POST", "/pages", admin, {
      title: "Queue stuck",
      severity: "sev2",
      policy: "night-desk",
    });
    await runJobs();
    const acknowledge = linkIn((await mailsTo(erased))[0]?.text, "Acknowledge");
    expect((await browser("GET", acknowledge)).statusCode).toBe(200);
    const erasure = await call("POST", `/people/${erased.id}/erasure`, admin, { dryRun: false });
    expect(erasure.statusCode, erasure.body).toBe(200);
    expect((await browser("GET", acknowledge)).statusCode).toBe(404);
    expect((await browser("POST", acknowledge)).statusCode).toBe(404);
    expect((await pageLog(opened.json().id)).status).toBe("open");
  });

  it("keeps customers out and names what is wrong in a page", async () => {
    expect((await call("GET", "/pages", customer)).statusCode).toBe(403);
    expect((await call("GET", "/escalation-policies", customer)).statusCode).toBe(403);
    expect(
      (await call("POST", "/pages", customer, { title: "x", severity: "sev1", policy: "support-leadership" }))
        .statusCode,
    ).toBe(403);
    expect((await call("GET", "/pages", null)).statusCode).toBe(401);

    const noPolicy = await call("POST", "/pages", onDuty, { title: "x", severity: "sev1" });
    expect(noPolicy.statusCode).toBe(400);
    expect(noPolicy.body).toContain("policyId");
    const unknownPolicy = await call("POST", "/pages", onDuty, {
      title: "x",
      severity: "sev1",
      policy: "nobody",
    });
    expect(unknownPolicy.statusCode).toBe(422);
    expect(unknownPolicy.body).toContain('no escalation policy named \\"nobody\\"');
    const unknownTicket = await call("POST", "/pages", onDuty, {
      title: "x",
      severity: "sev1",
      policy: "support-leadership",
      ticketNumber: 999_999,
    });
    expect(unknownTicket.statusCode).toBe(422);
    expect(unknownTicket.body).toContain("ticketNumber");
    const badSeverity = await call("POST", "/pages", onDuty, { title: "x", severity: "urgent", policy: "x" });
    expect(badSeverity.statusCode).toBe(400);
  });
});

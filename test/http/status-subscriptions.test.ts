import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStatusComponent } from "../../src/modules/status/manage-status.js";
import {
  announceStatusChange,
  type StatusAnnouncement,
} from "../../src/modules/status/status-announcements.js";
import { HOUR, SECOND } from "../../src/shared/clock.js";
import { inTransaction } from "../../src/shared/context.js";
import { newId } from "../../src/shared/ids.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * Status-page subscriptions end to end: the public form (JSON and a browser's urlencoded post), double opt-in
 * by mail through the test's real SMTP relay, the `status.announce` job's fan-out, one-click unsubscribe,
 * and webhooks verified by a real local receiver with `standardwebhooks`.
 */
const email = useEmailDesk({ relaySink: true });
const desk = () => email.desk;

let callerCounter = 0;
/** Each request from its own network address unless a test is about the per-caller budget. */
const newCaller = () => {
  callerCounter += 1;
  return `198.51.100.${callerCounter}`;
};

let agent: Person;
let components: { api: string; portal: string; mail: string };

beforeAll(async () => {
  agent = await desk().makeAgent();
  const make = async (name: string) =>
    (await createStatusComponent({ ctx: desk().system, input: { groupName: "Platform", name } })).id;
  components = { api: await make("API"), portal: await make("Portal"), mail: await make("Inbound mail") };
});

function subscribeJson(address: string, component: string[] = [], caller = newCaller()) {
  return desk().app.inject({
    method: "POST",
    url: "/status/subscriptions",
    remoteAddress: caller,
    payload: { email: address, ...(component.length > 0 ? { component } : {}) },
  });
}

function subscribeForm(body: string, caller = newCaller()) {
  return desk().app.inject({
    method: "POST",
    url: "/status/subscriptions",
    remoteAddress: caller,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: body,
  });
}

/** Runs the outbox twice: the announcement job's run queues the deliveries the second one sends. */
async function runJobs() {
  await email.processInbound();
  await email.processInbound();
}

async function mailsTo(address: string) {
  await runJobs();
  const received = (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(address));
  return Promise.all(received.map((mail) => simpleParser(mail.raw)));
}

function linkIn(text: string | undefined, path: string): string {
  const escaped = `${publicUrl}${path}`.replace(/[.?]/g, "\\$&");
  const match = new RegExp(`${escaped}\\?token=([A-Za-z0-9_-]+)`).exec(text ?? "");
  if (!match?.[1]) throw new Error(`no ${path} link in: ${text}`);
  return match[1];
}

/** Subscribes and confirms an address; answers it. */
async function confirmedSubscriber(component: string[] = []): Promise<string> {
  const address = `reader-${desk().unique()}@example.org`;
  expect((await subscribeJson(address, component)).statusCode).toBe(202);
  const [mail] = await mailsTo(address);
  const token = linkIn(mail?.text, "/status/subscriptions/confirm");
  expect((await confirm(token)).statusCode).toBe(200);
  return address;
}

/** A header as it was sent (mailparser folds List-* headers into one structured value). */
function headerLine(
  mail: { headerLines: ReadonlyArray<{ key: string; line: string }> } | undefined,
  key: string,
) {
  return mail?.headerLines.find((header) => header.key === key)?.line ?? "";
}

function confirm(token: string) {
  return desk().app.inject({ method: "GET", url: `/status/subscriptions/confirm?token=${token}` });
}

/** An incident as the incidents API stores it, with a public opening update and an internal note. */
async function incident(input: {
  componentIds: string[];
  published?: boolean;
  kind?: string;
  title?: string;
}) {
  const db = desk().database.db;
  const id = newId();
  const now = desk().clock.now().toISOString();
  await db
    .insertInto("status_incidents")
    .values({
      id,
      title: input.title ?? `Errors on the API ${desk().unique()}`,
      kind: input.kind ?? "incident",
      state: "investigating",
      impact: "major",
      published: input.published === false ? 0 : 1,
      fired_rule: null,
      fired_figures: null,
      opened_by: null,
      started_at: now,
      resolved_at: null,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (input.componentIds.length > 0)
    await db
      .insertInto("status_incident_components")
      .values(input.componentIds.map((component_id) => ({ incident_id: id, component_id })))
      .execute();
  const publicUpdate = newId();
  const internalNote = newId();
  await db
    .insertInto("status_incident_updates")
    .values([
      {
        id: publicUpdate,
        incident_id: id,
        visibility: "public",
        kind: "opened",
        state: "investigating",
        body: "We are looking into errors.",
        author_id: null,
        at: now,
      },
      {
        id: internalNote,
        incident_id: id,
        visibility: "internal",
        kind: "update",
        state: "investigating",
        body: "INTERNAL: db-3 is out of disk",
        author_id: null,
        at: now,
      },
    ])
    .execute();
  return { id, publicUpdate, internalNote };
}

async function announce(announcement: StatusAnnouncement) {
  await inTransaction(desk().system, (tx) => announceStatusChange(tx, announcement));
}

describe("subscribing by email (double opt-in)", () => {
  it("mails nothing but the confirmation until the address confirms, then announces published incidents", async () => {
    const address = `pat-${desk().unique()}@example.org`;
    const asked = await subscribeJson(`  ${address.toUpperCase()} `, [components.api]);
    expect(asked.statusCode).toBe(202);
    const [confirmation, ...more] = await mailsTo(address);
    expect(more).toEqual([]);
    expect(confirmation?.subject).toBe("Confirm your status page subscription");
    expect(confirmation?.text).toContain("these components: API");
    const token = linkIn(confirmation?.text, "/status/subscriptions/confirm");

    const before = await incident({ componentIds: [components.api] });
    await announce({ kind: "incident_opened", incidentId: before.id });
    expect(await mailsTo(address)).toHaveLength(1);

    const confirmed = await confirm(token);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.headers["content-type"]).toMatch(/^text\/html/);
    expect(confirmed.body).toContain("<li>API</li>");
    const reused = await confirm(token);
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain("was used already");
    expect((await confirm("not-a-token")).body).toContain("is not valid");

    const after = await incident({ componentIds: [components.api] });
    await announce({ kind: "incident_opened", incidentId: after.id });
    const mails = await mailsTo(address);
    expect(mails).toHaveLength(2);
    const announcement = mails[1];
    expect(announcement?.subject).toMatch(/^\[Investigating\] Errors on the API/);
    expect(announcement?.text).toContain(`${publicUrl}/status/incidents/${after.id}`);
    expect(announcement?.text).toContain("We are looking into errors.");
    expect(announcement?.text).not.toContain("INTERNAL");
    expect(announcement?.html).toContain(`${publicUrl}/status/incidents/${after.id}`);
    expect(headerLine(announcement, "list-unsubscribe-post")).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
  });

  it("refuses a confirmation link after 48 hours", async () => {
    const address = `late-${desk().unique()}@example.org`;
    await subscribeJson(address);
    const [mail] = await mailsTo(address);
    const token = linkIn(mail?.text, "/status/subscriptions/confirm");
    desk().clock.advance(48 * HOUR + SECOND);
    const late = await confirm(token);
    expect(late.statusCode).toBe(400);
    expect(late.body).toContain("has expired");
    const status = await desk()
      .database.db.selectFrom("status_subscribers")
      .select("confirmed_at")
      .where("email", "=", address)
      .executeTakeFirstOrThrow();
    expect(status.confirmed_at).toBeNull();
  });

  it("answers the same whether or not the address is subscribed, and mails a confirmed one nothing more", async () => {
    const address = await confirmedSubscriber();
    const again = await subscribeJson(address, [components.portal]);
    const fresh = await subscribeJson(`new-${desk().unique()}@example.org`, [components.portal]);
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    expect(await mailsTo(address)).toHaveLength(1);
    const list = await desk().app.inject({
      url: "/api/v1/status/subscribers?kind=email&limit=200",
      headers: agent.auth,
    });
    const row = (list.json() as { items: Array<{ email: string; allComponents: boolean }> }).items.find(
      (s) => s.email === address,
    );
    expect(row?.allComponents).toBe(true);
  });
});

describe("announcements", () => {
  it("reach subscribers of an affected component or of all, not the others", async () => {
    const apiReader = await confirmedSubscriber([components.api]);
    const portalReader = await confirmedSubscriber([components.portal]);
    const everyone = await confirmedSubscriber();
    const hit = await incident({ componentIds: [components.api, components.mail] });
    await announce({ kind: "incident_opened", incidentId: hit.id });
    expect(await mailsTo(apiReader)).toHaveLength(2);
    expect(await mailsTo(portalReader)).toHaveLength(1);
    expect(await mailsTo(everyone)).toHaveLength(2);
  });

  it("keep a security incident to themselves until it is published", async () => {
    const reader = await confirmedSubscriber();
    const secret = await incident({ componentIds: [components.portal], kind: "security", published: false });
    await announce({ kind: "incident_opened", incidentId: secret.id });
    expect(await mailsTo(reader)).toHaveLength(1);
    const announceJobs = await desk()
      .database.db.selectFrom("jobs")
      .select("status")
      .where("kind", "=", "status.announce")
      .where("payload", "like", `%${secret.id}%`)
      .execute();
    expect(announceJobs.map((j) => j.status)).toEqual(["succeeded"]);

    await desk()
      .database.db.updateTable("status_incidents")
      .set({ published: 1 })
      .where("id", "=", secret.id)
      .execute();
    await announce({ kind: "incident_opened", incidentId: secret.id });
    const mails = await mailsTo(reader);
    expect(mails).toHaveLength(2);
    expect(mails[1]?.text).toContain(`/status/incidents/${secret.id}`);
  });

  it("never announce an internal note", async () => {
    const reader = await confirmedSubscriber();
    const hit = await incident({ componentIds: [components.api] });
    await announce({ kind: "incident_updated", incidentId: hit.id, updateId: hit.internalNote });
    expect(await mailsTo(reader)).toHaveLength(1);
  });

  it("send each announcement once to each subscriber, however often the job runs", async () => {
    const reader = await confirmedSubscriber([components.mail]);
    const hit = await incident({ componentIds: [components.mail] });
    const announcement: StatusAnnouncement = {
      kind: "incident_updated",
      incidentId: hit.id,
      updateId: hit.publicUpdate,
    };
    await announce(announcement);
    await announce(announcement);
    expect(await mailsTo(reader)).toHaveLength(2);
    const deliveries = await desk()
      .database.db.selectFrom("status_announcement_deliveries")
      .innerJoin(
        "status_subscribers",
        "status_subscribers.id",
        "status_announcement_deliveries.subscriber_id",
      )
      .select(["state"])
      .where("status_subscribers.email", "=", reader)
      .execute();
    expect(deliveries.map((d) => d.state)).toEqual(["sent"]);
  });

  it("stop after a one-click unsubscribe (RFC 8058)", async () => {
    const reader = await confirmedSubscriber();
    const first = await incident({ componentIds: [components.api] });
    await announce({ kind: "incident_opened", incidentId: first.id });
    const mails = await mailsTo(reader);
    const header = headerLine(mails[1], "list-unsubscribe");
    const token = linkIn(header, "/status/subscriptions/unsubscribe");
    expect(linkIn(mails[1]?.text, "/status/subscriptions/unsubscribe")).toBe(token);

    const page = await desk().app.inject({ url: `/status/subscriptions/unsubscribe?token=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"');
    const oneClick = await desk().app.inject({
      method: "POST",
      url: `/status/subscriptions/unsubscribe?token=${token}`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.statusCode).toBe(200);
    expect(oneClick.body).toContain("Unsubscribed");

    const second = await incident({ componentIds: [components.api] });
    await announce({ kind: "incident_opened", incidentId: second.id });
    expect(await mailsTo(reader)).toHaveLength(2);
  });
});

describe("the form without JavaScript", () => {
  it("answers a urlencoded post with a page, and a refusal with the form again", async () => {
    const address = `form-${desk().unique()}@example.org`;
    const posted = await subscribeForm(
      `email=${encodeURIComponent(address)}&component=${components.api}&component=${components.portal}`,
    );
    expect(posted.statusCode).toBe(200);
    expect(posted.headers["content-type"]).toMatch(/^text\/html/);
    expect(posted.body).toContain("Check your inbox");
    const [mail] = await mailsTo(address);
    expect(mail?.text).toContain("these components: API, Portal");

    const bad = await subscribeForm(`email=${encodeURIComponent("<b>not an address")}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toMatch(/^text\/html/);
    expect(bad.body).toContain("must be an email address");
    expect(bad.body).toContain('value="&lt;b&gt;not an address"');
    expect(bad.body).toContain('<form method="post" action="/status/subscriptions">');

    const unknown = await subscribeForm(`email=a%40example.org&component=${newId()}`);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain("no component of the status page");
  });

  it("throttles requests per address and per caller", async () => {
    const address = `bombed-${desk().unique()}@example.org`;
    for (let i = 0; i < 3; i += 1) expect((await subscribeForm(`email=${address}`)).statusCode).toBe(200);
    const blocked = await subscribeForm(`email=${address}`);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers["retry-after"]).toBeDefined();
    expect(blocked.body).toContain("Too many subscription requests");
    expect(await mailsTo(address)).toHaveLength(3);

    const caller = newCaller();
    for (let i = 0; i < 10; i += 1)
      expect((await subscribeJson(`spray-${i}-${desk().unique()}@example.org`, [], caller)).statusCode).toBe(
        202,
      );
    const sprayed = await subscribeJson(`spray-last-${desk().unique()}@example.org`, [], caller);
    expect(sprayed.statusCode).toBe(429);
    expect(sprayed.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});

describe("webhook subscribers", () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
  let answerWith = 204;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: request.headers });
        response.statusCode = answerWith;
        response.end(answerWith >= 400 ? "try later" : "");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/status`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it("posts signed announcements, retries a refusal and records the last answer", async () => {
    // The receiver checks the signature's timestamp against its own clock.
    desk().clock.set(new Date());
    const admin = email.admin;
    const refused = await desk().app.inject({
      method: "POST",
      url: "/api/v1/status/subscribers/webhooks",
      headers: agent.auth,
      payload: { url: receiverUrl },
    });
    expect(refused.statusCode).toBe(403);
    const created = await desk().app.inject({
      method: "POST",
      url: "/api/v1/status/subscribers/webhooks",
      headers: admin.auth,
      payload: { url: receiverUrl, componentIds: [components.portal] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { subscriber, secret } = created.json() as {
      subscriber: { id: string; webhookHost: string };
      secret: string;
    };
    expect(secret).toMatch(/^whsec_/);
    expect(subscriber.webhookHost).toBe(new URL(receiverUrl).host);

    const elsewhere = await incident({ componentIds: [components.api] });
    await announce({ kind: "incident_opened", incidentId: elsewhere.id });
    await runJobs();
    expect(received).toHaveLength(0);

    answerWith = 503;
    const hit = await incident({ componentIds: [components.portal] });
    await announce({ kind: "incident_updated", incidentId: hit.id, updateId: hit.publicUpdate });
    await runJobs();
    expect(received).toHaveLength(1);
    const listed = async () =>
      (
        (
          await desk().app.inject({ url: "/api/v1/status/subscribers?kind=webhook", headers: agent.auth })
        ).json() as {
          items: Array<{ id: string; lastDeliveryAnswer: string | null }>;
        }
      ).items.find((s) => s.id === subscriber.id);
    expect((await listed())?.lastDeliveryAnswer).toBe("503 try later");

    answerWith = 200;
    desk().clock.advance(2 * SECOND);
    await runJobs();
    expect(received).toHaveLength(2);
    expect((await listed())?.lastDeliveryAnswer).toBe("200");
    const [refusedPost, post] = received;
    expect(post?.headers["webhook-id"]).toBe(refusedPost?.headers["webhook-id"]);
    const verified = new Webhook(secret).verify(
      post?.body ?? "",
      post?.headers as Record<string, string>,
    ) as {
      type: string;
      incident: { id: string; url: string; components: Array<{ id: string }> };
      update: { body: string };
    };
    expect(verified.type).toBe("incident_updated");
    expect(verified.incident.id).toBe(hit.id);
    expect(verified.incident.url).toBe(`${publicUrl}/status/incidents/${hit.id}`);
    expect(verified.update.body).toBe("We are looking into errors.");
    expect(post?.body).not.toContain("INTERNAL");
    expect(() =>
      new Webhook(`whsec_${Buffer.from("another secret").toString("base64")}`).verify(
        post?.body ?? "",
        post?.headers as Record<string, string>,
      ),
    ).toThrow();

    desk().clock.advance(HOUR);
    await runJobs();
    expect(received).toHaveLength(2);
  });
});

describe("the subscribers API", () => {
  it("lists a cursor page at a time, resends a confirmation and deletes, for admins only", async () => {
    const pending = `pending-${desk().unique()}@example.org`;
    await subscribeJson(pending);
    await mailsTo(pending);
    const all: Array<{ id: string; email: string | null }> = [];
    let cursor: string | null = null;
    do {
      const page = await desk().app.inject({
        url: `/api/v1/status/subscribers?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        headers: agent.auth,
      });
      expect(page.statusCode).toBe(200);
      const body = page.json() as {
        items: Array<{ id: string; email: string | null }>;
        nextCursor: string | null;
      };
      expect(body.items.length).toBeLessThanOrEqual(2);
      all.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    const row = all.find((s) => s.email === pending);
    if (!row) throw new Error("the pending subscriber is not listed");

    const byAgent = await desk().app.inject({
      method: "POST",
      url: `/api/v1/status/subscribers/${row.id}/confirmation`,
      headers: agent.auth,
    });
    expect(byAgent.statusCode).toBe(403);
    const resent = await desk().app.inject({
      method: "POST",
      url: `/api/v1/status/subscribers/${row.id}/confirmation`,
      headers: email.admin.auth,
    });
    expect(resent.statusCode).toBe(202);
    expect(await mailsTo(pending)).toHaveLength(2);

    const deleted = await desk().app.inject({
      method: "DELETE",
      url: `/api/v1/status/subscribers/${row.id}`,
      headers: email.admin.auth,
    });
    expect(deleted.statusCode).toBe(204);
    const again = await desk().app.inject({
      method: "DELETE",
      url: `/api/v1/status/subscribers/${row.id}`,
      headers: email.admin.auth,
    });
    expect(again.statusCode).toBe(404);
    const audit = await desk()
      .database.db.selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", row.id)
      .orderBy("seq")
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      "status_subscriber.confirmation_resent",
      "status_subscriber.deleted",
    ]);
  });
});

describe("erasure", () => {
  it("removes the subscription of the erased person's address", async () => {
    const organization = await desk().makeOrganization();
    const customer = await desk().makeCustomer(organization.id);
    expect((await subscribeJson(customer.email.toUpperCase())).statusCode).toBe(202);
    const [mail] = await mailsTo(customer.email);
    expect((await confirm(linkIn(mail?.text, "/status/subscriptions/confirm"))).statusCode).toBe(200);

    const erase = (dryRun: boolean) =>
      desk().app.inject({
        method: "POST",
        url: `/api/v1/people/${customer.id}/erasure`,
        headers: email.admin.auth,
        payload: { dryRun },
      });
    const dryRun = await erase(true);
    expect(dryRun.statusCode, dryRun.body).toBe(200);
    const items = (dryRun.json() as { items: Array<{ kind: string; count: number }> }).items;
    expect(items.find((item) => item.kind === "statusSubscriptions")?.count).toBe(1);
    expect((await erase(false)).statusCode).toBe(200);
    const left = await desk()
      .database.db.selectFrom("status_subscribers")
      .select("id")
      .where("email", "=", customer.email.toLowerCase())
      .execute();
    expect(left).toEqual([]);
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "../../src/jobs/job-runner.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import { fanOutWebhooksJob } from "../../src/modules/webhooks/manage-webhook-endpoints.js";
import { retryDelaysMs } from "../../src/modules/webhooks/webhook-delivery-rules.js";
import type {
  WebhookDeliveryView,
  WebhookEndpointView,
} from "../../src/modules/webhooks/webhook-presenter.js";
import { useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * Outgoing webhooks end to end: endpoints through the API (admins only, SSRF refusals, secrets shown
 * once), the outbox's fan-out and delivery jobs posting to a real local receiver whose requests are
 * verified with `standardwebhooks`, retries on the spec's schedule under the desk's manual clock, the
 * disabling after a day of failures with its mail to admins, redelivery and secret rotation.
 */
const email = useEmailDesk({ relaySink: true });
const desk = () => email.desk;

let receiver: Server;
let receiverUrl: string;
let answerWith = 204;
const received: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
let agent: Person;
let customer: Person;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: request.headers });
      response.statusCode = answerWith;
      response.end(answerWith >= 400 ? "receiver down for maintenance" : "");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tend`;
  agent = await desk().makeAgent();
  const organization = await desk().makeOrganization();
  customer = await desk().makeCustomer(organization.id);
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

async function createEndpoint(body: Record<string, unknown>, auth = email.admin.auth) {
  return desk().app.inject({
    method: "POST",
    url: "/api/v1/webhooks/endpoints",
    headers: auth,
    payload: body,
  });
}

async function newEndpoint(eventKinds: string[] = ["ticket.created"]) {
  const created = await createEndpoint({ url: receiverUrl, description: "Ops bridge", eventKinds });
  expect(created.statusCode, created.body).toBe(201);
  return created.json() as { endpoint: WebhookEndpointView; secret: string };
}

async function deliveries(endpointId: string, query = "") {
  const listed = await desk().app.inject({
    url: `/api/v1/webhooks/endpoints/${endpointId}/deliveries${query}`,
    headers: email.admin.auth,
  });
  expect(listed.statusCode, listed.body).toBe(200);
  return listed.json() as { items: WebhookDeliveryView[]; nextCursor: string | null };
}

async function openTicket(subject = `Export fails ${desk().unique()}`) {
  return createTicket({
    ctx: desk().as(customer.actor, "portal"),
    input: { subject, body: "Since this morning." },
  });
}

/** Runs the outbox twice: the fan-out's run queues the deliveries the second one posts. */
async function runJobs() {
  await email.processInbound();
  await email.processInbound();
}

async function setEnabled(endpointId: string, enabled: boolean) {
  const patched = await desk().app.inject({
    method: "PATCH",
    url: `/api/v1/webhooks/endpoints/${endpointId}`,
    headers: email.admin.auth,
    payload: { enabled },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  return patched.json() as WebhookEndpointView;
}

describe("webhook endpoints", () => {
  it("are for admins only", async () => {
    expect((await createEndpoint({ url: receiverUrl, eventKinds: ["*"] }, agent.auth)).statusCode).toBe(403);
    expect(
      (await desk().app.inject({ url: "/api/v1/webhooks/endpoints", headers: agent.auth })).statusCode,
    ).toBe(403);
    expect(
      (await desk().app.inject({ url: "/api/v1/webhooks/endpoints", headers: customer.auth })).statusCode,
    ).toBe(403);
  });

  it("refuse private, link-local and reserved addresses, plain http off this machine and unknown events", async () => {
    for (const url of [
      "https://10.0.0.8/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://192.168.1.20/hook",
      "https://[fd00::1]/hook",
      "https://[fe80::1]/hook",
      "https://[::ffff:10.0.0.1]/hook",
      "http://93.184.216.34/hook",
    ]) {
      const refused = await createEndpoint({ url, eventKinds: ["*"] });
      expect(refused.statusCode, url).toBe(422);
      expect((refused.json() as { errors: Array<{ field: string }> }).errors[0]?.field).toBe("url");
    }
    expect((await createEndpoint({ url: "ftp://example.com/x", eventKinds: ["*"] })).statusCode).toBe(400);
    const unknown = await createEndpoint({
      url: receiverUrl,
      eventKinds: ["ticket.created", "ticket.exploded"],
    });
    expect(unknown.statusCode).toBe(422);
    expect((unknown.json() as { errors: Array<{ field: string }> }).errors[0]?.field).toBe("eventKinds/1");
  });

  it("show the secret once: not in later answers nor in the audit log", async () => {
    const { endpoint, secret } = await newEndpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await desk().app.inject({
      url: `/api/v1/webhooks/endpoints/${endpoint.id}`,
      headers: email.admin.auth,
    });
    expect(read.body).not.toContain(secret.slice(6));
    const listed = await desk().app.inject({ url: "/api/v1/webhooks/endpoints", headers: email.admin.auth });
    expect(listed.body).not.toContain(secret.slice(6));
    const rotated = await desk().app.inject({
      method: "POST",
      url: `/api/v1/webhooks/endpoints/${endpoint.id}/secret-rotation`,
      headers: email.admin.auth,
    });
    const newSecret = (rotated.json() as { secret: string }).secret;
    const audit = await desk()
      .database.db.selectFrom("audit_log")
      .selectAll()
      .where("target_id", "=", endpoint.id)
      .execute();
    expect(audit.map((row) => row.action)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.secret_rotated",
    ]);
    const trail = JSON.stringify(audit);
    expect(trail).not.toContain(secret.slice(6));
    expect(trail).not.toContain(newSecret.slice(6));
    const stored = await desk()
      .database.db.selectFrom("webhook_endpoints")
      .select(["secret", "previous_secret"])
      .where("id", "=", endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.previous_secret).toMatch(/^v1\./);
    await desk().app.inject({
      method: "DELETE",
      url: `/api/v1/webhooks/endpoints/${endpoint.id}`,
      headers: email.admin.auth,
    });
  });

  it("answer 404 for an endpoint or delivery that does not exist", async () => {
    const missing = "0190a0b0-0000-7000-8000-000000000000";
    for (const [method, url] of [
      ["GET", `/api/v1/webhooks/endpoints/${missing}`],
      ["GET", `/api/v1/webhooks/endpoints/${missing}/deliveries`],
      ["POST", `/api/v1/webhooks/endpoints/${missing}/secret-rotation`],
      ["POST", `/api/v1/webhooks/deliveries/${missing}/redelivery`],
    ] as const)
      expect((await desk().app.inject({ method, url, headers: email.admin.auth })).statusCode, url).toBe(404);
  });
});

describe("delivery", () => {
  it("posts each event signed the Standard Webhooks way, once per endpoint even when the fan-out runs twice", async () => {
    // The receiver checks the signature's timestamp against its own clock.
    desk().clock.set(new Date());
    answerWith = 204;
    received.length = 0;
    const { endpoint, secret } = await newEndpoint(["ticket.created"]);
    const ticket = await openTicket("The export fails");
    await runJobs();
    expect(received).toHaveLength(1);
    const [post] = received;
    const [delivery] = (await deliveries(endpoint.id)).items;
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(post?.headers["webhook-id"]).toBe(delivery?.id);
    expect(post?.headers["webhook-timestamp"]).toBe(String(Math.floor(desk().clock.now().getTime() / 1000)));
    const verified = new Webhook(secret).verify(
      post?.body ?? "",
      post?.headers as Record<string, string>,
    ) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    const event = await desk()
      .database.db.selectFrom("domain_events")
      .selectAll()
      .where("id", "=", delivery?.eventId ?? "")
      .executeTakeFirstOrThrow();
    expect(verified).toEqual({
      type: "ticket.created",
      timestamp: event.created_at,
      data: { ticketId: ticket.id, ...JSON.parse(event.payload) },
    });
    expect(verified.data).toMatchObject({ ticketNumber: ticket.number, subject: "The export fails" });
    expect(() =>
      new Webhook(`whsec_${Buffer.from("another secret, not this one").toString("base64")}`).verify(
        post?.body ?? "",
        post?.headers as Record<string, string>,
      ),
    ).toThrow();
    expect(delivery).toMatchObject({ state: "delivered", eventKind: "ticket.created" });
    expect(delivery?.attempts).toMatchObject([{ attempt: 1, manual: false, statusCode: 204, error: null }]);

    await enqueueJob(desk().system, fanOutWebhooksJob, { eventId: delivery?.eventId });
    await runJobs();
    expect(received).toHaveLength(1);
    expect((await deliveries(endpoint.id)).items).toHaveLength(1);
    await setEnabled(endpoint.id, false);
  });

  it("signs with both secrets for a day after a rotation, then with the new one only", async () => {
    desk().clock.set(new Date());
    answerWith = 200;
    received.length = 0;
    const { endpoint, secret: oldSecret } = await newEndpoint(["ticket.created"]);
    const rotated = await desk().app.inject({
      method: "POST",
      url: `/api/v1/webhooks/endpoints/${endpoint.id}/secret-rotation`,
      headers: email.admin.auth,
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret: newSecret } = rotated.json() as { secret: string };
    expect(newSecret).not.toBe(oldSecret);
    await openTicket();
    await runJobs();
    const [post] = received;
    expect(String(post?.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [oldSecret, newSecret])
      expect(() =>
        new Webhook(secret).verify(post?.body ?? "", post?.headers as Record<string, string>),
      ).not.toThrow();
    await setEnabled(endpoint.id, false);
  });

  it("retries on the spec's schedule, disables the endpoint after a day of failures and mails the admins", async () => {
    desk().clock.set(new Date("2026-12-01T08:00:00.000Z"));
    answerWith = 503;
    received.length = 0;
    const { endpoint } = await newEndpoint(["ticket.created"]);
    await openTicket();
    await runJobs();
    expect(received).toHaveLength(1);
    for (const [index, delay] of retryDelaysMs.entries()) {
      const [delivery] = (await deliveries(endpoint.id)).items;
      expect(delivery?.state).toBe("pending");
      expect(delivery?.attempts).toHaveLength(index + 1);
      const last = delivery?.attempts.at(-1);
      expect(last).toMatchObject({ statusCode: 503, responseBody: "receiver down for maintenance" });
      expect(Date.parse(delivery?.nextAttemptAt ?? "") - Date.parse(last?.at ?? "")).toBe(delay);
      // Not a moment early.
      desk().clock.advance(delay - 1000);
      await runJobs();
      expect(received).toHaveLength(index + 1);
      desk().clock.advance(1000);
      await runJobs();
      expect(received).toHaveLength(index + 2);
    }
    const [spent] = (await deliveries(endpoint.id)).items;
    expect(spent?.state).toBe("failed");
    expect(spent?.attempts).toHaveLength(8);
    expect(new Set(received.map((post) => post.headers["webhook-id"]))).toEqual(new Set([spent?.id]));

    const disabled = (
      await desk().app.inject({
        url: `/api/v1/webhooks/endpoints/${endpoint.id}`,
        headers: email.admin.auth,
      })
    ).json() as WebhookEndpointView;
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: "every delivery failed for 24 hours",
      consecutiveFailures: 8,
    });
    const audit = await desk()
      .database.db.selectFrom("audit_log")
      .select("action")
      .where("target_id", "=", endpoint.id)
      .where("action", "=", "webhook_endpoint.disabled")
      .execute();
    expect(audit).toHaveLength(1);
    const mails = await Promise.all(
      (email.sink?.received ?? [])
        .filter((mail) => mail.rcptTo.includes(email.admin.email))
        .map((mail) => simpleParser(mail.raw)),
    );
    const told = mails.find((mail) => mail.subject === "Webhook endpoint disabled: Ops bridge");
    expect(told?.text).toContain(
      `Tend stopped sending webhooks to ${receiverUrl}: every delivery failed for 24 hours.`,
    );

    // Disabled: a new event reaches it no more.
    await openTicket();
    await runJobs();
    expect(received).toHaveLength(8);

    // A manual redelivery is one attempt with the same webhook-id, disabled or not.
    answerWith = 200;
    const redelivered = await desk().app.inject({
      method: "POST",
      url: `/api/v1/webhooks/deliveries/${spent?.id}/redelivery`,
      headers: agent.auth,
    });
    expect(redelivered.statusCode).toBe(403);
    const accepted = await desk().app.inject({
      method: "POST",
      url: `/api/v1/webhooks/deliveries/${spent?.id}/redelivery`,
      headers: email.admin.auth,
    });
    expect(accepted.statusCode, accepted.body).toBe(202);
    await runJobs();
    expect(received).toHaveLength(9);
    expect(received.at(-1)?.headers["webhook-id"]).toBe(spent?.id);
    const [redone] = (await deliveries(endpoint.id)).items;
    expect(redone?.state).toBe("delivered");
    expect(redone?.attempts.at(-1)).toMatchObject({ attempt: 9, manual: true, statusCode: 200 });

    // Enabling again starts the count afresh.
    const enabled = await setEnabled(endpoint.id, true);
    expect(enabled).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      failingSince: null,
      disabledAt: null,
    });
    await setEnabled(endpoint.id, false);
  });

  it("lists deliveries newest first, a keyset page at a time", async () => {
    desk().clock.set(new Date());
    answerWith = 200;
    const { endpoint } = await newEndpoint(["ticket.created"]);
    for (let i = 0; i < 3; i += 1) {
      await openTicket();
      desk().clock.advance(1000);
    }
    await runJobs();
    const first = await deliveries(endpoint.id, "?limit=2");
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await deliveries(endpoint.id, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(all.map((d) => d.createdAt)).toEqual([...all.map((d) => d.createdAt)].sort().reverse());
    expect(new Set(all.map((d) => d.id)).size).toBe(3);
  });
});

/** Turns an automation and its endpoint off, so the tickets of later tests reach neither. */
async function turnOff(automation: { id: string }, endpointId: string) {
  const patched = await desk().app.inject({
    method: "PATCH",
    url: `/api/v1/automations/${automation.id}`,
    headers: email.admin.auth,
    payload: { enabled: false },
  });
  expect(patched.statusCode, patched.body).toBe(200);
  await setEnabled(endpointId, false);
}

describe("an automation's “call a webhook”", () => {
  it("posts the ticket to the one endpoint it names, signed and logged like any delivery", async () => {
    desk().clock.set(new Date());
    answerWith = 204;
    received.length = 0;
    const { endpoint, secret } = await newEndpoint(["sla.breached"]);
    const everything = await newEndpoint(["*"]);
    await setEnabled(everything.endpoint.id, false);
    const created = await desk().app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: email.admin.auth,
      payload: {
        name: "Tell the incident bridge",
        events: ["ticket.created"],
        conditions: [{ field: "text", operator: "contains", value: "outage" }],
        actions: [{ type: "call_webhook", endpointId: endpoint.id }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const ticket = await openTicket("Full outage in eu-west");
    await openTicket("A question about invoices");
    for (let round = 0; round < 4; round += 1) await runJobs();

    // Endpoints of earlier tests still hear ticket.created; this one's post is the automation's.
    const calls = received.filter((post) => post.body.includes('"automation.webhook_called"'));
    expect(calls).toHaveLength(1);
    const verified = new Webhook(secret).verify(
      calls[0]?.body ?? "",
      calls[0]?.headers as Record<string, string>,
    ) as { type: string; data: { automation: { name: string }; ticket: Record<string, unknown> } };
    expect(verified.type).toBe("automation.webhook_called");
    expect(verified.data.automation.name).toBe("Tell the incident bridge");
    expect(verified.data.ticket).toMatchObject({
      id: ticket.id,
      number: ticket.number,
      subject: "Full outage in eu-west",
      status: "new",
      channel: "portal",
      requester: { email: customer.email },
    });
    const [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ state: "delivered", eventKind: "automation.webhook_called" });
    // Addressed to the one endpoint: an endpoint hearing every published event is not sent it.
    expect((await deliveries(everything.endpoint.id)).items).toHaveLength(0);
    await turnOff(created.json() as { id: string }, endpoint.id);
  });

  it("posts the admin's own body when the action has one, signed like any delivery", async () => {
    desk().clock.set(new Date());
    answerWith = 204;
    received.length = 0;
    const { endpoint, secret } = await newEndpoint(["sla.breached"]);
    const bodyTemplate =
      '{"text": "#{{ticket.number}} {{ticket.subject}}", "blocks": [{"type": "section", "from": "{{requester.email}}"}]}';
    const created = await desk().app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: email.admin.auth,
      payload: {
        name: "Tell the chat room",
        events: ["ticket.created"],
        conditions: [{ field: "text", operator: "contains", value: "chat-room" }],
        actions: [{ type: "call_webhook", endpointId: endpoint.id, bodyTemplate }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect((created.json() as { actions: unknown[] }).actions).toEqual([
      { type: "call_webhook", endpointId: endpoint.id, bodyTemplate },
    ]);
    // Quotes, a backslash and a line break in the subject stay inside the JSON string.
    const ticket = await openTicket('chat-room: "Exports" fail \\ since\nMonday');
    for (let round = 0; round < 4; round += 1) await runJobs();

    const calls = received.filter((post) => post.body.includes('"blocks"'));
    expect(calls).toHaveLength(1);
    const verified = new Webhook(secret).verify(
      calls[0]?.body ?? "",
      calls[0]?.headers as Record<string, string>,
    );
    expect(verified).toEqual({
      text: `#${ticket.number} chat-room: "Exports" fail \\ since\nMonday`,
      blocks: [{ type: "section", from: customer.email }],
    });
    expect((await deliveries(endpoint.id)).items[0]).toMatchObject({
      state: "delivered",
      eventKind: "automation.webhook_called",
    });
    await turnOff(created.json() as { id: string }, endpoint.id);
  });

  it("refuses a body that would not be JSON for every ticket, naming the field", async () => {
    const { endpoint } = await newEndpoint(["sla.breached"]);
    const refused = await desk().app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: email.admin.auth,
      payload: {
        name: "Broken body",
        events: ["ticket.created"],
        actions: [
          { type: "call_webhook", endpointId: endpoint.id, bodyTemplate: '{"number": {{ticket.number}}}' },
        ],
      },
    });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { errors: Array<{ field: string; message: string }> }).errors).toEqual([
      {
        field: "actions/0/bodyTemplate",
        message: expect.stringMatching(/^must be JSON with the placeholders/),
      },
    ]);
    await setEnabled(endpoint.id, false);
  });

  it("is refused for an endpoint that does not exist", async () => {
    const refused = await desk().app.inject({
      method: "POST",
      url: "/api/v1/automations",
      headers: email.admin.auth,
      payload: {
        name: "Nowhere",
        events: ["ticket.created"],
        actions: [{ type: "call_webhook", endpointId: "0190a0b0-0000-7000-8000-000000000000" }],
      },
    });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { errors: Array<{ field: string }> }).errors[0]?.field).toBe(
      "actions/0/endpointId",
    );
  });
});

import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { enqueueJob, JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import { streamChatEventJob } from "../../src/modules/chat/manage-chat-routes.js";
import { findGroupByName } from "../../src/modules/identity/group-repository.js";
import { MINUTE } from "../../src/shared/clock.js";
import { inTransaction } from "../../src/shared/context.js";
import { publishDomainEvent } from "../../src/shared/domain-events.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Chat over real sockets: a local HTTP server plays Slack (chat.postMessage, users.info) and the
 * incoming webhooks of Slack, Teams and a generic receiver; Events API callbacks are built and
 * signed here as Slack documents them, not with Tend's code.
 */
const desk = useTestDesk();
const signingSecret = "slack-signing-secret-for-chat-tests-42";
const botToken = "xoxb-1234-5678-streamtoken";
const channelToken = "xoxb-9999-8888-channeltoken";

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

const slack = {
  server: null as Server | null,
  base: "",
  received: [] as Received[],
  refuse: {} as Record<string, number>,
  nextTs: 1000,
  users: {} as Record<string, { real_name: string; email: string }>,
  to(path: string) {
    return slack.received.filter((request) => request.path.split("?")[0] === path);
  },
};

let eventsApp: TendApp;
let runner: JobRunner;
let admin: Person;
let agent: Person;
let customer: Person;

/** Runs jobs until none is due: a stream job's deliveries are queued by the stream job itself. */
async function drain(): Promise<void> {
  while ((await runner.runDueJobs()) > 0);
}

function sign(timestamp: string, body: string, secret = signingSecret): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

function nowSeconds(offset = 0): string {
  return String(Math.floor(desk.clock.now().getTime() / 1000) + offset);
}

async function postEvent(
  envelope: Record<string, unknown>,
  options: { timestamp?: string; secret?: string; headers?: Record<string, string> } = {},
) {
  const body = JSON.stringify(envelope);
  const timestamp = options.timestamp ?? nowSeconds();
  return eventsApp.inject({
    method: "POST",
    url: "/api/v1/integrations/slack/events",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": sign(timestamp, body, options.secret),
      ...options.headers,
    },
    payload: body,
  });
}

function messageEvent(eventId: string, event: Record<string, unknown>) {
  return {
    token: "deprecated-verification-token",
    team_id: "T0001",
    api_app_id: "A0TEND",
    type: "event_callback",
    event_id: eventId,
    event_time: Number(nowSeconds()),
    authorizations: [{ team_id: "T0001", user_id: "U0TENDBOT", is_bot: true }],
    event: { type: "message", channel: "C0SUPPORT", channel_type: "channel", ...event },
  };
}

function call(method: "GET" | "POST" | "PATCH" | "DELETE", url: string, who: Person, payload?: object) {
  return desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who.auth,
    ...(payload ? { payload } : {}),
  });
}

beforeAll(async () => {
  slack.server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => {
      raw += chunk;
    });
    request.on("end", () => {
      const path = request.url ?? "";
      const bare = path.split("?")[0] ?? "";
      if ((slack.refuse[bare] ?? 0) > 0) {
        slack.refuse[bare] = (slack.refuse[bare] ?? 0) - 1;
        response.writeHead(503).end();
        return;
      }
      slack.received.push({
        method: request.method ?? "",
        path,
        headers: request.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
      });
      response.setHeader("content-type", "application/json");
      if (bare === "/api/chat.postMessage") {
        slack.nextTs += 1;
        response.end(JSON.stringify({ ok: true, channel: "C", ts: `1700000000.00${slack.nextTs}` }));
      } else if (bare === "/api/users.info") {
        const id = new URL(path, "http://x").searchParams.get("user") ?? "";
        const user = slack.users[id];
        response.end(
          JSON.stringify(
            user
              ? { ok: true, user: { id, name: id.toLowerCase(), is_bot: false, profile: { ...user } } }
              : { ok: false, error: "user_not_found" },
          ),
        );
      } else response.end("ok");
    });
  });
  await new Promise<void>((resolve) => slack.server?.listen(0, "127.0.0.1", resolve));
  slack.base = `http://127.0.0.1:${(slack.server.address() as AddressInfo).port}`;

  // A second Tend on the same database, started with the Slack app's signing secret.
  eventsApp = await buildApp({
    database: desk.database,
    logger: pino({ level: "silent" }),
    clock: desk.clock,
    publicUrl: "http://localhost:8080",
    bodyLimitBytes: 64 * 1024,
    slackSigningSecret: signingSecret,
  });
  runner = registerJobs(new JobRunner(desk.system), {
    chat: { publicUrl: "https://tend.example", slackApiUrl: `${slack.base}/api` },
  });
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
});

afterAll(async () => {
  await eventsApp?.close();
  await new Promise((resolve) => slack.server?.close(resolve));
});

describe("chat routes", () => {
  it("are admins' to configure, checked, and never show a credential back", async () => {
    expect((await call("GET", "/chat/routes", agent)).statusCode).toBe(403);
    const twoDestinations = await call("POST", "/chat/routes", admin, {
      name: "Both",
      kind: "slack",
      webhookUrl: `${slack.base}/hooks/x`,
      botToken,
      slackChannelId: "C0STREAM",
      eventKinds: ["ticket.created"],
    });
    expect(twoDestinations.statusCode).toBe(400);
    const teamsWithToken = await call("POST", "/chat/routes", admin, {
      name: "Teams",
      kind: "teams",
      botToken,
      slackChannelId: "C0STREAM",
      eventKinds: ["ticket.created"],
    });
    expect(teamsWithToken.statusCode).toBe(400);
    const plainHttp = await call("POST", "/chat/routes", admin, {
      name: "Elsewhere",
      kind: "generic",
      webhookUrl: "http://chat.example/hook",
      eventKinds: ["ticket.created"],
    });
    expect(plainHttp.statusCode).toBe(400);
    const unknownGroup = await call("POST", "/chat/routes", admin, {
      name: "Ghost",
      kind: "generic",
      webhookUrl: `${slack.base}/hooks/ghost`,
      eventKinds: ["ticket.created"],
      groupIds: ["0190f0f0-0000-7000-8000-000000000000"],
    });
    expect(unknownGroup.statusCode).toBe(422);

    const created = await call("POST", "/chat/routes", admin, {
      name: "Secret hook",
      kind: "slack",
      webhookUrl: `${slack.base}/hooks/T0/B0/secretpath`,
      eventKinds: ["ticket.created"],
      enabled: false,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ delivery: "webhook", webhookHost: new URL(slack.base).host });
    expect(created.body).not.toContain("secretpath");
    const audit = await call("GET", "/audit?limit=50", admin);
    expect(audit.body).toContain("chat_route.created");
    expect(audit.body).not.toContain("secretpath");
    expect((await call("DELETE", `/chat/routes/${created.json().id}`, admin)).statusCode).toBe(204);
    expect((await call("DELETE", `/chat/routes/${created.json().id}`, admin)).statusCode).toBe(404);
  });
});

describe("the ticket stream", () => {
  let experts: string;
  let ticketNumber: number;

  beforeAll(async () => {
    experts = (await findGroupByName(desk.database.db, "Platform experts"))?.id ?? "";
    const routes = [
      {
        name: "Slack #support-stream",
        kind: "slack",
        botToken,
        slackChannelId: "C0STREAM",
        eventKinds: ["ticket.created", "ticket.escalated", "sla.warning"],
      },
      {
        name: "Teams Sev 1",
        kind: "teams",
        webhookUrl: `${slack.base}/teams`,
        eventKinds: ["ticket.created"],
        severities: ["sev1"],
      },
      {
        name: "Experts' bot",
        kind: "generic",
        webhookUrl: `${slack.base}/generic`,
        eventKinds: ["ticket.escalated"],
        groupIds: [experts],
      },
      {
        name: "Slack webhook",
        kind: "slack",
        webhookUrl: `${slack.base}/slack-hook`,
        eventKinds: ["ticket.escalated"],
      },
    ];
    for (const route of routes) {
      const response = await call("POST", "/chat/routes", admin, route);
      expect(response.statusCode, response.body).toBe(201);
    }
  });

  it("posts a new Sev 1 ticket as Block Kit with the bot token, and as a Teams card", async () => {
    const opened = await call("POST", "/tickets", customer, {
      subject: "Exports fail <for everyone>",
      body: "Since 08:00.",
      severity: "sev1",
    });
    expect(opened.statusCode, opened.body).toBe(201);
    ticketNumber = opened.json().number;
    await drain();

    const posts = slack.to("/api/chat.postMessage");
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(post?.method).toBe("POST");
    expect(post?.headers.authorization).toBe(`Bearer ${botToken}`);
    expect(post?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(post?.body).toMatchObject({ channel: "C0STREAM" });
    expect(post?.body).not.toHaveProperty("thread_ts");
    const blocks = post?.body?.blocks as {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
    }[];
    expect(blocks[0]?.text?.text).toBe(
      `*<https://tend.example/tickets/${ticketNumber}|#${ticketNumber} Exports fail &lt;for everyone&gt;>*\nNew ticket from ${customer.name}`,
    );
    expect(blocks[1]?.fields?.map((field) => field.text)).toEqual([
      "*Severity*\nSev 1",
      "*Group*\nTier 1",
      "*Status*\nnew",
    ]);
    expect(blocks[2]).toMatchObject({ type: "actions" });

    const [card] = slack.to("/teams");
    expect(card?.headers["content-type"]).toBe("application/json");
    expect(card?.body).toMatchObject({
      "@type": "MessageCard",
      title: `#${ticketNumber} Exports fail <for everyone>`,
      text: `New ticket from ${customer.name}`,
      potentialAction: [{ targets: [{ uri: `https://tend.example/tickets/${ticketNumber}` }] }],
    });
    expect(slack.to("/generic")).toHaveLength(0);
  });

  it("keeps a Sev 2 ticket off the Sev 1 route", async () => {
    const teamsBefore = slack.to("/teams").length;
    const opened = await call("POST", "/tickets", customer, { subject: "A question", body: "How?" });
    expect(opened.statusCode).toBe(201);
    await drain();
    expect(slack.to("/teams")).toHaveLength(teamsBefore);
  });

  it("threads the escalation under the ticket's first Slack message; webhooks get a message of their own", async () => {
    const first = slack.to("/api/chat.postMessage")[0];
    const firstTs = `1700000000.00${1001}`;
    expect(first).toBeDefined();
    const escalated = await call("POST", `/tickets/${ticketNumber}/escalation`, agent, {
      note: "Needs the experts.",
    });
    expect(escalated.statusCode, escalated.body).toBe(200);
    slack.refuse["/generic"] = 1;
    await drain();

    const reply = slack.to("/api/chat.postMessage").at(-1);
    expect(reply?.body).toMatchObject({ channel: "C0STREAM", thread_ts: firstTs });
    expect(reply?.body?.text).toBe(
      `#${ticketNumber} Exports fail &lt;for everyone&gt; — Moved to Platform experts by ${agent.name}`,
    );
    expect(slack.to("/slack-hook").at(-1)?.body).toMatchObject({ blocks: expect.any(Array) });
    // The generic receiver refused once: the delivery retries after its back-off, and posts once.
    expect(slack.to("/generic")).toHaveLength(0);
    desk.clock.advance(MINUTE);
    await drain();
    expect(slack.to("/generic")).toHaveLength(1);
    expect(slack.to("/generic")[0]?.body).toMatchObject({
      type: "ticket.escalated",
      ticket: { number: ticketNumber, group: "Platform experts", severity: "sev1" },
    });
    desk.clock.advance(MINUTE);
    await drain();
    expect(slack.to("/generic")).toHaveLength(1);
  });

  it("posts an event once per route, however often its stream job runs", async () => {
    const ticket = await desk.database.db
      .selectFrom("tickets")
      .select("id")
      .where("number", "=", ticketNumber)
      .executeTakeFirstOrThrow();
    const before = slack.to("/api/chat.postMessage").length;
    const eventId = await inTransaction(desk.system, async (tx) => {
      await publishDomainEvent(tx, "sla.warning", ticket.id, {
        ticketNumber,
        metric: "first_response",
        policyName: "Sev 1",
        dueAt: "2026-11-23T10:00:00.000Z",
      });
      const row = await tx.db
        .selectFrom("domain_events")
        .select("id")
        .where("kind", "=", "sla.warning")
        .orderBy("id", "desc")
        .executeTakeFirstOrThrow();
      return row.id;
    });
    await drain();
    await enqueueJob(desk.system, streamChatEventJob, { eventId });
    await drain();
    const posts = slack.to("/api/chat.postMessage").slice(before);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.body?.text).toContain(
      "SLA warning: first response (Sev 1) due 2026-11-23T10:00:00.000Z",
    );
  });
});

describe("a connected Slack channel", () => {
  let organizationId: string;
  let requesterTicket: number;
  const messageTs = "1763888400.000100";

  beforeAll(async () => {
    organizationId = (await desk.makeOrganization()).id;
    slack.users.U0ALICE = { real_name: "Alice Liddell", email: "alice@wonder.example" };
    const connected = await call("POST", "/chat/channels", admin, {
      name: "#acme-support",
      slackChannelId: "C0SUPPORT",
      botToken: channelToken,
      organizationId,
    });
    expect(connected.statusCode, connected.body).toBe(201);
    expect(connected.body).not.toContain(channelToken);
  });

  it("answers Slack's url_verification handshake", async () => {
    const response = await postEvent({
      token: "t",
      challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
      type: "url_verification",
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("refuses a forged or stale signature with a 401", async () => {
    const forged = await postEvent(
      { type: "url_verification", challenge: "x" },
      { secret: "not-the-signing-secret-at-all" },
    );
    expect(forged.statusCode).toBe(401);
    const stale = await postEvent(
      { type: "url_verification", challenge: "x" },
      { timestamp: nowSeconds(-6 * 60) },
    );
    expect(stale.statusCode).toBe(401);
    const unsigned = await eventsApp.inject({
      method: "POST",
      url: "/api/v1/integrations/slack/events",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ type: "url_verification", challenge: "x" }),
    });
    expect(unsigned.statusCode).toBe(401);
    // Without a signing secret there is no Slack app: the desk's own app answers 404.
    const noApp = await desk.app.inject({
      method: "POST",
      url: "/api/v1/integrations/slack/events",
      headers: { "content-type": "application/json" },
      payload: "{}",
    });
    expect(noApp.statusCode).toBe(404);
  });

  it("opens a chat ticket from a top-level message, once however often Slack retries it", async () => {
    const envelope = messageEvent("Ev0MESSAGE1", {
      user: "U0ALICE",
      text: "Our exports are stuck\nSince this morning, every workspace.",
      ts: messageTs,
    });
    expect((await postEvent(envelope)).statusCode).toBe(200);
    const retried = await postEvent(envelope, {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(retried.statusCode).toBe(200);
    await drain();

    const lookups = slack.to("/api/users.info");
    expect(lookups.at(-1)?.path).toBe("/api/users.info?user=U0ALICE");
    expect(lookups.at(-1)?.headers.authorization).toBe(`Bearer ${channelToken}`);
    const tickets = await desk.database.db
      .selectFrom("tickets")
      .innerJoin("people", "people.id", "tickets.requester_id")
      .select([
        "tickets.number",
        "tickets.subject",
        "tickets.channel",
        "tickets.organization_id",
        "people.email",
        "people.name",
      ])
      .where("people.email", "=", "alice@wonder.example")
      .execute();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({
      subject: "Our exports are stuck",
      channel: "chat",
      organization_id: organizationId,
      name: "Alice Liddell",
    });
    requesterTicket = tickets[0]?.number ?? 0;
  });

  it("ignores bot messages and edits", async () => {
    await postEvent(
      messageEvent("Ev0BOT", {
        bot_id: "B0TEND",
        subtype: "bot_message",
        text: "Tend says hi",
        ts: "1763888401.000100",
      }),
    );
    await postEvent(
      messageEvent("Ev0EDIT", {
        subtype: "message_changed",
        message: { text: "edited" },
        ts: "1763888402.000100",
      }),
    );
    await drain();
    const count = await desk.database.db
      .selectFrom("tickets")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("channel", "=", "chat")
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("adds a thread reply as the writer's public comment", async () => {
    const posted = await postEvent(
      messageEvent("Ev0REPLY1", {
        user: "U0ALICE",
        text: "Still stuck after a retry.",
        ts: "1763888500.000200",
        thread_ts: messageTs,
      }),
    );
    expect(posted.statusCode).toBe(200);
    await drain();
    const alice = await desk.database.db
      .selectFrom("people")
      .select("id")
      .where("email", "=", "alice@wonder.example")
      .executeTakeFirstOrThrow();
    const comments = (await call("GET", `/tickets/${requesterTicket}/comments`, agent)).json() as {
      bodyText: string;
      visibility: string;
      channel: string;
      author: { id: string };
    }[];
    expect(comments.at(-1)).toMatchObject({
      bodyText: "Still stuck after a retry.",
      channel: "chat",
      visibility: "public",
      author: { id: alice.id },
    });
  });

  it("posts an agent's public reply in the ticket's thread, and keeps internal notes in Tend", async () => {
    const before = slack.to("/api/chat.postMessage").length;
    const note = await call("POST", `/tickets/${requesterTicket}/comments`, agent, {
      body: "Checking the export queue.",
      visibility: "internal",
    });
    expect(note.statusCode, note.body).toBe(201);
    const reply = await call("POST", `/tickets/${requesterTicket}/comments`, agent, {
      body: "Fixed: the export queue is moving again.",
      visibility: "public",
    });
    expect(reply.statusCode, reply.body).toBe(201);
    await drain();
    const posts = slack.to("/api/chat.postMessage").slice(before);
    const threaded = posts.filter((post) => post.body?.channel === "C0SUPPORT");
    expect(threaded).toHaveLength(1);
    expect(threaded[0]?.headers.authorization).toBe(`Bearer ${channelToken}`);
    expect(threaded[0]?.body).toMatchObject({
      channel: "C0SUPPORT",
      thread_ts: messageTs,
      text: `*${agent.name}*: Fixed: the export queue is moving again.`,
    });
  });

  it("forgets which Slack account an erased person was", async () => {
    const alice = await desk.database.db
      .selectFrom("people")
      .select("id")
      .where("email", "=", "alice@wonder.example")
      .executeTakeFirstOrThrow();
    const dryRun = await call("POST", `/people/${alice.id}/erasure`, admin, { dryRun: true });
    expect(dryRun.statusCode, dryRun.body).toBe(200);
    expect(dryRun.json().items).toContainEqual({ kind: "slackAccountLinks", count: 1 });
    const erased = await call("POST", `/people/${alice.id}/erasure`, admin, { dryRun: false });
    expect(erased.statusCode, erased.body).toBe(200);
    const links = await desk.database.db
      .selectFrom("chat_slack_people")
      .selectAll()
      .where("person_id", "=", alice.id)
      .execute();
    expect(links).toEqual([]);

    // Her next message is a stranger's: a new customer, not the erased person.
    expect(
      (
        await postEvent(
          messageEvent("Ev0AFTERERASURE", { user: "U0ALICE", text: "Hello again", ts: "1763888500.000100" }),
        )
      ).statusCode,
    ).toBe(200);
    await drain();
    const requester = await desk.database.db
      .selectFrom("tickets")
      .innerJoin("people", "people.id", "tickets.requester_id")
      .select(["people.id", "people.email"])
      .where("tickets.subject", "=", "Hello again")
      .executeTakeFirstOrThrow();
    expect(requester.id).not.toBe(alice.id);
    expect(requester.email).toBe("alice@wonder.example");
  });
});

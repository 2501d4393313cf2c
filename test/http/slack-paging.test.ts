import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { MINUTE } from "../../src/shared/clock.js";
import { isSealed } from "../../src/shared/secret-box.js";
import { publicUrl, useEmailDesk } from "../email/email-desk.js";
import type { Person } from "../support/test-desk.js";

/**
 * The chat side of paging over real sockets: Slack's slash command posted to a listening Tend with
 * a signature computed here as Slack documents it, people's own webhooks and the command's
 * response_url received by a local HTTP server, escalation moved by the desk's manual clock.
 */
const email = useEmailDesk({ relaySink: true });
const signingSecret = "slack-signing-secret-for-tests-0123456789";
const silent = pino({ level: "silent" });

interface Received {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** A webhook receiver: records each JSON post; `refuse[path]` answers that many 503s first. */
const receiver = {
  server: null as Server | null,
  base: "",
  received: [] as Received[],
  refuse: {} as Record<string, number>,
  to(path: string) {
    return receiver.received.filter((post) => post.path === path);
  },
};

let slackApp: TendApp;
let slackUrl: string;
let admin: Person;
let first: Person;
let second: Person;
let bystander: Person;
let customer: Person;

/** Slack's v0 signature, computed from its documentation rather than Tend's code. */
function sign(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** A form body as Slack sends it; encodeURIComponent writes spaces as %20, which a re-encoding would not. */
function slackForm(text: string): string {
  const fields: Record<string, string> = {
    token: "deprecated-verification-token",
    team_id: "T0001",
    team_domain: "acme",
    channel_id: "C0SUPPORT",
    channel_name: "support",
    user_id: "U0ALICE",
    user_name: "alice",
    command: "/page",
    text,
    response_url: `${receiver.base}/slack/response`,
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
    api_app_id: "A0TEND",
  };
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join("&");
}

function nowSeconds(offsetSeconds = 0): string {
  return String(Math.floor(email.desk.clock.now().getTime() / 1000) + offsetSeconds);
}

async function postCommand(
  body: string,
  options: { secret?: string; timestamp?: string; signedBody?: string } = {},
) {
  const timestamp = options.timestamp ?? nowSeconds();
  const response = await fetch(slackUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": sign(options.secret ?? signingSecret, timestamp, options.signedBody ?? body),
    },
    body,
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    body: (await response.json()) as { response_type?: string; text?: string; detail?: string },
  };
}

function call(method: "GET" | "POST" | "PUT", url: string, who: Person | null, payload?: object) {
  return email.desk.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: who ? who.auth : {},
    ...(payload ? { payload } : {}),
  });
}

async function runJobs() {
  await email.processInbound();
  await email.processInbound();
}

async function pageCount(): Promise<number> {
  return ((await call("GET", "/pages", admin)).json().pages as unknown[]).length;
}

async function pageLog(id: string) {
  const response = await call("GET", `/pages/${id}`, admin);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    status: string;
    log: { kind: string; detail: string; actor: string; person: { id: string } | null }[];
  };
}

function mailsTo(person: Person) {
  return (email.sink?.received ?? []).filter((mail) => mail.rcptTo.includes(person.email));
}

beforeAll(async () => {
  receiver.server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      const path = request.url ?? "";
      if ((receiver.refuse[path] ?? 0) > 0) {
        receiver.refuse[path] = (receiver.refuse[path] ?? 0) - 1;
        response.writeHead(503).end();
        return;
      }
      receiver.received.push({ path, contentType: request.headers["content-type"], body: JSON.parse(body) });
      response.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.server?.listen(0, "127.0.0.1", resolve));
  receiver.base = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;

  // A second Tend process on the same database, started with the Slack app's signing secret.
  slackApp = await buildApp({
    database: email.desk.database,
    logger: silent,
    clock: email.desk.clock,
    publicUrl,
    bodyLimitBytes: 64 * 1024,
    slackSigningSecret: signingSecret,
  });
  await slackApp.listen({ port: 0, host: "127.0.0.1" });
  slackUrl = `http://127.0.0.1:${(slackApp.server.address() as AddressInfo).port}/api/v1/integrations/slack/commands`;

  admin = email.admin;
  first = await email.desk.makeAgent();
  second = await email.desk.makeAgent();
  bystander = await email.desk.makeAgent();
  customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
  const policy = await call("POST", "/escalation-policies", admin, {
    name: "Customer support",
    levels: [
      { targets: [{ kind: "person", personId: first.id }], timeoutMinutes: 5 },
      { targets: [{ kind: "person", personId: second.id }], timeoutMinutes: 10 },
    ],
  });
  expect(policy.statusCode, policy.body).toBe(201);
});

afterAll(async () => {
  await slackApp?.close();
  await new Promise((resolve) => receiver.server?.close(resolve));
});

describe("a person's own page webhook", () => {
  it("is set by the person or an admin, checked, never shown back, and sealed at rest", async () => {
    const own = await call("PUT", `/people/${first.id}/page-webhook`, first, {
      url: `${receiver.base}/people/first`,
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ configured: true, host: new URL(receiver.base).host });
    expect(own.body).not.toContain("/people/first");
    const byAdmin = await call("PUT", `/people/${second.id}/page-webhook`, admin, {
      url: `${receiver.base}/people/second`,
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect((await call("GET", `/people/${second.id}/page-webhook`, second)).json()).toMatchObject({
      configured: true,
    });

    // Someone else's, a customer, a plain-http host elsewhere, a customer's own: refused.
    const others = await call("PUT", `/people/${first.id}/page-webhook`, bystander, {
      url: "https://x.example/h",
    });
    expect(others.statusCode).toBe(403);
    expect((await call("GET", `/people/${first.id}/page-webhook`, bystander)).statusCode).toBe(403);
    expect((await call("GET", `/people/${first.id}/page-webhook`, customer)).statusCode).toBe(403);
    const plainHttp = await call("PUT", `/people/${bystander.id}/page-webhook`, bystander, {
      url: "http://chat.example.com/hook",
    });
    expect(plainHttp.statusCode).toBe(400);
    expect(plainHttp.json().errors).toEqual([expect.objectContaining({ field: "url" })]);
    const forCustomer = await call("PUT", `/people/${customer.id}/page-webhook`, admin, {
      url: "https://x.example/h",
    });
    expect(forCustomer.statusCode).toBe(422);
    expect((await call("GET", `/people/${bystander.id}/page-webhook`, bystander)).json()).toEqual({
      configured: false,
      host: null,
      updatedAt: null,
    });

    const stored = await email.desk.database.db
      .selectFrom("person_page_webhooks")
      .selectAll()
      .where("person_id", "=", first.id)
      .executeTakeFirstOrThrow();
    expect(isSealed(stored.url)).toBe(true);
    expect(stored.url).not.toContain("/people/first");

    // Set and removed again, by the person.
    expect(
      (
        await call("PUT", `/people/${bystander.id}/page-webhook`, bystander, { url: "https://x.example/h" })
      ).json(),
    ).toMatchObject({ configured: true, host: "x.example" });
    expect(
      (await call("PUT", `/people/${bystander.id}/page-webhook`, bystander, { url: null })).json(),
    ).toMatchObject({ configured: false });
  });
});

describe("the Slack slash command", () => {
  it("refuses a wrong signature, a stale timestamp and a tampered body, and creates nothing", async () => {
    const before = await pageCount();
    const body = slackForm("customer-support Database down");
    const wrongSecret = await postCommand(body, { secret: "another-apps-signing-secret-000000" });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.contentType).toContain("application/problem+json");
    expect(wrongSecret.body.detail).toContain("does not match");
    // Signed correctly, six minutes ago: a replay.
    const stale = await postCommand(body, { timestamp: nowSeconds(-6 * 60) });
    expect(stale.status).toBe(401);
    expect(stale.body.detail).toContain("five minutes");
    // The signature of one text over another's body.
    const tampered = await postCommand(slackForm("customer-support Everything is fine"), {
      signedBody: body,
    });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(slackUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await pageCount()).toBe(before);

    // A Tend without a signing secret takes no Slack command at all.
    const timestamp = nowSeconds();
    const unconfigured = await email.desk.app.inject({
      method: "POST",
      url: "/api/v1/integrations/slack/commands",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": sign(signingSecret, timestamp, body),
      },
      payload: body,
    });
    expect(unconfigured.statusCode).toBe(404);
    expect(await pageCount()).toBe(before);
  });

  it("answers help and an unknown policy to the caller alone, listing the policies", async () => {
    const before = await pageCount();
    const help = await postCommand(slackForm("help"));
    expect(help.status).toBe(200);
    expect(help.body).toMatchObject({ response_type: "ephemeral" });
    expect(help.body.text).toContain("Usage: `/page <policy>");
    const unknown = await postCommand(slackForm("billing Invoices wrong"));
    expect(unknown.status).toBe(200);
    expect(unknown.body.response_type).toBe("ephemeral");
    expect(unknown.body.text).toContain('No escalation policy "billing"');
    expect(unknown.body.text).toContain("`Customer support`");
    // Slack's certificate check of the Request URL: signed, no command, answered 200.
    expect((await postCommand("ssl_check=1&token=deprecated-verification-token")).status).toBe(200);
    expect(await pageCount()).toBe(before);
  });

  it("opens a page that escalates through two levels to each person's webhook, and tells the channel", async () => {
    receiver.refuse["/people/first"] = 1;
    const answered = await postCommand(slackForm("customer-support Database down"));
    expect(answered.status).toBe(200);
    expect(answered.body.response_type).toBe("in_channel");
    expect(answered.body.text).toContain("Page opened: *Database down*");
    expect(answered.body.text).toContain(`Notifying level 1: ${first.name}.`);
    expect(answered.body.text).toContain("escalates to level 2 in 5 minutes");

    const pages = (await call("GET", "/pages", admin)).json().pages as {
      id: string;
      title: string;
      openedBy: string | null;
      openedByActor: string | null;
    }[];
    const page = pages.find((p) => p.title === "Database down");
    if (!page) throw new Error("no page opened");
    // The page names the Slack user who sent it, not "someone".
    expect(page.openedBy).toBeNull();
    expect(page.openedByActor).toBe("Slack /page by @alice (U0ALICE) in #support, team T0001");
    expect((await call("GET", `/pages/${page.id}`, admin)).json()).toMatchObject({
      openedByActor: "Slack /page by @alice (U0ALICE) in #support, team T0001",
    });
    const opened = (await pageLog(page.id)).log[0];
    expect(opened).toMatchObject({ kind: "opened", person: null });
    expect(opened?.actor).toContain("Slack /page by @alice (U0ALICE) in #support, team T0001");

    // Level 1: mail and webhook; the webhook refuses once and is retried alone, without a second mail.
    await runJobs();
    expect(mailsTo(first)).toHaveLength(1);
    expect(receiver.to("/people/first")).toHaveLength(0);
    email.desk.clock.advance(2_000);
    await runJobs();
    expect(mailsTo(first)).toHaveLength(1);
    const firstPosts = receiver.to("/people/first");
    expect(firstPosts).toHaveLength(1);
    expect(firstPosts[0]?.contentType).toBe("application/json");
    expect(firstPosts[0]?.body.text).toContain("[SEV1] Page: Database down — you are paged (level 1).");
    expect(firstPosts[0]?.body.tend).toMatchObject({ pageId: page.id, step: "level 1" });
    expect(receiver.to("/people/second")).toHaveLength(0);

    // Level 2 after level 1's five minutes.
    email.desk.clock.advance(5 * MINUTE);
    await runJobs();
    const secondPosts = receiver.to("/people/second");
    expect(secondPosts).toHaveLength(1);
    expect(mailsTo(second)).toHaveLength(1);
    const links = secondPosts[0]?.body.tend as { acknowledgeUrl: string; resolveUrl: string };
    expect(secondPosts[0]?.body.text).toContain(`<${links.acknowledgeUrl}|Acknowledge>`);

    // The webhook's link acknowledges as the person it was sent to, once.
    const acknowledge = links.acknowledgeUrl.slice(publicUrl.length);
    const confirmed = await email.desk.app.inject({ method: "POST", url: acknowledge });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await email.desk.app.inject({ method: "POST", url: acknowledge })).statusCode).toBe(410);

    // The channel the command came from hears it, in the channel.
    await runJobs();
    const replies = receiver.to("/slack/response");
    expect(replies).toEqual([
      {
        path: "/slack/response",
        contentType: "application/json",
        body: {
          response_type: "in_channel",
          replace_original: false,
          text: `[SEV1] Page: Database down — acknowledged by ${second.name}`,
        },
      },
    ]);
    // The first level's links still work once each: resolving is news too.
    const firstLinks = firstPosts[0]?.body.tend as { resolveUrl: string } | undefined;
    const firstResolve = (firstLinks?.resolveUrl ?? "").slice(publicUrl.length);
    expect((await email.desk.app.inject({ method: "POST", url: firstResolve })).statusCode).toBe(200);
    await runJobs();
    expect(receiver.to("/slack/response").at(-1)?.body.text).toBe(
      `[SEV1] Page: Database down — resolved by ${first.name}`,
    );

    const log = await pageLog(page.id);
    expect(log.status).toBe("resolved");
    const details = log.log.map((event) => event.detail);
    expect(details).toEqual(
      expect.arrayContaining([
        "notified via email (level 1)",
        "notified via webhook (level 1)",
        "notified via email (level 2)",
        "notified via webhook (level 2)",
        "said in Slack: acknowledged",
        "said in Slack: resolved",
      ]),
    );
  });

  it("says nothing in Slack once the command's response_url has lapsed", async () => {
    const answered = await postCommand(slackForm("Customer support sev2 Search slow"));
    expect(answered.body.response_type).toBe("in_channel");
    const pages = (await call("GET", "/pages", admin)).json().pages as { id: string; title: string }[];
    const page = pages.find((p) => p.title === "Search slow");
    if (!page) throw new Error("no page opened");
    email.desk.clock.advance(31 * MINUTE);
    const repliesBefore = receiver.to("/slack/response").length;
    expect((await call("POST", `/pages/${page.id}/resolution`, first)).statusCode).toBe(200);
    await runJobs();
    expect(receiver.to("/slack/response")).toHaveLength(repliesBefore);
  });
});

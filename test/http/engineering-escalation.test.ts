import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isSealed } from "../../src/shared/secret-box.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

/**
 * Escalation to GitHub against a local HTTP server that plays GitHub's REST API as documented
 * (docs.github.com/rest/issues): the request Octokit sends is checked as GitHub would receive it,
 * and webhooks are signed here the way GitHub signs them.
 */
const desk = useTestDesk();
const token = "github_pat_11TESTTOKEN0123456789";
const webhookSecret = "a webhook secret for tests";

interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown> | null;
}

/** GitHub's side: issues per repository; `answer` overrides the next reply (a 401, a 422, a 500). */
const github = {
  server: null as Server | null,
  origin: "",
  received: [] as ReceivedRequest[],
  issues: new Map<string, { number: number; title: string; state: string; labels: string[] }>(),
  nextNumber: 12,
  answer: null as { status: number; body: unknown } | null,
};

function issueJson(
  owner: string,
  repo: string,
  issue: { number: number; title: string; state: string; labels: string[] },
) {
  return {
    id: 1_000 + issue.number,
    node_id: "I_kwDOTEST",
    url: `${github.origin}/repos/${owner}/${repo}/issues/${issue.number}`,
    repository_url: `${github.origin}/repos/${owner}/${repo}`,
    html_url: `https://github.example/${owner}/${repo}/issues/${issue.number}`,
    number: issue.number,
    state: issue.state,
    title: issue.title,
    body: null,
    user: { login: "tend-bot", id: 1 },
    labels: issue.labels.map((name, index) => ({ id: index + 1, name, color: "ededed", default: false })),
    assignees: [],
    comments: 0,
    created_at: "2026-11-23T09:00:00Z",
    updated_at: "2026-11-23T09:00:00Z",
  };
}

beforeAll(async () => {
  github.server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(request.url ?? "/", "http://github.test");
      github.received.push({
        method: request.method ?? "",
        path: url.pathname,
        headers: request.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : null,
      });
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(body));
      };
      if (github.answer) {
        const { status, body } = github.answer;
        github.answer = null;
        return send(status, body);
      }
      const match = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/issues(?:\/(\d+))?$/.exec(url.pathname);
      if (!match?.[1] || !match[2]) return send(404, { message: "Not Found" });
      const [owner, repo] = [match[1], match[2]];
      if (request.method === "POST" && !match[3]) {
        const body = JSON.parse(raw) as { title: string; labels?: string[] };
        const issue = {
          number: github.nextNumber++,
          title: body.title,
          state: "open",
          labels: body.labels ?? [],
        };
        github.issues.set(`${owner}/${repo}#${issue.number}`, issue);
        return send(201, issueJson(owner, repo, issue));
      }
      const issue = github.issues.get(`${owner}/${repo}#${match[3]}`);
      if (request.method === "GET" && issue) return send(200, issueJson(owner, repo, issue));
      return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    });
  });
  await new Promise<void>((resolve) => github.server?.listen(0, "127.0.0.1", resolve));
  github.origin = `http://127.0.0.1:${(github.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  // Octokit's fetch keeps connections alive; close would wait on them.
  github.server?.closeAllConnections();
  await new Promise<void>((resolve) => github.server?.close(() => resolve()));
});

beforeEach(() => {
  github.received = [];
  github.answer = null;
});

let admin: Person;
let agent: Person;

async function configure(baseUrl: string, overrides: Record<string, unknown> = {}) {
  const response = await desk.app.inject({
    method: "PUT",
    url: "/api/v1/integrations/github/settings",
    headers: admin.auth,
    payload: {
      baseUrl,
      token,
      defaultRepository: "acme/tend-engine",
      allowedRepositories: ["acme/web-app"],
      defaultLabels: ["from support"],
      webhookSecret,
      ...overrides,
    },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function customerTicket(customer: Person, body = "Exports time out after 30 seconds.") {
  const created = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: customer.auth,
    payload: { subject: "CSV export fails", body },
  });
  expect(created.statusCode, created.body).toBe(201);
  return created.json() as { number: number; id: string; version: number };
}

function openIssue(number: number, payload: Record<string, unknown>, who: Person = agent) {
  return desk.app.inject({
    method: "POST",
    url: `/api/v1/tickets/${number}/engineering-issue`,
    headers: who.auth,
    payload,
  });
}

function signed(body: string, secret = webhookSecret) {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function deliver(
  event: string,
  payload: unknown,
  options: { signature?: string | null; delivery?: string } = {},
) {
  const body = JSON.stringify(payload);
  const signature = options.signature === undefined ? signed(body) : options.signature;
  return desk.app.inject({
    method: "POST",
    url: "/api/v1/integrations/github/webhook",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": options.delivery ?? randomUUID(),
      ...(signature === null ? {} : { "x-hub-signature-256": signature }),
    },
    payload: body,
  });
}

function issuesEvent(action: string, number: number, state: string, title = "CSV export times out") {
  return {
    action,
    issue: {
      number,
      title,
      state,
      html_url: `https://github.example/acme/tend-engine/issues/${number}`,
      labels: [
        { id: 1, name: "from support" },
        { id: 2, name: "bug" },
      ],
    },
    repository: { id: 7, full_name: "Acme/Tend-Engine" },
    sender: { login: "octocat" },
  };
}

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  agent = await desk.makeAgent();
});

describe("the GitHub settings", () => {
  it("keep the token sealed and never return it; only admins read or change them", async () => {
    const view = await configure(github.origin);
    expect(view).toMatchObject({
      baseUrl: github.origin,
      tokenSet: true,
      webhookSecretSet: true,
      repositories: ["acme/tend-engine", "acme/web-app"],
    });
    expect(JSON.stringify(view)).not.toContain(token);
    const row = await desk.database.db.selectFrom("github_settings").selectAll().executeTakeFirstOrThrow();
    expect(row.token && isSealed(row.token)).toBe(true);
    expect(row.webhook_secret && isSealed(row.webhook_secret)).toBe(true);

    const byAgent = await desk.app.inject({
      method: "GET",
      url: "/api/v1/integrations/github/settings",
      headers: agent.auth,
    });
    expect(byAgent.statusCode).toBe(403);
    const badRepository = await desk.app.inject({
      method: "PUT",
      url: "/api/v1/integrations/github/settings",
      headers: admin.auth,
      payload: {
        baseUrl: github.origin,
        defaultRepository: "not a repo",
        allowedRepositories: [],
        defaultLabels: [],
      },
    });
    expect(badRepository.statusCode).toBe(400);
    expect(badRepository.json().errors ?? badRepository.json()).toBeDefined();
    // The refused change left the settings as they were.
    expect((await configure(github.origin, { token: undefined })).tokenSet).toBe(true);
  });
});

describe("opening an issue from a ticket", () => {
  it("sends GitHub the exact request, with a sanitized summary and a link back, and stores the link", async () => {
    await configure(github.origin);
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const ticket = await customerTicket(
      customer,
      `Exports time out. Write me at ${customer.email} or ping @octocat.`,
    );
    await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: agent.auth,
      payload: { body: "Internal: the customer is on the old cluster db-7", visibility: "internal" },
    });

    const draft = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/engineering`,
      headers: agent.auth,
    });
    expect(draft.statusCode).toBe(200);
    const { summary } = draft.json().draft as { summary: string };
    expect(summary).toContain("Exports time out.");
    expect(summary).not.toContain(customer.email);
    expect(summary).not.toContain("db-7");

    const opened = await openIssue(ticket.number, { title: "CSV export times out", summary });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().issue).toMatchObject({
      repository: "acme/tend-engine",
      number: expect.any(Number),
      state: "open",
      title: "CSV export times out",
      labels: ["from support"],
    });

    const [sent] = github.received;
    expect(sent?.method).toBe("POST");
    expect(sent?.path).toBe("/repos/acme/tend-engine/issues");
    expect(sent?.headers.authorization).toBe(`token ${token}`);
    expect(sent?.headers["content-type"]).toContain("application/json");
    expect(sent?.body).toMatchObject({ title: "CSV export times out", labels: ["from support"] });
    const body = String(sent?.body?.body);
    expect(body).toContain(`http://localhost:8080/tickets/${ticket.number}`);
    expect(body).toContain("[email address removed]");
    expect(body).toContain("`@octocat`");
    expect(body).not.toContain(customer.email);
    expect(body).not.toContain("db-7");

    const events = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/events`,
      headers: agent.auth,
    });
    expect(events.json().items ?? events.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: "engineering_issue_linked" })]),
    );
    const comments = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: agent.auth,
    });
    expect(JSON.stringify(comments.json())).toContain("Opened GitHub issue acme/tend-engine#");

    // One issue per ticket: a second is refused before GitHub is called.
    github.received = [];
    const again = await openIssue(ticket.number, { title: "again", summary: "" });
    expect(again.statusCode).toBe(409);
    expect(github.received).toHaveLength(0);
  });

  it("reaches a GitHub Enterprise Server under /api/v3", async () => {
    await configure(`${github.origin}/api/v3/`);
    const ticket = await customerTicket(await desk.makeCustomer((await desk.makeOrganization()).id));
    const opened = await openIssue(ticket.number, {
      title: "On GHES",
      summary: "Summary",
      repository: "acme/web-app",
      labels: ["ghes"],
    });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(github.received[0]?.path).toBe("/api/v3/repos/acme/web-app/issues");
    expect(github.received[0]?.body).toMatchObject({ title: "On GHES", labels: ["ghes"] });
    await configure(github.origin);
  });

  it("names what GitHub said when it refuses, and stores nothing", async () => {
    await configure(github.origin);
    const ticket = await customerTicket(await desk.makeCustomer((await desk.makeOrganization()).id));
    const refusals = [
      { status: 401, body: { message: "Bad credentials" }, expected: 502, says: "Bad credentials" },
      {
        status: 422,
        body: {
          message: "Validation Failed",
          errors: [{ resource: "Label", code: "invalid", field: "labels" }],
        },
        expected: 422,
        says: "Validation Failed",
      },
      { status: 404, body: { message: "Not Found" }, expected: 422, says: "404" },
      { status: 503, body: { message: "Service unavailable" }, expected: 502, says: "503" },
    ];
    for (const refusal of refusals) {
      github.answer = { status: refusal.status, body: refusal.body };
      const response = await openIssue(ticket.number, { title: "Refused", summary: "" });
      expect(response.statusCode, response.body).toBe(refusal.expected);
      expect(response.headers["content-type"]).toContain("application/problem+json");
      expect(response.body).toContain(refusal.says);
    }
    const view = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/engineering`,
      headers: agent.auth,
    });
    expect(view.json().issue).toBeNull();

    const elsewhere = await openIssue(ticket.number, {
      title: "x",
      summary: "",
      repository: "evil/exfiltrate",
    });
    expect(elsewhere.statusCode).toBe(422);
  });

  it("links an existing issue by address, owner/name#number or number", async () => {
    await configure(github.origin);
    github.issues.set("acme/web-app#77", { number: 77, title: "Login loop", state: "open", labels: ["bug"] });
    const ticket = await customerTicket(await desk.makeCustomer((await desk.makeOrganization()).id));
    const missing = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${ticket.number}/engineering-issue/link`,
      headers: agent.auth,
      payload: { issue: "acme/web-app#78" },
    });
    expect(missing.statusCode).toBe(422);
    const linked = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${ticket.number}/engineering-issue/link`,
      headers: agent.auth,
      payload: { issue: "https://github.example/acme/web-app/issues/77" },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().issue).toMatchObject({
      repository: "acme/web-app",
      number: 77,
      title: "Login loop",
    });
    expect(github.received.at(-1)).toMatchObject({ method: "GET", path: "/repos/acme/web-app/issues/77" });
  });
});

describe("needs engineering", () => {
  it("answers with the one-business-day prompt until an issue is linked", async () => {
    const ticket = await customerTicket(await desk.makeCustomer((await desk.makeOrganization()).id));
    const marked = await desk.app.inject({
      method: "PUT",
      url: `/api/v1/tickets/${ticket.number}/engineering`,
      headers: agent.auth,
      payload: { needsEngineering: true },
    });
    expect(marked.statusCode).toBe(200);
    expect(marked.json()).toMatchObject({ needsEngineering: true });
    expect(marked.json().prompt).toMatch(/more than one business day of engineering/);
  });
});

describe("permissions", () => {
  it("refuses customers, and another organization's customer learns nothing", async () => {
    await configure(github.origin);
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const ticket = await customerTicket(customer);
    const outsider = await desk.makeCustomer((await desk.makeOrganization()).id);
    github.received = [];
    for (const who of [customer, outsider]) {
      expect((await openIssue(ticket.number, { title: "t", summary: "" }, who)).statusCode).toBe(403);
      const read = await desk.app.inject({
        method: "GET",
        url: `/api/v1/tickets/${ticket.number}/engineering`,
        headers: who.auth,
      });
      expect(read.statusCode).toBe(403);
    }
    expect(github.received).toHaveLength(0);
    const missing = await openIssue(999_999, { title: "t", summary: "" });
    expect(missing.statusCode).toBe(404);
  });
});

describe("GitHub webhooks", () => {
  it("verify the signature, act on a delivery once, and a closed issue notes and reopens the ticket", async () => {
    await configure(github.origin);
    const ticket = await customerTicket(await desk.makeCustomer((await desk.makeOrganization()).id));
    const opened = await openIssue(ticket.number, { title: "CSV export times out", summary: "s" });
    const number = opened.json().issue.number as number;
    // The agent answered and waits on the customer: the ticket is Pending.
    const pending = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: agent.auth,
      payload: { body: "Engineering is on it.", status: "pending" },
    });
    expect(pending.statusCode, pending.body).toBe(201);

    const closed = issuesEvent("closed", number, "closed", "CSV export times out (fixed)");
    expect((await deliver("issues", closed, { signature: null })).statusCode).toBe(401);
    expect(
      (await deliver("issues", closed, { signature: signed(JSON.stringify(closed), "forged") })).statusCode,
    ).toBe(401);
    expect((await deliver("push", { ref: "main" })).statusCode).toBe(204);
    expect((await deliver("ping", { zen: "Keep it logically awesome." })).json()).toEqual({
      outcome: "ignored",
    });

    const delivery = randomUUID();
    const first = await deliver("issues", closed, { delivery });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ outcome: "received" });
    const replay = await deliver("issues", closed, { delivery });
    expect(replay.json()).toEqual({ outcome: "duplicate" });

    const now = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: agent.auth,
    });
    expect(now.json().status).toBe("open");
    const comments = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: agent.auth,
    });
    const list = (comments.json().items ?? comments.json()) as Array<{ visibility: string }>;
    // Both the text and the HTML of a comment carry its words: count comments, not matches.
    const notes = list.filter((comment) =>
      /Engineering closed acme\/tend-engine#\d+: CSV export times out \(fixed\)/.test(
        JSON.stringify(comment),
      ),
    );
    expect(notes).toHaveLength(1);
    expect(notes[0]?.visibility).toBe("internal");
    const view = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/engineering`,
      headers: agent.auth,
    });
    expect(view.json().issue).toMatchObject({
      state: "closed",
      title: "CSV export times out (fixed)",
      labels: ["from support", "bug"],
    });

    const reopened = await deliver("issues", issuesEvent("reopened", number, "open"));
    expect(reopened.json()).toEqual({ outcome: "received" });
    const after = await desk.app.inject({
      method: "GET",
      url: `/api/v1/tickets/${ticket.number}/engineering`,
      headers: agent.auth,
    });
    expect(after.json().issue.state).toBe("open");
  });
});

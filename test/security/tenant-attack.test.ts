import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../support/test-desk.js";
import {
  type ApiRoute,
  apiRoutesOf,
  type ResourceKind,
  sampleBody,
  unattackableParams,
  urlOf,
} from "./attack-surface.js";
import type { JsonSchema } from "./openapi-document.js";
import {
  type Attacker,
  buildVictimDesk,
  fingerprint,
  type Trust,
  type VictimDesk,
  victimFingerprint,
} from "./victim-desk.js";

/**
 * The generated tenant attack: every documented route × every kind of caller, aimed at organization
 * A's ids. A caller who may not act must get 401, 403 or 404 — a 404 word for word the same as for
 * an id that does not exist —, must read none of A's secrets, must find nothing by searching for
 * them, and must leave the database exactly as it was. Runs on SQLite and on PostgreSQL.
 */

const desk = useTestDesk();
let victim: VictimDesk;
let routes: ApiRoute[];
let schemas: Record<string, JsonSchema>;

beforeAll(async () => {
  victim = await buildVictimDesk(desk);
  ({ routes, schemas } = apiRoutesOf(desk.app));
});

/** Routes anyone may call; each still must not say anything about A. */
const publicRoutes = [
  "GET /healthz",
  "GET /readyz",
  "POST /api/v1/auth/login",
  "POST /api/v1/auth/sign-in/second-factor",
  "POST /api/v1/auth/logout",
  "POST /api/v1/auth/unlock",
  "POST /api/v1/auth/sign-in-link",
  "POST /api/v1/auth/sign-in-link/redeem",
  "GET /api/v1/auth/sso",
  "GET /api/v1/auth/sso/start",
  "GET /api/v1/auth/sso/callback",
  // A calendar app's subscription: the secret in the URL is the credential.
  "GET /api/v1/oncall/feeds/{secret}.ics",
  // A mailed page link: the secret is the credential; a GET only shows what a POST would do.
  "GET /api/v1/pages/act/{secret}",
  "POST /api/v1/pages/act/{secret}",
  // Slack's slash command: its signature is the credential (404 here, where no signing secret is set).
  "POST /api/v1/integrations/slack/commands",
  // A push monitor's report: the token in the path is the credential.
  "POST /api/v1/status/push/{token}",
  "POST /api/v1/status/push/{token}/user-impact",
  // The status page's Statuspage-shaped JSON: public by design, and it shows only published incidents.
  "GET /api/v2/summary.json",
  "GET /api/v2/status.json",
  "GET /api/v2/components.json",
  "GET /api/v2/incidents.json",
  "GET /api/v2/incidents/unresolved.json",
  "GET /api/v2/scheduled-maintenances.json",
  "GET /api/v2/scheduled-maintenances/upcoming.json",
  "GET /api/v2/scheduled-maintenances/active.json",
  // Slack's Events API and GitHub's webhooks: their signatures are the credential (404 here, where
  // neither is configured).
  "POST /api/v1/integrations/slack/events",
  "POST /api/v1/integrations/github/webhook",
];

/** Single sign-on's way in and back answer 404 on the suite's desk, where it is not configured. */
const offWithoutSingleSignOn = ["GET /api/v1/auth/sso/start", "GET /api/v1/auth/sso/callback"];
/**
 * An event stream never ends, so it answers these plain requests 406 once the caller is let in;
 * who may open it is what the attack checks, and test/http/ticket-stream.test.ts reads a real one.
 */
const eventStreams = ["GET /api/v1/stream"];

/** Routes any customer may call successfully, scoped to what they may see. */
const customerRoutes = [
  ...publicRoutes,
  "GET /api/v1/me",
  "GET /api/v1/auth/session",
  "GET /api/v1/organizations",
  "GET /api/v1/people",
  "GET /api/v1/tickets",
  "POST /api/v1/tickets",
  "GET /api/v1/tokens",
  "POST /api/v1/tokens",
  "POST /api/v1/portal/answer-by",
  // An upload is the caller's own until they attach it: nothing of anyone else's is reachable.
  "POST /api/v1/uploads",
  // The knowledge base: public published articles for customers; internal ones and drafts are 404.
  "GET /api/v1/knowledge/categories",
  "GET /api/v1/knowledge/categories/{id}",
  "GET /api/v1/knowledge/articles",
  "GET /api/v1/knowledge/articles/{id}",
  "GET /api/v1/knowledge/search",
  "POST /api/v1/knowledge/suggestions",
  "POST /api/v1/knowledge/deflections",
];

/** What a customer of organization A may also do with A's ids. */
const memberRoutes = [
  ...customerRoutes,
  "GET /api/v1/organizations/{id}",
  "GET /api/v1/people/{id}",
  "GET /api/v1/tickets/{number}",
  "PATCH /api/v1/tickets/{number}",
  "GET /api/v1/tickets/{number}/comments",
  "POST /api/v1/tickets/{number}/comments",
  "GET /api/v1/tickets/{number}/events",
  "GET /api/v1/tickets/{number}/attachments/{id}",
  // The survey of a ticket they may see: only its requester's answer is shown, and only they answer.
  "GET /api/v1/tickets/{number}/satisfaction",
  "POST /api/v1/tickets/{number}/satisfaction",
];

/** Writes an agent may make; every other write is for admins. Agents read everything. */
const agentWrites = [
  ...publicRoutes,
  "POST /api/v1/tickets",
  "PATCH /api/v1/tickets/{number}",
  "POST /api/v1/tickets/{number}/comments",
  "POST /api/v1/tickets/{number}/escalation",
  // Staff escalate to engineering: mark the need, open or link a GitHub issue, unlink it.
  "PUT /api/v1/tickets/{number}/engineering",
  "POST /api/v1/tickets/{number}/engineering-issue",
  "DELETE /api/v1/tickets/{number}/engineering-issue",
  "POST /api/v1/tickets/{number}/engineering-issue/link",
  "POST /api/v1/tickets/{number}/followers",
  "DELETE /api/v1/tickets/{number}/followers/{personId}",
  "POST /api/v1/organizations",
  "POST /api/v1/people",
  // A customer's access, taken away and given back; an agent's or an admin's is for admins.
  "POST /api/v1/people/{id}/deactivation",
  "DELETE /api/v1/people/{id}/deactivation",
  "POST /api/v1/tokens",
  // The agent's own mail notices: a setting of theirs, not A's data.
  "PUT /api/v1/me/notifications",
  "POST /api/v1/sla/preview",
  "POST /api/v1/uploads",
  // A swap of the agent's own shift; overrides they make must have them covering (attacked below).
  "POST /api/v1/oncall/schedules/{id}/swaps",
  // Any staff member may prepare a handoff's debrief; the agent is the incoming engineer of the
  // victim's, so acknowledging it is theirs (the outgoing engineer's writes are attacked).
  "POST /api/v1/oncall/schedules/{id}/debriefs",
  "POST /api/v1/oncall/debriefs/{id}/acknowledgement",
  // Anyone on the desk may page, and answer a page.
  "POST /api/v1/pages",
  "POST /api/v1/pages/{id}/acknowledgement",
  "POST /api/v1/pages/{id}/resolution",
  // Staff run incidents; only the security checklist's configuration is for admins.
  "POST /api/v1/status/incidents",
  "PATCH /api/v1/status/incidents/{id}",
  "POST /api/v1/status/incidents/{id}/updates",
  "POST /api/v1/status/incidents/{id}/notes",
  "POST /api/v1/status/incidents/{id}/publish",
  "PUT /api/v1/status/incidents/{id}/checklist",
  "PUT /api/v1/status/incidents/{id}/retrospective",
  "POST /api/v1/status/incidents/{id}/follow-ups",
  "PATCH /api/v1/status/incidents/{id}/follow-ups/{followUpId}",
  "DELETE /api/v1/status/incidents/{id}/follow-ups/{followUpId}",
  // Staff schedule, move and cancel maintenance; only the policy and overriding it are for admins.
  "POST /api/v1/status/maintenances",
  "PATCH /api/v1/status/maintenances/{id}",
  "POST /api/v1/status/maintenances/{id}/cancel",
  // Staff write the knowledge base; deleting is for admins.
  "POST /api/v1/knowledge/categories",
  "PATCH /api/v1/knowledge/categories/{id}",
  "POST /api/v1/knowledge/articles",
  "PATCH /api/v1/knowledge/articles/{id}",
  "POST /api/v1/knowledge/preview",
  "POST /api/v1/knowledge/suggestions",
  "POST /api/v1/knowledge/deflections",
  // Staff regroup frequent questions and draft articles from them; customers never see the groups.
  "POST /api/v1/knowledge/frequent-questions/refresh",
  "POST /api/v1/knowledge/frequent-questions/drafts",
];

function mayAct(trust: Trust, route: ApiRoute): boolean {
  switch (trust) {
    case "public":
      return publicRoutes.includes(route.key);
    case "outsider":
      return customerRoutes.includes(route.key);
    case "member":
      return memberRoutes.includes(route.key);
    case "agent":
      return route.method === "GET" || agentWrites.includes(route.key);
    case "admin":
      return true;
  }
}

/**
 * Whether the suite sends the request. Writes the caller may legitimately make to A's own data are
 * not attacks (and would change what later attacks compare against), so they are left out; an
 * outsider's allowed writes are sent, aimed at A.
 */
function isAttack(trust: Trust, route: ApiRoute): boolean {
  if (route.method === "GET") return true;
  if (!mayAct(trust, route)) return true;
  return trust === "public" || trust === "outsider";
}

interface Probe {
  query: Record<string, string>;
  /** The query is built from a secret: a caller who may not know it must find nothing. */
  secretFor: Trust[];
}

const outsiders: Trust[] = ["public", "outsider"];

/** Query values built from A's data, by parameter name: each becomes its own request. */
function probesFor(route: ApiRoute): Probe[] {
  const probes: Probe[] = [{ query: {}, secretFor: [] }];
  const byName: Record<string, Probe[]> = {
    text: [
      { query: { text: victim.words.subject }, secretFor: outsiders },
      { query: { text: victim.words.body }, secretFor: outsiders },
      { query: { text: victim.words.reply }, secretFor: outsiders },
      { query: { text: victim.words.note }, secretFor: [...outsiders, "member"] },
    ],
    organizationId: [{ query: { organizationId: victim.organizationId }, secretFor: outsiders }],
    requesterId: [{ query: { requesterId: victim.victim.id }, secretFor: outsiders }],
    email: [{ query: { email: victim.victim.email }, secretFor: outsiders }],
    assignee: [{ query: { assignee: victim.agent.id }, secretFor: outsiders }],
    q: [{ query: { q: victim.words.internalArticle }, secretFor: [...outsiders, "member"] }],
  };
  for (const param of route.queryParams) probes.push(...(byName[param] ?? []));
  return probes;
}

const refusals = [401, 403, 404];

function bodyFor(route: ApiRoute): unknown {
  if (!route.body) return undefined;
  return sampleBody(route.body, schemas, {
    organizationId: victim.organizationId,
    requesterId: victim.victim.id,
    personId: victim.victim.id,
    email: victim.victim.email,
    password: "not the victim's password",
  });
}

/** Path values replaced by a placeholder, so a refusal for A's id and for a missing id compare. */
function withoutIds(text: string, ids: Record<ResourceKind, string>): string {
  let out = text;
  for (const [kind, value] of Object.entries(ids)) {
    out =
      kind === "ticket"
        ? out.replace(new RegExp(`(?<=[#/])${value}(?!\\d)`, "g"), "{number}")
        : out.split(value).join("{id}");
  }
  return out;
}

interface AttackReport {
  cases: number;
  violations: string[];
}

async function attackAs(attacker: Attacker): Promise<AttackReport> {
  const report: AttackReport = { cases: 0, violations: [] };
  const db = desk.database.db;
  for (const route of routes) {
    if (!isAttack(attacker.trust, route)) continue;
    const allowed = mayAct(attacker.trust, route);
    const url = urlOf(route, victim.ids);
    const payload = bodyFor(route);
    for (const probe of route.method === "GET" ? probesFor(route) : [{ query: {}, secretFor: [] }]) {
      report.cases += 1;
      const label = `${attacker.name}: ${route.key} ${JSON.stringify(probe.query)}`;
      const fail = (why: string) => report.violations.push(`${label} → ${why}`);
      const write = route.method !== "GET";
      const before = write
        ? allowed
          ? await victimFingerprint(db, victim.organizationId)
          : await fingerprint(db)
        : undefined;
      const response = await desk.app.inject({
        method: route.method as "GET",
        url,
        query: probe.query,
        headers: attacker.headers,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      const status = response.statusCode;
      if (status >= 500) {
        fail(`${status} ${response.body}`);
        continue;
      }
      if (!allowed && !refusals.includes(status))
        fail(`expected 401/403/404, got ${status} ${response.body}`);
      // An expired credential must say "authenticate again", never "not found" or anything more.
      if (attacker.lapsed && !allowed && status !== 401)
        fail(`expected 401 for a lapsed credential, got ${status}`);
      const controlRead =
        route.method === "GET" &&
        !offWithoutSingleSignOn.includes(route.key) &&
        !eventStreams.includes(route.key);
      if (attacker.trust === "admin" && controlRead && status !== 200)
        fail(`the admin control read failed with ${status}: the ids attacked are not real`);

      // A secret the caller sent is not one they learned.
      const sent = `${url} ${JSON.stringify(probe.query)} ${JSON.stringify(payload ?? null)}`;
      for (const secret of victim.secrets) {
        const hidden =
          attacker.trust === "public" ||
          attacker.trust === "outsider" ||
          (attacker.trust === "member" && secret.staffOnly);
        if (hidden && response.body.includes(secret.value) && !sent.includes(secret.value))
          fail(`leaks the ${secret.label}: ${response.body.slice(0, 300)}`);
      }

      if (status === 200 && Object.keys(probe.query).length > 0) {
        const page = response.json() as { items?: unknown[]; nextCursor?: unknown };
        if (probe.secretFor.includes(attacker.trust)) {
          if (page.items?.length !== 0)
            fail(`a search built from A's data found ${page.items?.length} items`);
          const extra = Object.keys(page).filter((k) => k !== "items" && k !== "nextCursor");
          if (extra.length > 0 || page.nextCursor !== null) fail(`the empty page carries ${response.body}`);
        }
        if (attacker.trust === "admin" && !page.items?.length)
          fail("the admin control search found nothing: the probe cannot catch a leak");
      }

      if (before !== undefined) {
        const after = allowed ? await victimFingerprint(db, victim.organizationId) : await fingerprint(db);
        if (after !== before) fail(`changed the database (status ${status})`);
      }

      // Refused on A's ids must read exactly as refused on ids that do not exist.
      const guessing = attacker.trust !== "agent" && attacker.trust !== "admin";
      if (guessing && !allowed && route.pathParams.length > 0) {
        const twin = await desk.app.inject({
          method: route.method as "GET",
          url: urlOf(route, victim.missingIds),
          query: probe.query,
          headers: attacker.headers,
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
        const real = `${status} ${withoutIds(response.body, victim.ids)}`;
        const missing = `${twin.statusCode} ${withoutIds(twin.body, victim.missingIds)}`;
        if (real !== missing) fail(`tells A's resource from a missing one: ${real} vs ${missing}`);
      }
    }
  }
  return report;
}

describe("tenant attack", () => {
  it("knows how to attack every documented route", () => {
    expect(routes.length).toBeGreaterThanOrEqual(40);
    expect(unattackableParams(routes)).toEqual([]);
  });

  const attackerNames = [
    "anonymous",
    "garbage bearer token",
    "revoked token (org A)",
    "signed-out session",
    "expired token (org A)",
    "idle-timed-out session",
    "customer of org B",
    "customer without organization",
    "customer of org A (colleague)",
    "agent",
    "admin",
  ];
  let totalCases = 0;
  for (const name of attackerNames) {
    it(`refuses ${name} everything A's data does not allow`, async () => {
      const attacker = victim.attackers.find((a) => a.name === name);
      if (!attacker) throw new Error(`no attacker ${name}`);
      const report = await attackAs(attacker);
      totalCases += report.cases;
      expect(report.cases).toBeGreaterThan(0);
      expect(report.violations).toEqual([]);
    });
  }

  it("covers every attacker in the desk", () => {
    expect(victim.attackers.map((a) => a.name).sort()).toEqual([...attackerNames].sort());
    expect(totalCases).toBeGreaterThan(routes.length * 4);
  });

  it("refuses every customer, even the requester, every on-call and paging route but the secret links", async () => {
    // On-call and paging are the support team's own; a link or a slash command carries its credential.
    const teamOnly =
      /^\/api\/v1\/(oncall|pages|escalation-policies|paging-triggers)\/|^\/api\/v1\/people\/\{id\}\/page-webhook\/$/;
    const guarded = routes.filter(
      (route) => teamOnly.test(`${route.path}/`) && !publicRoutes.includes(route.key),
    );
    expect(guarded.length).toBeGreaterThanOrEqual(30);
    expect(guarded.map((route) => route.path)).toContain("/api/v1/people/{id}/page-webhook");
    expect(guarded.filter((route) => memberRoutes.includes(route.key))).toEqual([]);
    const customers = [
      ...victim.attackers.filter((a) => a.trust === "outsider" || a.trust === "member"),
      { name: "the requester of A's ticket", headers: victim.victim.auth },
    ];
    const answered: string[] = [];
    for (const customer of customers) {
      for (const route of guarded) {
        const payload = bodyFor(route);
        const response = await desk.app.inject({
          method: route.method as "GET",
          url: urlOf(route, victim.ids),
          headers: customer.headers,
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
        if (![403, 404].includes(response.statusCode))
          answered.push(`${customer.name}: ${route.key} → ${response.statusCode}`);
      }
    }
    expect(answered).toEqual([]);
  });

  it("gives another organization's ticket the very 404 of a missing one", async () => {
    const outsider = victim.attackers.find((a) => a.name === "customer of org B");
    if (!outsider) throw new Error("no outsider");
    const real = await desk.app.inject({
      url: `/api/v1/tickets/${victim.ticketNumber}`,
      headers: outsider.headers,
    });
    const missing = await desk.app.inject({ url: "/api/v1/tickets/999999", headers: outsider.headers });
    expect(real.statusCode).toBe(404);
    expect(real.json()).toEqual({
      ...missing.json(),
      detail: `No ticket #${victim.ticketNumber}.`,
      instance: `/api/v1/tickets/${victim.ticketNumber}`,
    });
  });

  it("shows A's own customers their conversation and timeline, never the staff's", async () => {
    const headers = victim.colleague.auth;
    const comments = await desk.app.inject({
      url: `/api/v1/tickets/${victim.ticketNumber}/comments`,
      headers,
    });
    expect(comments.statusCode).toBe(200);
    expect(comments.body).toContain(victim.words.reply);
    expect(comments.body).not.toContain(victim.words.note);
    const events = await desk.app.inject({ url: `/api/v1/tickets/${victim.ticketNumber}/events`, headers });
    expect(events.statusCode).toBe(200);
    const seen = (events.json() as { kind: string; field: string | null }[]).map((e) =>
      e.kind === "field_changed" ? `${e.kind}:${e.field}` : e.kind,
    );
    expect(seen.length).toBeGreaterThan(0);
    for (const kind of seen)
      expect(["created", "public_reply_added", "follow_up_created", "field_changed:status"]).toContain(kind);

    // The staff see what the customer does not: the probes above look for something that exists.
    const staffEvents = await desk.app.inject({
      url: `/api/v1/tickets/${victim.ticketNumber}/events`,
      headers: victim.agent.auth,
    });
    expect(staffEvents.json().length).toBeGreaterThan(seen.length);
    const staffComments = await desk.app.inject({
      url: `/api/v1/tickets/${victim.ticketNumber}/comments`,
      headers: victim.agent.auth,
    });
    expect(staffComments.body).toContain(victim.words.note);
  });
});

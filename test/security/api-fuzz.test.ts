import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "../../src/db/database.js";
import { buildApp } from "../../src/http/build-app.js";
import { ManualClock } from "../../src/shared/clock.js";
import { testDialect } from "../support/test-database.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import {
  dangerousMarkup,
  encodeUrlPart,
  type FuzzCaller,
  fuzzCaller,
  fuzzOperationsOf,
  fuzzRequest,
  type GeneratorOptions,
  hostileCredential,
  hostileStrings,
  htmlFieldsOf,
  type IdPools,
  xssPayloads,
} from "./api-fuzz-generators.js";
import type { JsonSchema } from "./openapi-document.js";

/**
 * Hostile input everywhere: every operation in the app's own OpenAPI document gets schema-shaped
 * requests laced with injection, markup, traversal, odd unicode, wrong types and broken bodies,
 * from every kind of caller. Whatever arrives, the API answers with a client error in
 * problem+json or does the work — never a 500, never a dead process, never a damaged schema.
 *
 * Deterministic: one seed (override with FUZZ_SEED to explore), a fixed number of runs per
 * operation. fast-check prints the seed and the counterexample's path on failure for replay.
 */

const seed = Number(process.env.FUZZ_SEED ?? 20_261_123);
const runsPerOperation = Number(process.env.FUZZ_RUNS ?? 30);

const desk = useTestDesk();
const { operations, schemas } = await operationsFromDocument();

/**
 * The operations are read before the tests are declared, one per operation, so from an app of their
 * own on an in-memory SQLite database: the document is the same on either dialect.
 */
async function operationsFromDocument(): Promise<ReturnType<typeof fuzzOperationsOf>> {
  const database = openDatabase({ kind: "sqlite", file: ":memory:" });
  try {
    await migrateToLatest(database.db);
    const app = await buildApp({
      database,
      logger: pino({ level: "silent" }),
      clock: new ManualClock("2026-11-23T09:00:00.000Z"),
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 64 * 1024,
    });
    const document = app.swagger();
    await app.close();
    return fuzzOperationsOf(document);
  } finally {
    await database.destroy();
  }
}

interface Pools {
  byResource: Map<string, string[]>;
  ticketNumbers: number[];
}
const pools: Pools = { byResource: new Map(), ticketNumbers: [] };
let admin: Person;
let tables: string[] = [];
let rowCountsBefore: Map<string, number>;
/** Creates the API confirmed during the fuzz, per table that only a create can grow. */
const confirmedCreates = { tickets: 0, organizations: 0 };
/** Statuses seen per operation; FUZZ_REPORT=1 prints them, to see how deep the requests reach. */
const statusesSeen = new Map<string, Map<number, number>>();

/** Which pool a path parameter or body field draws from: `/tickets/{number}`, `/people/{id}`, `groupId`… */
function resourceFor(name: string, path: string): string {
  if (name === "personId" || /^(requester|assignee|author)Id$/.test(name)) return "people";
  if (name === "organizationId" || name === "organizationIds") return "organizations";
  if (name === "groupId") return "groups";
  if (name === "calendarId") return "calendars";
  if (name === "policyId") return "policies";
  if (name === "exceptionId") return "exceptions";
  const segment = path.split("/{")[0]?.split("/").pop() ?? "";
  const bySegment: Record<string, string> = {
    organizations: "organizations",
    people: "people",
    groups: "groups",
    tokens: "tokens",
    calendars: "calendars",
    policies: "policies",
    "saved-replies": "saved-replies",
  };
  return bySegment[segment] ?? "any";
}

const idPools: IdPools = {
  uuids: (name, path) => {
    const resource = resourceFor(name, path);
    if (resource === "any") return [...pools.byResource.values()].flat();
    return pools.byResource.get(resource) ?? [];
  },
  ticketNumbers: () => pools.ticketNumbers,
};

async function listIds(url: string): Promise<string[]> {
  const response = await desk.app.inject({ url, headers: admin.auth });
  if (response.statusCode !== 200) return [];
  const body = response.json() as { items?: { id: string }[] } | { id: string }[];
  const items = Array.isArray(body) ? body : (body.items ?? []);
  return items.map((item) => item.id).filter((id): id is string => typeof id === "string");
}

/** Re-reads what exists, so later operations aim at rows earlier ones created. */
async function refreshPools(): Promise<void> {
  const organizations = await listIds("/api/v1/organizations?limit=50");
  pools.byResource.set("organizations", organizations);
  // The admin who reads the pools stays out of them: an operation that deactivates a person must
  // not be able to lock out the reader every later test depends on.
  const people = await listIds("/api/v1/people?limit=50");
  pools.byResource.set(
    "people",
    people.filter((id) => id !== admin.id),
  );
  pools.byResource.set("groups", await listIds("/api/v1/groups"));
  pools.byResource.set("calendars", await listIds("/api/v1/sla/calendars"));
  pools.byResource.set("policies", await listIds("/api/v1/sla/policies"));
  pools.byResource.set("saved-replies", await listIds("/api/v1/saved-replies"));
  const firstOrganization = organizations[0];
  pools.byResource.set(
    "exceptions",
    firstOrganization ? await listIds(`/api/v1/organizations/${firstOrganization}/sla-exceptions`) : [],
  );
  const tickets = await desk.app.inject({ url: "/api/v1/tickets?limit=50", headers: admin.auth });
  pools.ticketNumbers = (tickets.json() as { items: { number: number }[] }).items.map((t) => t.number);
}

async function rowCounts(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    const result = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(
      desk.database.db,
    );
    counts.set(table, Number(result.rows[0]?.n ?? 0));
  }
  return counts;
}

async function tableNames(): Promise<string[]> {
  const result =
    testDialect === "postgres"
      ? await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(desk.database.db)
      : await sql<{ name: string }>`SELECT name FROM sqlite_master
          WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'ticket_search_%'`.execute(
          desk.database.db,
        );
  return result.rows.map((r) => r.name).sort();
}

/** Why a response breaks the contract, or undefined when it keeps it. */
function contractBreach(response: LightMyRequestResponse): string | undefined {
  const status = response.statusCode;
  if (status >= 500) return `answered ${status}: ${response.body.slice(0, 300)}`;
  const type = String(response.headers["content-type"] ?? "");
  if (status >= 400) {
    if (!type.startsWith("application/problem+json")) return `a ${status} as "${type}", not problem+json`;
    let problem: { type?: unknown; title?: unknown; status?: unknown };
    try {
      problem = JSON.parse(response.body);
    } catch {
      return `a ${status} whose body is not JSON: ${response.body.slice(0, 200)}`;
    }
    if (typeof problem.type !== "string" || typeof problem.title !== "string")
      return `a ${status} problem without type and title: ${response.body.slice(0, 200)}`;
    if (problem.status !== status) return `a ${status} problem saying status ${String(problem.status)}`;
    return undefined;
  }
  if (type.startsWith("application/json")) {
    for (const field of htmlFieldsOf(JSON.parse(response.body))) {
      const danger = dangerousMarkup(field.html);
      if (danger) return `stored HTML at ${field.path} carries ${danger}`;
    }
  } else if (type.startsWith("text/csv")) {
    // A report's download (`format=csv`): a cell starting with = + - @ would run as a formula in a spreadsheet.
    if (/(^|[\n,])"?[=+\-@]/.test(response.body))
      return `a CSV cell that a spreadsheet would run as a formula`;
  } else if (response.body.length > 0 && status !== 204) {
    return `a ${status} answered as "${type}"`;
  }
  return undefined;
}

function headersFor(
  caller: FuzzCaller,
  actors: Record<"agent" | "admin" | "customer", Person>,
  credential: string,
) {
  switch (caller) {
    case "anonymous":
      return {};
    case "hostile-token":
      return { authorization: credential };
    case "hostile-cookie":
      return { cookie: `tend_session=${encodeURIComponent(credential)}` };
    default:
      return actors[caller].auth;
  }
}

beforeAll(async () => {
  admin = await desk.makeAgent({ role: "admin" });
  // Something real for every kind of path parameter to reach.
  const organization = await desk.makeOrganization();
  const customer = await desk.makeCustomer(organization.id);
  const agent = await desk.makeAgent();
  for (const [who, subject] of [
    [customer, "Cannot log in"],
    [agent, "Billing question"],
  ] as const) {
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: who.auth,
      payload: { subject, body: "Details follow.", ...(who === agent ? { requesterId: customer.id } : {}) },
    });
    expect(created.statusCode).toBe(201);
  }
  tables = await tableNames();
  rowCountsBefore = await rowCounts();
  await refreshPools();
});

afterAll(() => {
  if (!process.env.FUZZ_REPORT) return;
  for (const [key, seen] of statusesSeen) {
    const counts = [...seen].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
    console.log(`${key.padEnd(64)} ${counts.join(" ")}`);
  }
});

describe(`API fuzz on ${testDialect} (seed ${seed}, ${runsPerOperation} runs per operation)`, () => {
  it("covers every operation in the OpenAPI document the app serves", async () => {
    const served = await desk.app.inject({ url: "/api/v1/openapi.json" });
    expect(served.statusCode).toBe(200);
    const servedKeys = fuzzOperationsOf(served.json()).operations.map((o) => o.key);
    expect(operations.map((o) => o.key)).toEqual(servedKeys);
    expect(servedKeys).toContain("POST /api/v1/tickets");
  });

  for (const [index, operation] of operations.entries()) {
    it(`${operation.key} answers hostile input without a 500`, { timeout: 60_000 }, async () => {
      await refreshPools();
      // Fresh callers per operation: one that revokes its own token or demotes itself spoils only its own runs.
      const actors = {
        agent: await desk.makeAgent(),
        admin: await desk.makeAgent({ role: "admin" }),
        customer: await desk.makeCustomer(pools.byResource.get("organizations")?.[0] ?? null),
      };
      const options: GeneratorOptions = {
        schemas: schemas as Record<string, JsonSchema>,
        pools: idPools,
        path: operation.path,
      };
      await fc.assert(
        fc.asyncProperty(
          fuzzRequest(operation, options),
          fuzzCaller,
          hostileCredential,
          async (request, caller, credential) => {
            const response = await desk.app.inject({
              method: operation.method as "GET",
              url: request.url,
              headers: { ...request.headers, ...headersFor(caller, actors, credential) },
              ...(request.payload !== undefined ? { payload: request.payload } : {}),
            });
            const seen = statusesSeen.get(operation.key) ?? new Map<number, number>();
            seen.set(response.statusCode, (seen.get(response.statusCode) ?? 0) + 1);
            statusesSeen.set(operation.key, seen);
            const breach = contractBreach(response);
            if (breach)
              throw new Error(
                `${operation.method} ${request.url.slice(0, 300)} as ${caller} with ${request.shape}: ${breach}`,
              );
            if (response.statusCode === 201 && operation.key === "POST /api/v1/tickets")
              confirmedCreates.tickets += 1;
            if (response.statusCode === 201 && operation.key === "POST /api/v1/organizations")
              confirmedCreates.organizations += 1;
          },
        ),
        { seed: seed + index, numRuns: runsPerOperation, interruptAfterTimeLimit: 45_000 },
      );
      const ready = await desk.app.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(200);
    });
  }

  it("leaves the schema intact: every table still there, rows only added by accepted creates", async () => {
    expect(await tableNames()).toEqual(tables);
    const after = await rowCounts();
    for (const [table, before] of rowCountsBefore) {
      expect(after.get(table), `rows in ${table}`).toBeGreaterThanOrEqual(
        // Tokens, group memberships, calendars, policies and saved replies have DELETE routes, and an
        // accepted PATCH of an organization replaces its domains.
        [
          "organization_domains",
          "api_tokens",
          "group_members",
          "sla_calendars",
          "sla_policies",
          "saved_replies",
          "sessions",
        ].includes(table)
          ? 0
          : before,
      );
    }
    expect(after.get("tickets")).toBe((rowCountsBefore.get("tickets") ?? 0) + confirmedCreates.tickets);
    expect(after.get("organizations")).toBe(
      (rowCountsBefore.get("organizations") ?? 0) + confirmedCreates.organizations,
    );
  });
});

describe("search takes query syntax as words", () => {
  const syntax = [
    ...hostileStrings.filter((s) => s.length > 0 && s.length <= 500),
    "NEAR(a b)",
    'subject:"x" OR body:*',
    "a:* | !b & c",
    "\"'",
    "-a",
    "a OR b",
    "');--",
  ];

  it("answers 200, or 400 naming the text field, for SQL, FTS5 and tsquery syntax", async () => {
    const agent = await desk.makeAgent();
    const customer = await desk.makeCustomer(null);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...syntax),
          fc.tuple(fc.constantFrom(...syntax), fc.constantFrom(...syntax)).map(([a, b]) => `${a} ${b}`),
        ),
        fc.constantFrom(agent, customer, admin),
        async (text, who) => {
          const response = await desk.app.inject({
            url: `/api/v1/tickets?text=${encodeUrlPart(text)}`,
            headers: who.auth,
          });
          if (response.statusCode === 200) return;
          expect(response.statusCode, response.body).toBe(400);
          const problem = response.json() as { errors?: { field: string }[] };
          expect(problem.errors?.map((e) => e.field).join(" ")).toMatch(/text/);
        },
      ),
      { seed, numRuns: 150 },
    );
  });

  it("finds a ticket whose subject holds the very syntax it is searched by", async () => {
    const agent = await desk.makeAgent();
    const subject = `Quote ' OR 1=1 -- NEAR( subject:zebracorn a:* & !b`;
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: agent.auth,
      payload: { subject, body: "x", requester: { email: `q${desk.unique()}@mail.example` } },
    });
    expect(created.statusCode).toBe(201);
    const found = await desk.app.inject({
      url: `/api/v1/tickets?text=${encodeURIComponent("zebracorn' OR 1=1 --")}`,
      headers: agent.auth,
    });
    expect(found.statusCode).toBe(200);
    expect((found.json() as { items: { subject: string }[] }).items.map((t) => t.subject)).toEqual([subject]);
  });
});

describe("stored markup cannot run", () => {
  it("keeps subjects and names as text and strips script from comment HTML", async () => {
    const agent = await desk.makeAgent();
    const organization = await desk.makeOrganization();
    const customer = await desk.makeCustomer(organization.id);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...xssPayloads),
        fc.constantFrom(...xssPayloads),
        fc.constantFrom(agent, customer),
        async (markup, otherMarkup, author) => {
          const created = await desk.app.inject({
            method: "POST",
            url: "/api/v1/tickets",
            headers: author.auth,
            payload: {
              subject: `Help ${markup}`,
              bodyHtml: `<p>words</p><p>${otherMarkup}</p>`,
              ...(author === agent ? { requesterId: customer.id } : {}),
            },
          });
          expect(created.statusCode, created.body).toBe(201);
          const ticket = created.json() as { number: number; subject: string };
          // A subject is text: returned as sent, for the client to escape when it renders it.
          expect(ticket.subject).toBe(`Help ${markup}`);
          const commented = await desk.app.inject({
            method: "POST",
            url: `/api/v1/tickets/${ticket.number}/comments`,
            headers: author.auth,
            payload: { body: `${markup}\n\n${otherMarkup}` },
          });
          expect(commented.statusCode, commented.body).toBe(201);
          const withHtml = await desk.app.inject({
            method: "POST",
            url: `/api/v1/tickets/${ticket.number}/comments`,
            headers: author.auth,
            payload: { bodyHtml: `${markup} reply ${otherMarkup}` },
          });
          expect([201, 400]).toContain(withHtml.statusCode);
          const comments = await desk.app.inject({
            url: `/api/v1/tickets/${ticket.number}/comments`,
            headers: author.auth,
          });
          const stored = htmlFieldsOf(comments.json());
          expect(stored.length).toBeGreaterThanOrEqual(2);
          for (const field of stored)
            expect(dangerousMarkup(field.html), `${field.path}: ${field.html}`).toBeUndefined();
          // The plain-text comment comes back as escaped text: the markup shows, it does not parse.
          expect(stored.some((f) => f.html.includes("&#60;") || f.html.includes("&lt;"))).toBe(true);
        },
      ),
      { seed, numRuns: 25 },
    );
  });

  it("keeps a person's and an organization's name as text", async () => {
    const markup = "<img src=x onerror=alert(1)>";
    const person = await desk.app.inject({
      method: "POST",
      url: "/api/v1/people",
      headers: admin.auth,
      payload: { name: markup, email: `x${desk.unique()}@mail.example`, role: "customer" },
    });
    expect(person.statusCode, person.body).toBe(201);
    expect((person.json() as { name: string }).name).toBe(markup);
    expect(String(person.headers["content-type"])).toMatch(/^application\/json/);
    const organization = await desk.app.inject({
      method: "POST",
      url: "/api/v1/organizations",
      headers: admin.auth,
      payload: { name: markup, domains: [`x${desk.unique()}.example`], plan: "cloud", stage: "customer" },
    });
    expect(organization.statusCode, organization.body).toBe(201);
    expect((organization.json() as { name: string }).name).toBe(markup);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createTend, startRoles, type Tend } from "../../src/main.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import {
  type PrimaryWithReplica,
  postgresServersUnavailable,
  startPrimaryWithReplica,
} from "../support/postgres-servers.js";
import { testDialect } from "../support/test-database.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import { until } from "../support/ticket-stream-client.js";

/**
 * DATABASE_REPLICA_URL against a real streaming replica of a primary the test starts. Pausing the
 * replica's replay (`pg_wal_replay_pause`) makes "served by the replica" visible: what was committed
 * on the primary since is missing from its answers.
 */
const skip = testDialect !== "postgres" || postgresServersUnavailable !== undefined;
if (testDialect === "postgres" && postgresServersUnavailable)
  console.warn(`read replica tests skipped: ${postgresServersUnavailable}`);

let servers: PrimaryWithReplica;
beforeAll(async () => {
  if (!skip) servers = await startPrimaryWithReplica();
}, 60_000);
// After hooks run last-registered first: the servers stop after the desk has dropped its database.
afterAll(() => servers?.stop());
const desk = useTestDesk({ postgresServerUrl: () => (skip ? "" : servers.primary.url()) });
const dataDir = mkdtempSync(join(tmpdir(), "tend-replica-"));
const started: Tend[] = [];
let writer: Person;
let reader: Person;
let databaseName: string;

afterAll(async () => {
  for (const tend of started.reverse()) await tend.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startWebProcess(
  environment: Record<string, string> = {},
): Promise<{ tend: Tend; url: string }> {
  const tend = await createTend(
    loadConfig({
      DATABASE_URL: servers.primary.url(databaseName),
      DATABASE_REPLICA_URL: servers.replica.url(databaseName),
      TEND_DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ...environment,
    }),
    { roles: ["web"] },
  );
  started.push(tend);
  await startRoles(tend, ["web"]);
  const address = tend.app?.server.address();
  if (!address || typeof address === "string") throw new Error("not listening");
  return { tend, url: `http://127.0.0.1:${address.port}` };
}

/** Stops or starts applying the primary's log on the replica; it keeps receiving it meanwhile. */
async function replay(action: "pause" | "resume"): Promise<void> {
  const client = new pg.Client({ connectionString: servers.replica.url(databaseName) });
  await client.connect();
  try {
    await client.query(action === "pause" ? "select pg_wal_replay_pause()" : "select pg_wal_replay_resume()");
  } finally {
    await client.end();
  }
}

/** A ticket committed on the primary by Tend itself, not by either person: only the primary has it while replay is paused. */
async function ticketOnPrimary(subject: string): Promise<number> {
  const customer = await desk.makeCustomer(null);
  const ticket = await createTicket({
    ctx: desk.as(customer.actor),
    input: { subject, body: "Committed on the primary." },
  });
  return ticket.number;
}

async function listedNumbers(
  url: string,
  person: Person,
  headers: Record<string, string> = {},
): Promise<number[]> {
  const response = await fetch(`${url}/api/v1/tickets?limit=100`, {
    headers: { ...person.auth, ...headers },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: { number: number }[] }).items.map((item) => item.number);
}

beforeAll(async () => {
  if (skip) return;
  const target = desk.database.target;
  if (target.kind !== "postgres") throw new Error("the desk is on the test's primary");
  databaseName = new URL(target.url).pathname.slice(1);
  writer = await desk.makeAgent();
  reader = await desk.makeAgent();
  // The replica has the desk's people before any test pauses it.
  const { rows } = await sql<{ position: string }>`select pg_current_wal_lsn()::text as position`.execute(
    desk.database.db,
  );
  const replica = new pg.Client({ connectionString: servers.replica.url(databaseName) });
  await until(async () => {
    await replica.connect().catch(() => {});
    const result = await replica.query("select pg_last_wal_replay_lsn() >= $1::pg_lsn as caught_up", [
      rows[0]?.position,
    ]);
    return result.rows[0]?.caught_up === true;
  });
  await replica.end();
});

describe.skipIf(skip)("reads from a streaming replica (DATABASE_REPLICA_URL)", () => {
  it("serves ticket lists and queue counts from the replica, and a ticket's page from the primary", async () => {
    const { url } = await startWebProcess();
    const queueCounts = async () => {
      const response = await fetch(`${url}/api/v1/views`, { headers: reader.auth });
      expect(response.status).toBe(200);
      return ((await response.json()) as { views: { count: number }[] }).views.map((view) => view.count);
    };
    let countsBefore: number[] = [];
    await replay("pause");
    try {
      countsBefore = await queueCounts();
      const number = await ticketOnPrimary("Committed while the replica stands still");
      expect(await listedNumbers(url, reader)).not.toContain(number);
      expect(await queueCounts()).toEqual(countsBefore);
      const page = await fetch(`${url}/api/v1/tickets/${number}`, { headers: reader.auth });
      expect(page.status).toBe(200);
    } finally {
      await replay("resume");
    }
    // Once replayed, the replica has it.
    const number = await ticketOnPrimary("Replayed");
    await until(async () => (await listedNumbers(url, reader)).includes(number), 5000);
    expect(await queueCounts()).not.toEqual(countsBefore);
  });

  it("lets a person read their own write at once, and tells the client where the primary stood", async () => {
    const { url } = await startWebProcess();
    await replay("pause");
    try {
      const created = await fetch(`${url}/api/v1/tickets`, {
        method: "POST",
        headers: { ...writer.auth, "content-type": "application/json" },
        body: JSON.stringify({
          subject: "Written by the agent",
          body: "And listed at once.",
          requesterId: writer.id,
        }),
      });
      expect(created.status).toBe(201);
      const readAfter = created.headers.get("tend-read-after");
      expect(readAfter).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      const { number } = (await created.json()) as { number: number };

      expect(await listedNumbers(url, writer)).toContain(number);
      // Someone else reads the replica, which does not have it yet.
      expect(await listedNumbers(url, reader)).not.toContain(number);

      // A second web process (behind the same balancer) knows nothing of the write, but the client's header says it.
      const other = await startWebProcess();
      expect(await listedNumbers(other.url, writer)).not.toContain(number);
      expect(await listedNumbers(other.url, writer, { "tend-read-after": readAfter as string })).toContain(
        number,
      );
    } finally {
      await replay("resume");
    }
  });

  it("answers every report from the replica, which refuses writes", async () => {
    const { url } = await startWebProcess();
    const admin = await desk.makeAgent({ role: "admin" });
    for (const path of [
      "/reports/overview",
      "/reports/sla-attainment",
      "/reports/sla-attainment/tickets",
      "/reports/times",
      "/reports/flow",
      "/reports/flow/tickets?figure=created",
      "/reports/people",
      "/reports/csat",
      "/reports/sla-attainment?format=csv",
    ]) {
      const response = await fetch(`${url}/api/v1${path}`, { headers: admin.auth });
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
  });

  it("refuses a Tend-Read-After that is not a log position", async () => {
    const { url } = await startWebProcess();
    const response = await fetch(`${url}/api/v1/tickets`, {
      headers: { ...reader.auth, "tend-read-after": "0/1; select" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(((await response.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      "tend-read-after",
    );
  });

  it("reads from the primary while the replica lags past TEND_REPLICA_MAX_LAG_SECONDS", async () => {
    const { url } = await startWebProcess({ TEND_REPLICA_MAX_LAG_SECONDS: "1" });
    await replay("pause");
    try {
      const before = await ticketOnPrimary("Before the replica falls behind");
      expect(await listedNumbers(url, reader)).not.toContain(before);
      // The primary keeps writing; within a couple of its one-second checks the lag shows.
      await until(async () => {
        await ticketOnPrimary("The primary moves on");
        return (await listedNumbers(url, reader)).includes(before);
      }, 6000);
    } finally {
      await replay("resume");
    }
  });

  it("reads from the primary while the replica is down, and from the replica again once it is back", async () => {
    const { url } = await startWebProcess();
    servers.replica.stop();
    try {
      const number = await ticketOnPrimary("Written while the replica is down");
      // The first read may find the replica gone (503, nothing lost); the next go to the primary.
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const response = await fetch(`${url}/api/v1/tickets?limit=100`, { headers: reader.auth });
        statuses.push(response.status);
        if (response.status === 200) {
          const body = (await response.json()) as { items: { number: number }[] };
          expect(body.items.map((item) => item.number)).toContain(number);
          break;
        }
        expect(response.status).toBe(503);
      }
      expect(statuses.at(-1)).toBe(200);
    } finally {
      servers.replica.start();
    }
    // Back: with replay paused, a ticket missing from the list shows the replica answers again.
    await until(async () => {
      try {
        await replay("pause");
        return true;
      } catch {
        return false;
      }
    }, 10_000);
    try {
      const number = await ticketOnPrimary("Missing from the replica again");
      await until(async () => !(await listedNumbers(url, reader)).includes(number), 10_000);
    } finally {
      await replay("resume");
    }
  });
});

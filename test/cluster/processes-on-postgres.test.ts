import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { enqueueJob } from "../../src/jobs/job-runner.js";
import { createTend, type Role, startRoles, type Tend } from "../../src/main.js";
import { pgbouncerUnavailable, startPgbouncer } from "../support/postgres-servers.js";
import { testDialect } from "../support/test-database.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import { openTicketStream, until } from "../support/ticket-stream-client.js";

// Several processes on one PostgreSQL is the scale-out layout; on SQLite Tend runs as one process.
const desk = useTestDesk();
const dataDir = mkdtempSync(join(tmpdir(), "tend-cluster-"));
const started: Tend[] = [];
let agent: Person;
let customer: Person;

/** A Tend process as `tend serve --roles …` starts it, on the desk's database. */
async function startProcess(roles: Role[], environment: Record<string, string> = {}): Promise<Tend> {
  const target = desk.database.target;
  if (target.kind !== "postgres") throw new Error("these processes share a PostgreSQL");
  const tend = await createTend(
    loadConfig({
      DATABASE_URL: target.url,
      TEND_DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ...environment,
    }),
    { roles },
  );
  started.push(tend);
  await startRoles(tend, roles);
  return tend;
}

function baseUrlOf(tend: Tend): string {
  const address = tend.app?.server.address();
  if (!address || typeof address === "string") throw new Error("not listening");
  return `http://127.0.0.1:${address.port}`;
}

async function createTicketThrough(tend: Tend, subject: string): Promise<number> {
  const response = await fetch(`${baseUrlOf(tend)}/api/v1/tickets`, {
    method: "POST",
    headers: { ...customer.auth, "content-type": "application/json" },
    body: JSON.stringify({ subject, body: "Written through another process than the agent's." }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { number: number }).number;
}

beforeAll(async () => {
  agent = await desk.makeAgent();
  customer = await desk.makeCustomer((await desk.makeOrganization()).id);
});

afterAll(async () => {
  for (const tend of started.reverse()) await tend.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(testDialect !== "postgres")("several Tend processes on one PostgreSQL", () => {
  it("brings an agent connected to one web process the changes committed through another", async () => {
    const agentsProcess = await startProcess(["web"]);
    const customersProcess = await startProcess(["web"]);
    const stream = await openTicketStream(baseUrlOf(agentsProcess), agent.auth);
    await until(() => stream.comments.includes("connected"));

    const number = await createTicketThrough(customersProcess, "Created on the other process");
    const [announced] = await stream.ticketEvent(number, 5000);
    expect(announced).toMatchObject({ number, version: 1, changedBy: { id: customer.id } });

    // The process's own commits still reach its own listeners, once each.
    const own = await createTicketThrough(agentsProcess, "Created on the agent's process");
    await stream.ticketEvent(own, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stream.events.filter((event) => event.data.includes(`"number":${own},`))).toHaveLength(1);
    await stream.close();
  });

  it("hears again after its listening connection is cut", async () => {
    const agentsProcess = await startProcess(["web"]);
    const customersProcess = await startProcess(["web"]);
    const stream = await openTicketStream(baseUrlOf(agentsProcess), agent.auth);
    await until(() => stream.comments.includes("connected"));

    // What a failover or an idle-connection reaper does to it.
    const { rows } = await sql<{ cut: boolean }>`
      select pg_terminate_backend(pid) as cut from pg_stat_activity
      where datname = current_database() and query like 'LISTEN%'`.execute(desk.database.db);
    expect(rows.length).toBeGreaterThanOrEqual(2);

    // A change made while it reconnects may be missed (the stream is a hint, not a log); one made
    // after it has reconnected arrives.
    let number = 0;
    for (let attempt = 0; attempt < 20; attempt += 1) {
      number = await createTicketThrough(customersProcess, `After the cut, attempt ${attempt}`);
      const heard = await stream.ticketEvent(number, 1000).then(
        () => true,
        () => false,
      );
      if (heard) break;
    }
    expect(stream.events.some((event) => event.data.includes(`"number":${number},`))).toBe(true);
    await stream.close();
  });

  it("starts a job queued by a web-only process in a worker process at once, not at its next poll", async () => {
    const webProcess = await startProcess(["web"]);
    // A poll this long would fail the test's wait: only the notification can start the job in time.
    const workerProcess = await startProcess(["worker"], { TEND_WORKER_POLL_MS: "600000" });
    const ran: unknown[] = [];
    workerProcess.jobs.register("test.cluster-wake", async (_ctx, payload) => {
      ran.push(payload);
    });
    // A job of its own first: once it has run, the runner has finished its tick and sleeps for its poll.
    await enqueueJob(workerProcess.context(), "test.cluster-wake", { from: "the worker process" });
    await until(() => ran.length === 1, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    await enqueueJob(webProcess.context(), "test.cluster-wake", { from: "the web process" });
    await until(() => ran.length === 2, 5000);
    expect(ran).toEqual([{ from: "the worker process" }, { from: "the web process" }]);
  });

  it.skipIf(pgbouncerUnavailable !== undefined)(
    "runs the same layout through PgBouncer in transaction mode, listening on the server itself",
    async () => {
      const target = desk.database.target;
      if (target.kind !== "postgres") throw new Error("these processes share a PostgreSQL");
      const direct = new URL(target.url);
      const database = direct.pathname.slice(1);
      const bouncer = await startPgbouncer({ host: direct.hostname, port: Number(direct.port || 5432) });
      try {
        // LISTEN holds a session, which transaction pooling does not keep: it goes to the server itself.
        const throughBouncer = { DATABASE_URL: bouncer.url(database), DATABASE_LISTEN_URL: target.url };
        const agentsProcess = await startProcess(["web"], throughBouncer);
        const customersProcess = await startProcess(["web"], throughBouncer);
        const workerProcess = await startProcess(["worker", "scheduler"], {
          ...throughBouncer,
          TEND_WORKER_POLL_MS: "600000",
        });
        const transactionsBefore = await bouncer.transactionsServed(database);
        const stream = await openTicketStream(baseUrlOf(agentsProcess), agent.auth);
        await until(() => stream.comments.includes("connected"));

        // Concurrent writes through both processes share PgBouncer's server connections.
        const numbers = await Promise.all(
          Array.from({ length: 24 }, (_, index) =>
            createTicketThrough(
              index % 2 === 0 ? customersProcess : agentsProcess,
              `Through PgBouncer ${index}`,
            ),
          ),
        );
        for (const number of numbers) await stream.ticketEvent(number, 5000);
        await stream.close();

        const search = await fetch(`${baseUrlOf(agentsProcess)}/api/v1/tickets?text=PgBouncer&limit=100`, {
          headers: agent.auth,
        });
        expect(search.status).toBe(200);
        const found = ((await search.json()) as { items: { number: number }[] }).items.map(
          (item) => item.number,
        );
        expect(found.sort((a, b) => a - b)).toEqual([...numbers].sort((a, b) => a - b));

        const ran: unknown[] = [];
        workerProcess.jobs.register("test.cluster-bouncer", async (_ctx, payload) => {
          ran.push(payload);
        });
        await enqueueJob(agentsProcess.context(), "test.cluster-bouncer", { through: "PgBouncer" });
        await until(() => ran.length === 1, 5000);

        // The pool really went through PgBouncer: it counted the processes' transactions.
        expect((await bouncer.transactionsServed(database)) - transactionsBefore).toBeGreaterThan(24);
      } finally {
        for (const tend of started.splice(0).reverse()) await tend.stop();
        bouncer.stop();
      }
    },
  );
});

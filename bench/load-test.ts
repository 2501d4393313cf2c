import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon, { type AutocannonRequest } from "autocannon";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { createTend } from "../src/main.js";
import { seedDesk } from "../src/modules/demo/seed-desk.js";
import { issueApiToken } from "../src/modules/identity/manage-api-tokens.js";
import { createPerson } from "../src/modules/identity/manage-people.js";
import { refreshReportRollups } from "../src/modules/reports/refresh-report-rollups.js";
import {
  type BenchDatabase,
  benchDialects,
  createPostgresBenchDatabase,
  createSqliteBenchDatabase,
} from "./bench-database.js";
import { startBuiltServer } from "./built-server.js";
import { type ChildServer, startChildServer } from "./child-server.js";
import { type Figure, formatCount, formatNumber, printFigure, printSummary } from "./report.js";
import { percentile } from "./stats.js";
import { closeSupportDuringTheBench } from "./support-hours.js";

/**
 * `npm run bench:load` (issue 11): a mixed load against Tend as operators run it — agents listing
 * their queue, opening tickets and replying, customers opening tickets over the API and by SMTP,
 * readers of the status page — all at once, for one process and for two processes on one
 * PostgreSQL (each with every role; the load is split between them as a balancer would). Prints
 * throughput and p50/p95/p99 per operation, the RSS of an idle process, and the RSS curve of a soak
 * under the same mix.
 *   BENCH_QUICK=1              5k tickets, 8 s per layout, a 60 s soak
 *   BENCH_LOAD_TICKETS         tickets seeded (default 20000)
 *   BENCH_LOAD_SECONDS         seconds of load per layout (default 30)
 *   BENCH_SOAK_SECONDS         seconds of the soak (default 600, the issue's ten minutes)
 *   BENCH_DIALECTS             sqlite, postgres or both (the default), comma-separated
 *   BENCH_POSTGRES_URL         the server to create the scratch database on (default the local one)
 */
const quick = process.env.BENCH_QUICK === "1";
const tickets = wholeNumber("BENCH_LOAD_TICKETS", quick ? 5_000 : 20_000);
const loadSeconds = wholeNumber("BENCH_LOAD_SECONDS", quick ? 8 : 30);
const soakSeconds = wholeNumber("BENCH_SOAK_SECONDS", quick ? 60 : 600);
const postgresServerUrl = process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const idleRssTarget = { comparison: "at most", value: 150 } as const;
/** How long the idle process is watched: V8's memory reducer runs about a minute into idleness. */
const idleSeconds = 100;
const supportAddress = "support@load.example";

/** One kind of request in the mix, and how many connections keep it going (split across processes). */
interface Operation {
  name: string;
  connections: number;
  request(credentials: Credentials): AutocannonRequest;
}

interface Credentials {
  agentToken: string;
  customerToken: string;
  requesterId: string;
  tier1GroupId: string;
  /** The seeded tickets' numbers run from `firstTicket` to `lastTicket`. */
  firstTicket: number;
  lastTicket: number;
  /** Tickets not closed yet, which take replies (a closed one answers 409: a reply opens a follow-up). */
  unclosedTickets: number[];
}

const randomTicket = (c: Credentials) =>
  c.firstTicket + Math.floor(Math.random() * (c.lastTicket - c.firstTicket + 1));

const operations: Operation[] = [
  {
    name: "agent lists their queue",
    connections: 6,
    request: (c) => ({
      method: "GET",
      path: `/api/v1/tickets?sort=-updatedAt&limit=50&status=open&groupId=${c.tier1GroupId}`,
      headers: { authorization: `Bearer ${c.agentToken}` },
    }),
  },
  {
    name: "agent opens a ticket",
    connections: 6,
    request: (c) => ({
      method: "GET",
      path: "/api/v1/tickets/1",
      headers: { authorization: `Bearer ${c.agentToken}` },
      setupRequest: (request) => ({ ...request, path: `/api/v1/tickets/${randomTicket(c)}` }),
    }),
  },
  {
    name: "agent replies (internal note)",
    connections: 2,
    request: (c) => ({
      method: "POST",
      path: "/api/v1/tickets/1/comments",
      headers: { authorization: `Bearer ${c.agentToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        body: "Checked the logs: the retries stop after the third attempt.",
        visibility: "internal",
      }),
      setupRequest: (request) => {
        const number = c.unclosedTickets[Math.floor(Math.random() * c.unclosedTickets.length)];
        return { ...request, path: `/api/v1/tickets/${number}/comments` };
      },
    }),
  },
  {
    name: "customer opens a ticket (API)",
    connections: 2,
    request: (c) => ({
      method: "POST",
      path: "/api/v1/tickets",
      headers: { authorization: `Bearer ${c.customerToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        subject: "Exports stop at 10,000 rows",
        body: "Our nightly export of the audit log stops at 10,000 rows since Tuesday.",
      }),
    }),
  },
  {
    name: "status page reader",
    connections: 4,
    request: () => ({ method: "GET", path: "/status", headers: { "accept-encoding": "gzip, br" } }),
  },
];

interface OperationFigures {
  completed: number;
  failed: number;
  /** Why they failed: the status code or the error, and how often. */
  failures: Map<string, number>;
  latenciesMs: number[];
}

/** Runs every operation at once against `servers` for `seconds`, plus one SMTP sender per server. */
async function runMix(
  servers: readonly LoadServer[],
  credentials: Credentials,
  seconds: number,
): Promise<Map<string, OperationFigures>> {
  const results = new Map<string, OperationFigures>();
  const figuresOf = (name: string) => {
    let figures = results.get(name);
    if (!figures) {
      figures = { completed: 0, failed: 0, failures: new Map(), latenciesMs: [] };
      results.set(name, figures);
    }
    return figures;
  };
  const http = operations.flatMap((operation) =>
    servers.map((server, index) => {
      // A balancer's split: the connections of each operation spread over the processes.
      const connections =
        Math.floor(operation.connections / servers.length) +
        (index < operation.connections % servers.length ? 1 : 0);
      if (connections === 0) return Promise.resolve();
      const figures = figuresOf(operation.name);
      return new Promise<void>((resolve, reject) => {
        const instance = autocannon(
          { url: server.url, connections, duration: seconds, requests: [operation.request(credentials)] },
          (error) => (error ? reject(error) : resolve()),
        );
        instance.on("response", (_client, statusCode, _bytes, responseTime) => {
          if (statusCode >= 200 && statusCode < 300) {
            figures.completed += 1;
            figures.latenciesMs.push(responseTime);
          } else failed(figures, String(statusCode));
        });
        instance.on("reqError", (error) => failed(figures, error.message));
      });
    }),
  );
  const mail = servers.map(async (server, index) => {
    const figures = figuresOf("customer writes to support@ (SMTP)");
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: server.smtpPort,
      ignoreTLS: true,
      pool: true,
    });
    const until = performance.now() + seconds * 1000;
    for (let n = 0; performance.now() < until; n += 1) {
      const sentAt = performance.now();
      try {
        await transport.sendMail({
          // A sender per message: the per-sender flood limit is not what this measures.
          from: `customer-${index}-${n}@load-customer.example`,
          to: supportAddress,
          subject: `Invoice ${index}-${n} shows the wrong VAT rate`,
          text: "Hello,\n\nour last invoice applies 19% VAT instead of 7%. Could you correct it?\n\nThanks,\nDana",
        });
        figures.completed += 1;
        figures.latenciesMs.push(performance.now() - sentAt);
      } catch (error) {
        failed(figures, error instanceof Error ? error.message : String(error));
      }
    }
    transport.close();
  });
  await Promise.all([...http, ...mail]);
  return results;
}

function failed(figures: OperationFigures, reason: string): void {
  figures.failed += 1;
  figures.failures.set(reason, (figures.failures.get(reason) ?? 0) + 1);
}

interface LoadServer extends ChildServer {
  smtpPort: number;
}

async function startServers(database: BenchDatabase, count: number): Promise<LoadServer[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const server = await startChildServer("serve-for-bench.ts", {
        ...database.environment,
        BENCH_ROLES: "web,worker,scheduler,smtp",
        TEND_SMTP_PORT: "0",
        TEND_SMTP_HOST: "127.0.0.1",
        TEND_SUPPORT_ADDRESSES: supportAddress,
      });
      if (server.smtpPort === undefined) throw new Error("the server did not report its SMTP port");
      return { ...server, smtpPort: server.smtpPort };
    }),
  );
}

function rssMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((row) => row.startsWith("VmRSS:"));
  return Number(line?.match(/(\d+)/)?.[1] ?? Number.NaN) / 1024;
}

async function prepare(database: BenchDatabase): Promise<Credentials> {
  const tend = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }));
  try {
    const desk = await seedDesk(tend.database.db, tend.database.dialect, { tickets });
    // The mix's customers writing to support@ are acknowledged at any hour (see the function); the
    // closure outlasts the layouts and the soak.
    await closeSupportDuringTheBench(tend.context(), 3 * 3_600_000);
    if (tend.database.dialect === "postgres") await sql`ANALYZE`.execute(tend.database.db);
    // The reports' rollups, as the refresh job keeps them on a desk that has been running: a freshly
    // loaded history is minutes of the job's catch-up, and a process catching up is not idle.
    await refreshReportRollups(tend.context(), { untilDone: true });
    // Likewise every timer once: the loaded history has pending tickets past their auto-solve, health
    // flags and breaches due, and the daily jobs never run, which a running desk has done as they fell
    // due. Left to the server, that backlog is what its first minute measures, not an idle process.
    await tend.jobs.installSchedules();
    await tend.jobs.enqueueDueSchedules();
    await tend.jobs.runDueJobs();
    // Those timers' own writes (pending tickets solved, flags raised) left about a thousand periods
    // stale; the server's first minute spent 181 refresh steps on them, a burst of 1.3 s that grew
    // V8's heap by 35 MB, and the idle figure measured that instead of an idle process.
    await refreshReportRollups(tend.context(), { untilDone: true });
    const numbers = await tend.database.db
      .selectFrom("tickets")
      .select((eb) => [eb.fn.min<number>("number").as("first"), eb.fn.max<number>("number").as("last")])
      .executeTakeFirstOrThrow();
    const unclosed = await tend.database.db
      .selectFrom("tickets")
      .select("number")
      .where("status", "in", ["new", "open", "pending"])
      .limit(5_000)
      .execute();
    const customer = await createPerson({
      ctx: tend.context(),
      input: { name: "Load Customer", email: "customer@load-customer.example", role: "customer" },
    });
    return {
      agentToken: (await issueApiToken(tend.context(), desk.busiestAgentId, { name: "load: agent" })).token,
      customerToken: (await issueApiToken(tend.context(), customer.id, { name: "load: customer" })).token,
      requesterId: desk.customerId,
      tier1GroupId: desk.tier1GroupId,
      firstTicket: Number(numbers.first),
      lastTicket: Number(numbers.last),
      unclosedTickets: unclosed.map((row) => row.number),
    };
  } finally {
    await tend.stop();
  }
}

const figures: Figure[] = [];
function record(figure: Figure): void {
  printFigure(figure);
  figures.push(figure);
}

function recordMix(section: string, results: Map<string, OperationFigures>, seconds: number): void {
  let total = 0;
  for (const [name, result] of results) {
    total += result.completed;
    const latencies = result.latenciesMs;
    record({
      section,
      name,
      value: result.completed / seconds,
      unit: "req/s",
      detail:
        `p50 ${formatNumber(percentile(latencies, 50))} ms, p95 ${formatNumber(percentile(latencies, 95))} ms, ` +
        `p99 ${formatNumber(percentile(latencies, 99))} ms; ${formatCount(result.completed)} done, ${formatCount(result.failed)} failed` +
        (result.failed > 0
          ? ` (${[...result.failures].map(([reason, count]) => `${reason} × ${count}`).join(", ")})`
          : ""),
    });
  }
  record({ section, name: "all operations", value: total / seconds, unit: "req/s" });
}

async function measureLayouts(
  database: BenchDatabase,
  credentials: Credentials,
  processCounts: number[],
): Promise<void> {
  for (const count of processCounts) {
    const section = `${database.dialect}, ${count} process${count === 1 ? "" : "es"}`;
    console.log(`\n== ${section}: ${loadSeconds} s of the mix`);
    const servers = await startServers(database, count);
    try {
      await runMix(servers, credentials, Math.min(3, loadSeconds)); // warm-up: JIT, pools, caches
      if (count === processCounts[0]) await analyzeAfterWarmUp(database);
      recordMix(section, await runMix(servers, credentials, loadSeconds), loadSeconds);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }
}

/**
 * On PostgreSQL, statistics for the tables the seeding left empty (mail, audit, events), which the
 * warm-up's writes have started to fill, as autovacuum takes them within a minute on a running desk:
 * planned as empty, each pooled connection would scan them whole for as long as the run lasts.
 */
async function analyzeAfterWarmUp(database: BenchDatabase): Promise<void> {
  if (database.dialect !== "postgres") return;
  const connection = openDatabase(loadConfig(database.environment).database);
  try {
    await sql`ANALYZE`.execute(connection.db);
  } finally {
    await connection.destroy();
  }
}

/**
 * `tend serve` as an operator starts it (the built CLI, every role, not the bench's tsx loader, which
 * would add its own memory): its RSS once started and idle, then while it takes the mix for the soak.
 */
async function measureMemory(database: BenchDatabase, credentials: Credentials): Promise<void> {
  const section = `${database.dialect} memory`;
  console.log(`\n== ${section}: \`node bin/tend.js serve\`, every role`);
  await refreshStaleRollups(database);
  const heapProbeFile = path.join(database.environment.TEND_DATA_DIR, "heap-probe.json");
  const server = await startBuiltServer(database, {
    supportAddress,
    nodeArguments: [
      "--expose-gc",
      "--import",
      fileURLToPath(new URL("live-heap-probe.mjs", import.meta.url)),
    ],
    environment: { BENCH_HEAP_PROBE_FILE: heapProbeFile },
  });
  try {
    // Start-up leaves V8's young generation at its maximum and garbage only a full collection frees;
    // V8's memory reducer collects once it sees the process idle, about a minute in. An idle process
    // is the one after that, so its RSS is sampled until then and the settled figure is the one held
    // to the target.
    const idleCurve: number[] = [];
    for (let seconds = 0; seconds < idleSeconds; seconds += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      idleCurve.push(rssMegabytes(server.pid));
    }
    record({
      section,
      name: "RSS of an idle process (all roles)",
      value: idleCurve.at(-1) ?? Number.NaN,
      unit: "MB",
      target: idleRssTarget,
      detail:
        `${idleSeconds} s after it answered /readyz, no request since; every 5 s: ` +
        idleCurve.map((mb) => formatNumber(mb)).join(", "),
    });
    // Collected after the idle figure and before the soak's first sample, which the growth leaves out.
    const idleHeap = await liveHeap(server.pid, heapProbeFile, 1);
    const sampleSeconds = Math.max(5, Math.round(soakSeconds / 20));
    const samples = Math.ceil(soakSeconds / sampleSeconds);
    // Warming up (JIT, caches, pools, lazily loaded modules) grows the first half; a leak grows the second.
    const half = 1 + Math.floor(samples / 2);
    const curve: number[] = [rssMegabytes(server.pid)];
    let halfwayHeap: HeapProbe | undefined;
    let done = 0;
    while (curve.length <= samples) {
      const results = await runMix([server], credentials, sampleSeconds);
      for (const result of results.values()) done += result.completed;
      curve.push(rssMegabytes(server.pid));
      if (curve.length === half) halfwayHeap = await settledHeap(server.pid, heapProbeFile, 2);
    }
    const growth = Math.max(...curve.slice(half)) - Math.max(...curve.slice(1, half));
    record({
      section,
      name: `RSS growth over a ${soakSeconds} s soak (peak of 2nd half − peak of 1st half)`,
      value: growth,
      unit: "MB",
      detail:
        `${formatCount(done)} requests and messages; RSS every ${sampleSeconds} s from idle: ` +
        curve.map((mb) => formatNumber(mb)).join(", "),
    });
    const soakedHeap = await settledHeap(server.pid, heapProbeFile, 3);
    if (!halfwayHeap) throw new Error("the soak took no sample halfway");
    const megabytes = (bytes: number) => formatNumber(bytes / 1_048_576);
    const probes = [idleHeap, halfwayHeap, soakedHeap];
    record({
      section,
      name: "Objects kept after a full collection, growth over the soak's 2nd half",
      value: (heapObjects(soakedHeap) - heapObjects(halfwayHeap)) / 1_048_576,
      unit: "MB",
      detail:
        "idle, halfway and at the end: JavaScript objects (old and large-object spaces) " +
        probes.map((heap) => megabytes(heapObjects(heap))).join(", ") +
        " MB; compiled code " +
        probes.map((heap) => megabytes(heap.spaces.code_space ?? 0)).join(", ") +
        " MB; V8's heap committed " +
        probes.map((heap) => megabytes(heap.heapTotal)).join(", ") +
        " MB; outside it (Buffers) " +
        probes.map((heap) => megabytes(heap.external)).join(", ") +
        " MB",
    });
  } finally {
    await server.stop();
  }
}

/** What `live-heap-probe.mjs` writes: the heap's spaces and `process.memoryUsage()` after a full collection. */
interface HeapProbe {
  probe: number;
  spaces: Record<string, number>;
  heapTotal: number;
  external: number;
}

function heapObjects(heap: HeapProbe): number {
  return (heap.spaces.old_space ?? 0) + (heap.spaces.large_object_space ?? 0);
}

/** Once the work the load left in flight (the last messages' jobs) has finished: what it holds is not kept. */
async function settledHeap(pid: number, file: string, probe: number): Promise<HeapProbe> {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  return liveHeap(pid, file, probe);
}

/** Asks the server for its `probe`th heap probe and waits for the answer. */
async function liveHeap(pid: number, file: string, probe: number): Promise<HeapProbe> {
  process.kill(pid, "SIGUSR2");
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      const heap = JSON.parse(readFileSync(file, "utf8")) as HeapProbe;
      if (heap.probe === probe) return heap;
    } catch {
      // Not written yet, or being written.
    }
    if (performance.now() > deadline)
      throw new Error(`the server's heap probe ${probe} did not answer in 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The tickets the load layouts just created and answered left report periods stale. Left to the idle
 * server, its refreshes at the minute's ticks were that load's work, not an idle process's: 2.0 and
 * 0.9 s of catching up, 25 and 85 s into the idle window, each leaving RSS 16–25 MB higher, and the
 * window ended at 145–150 MB instead of 120–127.
 */
async function refreshStaleRollups(database: BenchDatabase): Promise<void> {
  const tend = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }));
  try {
    await refreshReportRollups(tend.context(), { untilDone: true });
  } finally {
    await tend.stop();
  }
}

async function measureAndDrop(
  database: BenchDatabase | undefined,
  measure: (db: BenchDatabase) => Promise<void>,
) {
  if (!database) {
    console.log(`\n(no PostgreSQL at ${postgresServerUrl}: its layouts are skipped)`);
    return;
  }
  try {
    await measure(database);
  } finally {
    await database.drop();
  }
}

function wholeNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1`);
  return value;
}

console.log(
  `Load: ${formatCount(tickets)} tickets seeded, ${loadSeconds} s per layout, soak ${soakSeconds} s; ` +
    `${os.cpus().length} cores shared by the load generator, Tend and the database.`,
);
const dialects = benchDialects();
if (dialects.has("sqlite"))
  await measureAndDrop(createSqliteBenchDatabase(), async (database) => {
    const credentials = await prepare(database);
    await measureLayouts(database, credentials, [1]);
    await measureMemory(database, credentials);
  });
if (dialects.has("postgres"))
  await measureAndDrop(await createPostgresBenchDatabase(postgresServerUrl), async (database) => {
    const credentials = await prepare(database);
    await measureLayouts(database, credentials, [1, 2]);
    await measureMemory(database, credentials);
  });
printSummary(figures);

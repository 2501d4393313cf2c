import { execFile, execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import { loadConfig } from "../src/config.js";
import { type Db, openDatabase } from "../src/db/database.js";
import { createTend } from "../src/main.js";
import { issueApiToken } from "../src/modules/identity/manage-api-tokens.js";
import { createPerson } from "../src/modules/identity/manage-people.js";
import { type BenchDatabase, createPostgresBenchDatabase } from "./bench-database.js";
import { startBuiltServer } from "./built-server.js";
import { formatCount, formatNumber } from "./report.js";

/**
 * `npm run faults` (issue 11): Tend's processes killed with SIGKILL mid-work and restarted, on a
 * scratch PostgreSQL database, each time counting what was accepted against what is stored — nothing
 * accepted may be lost, nothing may be done twice. Prints the counts; exits 1 when a count is wrong.
 *   BENCH_FAULTS_RESTART_POSTGRES=1  also restarts this machine's PostgreSQL (pg_ctlcluster) under
 *                                    load: only where nothing else uses that server
 *   BENCH_POSTGRES_URL               the server for the scratch database (default the local one)
 */
const postgresServerUrl = process.env.BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const supportAddress = "support@faults.example";
const failures: string[] = [];

function check(what: string, ok: boolean): void {
  console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
  return performance.now() - started;
}

async function countWhere(db: Db, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Sends from `senders` connections until `keepGoing` says stop or the server goes away; returns the Message-IDs answered 250. */
async function sendMail(
  smtpPort: number,
  label: string,
  options: { senders: number; limit?: number; keepGoing: () => boolean },
): Promise<{ accepted: string[]; refused: Map<string, number> }> {
  const accepted: string[] = [];
  const refused = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.senders }, async (_, sender) => {
      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: smtpPort,
        ignoreTLS: true,
        pool: true,
      });
      try {
        while (options.keepGoing() && (options.limit === undefined || next < options.limit)) {
          const n = next;
          next += 1;
          const messageId = `<${label}-${n}@faults.example>`;
          try {
            await transport.sendMail({
              from: `customer-${label}-${sender}-${n}@faults-customer.example`,
              to: supportAddress,
              subject: `${label} ${n}: the export stops at 10,000 rows`,
              text: "Hello,\n\nour nightly export stops at 10,000 rows since Tuesday.\n\nThanks,\nDana",
              messageId,
            });
            accepted.push(messageId);
          } catch (error) {
            const answer = (error as { responseCode?: number }).responseCode;
            const reason = answer ? `SMTP ${answer}` : ((error as { code?: string }).code ?? "error");
            refused.set(reason, (refused.get(reason) ?? 0) + 1);
            if (!answer) await sleep(100);
          }
        }
      } finally {
        transport.close();
      }
    }),
  );
  return { accepted, refused };
}

const inList = (ids: string[]) => sql.join(ids.map((id) => sql`${id}`));

async function unprocessedMail(db: Db): Promise<number> {
  return countWhere(db, sql<{ n: number }>`select count(*) as n from raw_emails where status = 'received'`);
}

async function workerKilledMidJob(database: BenchDatabase, db: Db): Promise<void> {
  console.log("\n== a worker killed mid-job (SIGKILL), then restarted");
  const lock = { TEND_JOB_LOCK_SECONDS: "5" };
  const smtp = await startBuiltServer(database, { supportAddress, roles: ["smtp"] });
  let worker = await startBuiltServer(database, { supportAddress, roles: ["worker"], environment: lock });
  try {
    const total = 400;
    const { accepted } = await sendMail(smtp.smtpPort, "worker-fault", {
      senders: 2,
      limit: total,
      keepGoing: () => true,
    });
    await waitFor("a quarter processed", async () => (await unprocessedMail(db)) <= total * 0.75, 60_000);
    await worker.kill();
    const leftAtKill = await unprocessedMail(db);
    console.log(
      `  ${formatCount(accepted.length)} accepted; killed the worker with ${formatCount(leftAtKill)} left`,
    );
    worker = await startBuiltServer(database, { supportAddress, roles: ["worker"], environment: lock });
    const ms = await waitFor(
      "all processed after the restart",
      async () => (await unprocessedMail(db)) === 0,
      120_000,
    );
    console.log(
      `  the restarted worker finished them in ${formatNumber(ms / 1000)} s (the dead worker's jobs after their 5 s lock)`,
    );
    const stored = await countWhere(
      db,
      sql<{
        n: number;
      }>`select count(distinct message_id) as n from email_messages where direction = 'inbound' and message_id in (${inList(accepted)})`,
    );
    const rows = await countWhere(
      db,
      sql<{
        n: number;
      }>`select count(*) as n from email_messages where direction = 'inbound' and message_id in (${inList(accepted)})`,
    );
    const tickets = await countWhere(
      db,
      sql<{ n: number }>`select count(*) as n from tickets where subject like 'worker-fault %'`,
    );
    const failedJobs = await countWhere(
      db,
      sql<{ n: number }>`select count(*) as n from jobs where status = 'failed'`,
    );
    check(
      `every accepted message is on a ticket: ${formatCount(stored)} of ${formatCount(accepted.length)}`,
      stored === accepted.length,
    );
    check(
      `none twice: ${formatCount(rows)} messages, ${formatCount(tickets)} tickets`,
      rows === accepted.length && tickets === accepted.length,
    );
    check(`no job failed: ${failedJobs}`, failedJobs === 0);
  } finally {
    await worker.stop();
    await smtp.stop();
  }
}

async function smtpKilledMidMessage(database: BenchDatabase, db: Db): Promise<void> {
  console.log("\n== the SMTP process killed (SIGKILL) while messages arrive");
  const smtp = await startBuiltServer(database, { supportAddress, roles: ["smtp"] });
  let running = true;
  const sending = sendMail(smtp.smtpPort, "smtp-fault", { senders: 4, keepGoing: () => running });
  await sleep(2000);
  await smtp.kill();
  running = false;
  const { accepted, refused } = await sending;
  const storedAccepted = await countWhere(
    db,
    sql<{ n: number }>`select count(*) as n from raw_emails where message_id in (${inList(accepted)})`,
  );
  const storedAll = await countWhere(
    db,
    sql<{ n: number }>`select count(*) as n from raw_emails where message_id like '<smtp-fault-%'`,
  );
  console.log(
    `  ${formatCount(accepted.length)} answered 250 before the kill; the senders saw ${[...refused].map(([r, n]) => `${r} × ${n}`).join(", ") || "nothing else"}`,
  );
  check(
    `every message answered 250 is stored, once: ${formatCount(storedAccepted)} of ${formatCount(accepted.length)}`,
    storedAccepted === accepted.length,
  );
  // A message stored in the instant between its commit and the 250 is kept; its sender, with no
  // answer, sends it again, and the same Message-ID is not threaded twice.
  console.log(`  stored without its 250 reaching the sender: ${formatCount(storedAll - storedAccepted)}`);
  const worker = await startBuiltServer(database, { supportAddress, roles: ["worker"] });
  try {
    await waitFor("the stored messages processed", async () => (await unprocessedMail(db)) === 0, 120_000);
    const tickets = await countWhere(
      db,
      sql<{ n: number }>`select count(*) as n from tickets where subject like 'smtp-fault %'`,
    );
    check(
      `each stored message made one ticket: ${formatCount(tickets)} of ${formatCount(storedAll)}`,
      tickets === storedAll,
    );
  } finally {
    await worker.stop();
  }
}

async function webKilledMidRequest(database: BenchDatabase, db: Db, customerToken: string): Promise<void> {
  console.log("\n== the web process killed (SIGKILL) mid-request, then restarted behind the same port");
  let web = await startBuiltServer(database, { supportAddress, roles: ["web"] });
  const created: string[] = [];
  const unanswered: string[] = [];
  let running = true;
  let next = 0;
  const clients = Array.from({ length: 8 }, async () => {
    while (running) {
      const subject = `web-fault ${next}: invoices show the wrong VAT rate`;
      next += 1;
      try {
        const response = await fetch(`${web.url}/api/v1/tickets`, {
          method: "POST",
          headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/json" },
          body: JSON.stringify({
            subject,
            body: "Since the upgrade every invoice applies 19% instead of 7%.",
          }),
        });
        if (response.status === 201) created.push(subject);
        await response.arrayBuffer();
      } catch {
        unanswered.push(subject);
        await sleep(50);
      }
    }
  });
  await sleep(2000);
  await web.kill();
  await sleep(500);
  running = false;
  await Promise.all(clients);
  web = await startBuiltServer(database, {
    supportAddress,
    roles: ["web"],
    ports: { port: Number(new URL(web.url).port), smtpPort: web.smtpPort },
  });
  try {
    const counts = async (subjects: string[]) => {
      if (subjects.length === 0) return new Map<string, number>();
      const { rows } = await sql<{ subject: string; n: number }>`
        select subject, count(*) as n from tickets where subject in (${inList(subjects)}) group by subject`.execute(
        db,
      );
      return new Map(rows.map((row) => [row.subject, Number(row.n)]));
    };
    const createdCounts = await counts(created);
    const unansweredCounts = await counts(unanswered);
    console.log(
      `  ${formatCount(created.length)} answered 201, ${formatCount(unanswered.length)} got no answer (cut off by the kill, or refused while it was down)`,
    );
    check(
      `every ticket answered 201 is stored, once: ${formatCount([...createdCounts.values()].filter((n) => n === 1).length)} of ${formatCount(created.length)}`,
      created.every((subject) => createdCounts.get(subject) === 1),
    );
    const committedUnanswered = [...unansweredCounts.values()].filter((n) => n === 1).length;
    check(
      `a request cut off is stored once or not at all (${committedUnanswered} committed before the kill)`,
      [...unansweredCounts.values()].every((n) => n <= 1),
    );
    const after = await fetch(`${web.url}/readyz`);
    check(`the restarted process serves again: /readyz ${after.status}`, after.status === 200);
  } finally {
    await web.stop();
  }
}

async function postgresRestartedUnderLoad(
  database: BenchDatabase,
  db: Db,
  customerToken: string,
): Promise<void> {
  console.log("\n== PostgreSQL restarted under load (pg_ctlcluster … restart), Tend left running");
  const cluster = execFileSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" }).trim().split(/\s+/);
  const [version, name] = cluster;
  if (!version || !name) throw new Error("pg_lsclusters named no cluster");
  const tend = await startBuiltServer(database, { supportAddress });
  const statuses = new Map<string, number>();
  const tally = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
  let missingRetryAfter = 0;
  let running = true;
  let restartedAt = Number.NaN;
  // Seconds after the restart began: the refusals' span, and the successes after the last refusal.
  const refusedAt: number[] = [];
  const succeededAt: number[] = [];
  const http = Array.from({ length: 6 }, async (_, client) => {
    for (let n = 0; running; n += 1) {
      const write = client < 2;
      try {
        const response = await fetch(`${tend.url}/api/v1/tickets${write ? "" : "?limit=20"}`, {
          method: write ? "POST" : "GET",
          headers: { authorization: `Bearer ${customerToken}`, "content-type": "application/json" },
          ...(write
            ? {
                body: JSON.stringify({
                  subject: `pg-restart ${client}-${n}`,
                  body: "Written while the database restarts.",
                }),
              }
            : {}),
        });
        await response.arrayBuffer();
        tally(`HTTP ${response.status}`);
        if (response.status === 503 && !response.headers.get("retry-after")) missingRetryAfter += 1;
        (response.ok ? succeededAt : refusedAt).push((performance.now() - restartedAt) / 1000);
      } catch {
        tally("connection error");
        refusedAt.push((performance.now() - restartedAt) / 1000);
      }
      await sleep(20);
    }
  });
  const mail = sendMail(tend.smtpPort, "pg-restart-mail", { senders: 1, keepGoing: () => running });
  try {
    await sleep(2000);
    restartedAt = performance.now();
    // Not execFileSync: the load (in this process) goes on while the server restarts.
    await promisify(execFile)("pg_ctlcluster", [version, name, "restart"]);
    console.log(
      `  the server was down and up again in ${formatNumber((performance.now() - restartedAt) / 1000)} s`,
    );
    await sleep(8000);
    running = false;
    await Promise.all(http);
    const { accepted, refused } = await mail;
    console.log(`  HTTP answers: ${[...statuses].map(([k, n]) => `${k} × ${formatCount(n)}`).join(", ")}`);
    console.log(
      `  SMTP: ${formatCount(accepted.length)} answered 250, ${[...refused].map(([r, n]) => `${r} × ${n}`).join(", ") || "none refused"}`,
    );
    check("no request answered 500", !statuses.has("HTTP 500"));
    check(`every 503 says when to retry (${missingRetryAfter} without Retry-After)`, missingRetryAfter === 0);
    const lastRefusal = Math.max(...refusedAt);
    const recovered = succeededAt.filter((at) => at > lastRefusal);
    console.log(
      refusedAt.length === 0
        ? "  no request was refused"
        : `  requests refused from ${formatNumber(Math.min(...refusedAt))} s to ${formatNumber(lastRefusal)} s after the restart began`,
    );
    check(
      `requests succeed again without restarting Tend: ${formatCount(recovered.length)} after the last refusal`,
      recovered.length > 0,
    );
    check(
      "no mail refused with a permanent 5xx",
      ![...refused.keys()].some((reason) => reason.startsWith("SMTP 5")),
    );
    await waitFor("the accepted mail processed", async () => (await unprocessedMail(db)) === 0, 120_000);
    const stored = await countWhere(
      db,
      sql<{
        n: number;
      }>`select count(distinct message_id) as n from email_messages where message_id in (${inList(accepted.length > 0 ? accepted : ["<none>"])})`,
    );
    check(
      `every message answered 250 is on a ticket: ${formatCount(stored)} of ${formatCount(accepted.length)}`,
      stored === accepted.length,
    );
  } finally {
    running = false;
    await tend.stop();
  }
}

const database = await createPostgresBenchDatabase(postgresServerUrl);
if (!database) {
  console.log(`No PostgreSQL at ${postgresServerUrl}: nothing to run the faults against.`);
  process.exit(1);
}
try {
  const tend = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }));
  let customerToken: string;
  try {
    const customer = await createPerson({
      ctx: tend.context(),
      input: { name: "Dana Faults", email: "dana@faults-customer.example", role: "customer" },
    });
    customerToken = (await issueApiToken(tend.context(), customer.id, { name: "faults" })).token;
  } finally {
    await tend.stop();
  }
  const observer = openDatabase(database.target);
  try {
    await workerKilledMidJob(database, observer.db);
    await smtpKilledMidMessage(database, observer.db);
    await webKilledMidRequest(database, observer.db, customerToken);
    if (process.env.BENCH_FAULTS_RESTART_POSTGRES === "1")
      await postgresRestartedUnderLoad(database, observer.db, customerToken);
    else
      console.log(
        "\n(PostgreSQL restart skipped: BENCH_FAULTS_RESTART_POSTGRES=1 restarts this machine's server)",
      );
  } finally {
    await observer.destroy();
  }
} finally {
  await database.drop();
}
console.log(failures.length === 0 ? "\nAll fault checks held." : `\n${failures.length} fault checks failed.`);
process.exitCode = failures.length === 0 ? 0 : 1;

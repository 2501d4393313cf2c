import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { sql } from "kysely";
import nodemailer from "nodemailer";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import { createTend } from "../src/main.js";
import type { BenchDatabase } from "./bench-database.js";
import { type BuiltServer, startBuiltServer } from "./built-server.js";
import { startChildServer } from "./child-server.js";
import { formatNumber, type RecordFigure } from "./report.js";
import { summarizeLatencies } from "./stats.js";
import { closeSupportDuringTheBench } from "./support-hours.js";

// Issue 5: end-to-end inbound over SMTP at 300 messages a second or more with two senders.
const throughputTarget = { comparison: "at least", value: 300 } as const;
const supportAddress = "support@bench.example";
const senders = 2;
/** Messages each sender sends before anything is measured (see the warm-up below). */
const warmUpMessagesPerSender = 100;

export interface InboundEmailSettings {
  messagesPerSender: number;
}

/** How the `smtp` and `worker` roles are spread over processes. */
const layouts = [
  { name: "one process", roles: [["smtp", "worker"]] },
  { name: "SMTP and worker processes", roles: [["smtp"], ["worker"]] },
] as const;

/**
 * The built `tend serve` (as an operator runs it) with the `smtp` and `worker` roles, first in one
 * process, then in two (the scale-out layout: the listener's process only stores, the worker's
 * threads), on the bench database, and two concurrent senders in this process. Each sender keeps its
 * connection for a run of messages, as a relay delivering its queue does (the target's figure); in the
 * one-process layout each then also opens a connection per message, which adds smtp-server's fixed
 * 100 ms early-talker pause before the greeting to every message. Acceptance latency is the client's
 * time to the 250; end-to-end throughput counts a message once the worker has parsed, threaded and
 * stored it as a ticket. CPU is read from /proc: on this 2-core machine the senders share the cores.
 * On SQLite the listener commits to its spool, which the worker (in its process or another) moves
 * into the database and threads (`email/inbound-spool.ts`). Before the first layout is measured, 100
 * messages a sender are sent unmeasured and PostgreSQL's statistics are updated (see the warm-up). Last, the same senders against a server that stores nothing
 * (`measureFloor`): the exchange's own cost.
 */
export async function measureInboundEmail(
  database: BenchDatabase,
  settings: InboundEmailSettings,
  record: RecordFigure,
): Promise<void> {
  const tend = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }));
  try {
    await closeSupportDuringTheBench(tend.context(), 2 * 3_600_000);
  } finally {
    await tend.stop();
  }
  // The bench's own connection, to see when the worker has processed everything.
  const observer = openDatabase(loadConfig(database.environment).database);
  // Messages past processing (a ticket, or ignored or failed): counted up to the run's total rather
  // than waiting for no unprocessed row, since on SQLite the last ones may still be in the spool.
  const settled = async () => {
    const row = await observer.db
      .selectFrom("raw_emails")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("status", "!=", "received")
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  const allSettled = async (layoutName: string, expected: number) => {
    for (let last = -1, since = performance.now(); ; ) {
      const done = await settled();
      if (done >= expected) return;
      if (done !== last) [last, since] = [done, performance.now()];
      else if (performance.now() - since > 60_000)
        throw new Error(`${layoutName}: ${done} of ${expected} messages processed, none in the last minute`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    for (const [index, layout] of layouts.entries()) {
      const servers: BuiltServer[] = [];
      try {
        for (const roles of layout.roles)
          servers.push(await startBuiltServer(database, { supportAddress, roles: [...roles] }));
        const port = servers[0]?.smtpPort ?? 0;
        const serversCpuMs = () => servers.reduce((sum, server) => sum + processCpuMs(server.pid), 0);
        const databaseCpuMs = () => (database.dialect === "postgres" ? localPostgresCpuMs() : 0);
        const run = async (label: string, pool: boolean, messagesPerSender: number) => {
          const settledBefore = await settled();
          const cpuBefore = serversCpuMs();
          const databaseCpuBefore = databaseCpuMs();
          const sendersCpuBefore = processCpuMs(process.pid);
          const started = performance.now();
          const latencies = await sendFromEachSender(port, {
            pool,
            messagesPerSender,
            tag: `${index}-${label}`,
          });
          const acceptedSeconds = (performance.now() - started) / 1000;
          const total = senders * messagesPerSender;
          await allSettled(layout.name, settledBefore + total);
          const processedSeconds = (performance.now() - started) / 1000;
          const serverCpuMs = serversCpuMs() - cpuBefore;
          const sendersCpuMs = processCpuMs(process.pid) - sendersCpuBefore;
          const databaseCpu = databaseCpuMs() - databaseCpuBefore;
          const latency = summarizeLatencies(latencies);
          const name = `${layout.name}, ${label}`;
          record({
            name: `inbound SMTP end to end, ${name}`,
            value: total / processedSeconds,
            unit: "messages/s",
            target: pool ? throughputTarget : undefined,
            detail: `${total} messages parsed, threaded and stored as tickets in ${formatNumber(processedSeconds)} s`,
          });
          record({
            name: `inbound SMTP acceptance, ${name}`,
            value: total / acceptedSeconds,
            unit: "messages/s",
            detail:
              database.dialect === "sqlite"
                ? "250 answered: raw message and envelope committed to the SMTP listener's spool"
                : "250 answered: raw message, envelope and job committed",
          });
          record({
            name: `acceptance latency p95, ${name}`,
            value: latency.p95Ms,
            unit: "ms",
            detail: `p50 ${formatNumber(latency.p50Ms)} ms over ${latency.samples} messages`,
          });
          record({
            name: `Tend's CPU per message, ${name}`,
            value: serverCpuMs / total,
            unit: "ms",
            detail: `${formatNumber(serverCpuMs / (processedSeconds * 1000))} cores busy; the senders took ${formatNumber(sendersCpuMs / total)} ms a message`,
          });
          if (databaseCpu > 0)
            record({
              name: `PostgreSQL's CPU per message, ${name}`,
              value: databaseCpu / total,
              unit: "ms",
              detail: `the local server's processes, sharing the machine's ${availableParallelism()} cores: ${formatNumber(databaseCpu / (processedSeconds * 1000))} cores busy`,
            });
        };
        if (index === 0) {
          // A desk that has taken mail, as every running desk has: the first messages are sent and
          // threaded unmeasured, then PostgreSQL's statistics are brought up to date, as autovacuum
          // does within a minute of a table's first 50 rows. Measured on a brand-new database instead,
          // every pooled connection keeps the plans it made while the tables were empty — a sequential
          // scan of \`tickets\` behind each foreign-key check, of \`raw_emails\` behind the flood stop's
          // count — and each message then costs more than the one before.
          const settledBefore = await settled();
          await sendFromEachSender(port, {
            pool: true,
            messagesPerSender: warmUpMessagesPerSender,
            tag: "warm-up",
          });
          await allSettled(layout.name, settledBefore + senders * warmUpMessagesPerSender);
          if (database.dialect === "postgres") await sql`ANALYZE`.execute(observer.db);
        }
        await run("2 senders", true, settings.messagesPerSender);
        if (index === 0)
          await run("connection per message", false, Math.ceil(settings.messagesPerSender / 5));
      } finally {
        for (const server of servers) await server.stop();
      }
    }
    await measureFloor(settings, record);
  } finally {
    await observer.destroy();
  }
}

/**
 * Each sender keeps one connection (pooled) or opens one per message, and sends its messages one
 * after another, as a relay delivering its queue does; resolves with each message's time to its 250.
 */
async function sendFromEachSender(
  port: number,
  options: { pool: boolean; messagesPerSender: number; tag: string },
): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: senders }, async (_, sender) => {
      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port,
        ignoreTLS: true,
        pool: options.pool,
      });
      for (let n = 0; n < options.messagesPerSender; n += 1) {
        const sentAt = performance.now();
        await transport.sendMail({
          // A sender per message: the per-sender flood limit is not what this measures.
          from: `customer-${options.tag}-${sender}-${n}@bench-customer.example`.replaceAll(" ", "-"),
          to: supportAddress,
          subject: `Invoice ${sender}-${n} shows the wrong VAT rate`,
          text: "Hello,\n\nour last invoice applies 19% VAT instead of 7%. Could you correct it?\n\nThanks,\nDana",
        });
        latencies.push(performance.now() - sentAt);
      }
      transport.close();
    }),
  );
  return latencies;
}

/**
 * The same senders against `serve-smtp-floor.ts`, which stores nothing: the most any server built on
 * smtp-server could take from them here, and the CPU the exchange itself costs on each side.
 */
async function measureFloor(settings: InboundEmailSettings, record: RecordFigure): Promise<void> {
  const floor = await startChildServer("serve-smtp-floor.ts", {});
  try {
    const serverCpuBefore = processCpuMs(floor.pid);
    const sendersCpuBefore = processCpuMs(process.pid);
    const started = performance.now();
    await sendFromEachSender(floor.smtpPort ?? 0, {
      pool: true,
      messagesPerSender: settings.messagesPerSender,
      tag: "floor",
    });
    const seconds = (performance.now() - started) / 1000;
    const total = senders * settings.messagesPerSender;
    record({
      name: "floor: smtp-server storing nothing, 2 senders",
      value: total / seconds,
      unit: "messages/s",
      detail:
        `its CPU ${formatNumber((processCpuMs(floor.pid) - serverCpuBefore) / total)} ms a message, ` +
        `the senders' ${formatNumber((processCpuMs(process.pid) - sendersCpuBefore) / total)} ms`,
    });
  } finally {
    await floor.stop();
  }
}

/** User plus system CPU time a process has used, from /proc (Linux), in milliseconds. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are the 14th and 15th fields; after the command's ")" they are the 12th and 13th.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond;
}

/**
 * The CPU the local PostgreSQL server's processes have used, in milliseconds, when they run on this
 * machine (visible in /proc; 0 otherwise): its backends, and the postmaster's reaped children.
 */
function localPostgresCpuMs(): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited since the listing
    }
    if (!stat.includes("(postgres)")) continue;
    const fields = stat.split(") ")[1]?.split(" ") ?? [];
    // utime, stime, cutime and cstime: the 14th to 17th fields.
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / clockTicksPerSecond;
}

// USER_HZ is 100 on every Linux architecture Node runs on.
const clockTicksPerSecond = 100;

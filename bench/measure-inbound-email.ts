import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import nodemailer from "nodemailer";
import { loadConfig } from "../src/config.js";
import { openDatabase } from "../src/db/database.js";
import type { BenchDatabase } from "./bench-database.js";
import { startChildServer } from "./child-server.js";
import { formatNumber, type RecordFigure } from "./report.js";
import { summarizeLatencies } from "./stats.js";

// Issue 5: end-to-end inbound over SMTP at 300 messages a second or more with two senders.
const throughputTarget = { comparison: "at least", value: 300 } as const;
const supportAddress = "support@bench.example";
const senders = 2;

export interface InboundEmailSettings {
  messagesPerSender: number;
}

/**
 * `tend` with the `smtp` and `worker` roles in a child process on the bench database, and two
 * concurrent senders in this one. First each sender keeps its connection for a run of messages, as a relay
 * delivering its queue does (the target's figure); then each opens a connection per message, which
 * adds smtp-server's fixed 100 ms early-talker pause before the greeting to every message.
 * Acceptance latency is the client's time to the 250; end-to-end throughput counts a message once
 * the worker has parsed, threaded and stored it as a ticket.
 */
export async function measureInboundEmail(
  database: BenchDatabase,
  settings: InboundEmailSettings,
  record: RecordFigure,
): Promise<void> {
  const environment = {
    ...database.environment,
    TEND_SMTP_PORT: "0",
    TEND_SMTP_HOST: "127.0.0.1",
    TEND_SUPPORT_ADDRESSES: supportAddress,
  };
  const server = await startChildServer("serve-smtp-for-bench.ts", environment);
  // The bench's own connection, to see when the worker has processed everything.
  const observer = openDatabase(loadConfig(environment).database);
  try {
    const port = Number(new URL(server.url).port);
    const unprocessed = async () => {
      const row = await observer.db
        .selectFrom("raw_emails")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .where("status", "=", "received")
        .executeTakeFirstOrThrow();
      return Number(row.count);
    };
    const run = async (label: string, pool: boolean, messagesPerSender: number) => {
      const latencies: number[] = [];
      const cpuBefore = processCpuMs(server.pid);
      const clientCpuBefore = processCpuMs(process.pid);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: senders }, async (_, sender) => {
          const transport = nodemailer.createTransport({ host: "127.0.0.1", port, ignoreTLS: true, pool });
          for (let n = 0; n < messagesPerSender; n += 1) {
            const sentAt = performance.now();
            await transport.sendMail({
              // A sender per message: the per-sender flood limit is not what this measures.
              from: `customer-${label}-${sender}-${n}@bench-customer.example`,
              to: supportAddress,
              subject: `Invoice ${sender}-${n} shows the wrong VAT rate`,
              text: "Hello,\n\nour last invoice applies 19% VAT instead of 7%. Could you correct it?\n\nThanks,\nDana",
            });
            latencies.push(performance.now() - sentAt);
          }
          transport.close();
        }),
      );
      const acceptedSeconds = (performance.now() - started) / 1000;
      while ((await unprocessed()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      const processedSeconds = (performance.now() - started) / 1000;
      const serverCpuMs = processCpuMs(server.pid) - cpuBefore;
      const sendersCpuMs = processCpuMs(process.pid) - clientCpuBefore;
      const total = senders * messagesPerSender;
      const latency = summarizeLatencies(latencies);
      record({
        name: `inbound SMTP end to end, ${label}`,
        value: total / processedSeconds,
        unit: "messages/s",
        target: pool ? throughputTarget : undefined,
        detail: `${total} messages parsed, threaded and stored as tickets in ${formatNumber(processedSeconds)} s`,
      });
      record({
        name: `inbound SMTP acceptance, ${label}`,
        value: total / acceptedSeconds,
        unit: "messages/s",
        detail: "250 answered: raw message, envelope and job committed",
      });
      record({
        name: `acceptance latency p95, ${label}`,
        value: latency.p95Ms,
        unit: "ms",
        detail: `p50 ${formatNumber(latency.p50Ms)} ms over ${latency.samples} messages`,
      });
      record({
        name: `Tend's CPU per message, ${label}`,
        value: serverCpuMs / total,
        unit: "ms",
        detail: `${formatNumber(serverCpuMs / (processedSeconds * 1000))} of a core busy, from /proc; the senders took ${formatNumber(sendersCpuMs / total)} ms a message`,
      });
    };
    await run("2 senders", true, settings.messagesPerSender);
    await run("connection per message", false, Math.ceil(settings.messagesPerSender / 5));
  } finally {
    await observer.destroy();
    await server.stop();
  }
}

/** User plus system CPU time a process has used, from /proc (Linux), in milliseconds. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime are the 14th and 15th fields; after the command's ")" they are the 12th and 13th.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond;
}

// USER_HZ is 100 on every Linux architecture Node runs on.
const clockTicksPerSecond = 100;

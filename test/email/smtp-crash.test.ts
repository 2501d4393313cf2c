import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import nodemailer from "nodemailer";
import { afterAll, describe, expect, it } from "vitest";
import { InboundSpool } from "../../src/modules/email/inbound-spool.js";
import { moveSpooledMail } from "../../src/modules/email/spooled-mail-mover.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { systemClock } from "../../src/shared/clock.js";
import { createLogger } from "../../src/shared/logger.js";
import { tendBin, useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();
const supportAddress = "support@tend.test";
let server: ChildProcess | undefined;

afterAll(() => {
  server?.kill("SIGKILL");
});

/** `tend serve --roles smtp` in a child process; resolves with the port it listens on. */
function serveSmtp(): Promise<number> {
  server = spawn(process.execPath, [tendBin, "serve", "--roles", "smtp"], {
    env: {
      ...cli.environment,
      LOG_LEVEL: "info",
      TEND_SMTP_PORT: "0",
      TEND_SMTP_HOST: "127.0.0.1",
      TEND_SUPPORT_ADDRESSES: supportAddress,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const child = server;
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`tend serve exited with ${code} before listening`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === "SMTP listener ready" && entry.port) resolve(entry.port);
    });
  });
}

/** Sends numbered messages until the server stops answering; returns the numbers it accepted with 250. */
async function sendUntilRefused(port: number, sender: string, accepted: string[]): Promise<void> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, ignoreTLS: true });
  for (let n = 0; ; n += 1) {
    const token = `${sender}-${n}`;
    try {
      const info = await transport.sendMail({
        from: `${sender}@outside.example`,
        to: supportAddress,
        subject: `Message ${token}`,
        text: `Token ${token}.`,
      });
      if (info.response.startsWith("250")) accepted.push(token);
    } catch {
      return;
    }
  }
}

describe("a crash while mail arrives", () => {
  it("keeps every message that got 250, once, when the process is killed (SIGKILL)", async () => {
    const port = await serveSmtp();
    const accepted: string[] = [];
    let sending = true;
    const senders = Promise.all([
      sendUntilRefused(port, "alpha", accepted),
      sendUntilRefused(port, "beta", accepted),
    ]).finally(() => {
      sending = false;
    });
    while (sending && accepted.length < 40) await new Promise((resolve) => setTimeout(resolve, 20));
    server?.kill("SIGKILL");
    await senders;

    // On SQLite an SMTP-only process commits to its spool, which a worker empties into the database.
    const target = cli.database.target;
    if (target.kind === "sqlite") {
      const spool = InboundSpool.besideDatabase(target.file);
      try {
        const worker = {
          actor: systemActor("inbound email"),
          channel: "email" as const,
          db: cli.database.db,
          dialect: cli.database.dialect,
          clock: systemClock,
          logger: createLogger("silent"),
        };
        while ((await moveSpooledMail(worker, spool, { supportAddresses: [supportAddress] })) > 0);
      } finally {
        spool.close();
      }
    }
    const rows = await cli.database.db.selectFrom("raw_emails").select("raw").execute();
    const stored = rows.map((row) => Buffer.from(row.raw).toString("utf8"));
    for (const token of accepted) {
      expect(
        stored.filter((raw) => raw.includes(`Token ${token}.`)),
        token,
      ).toHaveLength(1);
    }
    expect(accepted.length).toBeGreaterThanOrEqual(40);
  }, 60_000);
});

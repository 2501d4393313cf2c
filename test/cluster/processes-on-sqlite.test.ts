import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createTend, type Role, startRoles, type Tend } from "../../src/main.js";
import { attachmentsDirIn } from "../../src/modules/attachments/attachment-store.js";
import { SpooledMailThread } from "../../src/modules/email/spooled-mail-mover.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { testDialect } from "../support/test-database.js";

// On SQLite the MX may run as a process of its own beside the rest (README, "One process, or several"):
// its accepted mail goes through the spool, which the worker's process empties. Each Tend here has
// its own connections to the same files, as two processes would. One process with both roles
// spools as well, and empties its own spool.
const dataDir = mkdtempSync(join(tmpdir(), "tend-sqlite-roles-"));
const oneProcessDataDir = mkdtempSync(join(tmpdir(), "tend-sqlite-one-process-"));
const threadDataDir = mkdtempSync(join(tmpdir(), "tend-sqlite-mail-thread-"));
const supportAddress = "support@tend.test";
const running = new Set<Tend>();

async function startProcess(roles: Role[], directory = dataDir): Promise<Tend> {
  const tend = await createTend(
    loadConfig({
      TEND_DATA_DIR: directory,
      DATABASE_URL: "",
      TEND_SMTP_HOST: "127.0.0.1",
      TEND_SMTP_PORT: "0",
      TEND_SUPPORT_ADDRESSES: supportAddress,
      LOG_LEVEL: "silent",
    }),
    { roles },
  );
  running.add(tend);
  await startRoles(tend, roles);
  return tend;
}

async function stopProcess(tend: Tend): Promise<void> {
  running.delete(tend);
  await tend.stop();
}

afterAll(async () => {
  for (const tend of running) await tend.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(oneProcessDataDir, { recursive: true, force: true });
  rmSync(threadDataDir, { recursive: true, force: true });
});

async function send(port: number, subject: string): Promise<string> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, ignoreTLS: true });
  try {
    const info = await transport.sendMail({
      from: "dana@customer.example",
      to: supportAddress,
      subject,
      text: "Our invoice applies the wrong VAT rate.",
    });
    return info.response;
  } finally {
    transport.close();
  }
}

async function ticketSubjects(tend: Tend): Promise<string[]> {
  const rows = await tend.database.db.selectFrom("tickets").select("subject").execute();
  return rows.map((row) => row.subject);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let waited = 0; ; waited += 50) {
    const value = await read();
    if (done(value) || waited >= 20_000) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(testDialect === "postgres")("an SMTP-only process beside a worker process on SQLite", () => {
  it("turns the mail it accepts into tickets through the worker, and keeps what arrives while no worker runs", async () => {
    const smtp = await startProcess(["smtp"]);
    const port = smtp.smtp?.port ?? 0;
    let worker = await startProcess(["worker"]);

    expect(await send(port, "Invoice shows the wrong VAT rate")).toMatch(/^250 .*Queued as/);
    expect(
      await eventually(
        () => ticketSubjects(worker),
        (subjects) => subjects.length === 1,
      ),
    ).toEqual(["Invoice shows the wrong VAT rate"]);

    await stopProcess(worker);
    const response = await send(port, "Second invoice, same problem");
    expect(response).toMatch(/^250 .*Queued as/);
    // Accepted and durable in the spool, not yet in the database: no worker runs.
    const rawEmailId = /Queued as (\S+)/.exec(response)?.[1] ?? "";
    const stored = await smtp.database.db
      .selectFrom("raw_emails")
      .select("id")
      .where("id", "=", rawEmailId)
      .executeTakeFirst();
    expect(stored).toBeUndefined();

    worker = await startProcess(["worker"]);
    expect(
      await eventually(
        () => ticketSubjects(worker),
        (subjects) => subjects.length === 2,
      ),
    ).toEqual(expect.arrayContaining(["Invoice shows the wrong VAT rate", "Second invoice, same problem"]));
    const moved = await worker.database.db
      .selectFrom("raw_emails")
      .select(["id", "status"])
      .where("id", "=", rawEmailId)
      .executeTakeFirst();
    expect(moved).toEqual({ id: rawEmailId, status: "processed" });
  }, 60_000);

  it("spools and threads mail in one process with both roles, in a thread of its own, with no job for the mail", async () => {
    const tend = await startProcess(["smtp", "worker"], oneProcessDataDir);
    // The threading runs in a worker thread; its commits still reach this process's live stream.
    expect(tend.spooledMailMover).toBeInstanceOf(SpooledMailThread);
    const streamed: number[] = [];
    tend.changeFeed.subscribe((change) => streamed.push(change.number));
    const response = await send(tend.smtp?.port ?? 0, "Password reset mail never arrives");
    expect(response).toMatch(/^250 .*Queued as/);
    expect(
      await eventually(
        () => ticketSubjects(tend),
        (subjects) => subjects.length === 1,
      ),
    ).toEqual(["Password reset mail never arrives"]);
    const rawEmailId = /Queued as (\S+)/.exec(response)?.[1] ?? "";
    expect(
      await tend.database.db
        .selectFrom("raw_emails")
        .select(["id", "status"])
        .where("id", "=", rawEmailId)
        .executeTakeFirst(),
    ).toEqual({ id: rawEmailId, status: "processed" });
    expect(tend.inboundSpool?.waiting().messages).toBe(0);
    const inboundJobs = await tend.database.db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", "email.process-inbound")
      .execute();
    expect(inboundJobs).toEqual([]);
    const [ticket] = await tend.database.db.selectFrom("tickets").select("number").execute();
    expect(
      await eventually(
        () => Promise.resolve(streamed),
        (numbers) => numbers.length > 0,
      ),
    ).toEqual([ticket?.number]);
    await stopProcess(tend);
  }, 60_000);

  it("starts the mail thread when mail is spooled, ends it when none comes, and starts it again", async () => {
    const tend = await startProcess(["smtp"], threadDataDir);
    const { config } = tend;
    if (config.database.kind !== "sqlite" || !tend.inboundSpool) throw new Error("a SQLite process spools");
    const thread = new SpooledMailThread(
      tend.context(systemActor("inbound email"), "email"),
      tend.inboundSpool,
      {
        databaseFile: config.database.file,
        attachmentsDir: attachmentsDirIn(config),
        secretKey: null,
        logLevel: "silent",
        settings: { supportAddresses: [supportAddress], maxAttachmentBytes: config.email.maxAttachmentBytes },
        intervals: { intervalMs: 20, idleIntervalMs: 100 },
        idleExitMs: 300,
      },
    );
    thread.start();
    try {
      expect(thread.running).toBe(false);
      expect(await send(tend.smtp?.port ?? 0, "Exports fail every night")).toMatch(/^250 /);
      expect(thread.running).toBe(true);
      expect(
        await eventually(
          () => ticketSubjects(tend),
          (subjects) => subjects.length === 1,
        ),
      ).toEqual(["Exports fail every night"]);
      // No mail for longer than `idleExitMs`: the thread ends, and the next message starts another.
      expect(
        await eventually(
          () => Promise.resolve(thread.running),
          (running) => !running,
        ),
      ).toBe(false);
      expect(await send(tend.smtp?.port ?? 0, "Invoices show the wrong VAT")).toMatch(/^250 /);
      expect(
        (
          await eventually(
            () => ticketSubjects(tend),
            (subjects) => subjects.length === 2,
          )
        ).sort(),
      ).toEqual(["Exports fail every night", "Invoices show the wrong VAT"]);
    } finally {
      await thread.stop();
      await stopProcess(tend);
    }
  }, 60_000);
});

import { createHash } from "node:crypto";
import { mkdtemp, readFile, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/db/database.js";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { retryDelayMs } from "../../src/jobs/job-runner.js";
import { startSmtpListener } from "../../src/modules/email/inbound-smtp-listener.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { newId } from "../../src/shared/ids.js";
import { rawSmtpDialogue, supportAddress, useEmailDesk } from "../email/email-desk.js";
import { type CapturedLogs, captureLogs } from "../support/captured-logs.js";
import { fileOf } from "../support/multipart-form.js";
import { mountSmallDisk, type SmallDisk, smallDiskUnavailable } from "../support/small-disk.js";
import { testDialect } from "../support/test-database.js";
import { countUploads, filesInStore, postUpload } from "../support/uploads.js";

/**
 * The attachment store on a real, small file system (a 1 MB tmpfs over the desk's store), filled as
 * another writer would fill it and freed as an operator would: Tend refuses with a clear, temporary
 * error, keeps nothing partial, and takes the same upload or mail once there is room again.
 */
const email = useEmailDesk();

/** A file's bytes, different each time so that no test finds another's file already stored. */
const fileBytes = (label: string) => Buffer.from(`${label} ${newId()}\n`.repeat(500));

const sha256Of = (content: Buffer) => createHash("sha256").update(content).digest("hex");

async function rawEmailsFrom(sender: string, db: Db = email.desk.database.db): Promise<number> {
  const row = await db
    .selectFrom("raw_emails")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("mail_from", "=", sender)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The message became a ticket whose description carries the log file whole. */
async function expectFiledWithItsLog(
  inbound: { status: string; ticketNumber: number | null },
  log: Buffer,
): Promise<void> {
  expect(inbound.status).toBe("processed");
  const [description] = await email.comments(inbound.ticketNumber as number);
  expect(description?.attachments).toEqual([
    expect.objectContaining({ filename: "export.log", size: log.length }),
  ]);
}

/** A customer's message with a log file attached, from an address no other test uses. */
function messageWithLog() {
  const sender = `pat-${email.desk.unique()}@customer.example`;
  const log = fileBytes("export failed at row");
  return {
    sender,
    log,
    message: {
      from: sender,
      to: supportAddress,
      subject: "The export fails, log attached",
      text: "Every export stops half-way; the log is attached.",
      messageId: `<export-${email.desk.unique()}@customer.example>`,
      attachments: [{ filename: "export.log", content: log, contentType: "text/plain" }],
    },
  };
}

describe.skipIf(smallDiskUnavailable)(
  `a full attachment store${smallDiskUnavailable ? ` (skipped: ${smallDiskUnavailable})` : ""}`,
  () => {
    let disk: SmallDisk;
    let app: TendApp;
    let logs: CapturedLogs;
    beforeAll(async () => {
      disk = await mountSmallDisk(email.desk.attachmentsDir, "1m");
      // The desk's own app logs nothing; this one, on the same database and store, tells what it logged.
      logs = captureLogs();
      app = await buildApp({
        database: email.desk.database,
        logger: logs.logger,
        clock: email.desk.clock,
        publicUrl: "http://localhost:8080",
        bodyLimitBytes: 64 * 1024,
        attachmentsDir: email.desk.attachmentsDir,
      });
    });
    afterAll(async () => {
      await app?.close();
      await disk?.unmount();
    });

    it("answers an upload 507, keeps nothing, and takes the same upload once space is freed", async () => {
      const customer = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
      const content = fileBytes("PNG");
      await disk.fill();
      const before = {
        files: await filesInStore(disk.dir),
        uploads: await countUploads(email.desk.database.db),
      };

      const refused = await postUpload(app, customer.auth, [fileOf(content)]);
      expect(refused.statusCode, refused.body).toBe(507);
      expect(refused.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(refused.json()).toMatchObject({
        type: "urn:tend:problem:insufficient-storage",
        title: "Insufficient storage",
        status: 507,
        detail: expect.stringContaining("storage is full; nothing was saved"),
      });
      // No partial file in the store's incoming folder, no upload row naming a file that is not there.
      expect({
        files: await filesInStore(disk.dir),
        uploads: await countUploads(email.desk.database.db),
      }).toEqual(before);
      expect(logs.lines).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: "request failed",
          err: expect.objectContaining({ code: "ENOSPC" }),
        }),
      );

      await disk.free();
      const retried = await postUpload(app, customer.auth, [fileOf(content)]);
      expect(retried.statusCode, retried.body).toBe(201);
      const sha256 = sha256Of(content);
      expect(await readFile(join(disk.dir, sha256.slice(0, 2), sha256))).toEqual(content);
      expect(await countUploads(email.desk.database.db)).toBe(before.uploads + 1);
    });

    it("defers mail with 452 while the store is full, stores nothing, and files the resent mail", async () => {
      const { sender, log, message } = messageWithLog();
      await disk.fill();
      const files = await filesInStore(disk.dir);

      await expect(email.send(message)).rejects.toMatchObject({
        responseCode: 452,
        response: expect.stringMatching(/^452 4\.3\.1 Insufficient system storage/),
      });
      expect(await rawEmailsFrom(sender)).toBe(0);
      expect(await filesInStore(disk.dir)).toEqual(files);

      // The sending server retries later, as a 4xx asks it to.
      await disk.free();
      const inbound = await email.deliver(message);
      await expectFiledWithItsLog(inbound, log);
    });

    it("keeps mail accepted before the disk filled as failed, leaves no partial file, and files it after", async () => {
      const { log, message } = messageWithLog();
      const { rawEmailId } = await email.send(message);
      if (!rawEmailId) throw new Error("the listener stored nothing");
      await disk.fill();
      const files = await filesInStore(disk.dir);

      await email.processInbound();
      expect(await email.inbound(rawEmailId)).toMatchObject({
        status: "failed",
        reason: expect.stringContaining("no space left on device"),
        ticketNumber: null,
      });
      expect(await filesInStore(disk.dir)).toEqual(files);

      // The job's next attempt, once space is freed (an admin may also process it again).
      await disk.free();
      email.desk.clock.advance(retryDelayMs(1));
      await email.processInbound();
      const inbound = await email.inbound(rawEmailId);
      await expectFiledWithItsLog(inbound, log);
      expect(await readFile(join(disk.dir, sha256Of(log).slice(0, 2), sha256Of(log)))).toEqual(log);
    });
  },
);

// PostgreSQL's disk is its server's, shared with every other database on it: not a test's to fill.
const sqliteDiskUnavailable =
  smallDiskUnavailable ??
  (testDialect === "sqlite" ? null : "a full PostgreSQL disk is not a test's to make");

describe.skipIf(sqliteDiskUnavailable)(
  `a full disk under SQLite${sqliteDiskUnavailable ? ` (skipped: ${sqliteDiskUnavailable})` : ""}`,
  () => {
    it("defers mail with 452 while the raw message cannot be committed, and stores it once space is freed", async () => {
      const folder = await mkdtemp(join(tmpdir(), "tend-full-sqlite-"));
      const disk = await mountSmallDisk(folder, "4m");
      const file = join(folder, "tend.sqlite");
      // A consistent copy of the desk's migrated database, on the small disk.
      await sql`VACUUM INTO ${file}`.execute(email.desk.database.db);
      const database = openDatabase({ kind: "sqlite", file });
      const listener = await startSmtpListener(
        { ...email.desk.as(systemActor("inbound email"), "email"), db: database.db },
        { host: "127.0.0.1", port: 0, supportAddresses: [supportAddress], maxMessageBytes: 256 * 1024 },
      );
      const sender = `kim-${email.desk.unique()}@customer.example`;
      const deliver = () =>
        rawSmtpDialogue(listener.port, [
          "HELO client.example\r\n",
          `MAIL FROM:<${sender}>\r\n`,
          `RCPT TO:<${supportAddress}>\r\n`,
          "DATA\r\n",
          `From: ${sender}\r\nSubject: Logs\r\n\r\n${fileBytes("log line").toString()}\r\n.\r\n`,
        ]);
      try {
        // The database is open, its WAL and shared-memory files made, before the disk fills: as a
        // running Tend's would be.
        await rawEmailsFrom(sender, database.db);
        await disk.fill();
        expect((await deliver()).at(-1)).toMatch(/^452 4\.3\.1 /);
        expect(await rawEmailsFrom(sender, database.db)).toBe(0);

        await disk.free();
        expect((await deliver()).at(-1)).toMatch(/^250 /);
        expect(await rawEmailsFrom(sender, database.db)).toBe(1);
      } finally {
        await listener.close();
        await database.destroy();
        await disk.unmount();
        await rmdir(folder);
      }
    });
  },
);

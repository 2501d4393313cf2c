import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import { claimImapPollLease } from "../../src/modules/email/imap-mailbox-repository.js";
import {
  type ImapMailboxSettings,
  pollImapMailbox,
  pollImapMailboxJob,
  storedKeyword,
} from "../../src/modules/email/poll-imap-mailbox.js";
import { storeInboundEmail } from "../../src/modules/email/store-inbound-email.js";
import { MINUTE } from "../../src/shared/clock.js";
import { type Dovecot, dovecotBinary, startDovecot } from "./dovecot.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

if (!dovecotBinary)
  console.warn("test/email/imap-poller.test.ts skipped: no dovecot binary (apt-get install dovecot-imapd)");

describe.skipIf(!dovecotBinary)("polling an IMAP mailbox (a real Dovecot)", () => {
  const email = useEmailDesk();
  let dovecot: Dovecot;
  let runner: JobRunner;
  let serial = 0;

  beforeAll(async () => {
    dovecot = await startDovecot(dovecotBinary as string);
    // The email settings a deployment derives from its environment: the processing job's too.
    runner = registerJobs(new JobRunner({ ...email.desk.system, logger: pino({ level: "silent" }) }), {
      email: loadConfig({ TEND_SUPPORT_ADDRESSES: supportAddress }).email,
    });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  const settingsFor = (mailbox: string, processedMailbox: string | null = null): ImapMailboxSettings => ({
    host: "127.0.0.1",
    port: dovecot.port,
    secure: false,
    user: dovecot.user,
    password: dovecot.password,
    mailbox,
    processedMailbox,
    maxMessageBytes: 256 * 1024,
  });

  /** A customer's message, as a mail client would store it; unique Message-ID and subject. */
  function customerMail(subject: string): string {
    serial += 1;
    return [
      `From: Customer ${serial} <customer${serial}@imap-customer.example>`,
      `To: ${supportAddress}`,
      `Subject: ${subject}`,
      `Message-ID: <imap-${serial}-${email.desk.unique()}@imap-customer.example>`,
      "Date: Mon, 23 Nov 2026 09:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `${subject}: the printer on floor ${serial} is jammed again.`,
      "",
    ].join("\r\n");
  }

  /** Delivers into the mailbox with a real IMAP client (APPEND), creating the mailbox if needed. */
  async function append(mailbox: string, ...messages: string[]): Promise<void> {
    const client = await dovecot.client();
    await client.mailboxCreate(mailbox);
    for (const message of messages) await client.append(mailbox, message);
    await client.logout();
  }

  async function mailboxState(mailbox: string) {
    const client = await dovecot.client();
    const lock = await client.getMailboxLock(mailbox);
    try {
      const messages = [];
      for await (const message of client.fetch(
        "1:*",
        { uid: true, flags: true, source: true },
        { uid: true },
      ))
        messages.push({
          uid: message.uid,
          flags: [...(message.flags ?? [])],
          source: message.source as Buffer,
        });
      return { uidValidity: client.mailbox ? client.mailbox.uidValidity : 0n, messages };
    } finally {
      lock.release();
      await client.logout();
    }
  }

  async function ticketSubjects(): Promise<string[]> {
    const rows = await email.desk.database.db.selectFrom("tickets").select("subject").execute();
    return rows.map((row) => row.subject);
  }

  it("stores new mail through the raw-first path, flags it only then, and the worker makes tickets", async () => {
    await append("Plain", customerMail("Jammed printer"), customerMail("Broken stapler"));
    const before = await email.ticketCount();
    const polled = await pollImapMailbox(email.desk.system, settingsFor("Plain"));
    expect(polled).toMatchObject({ polled: true, stored: 2, duplicates: 0 });
    await runner.runDueJobs();
    expect(await email.ticketCount()).toBe(before + 2);
    expect(await ticketSubjects()).toEqual(expect.arrayContaining(["Jammed printer", "Broken stapler"]));
    const stored = await email.desk.database.db
      .selectFrom("raw_emails")
      .select(["status", "mail_from"])
      .where("mail_from", "like", "%@imap-customer.example")
      .execute();
    expect(stored.map((row) => row.status)).toEqual(["processed", "processed"]);
    for (const message of (await mailboxState("Plain")).messages)
      expect(message.flags).toEqual(expect.arrayContaining(["\\Seen", storedKeyword]));
  });

  it("does nothing when nothing new arrived", async () => {
    const jobsBefore = await email.desk.database.db.selectFrom("jobs").select("id").execute();
    const polled = await pollImapMailbox(email.desk.system, settingsFor("Plain"));
    expect(polled).toEqual({ polled: true, stored: 0, duplicates: 0, tooLarge: 0 });
    await append("Empty");
    expect(await pollImapMailbox(email.desk.system, settingsFor("Empty"))).toEqual(polled);
    const jobsAfter = await email.desk.database.db.selectFrom("jobs").select("id").execute();
    expect(jobsAfter.length).toBe(jobsBefore.length);
  });

  it("neither loses nor doubles a message stored just before a crash, before it was flagged", async () => {
    await append("Crash", customerMail("Stored, then the poller died"));
    // The poller's store step alone: the message is committed, the flag never set, no UID recorded.
    const [unflagged] = (await mailboxState("Crash")).messages;
    if (!unflagged) throw new Error("the appended message is missing");
    expect(unflagged.flags).not.toContain(storedKeyword);
    await storeInboundEmail(email.desk.system, unflagged.source, {
      mailFrom: `customer${serial}@imap-customer.example`,
      rcptTo: [],
      remoteAddress: null,
    });
    const before = await email.ticketCount();
    const polled = await pollImapMailbox(email.desk.system, settingsFor("Crash"));
    expect(polled).toMatchObject({ stored: 0, duplicates: 1 });
    await runner.runDueJobs();
    expect(await email.ticketCount()).toBe(before + 1);
    expect(
      (await ticketSubjects()).filter((subject) => subject === "Stored, then the poller died"),
    ).toHaveLength(1);
    expect((await mailboxState("Crash")).messages[0]?.flags).toContain(storedKeyword);
  });

  it("rescans a mailbox whose UIDVALIDITY changed, storing only what is new", async () => {
    const first = customerMail("Before the mailbox was rebuilt");
    await append("Rebuilt", first, customerMail("Also before"));
    expect(await pollImapMailbox(email.desk.system, settingsFor("Rebuilt"))).toMatchObject({ stored: 2 });
    const { uidValidity } = await mailboxState("Rebuilt");
    // The server rebuilt the mailbox: new UIDVALIDITY, UIDs from 1 again, below the last UID seen.
    const client = await dovecot.client();
    await client.mailboxDelete("Rebuilt");
    await client.logout();
    await append("Rebuilt", first, customerMail("After the rebuild"));
    expect((await mailboxState("Rebuilt")).uidValidity).not.toBe(uidValidity);
    const polled = await pollImapMailbox(email.desk.system, settingsFor("Rebuilt"));
    expect(polled).toMatchObject({ stored: 1, duplicates: 1 });
    await runner.runDueJobs();
    expect(await ticketSubjects()).toContain("After the rebuild");
    expect(
      (await ticketSubjects()).filter((subject) => subject === "Before the mailbox was rebuilt"),
    ).toHaveLength(1);
  });

  it("moves stored mail to the processed mailbox when one is configured", async () => {
    await append("Moving", customerMail("Please move me"));
    const polled = await pollImapMailbox(email.desk.system, settingsFor("Moving", "Stored"));
    expect(polled).toMatchObject({ stored: 1 });
    expect((await mailboxState("Moving")).messages).toEqual([]);
    const [moved] = (await mailboxState("Stored")).messages;
    expect(moved?.source.toString()).toContain("Subject: Please move me");
  });

  it("leaves the mailbox alone while another process holds its poll lease", async () => {
    await append("Leased", customerMail("Wait for the lease"));
    const settings = settingsFor("Leased");
    const key = `${settings.user}@${settings.host}:${settings.port}/${settings.mailbox}`;
    const now = email.desk.clock.now();
    const other = await claimImapPollLease(
      email.desk.database.db,
      key,
      "another process",
      now.toISOString(),
      new Date(now.getTime() + 10 * MINUTE).toISOString(),
    );
    expect(other).not.toBeNull();
    expect(await pollImapMailbox(email.desk.system, settings)).toMatchObject({ polled: false, stored: 0 });
    // The other process died holding it: the lease runs out and polling resumes.
    email.desk.clock.advance(11 * MINUTE);
    expect(await pollImapMailbox(email.desk.system, settings)).toMatchObject({ polled: true, stored: 1 });
  });

  it("reports an unreachable server as the poll's error, without crashing, and polls again later", async () => {
    const settings = { ...settingsFor("Plain"), port: 1 };
    await expect(pollImapMailbox(email.desk.system, settings)).rejects.toThrow();
    // The failed poll released its lease: the next one is not locked out.
    expect(await pollImapMailbox(email.desk.system, settingsFor("Plain"))).toMatchObject({ polled: true });
  });

  it("is a recurring job that any number of schedulers enqueue once per interval", async () => {
    await append("Scheduled", customerMail("Picked up by the schedule"));
    const scheduled = registerJobs(
      new JobRunner({ ...email.desk.system, logger: pino({ level: "silent" }) }),
      {
        email: loadConfig({ TEND_SUPPORT_ADDRESSES: supportAddress }).email,
        imap: { ...settingsFor("Scheduled"), pollSeconds: 30 },
      },
    );
    const otherScheduler = registerJobs(
      new JobRunner({ ...email.desk.system, logger: pino({ level: "silent" }) }),
      {
        imap: { ...settingsFor("Scheduled"), pollSeconds: 30 },
      },
    );
    await scheduled.installSchedules();
    await otherScheduler.installSchedules();
    email.desk.clock.advance(MINUTE);
    await scheduled.enqueueDueSchedules();
    await otherScheduler.enqueueDueSchedules();
    const polls = await email.desk.database.db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", pollImapMailboxJob)
      .execute();
    expect(polls).toHaveLength(1);
    await scheduled.runDueJobs();
    await scheduled.runDueJobs();
    expect(await ticketSubjects()).toContain("Picked up by the schedule");
  });
});

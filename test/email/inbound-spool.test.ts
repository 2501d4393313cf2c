import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SmtpListener, startSmtpListener } from "../../src/modules/email/inbound-smtp-listener.js";
import { InboundSpool } from "../../src/modules/email/inbound-spool.js";
import { moveSpooledMail, SpooledMailMover } from "../../src/modules/email/spooled-mail-mover.js";
import { storeInboundEmail } from "../../src/modules/email/store-inbound-email.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { TendMetrics } from "../../src/modules/metrics/tend-metrics.js";
import { captureLogs } from "../support/captured-logs.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const supportAddress = "support@tend.test";
const senderLimit = 3;
let folder: string;
let spool: InboundSpool;
let listener: SmtpListener;

const inboundEmail = () => desk.as(systemActor("inbound email"), "email");
const settings = { supportAddresses: [supportAddress] };
const move = () => moveSpooledMail(inboundEmail(), spool, settings);

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), "tend-spool-"));
  spool = InboundSpool.besideDatabase(path.join(folder, "tend.sqlite"));
  listener = await startSmtpListener(inboundEmail(), {
    host: "127.0.0.1",
    port: 0,
    supportAddresses: [supportAddress],
    maxMessageBytes: 64 * 1024,
    senderLimit,
    spool,
  });
});

afterAll(async () => {
  await listener?.close();
  spool?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function send(from: string, subject: string, text = `About ${subject}.`): Promise<string> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
  try {
    const info = await transport.sendMail({ from, to: supportAddress, subject, text });
    return info.response;
  } finally {
    transport.close();
  }
}

async function rawEmail(id: string) {
  return desk.database.db.selectFrom("raw_emails").selectAll().where("id", "=", id).executeTakeFirst();
}

async function ticketsWithSubject(subject: string) {
  return desk.database.db.selectFrom("tickets").select("number").where("subject", "=", subject).execute();
}

async function jobsFor(id: string) {
  return desk.database.db
    .selectFrom("jobs")
    .select(["status"])
    .where("kind", "=", "email.process-inbound")
    .where("payload", "=", JSON.stringify({ rawEmailId: id }))
    .execute();
}

/** Resolves once the message is threaded, or after `patienceMs` (the assertion after it tells which). */
async function untilProcessed(id: string, patienceMs: number): Promise<void> {
  for (let waited = 0; (await rawEmail(id))?.status !== "processed" && waited < patienceMs; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Runs `work` with a mover of these intervals looping, stopped after. */
async function withMover(
  intervals: { intervalMs: number; idleIntervalMs: number },
  work: () => Promise<void>,
): Promise<void> {
  const mover = new SpooledMailMover(inboundEmail(), spool, settings, intervals);
  mover.start();
  try {
    await work();
  } finally {
    await mover.stop();
  }
}

const queuedId = (response: string) => /Queued as (\S+)/.exec(response)?.[1] ?? "";

describe("the inbound spool of the SMTP listener on SQLite", () => {
  it("answers 250 once the message is in the spool, and a worker's move stores and threads it, with no job", async () => {
    const subject = `Builds stuck in the queue ${desk.unique()}`;
    const response = await send(`pat-${desk.unique()}@customer.example`, subject);
    expect(response).toMatch(/^250 .*Queued as/);
    const id = queuedId(response);
    expect(await rawEmail(id)).toBeUndefined();
    expect(spool.oldest(100, 1 << 20).map((message) => message.id)).toContain(id);

    await move();

    const [ticket] = await ticketsWithSubject(subject);
    expect(ticket).toBeDefined();
    expect(await rawEmail(id)).toMatchObject({
      status: "processed",
      mail_from: expect.stringMatching(/^pat-/),
      ticket_id: expect.any(String),
    });
    expect(await jobsFor(id)).toEqual([]);
    expect(spool.oldest(100, 1 << 20)).toEqual([]);
  });

  it("answers the same bytes again as a duplicate, whether they wait in the spool or were moved", async () => {
    const raw = Buffer.from(
      `From: lee@customer.example\r\nTo: ${supportAddress}\r\nSubject: Twice\r\n` +
        `Message-ID: <twice-${desk.unique()}@customer.example>\r\n\r\nSent twice by a retrying relay.\r\n`,
    );
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
    const sendRaw = () =>
      transport.sendMail({ envelope: { from: "lee@customer.example", to: [supportAddress] }, raw });
    try {
      const first = await sendRaw();
      expect(first.response).toMatch(/Queued as/);
      expect((await sendRaw()).response).toMatch(/Already received/);
      await move();
      expect((await sendRaw()).response).toMatch(/Already received/);
      expect(spool.oldest(100, 1 << 20)).toEqual([]);
      expect(await rawEmail(queuedId(first.response))).toMatchObject({ status: "processed" });
      expect(await ticketsWithSubject("Twice")).toHaveLength(1);
    } finally {
      transport.close();
    }
  });

  it("moves and threads a message once when a worker stopped between the move's commit and the spool's delete", async () => {
    const subject = `Exports fail ${desk.unique()}`;
    const response = await send(`sam-${desk.unique()}@customer.example`, subject);
    const id = queuedId(response);
    const [spooled] = spool.oldest(100, 1 << 20);
    expect(spooled?.id).toBe(id);
    await move();
    // As if the spool's delete never ran: the message waits there again, already in the database.
    spool.append([spooled as NonNullable<typeof spooled>]);

    expect(await move()).toBe(1);

    expect(spool.oldest(100, 1 << 20)).toEqual([]);
    expect(await ticketsWithSubject(subject)).toHaveLength(1);
    expect(await jobsFor(id)).toEqual([]);
    const rows = await desk.database.db.selectFrom("raw_emails").select("id").where("id", "=", id).execute();
    expect(rows).toHaveLength(1);
  });

  it("counts a sender's spooled messages toward the per-sender limit", async () => {
    const flooder = `flood-${desk.unique()}@customer.example`;
    for (let n = 0; n < senderLimit; n += 1) expect(await send(flooder, `Flood ${n}`)).toMatch(/^250/);
    await expect(send(flooder, "One too many")).rejects.toThrow(/451.*Too many messages/);
    await move();
    // Moved into the database, they still count.
    await expect(send(flooder, "Still too many")).rejects.toThrow(/451.*Too many messages/);
  });

  it("reads at most the byte budget in one move, but always the oldest message", async () => {
    const ids = [];
    for (let n = 0; n < 3; n += 1)
      ids.push(
        queuedId(await send(`kim-${desk.unique()}@customer.example`, `Part ${n}`, "x".repeat(10_000))),
      );
    expect(spool.oldest(100, 1).map((message) => message.id)).toEqual(ids.slice(0, 1));
    expect(spool.oldest(100, 25_000).map((message) => message.id)).toEqual(ids.slice(0, 2));
    expect(spool.oldest(2, 1 << 20).map((message) => message.id)).toEqual(ids.slice(0, 2));
    await move();
  });

  it("queues a job for a moved message that cannot be threaded yet: a reply waiting for its unprocessed original", async () => {
    const originalId = `<original-${desk.unique()}@customer.example>`;
    // The original came in another way (stored with its job, which no worker has run yet).
    const original = await storeInboundEmail(
      inboundEmail(),
      Buffer.from(
        `From: uma@customer.example\r\nTo: ${supportAddress}\r\nSubject: Login loops\r\n` +
          `Message-ID: ${originalId}\r\n\r\nThe login page sends me back to itself.\r\n`,
      ),
      { mailFrom: "uma@customer.example", rcptTo: [supportAddress], remoteAddress: "127.0.0.1" },
    );
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, ignoreTLS: true });
    let replyId: string;
    try {
      const info = await transport.sendMail({
        from: "vic@customer.example",
        to: supportAddress,
        cc: "uma@customer.example",
        subject: "Re: Login loops",
        inReplyTo: originalId,
        references: [originalId],
        text: "Same here since this morning.",
      });
      replyId = queuedId(info.response);
    } finally {
      transport.close();
    }

    expect(await move()).toBe(1);

    expect(spool.oldest(100, 1 << 20)).toEqual([]);
    // In the database, not threaded: its job threads it once the original is.
    expect(await rawEmail(replyId)).toMatchObject({ status: "received" });
    expect(await jobsFor(replyId)).toEqual([{ status: "queued" }]);
    expect(await jobsFor(original.rawEmailId ?? "")).toEqual([{ status: "queued" }]);
  }, 15_000);

  it("reports how much mail waits in the spool, and for how long, on /metrics", async () => {
    await move();
    const metrics = new TendMetrics(desk.database.db, { inboundSpool: spool, clock: desk.clock });
    const gauges = async () => {
      const text = await metrics.render();
      return {
        messages: Number(/^tend_inbound_mail_spooled (\S+)$/m.exec(text)?.[1]),
        oldestSeconds: Number(/^tend_inbound_mail_spooled_oldest_seconds (\S+)$/m.exec(text)?.[1]),
      };
    };
    expect(await gauges()).toEqual({ messages: 0, oldestSeconds: 0 });
    await send(`ivy-${desk.unique()}@customer.example`, "Waiting for a worker");
    await send(`ivy-${desk.unique()}@customer.example`, "Also waiting");
    desk.clock.advance(90_000);
    expect(await gauges()).toEqual({ messages: 2, oldestSeconds: 90 });
    await move();
    expect(await gauges()).toEqual({ messages: 0, oldestSeconds: 0 });
  });

  it("keeps spooled mail when the database refuses the move, says so once, and waits a second before trying again", async () => {
    const id = queuedId(await send(`max-${desk.unique()}@customer.example`, "Moved after a refusal"));
    const logs = captureLogs();
    let attempts = 0;
    const refusing = new Proxy(desk.database.db, {
      get(target, property, receiver) {
        if (property === "transaction") {
          attempts += 1;
          throw new Error("disk I/O error");
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const mover = new SpooledMailMover(
      { ...inboundEmail(), db: refusing, logger: logs.logger },
      spool,
      settings,
      { intervalMs: 10, idleIntervalMs: 10 },
    );
    mover.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mover.stop();
    // Once at start, then not again within the second: no warning every interval.
    expect(attempts).toBe(1);
    expect(logs.lines).toEqual([
      expect.objectContaining({ level: 40, msg: "could not move spooled inbound mail into the database" }),
    ]);
    expect(spool.oldest(100, 1 << 20).map((message) => message.id)).toEqual([id]);
    await move();
    expect(await rawEmail(id)).toMatchObject({ status: "processed" });
  });

  it("is emptied by a worker's mover as mail arrives", async () => {
    await withMover({ intervalMs: 10, idleIntervalMs: 10 }, async () => {
      const id = queuedId(await send(`ana-${desk.unique()}@customer.example`, "Moved by the loop"));
      await untilProcessed(id, 5000);
      expect(await rawEmail(id)).toMatchObject({ status: "processed" });
      expect(spool.oldest(100, 1 << 20)).toEqual([]);
    });
  });

  it("looks again within its interval when the listener in its own process spools, however far it has backed off", async () => {
    await withMover({ intervalMs: 20, idleIntervalMs: 60_000 }, async () => {
      // Finding nothing, it has looked after 20, 40 … 1280 ms; its next look is 2.56 s away.
      await new Promise((resolve) => setTimeout(resolve, 2600));
      const id = queuedId(await send(`eli-${desk.unique()}@customer.example`, "Moved on arrival"));
      await untilProcessed(id, 1000);
      expect(await rawEmail(id)).toMatchObject({ status: "processed" });
    });
  });
});

import { simpleParser } from "mailparser";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import type { TicketEmailView } from "../../src/modules/email/email-presenter.js";
import { sendOutboundEmailJob } from "../../src/modules/email/queue-reply-email.js";
import {
  mailFrom,
  publicUrl,
  type SmtpSink,
  startSmtpSink,
  supportAddress,
  useEmailDesk,
} from "./email-desk.js";

// The desk's own worker has no relay, as a first install before TEND_SMTP_RELAY_URL is set.
const email = useEmailDesk();
const silent = pino({ level: "silent" });
let sink: SmtpSink | undefined;

afterAll(async () => {
  await sink?.close();
});

async function outboundMail(ticketNumber: number): Promise<TicketEmailView[]> {
  return (await email.emails(ticketNumber)).filter((mail) => mail.direction === "outbound");
}

async function sendJobs() {
  return email.desk.database.db
    .selectFrom("jobs")
    .select(["status", "attempts"])
    .where("kind", "=", sendOutboundEmailJob)
    .execute();
}

describe("ticket mail queued before a relay is configured", () => {
  it("waits, spending no attempt, and goes out once a worker starts with a relay", async () => {
    const thread = await email.customerWritesIn("VPN drops every hour");
    const agent = await email.desk.makeAgent();
    const reply = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${thread.ticketNumber}/comments`,
      headers: agent.auth,
      payload: { body: "Please update the VPN client to 5.2." },
    });
    expect(reply.statusCode).toBe(201);

    // Days of the relay-less worker polling leave the mail queued and its job untouched.
    for (let day = 0; day < 3; day += 1) {
      await email.processInbound();
      email.desk.clock.advance(24 * 60 * 60_000);
    }
    const waiting = await outboundMail(thread.ticketNumber);
    expect(waiting.map((mail) => mail.delivery?.state)).toEqual(waiting.map(() => "queued"));
    expect(waiting.length).toBeGreaterThan(0);
    expect(await sendJobs()).toEqual(waiting.map(() => ({ status: "queued", attempts: 0 })));

    // The operator sets TEND_SMTP_RELAY_URL and restarts: a new worker over the same database.
    sink = await startSmtpSink();
    const worker = registerJobs(new JobRunner({ ...email.desk.system, logger: silent }, { pollMs: 20 }), {
      email: {
        supportAddresses: [supportAddress],
        relayUrl: `smtp://127.0.0.1:${sink.port}`,
        mailFrom,
        publicUrl,
      },
    });
    await worker.start({ schedule: false, work: true });
    try {
      for (let waited = 0; sink.received.length < waiting.length && waited < 5000; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await worker.stop();
    }

    const relayed = await Promise.all(sink.received.map((mail) => simpleParser(mail.raw)));
    const answer = relayed.find((mail) => mail.text?.includes("Please update the VPN client to 5.2."));
    expect(answer?.subject).toBe(`Re: VPN drops every hour [#${thread.ticketNumber}]`);
    expect(sink.received.every((mail) => mail.rcptTo.join() === thread.requester)).toBe(true);
    const sent = await outboundMail(thread.ticketNumber);
    expect(sent.map((mail) => mail.delivery?.state)).toEqual(waiting.map(() => "sent"));
    expect(sent.map((mail) => mail.delivery?.answer)).toEqual(
      waiting.map(() => expect.stringMatching(/^250 /)),
    );
    expect(await sendJobs()).toEqual(waiting.map(() => ({ status: "succeeded", attempts: 1 })));
  });
});

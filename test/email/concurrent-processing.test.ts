import { describe, expect, it } from "vitest";
import { verifyAuditTrail } from "../../src/modules/audit/read-audit.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

// The worker processes inbound mail four at a time (TEND_WORKER_CONCURRENCY's default): what
// arrives together must still thread, number and audit as if it had been processed in order.
const email = useEmailDesk({ workerConcurrency: 4 });

describe("inbound mail processed concurrently", () => {
  it("threads a reply-all that arrives with the message it answers onto the same ticket", async () => {
    const organization = await email.desk.makeOrganization();
    const original = `<original-${email.desk.unique()}@${organization.domain}>`;
    await email.send({
      from: `Pat Customer <pat-${email.desk.unique()}@${organization.domain}>`,
      to: supportAddress,
      cc: `lee-${email.desk.unique()}@${organization.domain}`,
      subject: "Builds stuck in the queue",
      text: "Every build since 09:00 waits in the queue.",
      messageId: original,
    });
    const reply = await email.send({
      from: `Lee Colleague <lee-${email.desk.unique()}@${organization.domain}>`,
      to: supportAddress,
      subject: "Re: Builds stuck in the queue",
      text: "Same here, and the deploy pipeline too.",
      inReplyTo: original,
      references: [original],
    });
    await email.processInbound();

    const answer = await email.inbound(reply.rawEmailId as string);
    expect(answer.status).toBe("processed");
    const comments = await email.comments(answer.ticketNumber as number);
    expect(comments.map((comment) => comment.bodyText)).toEqual([
      expect.stringContaining("Every build since 09:00"),
      expect.stringContaining("Same here"),
    ]);
  });

  it("gives a burst of new customers one ticket each, numbered without gaps, on an intact audit chain", async () => {
    const before = await email.ticketCount();
    const organization = await email.desk.makeOrganization();
    const deliveries = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        email.send({
          from: `customer-${n}-${email.desk.unique()}@${organization.domain}`,
          to: supportAddress,
          subject: `Invoice ${n} shows the wrong VAT rate`,
          text: "Our invoice applies 19% VAT instead of 7%.",
        }),
      ),
    );
    await email.processInbound();

    const outcomes = await Promise.all(
      deliveries.map((delivery) => email.inbound(delivery.rawEmailId as string)),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(12).fill("processed"));
    const numbers = outcomes.map((outcome) => outcome.ticketNumber as number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(12);
    expect(numbers.at(-1)! - numbers[0]!).toBe(11);
    expect(await email.ticketCount()).toBe(before + 12);
    expect(await verifyAuditTrail(email.desk.system)).toMatchObject({ intact: true });
  });

  it("makes one customer of a new sender whose messages arrive together", async () => {
    const organization = await email.desk.makeOrganization();
    const sender = `sam-${email.desk.unique()}@${organization.domain}`;
    const deliveries = [];
    for (let n = 0; n < 3; n += 1) {
      deliveries.push(
        await email.send({
          from: sender,
          to: supportAddress,
          subject: `Question ${n}`,
          text: `Question ${n}.`,
        }),
      );
    }
    await email.processInbound();
    // A message that lost the race to create the sender is retried, as a worker would a second later.
    email.desk.clock.advance(5_000);
    await email.processInbound();

    const outcomes = await Promise.all(
      deliveries.map((delivery) => email.inbound(delivery.rawEmailId as string)),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["processed", "processed", "processed"]);
    const requesters = await Promise.all(
      outcomes.map(async (outcome) => (await email.ticket(outcome.ticketNumber as number)).requester.id),
    );
    expect(new Set(requesters).size).toBe(1);
  });
});

import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { verifyAuditTrail } from "../../src/modules/audit/read-audit.js";
import { processInboundEmails } from "../../src/modules/email/process-inbound-email.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { findPersonByEmail } from "../../src/modules/identity/person-repository.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

const email = useEmailDesk();
const settings = { supportAddresses: [supportAddress] };

/**
 * A database failure in the middle of one message's ticket, as a constraint or a full disk raises
 * it: a trigger refusing any ticket whose subject names the poison.
 */
async function refuseTicketsNamed(poison: string): Promise<() => Promise<void>> {
  const { db, dialect } = email.desk.database;
  if (dialect === "sqlite") {
    await sql
      .raw(`create trigger refuse_poison before insert on tickets when new.subject like '%${poison}%'
        begin select raise(abort, 'refused by the test'); end`)
      .execute(db);
    return async () => void (await sql`drop trigger refuse_poison`.execute(db));
  }
  await sql
    .raw(`create function refuse_poison() returns trigger language plpgsql as $$
      begin if new.subject like '%${poison}%' then raise exception 'refused by the test'; end if; return new; end $$;
      create trigger refuse_poison before insert on tickets for each row execute function refuse_poison()`)
    .execute(db);
  return async () => void (await sql`drop function refuse_poison() cascade`.execute(db));
}

/** How many audit records of each action there are past `afterSeq`, and the chain's last record. */
async function auditedActions(afterSeq = 0): Promise<{ counts: Record<string, number>; seq: number }> {
  const rows = await email.desk.database.db
    .selectFrom("audit_log")
    .select(["seq", "action"])
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .execute();
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.action] = (counts[row.action] ?? 0) + 1;
  return { counts, seq: rows.at(-1)?.seq ?? afterSeq };
}

describe("inbound mail processed in a batch", () => {
  it("keeps the others' tickets, and nothing of the message that failed, which is retried", async () => {
    const organization = await email.desk.makeOrganization();
    const poison = `poison-${email.desk.unique()}`;
    const original = `<original-${email.desk.unique()}@${organization.domain}>`;
    const poisonSender = `sam-${email.desk.unique()}@${organization.domain}`;
    const first = await email.send({
      from: `pat-${email.desk.unique()}@${organization.domain}`,
      to: supportAddress,
      subject: "Builds stuck in the queue",
      text: "Every build since 09:00 waits in the queue.",
      messageId: original,
    });
    const poisoned = await email.send({
      from: poisonSender,
      to: supportAddress,
      subject: `Exports fail ${poison}`,
      text: "The nightly export fails.",
    });
    // Answers the first message of its own batch: threaded after it, in the same transaction.
    const reply = await email.send({
      from: `lee-${email.desk.unique()}@${organization.domain}`,
      to: supportAddress,
      subject: "Re: Builds stuck in the queue",
      text: "Same here, and the deploy pipeline too.",
      inReplyTo: original,
      references: [original],
    });
    const ticketsBefore = await email.ticketCount();
    const auditedBefore = await auditedActions();
    const allowPoison = await refuseTicketsNamed(poison);
    const ctx = email.desk.as(systemActor("inbound email"), "email");
    const ids = [first, poisoned, reply].map((delivery) => delivery.rawEmailId as string);
    // Handed over out of order: the batch takes them in the order they were received.
    const results = await processInboundEmails(
      ctx,
      [ids[2], ids[1], ids[0]].map((rawEmailId) => ({ rawEmailId: rawEmailId as string })),
      settings,
    );
    await allowPoison();

    const [replyResult, poisonResult, firstResult] = results;
    expect(poisonResult).toMatchObject({ retry: expect.any(Error) });
    expect(firstResult).toMatchObject({ outcome: { status: "processed" } });
    expect(replyResult).toMatchObject({ outcome: { status: "processed", reason: "threaded by headers" } });
    const ticketNumber = (firstResult as { outcome: { ticketNumber: number } }).outcome.ticketNumber;
    expect((replyResult as { outcome: { ticketNumber: number } }).outcome.ticketNumber).toBe(ticketNumber);
    expect((await email.comments(ticketNumber)).map((comment) => comment.bodyText)).toEqual([
      expect.stringContaining("Every build since 09:00"),
      expect.stringContaining("Same here"),
    ]);
    // The failed message's customer and ticket were rolled back with it; its raw row says why.
    expect(await email.ticketCount()).toBe(ticketsBefore + 1);
    expect(await findPersonByEmail(email.desk.database.db, poisonSender)).toBeUndefined();
    expect(await email.inbound(ids[1] as string)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("refused by the test"),
    });
    expect(await verifyAuditTrail(email.desk.system)).toMatchObject({ intact: true });
    // The batch's audit records, chained together at its commit, are only the other two messages':
    // two new customers and one ticket (the reply is a comment on it).
    expect((await auditedActions(auditedBefore.seq)).counts).toEqual({
      "comment.added": 1,
      "person.created": 2,
      "ticket.created": 1,
    });

    // Its job's retry, once the cause is gone, makes its ticket; the others are not processed twice.
    const retried = await processInboundEmails(
      ctx,
      ids.map((rawEmailId) => ({ rawEmailId })),
      settings,
    );
    expect(retried.map((result) => ("outcome" in result ? result.outcome.status : "retry"))).toEqual([
      "processed",
      "processed",
      "processed",
    ]);
    expect(await email.ticketCount()).toBe(ticketsBefore + 2);
    expect(await findPersonByEmail(email.desk.database.db, poisonSender)).toBeDefined();
    expect(await verifyAuditTrail(email.desk.system)).toMatchObject({ intact: true });
  });
});

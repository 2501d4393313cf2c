import { describe, expect, it } from "vitest";
import { enqueueJob } from "../../src/jobs/job-runner.js";
import { DAY } from "../../src/shared/clock.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

const email = useEmailDesk();

function putDeskPolicy(payload: Record<string, unknown>) {
  return email.desk.app.inject({
    method: "PUT",
    url: "/api/v1/retention-policies/desk",
    headers: email.admin.auth,
    payload,
  });
}

async function rawEmailIds(): Promise<string[]> {
  const rows = await email.desk.database.db.selectFrom("raw_emails").select("id").execute();
  return rows.map((row) => row.id);
}

/** The daily retention job, run by the desk's worker as the scheduler would enqueue it. */
async function dailyRetention() {
  await enqueueJob(email.desk.system, "privacy.retention", { schedule: "privacy.retention" });
  await email.processInbound();
}

describe("raw mail retention", () => {
  it("is the desk's setting: 90 days to start with, checked, and not an organization's", async () => {
    const policies = await email.desk.app.inject({
      url: "/api/v1/retention-policies",
      headers: email.admin.auth,
    });
    expect(policies.json().desk).toEqual({ closedTicketMonths: null, action: "anonymize", rawEmailDays: 90 });

    const zero = await putDeskPolicy({ closedTicketMonths: null, action: "anonymize", rawEmailDays: 0 });
    expect(zero.statusCode).toBe(400);
    // Zero is no "for ever" for the ticket policy either.
    expect((await putDeskPolicy({ closedTicketMonths: 0, action: "anonymize" })).statusCode).toBe(400);
    const organization = await email.desk.makeOrganization();
    const perOrganization = await email.desk.app.inject({
      method: "PUT",
      url: `/api/v1/organizations/${organization.id}/retention-policy`,
      headers: email.admin.auth,
      payload: { closedTicketMonths: 12, action: "delete", rawEmailDays: 30 },
    });
    expect(perOrganization.statusCode).toBe(400);

    // Leaving the days out of a change to the ticket policy keeps them.
    const ticketsOnly = await putDeskPolicy({ closedTicketMonths: null, action: "delete" });
    expect(ticketsOnly.statusCode).toBe(200);
    expect(ticketsOnly.json().desk).toEqual({ closedTicketMonths: null, action: "delete", rawEmailDays: 90 });
    const forEver = await putDeskPolicy({
      closedTicketMonths: null,
      action: "anonymize",
      rawEmailDays: null,
    });
    expect(forEver.json().desk.rawEmailDays).toBeNull();
    expect(
      (await putDeskPolicy({ closedTicketMonths: null, action: "anonymize", rawEmailDays: 90 })).statusCode,
    ).toBe(200);
  });

  it("deletes the raw bytes of mail handled past the days, keeps the ticket's copy, failed and recent mail", async () => {
    const thread = await email.customerWritesIn("Scanner jams on duplex");
    const [processed] = (await email.emails(thread.ticketNumber)).filter(
      (mail) => mail.direction === "inbound",
    );
    const processedRaw = await email.desk.database.db
      .selectFrom("raw_emails")
      .select("id")
      .where("message_id", "=", thread.messageId)
      .executeTakeFirstOrThrow();
    const autoReply = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Out of office",
      text: "Back on Monday.",
      headers: { "Auto-Submitted": "auto-replied" },
    });
    expect(autoReply.status).toBe("ignored");
    // No From: Tend cannot tell who wrote it, so the raw bytes are all there is.
    const unreadable = await email.send({
      envelope: { from: "scanner@printers.example", to: [supportAddress] },
      raw: `To: ${supportAddress}\r\nSubject: scan to mail\r\n\r\nscan attached\r\n`,
    });
    await email.processInbound();
    const failed = await email.inbound(unreadable.rawEmailId as string);
    expect(failed.status).toBe("failed");

    email.desk.clock.advance(60 * DAY);
    const recent = await email.deliver({
      from: thread.requester,
      to: supportAddress,
      subject: "Re: Scanner jams on duplex",
      text: "It jammed again this morning.",
      inReplyTo: thread.messageId,
    });
    expect(recent.status).toBe("processed");

    email.desk.clock.advance(31 * DAY);
    const before = await rawEmailIds();
    await dailyRetention();
    const after = await rawEmailIds();

    expect(before.filter((id) => !after.includes(id)).sort()).toEqual([processedRaw.id, autoReply.id].sort());
    expect(after).toEqual(expect.arrayContaining([failed.id, recent.id]));
    const gone = await email.desk.app.inject({
      url: `/api/v1/email/inbound/${processedRaw.id}`,
      headers: email.admin.auth,
    });
    expect(gone.statusCode).toBe(404);
    // The ticket keeps the parsed mail and its comment.
    expect((await email.emails(thread.ticketNumber)).map((mail) => mail.id)).toContain(processed?.id);
    const kept = await email.desk.database.db
      .selectFrom("email_messages")
      .select(["body_text", "raw_email_id"])
      .where("message_id", "=", thread.messageId)
      .executeTakeFirstOrThrow();
    expect(kept).toEqual({
      body_text: expect.stringContaining("The printer on floor 3 is offline."),
      raw_email_id: null,
    });
    const [description] = await email.comments(thread.ticketNumber);
    expect(description?.bodyText).toContain("The printer on floor 3 is offline.");
    const audit = await email.desk.database.db
      .selectFrom("audit_log")
      .select("after")
      .where("action", "=", "retention.applied")
      .execute();
    expect(audit.map((row) => JSON.parse(row.after ?? "null")?.rawEmails)).toContain(2);
  });
});

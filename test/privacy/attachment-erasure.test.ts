import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { describe, expect, it } from "vitest";
import { processInboundEmail } from "../../src/modules/email/process-inbound-email.js";
import { storeInboundEmail } from "../../src/modules/email/store-inbound-email.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { applyRetentionPolicies } from "../../src/modules/privacy/retention.js";
import { autoCloseSolvedTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import { DAY } from "../../src/shared/clock.js";
import { newId } from "../../src/shared/ids.js";
import { type Person, useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();
const supportAddress = "support@tend.test";

const marker = (label: string) => `attachment-marker-${label}-${newId()}`;

/** A customer's mail with files, through the same store-then-process path the SMTP listener takes. */
async function mailWithFiles(from: Person, files: { filename: string; content: string }[]): Promise<number> {
  const raw = await new MailComposer({
    from: from.email,
    to: supportAddress,
    subject: "Files for the support team",
    text: "Attached.",
    attachments: files.map((file) => ({ ...file, contentType: "application/octet-stream" })),
  })
    .compile()
    .build();
  const { rawEmailId } = await storeInboundEmail(desk.system, raw, {
    mailFrom: from.email,
    rcptTo: [supportAddress],
    remoteAddress: "192.0.2.7",
  });
  if (!rawEmailId) throw new Error("not stored");
  const outcome = await processInboundEmail(desk.as(systemActor("inbound email"), "email"), rawEmailId, {
    supportAddresses: [supportAddress],
  });
  expect(outcome.status).toBe("processed");
  return outcome.ticketNumber as number;
}

/** Every byte in the attachment store, to search for markers. */
async function storeContents(): Promise<string> {
  const folder = desk.attachmentsDir;
  const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) =>
    entry.isFile(),
  );
  const contents = await Promise.all(files.map((entry) => readFile(join(entry.parentPath, entry.name))));
  return Buffer.concat(contents).toString("latin1");
}

async function customer(): Promise<Person> {
  return desk.makeCustomer((await desk.makeOrganization()).id);
}

describe("attachments and the right to erasure", () => {
  it("erasing a person deletes their attachment rows and files, except a file someone else also sent", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const erased = await customer();
    const other = await customer();
    const own = marker("own");
    const shared = marker("shared");
    const kept = marker("kept");
    await mailWithFiles(erased, [
      { filename: "own.bin", content: own },
      { filename: "shared.bin", content: shared },
    ]);
    await mailWithFiles(other, [
      { filename: "shared-copy.bin", content: shared },
      { filename: "kept.bin", content: kept },
    ]);
    expect(await storeContents()).toContain(own);

    const dryRun = await desk.app.inject({
      method: "POST",
      url: `/api/v1/people/${erased.id}/erasure`,
      headers: admin.auth,
      payload: { dryRun: true },
    });
    expect(dryRun.json().items).toContainEqual({ kind: "attachments", count: 2 });
    expect(await storeContents()).toContain(own);

    const erasure = await desk.app.inject({
      method: "POST",
      url: `/api/v1/people/${erased.id}/erasure`,
      headers: admin.auth,
      payload: { dryRun: false },
    });
    expect(erasure.statusCode).toBe(200);
    const store = await storeContents();
    expect(store).not.toContain(own);
    expect(store).toContain(shared);
    expect(store).toContain(kept);
    const rows = await desk.database.db.selectFrom("attachments").select("filename").execute();
    expect(rows.map((row) => row.filename)).not.toContain("own.bin");
    expect(rows.map((row) => row.filename)).toContain("shared-copy.bin");
  });

  it("retention deleting a closed ticket removes its attachments from the store", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const requester = await customer();
    const old = marker("retention");
    const number = await mailWithFiles(requester, [{ filename: "old.bin", content: old }]);
    const ticket = (
      await desk.app.inject({ url: `/api/v1/tickets/${number}`, headers: agent.auth })
    ).json() as { version: number };
    const solved = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${number}`,
      headers: agent.auth,
      payload: { version: ticket.version, status: "solved" },
    });
    expect(solved.statusCode).toBe(200);
    desk.clock.advance(5 * DAY);
    await autoCloseSolvedTickets(desk.system);
    const policy = await desk.app.inject({
      method: "PUT",
      url: "/api/v1/retention-policies/desk",
      headers: admin.auth,
      payload: { closedTicketMonths: 1, action: "delete" },
    });
    expect(policy.statusCode).toBe(200);
    expect(await storeContents()).toContain(old);

    desk.clock.advance(40 * DAY);
    const run = await applyRetentionPolicies(desk.system);
    expect(run.deleted).toBeGreaterThan(0);
    expect(await storeContents()).not.toContain(old);
    const rows = await desk.database.db.selectFrom("attachments").select("filename").execute();
    expect(rows.map((row) => row.filename)).not.toContain("old.bin");
  });
});

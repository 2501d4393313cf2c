import { access, mkdir, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { newId } from "../../shared/ids.js";
import { insertAttachments } from "./attachment-repository.js";
import { writeAttachmentFile } from "./attachment-store.js";
import { orphanGraceMs, sweepOrphanAttachmentFiles } from "./sweep-orphan-files.js";

const desk = useTestDesk();

const pathOf = (sha256: string) => join(desk.attachmentsDir, sha256.slice(0, 2), sha256);
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** Stores the bytes and dates the file as last written `ageMs` before the desk's now. */
async function storedFile(label: string, ageMs: number): Promise<string> {
  const sha256 = await writeAttachmentFile(desk.attachmentsDir, Buffer.from(`${label} ${newId()}`));
  await age(pathOf(sha256), ageMs);
  return sha256;
}

async function age(path: string, ageMs: number) {
  const at = new Date(desk.clock.now().getTime() - ageMs);
  await utimes(path, at, at);
}

async function commentOnNewTicket() {
  const organization = await desk.makeOrganization();
  const customer = await desk.makeCustomer(organization.id);
  const created = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: customer.auth,
    payload: { subject: "Invoice attached", body: "See the PDF." },
  });
  expect(created.statusCode).toBe(201);
  const ticket = created.json() as { id: string; number: number };
  const comments = await desk.app.inject({
    method: "GET",
    url: `/api/v1/tickets/${ticket.number}/comments`,
    headers: customer.auth,
  });
  const [description] = comments.json() as { id: string }[];
  if (!description) throw new Error("the ticket has no description");
  return { ticketId: ticket.id, commentId: description.id };
}

describe("the attachment store's orphan sweep", () => {
  it("removes idle files no row names, keeps named, young and reused ones, and clears crashed writes", async () => {
    const twoDays = 2 * orphanGraceMs;
    const named = await storedFile("invoice.pdf, named by a row", twoDays);
    const { ticketId, commentId } = await commentOnNewTicket();
    await insertAttachments(desk.database.db, [
      {
        id: newId(),
        ticket_id: ticketId,
        comment_id: commentId,
        filename: "invoice.pdf",
        content_type: "application/pdf",
        size_bytes: 1,
        sha256: named,
        inline: 0,
        content_id: null,
        created_at: desk.clock.now().toISOString(),
      },
    ]);
    // Written, then the transaction that would have named it rolled back.
    const orphan = await storedFile("screenshot.png of a rolled-back mail", twoDays);
    // Written an hour ago: its transaction may still be about to commit.
    const young = await storedFile("report.csv still in flight", 60 * 60_000);
    // An old orphan that a new mail with the same bytes just reused: its row is about to commit.
    const reusedBytes = Buffer.from(`logo.gif sent again ${newId()}`);
    const reused = await writeAttachmentFile(desk.attachmentsDir, reusedBytes);
    await age(pathOf(reused), twoDays);
    expect(await writeAttachmentFile(desk.attachmentsDir, reusedBytes)).toBe(reused);
    // What a write killed before its rename leaves.
    const crashed = join(desk.attachmentsDir, "ab", `.${"ab".padEnd(64, "0")}.crashed.tmp`);
    await mkdir(join(desk.attachmentsDir, "ab"), { recursive: true });
    await writeFile(crashed, "half a file");
    await age(crashed, twoDays);

    const sweep = await sweepOrphanAttachmentFiles(desk.system);

    expect(sweep).toEqual({ expiredUploads: 0, removed: 1, leftovers: 1, referenced: 1 });
    expect(await exists(pathOf(orphan))).toBe(false);
    expect(await exists(crashed)).toBe(false);
    for (const kept of [named, young, reused]) expect(await exists(pathOf(kept))).toBe(true);
    expect(await sweepOrphanAttachmentFiles(desk.system)).toEqual({
      expiredUploads: 0,
      removed: 0,
      leftovers: 0,
      referenced: 1,
    });
  });
});

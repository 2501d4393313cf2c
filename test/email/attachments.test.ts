import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { insertAttachments } from "../../src/modules/attachments/attachment-repository.js";
import { writeAttachmentFile } from "../../src/modules/attachments/attachment-store.js";
import { newId } from "../../src/shared/ids.js";
import { supportAddress, useEmailDesk } from "./email-desk.js";

const maxAttachmentBytes = 4096;
const email = useEmailDesk({ maxAttachmentBytes });

const marker = (label: string) => Buffer.from(`%PDF-1.4 attachment marker ${label} ${newId()}`);
const storedPath = (sha256: string) => join(email.desk.attachmentsDir, sha256.slice(0, 2), sha256);

async function customerTicketWith(
  attachments: NonNullable<Parameters<typeof email.deliver>[0]["attachments"]>,
  html?: string,
) {
  const organization = await email.desk.makeOrganization();
  const customer = await email.desk.makeCustomer(organization.id);
  const result = await email.deliver({
    from: customer.email,
    to: supportAddress,
    subject: "Screenshots of the failing export",
    text: "See the attached files.",
    ...(html ? { html } : {}),
    attachments,
  });
  expect(result.status).toBe("processed");
  const number = result.ticketNumber as number;
  const [description] = await email.comments(number);
  if (!description) throw new Error("no description");
  return { customer, organization, number, description };
}

function download(number: number, attachmentId: string, auth: { authorization: string }) {
  return email.desk.app.inject({
    method: "GET",
    url: `/api/v1/tickets/${number}/attachments/${attachmentId}`,
    headers: auth,
  });
}

describe("inbound attachments", () => {
  it("stores attachments and inline images content-addressed and lists them on the comment", async () => {
    const report = marker("report");
    const logo = Buffer.from("GIF89a inline logo bytes");
    const { number, description } = await customerTicketWith(
      [
        { filename: "report.pdf", content: report, contentType: "application/pdf" },
        { filename: "logo.gif", content: logo, contentType: "image/gif", cid: "logo@mail.example" },
      ],
      '<p>See the attached files.</p><img src="cid:logo@mail.example">',
    );
    // In MIME order: the inline image sits with the HTML body, before the attached files.
    expect(description.attachments).toEqual([
      expect.objectContaining({
        filename: "logo.gif",
        size: logo.length,
        inline: true,
        contentId: "logo@mail.example",
      }),
      expect.objectContaining({
        filename: "report.pdf",
        contentType: "application/pdf",
        size: report.length,
        inline: false,
      }),
    ]);
    const rows = await email.desk.database.db
      .selectFrom("attachments")
      .selectAll()
      .where(
        "ticket_id",
        "in",
        email.desk.database.db.selectFrom("tickets").select("id").where("number", "=", number),
      )
      .execute();
    const reportRow = rows.find((row) => row.filename === "report.pdf");
    expect(await readFile(storedPath(reportRow?.sha256 ?? ""))).toEqual(report);
  });

  it("lets the requester download with a download-only disposition, and serves active types as octet-stream", async () => {
    const page = Buffer.from("<html><script>alert(document.cookie)</script></html>");
    const { customer, number, description } = await customerTicketWith([
      { filename: "naïve résumé.html", content: page, contentType: "text/html" },
      {
        filename: "drawing.svg",
        content: Buffer.from("<svg onload='alert(1)'/>"),
        contentType: "image/svg+xml",
      },
    ]);
    const [html, svg] = description.attachments;
    const response = await download(number, html?.id ?? "", customer.auth);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload).toEqual(page);
    expect(response.headers["content-type"]).toBe("application/octet-stream");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-disposition"]).toBe(
      `attachment; filename="na_ve r_sum_.html"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.html`,
    );
    const drawing = await download(number, svg?.id ?? "", customer.auth);
    expect(drawing.headers["content-type"]).toBe("application/octet-stream");
  });

  it("answers 404 to another organization's customer, as for an attachment that does not exist", async () => {
    const { number, description } = await customerTicketWith([
      { filename: "secret.pdf", content: marker("secret"), contentType: "application/pdf" },
    ]);
    const outsider = await email.desk.makeCustomer((await email.desk.makeOrganization()).id);
    const attachmentId = description.attachments[0]?.id ?? "";
    const refused = await download(number, attachmentId, outsider.auth);
    const missing = await download(number, newId(), outsider.auth);
    expect(refused.statusCode).toBe(404);
    expect(missing.statusCode).toBe(404);
    expect(refused.body).not.toContain("attachment marker");
    const agent = await email.desk.makeAgent();
    expect((await download(number, attachmentId, agent.auth)).statusCode).toBe(200);
    expect((await download(number, newId(), agent.auth)).statusCode).toBe(404);
  });

  it("never gives a customer the file of an internal note", async () => {
    const { customer, number } = await customerTicketWith([]);
    const agent = await email.desk.makeAgent();
    const note = await email.desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: { body: "Log from the customer's server, for us only", visibility: "internal" },
    });
    expect(note.statusCode).toBe(201);
    const noteId = (note.json() as { comment: { id: string } }).comment.id;
    const ticketId = (await email.ticket(number)).id;
    const content = marker("internal");
    const attachmentId = newId();
    await insertAttachments(email.desk.database.db, [
      {
        id: attachmentId,
        ticket_id: ticketId,
        comment_id: noteId,
        filename: "server.log",
        content_type: "text/plain",
        size_bytes: content.length,
        sha256: await writeAttachmentFile(email.desk.attachmentsDir, content),
        inline: 0,
        content_id: null,
        created_at: new Date().toISOString(),
      },
    ]);
    expect((await download(number, attachmentId, customer.auth)).statusCode).toBe(404);
    expect((await download(number, attachmentId, agent.auth)).rawPayload).toEqual(content);
  });

  it("sanitizes file names: no path, no traversal, no control or bidi characters, capped length", async () => {
    const { description } = await customerTicketWith([
      { filename: "../../etc/passwd", content: marker("a"), contentType: "text/plain" },
      { filename: "invoice\u202Efdp.exe", content: marker("b"), contentType: "application/octet-stream" },
      { filename: `${"x".repeat(400)}.pdf`, content: marker("c"), contentType: "application/pdf" },
    ]);
    const names = description.attachments.map((attachment) => attachment.filename);
    expect(names[0]).toBe("passwd");
    expect(names[1]).toBe("invoicefdp.exe");
    expect(names[2]?.length).toBe(180);
    expect(names[2]?.endsWith(".pdf")).toBe(true);
  });

  it("keeps no part over the size limit and notes it on the comment", async () => {
    const { description } = await customerTicketWith([
      { filename: "small.txt", content: Buffer.from("fits"), contentType: "text/plain" },
      {
        filename: "huge.bin",
        content: Buffer.alloc(maxAttachmentBytes + 1, 7),
        contentType: "application/octet-stream",
      },
    ]);
    expect(description.attachments.map((attachment) => attachment.filename)).toEqual(["small.txt"]);
    expect(description.bodyText).toContain("Attachments not kept: huge.bin");
  });

  it("keeps the first 100 parts of a message and notes the rest", async () => {
    const parts = Array.from({ length: 102 }, (_, index) => ({
      filename: `part-${index}.txt`,
      content: Buffer.from(`part ${index}`),
      contentType: "text/plain",
    }));
    const { description } = await customerTicketWith(parts);
    expect(description.attachments).toHaveLength(100);
    expect(description.bodyText).toContain("part-100.txt (more than 100 attachments)");
    expect(description.bodyText).toContain("part-101.txt");
  });
});

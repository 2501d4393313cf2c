import { utimes } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { sweepOrphanAttachmentFiles } from "../../src/modules/attachments/sweep-orphan-files.js";
import { issueApiToken } from "../../src/modules/identity/manage-api-tokens.js";
import { newId } from "../../src/shared/ids.js";
import { fileOf, form, type FormPart as Part } from "../support/multipart-form.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import { countUploads, filesInStore, postUpload } from "../support/uploads.js";

const desk = useTestDesk();

const upload = (who: { authorization: string }, parts: Part[], app: TendApp = desk.app) =>
  postUpload(app, who, parts);

async function uploaded(who: Person, content = `PNG bytes ${newId()}`, filename = "screenshot.png") {
  const response = await upload(who.auth, [fileOf(content, filename)]);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; filename: string; contentType: string; size: number };
}

const filesInDesksStore = () => filesInStore(desk.attachmentsDir);
const uploadRows = () => countUploads(desk.database.db);

interface CommentBody {
  id: string;
  visibility: string;
  attachments: { id: string; filename: string; contentType: string; size: number }[];
}

async function comments(number: number, who: Person) {
  const response = await desk.app.inject({ url: `/api/v1/tickets/${number}/comments`, headers: who.auth });
  expect(response.statusCode).toBe(200);
  return response.json() as CommentBody[];
}

function download(number: number, attachmentId: string, who: Person) {
  return desk.app.inject({ url: `/api/v1/tickets/${number}/attachments/${attachmentId}`, headers: who.auth });
}

async function openTicket(customer: Person, uploadIds: string[] = []) {
  return desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: customer.auth,
    payload: {
      subject: "Export fails",
      body: "See the screenshot.",
      ...(uploadIds.length ? { uploadIds } : {}),
    },
  });
}

let customer: Person;
let colleague: Person;
let agent: Person;

beforeAll(async () => {
  const organization = await desk.makeOrganization();
  customer = await desk.makeCustomer(organization.id);
  colleague = await desk.makeCustomer(organization.id);
  agent = await desk.makeAgent();
});

describe("POST /uploads and uploadIds", () => {
  it("attaches a customer's upload to a new ticket, for the customer and the agent to download", async () => {
    const content = `PNG bytes ${newId()}`;
    const file = await uploaded(customer, content, "../../export error.png");
    expect(file).toEqual({
      id: expect.any(String),
      filename: "export error.png",
      contentType: "image/png",
      size: Buffer.byteLength(content),
    });

    const created = await openTicket(customer, [file.id]);
    expect(created.statusCode, created.body).toBe(201);
    const { number } = created.json() as { number: number };
    const [description] = await comments(number, agent);
    expect(description?.attachments).toEqual([
      expect.objectContaining({ filename: "export error.png", contentType: "image/png", size: file.size }),
    ]);
    const attachmentId = description?.attachments[0]?.id as string;
    for (const reader of [customer, agent]) {
      const got = await download(number, attachmentId, reader);
      expect(got.statusCode).toBe(200);
      expect(got.body).toBe(content);
      expect(got.headers["content-disposition"]).toMatch(/^attachment;/);
    }
  });

  it("attaches an agent's uploads to an internal note that the customer can neither see nor download", async () => {
    const created = await openTicket(customer);
    const { number } = created.json() as { number: number };
    const first = await uploaded(agent, `log one ${newId()}`, "server.log");
    const second = await uploaded(agent, `log two ${newId()}`, "worker.log");
    const note = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: agent.auth,
      payload: {
        body: "Logs from the export worker.",
        visibility: "internal",
        uploadIds: [second.id, first.id],
      },
    });
    expect(note.statusCode, note.body).toBe(201);
    const { comment } = note.json() as { comment: CommentBody };
    expect(comment.attachments.map((a) => a.filename)).toEqual(["worker.log", "server.log"]);

    expect((await comments(number, customer)).flatMap((c) => c.attachments)).toEqual([]);
    const forCustomer = await download(number, comment.attachments[0]?.id as string, customer);
    expect(forCustomer.statusCode).toBe(404);
    expect(forCustomer.body).not.toContain("log two");
    expect((await download(number, comment.attachments[0]?.id as string, agent)).statusCode).toBe(200);
  });

  it("refuses another person's upload exactly as one that does not exist, and leaves it to its owner", async () => {
    const created = await openTicket(customer);
    const { number } = created.json() as { number: number };
    const theirs = await uploaded(colleague);
    const reply = (uploadIds: string[]) =>
      desk.app.inject({
        method: "POST",
        url: `/api/v1/tickets/${number}/comments`,
        headers: customer.auth,
        payload: { body: "Here it is.", uploadIds },
      });

    const stolen = await reply([theirs.id]);
    const invented = await reply([newId()]);
    expect(stolen.statusCode).toBe(422);
    expect(String(stolen.headers["content-type"])).toMatch(/^application\/problem\+json/);
    const { instance: _a, ...stolenProblem } = stolen.json() as Record<string, unknown>;
    const { instance: _b, ...inventedProblem } = invented.json() as Record<string, unknown>;
    expect(stolenProblem).toEqual(inventedProblem);
    expect(stolenProblem.errors).toEqual([{ field: "uploadIds/0", message: expect.any(String) }]);
    expect((await comments(number, customer)).length).toBe(1);

    const own = await openTicket(colleague, [theirs.id]);
    expect(own.statusCode, own.body).toBe(201);
  });

  it("claims an upload once, and a refused comment leaves its uploads unclaimed", async () => {
    const created = await openTicket(customer);
    const { number } = created.json() as { number: number };
    const file = await uploaded(customer);
    const reply = (uploadIds: string[]) =>
      desk.app.inject({
        method: "POST",
        url: `/api/v1/tickets/${number}/comments`,
        headers: customer.auth,
        payload: { body: "Attached.", uploadIds },
      });

    const halfBad = await reply([file.id, newId()]);
    expect(halfBad.statusCode).toBe(422);
    expect((halfBad.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("uploadIds/1");

    expect((await reply([file.id])).statusCode).toBe(201);
    const again = await reply([file.id]);
    expect(again.statusCode).toBe(422);
    expect((again.json() as { errors: { field: string }[] }).errors[0]?.field).toBe("uploadIds/0");
    const attached = (await comments(number, customer)).flatMap((c) => c.attachments);
    expect(attached).toHaveLength(1);
  });

  it("lets exactly one of two comments sent at once claim the same upload", async () => {
    // A few rounds: on PostgreSQL the two transactions interleave differently each time.
    for (let round = 0; round < 5; round += 1) {
      const created = await openTicket(customer);
      const { number } = created.json() as { number: number };
      const file = await uploaded(customer);
      const replies = await Promise.all(
        ["first", "second"].map((body) =>
          desk.app.inject({
            method: "POST",
            url: `/api/v1/tickets/${number}/comments`,
            headers: customer.auth,
            payload: { body, uploadIds: [file.id] },
          }),
        ),
      );
      expect(replies.map((reply) => reply.statusCode).sort()).toEqual([201, 422]);
      expect((await comments(number, customer)).flatMap((c) => c.attachments)).toHaveLength(1);
    }
  });

  it("erases a person's pending uploads with them, rows and files", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const leaving = await desk.makeCustomer(null);
    const content = `never attached ${newId()}`;
    const file = await uploaded(leaving, content);
    const [stored] = await desk.database.db
      .selectFrom("uploads")
      .select("sha256")
      .where("id", "=", file.id)
      .execute();
    const path = join(desk.attachmentsDir, stored?.sha256.slice(0, 2) ?? "", stored?.sha256 ?? "");
    expect(await filesInDesksStore()).toContain(path);
    const dryRun = await desk.app.inject({
      method: "POST",
      url: `/api/v1/people/${leaving.id}/erasure`,
      headers: admin.auth,
      payload: { dryRun: true },
    });
    expect(dryRun.json().items).toContainEqual({ kind: "uploads", count: 1 });
    const erasure = await desk.app.inject({
      method: "POST",
      url: `/api/v1/people/${leaving.id}/erasure`,
      headers: admin.auth,
      payload: { dryRun: false },
    });
    expect(erasure.statusCode, erasure.body).toBe(200);
    expect(
      await desk.database.db.selectFrom("uploads").where("id", "=", file.id).selectAll().execute(),
    ).toEqual([]);
    expect(await filesInDesksStore()).not.toContain(path);
  });

  it("takes at most 10 distinct upload ids", async () => {
    const id = newId();
    const duplicated = await openTicket(customer, [id, id]);
    expect(duplicated.statusCode).toBe(400);
    const many = await openTicket(
      customer,
      Array.from({ length: 11 }, () => newId()),
    );
    expect(many.statusCode).toBe(400);
  });

  it("refuses programs with 422, leaving no file and no row", async () => {
    const before = { files: await filesInDesksStore(), rows: await uploadRows() };
    for (const part of [
      fileOf("MZ program", "setup.exe", "application/octet-stream"),
      fileOf("MZ program", "invoice.pdf.bat", "application/pdf"),
      fileOf("MZ program", "harmless.bin", "application/x-msdownload"),
    ]) {
      const response = await upload(customer.auth, [part]);
      expect(response.statusCode, response.body).toBe(422);
      expect(response.json()).toMatchObject({ status: 422, errors: [{ field: "file" }] });
    }
    expect({ files: await filesInDesksStore(), rows: await uploadRows() }).toEqual(before);
  });

  it("answers a form that is not one file named `file` with 400, and a JSON body with 415", async () => {
    const before = { files: await filesInDesksStore(), rows: await uploadRows() };
    const refusals = [
      await upload(customer.auth, []),
      await upload(customer.auth, [fileOf("a"), fileOf("b")]),
      await upload(customer.auth, [{ ...fileOf("a"), name: "attachment" }]),
      await upload(customer.auth, [{ name: "note", content: "hello" }, fileOf("a")]),
      await upload(customer.auth, [{ name: "file", content: "a field, not a file" }]),
    ];
    for (const response of refusals) {
      expect(response.statusCode, response.body).toBe(400);
      expect(String(response.headers["content-type"])).toMatch(/^application\/problem\+json/);
    }
    const truncated = form([fileOf("cut short")]);
    const cut = await desk.app.inject({
      method: "POST",
      url: "/api/v1/uploads",
      headers: { ...customer.auth, ...truncated.headers },
      payload: truncated.payload.subarray(0, truncated.payload.length - 20),
    });
    expect(cut.statusCode, cut.body).toBe(400);
    const json = await desk.app.inject({
      method: "POST",
      url: "/api/v1/uploads",
      headers: customer.auth,
      payload: { file: "aGVsbG8=" },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json()).toMatchObject({ status: 415 });
    expect({ files: await filesInDesksStore(), rows: await uploadRows() }).toEqual(before);
  });

  it("requires a signed-in person with a token that may write", async () => {
    expect((await upload({} as { authorization: string }, [fileOf("a")])).statusCode).toBe(401);
    const { token } = await issueApiToken(desk.system, customer.id, { name: "read only", scopes: ["read"] });
    expect((await upload({ authorization: `Bearer ${token}` }, [fileOf("a")])).statusCode).toBe(403);
  });
});

describe("the upload size limit", () => {
  const maxBytes = 1024;
  let small: TendApp;
  beforeAll(async () => {
    small = await buildApp({
      database: desk.database,
      logger: pino({ level: "silent" }),
      clock: desk.clock,
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 64 * 1024,
      attachmentsDir: desk.attachmentsDir,
      maxAttachmentBytes: maxBytes,
    });
  });
  afterAll(() => small?.close());

  it("takes a file of exactly the limit and answers one byte more with 413 naming it, keeping nothing", async () => {
    const exact = await upload(customer.auth, [fileOf(Buffer.alloc(maxBytes, 7))], small);
    expect(exact.statusCode, exact.body).toBe(201);
    const before = { files: await filesInDesksStore(), rows: await uploadRows() };
    for (const size of [maxBytes + 1, 5 * 1024 * 1024]) {
      const over = await upload(customer.auth, [fileOf(Buffer.alloc(size, 9), "dump.bin")], small);
      expect(over.statusCode, over.body).toBe(413);
      expect(String(over.headers["content-type"])).toMatch(/^application\/problem\+json/);
      expect((over.json() as { detail: string }).detail).toContain("1024 bytes");
    }
    expect({ files: await filesInDesksStore(), rows: await uploadRows() }).toEqual(before);
  });
});

describe("an upload over the limit on a real socket", () => {
  it("is answered 413 while the client is still sending, and the connection closed", async () => {
    const maxBytes = 64 * 1024;
    const app = await buildApp({
      database: desk.database,
      logger: pino({ level: "silent" }),
      clock: desk.clock,
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 64 * 1024,
      attachmentsDir: desk.attachmentsDir,
      maxAttachmentBytes: maxBytes,
    });
    try {
      await app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = app.server.address() as AddressInfo;
      const boundary = "----tendsocket";
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dump.bin"\r\n\r\n`;
      const offered = 64 * 1024 * 1024;
      const outcome = await new Promise<{ status: number; connection: string | undefined; sent: number }>(
        (resolve, reject) => {
          let sent = 0;
          const request = httpRequest({
            host: "127.0.0.1",
            port,
            method: "POST",
            path: "/api/v1/uploads",
            headers: { ...customer.auth, "content-type": `multipart/form-data; boundary=${boundary}` },
          });
          request.on("response", (response) => {
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, sent });
            response.resume();
            request.destroy();
          });
          request.on("error", (error) => (sent < offered ? undefined : reject(error)));
          request.write(head);
          const chunk = Buffer.alloc(64 * 1024, 1);
          const pump = () => {
            while (sent < offered) {
              sent += chunk.length;
              if (!request.write(chunk)) return void request.once("drain", pump);
            }
            request.end(`\r\n--${boundary}--\r\n`);
          };
          pump();
        },
      );
      expect(outcome.status).toBe(413);
      expect(outcome.connection).toBe("close");
      // Socket buffers hold a few megabytes at most; the server stopped reading long before the end.
      expect(outcome.sent).toBeLessThan(offered / 2);
    } finally {
      await app.close();
    }
  });
});

// Last: it moves the desk's clock a day on.
describe("unclaimed uploads", () => {
  it("expire after 24 hours: no longer attachable, and the daily sweep removes row and file", async () => {
    const uploadedAt = desk.clock.now();
    const file = await uploaded(customer, `expiring ${newId()}`);
    const [stored] = await desk.database.db
      .selectFrom("uploads")
      .select("sha256")
      .where("id", "=", file.id)
      .execute();
    const path = join(desk.attachmentsDir, stored?.sha256.slice(0, 2) ?? "", stored?.sha256 ?? "");
    // The file's time is the machine's; date it to the upload as the desk's clock sees it.
    await utimes(path, uploadedAt, uploadedAt);

    desk.clock.advance(24 * 60 * 60_000 + 60_000);
    const late = await openTicket(customer, [file.id]);
    expect(late.statusCode).toBe(422);

    const sweep = await sweepOrphanAttachmentFiles(desk.system);
    expect(sweep.expiredUploads).toBeGreaterThanOrEqual(1);
    expect(await uploadRows()).toBe(0);
    expect(await filesInDesksStore()).not.toContain(path);
  });
});

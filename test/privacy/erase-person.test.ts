import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { enqueueJob } from "../../src/jobs/job-runner.js";
import { verifyAuditTrail } from "../../src/modules/audit/read-audit.js";
import { insertEmailMessage, insertRawEmail } from "../../src/modules/email/email-repository.js";
import { issueApiToken } from "../../src/modules/identity/manage-api-tokens.js";
import { createPerson } from "../../src/modules/identity/manage-people.js";
import { eventRow } from "../../src/modules/tickets/ticket-events.js";
import { insertTicketEvents } from "../../src/modules/tickets/ticket-repository.js";
import { publishDomainEvent } from "../../src/shared/domain-events.js";
import { newId } from "../../src/shared/ids.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import { dumpDatabase, findMarkers } from "./database-scan.js";

const desk = useTestDesk();

// The erased customer's words carry "quasar"; the other customer's carry "pelican".
const erasedMarker = "quasar";
const keptMarker = "pelican";

interface Requester {
  id: string;
  email: string;
  auth: { authorization: string };
}

async function makeRequester(word: string, organizationId: string): Promise<Requester> {
  const person = await createPerson({
    ctx: desk.system,
    input: {
      name: `Quinn ${word.toUpperCase()}-7731`,
      email: `${word}.7731@mail.example`,
      role: "customer",
      organizationId,
    },
  });
  const { token } = await issueApiToken(desk.system, person.id, {
    name: `${word} laptop`,
    scopes: ["write"],
  });
  return { id: person.id, email: person.email, auth: { authorization: `Bearer ${token}` } };
}

/** A ticket with the requester's words in its subject, description, a reply and a subject change. */
async function makeConversation(requester: Requester, agent: Person, word: string) {
  const upper = `${word.toUpperCase()}-7731`;
  const created = await desk.app.inject({
    method: "POST",
    url: "/api/v1/tickets",
    headers: requester.auth,
    payload: { subject: `Printer ${upper} is on fire`, body: `Our ${upper} printer smokes since Monday.` },
  });
  expect(created.statusCode).toBe(201);
  const ticket = created.json() as { id: string; number: number };
  const comment = (headers: { authorization: string }, payload: object) =>
    desk.app.inject({ method: "POST", url: `/api/v1/tickets/${ticket.number}/comments`, headers, payload });
  expect((await comment(agent.auth, { body: "We are looking at it." })).statusCode).toBe(201);
  expect((await comment(requester.auth, { body: `Still smoking, ${upper} serial 99.` })).statusCode).toBe(
    201,
  );
  // No route renames a ticket yet; a subject change is recorded as the timeline would record it.
  const at = desk.clock.now().toISOString();
  await insertTicketEvents(desk.database.db, [
    eventRow(desk.system, ticket.id, at, {
      kind: "field_changed",
      field: "subject",
      from: `Printer ${upper} is on fire`,
      to: `Printer ${upper} smokes`,
    }),
  ]);
  // Their mail: the raw email they sent, its thread copy, and the desk's reply to them.
  const raw = Buffer.from(
    `From: ${requester.email}\r\nSubject: Printer ${upper}\r\n\r\nOur ${upper} printer.`,
  );
  const rawEmailId = newId();
  await insertRawEmail(desk.database.db, {
    id: rawEmailId,
    sha256: createHash("sha256").update(raw).digest("hex"),
    raw,
    size_bytes: raw.length,
    mail_from: requester.email,
    rcpt_to: JSON.stringify(["support@desk.example"]),
    remote_address: "203.0.113.9",
    received_at: at,
    status: "processed",
    status_reason: null,
    message_id: `<${word}@mail.example>`,
    ticket_id: ticket.id,
    processed_at: at,
  });
  const message = (direction: string, from: string, to: string, body: string, rawId: string | null) =>
    insertEmailMessage(desk.database.db, {
      id: newId(),
      direction,
      message_id: `<${newId()}@mail.example>`,
      ticket_id: ticket.id,
      comment_id: null,
      raw_email_id: rawId,
      from_address: from,
      from_name: from === requester.email ? `Quinn ${upper}` : "Support",
      to_addresses: JSON.stringify([to]),
      cc_addresses: "[]",
      subject: `Printer ${upper} is on fire`,
      in_reply_to: null,
      reference_ids: "[]",
      body_text: body,
      body_html: `<p>${body}</p>`,
      delivery_state: null,
      delivery_answer: null,
      sent_at: null,
      created_at: at,
    });
  await message("inbound", requester.email, "support@desk.example", `Our ${upper} printer.`, rawEmailId);
  await message("outbound", "support@desk.example", requester.email, "We are looking at it.", null);
  // What a later capability might queue about the person: an outbox event and a job naming them.
  await publishDomainEvent(desk.system, "ticket.commented", ticket.id, { email: requester.email });
  await enqueueJob(desk.system, "test.notify", { to: requester.email }, { runAt: new Date("2100-01-01") });
  // A failed sign-in leaves the address in the audit trail and in the throttle.
  await desk.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: requester.email, password: "not a password" },
  });
  return ticket;
}

const erasure = (person: { id: string }, auth: { authorization: string }, dryRun: boolean) =>
  desk.app.inject({
    method: "POST",
    url: `/api/v1/people/${person.id}/erasure`,
    headers: auth,
    payload: { dryRun },
  });

const searchFor = async (word: string, auth: { authorization: string }) =>
  (await desk.app.inject({ url: `/api/v1/tickets?text=${word}`, headers: auth })).json().items as unknown[];

describe("erasing a person at their request", () => {
  let admin: Person;
  let agent: Person;
  let erased: Requester;
  let kept: Requester;
  let erasedTicket: { id: string; number: number };
  let keptTicket: { id: string; number: number };

  beforeAll(async () => {
    const org = await desk.makeOrganization();
    admin = await desk.makeAgent({ role: "admin" });
    agent = await desk.makeAgent();
    erased = await makeRequester(erasedMarker, org.id);
    kept = await makeRequester(keptMarker, org.id);
    erasedTicket = await makeConversation(erased, agent, erasedMarker);
    keptTicket = await makeConversation(kept, agent, keptMarker);
    // An admin's change to the profile: the audit record holds the before and after.
    await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${erased.id}`,
      headers: admin.auth,
      payload: { timeZone: "Europe/Paris" },
    });
  });

  it("refuses customers, agents, one's own account and another admin", async () => {
    const otherAdmin = await desk.makeAgent({ role: "admin" });
    for (const caller of [agent.auth, kept.auth]) {
      expect((await erasure(erased, caller, true)).statusCode).toBe(403);
    }
    expect((await erasure(admin, admin.auth, true)).statusCode).toBe(403);
    const colleague = await erasure(otherAdmin, admin.auth, false);
    expect(colleague.statusCode).toBe(409);
    expect(colleague.json().detail).toMatch(/is an admin: change their role/);
  });

  it("lists what would go in a dry run and changes nothing", async () => {
    const before = await dumpDatabase(desk.database);
    const response = await erasure(erased, admin.auth, true);
    expect(response.statusCode).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({ personId: erased.id, dryRun: true, erasedAt: null });
    expect(report.ticketNumbers).toEqual([erasedTicket.number]);
    const counts = Object.fromEntries(
      report.items.map((i: { kind: string; count: number }) => [i.kind, i.count]),
    );
    expect(counts).toMatchObject({
      profile: 1,
      apiTokens: 1,
      signInThrottles: 1,
      ticketSubjects: 1,
      comments: 2,
      ticketEvents: 1,
      domainEvents: 1,
      jobs: 1,
      emailMessages: 2,
      rawEmails: 1,
    });
    expect(counts.auditRecords).toBeGreaterThanOrEqual(4);
    expect(await dumpDatabase(desk.database)).toEqual(before);
  });

  it("leaves no trace of the erased words in any table, the search index or the database files", async () => {
    const databaseFiles = () => {
      const { target } = desk.database;
      if (target.kind !== "sqlite") return [];
      return ["", "-wal", "-shm"]
        .map((suffix) => `${target.file}${suffix}`)
        .filter((file) => existsSync(file))
        .map((file) => ({ file, text: readFileSync(file).toString("latin1").toLowerCase() }));
    };
    expect(findMarkers(await dumpDatabase(desk.database), [erasedMarker]).length).toBeGreaterThan(0);
    expect(await searchFor(erasedMarker, agent.auth)).toHaveLength(1);
    if (desk.database.dialect === "sqlite") {
      expect(databaseFiles().some(({ text }) => text.includes(erasedMarker))).toBe(true);
    }

    const response = await erasure(erased, admin.auth, false);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: false, erasedAt: desk.clock.now().toISOString() });

    expect(findMarkers(await dumpDatabase(desk.database), [erasedMarker])).toEqual([]);
    expect(await searchFor(erasedMarker, agent.auth)).toEqual([]);
    for (const { file, text } of databaseFiles()) expect(text.includes(erasedMarker), file).toBe(false);
  });

  it("keeps the ticket's structure under a tombstone and the desk's own reply", async () => {
    const ticket = (
      await desk.app.inject({ url: `/api/v1/tickets/${erasedTicket.number}`, headers: agent.auth })
    ).json();
    expect(ticket.subject).toMatch(/^\[erased on \d{4}-\d{2}-\d{2} at the requester's request\]$/);
    expect(ticket).toMatchObject({ requester: { id: erased.id }, status: expect.any(String) });
    const comments = (
      await desk.app.inject({ url: `/api/v1/tickets/${erasedTicket.number}/comments`, headers: agent.auth })
    ).json() as { bodyText: string; author: { id: string; name: string } }[];
    expect(comments.map((c) => [c.author.id, c.bodyText])).toEqual([
      [erased.id, ticket.subject],
      [agent.id, "We are looking at it."],
      [erased.id, ticket.subject],
    ]);
    expect(comments[0]?.author.name).toBe("Erased person");
    const person = (
      await desk.app.inject({ url: `/api/v1/people/${erased.id}`, headers: admin.auth })
    ).json();
    expect(person).toMatchObject({ name: "Erased person", email: `erased-${erased.id}@erased.invalid` });
    const tokens = await desk.database.db
      .selectFrom("api_tokens")
      .select("id")
      .where("person_id", "=", erased.id)
      .execute();
    expect(tokens).toEqual([]);
    expect((await desk.app.inject({ url: "/api/v1/tickets", headers: erased.auth })).statusCode).toBe(401);
  });

  it("leaves the other customer's data untouched", async () => {
    const found = findMarkers(await dumpDatabase(desk.database), [keptMarker]).map(
      (hit) => hit.split(":")[0],
    );
    for (const table of [
      "people",
      "tickets",
      "comments",
      "ticket_events",
      "domain_events",
      "jobs",
      "audit_log",
    ]) {
      expect(found).toContain(table);
    }
    expect(await searchFor(keptMarker, agent.auth)).toHaveLength(1);
    const ticket = (
      await desk.app.inject({ url: `/api/v1/tickets/${keptTicket.number}`, headers: agent.auth })
    ).json();
    expect(ticket.subject).toBe("Printer PELICAN-7731 is on fire");
    const unredacted = await desk.database.db
      .selectFrom("audit_log")
      .select("salt")
      .where("target_id", "=", keptTicket.id)
      .execute();
    expect(unredacted.length).toBeGreaterThan(0);
    expect(unredacted.every((row) => row.salt !== null)).toBe(true);
  });

  it("keeps the audit chain verifiable, its records of the person redacted, and records the erasure", async () => {
    expect(await verifyAuditTrail(desk.as(admin.actor))).toMatchObject({ intact: true });
    const aboutThem = await desk.database.db
      .selectFrom("audit_log")
      .selectAll()
      .where("target_id", "in", [erased.id, erasedTicket.id])
      .orderBy("seq")
      .execute();
    const erasureRecord = aboutThem.at(-1);
    expect(erasureRecord).toMatchObject({
      action: "person.erased",
      actor_id: admin.id,
      salt: expect.any(String),
    });
    expect(JSON.parse(erasureRecord?.after ?? "{}")).toMatchObject({ profile: 1, comments: 2 });
    for (const row of aboutThem.slice(0, -1)) {
      expect(row).toMatchObject({
        actor_display: "[erased]",
        before: '"[erased]"',
        after: '"[erased]"',
        salt: null,
      });
    }
    const again = await erasure(erased, admin.auth, true);
    expect(again.statusCode).toBe(409);
  });

  it("erasing an agent keeps what they answered other customers, signed by the erased person", async () => {
    const response = await erasure(agent, admin.auth, false);
    expect(response.statusCode).toBe(200);
    const counts = Object.fromEntries(
      response.json().items.map((i: { kind: string; count: number }) => [i.kind, i.count]),
    );
    expect(counts).toMatchObject({ profile: 1, comments: 0, groupMemberships: 1 });
    const comments = (
      await desk.app.inject({ url: `/api/v1/tickets/${keptTicket.number}/comments`, headers: admin.auth })
    ).json() as { bodyText: string; author: { id: string; name: string } }[];
    expect(comments.find((c) => c.author.id === agent.id)).toMatchObject({
      bodyText: "We are looking at it.",
      author: { name: "Erased person" },
    });
    expect(await verifyAuditTrail(desk.as(admin.actor))).toMatchObject({ intact: true });
  });

  it("lets through no change to the audit log but the redaction, and no deletion", async () => {
    const [kept, redacted] = await Promise.all([
      desk.database.db
        .selectFrom("audit_log")
        .selectAll()
        .where("salt", "is not", null)
        .orderBy("seq")
        .executeTakeFirstOrThrow(),
      desk.database.db
        .selectFrom("audit_log")
        .selectAll()
        .where("salt", "is", null)
        .orderBy("seq")
        .executeTakeFirstOrThrow(),
    ]);
    const db = desk.database.db;
    const attempts = [
      sql`UPDATE audit_log SET action = 'nothing happened' WHERE id = ${kept.id}`,
      sql`UPDATE audit_log SET after = '"[erased]"' WHERE id = ${kept.id}`,
      // The redaction's shape, but also changing what the hash seals.
      sql`UPDATE audit_log SET actor_display = '[erased]', ip = NULL, user_agent = NULL, before = '"[erased]"',
        after = '"[erased]"', salt = NULL, target_id = NULL WHERE id = ${kept.id}`,
      // A redacted record cannot be "redacted" again into something else.
      sql`UPDATE audit_log SET actor_display = 'someone' WHERE id = ${redacted.id}`,
      sql`DELETE FROM audit_log WHERE id = ${kept.id}`,
      sql`DELETE FROM audit_log WHERE id = ${redacted.id}`,
    ];
    for (const attempt of attempts) await expect(attempt.execute(db)).rejects.toThrow(/append-only/);
    expect(await verifyAuditTrail(desk.as(admin.actor))).toMatchObject({ intact: true });
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { verifyAuditTrail } from "../../src/modules/audit/read-audit.js";
import { insertEmailMessage } from "../../src/modules/email/email-repository.js";
import { applyRetentionPolicies } from "../../src/modules/privacy/retention.js";
import { autoCloseSolvedTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import { DAY } from "../../src/shared/clock.js";
import { newId } from "../../src/shared/ids.js";
import { type Person, useTestDesk } from "../support/test-desk.js";
import { dumpDatabase, findMarkers } from "./database-scan.js";

const desk = useTestDesk();

interface Ticket {
  id: string;
  number: number;
  word: string;
}

describe("retention policies", () => {
  let admin: Person;
  let agent: Person;
  let orgA: { id: string };
  let orgB: { id: string };

  const openTicket = async (requester: Person, word: string): Promise<Ticket> => {
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: agent.auth,
      payload: {
        subject: `Router ${word} drops calls`,
        body: `The ${word} router reboots.`,
        requesterId: requester.id,
        tags: ["voip"],
      },
    });
    expect(created.statusCode).toBe(201);
    const ticket = created.json();
    const reply = await desk.app.inject({
      method: "POST",
      url: `/api/v1/tickets/${ticket.number}/comments`,
      headers: requester.auth,
      payload: { body: `Still broken, ${word} again.` },
    });
    expect(reply.statusCode).toBe(201);
    // The thread's copy of the customer's mail carries the same words.
    await insertEmailMessage(desk.database.db, {
      id: newId(),
      direction: "inbound",
      message_id: `<${newId()}@mail.example>`,
      ticket_id: ticket.id,
      comment_id: null,
      raw_email_id: null,
      from_address: requester.email,
      from_name: requester.name,
      to_addresses: '["support@desk.example"]',
      cc_addresses: "[]",
      subject: `Router ${word} drops calls`,
      in_reply_to: null,
      reference_ids: "[]",
      body_text: `The ${word} router reboots.`,
      body_html: `<p>The ${word} router reboots.</p>`,
      delivery_state: null,
      delivery_answer: null,
      sent_at: null,
      created_at: desk.clock.now().toISOString(),
    });
    return { id: ticket.id, number: ticket.number, word };
  };
  const solve = async (ticket: Ticket) => {
    const current = (
      await desk.app.inject({ url: `/api/v1/tickets/${ticket.number}`, headers: agent.auth })
    ).json();
    const solved = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: agent.auth,
      payload: { status: "solved", version: current.version },
    });
    expect(solved.statusCode).toBe(200);
  };
  /** Solves the tickets, then lets the lifecycle rule close them four days later. */
  const close = async (...tickets: Ticket[]) => {
    for (const ticket of tickets) await solve(ticket);
    desk.clock.advance(5 * DAY);
    await autoCloseSolvedTickets(desk.system);
  };
  const putPolicy = (url: string, body: object, auth = admin.auth) =>
    desk.app.inject({ method: "PUT", url, headers: auth, payload: body });

  const tickets: Record<string, Ticket> = {};

  beforeAll(async () => {
    admin = await desk.makeAgent({ role: "admin" });
    agent = await desk.makeAgent();
    orgA = await desk.makeOrganization();
    orgB = await desk.makeOrganization();
    const customerA = await desk.makeCustomer(orgA.id);
    const customerB = await desk.makeCustomer(orgB.id);

    // Closed on day 5: past a one-month policy when it runs on day 37.
    tickets.deletedFirst = await openTicket(customerA, "ARMADILLO");
    tickets.deletedSecond = await openTicket(customerA, "BUFFALO");
    tickets.anonymized = await openTicket(customerB, "DINGO");
    tickets.stillOpen = await openTicket(customerA, "FALCON");
    await close(tickets.deletedFirst, tickets.deletedSecond, tickets.anonymized);
    desk.clock.advance(20 * DAY);
    // Closed on day 30: within the month.
    tickets.recentA = await openTicket(customerA, "CHEETAH");
    tickets.recentB = await openTicket(customerB, "EMU");
    await close(tickets.recentA, tickets.recentB);
  });

  it("are set by admins only: a desk default and an organization's own", async () => {
    expect(
      (
        await putPolicy(
          "/api/v1/retention-policies/desk",
          { closedTicketMonths: 1, action: "anonymize" },
          agent.auth,
        )
      ).statusCode,
    ).toBe(403);
    expect(
      (await desk.app.inject({ url: "/api/v1/retention-policies", headers: agent.auth })).statusCode,
    ).toBe(403);
    expect(
      (await putPolicy("/api/v1/retention-policies/desk", { closedTicketMonths: 121, action: "delete" }))
        .statusCode,
    ).toBe(400);

    expect(
      (await putPolicy("/api/v1/retention-policies/desk", { closedTicketMonths: 1, action: "anonymize" }))
        .statusCode,
    ).toBe(200);
    const set = await putPolicy(`/api/v1/organizations/${orgA.id}/retention-policy`, {
      closedTicketMonths: 1,
      action: "delete",
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({
      desk: { closedTicketMonths: 1, action: "anonymize", rawEmailDays: 90 },
      organizations: [{ organizationId: orgA.id, closedTicketMonths: 1, action: "delete" }],
    });
  });

  it("delete or anonymize exactly the closed tickets past their organization's policy", async () => {
    desk.clock.advance(7 * DAY);
    const before = findMarkers(await dumpDatabase(desk.database), ["ARMADILLO"]);
    expect(before.length).toBeGreaterThan(3);

    expect(await applyRetentionPolicies(desk.system)).toEqual({ deleted: 2, anonymized: 1 });

    const dump = await dumpDatabase(desk.database);
    // Deleted: no row anywhere names the ticket, apart from the audit trail's redacted records of it.
    for (const ticket of [tickets.deletedFirst, tickets.deletedSecond] as Ticket[]) {
      expect(findMarkers(dump, [ticket.word])).toEqual([]);
      const left = findMarkers(dump, [ticket.id]).filter((hit) => !hit.startsWith("audit_log:"));
      expect(left).toEqual([]);
      const read = await desk.app.inject({ url: `/api/v1/tickets/${ticket.number}`, headers: agent.auth });
      expect(read.statusCode).toBe(404);
    }
    // Anonymized: the ticket stands, its words are gone.
    const anonymized = tickets.anonymized as Ticket;
    expect(findMarkers(dump, [anonymized.word])).toEqual([]);
    const read = (
      await desk.app.inject({ url: `/api/v1/tickets/${anonymized.number}`, headers: agent.auth })
    ).json();
    expect(read).toMatchObject({ status: "closed", tags: ["voip"], organization: { id: orgB.id } });
    expect(read.subject).toMatch(/^\[erased on .* by the retention policy\]$/);
    // Untouched: closed within the month, or never closed.
    for (const ticket of [tickets.recentA, tickets.recentB, tickets.stillOpen] as Ticket[]) {
      expect(findMarkers(dump, [ticket.word]).length).toBeGreaterThan(0);
    }

    const records = await desk.database.db
      .selectFrom("audit_log")
      .select(["target_id", "after"])
      .where("action", "=", "retention.applied")
      .orderBy("seq")
      .execute();
    expect(records.map((r) => ({ target: r.target_id, after: JSON.parse(r.after ?? "null") }))).toEqual(
      expect.arrayContaining([
        { target: orgA.id, after: expect.objectContaining({ action: "delete", tickets: 2 }) },
        { target: null, after: expect.objectContaining({ action: "anonymize", tickets: 1 }) },
      ]),
    );
    expect(await verifyAuditTrail(desk.system)).toMatchObject({ intact: true });
  });

  it("find nothing left to do on the next run", async () => {
    expect(await applyRetentionPolicies(desk.system)).toEqual({ deleted: 0, anonymized: 0 });
  });
});

import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { redacted } from "../../src/modules/audit/audit-redaction.js";
import { fromAuditRow } from "../../src/modules/audit/audit-repository.js";
import { exportAudit, verifyAuditTrail, verifyExportedRecords } from "../../src/modules/audit/read-audit.js";
import { recordAudit } from "../../src/modules/audit/record-audit.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { addComment } from "../../src/modules/tickets/add-comment.js";
import { createTicket } from "../../src/modules/tickets/create-ticket.js";
import { autoSolvePendingTickets } from "../../src/modules/tickets/lifecycle-rules.js";
import { DAY } from "../../src/shared/clock.js";
import { inTransaction, withActor } from "../../src/shared/context.js";
import { testDialect } from "../support/test-database.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();

async function records(filter: { action?: string; targetId?: string } = {}) {
  let query = desk.database.db.selectFrom("audit_log").selectAll().orderBy("seq", "asc");
  if (filter.action) query = query.where("action", "=", filter.action);
  if (filter.targetId) query = query.where("target_id", "=", filter.targetId);
  return (await query.execute()).map(fromAuditRow);
}

describe("the audit trail", () => {
  it("records a ticket update with the changed fields and where the request came from", async () => {
    const org = await desk.makeOrganization();
    const customer = await desk.makeCustomer(org.id);
    const agent = await desk.makeAgent();
    const created = await desk.app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: customer.auth,
      payload: { subject: "Export fails", body: "The CSV export times out." },
    });
    const ticket = created.json();
    const update = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/tickets/${ticket.number}`,
      headers: { ...agent.auth, "user-agent": "AuditTest/1.0" },
      remoteAddress: "203.0.113.9",
      payload: { version: ticket.version, status: "open", severity: "sev1" },
    });
    expect(update.statusCode).toBe(200);

    const [record] = await records({ action: "ticket.updated", targetId: ticket.id });
    expect(record).toMatchObject({
      actor: { kind: "person", id: agent.id, role: "agent", display: `${agent.name} <${agent.email}>` },
      channel: "api",
      origin: { ip: "203.0.113.9", userAgent: "AuditTest/1.0", tokenId: expect.any(String) },
      target: { type: "ticket", id: ticket.id },
      before: { status: "new", severity: "sev2" },
      after: { status: "open", severity: "sev1" },
    });
    const [creation] = await records({ action: "ticket.created", targetId: ticket.id });
    expect(creation?.actor.id).toBe(customer.id);
  });

  it("records failed sign-ins, for an unknown email as for a wrong password, and the successful one", async () => {
    const agent = await desk.makeAgent({ password: "correct horse battery" });
    const unknown = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      headers: { "user-agent": "Browser/9" },
      payload: { email: "nobody@nowhere.example", password: "whatever it is" },
    });
    const wrong = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: agent.email, password: "wrong password!!" },
    });
    const right = await desk.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: agent.email, password: "correct horse battery" },
    });
    expect([unknown.statusCode, wrong.statusCode, right.statusCode]).toEqual([401, 401, 200]);

    const failed = await records({ action: "auth.sign_in_failed" });
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: expect.objectContaining({ kind: "anonymous" }),
          origin: expect.objectContaining({ userAgent: "Browser/9", ip: "127.0.0.1" }),
          target: { type: "person", id: null },
          after: { email: "nobody@nowhere.example", reason: "unknown account or no password" },
        }),
        expect.objectContaining({
          target: { type: "person", id: agent.id },
          after: expect.objectContaining({ reason: "wrong password" }),
        }),
      ]),
    );
    const [signedIn] = await records({ action: "auth.signed_in", targetId: agent.id });
    expect(signedIn?.actor.id).toBe(agent.id);
  });

  it("records a role change as a permission change and never shows a secret", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const response = await desk.app.inject({
      method: "PATCH",
      url: `/api/v1/people/${agent.id}`,
      headers: admin.auth,
      payload: { role: "admin", password: "a much longer new password" },
    });
    expect(response.statusCode).toBe(200);
    const [change] = await records({ action: "person.role_changed", targetId: agent.id });
    expect(change).toMatchObject({
      actor: { id: admin.id, role: "admin" },
      before: { role: "agent", password_hash: null },
      after: { role: "admin", password_hash: redacted },
    });
    const [issued] = await records({ action: "api_token.issued" });
    expect(issued?.after).toMatchObject({ token_hash: redacted });
    const everything = JSON.stringify(await records());
    expect(everything).not.toMatch(/\$argon2|tend_[A-Za-z0-9_-]{10}/);
  });

  it("leaves no record of a change that rolled back", async () => {
    const before = (await records()).length;
    await expect(
      inTransaction(desk.system, async (tx) => {
        await recordAudit(tx, { action: "test.rolled_back", targetType: "test", targetId: null });
        throw new Error("the change fails after its record");
      }),
    ).rejects.toThrow("the change fails");
    expect(await records({ action: "test.rolled_back" })).toEqual([]);
    expect((await records()).length).toBe(before);
    expect(await verifyAuditTrail(desk.system)).toMatchObject({ intact: true });
  });

  it("refuses UPDATE and DELETE on the log itself", async () => {
    await expect(
      sql`UPDATE audit_log SET action = 'nothing happened'`.execute(desk.database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(desk.database.db)).rejects.toThrow(/append-only/);
  });

  it("shows the trail to admins only, filtered and paged", async () => {
    const admin = await desk.makeAgent({ role: "admin" });
    const agent = await desk.makeAgent();
    const customer = await desk.makeCustomer(null);
    for (const person of [agent, customer]) {
      const refused = await desk.app.inject({ url: "/api/v1/audit", headers: person.auth });
      expect(refused.statusCode).toBe(403);
      expect((await desk.app.inject({ url: "/api/v1/audit/verify", headers: person.auth })).statusCode).toBe(
        403,
      );
    }
    for (const name of ["Renamed once", "Renamed twice"]) {
      await desk.app.inject({
        method: "PATCH",
        url: `/api/v1/people/${agent.id}`,
        headers: admin.auth,
        payload: { name },
      });
    }
    const first = await desk.app.inject({
      url: `/api/v1/audit?target=${agent.id}&actor=${admin.id}&limit=1`,
      headers: admin.auth,
    });
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ target: { id: agent.id }, after: { name: "Renamed twice" } });
    const second = await desk.app.inject({
      url: `/api/v1/audit?target=${agent.id}&actor=${admin.id}&limit=1&cursor=${page.nextCursor}`,
      headers: admin.auth,
    });
    expect(second.json()).toMatchObject({ items: [{ after: { name: "Renamed once" } }], nextCursor: null });
    const verify = await desk.app.inject({ url: "/api/v1/audit/verify", headers: admin.auth });
    expect(verify.json()).toMatchObject({ intact: true, count: expect.any(Number) });
  });

  it("exports a period as JSON Lines an auditor can re-verify", async () => {
    await desk.makeAgent();
    const lines: string[] = [];
    const count = await exportAudit(
      desk.system,
      { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" },
      (line) => {
        lines.push(line);
      },
    );
    expect(count).toBe(lines.length);
    const exported = lines.map((line) => JSON.parse(line));
    expect(verifyExportedRecords(exported)).toMatchObject({ intact: true, count });
    exported[1].after = { role: "admin" };
    expect(verifyExportedRecords(exported)).toMatchObject({ intact: false, brokenAt: exported[1].seq });
    const [exportRecord] = await records({ action: "audit.exported" });
    expect(exportRecord?.after).toMatchObject({ records: count });
  });

  it("records what a timer changed, as the system", async () => {
    const customer = await desk.makeCustomer(null);
    const agent = await desk.makeAgent();
    const ticket = await createTicket({
      ctx: desk.as(customer.actor),
      input: { subject: "Slow", body: "Pages are slow." },
    });
    await addComment({
      ctx: desk.as(agent.actor),
      number: ticket.number,
      input: { body: "Is it better now?", status: "pending" },
    });
    desk.clock.advance(6 * DAY);
    await autoSolvePendingTickets(
      withActor(desk.system, systemActor("job tickets.auto-solve-pending"), "system"),
    );
    const [solved] = (await records({ action: "ticket.updated", targetId: ticket.id })).slice(-1);
    expect(solved).toMatchObject({
      actor: { kind: "system", id: null, display: "system: job tickets.auto-solve-pending" },
      channel: "system",
      origin: { ip: null, userAgent: null, tokenId: null },
      before: { status: "pending" },
      after: { status: "solved" },
    });
  });

  it.runIf(testDialect === "postgres")(
    "keeps one gap-free chain when separate connections append at once",
    async () => {
      const before = (await records()).length;
      const pools = [0, 1, 2, 3].map(() => openDatabase(desk.database.target));
      await Promise.all(
        pools.flatMap((database, pool) =>
          Array.from({ length: 10 }, (_, i) =>
            recordAudit(
              { ...desk.system, db: database.db },
              {
                action: "test.concurrent",
                targetType: "test",
                targetId: `${pool}-${i}`,
              },
            ),
          ),
        ),
      );
      await Promise.all(pools.map((database) => database.destroy()));
      const all = await records();
      expect(all.length).toBe(before + 40);
      expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
      expect(await verifyAuditTrail(desk.system)).toMatchObject({ intact: true, count: all.length });
    },
  );

  it("chains a bulk transaction's thousands of records (the demo desk's) in one commit", async () => {
    const before = (await records()).length;
    await inTransaction(desk.system, async (tx) => {
      for (let i = 0; i < 2500; i += 1)
        await recordAudit(tx, { action: "test.bulk", targetType: "test", targetId: `bulk-${i}` });
    });
    const all = await records();
    expect(all.length).toBe(before + 2500);
    expect(await verifyAuditTrail(desk.system)).toMatchObject({ intact: true, count: all.length });
  });

  it.runIf(testDialect === "postgres")(
    "chains a transaction's records at its commit, and a rolled-back one leaves none",
    async () => {
      const before = (await records()).length;
      const pools = [0, 1, 2, 3].map(() => openDatabase(desk.database.target));
      const transaction = (pool: number, i: number) =>
        inTransaction({ ...desk.system, db: pools[pool]!.db }, async (tx) => {
          await recordAudit(tx, {
            action: "test.in-transaction",
            targetType: "test",
            targetId: `${pool}-${i}-a`,
          });
          await recordAudit(tx, {
            action: "test.in-transaction",
            targetType: "test",
            targetId: `${pool}-${i}-b`,
          });
          if (i === 0) throw new Error("rolled back on purpose");
        });
      const outcomes = await Promise.allSettled(
        pools.flatMap((_, pool) => Array.from({ length: 5 }, (_, i) => transaction(pool, i))),
      );
      await Promise.all(pools.map((database) => database.destroy()));
      expect(outcomes.filter((outcome) => outcome.status === "rejected")).toHaveLength(4);
      const all = await records();
      expect(all.length).toBe(before + 32);
      expect(all.map((r) => r.seq)).toEqual(all.map((_, i) => i + 1));
      // A transaction's two records sit side by side: nothing else got between them in the chain.
      const appended = all.filter((r) => r.action === "test.in-transaction");
      for (let i = 0; i < appended.length; i += 2) {
        expect(appended[i]!.target.id!.replace(/-a$/, "")).toBe(
          appended[i + 1]!.target.id!.replace(/-b$/, ""),
        );
        expect(appended[i + 1]!.seq).toBe(appended[i]!.seq + 1);
      }
      expect(appended.some((r) => r.target.id?.endsWith("-0-a"))).toBe(false);
      expect(await verifyAuditTrail(desk.system)).toMatchObject({ intact: true, count: all.length });
    },
  );

  // Last: it breaks this file's chain on purpose.
  it("detects a record changed behind the triggers' back, at its seq", async () => {
    const [target] = await records({ action: "ticket.updated" });
    if (!target) throw new Error("an earlier test records a ticket update");
    if (testDialect === "postgres") {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(desk.database.db);
    } else {
      await sql`DROP TRIGGER audit_log_no_update`.execute(desk.database.db);
    }
    await sql`UPDATE audit_log SET after = ${JSON.stringify({ severity: "sev4", status: "open" })} WHERE seq = ${target.seq}`.execute(
      desk.database.db,
    );
    expect(await verifyAuditTrail(desk.system)).toMatchObject({
      intact: false,
      brokenAt: target.seq,
      count: target.seq - 1,
      reason: "its contents do not match its hash",
    });
  });
});

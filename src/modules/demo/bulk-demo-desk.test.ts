import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDesk } from "../../../test/support/test-desk.js";
import { ConflictError } from "../../errors.js";
import { installDefaultPolicies } from "../sla/default-policies.js";
import { buildBulkDemoDesk } from "./bulk-demo-desk.js";
import type { SeededDesk } from "./seed-desk.js";

const desk = useTestDesk();

async function count(query: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> {
  const { rows } = await query.execute(desk.database.db);
  return Number(rows[0]?.n);
}

describe("a bulk demo desk of 500 tickets", () => {
  let seeded: SeededDesk;

  beforeAll(async () => {
    await installDefaultPolicies(desk.system);
    seeded = await buildBulkDemoDesk(desk.system, { tickets: 500, seed: 11 });
  }, 120_000);

  it("holds the tickets asked for, about five comments each, clocks, surveys and articles", async () => {
    expect(await count(sql`SELECT count(*) AS n FROM tickets`)).toBe(500);
    const comments = await count(sql`SELECT count(*) AS n FROM comments`);
    expect(comments).toBe(seeded.comments);
    expect(comments / 500).toBeGreaterThan(4);
    expect(comments / 500).toBeLessThan(6);
    expect(await count(sql`SELECT count(*) AS n FROM sla_clocks`)).toBe(seeded.slaClocks);
    expect(await count(sql`SELECT count(*) AS n FROM sla_report_facts`)).toBe(seeded.slaClocks);
    expect(seeded.slaClocks).toBeGreaterThan(500);
    expect(await count(sql`SELECT count(*) AS n FROM satisfaction_surveys`)).toBe(seeded.surveys);
    expect(await count(sql`SELECT count(*) AS n FROM knowledge_articles`)).toBe(500);
    expect(await count(sql`SELECT count(*) AS n FROM knowledge_search`)).toBe(seeded.articles);
  });

  it("spreads two years of history, mostly closed, with a live backlog", async () => {
    const closed = await count(sql`SELECT count(*) AS n FROM tickets WHERE status = 'closed'`);
    const live = await count(
      sql`SELECT count(*) AS n FROM tickets WHERE status IN ('new', 'open', 'pending')`,
    );
    expect(closed / 500).toBeGreaterThan(0.85);
    expect(live).toBeGreaterThan(0);
    const { rows } = await sql<{ oldest: string }>`SELECT min(created_at) AS oldest FROM tickets`.execute(
      desk.database.db,
    );
    const oldest = Date.parse(rows[0]?.oldest ?? "");
    expect(desk.clock.now().getTime() - oldest).toBeGreaterThan(700 * 24 * 3600_000);
  });

  it("leaves no comment, event, clock or survey without its ticket, and no ticket without its people", async () => {
    for (const table of ["comments", "ticket_events", "sla_clocks", "satisfaction_surveys", "ticket_tags"]) {
      const orphans = await count(
        sql`SELECT count(*) AS n FROM ${sql.table(table)} c WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = c.ticket_id)`,
      );
      expect(orphans, table).toBe(0);
    }
    // A ticket's organization is its requester's: customers file for their own organization.
    const strangers =
      await count(sql`SELECT count(*) AS n FROM tickets t JOIN people p ON p.id = t.requester_id
      WHERE t.organization_id IS NOT NULL AND (p.organization_id IS NULL OR p.organization_id <> t.organization_id)`);
    expect(strangers).toBe(0);
    const agentsOnTickets =
      await count(sql`SELECT count(*) AS n FROM tickets t JOIN people p ON p.id = t.assignee_id
      WHERE p.role = 'customer'`);
    expect(agentsOnTickets).toBe(0);
  });

  it("meets or breaches each first-response clock as the ticket's first public agent reply says", async () => {
    const { rows } = await sql<{ state: string; used_ms: number | string; target_ms: number | string }>`
      SELECT state, used_ms, target_ms FROM sla_clocks WHERE metric = 'first_response'`.execute(
      desk.database.db,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const clock of rows) {
      if (clock.state === "achieved")
        expect(Number(clock.used_ms)).toBeLessThanOrEqual(Number(clock.target_ms));
      if (clock.state === "breached") expect(Number(clock.used_ms)).toBeGreaterThan(Number(clock.target_ms));
    }
    const replyBeforeMet = await count(sql`SELECT count(*) AS n FROM sla_clocks c
      WHERE c.metric = 'first_response' AND c.achieved_at IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM comments m JOIN people p ON p.id = m.author_id
        WHERE m.ticket_id = c.ticket_id AND m.visibility = 'public' AND p.role <> 'customer'
          AND m.created_at = c.achieved_at)`);
    expect(replyBeforeMet).toBe(0);
  });

  it("leaves PostgreSQL's planner statistics on every table it loaded", async () => {
    if (desk.database.dialect !== "postgres") return;
    const { rows } = await sql<{ relname: string }>`
      SELECT relname FROM pg_stat_user_tables
      WHERE relname IN ('tickets', 'comments', 'ticket_events', 'sla_clocks', 'people')
        AND last_analyze IS NULL AND last_autoanalyze IS NULL`.execute(desk.database.db);
    expect(rows.map((row) => row.relname)).toEqual([]);
  });

  it("refuses to load onto a desk that already has tickets", async () => {
    await expect(buildBulkDemoDesk(desk.system, { tickets: 10, seed: 1 })).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});

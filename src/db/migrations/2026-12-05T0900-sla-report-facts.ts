import { type Kysely, sql } from "kysely";

// The SLA attainment and Times reports read one row per SLA clock, kept in step with `sla_clocks`
// in the transaction that recomputes a ticket's clocks, carrying what the reports group and filter by
// (the ticket's severity, plan, group and assignee; the settling week and month) so a report reads an
// index range and never joins or scans tickets. The two wide indexes cover every column their report
// reads: a quarter's figures are an index-only walk of that quarter's entries.
// Existing clocks are copied in here, so a desk upgraded with history gets its reports.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sla_report_facts")
    .addColumn("clock_id", "text", (c) => c.primaryKey())
    .addColumn("ticket_id", "text", (c) => c.notNull().references("tickets.id").onDelete("cascade"))
    .addColumn("ticket_number", "integer", (c) => c.notNull())
    .addColumn("policy_id", "text", (c) => c.notNull())
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("severity", "text", (c) => c.notNull())
    .addColumn("plan", "text")
    .addColumn("group_id", "text")
    .addColumn("assignee_id", "text")
    // met | breached | open (running or paused, not yet past due)
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("settled_at", "text")
    .addColumn("settled_week", "text")
    .addColumn("settled_month", "text")
    .addColumn("due_at", "text")
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("stopped_at", "text")
    .addColumn("business_ms", "bigint", (c) => c.notNull())
    .addColumn("calendar_ms", "bigint")
    .addColumn("target_ms", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("sla_report_facts_by_ticket")
    .on("sla_report_facts")
    .column("ticket_id")
    .execute();
  await db.schema
    .createIndex("sla_report_facts_by_settled")
    .on("sla_report_facts")
    .columns([
      "settled_at",
      "outcome",
      "policy_id",
      "metric",
      "severity",
      "plan",
      "group_id",
      "assignee_id",
      "settled_week",
      "settled_month",
    ])
    .execute();
  await db.schema
    .createIndex("sla_report_facts_by_stopped")
    .on("sla_report_facts")
    .columns([
      "stopped_at",
      "metric",
      "policy_id",
      "business_ms",
      "calendar_ms",
      "severity",
      "plan",
      "group_id",
      "assignee_id",
    ])
    .execute();
  await db.schema
    .createIndex("sla_report_facts_open_by_due")
    .on("sla_report_facts")
    .columns(["outcome", "due_at"])
    .where(sql.ref("outcome"), "=", "open")
    .execute();
  await copyExistingClocks(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("sla_report_facts").execute();
}

const day = 24 * 60 * 60 * 1000;

// Frozen copies of the reports' bucketing (migrations never import app code): the Monday (UTC) a
// week starts on, and the month.
function weekOf(at: string): string {
  const instant = new Date(at);
  const sinceMonday = (instant.getUTCDay() + 6) % 7;
  const monday = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
  return new Date(monday.getTime() - sinceMonday * day).toISOString().slice(0, 10);
}

async function copyExistingClocks(db: Kysely<any>): Promise<void> {
  let after = "";
  for (;;) {
    const clocks = await db
      .selectFrom("sla_clocks")
      .innerJoin("tickets", "tickets.id", "sla_clocks.ticket_id")
      .leftJoin("organizations", "organizations.id", "tickets.organization_id")
      .select([
        "sla_clocks.id",
        "sla_clocks.ticket_id",
        "sla_clocks.policy_id",
        "sla_clocks.metric",
        "sla_clocks.state",
        "sla_clocks.started_at",
        "sla_clocks.due_at",
        "sla_clocks.achieved_at",
        "sla_clocks.breached_at",
        "sla_clocks.used_ms",
        "sla_clocks.target_ms",
        "tickets.number",
        "tickets.severity",
        "tickets.group_id",
        "tickets.assignee_id",
        "organizations.plan",
      ])
      .where("sla_clocks.id", ">", after)
      .orderBy("sla_clocks.id")
      .limit(1000)
      .execute();
    if (clocks.length === 0) return;
    await db
      .insertInto("sla_report_facts")
      .values(
        clocks.map((clock) => {
          const outcome =
            clock.state === "breached" ? "breached" : clock.state === "achieved" ? "met" : "open";
          const settledAt =
            outcome === "breached" ? clock.breached_at : outcome === "met" ? clock.achieved_at : null;
          return {
            clock_id: clock.id,
            ticket_id: clock.ticket_id,
            ticket_number: clock.number,
            policy_id: clock.policy_id,
            metric: clock.metric,
            severity: clock.severity,
            plan: clock.plan,
            group_id: clock.group_id,
            assignee_id: clock.assignee_id,
            outcome,
            settled_at: settledAt,
            settled_week: settledAt === null ? null : weekOf(settledAt),
            settled_month: settledAt === null ? null : settledAt.slice(0, 7),
            due_at: clock.due_at,
            started_at: clock.started_at,
            stopped_at: clock.achieved_at,
            business_ms: clock.used_ms,
            calendar_ms:
              clock.achieved_at === null
                ? null
                : Date.parse(clock.achieved_at) - Date.parse(clock.started_at),
            target_ms: clock.target_ms,
          };
        }),
      )
      .execute();
    after = clocks[clocks.length - 1]?.id ?? after;
  }
}

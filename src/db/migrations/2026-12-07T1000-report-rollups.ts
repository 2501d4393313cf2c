import { type Kysely, PostgresAdapter, sql } from "kysely";

// Rollups for the reports that a quarter made slow: Flow's per-hour counts (by channel) and the Times
// report's stopped-clock durations (per UTC day, policy and metric, each a sorted array of exact
// values, so medians stay exact). A rollup row is a cache of what the report's own query answers for
// one hour or day; it is written only by the refresh job (`reports/refresh-report-rollups.ts`), which
// recomputes it with that query. Triggers on the source tables note which hours and days a write
// touched (`report_stale_periods`, append-only, so concurrent writers never wait on each other); a
// report reads a noted period live from the source, so a rollup never shows a stale figure, and the
// triggers catch every writer (imports, seeders, retention, erasure) without any of them knowing.
// Existing history is noted stale here and rolled up by the job in the background.

interface StaleMark {
  rollup: "flow" | "durations";
  /** The source column whose instant names the period. */
  column: string;
  /** 13 characters of an ISO instant name its hour, 10 its day. */
  length: 13 | 10;
}

interface WatchedTable {
  table: string;
  /** Only rows meeting it count, as a condition on `row.` (NEW or OLD). */
  when: (row: "NEW" | "OLD") => string;
  mark: StaleMark;
  /** An update of these columns can move the row's figures; any other update cannot. */
  updateOf: string[];
}

const watched: WatchedTable[] = [
  {
    table: "tickets",
    when: () => "1 = 1",
    mark: { rollup: "flow", column: "created_at", length: 13 },
    updateOf: ["created_at", "channel"],
  },
  {
    table: "ticket_events",
    when: (row) => `${row}.field = 'status'`,
    mark: { rollup: "flow", column: "created_at", length: 13 },
    updateOf: ["field", "from_value", "to_value", "reason", "created_at", "ticket_id"],
  },
  {
    table: "ticket_health_flags",
    when: () => "1 = 1",
    mark: { rollup: "flow", column: "raised_at", length: 13 },
    updateOf: ["flag", "raised_at", "ticket_id"],
  },
  {
    table: "sla_report_facts",
    when: (row) => `${row}.stopped_at IS NOT NULL`,
    mark: { rollup: "durations", column: "stopped_at", length: 10 },
    updateOf: ["stopped_at", "policy_id", "metric", "business_ms", "calendar_ms"],
  },
];

const markOf = (mark: StaleMark, row: "NEW" | "OLD") =>
  `INSERT INTO report_stale_periods (rollup, period) VALUES ('${mark.rollup}', substr(${row}.${mark.column}, 1, ${mark.length}));`;

// A ticket's events and flags are counted under its channel: a channel change moves them all.
const ticketChannelMoves = (row: "NEW" | "OLD") => `
  INSERT INTO report_stale_periods (rollup, period)
    SELECT 'flow', substr(created_at, 1, 13) FROM ticket_events WHERE ticket_id = ${row}.id AND field = 'status';
  INSERT INTO report_stale_periods (rollup, period)
    SELECT 'flow', substr(raised_at, 1, 13) FROM ticket_health_flags WHERE ticket_id = ${row}.id;`;

function sqliteTriggers({ table, when, mark, updateOf }: WatchedTable): string[] {
  const name = `report_stale_${table}`;
  const onUpdate = updateOf.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(" OR ");
  return [
    `CREATE TRIGGER ${name}_insert AFTER INSERT ON ${table} WHEN ${when("NEW")} BEGIN ${markOf(mark, "NEW")} END`,
    `CREATE TRIGGER ${name}_delete AFTER DELETE ON ${table} WHEN ${when("OLD")} BEGIN ${markOf(mark, "OLD")} END`,
    `CREATE TRIGGER ${name}_update AFTER UPDATE ON ${table} WHEN (${when("OLD")} OR ${when("NEW")}) AND (${onUpdate})
     BEGIN ${markOf(mark, "OLD")} ${markOf(mark, "NEW")} ${table === "tickets" ? ticketChannelMoves("NEW") : ""} END`,
  ];
}

function postgresTriggers({ table, when, mark, updateOf }: WatchedTable): string[] {
  const name = `report_stale_${table}`;
  const onUpdate = updateOf.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(" OR ");
  return [
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'INSERT' THEN
         IF ${when("NEW")} THEN ${markOf(mark, "NEW")} END IF;
       ELSIF TG_OP = 'DELETE' THEN
         IF ${when("OLD")} THEN ${markOf(mark, "OLD")} END IF;
       ELSIF (${when("OLD")} OR ${when("NEW")}) AND (${onUpdate}) THEN
         ${markOf(mark, "OLD")} ${markOf(mark, "NEW")} ${table === "tickets" ? ticketChannelMoves("NEW") : ""}
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER ${name} AFTER INSERT OR UPDATE OR DELETE ON ${table}
     FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  ];
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("report_stale_periods")
    .addColumn("rollup", "text", (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("report_stale_periods_by_period")
    .on("report_stale_periods")
    .columns(["rollup", "period"])
    .execute();
  await db.schema
    .createTable("flow_hourly_counts")
    .addColumn("figure", "text", (c) => c.notNull())
    // YYYY-MM-DDTHH, UTC
    .addColumn("hour", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("flow_hourly_counts_pk", ["figure", "hour", "channel"])
    .execute();
  const bytes = postgres ? "bytea" : "blob";
  await db.schema
    .createTable("stopped_duration_digests")
    // YYYY-MM-DD, UTC
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("policy_id", "text", (c) => c.notNull())
    .addColumn("metric", "text", (c) => c.notNull())
    .addColumn("count", "integer", (c) => c.notNull())
    // Float64 little-endian, ascending
    .addColumn("business_ms", sql.raw(bytes), (c) => c.notNull())
    .addColumn("calendar_ms", sql.raw(bytes), (c) => c.notNull())
    .addPrimaryKeyConstraint("stopped_duration_digests_pk", ["day", "policy_id", "metric"])
    .execute();

  for (const table of watched) {
    for (const statement of postgres ? postgresTriggers(table) : sqliteTriggers(table)) {
      await sql.raw(statement).execute(db);
    }
  }

  await sql`INSERT INTO report_stale_periods (rollup, period)
    SELECT DISTINCT 'flow', substr(created_at, 1, 13) FROM tickets
    UNION SELECT DISTINCT 'flow', substr(created_at, 1, 13) FROM ticket_events WHERE field = 'status'
    UNION SELECT DISTINCT 'flow', substr(raised_at, 1, 13) FROM ticket_health_flags`.execute(db);
  await sql`INSERT INTO report_stale_periods (rollup, period)
    SELECT DISTINCT 'durations', substr(stopped_at, 1, 10) FROM sla_report_facts
    WHERE stopped_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const { table } of watched) {
    const name = `report_stale_${table}`;
    if (postgres) {
      await sql.raw(`DROP TRIGGER ${name} ON ${table}`).execute(db);
      await sql.raw(`DROP FUNCTION ${name}()`).execute(db);
    } else {
      for (const event of ["insert", "delete", "update"]) {
        await sql.raw(`DROP TRIGGER ${name}_${event}`).execute(db);
      }
    }
  }
  await db.schema.dropTable("stopped_duration_digests").execute();
  await db.schema.dropTable("flow_hourly_counts").execute();
  await db.schema.dropTable("report_stale_periods").execute();
}

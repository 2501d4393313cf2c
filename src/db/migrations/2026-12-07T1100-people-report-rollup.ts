import { type Kysely, PostgresAdapter, sql } from "kysely";

// The People report's rollup, beside Flow's and the Times report's (`2026-12-07T1000-report-rollups.ts`):
// per UTC day, the report's four grouped counts (solves and public replies per agent, group and channel;
// CSAT and SLA attainment per agent and group) as the report's own queries answer them for that day.
// People counts by the ticket's owners now, so a reassignment touches every day its ticket was solved
// or replied on: the trigger on tickets notes those days too, and a role change notes the days of the
// person's replies (only staff replies count; no index leads with the author, so a role change reads
// every reply's index entry, about a second at a million tickets, for a change an admin makes rarely).
// As before, noted days are read live until rolled up.

const stale = (row: "NEW" | "OLD", column: string) =>
  `INSERT INTO report_stale_periods (rollup, period) VALUES ('people', substr(${row}.${column}, 1, 10));`;

const countedEvent = (row: "NEW" | "OLD") =>
  `(${row}.field = 'status' OR ${row}.kind = 'public_reply_added')`;

// Every day a ticket's solves and replies count on, for a change of its owners or channel.
const daysOfTicket = (row: "NEW" | "OLD") => `
  INSERT INTO report_stale_periods (rollup, period)
    SELECT DISTINCT 'people', substr(created_at, 1, 10) FROM ticket_events
    WHERE ticket_id = ${row}.id AND (field = 'status' OR kind = 'public_reply_added');`;

const daysOfReplies = (row: "NEW" | "OLD") => `
  INSERT INTO report_stale_periods (rollup, period)
    SELECT DISTINCT 'people', substr(created_at, 1, 10) FROM ticket_events
    WHERE actor_id = ${row}.id AND kind = 'public_reply_added';`;

interface Watch {
  table: string;
  /** What an inserted or deleted row notes; null: nothing. */
  onRow: ((row: "NEW" | "OLD") => { when: string; mark: string }) | null;
  /** Columns whose update moves figures, and what such an update notes. */
  onUpdate: { columns: string[]; when?: (row: "NEW" | "OLD") => string; marks: string[] };
}

const watches: Watch[] = [
  {
    table: "ticket_events",
    onRow: (row) => ({ when: countedEvent(row), mark: stale(row, "created_at") }),
    onUpdate: {
      columns: ["field", "kind", "to_value", "created_at", "actor_id", "ticket_id"],
      when: (row) => countedEvent(row),
      marks: [stale("OLD", "created_at"), stale("NEW", "created_at")],
    },
  },
  {
    table: "tickets",
    onRow: null,
    onUpdate: { columns: ["group_id", "assignee_id", "channel", "created_at"], marks: [daysOfTicket("NEW")] },
  },
  {
    table: "people",
    onRow: null,
    onUpdate: { columns: ["role"], marks: [daysOfReplies("NEW")] },
  },
  {
    table: "sla_report_facts",
    onRow: (row) => ({ when: `${row}.settled_at IS NOT NULL`, mark: stale(row, "settled_at") }),
    onUpdate: {
      columns: ["settled_at", "outcome", "group_id", "assignee_id"],
      when: (row) => `${row}.settled_at IS NOT NULL`,
      marks: [stale("OLD", "settled_at"), stale("NEW", "settled_at")],
    },
  },
  {
    table: "satisfaction_surveys",
    onRow: (row) => ({ when: "1 = 1", mark: stale(row, "solved_at") }),
    onUpdate: {
      columns: ["solved_at", "sent_at", "rating", "group_id", "assignee_id"],
      marks: [stale("OLD", "solved_at"), stale("NEW", "solved_at")],
    },
  },
];

function sqliteTriggers({ table, onRow, onUpdate }: Watch): string[] {
  const name = `report_stale_people_${table}`;
  const changed = onUpdate.columns.map((column) => `OLD.${column} IS NOT NEW.${column}`).join(" OR ");
  const counted = onUpdate.when ? `(${onUpdate.when("OLD")} OR ${onUpdate.when("NEW")}) AND ` : "";
  const triggers = [
    `CREATE TRIGGER ${name}_update AFTER UPDATE ON ${table} WHEN ${counted}(${changed})
     BEGIN ${onUpdate.marks.join(" ")} END`,
  ];
  if (onRow) {
    const inserted = onRow("NEW");
    const deleted = onRow("OLD");
    triggers.push(
      `CREATE TRIGGER ${name}_insert AFTER INSERT ON ${table} WHEN ${inserted.when} BEGIN ${inserted.mark} END`,
      `CREATE TRIGGER ${name}_delete AFTER DELETE ON ${table} WHEN ${deleted.when} BEGIN ${deleted.mark} END`,
    );
  }
  return triggers;
}

function postgresTriggers({ table, onRow, onUpdate }: Watch): string[] {
  const name = `report_stale_people_${table}`;
  const changed = onUpdate.columns
    .map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`)
    .join(" OR ");
  const counted = onUpdate.when ? `(${onUpdate.when("OLD")} OR ${onUpdate.when("NEW")}) AND ` : "";
  const rowBranches = onRow
    ? `IF TG_OP = 'INSERT' THEN
         IF ${onRow("NEW").when} THEN ${onRow("NEW").mark} END IF;
       ELSIF TG_OP = 'DELETE' THEN
         IF ${onRow("OLD").when} THEN ${onRow("OLD").mark} END IF;
       ELS`
    : "";
  return [
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       ${rowBranches}IF ${counted}(${changed}) THEN
         ${onUpdate.marks.join(" ")}
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER ${name} AFTER ${onRow ? "INSERT OR DELETE OR " : ""}UPDATE ON ${table}
     FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  ];
}

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("people_daily_cells")
    .addColumn("source", "text", (c) => c.notNull())
    // YYYY-MM-DD, UTC
    .addColumn("day", "text", (c) => c.notNull())
    // JSON: the day's grouped counts, owners' ids numbered once per row (`reports/people-rollup.ts`)
    .addColumn("cells", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("people_daily_cells_pk", ["source", "day"])
    .execute();
  for (const watch of watches) {
    for (const statement of postgres ? postgresTriggers(watch) : sqliteTriggers(watch)) {
      await sql.raw(statement).execute(db);
    }
  }
  await sql`INSERT INTO report_stale_periods (rollup, period)
    SELECT DISTINCT 'people', substr(created_at, 1, 10) FROM ticket_events
      WHERE field = 'status' OR kind = 'public_reply_added'
    UNION SELECT DISTINCT 'people', substr(settled_at, 1, 10) FROM sla_report_facts WHERE settled_at IS NOT NULL
    UNION SELECT DISTINCT 'people', substr(solved_at, 1, 10) FROM satisfaction_surveys`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const { table, onRow } of watches) {
    const name = `report_stale_people_${table}`;
    if (postgres) {
      await sql.raw(`DROP TRIGGER ${name} ON ${table}`).execute(db);
      await sql.raw(`DROP FUNCTION ${name}()`).execute(db);
    } else {
      for (const event of onRow ? ["update", "insert", "delete"] : ["update"]) {
        await sql.raw(`DROP TRIGGER ${name}_${event}`).execute(db);
      }
    }
  }
  await db.schema.dropTable("people_daily_cells").execute();
}

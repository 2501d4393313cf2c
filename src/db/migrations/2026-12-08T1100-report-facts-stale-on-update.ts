import { type Kysely, PostgresAdapter, sql } from "kysely";

// The report facts' triggers (2026-12-07T1000 for the Times report, …T1100 for People) noted both the
// old and the new row's day on an update that moved a fact's figures, even when one of them had not
// stopped or settled yet: its day is null, and the note's insert failed. Facts were only ever deleted
// and inserted then; a ticket change now writes its facts over in place on PostgreSQL (one statement,
// `replaceTicketReportFacts`), so an update can stop or settle a clock. Each row is noted only when
// it has a day. Down leaves them so: the triggers before failed where these note nothing.

interface FactsWatch {
  /** The trigger (SQLite) or trigger function (PostgreSQL) replaced; SQLite's update trigger is `<name>_update`. */
  name: string;
  rollup: "durations" | "people";
  /** The instant that names the row's day; null until the clock stops or settles. */
  column: "stopped_at" | "settled_at";
  /** An update of these columns can move the row's figures. */
  updateOf: string[];
}

const watches: FactsWatch[] = [
  {
    name: "report_stale_sla_report_facts",
    rollup: "durations",
    column: "stopped_at",
    updateOf: ["stopped_at", "policy_id", "metric", "business_ms", "calendar_ms"],
  },
  {
    name: "report_stale_people_sla_report_facts",
    rollup: "people",
    column: "settled_at",
    updateOf: ["settled_at", "outcome", "group_id", "assignee_id"],
  },
];

const note = ({ rollup, column }: FactsWatch, row: "NEW" | "OLD") =>
  `INSERT INTO report_stale_periods (rollup, period)
     SELECT '${rollup}', substr(${row}.${column}, 1, 10) WHERE ${row}.${column} IS NOT NULL;`;

const changed = (watch: FactsWatch, differs: "IS DISTINCT FROM" | "IS NOT") =>
  watch.updateOf.map((column) => `OLD.${column} ${differs} NEW.${column}`).join(" OR ");

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const watch of watches) {
    if (postgres) {
      await sql
        .raw(`CREATE OR REPLACE FUNCTION ${watch.name}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF TG_OP = 'INSERT' THEN ${note(watch, "NEW")}
            ELSIF TG_OP = 'DELETE' THEN ${note(watch, "OLD")}
            ELSIF ${changed(watch, "IS DISTINCT FROM")} THEN ${note(watch, "OLD")} ${note(watch, "NEW")}
            END IF;
            RETURN NULL;
          END $$`)
        .execute(db);
      continue;
    }
    await sql.raw(`DROP TRIGGER ${watch.name}_update`).execute(db);
    await sql
      .raw(`CREATE TRIGGER ${watch.name}_update AFTER UPDATE ON sla_report_facts
        WHEN ${changed(watch, "IS NOT")}
        BEGIN ${note(watch, "OLD")} ${note(watch, "NEW")} END`)
      .execute(db);
  }
}

export async function down(): Promise<void> {}

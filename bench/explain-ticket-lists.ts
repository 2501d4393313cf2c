import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, type Dialect, Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { type DatabaseTarget, withoutParallelWorkers } from "../src/db/database.js";
import type { Tables } from "../src/db/tables.js";
import { systemScope } from "../src/modules/identity/tenant-scope.js";
import { listTicketRows, type TicketListQuery } from "../src/modules/tickets/ticket-repository.js";

/** The lists are explained as staff run them; a customer's list only adds an indexed equality. */
const benchScope = systemScope("bench: explaining the queue queries");

export interface TicketListPlan {
  name: string;
  /** The plan in one line: how the tickets are found and whether they are sorted after reading. */
  summary: string;
}

/** A second, read-only connection to a bench database, for running statements again under EXPLAIN. */
export function dialectFor(target: DatabaseTarget): Dialect {
  if (target.kind === "postgres") {
    return new PostgresDialect({ pool: new pg.Pool({ connectionString: target.url, max: 1 }) });
  }
  return new SqliteDialect({ database: new SqliteDatabase(target.file, { readonly: true }) });
}

/**
 * Explains the SQL the repository really sends: `listTicketRows` runs on a connection that records
 * its statement, which is then run again under EXPLAIN with the same parameters.
 */
export async function explainTicketLists(
  target: DatabaseTarget,
  lists: readonly { name: string; query: TicketListQuery }[],
): Promise<TicketListPlan[]> {
  let recorded: CompiledQuery | undefined;
  const db = new Kysely<Tables>({
    dialect: dialectFor(target),
    // The page query, which reads the tickets' rows: not a search's count of its documents before it,
    // the transaction around it on PostgreSQL, or the name lookups after it (primary-key probes).
    log: (event) => {
      if (/^select "tickets"\.\*/.test(event.query.sql)) recorded ??= event.query;
    },
  });
  const explain = target.kind === "postgres" ? "EXPLAIN (COSTS OFF)" : "EXPLAIN QUERY PLAN";
  try {
    const plans: TicketListPlan[] = [];
    for (const list of lists) {
      recorded = undefined;
      await listTicketRows(db, target.kind, benchScope, list.query);
      const pageQuery = recorded as CompiledQuery | undefined;
      if (!pageQuery) throw new Error("the list query was not recorded");
      // As the repository runs it: on PostgreSQL without parallel workers.
      const { rows } = await withoutParallelWorkers(db, target.kind, (serialDb) =>
        serialDb.executeQuery<Record<string, string>>(
          CompiledQuery.raw(`${explain} ${pageQuery.sql}`, [...pageQuery.parameters]),
        ),
      );
      const steps = rows.map((row) => String(row["QUERY PLAN"] ?? row.detail ?? ""));
      plans.push({ name: list.name, summary: summarizePlan(steps) });
    }
    return plans;
  } finally {
    await db.destroy();
  }
}

// The summary keeps how tickets are found and whether they are sorted after reading.
const decisiveStep =
  /^(Sort|Incremental Sort|HashAggregate|Hash Semi Join|Nested Loop Semi Join|SEARCH|SCAN|LIST SUBQUERY|USE TEMP B-TREE)\b|\bScan\b.* on /;

function summarizePlan(steps: string[]): string {
  return steps
    .map((step) => step.replace(/^\s*->\s*/, "").trim())
    .filter((step) => decisiveStep.test(step) && !/^Sort Key/.test(step))
    .join("; ");
}

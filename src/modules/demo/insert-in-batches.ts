import { type Insertable, sql } from "kysely";
import type { Db } from "../../db/database.js";
import type { Tables } from "../../db/tables.js";

// SQLite binds at most 32,766 parameters per statement and PostgreSQL 65,535; stay under both.
const maxParametersPerStatement = 30_000;

/** Runs `insert` over slices of `rows`, each as many rows as one multi-row INSERT may bind. */
export async function insertInBatches<Row extends object>(
  rows: readonly Row[],
  insert: (batch: Row[]) => Promise<unknown>,
): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const rowsPerStatement = Math.floor(maxParametersPerStatement / Object.keys(first).length);
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    await insert(rows.slice(start, start + rowsPerStatement));
  }
}

/**
 * PostgreSQL only: inserts `rows` into `table` with one array parameter per column, unnested by the
 * server, `rowsPerStatement` at a time. Seventeen parameters bind and plan far faster than a VALUES
 * list of 30,000: loading 300k SLA clocks took a third less time. Numbers travel as bigint (cast on
 * assignment to integer columns), everything else as text.
 */
export async function insertByColumns<Table extends keyof Tables & string>(
  db: Db,
  table: Table,
  rows: readonly Insertable<Tables[Table]>[],
  rowsPerStatement = 10_000,
): Promise<void> {
  const [first] = rows;
  if (!first) return;
  const columns = Object.keys(first);
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const slice = rows.slice(start, start + rowsPerStatement) as Record<string, unknown>[];
    const arrays = columns.map((column) => {
      const values = slice.map((row) => row[column] ?? null);
      const type = values.some((value) => typeof value === "number") ? "bigint[]" : "text[]";
      return sql`${values}::${sql.raw(type)}`;
    });
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))})
      SELECT * FROM unnest(${sql.join(arrays)})`.execute(db);
  }
}

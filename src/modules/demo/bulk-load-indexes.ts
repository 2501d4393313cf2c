import { sql } from "kysely";
import type { Db, DialectKind } from "../../db/database.js";

interface SecondaryIndex {
  name: string;
  definition: string;
}

/**
 * Runs a bulk load with the tables' secondary indexes dropped, then builds them again from their own
 * definitions (the migrations', read back from the catalog). Building an index once over sorted input
 * is several times faster than maintaining it row by row: on SQLite the events' four indexes cost more
 * than the rows themselves. Primary keys and the indexes behind PostgreSQL constraints stay, so the load
 * is still checked for duplicates; the indexes come back even when the load fails.
 */
export async function withSecondaryIndexesDropped<T>(
  db: Db,
  dialect: DialectKind,
  tables: readonly string[],
  load: () => Promise<T>,
): Promise<T> {
  const indexes = await secondaryIndexes(db, dialect, tables);
  for (const index of indexes) await sql`DROP INDEX ${sql.ref(index.name)}`.execute(db);
  try {
    return await load();
  } finally {
    await db.transaction().execute(async (tx) => {
      // Sorting a million entries in memory rather than in spilled runs: PostgreSQL's default is 64 MB.
      if (dialect === "postgres") await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(tx);
      for (const index of indexes) await sql.raw(index.definition).execute(tx);
    });
  }
}

async function secondaryIndexes(
  db: Db,
  dialect: DialectKind,
  tables: readonly string[],
): Promise<SecondaryIndex[]> {
  if (dialect === "postgres") {
    const { rows } = await sql<SecondaryIndex>`
      SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename IN (${sql.join(tables)})
        AND indexname NOT IN (SELECT conname FROM pg_constraint)`.execute(db);
    return rows;
  }
  // Automatic indexes (primary keys, UNIQUE columns) have no SQL of their own and stay.
  const { rows } = await sql<SecondaryIndex>`
    SELECT name, sql AS definition FROM sqlite_master
    WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${sql.join(tables)})`.execute(db);
  return rows;
}

import { type Kysely, sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { ForeignKey } from "./backup-manifest.js";

/**
 * The only backup SQL. Tables are read from the database's own catalog, not from a list in code,
 * so a migration that adds a table is backed up and restored without touching this module.
 * Table and column names come from that catalog (or from a manifest already matched against it).
 */

export interface CatalogTable {
  name: string;
  columns: { name: string; declaredType: string }[];
  primaryKey: string[];
}

// Kysely's own bookkeeping: the backup records the applied migrations in its manifest instead.
const migrationTables = new Set(["kysely_migration", "kysely_migration_lock"]);

/** Any table, any column: the names come from the catalog, not from `Tables`. */
type AnyTables = Record<string, Record<string, unknown>>;

function untyped(db: DbExecutor): Kysely<AnyTables> {
  return db as unknown as Kysely<AnyTables>;
}

/**
 * Runs `work` in one read-only transaction that sees a single moment of the database. PostgreSQL:
 * REPEATABLE READ keeps one snapshot for the whole transaction. SQLite in WAL mode: a read
 * transaction sees the database as of its first read, while writers carry on beside it.
 */
export async function inReadSnapshot<T>(
  db: DbExecutor,
  dialect: DialectKind,
  work: (snapshot: DbExecutor) => Promise<T>,
): Promise<T> {
  if (dialect === "postgres") {
    return db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute(work);
  }
  // Tend's own SQLite transactions begin IMMEDIATE, taking the write lock; this one must not.
  return db.connection().execute(async (connection) => {
    await sql`BEGIN DEFERRED`.execute(connection);
    try {
      const result = await work(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(connection);
      throw error;
    }
  });
}

export async function readCatalog(db: DbExecutor, dialect: DialectKind): Promise<CatalogTable[]> {
  if (dialect === "postgres") {
    const { rows } = await sql<{
      table_name: string;
      column_name: string;
      data_type: string;
      primary_key_position: number | null;
    }>`SELECT c.table_name, c.column_name, c.data_type,
        (SELECT k.ordinal_position FROM information_schema.key_column_usage k
          JOIN information_schema.table_constraints tc
            ON tc.constraint_name = k.constraint_name AND tc.table_schema = k.table_schema
          WHERE tc.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
            AND k.table_name = c.table_name AND k.column_name = c.column_name) AS primary_key_position
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`.execute(db);
    const tables = new Map<string, CatalogTable & { keyPositions: Map<string, number> }>();
    for (const row of rows) {
      if (migrationTables.has(row.table_name)) continue;
      let table = tables.get(row.table_name);
      if (!table) {
        table = { name: row.table_name, columns: [], primaryKey: [], keyPositions: new Map() };
        tables.set(row.table_name, table);
      }
      table.columns.push({ name: row.column_name, declaredType: row.data_type });
      if (row.primary_key_position !== null)
        table.keyPositions.set(row.column_name, row.primary_key_position);
    }
    return [...tables.values()].map(({ keyPositions, ...table }) => ({
      ...table,
      primaryKey: [...keyPositions].sort((a, b) => a[1] - b[1]).map(([column]) => column),
    }));
  }
  // `table_list` tells real tables from virtual ones and from the shadow tables FTS5 keeps for them.
  const { rows: tableRows } = await sql<{ name: string; type: string }>`
    SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual')
      AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`.execute(db);
  const tables: CatalogTable[] = [];
  for (const { name } of tableRows) {
    if (migrationTables.has(name)) continue;
    const { rows: columns } = await sql<{ name: string; type: string; pk: number }>`
      SELECT name, type, pk FROM pragma_table_info(${name}) ORDER BY cid`.execute(db);
    tables.push({
      name,
      columns: columns.map((c) => ({ name: c.name, declaredType: c.type })),
      primaryKey: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
    });
  }
  return tables;
}

export async function readForeignKeys(db: DbExecutor, dialect: DialectKind): Promise<ForeignKey[]> {
  if (dialect === "postgres") {
    const { rows } = await sql<ForeignKey>`SELECT cl.relname AS "table", ref.relname AS "referencedTable",
        att.attname AS "column"
      FROM pg_constraint con
      JOIN pg_class cl ON cl.oid = con.conrelid
      JOIN pg_class ref ON ref.oid = con.confrelid
      JOIN pg_namespace ns ON ns.oid = cl.relnamespace
      CROSS JOIN LATERAL unnest(con.conkey) AS key(attnum)
      JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = key.attnum
      WHERE con.contype = 'f' AND ns.nspname = current_schema()`.execute(db);
    return rows;
  }
  const { rows } = await sql<ForeignKey>`SELECT t.name AS "table", f."table" AS "referencedTable",
      f."from" AS "column"
    FROM pragma_table_list t, pragma_foreign_key_list(t.name) f
    WHERE t.schema = 'main' AND t.type = 'table'`.execute(db);
  return rows;
}

/** The migrations applied, oldest first; none on a database Tend never opened. */
export async function readAppliedMigrations(db: DbExecutor, dialect: DialectKind): Promise<string[]> {
  const exists =
    dialect === "postgres"
      ? sql<{ found: number }>`SELECT 1 AS found FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name = 'kysely_migration'`
      : sql<{ found: number }>`SELECT 1 AS found FROM sqlite_master
          WHERE type = 'table' AND name = 'kysely_migration'`;
  if ((await exists.execute(db)).rows.length === 0) return [];
  const rows = await untyped(db).selectFrom("kysely_migration").select("name").orderBy("name").execute();
  return rows.map((row) => row.name as string);
}

const pageSize = 500;

/**
 * Calls `onRows` with every row of a table, a page at a time, so a table never sits whole in
 * memory. Inside the caller's transaction: PostgreSQL reads through a cursor in its snapshot,
 * SQLite streams the statement on its one connection.
 */
export async function streamTableRows(
  db: DbExecutor,
  dialect: DialectKind,
  table: string,
  onRows: (rows: Record<string, unknown>[]) => Promise<void>,
): Promise<void> {
  if (dialect === "postgres") {
    await sql`DECLARE tend_backup_rows NO SCROLL CURSOR FOR SELECT * FROM ${sql.table(table)}`.execute(db);
    for (;;) {
      const { rows } = await sql<Record<string, unknown>>`FETCH FORWARD ${sql.lit(pageSize)}
        FROM tend_backup_rows`.execute(db);
      if (rows.length > 0) await onRows(rows);
      if (rows.length < pageSize) break;
    }
    await sql`CLOSE tend_backup_rows`.execute(db);
    return;
  }
  let page: Record<string, unknown>[] = [];
  for await (const row of untyped(db).selectFrom(table).selectAll().stream()) {
    page.push(row);
    if (page.length === pageSize) {
      await onRows(page);
      page = [];
    }
  }
  if (page.length > 0) await onRows(page);
}

export async function countTableRows(db: DbExecutor, table: string): Promise<number> {
  const row = await untyped(db)
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function deleteTableRows(db: DbExecutor, table: string): Promise<void> {
  await untyped(db).deleteFrom(table).execute();
}

export async function insertTableRows(
  db: DbExecutor,
  table: string,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length > 0) await untyped(db).insertInto(table).values(rows).execute();
}

/** Sets columns of one row found by its primary key: the second pass for self-references. */
export async function updateTableRow(
  db: DbExecutor,
  table: string,
  key: Record<string, unknown>,
  values: Record<string, unknown>,
): Promise<void> {
  let query = untyped(db).updateTable(table).set(values);
  for (const [column, value] of Object.entries(key)) query = query.where(column, "=", value);
  await query.execute();
}

/**
 * Restored rows carry their own ids; a serial or identity column's sequence must then start past
 * them, or the next insert collides. SQLite's rowids follow the largest key by themselves.
 */
export async function resetSequences(db: DbExecutor, dialect: DialectKind): Promise<void> {
  if (dialect !== "postgres") return;
  const { rows } = await sql<{ table_name: string; column_name: string; sequence: string }>`
    SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) AS sequence
    FROM information_schema.columns
    WHERE table_schema = current_schema()
      AND (column_default LIKE 'nextval(%' OR is_identity = 'YES')`.execute(db);
  for (const row of rows) {
    await sql`SELECT setval(${row.sequence}, COALESCE((SELECT max(${sql.ref(row.column_name)})
      FROM ${sql.table(row.table_name)}), 0) + 1, false)`.execute(db);
  }
}

/**
 * `restore --force`: removes every table, trigger and function the migrations made, so they
 * run again from the start. Dropping a table removes its rows without firing the audit log's
 * row triggers, which is why this is only reached when the operator asked for it by name.
 */
export async function dropDeskSchema(db: DbExecutor, dialect: DialectKind): Promise<string[]> {
  if (dialect === "postgres") {
    const { rows: tables } = await sql<{ name: string }>`SELECT table_name AS name
      FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
    if (tables.length > 0) {
      await sql`DROP TABLE ${sql.join(tables.map((t) => sql.table(t.name)))} CASCADE`.execute(db);
    }
    // The trigger functions the migrations created; an extension's functions are not Tend's to drop.
    const { rows: functions } = await sql<{ signature: string }>`SELECT p.oid::regprocedure::text AS signature
      FROM pg_proc p
      WHERE p.pronamespace = current_schema()::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`.execute(db);
    for (const { signature } of functions) await sql`DROP FUNCTION ${sql.raw(signature)}`.execute(db);
    return tables.map((t) => t.name);
  }
  const { rows: tables } = await sql<{ name: string }>`SELECT name FROM pragma_table_list
    WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`.execute(
    db,
  );
  // Foreign keys would otherwise make the drop order matter; the pragma is a no-op inside a
  // transaction, so the caller runs this outside one and the drops go one by one.
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    for (const { name } of tables) await sql`DROP TABLE IF EXISTS ${sql.table(name)}`.execute(db);
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
  return tables.map((t) => t.name);
}

/** The subjects and comment bodies the search index is built from, a page at a time in id order. */
export async function searchSourcesAfter(
  db: DbExecutor,
  source: "tickets" | "comments",
  afterId: string,
  excludedCommentChannel: string,
): Promise<{ id: string; ticketId: string; visibility: string; text: string }[]> {
  if (source === "tickets") {
    const rows = await db
      .selectFrom("tickets")
      .select(["id", "subject"])
      .where("id", ">", afterId)
      .orderBy("id")
      .limit(pageSize)
      .execute();
    return rows.map((row) => ({ id: row.id, ticketId: row.id, visibility: "public", text: row.subject }));
  }
  const rows = await db
    .selectFrom("comments")
    .select(["id", "ticket_id", "visibility", "body_text"])
    .where("id", ">", afterId)
    .where("channel", "<>", excludedCommentChannel)
    .orderBy("id")
    .limit(pageSize)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    ticketId: row.ticket_id,
    visibility: row.visibility,
    text: row.body_text,
  }));
}

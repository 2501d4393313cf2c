import { sql } from "kysely";
import type { Database } from "../../src/db/database.js";

/**
 * Every column of every row of every table as text, tables found in the schema itself
 * (sqlite_master, information_schema), never from a list: a table a later capability adds is
 * scanned too. SQLite includes the full-text index's shadow tables, PostgreSQL the tsvector column.
 */
export async function dumpDatabase(database: Database): Promise<Map<string, string[]>> {
  const tables =
    database.dialect === "postgres"
      ? await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(
          database.db,
        )
      : await sql<{ name: string }>`SELECT name FROM sqlite_master
          WHERE type = 'table' ORDER BY name`.execute(database.db);
  const dump = new Map<string, string[]>();
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)}`.execute(database.db);
    dump.set(name, rows.rows.map((row) => Object.values(row).map(asText).join("\u0001")).sort());
  }
  return dump;
}

/** Bytes as Latin-1 so ASCII words show; tsvector and every other type arrive as text already. */
function asText(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString("latin1");
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Where the markers still appear, as "table: …text…", case-insensitively. */
export function findMarkers(dump: Map<string, string[]>, markers: string[]): string[] {
  const found: string[] = [];
  for (const [table, rows] of dump) {
    for (const row of rows) {
      const lower = row.toLowerCase();
      for (const marker of markers) {
        const at = lower.indexOf(marker.toLowerCase());
        if (at >= 0) found.push(`${table}: …${row.slice(Math.max(0, at - 40), at + 60)}…`);
      }
    }
  }
  return found;
}

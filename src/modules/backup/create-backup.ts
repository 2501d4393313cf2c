import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Context } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { recordTicketNumberCounter } from "../tickets/ticket-numbers.js";
import { manifestFile, packArchive, stageAttachments } from "./backup-archive.js";
import { type BackupManifest, backupFormatVersion, insertionOrder } from "./backup-manifest.js";
import {
  type CatalogTable,
  inReadSnapshot,
  readAppliedMigrations,
  readCatalog,
  readForeignKeys,
  streamTableRows,
} from "./backup-repository.js";
import { type BackupColumn, columnKind, encodeValue, UnencodableValueError } from "./column-values.js";
import { derivedTables } from "./derived-tables.js";

export interface BackupSummary {
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  attachments: number;
  lastMigration: string;
}

/**
 * `tend backup`: one consistent snapshot of every table, taken while Tend keeps serving, and the
 * attachment store, as a single archive another Tend restores onto either database.
 */
export async function createBackup(
  ctx: Context,
  input: { file: string; attachmentsDir: string },
): Promise<BackupSummary> {
  requireAdmin(ctx.actor);
  const staging = await mkdtemp(join(tmpdir(), "tend-backup-"));
  try {
    await recordTicketNumberCounter(ctx.db, ctx.dialect);
    const snapshot = await snapshotTables(ctx, staging);
    const manifest: BackupManifest = {
      format: "tend-backup",
      formatVersion: backupFormatVersion,
      tendVersion: await tendVersion(),
      createdAt: ctx.clock.now().toISOString(),
      sourceDialect: ctx.dialect,
      ...snapshot,
      derivedTables: Object.keys(derivedTables),
      // The files are copied after the snapshot: they are written once, before the row naming them.
      attachments: await stageAttachments(input.attachmentsDir, staging),
    };
    await writeFile(join(staging, manifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
    await packArchive(staging, input.file);

    const summary: BackupSummary = {
      file: input.file,
      bytes: (await stat(input.file)).size,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((sum, table) => sum + table.rows, 0),
      attachments: manifest.attachments.length,
      lastMigration: manifest.migrations.at(-1) as string,
    };
    await recordAudit(ctx, {
      action: "backup.created",
      targetType: "desk",
      targetId: null,
      after: {
        archive: basename(input.file),
        bytes: summary.bytes,
        tables: summary.tables,
        rows: summary.rows,
        attachments: summary.attachments,
        lastMigration: summary.lastMigration,
      },
    });
    return summary;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Every table read in one read transaction: what a concurrent writer commits meanwhile is not in it. */
async function snapshotTables(
  ctx: Context,
  staging: string,
): Promise<Pick<BackupManifest, "migrations" | "tables">> {
  await mkdir(join(staging, "tables"));
  return inReadSnapshot(ctx.db, ctx.dialect, async (db) => {
    const migrations = await readAppliedMigrations(db, ctx.dialect);
    const catalog = (await readCatalog(db, ctx.dialect)).filter((t) => !(t.name in derivedTables));
    const { order } = insertionOrder(
      catalog.map((t) => t.name),
      await readForeignKeys(db, ctx.dialect),
    );
    const byName = new Map(catalog.map((t) => [t.name, t]));
    const tables: BackupManifest["tables"] = [];
    for (const name of order) {
      const table = byName.get(name) as CatalogTable;
      const columns = backupColumns(table);
      const file = `tables/${name}.jsonl`;
      const { rows, sha256 } = await writeTableFile(join(staging, file), table.name, columns, (onRows) =>
        streamTableRows(db, ctx.dialect, name, onRows),
      );
      tables.push({ name, file, columns, rows, sha256 });
    }
    return { migrations, tables };
  });
}

/** A table whose column type has no exact form in the archive stops the backup, naming it. */
function backupColumns(table: CatalogTable): BackupColumn[] {
  return table.columns.map((column) => {
    const kind = columnKind(column.declaredType);
    if (!kind) {
      throw new Error(
        `cannot back up ${table.name}.${column.name}: its type "${column.declaredType}" has no exact ` +
          "form in a backup (teach src/modules/backup/column-values.ts, or declare the table derived)",
      );
    }
    return { name: column.name, kind };
  });
}

/** One JSON object per row and line, hashed as it is written. */
async function writeTableFile(
  path: string,
  table: string,
  columns: BackupColumn[],
  readRows: (onRows: (rows: Record<string, unknown>[]) => Promise<void>) => Promise<void>,
): Promise<{ rows: number; sha256: string }> {
  const out = createWriteStream(path);
  const hash = createHash("sha256");
  let count = 0;
  await readRows(async (rows) => {
    let chunk = "";
    for (const row of rows) chunk += `${JSON.stringify(encodeRow(table, row, columns))}\n`;
    hash.update(chunk);
    count += rows.length;
    if (!out.write(chunk)) await once(out, "drain");
  });
  out.end();
  await once(out, "finish");
  return { rows: count, sha256: hash.digest("hex") };
}

function encodeRow(
  table: string,
  row: Record<string, unknown>,
  columns: BackupColumn[],
): Record<string, unknown> {
  const encoded: Record<string, unknown> = {};
  for (const column of columns) {
    try {
      encoded[column.name] = encodeValue(column, row[column.name]);
    } catch (error) {
      if (error instanceof UnencodableValueError)
        throw new Error(`cannot back up a row of ${table}: ${error.message}`);
      throw error;
    }
  }
  return encoded;
}

async function tendVersion(): Promise<string> {
  // src/modules/backup and dist/modules/backup are both three folders below package.json.
  const packageJson = await readFile(new URL("../../../package.json", import.meta.url), "utf8");
  return (JSON.parse(packageJson) as { version: string }).version;
}

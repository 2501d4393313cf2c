import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import { migrateToLatest, migrateUpTo } from "../../db/database.js";
import { migrations } from "../../db/migrations/index.js";
import { ConflictError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import type { ChainVerdict } from "../audit/audit-record.js";
import { verifyAuditTrail } from "../audit/read-audit.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { continueTicketNumbersAfterRestore } from "../tickets/ticket-numbers.js";
import {
  listFiles,
  manifestFile,
  restoreAttachments,
  unpackArchive,
  verifyArchiveFiles,
} from "./backup-archive.js";
import {
  type BackupManifest,
  type BackupTableEntry,
  insertionOrder,
  parseManifest,
  schemaToRestoreOn,
} from "./backup-manifest.js";
import {
  type CatalogTable,
  countTableRows,
  deleteTableRows,
  dropDeskSchema,
  insertTableRows,
  readAppliedMigrations,
  readCatalog,
  readForeignKeys,
  resetSequences,
  updateTableRow,
} from "./backup-repository.js";
import { columnKind, decodeValue, UnencodableValueError } from "./column-values.js";
import { derivedTables } from "./derived-tables.js";

export interface RestoreReport {
  /** Tables dropped by `--force` before the restore; empty otherwise. */
  wipedTables: string[];
  restoredOn: string;
  /** Migrations newer than the backup, applied to the restored desk afterwards. */
  migratedSince: string[];
  tables: { name: string; rows: number }[];
  attachments: number;
  auditTrail: ChainVerdict;
}

/**
 * `tend restore`: checks the whole archive, then puts the desk back on the schema it was taken on,
 * in one transaction — all rows or none — on either database, whichever it was taken from. Tend
 * must not be serving from the target meanwhile.
 */
export async function restoreBackup(
  ctx: Context,
  input: { file: string; attachmentsDir: string; force: boolean },
): Promise<RestoreReport> {
  requireAdmin(ctx.actor);
  const staging = await mkdtemp(join(tmpdir(), "tend-restore-"));
  try {
    await unpackArchive(input.file, staging);
    const manifest = parseManifest(
      await readFile(join(staging, manifestFile), "utf8").catch(() => {
        throw ValidationError.field("archive", `${input.file} has no ${manifestFile}`);
      }),
    );
    await verifyArchiveFiles(staging, manifest);

    const known = Object.keys(migrations).sort();
    const applied = await readAppliedMigrations(ctx.db, ctx.dialect);
    if (!input.force) await refuseUnlessEmpty(ctx, input.attachmentsDir);
    const restoredOn = schemaToRestoreOn(known, manifest.migrations, input.force ? [] : applied);

    // Nothing has been written until here: the archive and the target are both known to be fit.
    let wipedTables: string[] = [];
    if (input.force) {
      wipedTables = await dropDeskSchema(ctx.db, ctx.dialect);
      await rm(input.attachmentsDir, { recursive: true, force: true });
    }
    await migrateUpTo(ctx.db, restoredOn);
    const catalog = await readCatalog(ctx.db, ctx.dialect);
    matchSchema(manifest, catalog);

    const tables = await inTransaction(ctx, async (tx) => {
      // The order comes from the target's own foreign keys, not from the archive.
      const { order, selfReferences } = insertionOrder(
        catalog.map((t) => t.name),
        await readForeignKeys(tx.db, tx.dialect),
      );
      await clearTables(tx, order);
      const inBackup = new Map(manifest.tables.map((t) => [t.name, t]));
      for (const table of order.flatMap((name) => inBackup.get(name) ?? [])) {
        const primaryKey = catalog.find((t) => t.name === table.name)?.primaryKey ?? [];
        await insertTable(tx, staging, table, selfReferences.get(table.name) ?? [], primaryKey);
      }
      for (const rebuild of Object.values(derivedTables)) await rebuild(tx);
      await resetSequences(tx.db, tx.dialect);
      await continueTicketNumbersAfterRestore(tx.db, tx.dialect);
      const counted = await checkCounts(tx, manifest);
      await recordAudit(tx, {
        action: "backup.restored",
        targetType: "desk",
        targetId: null,
        after: {
          archive: basename(input.file),
          takenAt: manifest.createdAt,
          sourceDialect: manifest.sourceDialect,
          rows: counted.reduce((sum, t) => sum + t.rows, 0),
          wipedPrevious: input.force,
        },
      });
      return counted;
    });

    const migratedSince = await migrateToLatest(ctx.db);
    await restoreAttachments(staging, input.attachmentsDir, manifest);
    return {
      wipedTables,
      restoredOn,
      migratedSince,
      tables,
      attachments: manifest.attachments.length,
      auditTrail: await verifyAuditTrail(ctx),
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** A desk with people, tickets or an audit trail is someone's desk: only `--force` replaces it. */
async function refuseUnlessEmpty(ctx: Context, attachmentsDir: string): Promise<void> {
  const present = new Set((await readCatalog(ctx.db, ctx.dialect)).map((t) => t.name));
  const held: string[] = [];
  for (const table of ["people", "tickets", "audit_log"]) {
    const rows = present.has(table) ? await countTableRows(ctx.db, table) : 0;
    if (rows > 0) held.push(`${rows} ${table.replace("_", " ")} rows`);
  }
  const files = await listFiles(attachmentsDir);
  if (files.length > 0) held.push(`${files.length} attachment files in ${attachmentsDir}`);
  if (held.length > 0) {
    throw new ConflictError(
      `the target desk is not empty (${held.join(", ")}); restore into an empty database, ` +
        "or pass --force to wipe it first (its data and audit trail are then gone)",
    );
  }
}

/** The backup's tables must be exactly the schema's, column for column, apart from derived ones. */
function matchSchema(manifest: BackupManifest, catalog: CatalogTable[]): void {
  const inBackup = new Map(manifest.tables.map((t) => [t.name, t]));
  for (const table of catalog) {
    if (table.name in derivedTables) continue;
    const backedUp = inBackup.get(table.name);
    if (!backedUp) throw ValidationError.field("archive", `table ${table.name} is missing from the backup`);
    const expected = table.columns.map((c) => `${c.name}:${columnKind(c.declaredType)}`).sort();
    const actual = backedUp.columns.map((c) => `${c.name}:${c.kind}`).sort();
    if (expected.join() !== actual.join()) {
      throw ValidationError.field("archive", `table ${table.name}'s columns differ from this schema's`);
    }
    inBackup.delete(table.name);
  }
  const [unknown] = inBackup.keys();
  if (unknown !== undefined) {
    throw ValidationError.field("archive", `table ${unknown} does not exist on the backup's schema`);
  }
}

/**
 * Rows the migrations seeded (default groups, the audit chain's genesis head) give way to the
 * backup's, children first. The audit log itself is empty here, or the restore was refused.
 */
async function clearTables(ctx: Context, order: string[]): Promise<void> {
  for (const name of [...order].reverse()) {
    if ((await countTableRows(ctx.db, name)) > 0) await deleteTableRows(ctx.db, name);
  }
}

async function insertTable(
  ctx: Context,
  staging: string,
  table: BackupTableEntry,
  selfReferences: string[],
  primaryKey: string[],
): Promise<void> {
  // Both dialects cap the parameters of one statement; 5,000 stays far under either cap.
  const batchSize = Math.max(1, Math.floor(5000 / table.columns.length));
  const pointingAtOwnRows: { key: Record<string, unknown>; values: Record<string, unknown> }[] = [];
  let batch: Record<string, unknown>[] = [];
  let line = 0;
  const lines = createInterface({ input: createReadStream(join(staging, table.file), "utf8") });
  for await (const text of lines) {
    line += 1;
    const row = decodeRow(table, text, line, ctx.dialect);
    // A row referencing a row of its own table that may come later: linked once all are in.
    const deferred = Object.fromEntries(
      selfReferences.filter((c) => row[c] !== null).map((c) => [c, row[c]]),
    );
    if (Object.keys(deferred).length > 0) {
      pointingAtOwnRows.push({
        key: Object.fromEntries(primaryKey.map((c) => [c, row[c]])),
        values: deferred,
      });
      for (const column of Object.keys(deferred)) row[column] = null;
    }
    batch.push(row);
    if (batch.length === batchSize) {
      await insertTableRows(ctx.db, table.name, batch);
      batch = [];
    }
  }
  await insertTableRows(ctx.db, table.name, batch);
  if (line !== table.rows) {
    throw ValidationError.field(
      "archive",
      `${table.file} holds ${line} rows, the manifest says ${table.rows}`,
    );
  }
  if (pointingAtOwnRows.length > 0 && primaryKey.length === 0) {
    throw new Error(`${table.name} references itself but has no primary key to link its rows by`);
  }
  for (const { key, values } of pointingAtOwnRows) await updateTableRow(ctx.db, table.name, key, values);
}

function decodeRow(
  table: BackupTableEntry,
  text: string,
  line: number,
  dialect: Context["dialect"],
): Record<string, unknown> {
  const where = `${table.file} line ${line}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw ValidationError.field("archive", `${where} is not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw ValidationError.field("archive", `${where} is not a row`);
  }
  const fields = parsed as Record<string, unknown>;
  const row: Record<string, unknown> = {};
  for (const column of table.columns) {
    if (!(column.name in fields)) throw ValidationError.field("archive", `${where} has no ${column.name}`);
    try {
      row[column.name] = decodeValue(column, fields[column.name], dialect);
    } catch (error) {
      if (error instanceof UnencodableValueError)
        throw ValidationError.field("archive", `${where}: ${error.message}`);
      throw error;
    }
  }
  if (Object.keys(fields).length !== table.columns.length) {
    throw ValidationError.field("archive", `${where} has columns the manifest does not list`);
  }
  return row;
}

/** Before the restore's own audit record: each table holds exactly the rows the manifest counted. */
async function checkCounts(
  ctx: Context,
  manifest: BackupManifest,
): Promise<{ name: string; rows: number }[]> {
  const counted: { name: string; rows: number }[] = [];
  for (const table of manifest.tables) {
    const rows = await countTableRows(ctx.db, table.name);
    if (rows !== table.rows) {
      throw new Error(`restored ${rows} rows into ${table.name}, the backup holds ${table.rows}`);
    }
    counted.push({ name: table.name, rows });
  }
  return counted;
}

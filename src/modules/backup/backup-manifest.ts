import { z } from "zod";
import { ValidationError } from "../../errors.js";
import { columnKinds } from "./column-values.js";

/**
 * What a backup archive holds, in `manifest.json`: the schema it was taken on (the migrations
 * applied), every table's columns, row count and checksum, and the attachment files' checksums.
 * A restore trusts nothing in the archive it has not checked against this.
 */
export const backupFormatVersion = 1;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
// Archive member names come from the archive: no absolute paths, no way out of the staging folder.
const memberPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split("/").includes("..") && !p.includes("\\"), "unsafe path");

const manifestSchema = z.object({
  format: z.literal("tend-backup"),
  formatVersion: z.literal(backupFormatVersion),
  tendVersion: z.string(),
  createdAt: z.string(),
  sourceDialect: z.enum(["sqlite", "postgres"]),
  migrations: z.array(z.string()).min(1),
  tables: z.array(
    z.object({
      name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      file: memberPath,
      columns: z.array(z.object({ name: z.string().min(1), kind: z.enum(columnKinds) })).min(1),
      rows: z.number().int().min(0),
      sha256,
    }),
  ),
  derivedTables: z.array(z.string()),
  attachments: z.array(z.object({ path: memberPath, bytes: z.number().int().min(0), sha256 })),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupTableEntry = BackupManifest["tables"][number];

export function parseManifest(json: string): BackupManifest {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw ValidationError.field("archive", "manifest.json is not JSON");
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw ValidationError.field(
      "archive",
      `manifest.json is not a Tend backup manifest (${problem?.path.join(".")}: ${problem?.message})`,
    );
  }
  return parsed.data;
}

/**
 * Which schema to restore onto. The backup's migrations must be ones this Tend knows, in its
 * order (a backup from a newer Tend would lose whatever its newer migrations added), and the
 * target may only be behind the backup: its rows are inserted on exactly the backup's schema.
 */
export function schemaToRestoreOn(
  known: readonly string[],
  inBackup: readonly string[],
  appliedOnTarget: readonly string[],
): string {
  inBackup.forEach((name, index) => {
    if (known[index] !== name) {
      throw ValidationError.field(
        "archive",
        known.includes(name)
          ? `the backup's migrations are not in this Tend's order (${name})`
          : `the backup was taken by a newer Tend (migration ${name} is unknown here): upgrade Tend first`,
      );
    }
  });
  const ahead = appliedOnTarget.find((name, index) => inBackup[index] !== name);
  if (ahead !== undefined) {
    throw ValidationError.field(
      "database",
      `the target database's schema (migration ${ahead}) is not the backup's; restore into a fresh database, or pass --force to rebuild it`,
    );
  }
  return inBackup[inBackup.length - 1] as string;
}

export interface ForeignKey {
  table: string;
  column: string;
  referencedTable: string;
}

/**
 * Tables in an order where every table comes after those it references, so rows insert without
 * deferring constraints (PostgreSQL's are not deferrable). A table referencing itself (a
 * follow-up ticket) is returned with those columns, which the restore fills in after its rows.
 */
export function insertionOrder(
  tables: readonly string[],
  foreignKeys: readonly ForeignKey[],
): { order: string[]; selfReferences: Map<string, string[]> } {
  const selfReferences = new Map<string, string[]>();
  const dependsOn = new Map(tables.map((t) => [t, new Set<string>()]));
  for (const key of foreignKeys) {
    if (!dependsOn.has(key.table) || !dependsOn.has(key.referencedTable)) continue;
    if (key.table === key.referencedTable) {
      selfReferences.set(key.table, [...(selfReferences.get(key.table) ?? []), key.column]);
    } else dependsOn.get(key.table)?.add(key.referencedTable);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  const remaining = [...tables].sort();
  while (remaining.length > 0) {
    const next = remaining.findIndex((t) => [...(dependsOn.get(t) ?? [])].every((d) => placed.has(d)));
    if (next === -1) {
      throw new Error(`foreign keys form a cycle between tables ${remaining.join(", ")}`);
    }
    const [table] = remaining.splice(next, 1) as [string];
    order.push(table);
    placed.add(table);
  }
  return { order, selfReferences };
}

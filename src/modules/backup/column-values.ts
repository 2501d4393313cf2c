import type { DialectKind } from "../../db/database.js";

/**
 * The kinds of value a backup carries, the same on both dialects: a desk backed up from SQLite
 * restores into PostgreSQL and back. Each column's declared type maps to one of them; a type with
 * no exact JSON form (a tsvector, a numeric, a timestamp object) is refused rather than guessed.
 */
export const columnKinds = ["text", "integer", "real", "boolean", "blob"] as const;
export type ColumnKind = (typeof columnKinds)[number];

export interface BackupColumn {
  name: string;
  kind: ColumnKind;
}

const kindsByDeclaredType: Record<string, ColumnKind> = {
  text: "text",
  varchar: "text",
  "character varying": "text",
  integer: "integer",
  int: "integer",
  int4: "integer",
  int8: "integer",
  bigint: "integer",
  smallint: "integer",
  real: "real",
  float: "real",
  double: "real",
  "double precision": "real",
  boolean: "boolean",
  blob: "blob",
  bytea: "blob",
};

/** The kind of a declared column type, or null when a backup cannot carry it exactly. */
export function columnKind(declaredType: string): ColumnKind | null {
  return kindsByDeclaredType[declaredType.trim().toLowerCase()] ?? null;
}

export class UnencodableValueError extends Error {}

/** A value as read from either dialect → its JSON form in a backup. */
export function encodeValue(column: BackupColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const refuse = () =>
    new UnencodableValueError(`column ${column.name} (${column.kind}) holds ${describe(value)}`);
  switch (column.kind) {
    case "text":
      if (typeof value !== "string") throw refuse();
      return value;
    case "integer":
      // SQLite stores whatever it is given; a non-integer here would not survive PostgreSQL.
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw refuse();
      return value;
    case "real":
      if (typeof value !== "number" || !Number.isFinite(value)) throw refuse();
      return value;
    case "boolean":
      // SQLite keeps booleans as 0 and 1.
      if (typeof value === "boolean") return value;
      if (value === 0 || value === 1) return value === 1;
      throw refuse();
    case "blob":
      if (!(value instanceof Uint8Array)) throw refuse();
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  }
}

/** A value's JSON form in a backup → what the target dialect stores. */
export function decodeValue(column: BackupColumn, value: unknown, dialect: DialectKind): unknown {
  if (value === null) return null;
  const refuse = () =>
    new UnencodableValueError(`column ${column.name} (${column.kind}) cannot take ${describe(value)}`);
  switch (column.kind) {
    case "text":
      if (typeof value !== "string") throw refuse();
      return value;
    case "integer":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) throw refuse();
      return value;
    case "real":
      if (typeof value !== "number") throw refuse();
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw refuse();
      return dialect === "sqlite" ? (value ? 1 : 0) : value;
    case "blob":
      if (typeof value !== "string") throw refuse();
      return Buffer.from(value, "base64");
  }
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

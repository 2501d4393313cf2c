import { describe, expect, it } from "vitest";
import {
  type BackupColumn,
  columnKind,
  decodeValue,
  encodeValue,
  UnencodableValueError,
} from "./column-values.js";

const column = (kind: BackupColumn["kind"]): BackupColumn => ({ name: "value", kind });

describe("backup column values", () => {
  it("maps the types both dialects declare, and refuses one with no exact form", () => {
    expect(columnKind("text")).toBe("text");
    expect(columnKind("bigint")).toBe("integer");
    expect(columnKind("double precision")).toBe("real");
    expect(columnKind("bytea")).toBe("blob");
    expect(columnKind("BLOB")).toBe("blob");
    expect(columnKind("boolean")).toBe("boolean");
    expect(columnKind("tsvector")).toBeNull();
    expect(columnKind("numeric")).toBeNull();
    expect(columnKind("")).toBeNull();
  });

  it("round-trips every byte of a blob and edge text through JSON onto either dialect", () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const encoded = JSON.parse(JSON.stringify(encodeValue(column("blob"), bytes)));
    for (const dialect of ["sqlite", "postgres"] as const) {
      expect(decodeValue(column("blob"), encoded, dialect)).toEqual(bytes);
    }
    const text = "Zoë 𝄞 שלום \u202e\u200b e\u0301 \u0001\u007f 🧑‍🤝‍🧑";
    expect(
      decodeValue(column("text"), JSON.parse(JSON.stringify(encodeValue(column("text"), text))), "sqlite"),
    ).toBe(text);
  });

  it("carries SQLite's 0/1 booleans as booleans and writes each dialect's form back", () => {
    expect(encodeValue(column("boolean"), 1)).toBe(true);
    expect(encodeValue(column("boolean"), false)).toBe(false);
    expect(decodeValue(column("boolean"), true, "sqlite")).toBe(1);
    expect(decodeValue(column("boolean"), true, "postgres")).toBe(true);
  });

  it("keeps integers and reals exact and refuses what another dialect would not store the same", () => {
    expect(encodeValue(column("integer"), 2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(encodeValue(column("real"), 0.1 + 0.2)).toBe(0.1 + 0.2);
    expect(encodeValue(column("integer"), null)).toBeNull();
    expect(() => encodeValue(column("integer"), 1.5)).toThrow(UnencodableValueError);
    expect(() => encodeValue(column("text"), 42)).toThrow(UnencodableValueError);
    expect(() => encodeValue(column("real"), Number.POSITIVE_INFINITY)).toThrow(UnencodableValueError);
    expect(() => decodeValue(column("blob"), 7, "postgres")).toThrow(UnencodableValueError);
  });
});

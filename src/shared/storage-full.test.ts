import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isStorageFull, StorageFullError } from "./storage-full.js";

const require = createRequire(import.meta.url);
const { SqliteError } = require("better-sqlite3") as {
  SqliteError: new (message: string, code: string) => Error;
};

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("isStorageFull", () => {
  it("recognises a full file system or quota, SQLite's full disk and PostgreSQL's", () => {
    expect(isStorageFull(withCode("ENOSPC: no space left on device, write", "ENOSPC"))).toBe(true);
    expect(isStorageFull(withCode("EDQUOT: disk quota exceeded, write", "EDQUOT"))).toBe(true);
    expect(isStorageFull(new SqliteError("database or disk is full", "SQLITE_FULL"))).toBe(true);
    expect(isStorageFull(withCode('could not extend file "base/16384/16397"', "53100"))).toBe(true);
    expect(isStorageFull(new StorageFullError("the attachment store has 0 bytes free"))).toBe(true);
  });

  it("leaves every other failure to its own handling", () => {
    expect(isStorageFull(withCode("EACCES: permission denied, open", "EACCES"))).toBe(false);
    expect(isStorageFull(new SqliteError("database is locked", "SQLITE_BUSY"))).toBe(false);
    expect(isStorageFull(withCode("out of memory", "53200"))).toBe(false);
    expect(isStorageFull(new Error("no space left on device"))).toBe(false);
    expect(isStorageFull("ENOSPC")).toBe(false);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { openDatabase } from "./database.js";

describe("SQLite's memory settings", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function pragma(name: "cache_size" | "temp_store", environment: Record<string, string> = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), "tend-sqlite-settings-"));
    dirs.push(dir);
    const database = openDatabase(loadConfig({ ...environment, TEND_DATA_DIR: dir }).database);
    try {
      const { rows } = await sql<Record<string, number>>`pragma ${sql.raw(name)}`.execute(database.db);
      return Number(rows[0]?.[name]);
    } finally {
      await database.destroy();
    }
  }

  // Negative: KiB rather than pages.
  const cacheKib = async (environment: Record<string, string>) => -(await pragma("cache_size", environment));

  it("keeps sub-journals and temporary tables in memory, not in temporary files", async () => {
    // 2 is MEMORY; the default, 0, spilled each ticket insert's sub-journal to a file.
    expect(await pragma("temp_store")).toBe(2);
  });

  it("holds the page cache to SQLite's own 2 MB rather than better-sqlite3's 16, unless TEND_SQLITE_CACHE_MB says", async () => {
    expect(await cacheKib({})).toBe(2 * 1024);
    expect(await cacheKib({ TEND_SQLITE_CACHE_MB: "64" })).toBe(64 * 1024);
    expect(() => loadConfig({ TEND_SQLITE_CACHE_MB: "0" })).toThrow(/TEND_SQLITE_CACHE_MB/);
  });
});

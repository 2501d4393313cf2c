import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { openDatabase } from "./database.js";

describe("SQLite's page cache", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function cacheKib(environment: Record<string, string>): Promise<number> {
    const dir = mkdtempSync(path.join(tmpdir(), "tend-page-cache-"));
    dirs.push(dir);
    const database = openDatabase(loadConfig({ ...environment, TEND_DATA_DIR: dir }).database);
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(database.db);
      // Negative: KiB rather than pages.
      return -Number(rows[0]?.cache_size);
    } finally {
      await database.destroy();
    }
  }

  it("is SQLite's own 2 MB rather than better-sqlite3's 16, unless TEND_SQLITE_CACHE_MB says", async () => {
    expect(await cacheKib({})).toBe(2 * 1024);
    expect(await cacheKib({ TEND_SQLITE_CACHE_MB: "64" })).toBe(64 * 1024);
    expect(() => loadConfig({ TEND_SQLITE_CACHE_MB: "0" })).toThrow(/TEND_SQLITE_CACHE_MB/);
  });
});

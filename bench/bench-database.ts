import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { DatabaseTarget, DialectKind } from "../src/db/database.js";

/** A fresh, empty database for one bench run, and the settings a Tend process needs to use it. */
export interface BenchDatabase {
  dialect: DialectKind;
  target: DatabaseTarget;
  /** TEND_DATA_DIR and DATABASE_URL as the server reads them. */
  environment: { TEND_DATA_DIR: string; DATABASE_URL: string };
  drop(): Promise<void>;
}

/** The databases a bench measures on: `BENCH_DIALECTS`, sqlite, postgres or both (the default). */
export function benchDialects(): ReadonlySet<DialectKind> {
  const named = (process.env.BENCH_DIALECTS || "sqlite,postgres").split(",").map((name) => name.trim());
  if (named.some((name) => name !== "sqlite" && name !== "postgres"))
    throw new Error("BENCH_DIALECTS must name sqlite, postgres or both, comma-separated");
  return new Set(named as DialectKind[]);
}

export function createSqliteBenchDatabase(): BenchDatabase {
  // The temporary directory sits on the same disk as a real data directory would: fsync is what it measures.
  const dataDir = mkdtempSync(path.join(tmpdir(), "tend-bench-"));
  return {
    dialect: "sqlite",
    target: { kind: "sqlite", file: path.join(dataDir, "tend.sqlite") },
    // An empty DATABASE_URL means "unset" to Tend: SQLite even when the caller's environment names a server.
    environment: { TEND_DATA_DIR: dataDir, DATABASE_URL: "" },
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Creates `tend_bench_<random>` on the server, or returns undefined when the server does not answer. */
export async function createPostgresBenchDatabase(serverUrl: string): Promise<BenchDatabase | undefined> {
  const name = `tend_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), "tend-bench-"));
  return {
    dialect: "postgres",
    target: { kind: "postgres", url: url.toString() },
    environment: { TEND_DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

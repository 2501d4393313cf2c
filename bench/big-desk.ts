import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { loadConfig } from "../src/config.js";
import type { DialectKind } from "../src/db/database.js";
import { createTend } from "../src/main.js";
import { deskGeneratorVersion, type SeededDesk, seedDesk } from "../src/modules/demo/seed-desk.js";
import type { BenchDatabase } from "./bench-database.js";

/**
 * The big desk the read-only measurements share (reports, knowledge search): seeding a million tickets
 * takes many minutes, so each is built once per generator version and size and kept between runs — a
 * SQLite file under the bench data directory, a PostgreSQL database named by the same key — and only
 * reused once complete (built under a `loading` name, renamed at the end). Measurements must not write
 * to it. BENCH_DATA_DIR moves the cache (default: the system's temporary directory).
 */
export interface BigDesk {
  database: BenchDatabase;
  desk: SeededDesk;
  /** Whether this run built the desk, rather than finding it cached. */
  built: boolean;
}

const dataDir = process.env.BENCH_DATA_DIR || path.join(tmpdir(), "tend-bench-data");

function cacheKey(tickets: number): string {
  return `big_desk_v${deskGeneratorVersion}_${tickets}`;
}

type StoredDesk = Omit<SeededDesk, "ticketsMentioning"> & { ticketsMentioning: [string, number][] };

function readDesk(file: string): SeededDesk {
  const stored = JSON.parse(readFileSync(file, "utf8")) as StoredDesk;
  return { ...stored, ticketsMentioning: new Map(stored.ticketsMentioning) };
}

function writeDesk(file: string, desk: SeededDesk): void {
  const stored: StoredDesk = { ...desk, ticketsMentioning: [...desk.ticketsMentioning] };
  writeFileSync(file, JSON.stringify(stored));
}

/** Seeds a fresh, migrated desk at `environment`; the caller has made the database empty. */
async function seedInto(
  environment: BenchDatabase["environment"],
  dialect: DialectKind,
  tickets: number,
): Promise<SeededDesk> {
  const tend = await createTend(loadConfig({ ...environment, LOG_LEVEL: "silent" }));
  try {
    const db = tend.database.db;
    // Bench seeding only: a crash mid-load loses nothing a rerun would not rebuild, and the durable
    // setting (FULL) would make every commit of the load wait for the disk.
    if (dialect === "sqlite") await sql`PRAGMA synchronous = OFF`.execute(db);
    return await seedDesk(db, dialect, { tickets });
  } finally {
    await tend.stop();
  }
}

export async function openSqliteBigDesk(tickets: number): Promise<BigDesk> {
  const directory = path.join(dataDir, `${cacheKey(tickets)}_sqlite`);
  const deskFile = path.join(directory, "desk.json");
  const database = (): BenchDatabase => ({
    dialect: "sqlite",
    target: { kind: "sqlite", file: path.join(directory, "tend.sqlite") },
    environment: { TEND_DATA_DIR: directory, DATABASE_URL: "" },
    // The cache outlives the run: removing it is `rm -r` of the bench data directory.
    drop: async () => {},
  });
  if (existsSync(deskFile)) return { database: database(), desk: readDesk(deskFile), built: false };

  const loading = `${directory}.loading`;
  rmSync(loading, { recursive: true, force: true });
  mkdirSync(loading, { recursive: true });
  const desk = await seedInto({ TEND_DATA_DIR: loading, DATABASE_URL: "" }, "sqlite", tickets);
  writeDesk(path.join(loading, "desk.json"), desk);
  renameSync(loading, directory);
  return { database: database(), desk, built: true };
}

/** The cached desk on the server at `serverUrl`, or undefined when the server does not answer. */
export async function openPostgresBigDesk(serverUrl: string, tickets: number): Promise<BigDesk | undefined> {
  const name = cacheKey(tickets);
  const deskFile = path.join(dataDir, `${name}_postgres.json`);
  const urlOf = (database: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const benchDatabase = (): BenchDatabase => ({
    dialect: "postgres",
    target: { kind: "postgres", url: urlOf(name) },
    environment: { TEND_DATA_DIR: path.join(dataDir, `${name}_postgres_files`), DATABASE_URL: urlOf(name) },
    drop: async () => {},
  });

  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 1 && existsSync(deskFile))
      return { database: benchDatabase(), desk: readDesk(deskFile), built: false };

    const loading = `${name}_loading`;
    await admin.query(`DROP DATABASE IF EXISTS ${loading} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${loading}`);
    mkdirSync(benchDatabase().environment.TEND_DATA_DIR, { recursive: true });
    const desk = await seedInto(
      { TEND_DATA_DIR: benchDatabase().environment.TEND_DATA_DIR, DATABASE_URL: urlOf(loading) },
      "postgres",
      tickets,
    );
    await admin.query(`ALTER DATABASE ${loading} RENAME TO ${name}`);
    mkdirSync(dataDir, { recursive: true });
    writeDesk(deskFile, desk);
    return { database: benchDatabase(), desk, built: true };
  } finally {
    await admin.end();
  }
}

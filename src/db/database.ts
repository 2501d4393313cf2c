import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import SqliteDatabase from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
  type Transaction,
} from "kysely";
import { migrations } from "./migrations/index.js";
import { postgresDriver } from "./postgres-driver.js";
import { prepareStatementsOn } from "./prepared-statements.js";
import type { Tables } from "./tables.js";

export type DialectKind = "sqlite" | "postgres";

/** How long a SQLite statement or transaction waits for another process's write lock before failing. */
const sqliteBusyTimeoutMs = 5000;
export type Db = Kysely<Tables>;
export type DbTransaction = Transaction<Tables>;
/** Either the database or an open transaction: repositories accept both. */
export type DbExecutor = Kysely<Tables>;

export interface Database {
  db: Db;
  dialect: DialectKind;
  destroy(): Promise<void>;
}

/**
 * SQLite's page cache per connection, the most a process keeps of the file in its own memory.
 * better-sqlite3 builds SQLite with 16 MB; one sweep over a large table fills it, and freed pages stay
 * in the C heap, so an idle process kept 14 MB more than it needed. The operating system caches the
 * file as well, so a page missing here costs a copy from that cache, not a disk read.
 */
export const defaultSqliteCacheMb = 2;

export type DatabaseTarget =
  | { kind: "sqlite"; file: string; cacheMb?: number | undefined }
  | { kind: "postgres"; url: string; poolSize?: number; preparedStatements?: boolean };

export interface OpenDatabaseOptions {
  /** Told when PostgreSQL drops an idle pooled connection (restart, failover, dropped database). */
  onIdleConnectionLost?: (error: Error) => void;
}

export function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Database {
  if (target.kind === "postgres") {
    const pool = new (postgresDriver().Pool)({ connectionString: target.url, max: target.poolSize ?? 10 });
    // The pool discards the broken client and connects anew on next use; without a listener,
    // node-postgres would rethrow the error and bring the whole process down.
    pool.on("error", (error) => options.onIdleConnectionLost?.(error));
    // A connection lent out (a transaction between two statements) has no pool listener, so the
    // server ending it (a restart, a failover) would be an unhandled 'error' that ends the process.
    // Nothing to do here: the statement sent next fails and is answered 503, and the pool drops the
    // broken connection when it is given back.
    pool.on("connect", (client) => {
      client.on("error", () => {});
      if (target.preparedStatements) prepareStatementsOn(client);
    });
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", destroy: () => db.destroy() };
  }
  if (target.file !== ":memory:") fs.mkdirSync(path.dirname(target.file), { recursive: true });
  // No wait inside SQLite for another process's lock: `waitingForTheLock` waits without stopping the process.
  const sqlite = new SqliteDatabase(target.file, { timeout: 0 });
  // WAL lets readers proceed during a write; synchronous=FULL makes a committed write survive power loss.
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  // An erasure must not leave the erased bytes in free pages or cells: deleted content is zeroed.
  sqlite.pragma("secure_delete = ON");
  // A statement that can fail halfway (an insert whose trigger writes another table, a multi-row
  // insert, any write inside a savepoint) keeps the pages it changes in a sub-journal to undo it.
  // Past 64 KiB SQLite spills that journal to a temporary file, and an insert into the tickets
  // table (18 indexes and a trigger) wrote about 50 pages to it: 110 µs an insert against 25 µs in
  // memory. Temporary tables and indexes move to memory too; sorts still spill to files.
  sqlite.pragma("temp_store = MEMORY");
  // Negative: a size in KiB rather than a number of pages.
  sqlite.pragma(`cache_size = -${(target.cacheMb ?? defaultSqliteCacheMb) * 1024}`);
  const db = new Kysely<Tables>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, sqlite),
  });
  return {
    db,
    dialect: "sqlite",
    async destroy() {
      await db.destroy();
      // Kysely's destroy does nothing before a first query has opened its driver; the file handle
      // (and, on a reopened copy, the WAL) would stay open.
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * Runs `work` on SQLite's one connection with `synchronous = NORMAL`: its commit reaches the WAL but
 * is not fsynced, so it costs no wait for the disk, and the next ordinary commit's fsync makes it
 * durable along with that commit (the WAL is written in order). A process crash loses nothing; only a
 * power cut can lose it, so this is for writes whose loss is harmless, such as a job's claim.
 */
export async function withoutWaitingForDisk<T>(db: Db, work: (connection: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection);
    try {
      return await work(connection);
    } finally {
      await sql`pragma synchronous = FULL`.execute(connection);
    }
  });
}

/**
 * Runs a page query (an index walk in the list's order that stops at LIMIT) with no parallel workers
 * on PostgreSQL. The planner splits such a walk between workers whose merged output must still be
 * sorted, and each walks and checks rows the page never needs: on the million-ticket desk a search
 * for a word in 7,000 tickets took 200 ms with the default two workers and 42 ms without, a word in
 * 30,000 tickets 100 against 12 ms. A local setting holds for one transaction, so it works behind
 * PgBouncer in transaction mode; inside the caller's transaction the caller's setting is put back.
 */
export async function withoutParallelWorkers<T>(
  db: DbExecutor,
  dialect: DialectKind,
  work: (db: DbExecutor) => Promise<T>,
): Promise<T> {
  if (dialect !== "postgres") return work(db);
  const setWorkers = (db: DbExecutor, workers: string) =>
    sql`SELECT set_config('max_parallel_workers_per_gather', ${workers}, true)`.execute(db);
  if (!db.isTransaction)
    return db.transaction().execute(async (trx) => {
      await setWorkers(trx, "0");
      return work(trx);
    });
  const { rows } = await sql<{ workers: string }>`SELECT
    current_setting('max_parallel_workers_per_gather') AS workers`.execute(db);
  await setWorkers(db, "0");
  try {
    return await work(db);
  } finally {
    await setWorkers(db, rows[0]?.workers ?? "2");
  }
}

/**
 * SQLite transactions begin IMMEDIATE. A deferred one that reads and then writes fails at once with
 * SQLITE_BUSY when another process (a `tend` command beside `tend serve`) committed in between;
 * an immediate one takes the write lock first and waits its turn (busy_timeout). A reader that
 * must not hold the lock (the backup's snapshot) begins its own deferred transaction.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqliteConfig: SqliteDialectConfig,
    private readonly sqlite: SqliteDatabase.Database,
  ) {
    super(sqliteConfig);
  }

  override createDriver(): Driver {
    const { sqlite } = this;
    return new (class extends SqliteDriver {
      private waiting: DatabaseConnection | undefined;

      override async acquireConnection(): Promise<DatabaseConnection> {
        const connection = await super.acquireConnection();
        this.waiting ??= waitingForTheLock(connection, sqlite);
        return this.waiting;
      }

      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw("begin immediate"));
      }

      // SQLite ends a transaction itself when a statement fails for a full disk (or memory, or I/O);
      // Kysely's ROLLBACK would then fail with "no transaction is active" and hide SQLITE_FULL.
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (sqlite.inTransaction) await super.rollbackTransaction(connection);
      }
    })(this.sqliteConfig);
  }
}

/**
 * SQLite's own wait for another process's write lock (`busy_timeout`) sleeps inside the call, and
 * better-sqlite3's calls are synchronous: the whole process stopped, up to 100 ms a sleep, while
 * another process held the lock (an SMTP listener behind the worker's batch, `tend serve` behind a
 * CLI command), and between such long sleeps it seldom found the lock free. So SQLite does not wait:
 * a statement refused with SQLITE_BUSY outside a transaction (an autocommit write, or the BEGIN
 * IMMEDIATE that takes the lock) is tried again here after a pause that lets the event loop run,
 * 1 ms doubling to 10 ms, for up to `sqliteBusyTimeoutMs`. A refused statement did nothing, so
 * trying it again is safe; inside a transaction the lock is already ours.
 */
function waitingForTheLock(
  connection: DatabaseConnection,
  sqlite: SqliteDatabase.Database,
): DatabaseConnection {
  return {
    async executeQuery(query) {
      const deadline = performance.now() + sqliteBusyTimeoutMs;
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await connection.executeQuery(query);
        } catch (error) {
          const busy = (error as { code?: string }).code === "SQLITE_BUSY";
          if (!busy || sqlite.inTransaction || performance.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 10)));
      }
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

/**
 * Kysely prepares every statement anew; preparing costs more than running a small insert.
 * Reusing prepared statements by SQL text is safe because Kysely runs one statement at a time
 * on the single SQLite connection.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const maxCached = 500;
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== "prepare") {
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          statement = target.prepare(source);
          if (cache.size >= maxCached) cache.delete(cache.keys().next().value as string);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Applies pending migrations up to and including `name`: a restore rebuilds the schema its backup was taken on. */
export async function migrateUpTo(db: Db, name: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

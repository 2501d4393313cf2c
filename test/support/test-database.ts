import { createHash, randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { type Database, migrateToLatest, openDatabase } from "../../src/db/database.js";

/**
 * A fresh, migrated database for one test file: a temporary SQLite file, or — when
 * TEST_DATABASE_URL is set — a new PostgreSQL database on that server, dropped afterwards.
 *
 * Running fifty migrations for each of a few hundred test databases cost minutes of every run, so
 * a fully migrated database is kept as a template and each test database is a copy of it
 * (`CREATE DATABASE … TEMPLATE` on PostgreSQL, a file copy on SQLite). The template's name carries
 * a hash of the migration sources: editing a migration builds a new template on the next run. Old
 * templates are left in place, since another checkout may still be copying them; `DROP DATABASE`
 * clears them (`SELECT datname FROM pg_database WHERE datname LIKE 'tend_template_%'`).
 */
export interface TestDatabase extends Database {
  /** Connection target, so a test can open a second, independent connection (another "process"). */
  target: Parameters<typeof openDatabase>[0];
  drop(): Promise<void>;
}

export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const testDialect = testDatabaseUrl ? "postgres" : "sqlite";

/**
 * `migrate` lets a test of a migration stop before it and write the data it rewrites; `postgresServerUrl`
 * puts the database on a server the test started itself (a primary with a replica) rather than TEST_DATABASE_URL's.
 */
export async function createTestDatabase(
  migrate: (db: Database["db"]) => Promise<unknown> = migrateToLatest,
  postgresServerUrl: string | undefined = testDatabaseUrl,
): Promise<TestDatabase> {
  const fromTemplate = migrate === migrateToLatest;
  if (postgresServerUrl) {
    const serverUrl = postgresServerUrl;
    const name = `tend_test_${randomBytes(6).toString("hex")}`;
    await withAdminConnection(serverUrl, async (admin) => {
      const template = fromTemplate ? await ensurePostgresTemplate(admin, serverUrl) : null;
      await admin.query(
        template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`,
      );
    });
    // Named prepared statements, as `tend serve` sends them by default: every test on PostgreSQL runs through them.
    const target = {
      kind: "postgres" as const,
      url: databaseUrl(serverUrl, name),
      poolSize: 5,
      preparedStatements: true,
    };
    const database = openDatabase(target);
    if (!fromTemplate) await migrate(database.db);
    return {
      ...database,
      target,
      async drop() {
        await database.destroy();
        await withAdminConnection(serverUrl, (admin) =>
          admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        );
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "tend-test-"));
  const target = { kind: "sqlite" as const, file: join(dir, "tend.sqlite") };
  if (fromTemplate) copyFileSync(await ensureSqliteTemplate(), target.file);
  const database = openDatabase(target);
  if (!fromTemplate) await migrate(database.db);
  return {
    ...database,
    target,
    async drop() {
      await database.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const templateKey = migrationSourcesHash();

function migrationSourcesHash(): string {
  const migrationsDir = fileURLToPath(new URL("../../src/db/migrations/", import.meta.url));
  const hash = createHash("sha256");
  for (const file of readdirSync(migrationsDir).sort()) {
    hash.update(file).update(readFileSync(join(migrationsDir, file)));
  }
  return hash.digest("hex").slice(0, 16);
}

async function withAdminConnection<T>(url: string, use: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Several test workers start at once: an advisory lock lets one build the template while the
 * others wait, and the template appears under its final name only once fully migrated.
 */
async function ensurePostgresTemplate(admin: pg.Client, serverUrl: string): Promise<string> {
  const template = `tend_template_${templateKey}`;
  const exists = async () =>
    (await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [template])).rowCount === 1;
  if (await exists()) return template;
  await admin.query("SELECT pg_advisory_lock(hashtext('tend test template'))");
  try {
    if (await exists()) return template;
    const building = `tend_template_building_${randomBytes(6).toString("hex")}`;
    await admin.query(`CREATE DATABASE ${building}`);
    const database = openDatabase({ kind: "postgres", url: databaseUrl(serverUrl, building), poolSize: 1 });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.destroy();
    }
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    return template;
  } finally {
    await admin.query("SELECT pg_advisory_unlock(hashtext('tend test template'))");
  }
}

/** Workers racing to build it each write their own file and rename it into place: the last wins, all are equal. */
async function ensureSqliteTemplate(): Promise<string> {
  const template = join(tmpdir(), `tend-test-template-${templateKey}.sqlite`);
  if (existsSync(template)) return template;
  const building = `${template}.${randomBytes(6).toString("hex")}`;
  const database = openDatabase({ kind: "sqlite", file: building });
  try {
    await migrateToLatest(database.db);
  } finally {
    // Closing the last connection checkpoints the WAL into the file, so the file alone is the database.
    await database.destroy();
  }
  renameSync(building, template);
  return template;
}

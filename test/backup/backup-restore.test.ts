import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Kysely } from "kysely";
import pino from "pino";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import { type AuditRecord, genesisHash, verifyChain } from "../../src/modules/audit/audit-record.js";
import { fromAuditRow } from "../../src/modules/audit/audit-repository.js";
import type { BackupManifest } from "../../src/modules/backup/backup-manifest.js";
import { systemClock } from "../../src/shared/clock.js";
import { type CliDesk, useCliDesk } from "../support/cli-desk.js";
import { testDialect } from "../support/test-database.js";

const source = useCliDesk();
const target = useCliDesk();
const spare = useCliDesk();
const crossTarget = useCliDesk();

const work = mkdtempSync(join(tmpdir(), "tend-backup-test-"));
const archive = join(work, "desk.tar.gz");
const dataDirs = new Map<CliDesk, string>();

/** Each desk's data folder (its attachment store): the SQLite file's folder, or a fresh one on PostgreSQL. */
function dataDirOf(desk: CliDesk): string {
  let dir = dataDirs.get(desk);
  if (!dir) {
    const database = desk.database.target;
    dir = database.kind === "sqlite" ? dirname(database.file) : mkdtempSync(join(work, "data-"));
    dataDirs.set(desk, dir);
  }
  return dir;
}

const tend = (desk: CliDesk, ...args: string[]) => desk.tendWith({ TEND_DATA_DIR: dataDirOf(desk) }, ...args);

type AnyTables = Record<string, Record<string, unknown>>;

function untyped(database: Database): Kysely<AnyTables> {
  return database.db as unknown as Kysely<AnyTables>;
}

async function readManifest(file: string): Promise<{ manifest: BackupManifest; dir: string }> {
  const dir = mkdtempSync(join(work, "unpacked-"));
  await tar.extract({ file, cwd: dir });
  return { manifest: JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")), dir };
}

/** A table's rows in a form both dialects share (bytes as base64, booleans as 0/1), sorted. */
async function dumpTable(
  database: Database,
  table: string,
  where?: (row: Record<string, unknown>) => boolean,
) {
  const rows = await untyped(database).selectFrom(table).selectAll().execute();
  return rows
    .filter((row) => (where ? where(row) : true))
    .map((row) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(row)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([column, value]) => [
              column,
              Buffer.isBuffer(value)
                ? value.toString("base64")
                : typeof value === "boolean"
                  ? Number(value)
                  : value,
            ]),
        ),
      ),
    )
    .sort();
}

/**
 * Every backed-up table equal row for row. The trails differ only past the backup: the source
 * recorded `backup.created`, the restored desk `backup.restored`.
 */
function manifestRows(manifest: BackupManifest, table: string): number {
  return manifest.tables.find((t) => t.name === table)?.rows ?? 0;
}

async function expectSameDesk(restored: Database, manifest: BackupManifest) {
  const auditRows = manifestRows(manifest, "audit_log");
  for (const { name } of manifest.tables) {
    if (name === "audit_chain_head") continue;
    const backedUp = (row: Record<string, unknown>) =>
      name !== "audit_log" || (row.seq as number) <= auditRows;
    expect(await dumpTable(restored, name, backedUp), name).toEqual(
      await dumpTable(source.database, name, backedUp),
    );
  }
  const trailTail = await untyped(restored)
    .selectFrom("audit_log")
    .select(["seq", "action"])
    .where("seq", ">", auditRows)
    .execute();
  expect(trailTail).toEqual([{ seq: auditRows + 1, action: "backup.restored" }]);
}

function appOver(database: Database): Promise<TendApp> {
  return buildApp({
    database,
    logger: pino({ level: "silent" }),
    clock: systemClock,
    publicUrl: "http://localhost:8080",
    bodyLimitBytes: 64 * 1024,
  });
}

const unicodeSubject = "Zoë's quokka 𝄞 שלום \u202eevil\u202c e\u0301 🧑‍🤝‍🧑 \u0001\u007f";
const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
let adminToken = "";

// Several CLI child processes, each starting Node: slow on a loaded two-core machine.
describe("tend backup and tend restore", { timeout: 300_000 }, () => {
  it("round-trips a desk into a fresh database: every row, the trail, attachments, and a working API", async () => {
    await tend(source, "demo", "--tickets", "12");
    await tend(
      source,
      "admin",
      "create",
      "--email",
      "restorer@tend.example",
      "--name",
      "Zoë Restorer",
      "--password",
      "a long restore password 1",
    );
    adminToken = (
      await tend(source, "token", "create", "--email", "restorer@tend.example", "--scopes", "write,admin")
    ).stdout.trim();
    const auth = { authorization: `Bearer ${adminToken}` };
    const app = await appOver(source.database);
    const created = await app.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: auth,
      payload: {
        subject: unicodeSubject,
        body: `Body with ${unicodeSubject}`,
        tags: ["backup-edge"],
        requester: { email: "zoe@customer.example", name: "Zoë Ünïcode" },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const number = created.json().number as number;
    const commented = await app.inject({
      method: "POST",
      url: `/api/v1/tickets/${number}/comments`,
      headers: auth,
      payload: { body: "Internal: 日本語のメモ", visibility: "internal" },
    });
    expect(commented.statusCode, commented.body).toBe(201);
    await app.close();
    // Binary edge values: every byte value in a blob column.
    await untyped(source.database)
      .insertInto("raw_emails")
      .values({
        id: "01935b3c-0000-7000-8000-000000000001",
        sha256: "f".repeat(64),
        raw: everyByte,
        size_bytes: everyByte.length,
        rcpt_to: "[]",
        received_at: "2026-11-23T09:00:00.000Z",
        status: "ignored",
      })
      .execute();
    // Two tickets naming each other as follow-ups: whichever is read first points at a row not yet
    // restored, on either dialect's storage order.
    const [first, second] = await untyped(source.database)
      .selectFrom("tickets")
      .select("id")
      .orderBy("number")
      .limit(2)
      .execute();
    for (const [ticket, followUpOf] of [
      [first, second],
      [second, first],
    ]) {
      await untyped(source.database)
        .updateTable("tickets")
        .set({ follow_up_of_id: followUpOf?.id })
        .where("id", "=", ticket?.id)
        .execute();
    }
    const attachment = randomBytes(4096);
    mkdirSync(join(dataDirOf(source), "attachments", "2026", "11"), { recursive: true });
    writeFileSync(join(dataDirOf(source), "attachments", "2026", "11", "screenshot.bin"), attachment);
    writeFileSync(join(dataDirOf(source), "attachments", "Zoë notes.txt"), unicodeSubject);

    const backedUp = await tend(source, "backup", archive);
    expect(backedUp.stdout).toMatch(/Backed up \d+ rows in \d+ tables and 2 attachment files to /);
    const { manifest } = await readManifest(archive);
    const names = manifest.tables.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "people",
        "api_tokens",
        "tickets",
        "comments",
        "sla_clocks",
        "audit_log",
        "raw_emails",
      ]),
    );
    expect(names).not.toContain("ticket_search");
    expect(names.filter((n) => n.startsWith("kysely_"))).toEqual([]);
    // Foreign-key order: a ticket's requester is restored before the ticket, the ticket before its comments.
    expect(names.indexOf("people")).toBeLessThan(names.indexOf("tickets"));
    expect(names.indexOf("tickets")).toBeLessThan(names.indexOf("comments"));
    expect(manifest.tables.find((t) => t.name === "sla_clocks")?.rows).toBeGreaterThan(0);

    const restored = await tend(target, "restore", archive);
    expect(restored.stdout).toMatch(/Restored \d+ rows in \d+ tables and 2 attachment files/);
    expect(restored.stdout).toMatch(/Audit chain intact: \d+ records\./);
    await expectSameDesk(target.database, manifest);
    expect(readFileSync(join(dataDirOf(target), "attachments", "2026", "11", "screenshot.bin"))).toEqual(
      attachment,
    );
    expect(readFileSync(join(dataDirOf(target), "attachments", "Zoë notes.txt"), "utf8")).toBe(
      unicodeSubject,
    );

    const auditRows = manifestRows(manifest, "audit_log");
    expect((await tend(target, "audit", "verify")).stdout).toContain(
      `chain intact: ${auditRows + 1} records`,
    );

    // The restored desk serves: the restored token signs in, tickets list, search finds the rebuilt index.
    const restoredApp = await appOver(target.database);
    const list = await restoredApp.inject({ method: "GET", url: "/api/v1/tickets?limit=200", headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((t: { subject: string }) => t.subject)).toContain(unicodeSubject);
    const search = await restoredApp.inject({
      method: "GET",
      url: "/api/v1/tickets?text=quokka",
      headers: auth,
    });
    expect(search.json().items.map((t: { number: number }) => t.number)).toEqual([number]);
    // Numbering continues after the backup's tickets (a sequence on PostgreSQL, a counter on SQLite).
    const highestRestored = Math.max(...list.json().items.map((t: { number: number }) => t.number));
    const next = await restoredApp.inject({
      method: "POST",
      url: "/api/v1/tickets",
      headers: auth,
      payload: {
        subject: "After the restore",
        body: "First ticket on the restored desk",
        requester: { email: "zoe@customer.example" },
      },
    });
    expect(next.statusCode, next.body).toBe(201);
    expect(next.json().number).toBe(highestRestored + 1);
    await restoredApp.close();
  });

  it("refuses to restore over a desk that holds data, and --force replaces it", async () => {
    const trailBefore = await dumpTable(target.database, "audit_log");
    await expect(tend(target, "restore", archive)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/the target desk is not empty .*pass --force to wipe it first/),
    });
    expect(await dumpTable(target.database, "audit_log")).toEqual(trailBefore);

    const forced = await tend(target, "restore", archive, "--force");
    expect(forced.stdout).toMatch(/--force: dropped the previous desk's \d+ tables first\./);
    const { manifest } = await readManifest(archive);
    await expectSameDesk(target.database, manifest);
  });

  it.skipIf(testDialect !== "postgres")(
    "moves a desk between the dialects: PostgreSQL → SQLite → PostgreSQL",
    async () => {
      const { manifest } = await readManifest(archive);
      expect(manifest.sourceDialect).toBe("postgres");
      const sqliteDir = mkdtempSync(join(work, "sqlite-desk-"));
      const onSqlite = (...args: string[]) =>
        source.tendWith({ DATABASE_URL: "", TEND_DATA_DIR: sqliteDir }, ...args);
      expect((await onSqlite("restore", archive)).stdout).toMatch(/Audit chain intact/);
      const sqliteDesk = openDatabase({ kind: "sqlite", file: join(sqliteDir, "tend.sqlite") });
      try {
        await expectSameDesk(sqliteDesk, manifest);

        const fromSqlite = join(work, "from-sqlite.tar.gz");
        await onSqlite("backup", fromSqlite);
        const { manifest: sqliteManifest } = await readManifest(fromSqlite);
        expect(sqliteManifest.sourceDialect).toBe("sqlite");
        const restored = await tend(crossTarget, "restore", fromSqlite);
        expect(restored.stdout).toMatch(/Audit chain intact/);
        for (const { name } of sqliteManifest.tables) {
          if (name === "audit_chain_head") continue;
          const backedUp = (row: Record<string, unknown>) =>
            name !== "audit_log" || (row.seq as number) <= manifestRows(sqliteManifest, "audit_log");
          expect(await dumpTable(crossTarget.database, name, backedUp), name).toEqual(
            await dumpTable(sqliteDesk, name, backedUp),
          );
        }
      } finally {
        await sqliteDesk.destroy();
      }
      const trail = await untyped(crossTarget.database)
        .selectFrom("audit_log")
        .select("action")
        .orderBy("seq")
        .execute();
      // Each restore is recorded on the desk it restored; the SQLite desk's `backup.created` came
      // after its snapshot, so the archive does not hold it.
      expect(trail.slice(manifestRows(manifest, "audit_log")).map((r) => r.action)).toEqual([
        "backup.restored",
        "backup.restored",
      ]);
      expect(readFileSync(join(dataDirOf(crossTarget), "attachments", "Zoë notes.txt"), "utf8")).toBe(
        unicodeSubject,
      );
    },
  );

  it("refuses a damaged archive, or one from a newer Tend, before writing anything", async () => {
    const { dir, manifest } = await readManifest(archive);
    const ticketsFile = join(dir, "tables", "tickets.jsonl");
    const intact = readFileSync(ticketsFile);
    const bytes = Buffer.from(intact);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x01;
    writeFileSync(ticketsFile, bytes);
    const damaged = join(work, "damaged.tar.gz");
    await tar.create({ gzip: true, file: damaged, cwd: dir }, ["manifest.json", "tables", "attachments"]);

    const tables = manifest.tables.map((t) => t.name);
    const before = await Promise.all(tables.map((t) => dumpTable(spare.database, t)));
    await expect(tend(spare, "restore", damaged)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("tables/tickets.jsonl does not match its checksum"),
    });
    expect(await Promise.all(tables.map((t) => dumpTable(spare.database, t)))).toEqual(before);

    // The manifest has no checksum of its own, but what it claims is checked against this Tend.
    writeFileSync(ticketsFile, intact);
    const manifestPath = join(dir, "manifest.json");
    writeFileSync(
      manifestPath,
      JSON.stringify({
        ...manifest,
        migrations: [...manifest.migrations, "2099-01-01T0000-from-the-future"],
      }),
    );
    const fromTheFuture = join(work, "future.tar.gz");
    await tar.create({ gzip: true, file: fromTheFuture, cwd: dir }, [
      "manifest.json",
      "tables",
      "attachments",
    ]);
    await expect(tend(spare, "restore", fromTheFuture)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        "the backup was taken by a newer Tend (migration 2099-01-01T0000-from-the-future",
      ),
    });
    expect(await Promise.all(tables.map((t) => dumpTable(spare.database, t)))).toEqual(before);
  });

  it("takes a consistent snapshot while the desk keeps changing", async () => {
    const app = await appOver(source.database);
    const auth = { authorization: `Bearer ${adminToken}` };
    const concurrent = join(work, "concurrent.tar.gz");
    let backupDone = false;
    const backup = tend(source, "backup", concurrent).finally(() => {
      backupDone = true;
    });
    let writes = 0;
    while (!backupDone) {
      const reply = await app.inject({
        method: "POST",
        url: "/api/v1/tickets",
        headers: auth,
        payload: {
          subject: `Written during the backup ${writes}`,
          body: "Still arriving.",
          requester: { email: "zoe@customer.example" },
        },
      });
      expect(reply.statusCode, reply.body).toBe(201);
      writes += 1;
    }
    await backup;
    await app.close();
    expect(writes).toBeGreaterThan(0);

    const { manifest, dir } = await readManifest(concurrent);
    const jsonLines = (table: string) =>
      readFileSync(join(dir, "tables", `${table}.jsonl`), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    for (const table of manifest.tables) expect(jsonLines(table.name), table.name).toHaveLength(table.rows);
    // One moment: the chain's head names the last record in the log, and every ticket has its first comment.
    const records: AuditRecord[] = jsonLines("audit_log")
      .map(fromAuditRow)
      .sort((a, b) => a.seq - b.seq);
    const chain = verifyChain(records, { seq: 0, hash: genesisHash });
    expect(chain.intact).toBe(true);
    const [head] = jsonLines("audit_chain_head");
    expect({ seq: head.last_seq, hash: head.last_hash }).toEqual({
      seq: records.at(-1)?.seq,
      hash: records.at(-1)?.hash,
    });
    const ticketsWithComments = new Set(jsonLines("comments").map((c) => c.ticket_id));
    expect(jsonLines("tickets").every((t) => ticketsWithComments.has(t.id))).toBe(true);

    const restored = await tend(spare, "restore", concurrent);
    expect(restored.stdout).toContain(`Audit chain intact: ${records.length + 1} records.`);
  });
});

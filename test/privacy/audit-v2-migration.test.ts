import { createHash } from "node:crypto";
import { type Kysely, Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Db, migrateToLatest } from "../../src/db/database.js";
import { migrations } from "../../src/db/migrations/index.js";
import { verifyChain } from "../../src/modules/audit/audit-record.js";
import { fromAuditRow, redactAuditRows } from "../../src/modules/audit/audit-repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const erasureMigration = "2026-11-23T1240-erasure";

/** Migrates up to, not including, the erasure migration: the audit log still seals records as v1. */
async function migrateToBeforeErasure(db: Db): Promise<void> {
  const names = Object.keys(migrations).sort();
  const previous = names[names.indexOf(erasureMigration) - 1] as string;
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations } }).migrateTo(
    previous,
  );
  if (error) throw error;
}

/** Record format v1 as the audit log wrote it before the erasure migration: content sealed directly. */
function v1Records(count: number) {
  const rows = [];
  let prevHash = "0".repeat(64);
  for (let seq = 1; seq <= count; seq += 1) {
    const row = {
      id: `record-${seq}`,
      seq,
      at: new Date(Date.UTC(2026, 10, 23, 9, seq)).toISOString(),
      actor_kind: "person",
      actor_id: "agent-1",
      actor_role: "agent",
      actor_display: "Ada <ada@support.example>",
      channel: "api",
      ip: "203.0.113.7",
      user_agent: "curl/8",
      token_id: null,
      action: "person.updated",
      target_type: "person",
      target_id: `person-${seq}`,
      before: JSON.stringify({ name: `Name ${seq}` }),
      after: seq % 2 ? JSON.stringify({ name: `Renamed ${seq}` }) : null,
      prev_hash: prevHash,
    };
    const sealed = [
      "tend-audit-v1",
      row.seq,
      row.id,
      row.at,
      row.actor_kind,
      row.actor_id,
      row.actor_role,
      row.actor_display,
      row.channel,
      row.ip,
      row.user_agent,
      row.token_id,
      row.action,
      row.target_type,
      row.target_id,
      row.before,
      row.after ?? "null",
      row.prev_hash,
    ];
    const hash = createHash("sha256").update(JSON.stringify(sealed)).digest("hex");
    rows.push({ ...row, hash });
    prevHash = hash;
  }
  return rows;
}

type V1Row = ReturnType<typeof v1Records>[number];

async function writeV1Log(db: Db, rows: V1Row[]): Promise<void> {
  // The log as it stood before the migration: no digest, no salt.
  const v1Db = db as unknown as Kysely<{ audit_log: V1Row }>;
  await v1Db.insertInto("audit_log").values(rows).execute();
  const last = rows.at(-1);
  if (last) {
    await db
      .updateTable("audit_chain_head")
      .set({ last_seq: last.seq, last_hash: last.hash })
      .where("id", "=", "audit")
      .execute();
  }
}

describe("the erasure migration's audit format v2", () => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.drop());

  it("re-seals every v1 record as v2 in order, content kept, so the chain verifies and each record can be redacted", async () => {
    database = await createTestDatabase(migrateToBeforeErasure);
    const original = v1Records(7);
    await writeV1Log(database.db, original);
    await migrateToLatest(database.db);

    const rows = await database.db.selectFrom("audit_log").selectAll().orderBy("seq").execute();
    const records = rows.map(fromAuditRow);
    expect(verifyChain(records)).toMatchObject({ intact: true, count: 7 });
    expect(rows.map((r) => [r.actor_display, r.before, r.after])).toEqual(
      original.map((r) => [r.actor_display, r.before, r.after]),
    );
    const head = await database.db.selectFrom("audit_chain_head").selectAll().executeTakeFirstOrThrow();
    expect(head).toMatchObject({ last_seq: 7, last_hash: rows.at(-1)?.hash });

    await redactAuditRows(database.db, [rows[2]?.id as string]);
    const after = await database.db.selectFrom("audit_log").selectAll().orderBy("seq").execute();
    expect(verifyChain(after.map(fromAuditRow))).toMatchObject({ intact: true, count: 7 });
    expect(after[2]).toMatchObject({ actor_display: "[erased]", ip: null, salt: null });
  });

  it("refuses to re-seal a v1 log that was tampered with, naming the record", async () => {
    database = await createTestDatabase(migrateToBeforeErasure);
    const original = v1Records(4);
    await writeV1Log(
      database.db,
      original.map((r) => (r.seq === 3 ? { ...r, after: JSON.stringify({ name: "Mallory" }) } : r)),
    );
    await expect(migrateToLatest(database.db)).rejects.toThrow(/broken at seq 3/);
  });
});

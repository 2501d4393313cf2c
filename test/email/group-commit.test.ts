import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { findJob } from "../../src/jobs/job-repository.js";
import { GroupCommittedInboundStore } from "../../src/modules/email/store-inbound-email.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { useTestDesk } from "../support/test-desk.js";

const desk = useTestDesk();

const message = (n: number) =>
  Buffer.from(
    `From: customer-${n}@example.com\r\nTo: support@tend.test\r\nSubject: Question ${n}\r\n` +
      `Message-ID: <group-${n}-${desk.unique()}@example.com>\r\n\r\nQuestion ${n}.\r\n`,
  );
const envelope = { mailFrom: "customer@example.com", rcptTo: ["support@tend.test"], remoteAddress: null };

describe("inbound mail stored in group commits", () => {
  it("stores the messages that arrived while the database was busy together, none answered before its commit", async () => {
    const { db, dialect } = desk.database;
    // A group commits once: in a transaction on SQLite, in one statement (`with`) on PostgreSQL.
    let commits = 0;
    const counted = new Proxy(db, {
      get(target, property, receiver) {
        if (property === (dialect === "sqlite" ? "transaction" : "with")) commits += 1;
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const store = new GroupCommittedInboundStore({
      ...desk.as(systemActor("inbound email"), "email"),
      db: counted,
    });

    // Another writer holds the database: on SQLite its one connection, on PostgreSQL the table.
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const blocker = db.transaction().execute(async (trx) => {
      if (dialect === "postgres") await sql`lock table raw_emails in share row exclusive mode`.execute(trx);
      await gate;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const raws = [1, 2, 3, 4, 5].map(message);
    let answered = 0;
    const storing = raws.slice(0, 1).map((raw) => store.store(raw, envelope).finally(() => (answered += 1)));
    // The first message's transaction is under way (on PostgreSQL, waiting at its insert) when these arrive.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const raw of raws.slice(1)) storing.push(store.store(raw, envelope).finally(() => (answered += 1)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(0);
    release();
    await blocker;
    const stored = await Promise.all(storing);

    expect(stored.every((result) => !result.duplicate && result.rawEmailId)).toBe(true);
    expect(new Set(stored.map((result) => result.rawEmailId)).size).toBe(5);
    // SQLite: all five waited for the connection and share one commit. PostgreSQL: the first's
    // statement was sent alone, the four that queued behind it share the next.
    expect(commits).toBe(dialect === "sqlite" ? 1 : 2);
    const jobs = await db
      .selectFrom("jobs")
      .select("id")
      .where("kind", "=", "email.process-inbound")
      .where(
        "payload",
        "in",
        stored.map((result) => JSON.stringify({ rawEmailId: result.rawEmailId })),
      )
      .execute();
    expect(jobs).toHaveLength(5);
    expect(await findJob(db, jobs[0]?.id as string)).toMatchObject({ status: "queued" });

    // The same bytes again, twice in one group: stored once before, so both are duplicates.
    const first = raws[0] as Buffer;
    const again = await Promise.all([store.store(first, envelope), store.store(first, envelope)]);
    expect(again).toEqual([
      { rawEmailId: null, duplicate: true },
      { rawEmailId: null, duplicate: true },
    ]);
  });
});

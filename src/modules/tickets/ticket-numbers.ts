import { sql } from "kysely";
import type { DbExecutor, DialectKind } from "../../db/database.js";

// Ticket numbers (#1042) come from the `counters` row on SQLite and from `ticket_number_seq` on
// PostgreSQL (why: the migration 2026-12-03T1470). This file is the only place that knows.

export async function nextTicketNumber(db: DbExecutor, dialect: DialectKind): Promise<number> {
  if (dialect === "postgres") {
    const { rows } = await sql<{ number: number }>`SELECT nextval('ticket_number_seq') AS number`.execute(db);
    return Number(rows[0]?.number);
  }
  const row = await db
    .updateTable("counters")
    .set((eb) => ({ value: eb("value", "+", 1) }))
    .where("name", "=", "ticket_number")
    .returning("value")
    .executeTakeFirstOrThrow();
  return row.value;
}

/**
 * Numbers for `count` tickets a bulk loader (the bench's seeders) inserts itself; returns the first.
 * Not safe beside tickets being created concurrently: loaders run on a desk nobody is using.
 */
export async function reserveTicketNumbers(
  db: DbExecutor,
  dialect: DialectKind,
  count: number,
): Promise<number> {
  const first = await nextTicketNumber(db, dialect);
  if (dialect === "postgres") {
    await sql`SELECT setval('ticket_number_seq', ${first + count - 1})`.execute(db);
  } else {
    await db
      .updateTable("counters")
      .set({ value: first + count - 1 })
      .where("name", "=", "ticket_number")
      .execute();
  }
  return first;
}

/**
 * Before a backup: a PostgreSQL desk's counter row learns the sequence's position, so the backup
 * carries it to either dialect. Nothing to do on SQLite, whose counter is the source.
 */
export async function recordTicketNumberCounter(db: DbExecutor, dialect: DialectKind): Promise<void> {
  if (dialect !== "postgres") return;
  await sql`UPDATE counters SET value = (SELECT last_value FROM ticket_number_seq)
    WHERE name = 'ticket_number'`.execute(db);
}

/**
 * After a restore, numbering continues past every number the backup knew: its counter or its
 * highest ticket, whichever is higher (a ticket numbered between the counter's update and the
 * backup's snapshot is in the backup but past the counter).
 */
export async function continueTicketNumbersAfterRestore(db: DbExecutor, dialect: DialectKind): Promise<void> {
  const highestTicket = db.selectFrom("tickets").select((eb) => eb.fn.max("number").as("highest"));
  const counter = await db
    .selectFrom("counters")
    .select("value")
    .where("name", "=", "ticket_number")
    .executeTakeFirstOrThrow();
  const last = Math.max(counter.value, Number((await highestTicket.executeTakeFirst())?.highest ?? 0));
  if (dialect === "postgres") await sql`SELECT setval('ticket_number_seq', ${last})`.execute(db);
  else await db.updateTable("counters").set({ value: last }).where("name", "=", "ticket_number").execute();
}

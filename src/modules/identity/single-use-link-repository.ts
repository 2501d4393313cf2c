import type { DbExecutor } from "../../db/database.js";
import type { SingleUseLinksTable } from "../../db/tables.js";

/**
 * The tables of mailed single-use links: unlock links for locked staff accounts, sign-in links for
 * customers. Same columns, same life: made at sending, spent once, kept as a SHA-256 only.
 */
export type SingleUseLinkTable = "unlock_tokens" | "sign_in_links";

export type SingleUseLinkRow = SingleUseLinksTable;

export async function insertSingleUseLink(
  db: DbExecutor,
  table: SingleUseLinkTable,
  row: SingleUseLinkRow,
): Promise<void> {
  await db.insertInto(table).values(row).execute();
}

export async function findSingleUseLink(
  db: DbExecutor,
  table: SingleUseLinkTable,
  tokenHash: string,
): Promise<SingleUseLinkRow | undefined> {
  return db.selectFrom(table).selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** Spends a link; false when another request spent it first (the update is the single-use check). */
export async function spendSingleUseLink(
  db: DbExecutor,
  table: SingleUseLinkTable,
  tokenHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ used_at: at })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateSingleUseLinkDelivery(
  db: DbExecutor,
  table: SingleUseLinkTable,
  tokenHash: string,
  change: { state: "queued" | "sent" | "failed"; answer: string },
): Promise<void> {
  await db
    .updateTable(table)
    .set({ delivery_state: change.state, delivery_answer: change.answer })
    .where("token_hash", "=", tokenHash)
    .execute();
}

/** Removes a person's links, spent or not: after a deactivation no mail already sent opens anything. */
export async function deleteSingleUseLinksOf(
  db: DbExecutor,
  table: SingleUseLinkTable,
  personId: string,
): Promise<number> {
  const result = await db.deleteFrom(table).where("person_id", "=", personId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

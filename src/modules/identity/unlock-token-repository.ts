import type { DbExecutor } from "../../db/database.js";
import type { UnlockTokensTable } from "../../db/tables.js";

export type UnlockTokenRow = UnlockTokensTable;

export async function insertUnlockToken(db: DbExecutor, row: UnlockTokenRow): Promise<void> {
  await db.insertInto("unlock_tokens").values(row).execute();
}

export async function findUnlockToken(
  db: DbExecutor,
  tokenHash: string,
): Promise<UnlockTokenRow | undefined> {
  return db.selectFrom("unlock_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** Spends a token; false when another request spent it first (the update is the single-use check). */
export async function spendUnlockToken(db: DbExecutor, tokenHash: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("unlock_tokens")
    .set({ used_at: at })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateUnlockDelivery(
  db: DbExecutor,
  tokenHash: string,
  change: { state: "queued" | "sent" | "failed"; answer: string },
): Promise<void> {
  await db
    .updateTable("unlock_tokens")
    .set({ delivery_state: change.state, delivery_answer: change.answer })
    .where("token_hash", "=", tokenHash)
    .execute();
}

import type { DbExecutor } from "../../db/database.js";

export async function countSignInLinksOf(db: DbExecutor, personId: string): Promise<number> {
  const row = await db
    .selectFrom("sign_in_links")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("person_id", "=", personId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteSignInLinksOf(db: DbExecutor, personId: string): Promise<void> {
  await db.deleteFrom("sign_in_links").where("person_id", "=", personId).execute();
}

export async function deleteExpiredSignInLinks(db: DbExecutor, now: string): Promise<number> {
  const result = await db.deleteFrom("sign_in_links").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

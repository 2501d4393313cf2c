import type { DbExecutor } from "../../db/database.js";

export async function hasOptedOut(db: DbExecutor, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom("staff_notification_opt_outs")
    .select("person_id")
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setOptedOut(
  db: DbExecutor,
  personId: string,
  optedOut: boolean,
  at: string,
): Promise<void> {
  if (!optedOut) {
    await db.deleteFrom("staff_notification_opt_outs").where("person_id", "=", personId).execute();
    return;
  }
  await db
    .insertInto("staff_notification_opt_outs")
    .values({ person_id: personId, opted_out_at: at })
    .onConflict((conflict) => conflict.column("person_id").doNothing())
    .execute();
}

import type { DbExecutor } from "../../db/database.js";

/** Whether anyone has put organizations or tickets on the desk yet: one row from either is enough. */
export async function deskHasOrganizationsOrTickets(db: DbExecutor): Promise<boolean> {
  const row = await db
    .selectFrom("tickets")
    .select("id")
    .union(db.selectFrom("organizations").select("id"))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

import type { DbExecutor } from "../../db/database.js";
import type { SavedRepliesTable } from "../../db/tables.js";

/** The only saved-reply SQL. */

export type SavedReplyRow = SavedRepliesTable;

export async function insertSavedReply(db: DbExecutor, row: SavedReplyRow): Promise<void> {
  await db.insertInto("saved_replies").values(row).execute();
}

export async function updateSavedReplyRow(db: DbExecutor, row: SavedReplyRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("saved_replies").set(changes).where("id", "=", id).execute();
}

export async function deleteSavedReplyRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("saved_replies").where("id", "=", id).execute();
}

export async function findSavedReplyById(db: DbExecutor, id: string): Promise<SavedReplyRow | undefined> {
  return db.selectFrom("saved_replies").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listSavedReplyRows(db: DbExecutor): Promise<SavedReplyRow[]> {
  return db.selectFrom("saved_replies").selectAll().orderBy("name").orderBy("id").execute();
}

export async function savedReplyNameTaken(
  db: DbExecutor,
  name: string,
  exceptId: string | null,
): Promise<boolean> {
  let query = db.selectFrom("saved_replies").select("id").where("name", "=", name);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

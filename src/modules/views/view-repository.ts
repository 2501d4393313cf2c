import type { DbExecutor } from "../../db/database.js";
import type { TicketViewsTable } from "../../db/tables.js";

export type ViewRow = TicketViewsTable;

export async function listViewRows(db: DbExecutor): Promise<ViewRow[]> {
  return db.selectFrom("ticket_views").selectAll().orderBy("name").orderBy("id").execute();
}

export async function findViewById(db: DbExecutor, id: string): Promise<ViewRow | undefined> {
  return db.selectFrom("ticket_views").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findViewByName(db: DbExecutor, name: string): Promise<ViewRow | undefined> {
  return db.selectFrom("ticket_views").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function insertView(db: DbExecutor, row: ViewRow): Promise<void> {
  await db.insertInto("ticket_views").values(row).execute();
}

export async function updateViewRow(db: DbExecutor, row: ViewRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("ticket_views").set(changes).where("id", "=", id).execute();
}

export async function deleteViewRow(db: DbExecutor, id: string): Promise<boolean> {
  const result = await db.deleteFrom("ticket_views").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

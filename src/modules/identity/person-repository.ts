import type { DbExecutor } from "../../db/database.js";
import type { PeopleTable } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";

export type PersonRow = PeopleTable;

export async function insertPerson(db: DbExecutor, row: PersonRow): Promise<void> {
  await db.insertInto("people").values(row).execute();
}

export async function updatePersonRow(db: DbExecutor, row: PersonRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("people").set(changes).where("id", "=", id).execute();
}

export async function findPersonById(db: DbExecutor, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findPersonByEmail(db: DbExecutor, email: string): Promise<PersonRow | undefined> {
  return db.selectFrom("people").selectAll().where("email", "=", email.toLowerCase()).executeTakeFirst();
}

export async function findPeopleByIds(db: DbExecutor, ids: string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("people").selectAll().where("id", "in", ids).execute();
}

export interface PersonListQuery {
  organizationId?: string;
  role?: string;
  limit: number;
  after?: CursorPosition;
}

export async function listPersonRows(db: DbExecutor, query: PersonListQuery): Promise<PersonRow[]> {
  let select = db.selectFrom("people").selectAll();
  if (query.organizationId) select = select.where("organization_id", "=", query.organizationId);
  if (query.role) select = select.where("role", "=", query.role);
  if (query.after) {
    const after = query.after;
    select = select.where((eb) =>
      eb.or([
        eb("name", ">", String(after.value)),
        eb.and([eb("name", "=", String(after.value)), eb("id", ">", after.id)]),
      ]),
    );
  }
  return select.orderBy("name").orderBy("id").limit(query.limit).execute();
}

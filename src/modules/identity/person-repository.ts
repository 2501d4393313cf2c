import type { DbExecutor, DialectKind } from "../../db/database.js";
import type { PeopleTable } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";
import type { TenantScope } from "./tenant-scope.js";

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

export async function findPeopleByIds(
  db: DbExecutor,
  scope: TenantScope,
  ids: string[],
): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  return peopleIn(db, scope).selectAll().where("id", "in", ids).execute();
}

/** The people a scope may see: a customer's organization, or only the customer when they have none. */
function peopleIn(db: DbExecutor, scope: TenantScope) {
  const people = db.selectFrom("people");
  if (scope.kind === "organization") return people.where("organization_id", "=", scope.organizationId);
  if (scope.kind === "requester") return people.where("id", "=", scope.requesterId);
  return people;
}

export interface PersonListQuery {
  organizationId?: string;
  role?: string;
  /** true: only active people (whom a ticket may be assigned to); false: only deactivated ones. */
  active?: boolean;
  /** The person with this address (stored lower-case), within the scope. */
  email?: string;
  limit: number;
  after?: CursorPosition;
}

export async function listPersonRows(
  db: DbExecutor,
  scope: TenantScope,
  query: PersonListQuery,
): Promise<PersonRow[]> {
  let select = peopleIn(db, scope).selectAll();
  if (query.organizationId) select = select.where("organization_id", "=", query.organizationId);
  if (query.role) select = select.where("role", "=", query.role);
  if (query.email) select = select.where("email", "=", query.email.trim().toLowerCase());
  if (query.active !== undefined)
    select = select.where("deactivated_at", query.active ? "is" : "is not", null);
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

export async function setPersonDeactivation(
  db: DbExecutor,
  id: string,
  change: { deactivated_at: string | null; updated_at: string },
): Promise<void> {
  await db.updateTable("people").set(change).where("id", "=", id).execute();
}

/**
 * The ids of the active admins, locked on PostgreSQL until the transaction ends: two admins
 * deactivating each other at once queue here, and the second sees the first's change, so the desk
 * is never left without an admin. SQLite has one writer at a time anyway. `FOR NO KEY UPDATE`, not
 * `FOR UPDATE`: two deactivations still take turns, but neither waits for the key-share lock that a
 * foreign-key check takes on an admin's row (an admin's comment, an assignment to an admin), which
 * could close a deadlock with a transaction that then needs an admin row locked here.
 */
export async function lockActiveAdminIds(db: DbExecutor, dialect: DialectKind): Promise<string[]> {
  let query = db
    .selectFrom("people")
    .select("id")
    .where("role", "=", "admin")
    .where("deactivated_at", "is", null)
    .orderBy("id");
  if (dialect === "postgres" && db.isTransaction) query = query.forNoKeyUpdate();
  return (await query.execute()).map((row) => row.id);
}

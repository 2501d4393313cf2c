import type { DbExecutor } from "../../db/database.js";
import type { GroupsTable } from "../../db/tables.js";

export type GroupRow = GroupsTable;

export async function insertGroup(db: DbExecutor, row: GroupRow): Promise<void> {
  await db.insertInto("groups").values(row).execute();
}

export async function findGroupById(db: DbExecutor, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom("groups").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findGroupByName(db: DbExecutor, name: string): Promise<GroupRow | undefined> {
  return db.selectFrom("groups").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function listGroupRows(db: DbExecutor): Promise<GroupRow[]> {
  return db.selectFrom("groups").selectAll().orderBy("name").execute();
}

export async function memberIdsByGroup(db: DbExecutor, groupIds: string[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
  if (groupIds.length === 0) return members;
  const rows = await db
    .selectFrom("group_memberships")
    .innerJoin("people", "people.id", "group_memberships.person_id")
    .select(["group_memberships.group_id", "group_memberships.person_id"])
    .where("group_memberships.group_id", "in", groupIds)
    .orderBy("people.name")
    .execute();
  for (const row of rows) members.get(row.group_id)?.push(row.person_id);
  return members;
}

export async function addMembership(db: DbExecutor, groupId: string, personId: string): Promise<void> {
  await db
    .insertInto("group_memberships")
    .values({ group_id: groupId, person_id: personId })
    .onConflict((oc) => oc.columns(["group_id", "person_id"]).doNothing())
    .execute();
}

export async function removeMembership(db: DbExecutor, groupId: string, personId: string): Promise<void> {
  await db
    .deleteFrom("group_memberships")
    .where("group_id", "=", groupId)
    .where("person_id", "=", personId)
    .execute();
}

export async function isMember(db: DbExecutor, groupId: string, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom("group_memberships")
    .select("person_id")
    .where("group_id", "=", groupId)
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return row !== undefined;
}

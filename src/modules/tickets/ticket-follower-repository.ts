import type { DbExecutor } from "../../db/database.js";
import type { TicketFollowersTable } from "../../db/tables.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "./ticket-repository.js";

export type TicketFollowerRow = TicketFollowersTable;

/** A follower with the person's name, address and role, as the follower list shows them. */
export type FollowerListRow = TicketFollowerRow & {
  name: string;
  email: string;
  role: string;
  organization_id: string | null;
};

/** A ticket's followers, oldest first (by address among those of one instant), within the scope. */
export async function listFollowerRows(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<FollowerListRow[]> {
  return db
    .selectFrom("ticket_followers as f")
    .innerJoin("people as p", "p.id", "f.person_id")
    .selectAll("f")
    .select(["p.name", "p.email", "p.role", "p.organization_id"])
    .where("f.ticket_id", "=", ticketId)
    .where("f.ticket_id", "in", ticketsIn(db, scope).select("tickets.id"))
    .orderBy("f.created_at")
    .orderBy("p.email")
    .execute();
}

/** Adds followers; one already following keeps their row (and how they came). Returns the new ones. */
export async function insertFollowers(db: DbExecutor, rows: TicketFollowerRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insertInto("ticket_followers")
    .values(rows)
    .onConflict((conflict) => conflict.columns(["ticket_id", "person_id"]).doNothing())
    .returning("person_id")
    .execute();
  return inserted.map((row) => row.person_id);
}

/** Whether the person followed the ticket (and no longer does). */
export async function deleteFollower(db: DbExecutor, ticketId: string, personId: string): Promise<boolean> {
  const result = await db
    .deleteFrom("ticket_followers")
    .where("ticket_id", "=", ticketId)
    .where("person_id", "=", personId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** How many tickets the person follows: what erasure reports before removing them. */
export async function countFollowingsOf(db: DbExecutor, personId: string): Promise<number> {
  const row = await db
    .selectFrom("ticket_followers")
    .select((eb) => eb.fn.countAll<number | string>().as("count"))
    .where("person_id", "=", personId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function deleteFollowingsOf(db: DbExecutor, personId: string): Promise<void> {
  await db.deleteFrom("ticket_followers").where("person_id", "=", personId).execute();
}

/** Whether the person follows the ticket, within the tickets the scope may see. */
export async function isFollowing(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
  personId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom("ticket_followers")
    .select("person_id")
    .where("ticket_id", "=", ticketId)
    .where("person_id", "=", personId)
    .where("ticket_id", "in", ticketsIn(db, scope).select("tickets.id"))
    .executeTakeFirst();
  return row !== undefined;
}

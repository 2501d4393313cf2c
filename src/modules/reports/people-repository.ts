import type { DbExecutor } from "../../db/database.js";
import type { CountCell } from "../../shared/grouped-counts.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { ticketsIn } from "../tickets/ticket-repository.js";
import type { Period, TicketFilters } from "./flow-repository.js";

/**
 * The People report's own SQL: public replies and pages received. Solves are the Flow report's figure
 * (`countFigurePerOwner`), CSAT the satisfaction report's, on-call hours the rotation maths'.
 */

/**
 * Public replies by staff in the period, per author, the ticket's group and its channel together: one
 * scan that `countsPer` reads per agent and per group. A ticket's description is recorded as a public reply at
 * its creation; it is a request, not a reply, so it is left out. Tend's own messages have no author
 * person and drop out with the join.
 */
export async function countStaffReplies(
  db: DbExecutor,
  scope: TenantScope,
  period: Period,
  filters: Omit<TicketFilters, "agentId">,
): Promise<CountCell<{ count: number }>[]> {
  const rows = await ticketsIn(db, scope)
    .innerJoin("ticket_events as e", "e.ticket_id", "tickets.id")
    .innerJoin("people as p", "p.id", "e.actor_id")
    .where("e.kind", "=", "public_reply_added")
    .where("e.created_at", ">=", period.from)
    .where("e.created_at", "<", period.to)
    .whereRef("e.created_at", "<>", "tickets.created_at")
    .where("p.role", "<>", "customer")
    .$if(filters.channel !== undefined, (query) => query.where("tickets.channel", "=", filters.channel ?? ""))
    .$if(filters.groupId !== undefined, (query) =>
      query.where("tickets.group_id", "=", filters.groupId ?? ""),
    )
    .select((eb) => [
      "e.actor_id",
      "tickets.group_id",
      "tickets.channel",
      eb.fn.countAll<number | string>().as("count"),
    ])
    .groupBy(["e.actor_id", "tickets.group_id", "tickets.channel"])
    .execute();
  return rows.map((row) => ({
    by: { agent: row.actor_id, group: row.group_id, channel: row.channel },
    counts: { count: Number(row.count) },
  }));
}

/** Pages each person was notified of in the period (by any route, once per page). */
export async function countPagesReceivedPerPerson(
  db: DbExecutor,
  period: Period,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("page_events")
    .where("kind", "=", "notified")
    .where("at", ">=", period.from)
    .where("at", "<", period.to)
    .where("person_id", "is not", null)
    .select((eb) => ["person_id", eb.fn.count<number | string>("page_id").distinct().as("count")])
    .groupBy("person_id")
    .execute();
  return new Map(rows.map((row) => [row.person_id ?? "", Number(row.count)]));
}

/** Active staff, by name: the People report's rows. */
export async function listActiveStaff(db: DbExecutor): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom("people")
    .where("role", "<>", "customer")
    .where("deactivated_at", "is", null)
    .select(["id", "name"])
    .orderBy("name")
    .orderBy("id")
    .execute();
}

import type { Kysely } from "kysely";

// The Flow and People reports read these index ranges instead of the tickets: a period's arrivals,
// solves, reopens, replies, health flags and pages are each one range on a leading (what, when) pair,
// and each index carries the columns its filters read (channel, group, assignee, actor), so a report
// walks the entries of its period only, however many tickets the desk has. Nothing to backfill: the
// indexes cover the history already stored.

const indexes: { name: string; table: string; columns: string[] }[] = [
  // Created per day, with the filters: channel, group, assignee.
  {
    name: "tickets_by_created_channel",
    table: "tickets",
    columns: ["created_at", "channel", "group_id", "assignee_id"],
  },
  // The backlog: live statuses, by age, with the same filters.
  {
    name: "tickets_by_status_created",
    table: "tickets",
    columns: ["status", "created_at", "channel", "group_id", "assignee_id"],
  },
  // Status changes into a status (solved, auto-solved) and out of one (reopened), per period.
  {
    name: "ticket_events_by_field_to",
    table: "ticket_events",
    columns: ["field", "to_value", "created_at", "ticket_id"],
  },
  {
    name: "ticket_events_by_field_from",
    table: "ticket_events",
    columns: ["field", "from_value", "created_at", "ticket_id"],
  },
  // Public replies per author and period.
  {
    name: "ticket_events_by_kind_created",
    table: "ticket_events",
    columns: ["kind", "created_at", "actor_id", "ticket_id"],
  },
  {
    name: "ticket_health_flags_by_flag_raised",
    table: "ticket_health_flags",
    columns: ["flag", "raised_at", "ticket_id"],
  },
  // Pages received per person and period (a page notifying someone twice, by mail and webhook, is one).
  {
    name: "page_events_by_kind_at",
    table: "page_events",
    columns: ["kind", "at", "person_id", "page_id"],
  },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { name, table, columns } of indexes) {
    await db.schema.createIndex(name).on(table).columns(columns).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const { name } of [...indexes].reverse()) await db.schema.dropIndex(name).execute();
}

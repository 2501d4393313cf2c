import { sql } from "kysely";
import { type DbExecutor, type DialectKind, withoutParallelWorkers } from "../../db/database.js";
import type { CommentsTable, TicketEventsTable, TicketsTable } from "../../db/tables.js";
import type { CursorPosition } from "../../shared/cursor.js";
import type { TenantScope } from "../identity/tenant-scope.js";
import { nearestOwedClock } from "../sla/owed-clock.js";
import type { Visibility } from "./ticket.js";
import { searchIsFrequent, ticketIdMatches } from "./ticket-search.js";
import type { TicketStatus } from "./ticket-status.js";

export type TicketRow = TicketsTable;
export type CommentRow = CommentsTable;
export type TicketEventRow = TicketEventsTable;

/** What a list row carries besides the ticket: the names a queue shows. */
export type TicketListRow = TicketRow & {
  requester_name: string;
  requester_email: string;
  organization_name: string | null;
  organization_plan: string | null;
  organization_stage: string | null;
  group_name: string | null;
  assignee_name: string | null;
  follow_up_of_number: number | null;
  /** The badge a queue shows: the owed SLA clock due first, or null when none runs. */
  sla_clock: { metric: string; due_at: string; warn_at: string | null; state: string } | null;
};

/**
 * The tickets a scope may see. Every read of a ticket, or of rows hanging off one, starts here, so
 * a customer's query cannot reach another organization's rows even if a use case forgot to check.
 */
export function ticketsIn(db: DbExecutor, scope: TenantScope) {
  const tickets = db.selectFrom("tickets");
  if (scope.kind === "organization")
    return tickets.where("tickets.organization_id", "=", scope.organizationId);
  if (scope.kind === "requester") return tickets.where("tickets.requester_id", "=", scope.requesterId);
  return tickets;
}

export async function insertTicket(db: DbExecutor, row: TicketRow): Promise<void> {
  await db.insertInto("tickets").values(row).execute();
}

export async function replaceTicketTags(db: DbExecutor, ticketId: string, tags: string[]): Promise<void> {
  await db.deleteFrom("ticket_tags").where("ticket_id", "=", ticketId).execute();
  if (tags.length > 0) {
    await db
      .insertInto("ticket_tags")
      .values(tags.map((tag) => ({ ticket_id: ticketId, tag })))
      .execute();
  }
}

export async function insertComment(db: DbExecutor, row: CommentRow): Promise<void> {
  await db.insertInto("comments").values(row).execute();
}

export async function insertTicketEvents(db: DbExecutor, rows: TicketEventRow[]): Promise<void> {
  if (rows.length > 0) await db.insertInto("ticket_events").values(rows).execute();
}

export async function findTicketByNumber(
  db: DbExecutor,
  scope: TenantScope,
  number: number,
): Promise<TicketListRow | undefined> {
  const row = await ticketRowByNumber(db, scope, number);
  return row && (await withNames(db, [row]))[0];
}

/**
 * The ticket's own view: `findTicketByNumber` with its tags, read beside the names rather than after
 * them, which on PostgreSQL spares the ticket page a round trip.
 */
export async function findTicketWithTagsByNumber(
  db: DbExecutor,
  scope: TenantScope,
  number: number,
): Promise<{ ticket: TicketListRow; tags: string[] } | undefined> {
  const row = await ticketRowByNumber(db, scope, number);
  if (!row) return undefined;
  const [[ticket], tags] = await Promise.all([withNames(db, [row]), tagsByTicket(db, scope, [row.id])]);
  return ticket && { ticket, tags: tags.get(row.id) ?? [] };
}

function ticketRowByNumber(db: DbExecutor, scope: TenantScope, number: number) {
  return ticketsIn(db, scope).selectAll().where("number", "=", number).executeTakeFirst();
}

/**
 * Whose ticket it is, for a read that needs nothing more of it than the access check (its comments,
 * its history): none of the names and clocks `findTicketByNumber` adds for the ticket's own view.
 */
export async function findTicketOwnershipByNumber(
  db: DbExecutor,
  scope: TenantScope,
  number: number,
): Promise<Pick<TicketRow, "id" | "number" | "organization_id" | "requester_id"> | undefined> {
  return ticketsIn(db, scope)
    .select(["id", "number", "organization_id", "requester_id"])
    .where("number", "=", number)
    .executeTakeFirst();
}

export async function findTicketById(
  db: DbExecutor,
  scope: TenantScope,
  id: string,
): Promise<TicketListRow | undefined> {
  const row = await ticketsIn(db, scope).selectAll().where("id", "=", id).executeTakeFirst();
  return row && (await withNames(db, [row]))[0];
}

/**
 * Writes the changed columns only if nobody changed the ticket since `expectedVersion` was read.
 * Returns false on a stale version: the caller answers 409 with the current state.
 */
export async function updateTicketIfVersion(
  db: DbExecutor,
  id: string,
  expectedVersion: number,
  changes: Partial<Omit<TicketRow, "id" | "number" | "version">>,
): Promise<boolean> {
  const result = await db
    .updateTable("tickets")
    .set({ ...changes, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function tagsByTicket(
  db: DbExecutor,
  scope: TenantScope,
  ticketIds: string[],
): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>(ticketIds.map((id) => [id, []]));
  if (ticketIds.length === 0) return tags;
  const rows = await db
    .selectFrom("ticket_tags")
    .selectAll()
    .where("ticket_id", "in", ticketIds)
    // Rows hanging off a ticket are filtered through it; staff see every ticket, so no subquery.
    .$if(scope.kind !== "all", (query) =>
      query.where("ticket_id", "in", ticketsIn(db, scope).select("tickets.id")),
    )
    .orderBy("tag")
    .execute();
  for (const row of rows) tags.get(row.ticket_id)?.push(row.tag);
  return tags;
}

/**
 * Adds the names a queue shows to a page of tickets, a query per kind of name over the page's ids,
 * and each ticket's SLA badge.
 * Joining them into the list query instead made PostgreSQL plan a five-way join on every page load,
 * which cost more than running the page itself.
 */
async function withNames(db: DbExecutor, rows: TicketRow[]): Promise<TicketListRow[]> {
  if (rows.length === 0) return [];
  const idsOf = (pick: (row: TicketRow) => string | null) => [
    ...new Set(rows.map(pick).filter((id): id is string => id !== null)),
  ];
  const personIds = idsOf((row) => row.requester_id).concat(idsOf((row) => row.assignee_id));
  const organizationIds = idsOf((row) => row.organization_id);
  const groupIds = idsOf((row) => row.group_id);
  const originalIds = idsOf((row) => row.follow_up_of_id);
  const [people, organizations, groups, originals, clocks] = await Promise.all([
    db.selectFrom("people").select(["id", "name", "email"]).where("id", "in", personIds).execute(),
    organizationIds.length === 0
      ? []
      : db
          .selectFrom("organizations")
          .select(["id", "name", "plan", "stage"])
          .where("id", "in", organizationIds)
          .execute(),
    groupIds.length === 0
      ? []
      : db.selectFrom("groups").select(["id", "name"]).where("id", "in", groupIds).execute(),
    originalIds.length === 0
      ? []
      : db.selectFrom("tickets").select(["id", "number"]).where("id", "in", originalIds).execute(),
    // The page's clocks through the (ticket_id, …) key, the owed ones picked below. Naming the owed
    // states here let SQLite, which keeps no statistics, walk the (state, due_at) index instead: every
    // running clock of the desk, 650 ms a page at a million tickets.
    db
      .selectFrom("sla_clocks")
      .select(["ticket_id", "metric", "state", "due_at", "warn_at", "achieved_at"])
      .where(
        "ticket_id",
        "in",
        rows.map((row) => row.id),
      )
      .execute(),
  ]);
  const clocksByTicket = new Map<string, typeof clocks>();
  for (const clock of clocks) {
    // Owed: running, or breached and not met since.
    const owed =
      (clock.state === "running" || clock.state === "breached") &&
      clock.achieved_at === null &&
      clock.due_at !== null;
    if (!owed) continue;
    clocksByTicket.set(clock.ticket_id, [...(clocksByTicket.get(clock.ticket_id) ?? []), clock]);
  }
  const person = new Map(people.map((p) => [p.id, p]));
  const organization = new Map(organizations.map((o) => [o.id, o]));
  const group = new Map(groups.map((g) => [g.id, g.name]));
  const original = new Map(originals.map((t) => [t.id, t.number]));
  // The names go onto the rows just read, which nobody else holds: copying each row into a new object
  // (a spread) was half of what a list request left for the young-generation collector to copy, and
  // the queues' p95 was those collections (PostgreSQL million-ticket desk: 19-30 ms against 16-20).
  return rows.map((row) => {
    const requester = person.get(row.requester_id);
    const org = row.organization_id === null ? undefined : organization.get(row.organization_id);
    return Object.assign(row, {
      requester_name: requester?.name ?? "",
      requester_email: requester?.email ?? "",
      organization_name: org?.name ?? null,
      organization_plan: org?.plan ?? null,
      organization_stage: org?.stage ?? null,
      group_name: row.group_id === null ? null : (group.get(row.group_id) ?? null),
      assignee_name: row.assignee_id === null ? null : (person.get(row.assignee_id)?.name ?? null),
      follow_up_of_number: row.follow_up_of_id === null ? null : (original.get(row.follow_up_of_id) ?? null),
      sla_clock: slaBadge(nearestOwedClock(clocksByTicket.get(row.id) ?? [])),
    });
  });
}

function slaBadge(
  clock: { metric: string; state: string; due_at: string | null; warn_at: string | null } | undefined,
): TicketListRow["sla_clock"] {
  if (!clock?.due_at) return null;
  return { metric: clock.metric, due_at: clock.due_at, warn_at: clock.warn_at, state: clock.state };
}

export const ticketSortKeys = {
  updatedAt: "updated_at",
  createdAt: "created_at",
  /** Urgency: lists only tickets owing a promise, the nearest due first (breached ones lead). */
  slaDueAt: "next_sla_due_at",
} as const;
export type TicketSortKey = keyof typeof ticketSortKeys;

export interface TicketListQuery {
  statuses?: TicketStatus[];
  groupId?: string;
  /** `null` lists unassigned tickets. */
  assigneeId?: string | null;
  organizationId?: string;
  requesterId?: string;
  severity?: string;
  category?: string;
  tag?: string;
  text?: { query: string; visible: Visibility[] };
  /** Only tickets owing a promise due at or before this instant (ISO). */
  slaDueBefore?: string;
  /** Only tickets solved at or after this instant (ISO). */
  solvedAfter?: string;
  sort: TicketSortKey;
  descending: boolean;
  after?: CursorPosition;
  limit: number;
}

/** The tickets a list query selects, before paging: shared by the list and its count. */
async function filteredTickets(
  db: DbExecutor,
  dialect: DialectKind,
  scope: TenantScope,
  query: Omit<TicketListQuery, "descending" | "after" | "limit">,
) {
  let select = ticketsIn(db, scope);
  if (query.statuses && query.statuses.length > 0)
    select = select.where("tickets.status", "in", query.statuses);
  if (query.groupId) select = select.where("tickets.group_id", "=", query.groupId);
  if (query.assigneeId === null) select = select.where("tickets.assignee_id", "is", null);
  else if (query.assigneeId) select = select.where("tickets.assignee_id", "=", query.assigneeId);
  if (query.organizationId) select = select.where("tickets.organization_id", "=", query.organizationId);
  if (query.requesterId) select = select.where("tickets.requester_id", "=", query.requesterId);
  if (query.severity) select = select.where("tickets.severity", "=", query.severity);
  if (query.category) select = select.where("tickets.category", "=", query.category);
  if (query.tag) {
    const tag = query.tag;
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom("ticket_tags")
          .select(sql.lit(1).as("one"))
          .whereRef("ticket_tags.ticket_id", "=", "tickets.id")
          .where("ticket_tags.tag", "=", tag),
      ),
    );
  }
  if (query.text) {
    const { query: words, visible } = query.text;
    const frequent = await searchIsFrequent(db, dialect, words, visible);
    select = select.where(ticketIdMatches(dialect, words, visible, frequent));
  }

  if (query.sort === "slaDueAt") select = select.where("tickets.next_sla_due_at", "is not", null);
  if (query.slaDueBefore) select = select.where("tickets.next_sla_due_at", "<=", query.slaDueBefore);
  if (query.solvedAfter) select = select.where("tickets.solved_at", ">=", query.solvedAfter);
  return select;
}

/**
 * How many tickets a list query selects, counting at most `cap` (a queue shows "1000+"): the count
 * reads the same index range as the list and stops there, whatever the size of the desk.
 */
export async function countTicketRows(
  db: DbExecutor,
  dialect: DialectKind,
  scope: TenantScope,
  query: Omit<TicketListQuery, "descending" | "after" | "limit">,
  cap: number,
): Promise<number> {
  const capped = (await filteredTickets(db, dialect, scope, query))
    .select(sql.lit(1).as("one"))
    .limit(cap)
    .as("capped");
  const row = await db
    .selectFrom(capped)
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listTicketRows(
  db: DbExecutor,
  dialect: DialectKind,
  scope: TenantScope,
  query: TicketListQuery,
): Promise<TicketListRow[]> {
  const filtered = await filteredTickets(db, dialect, scope, query);
  const column = `tickets.${ticketSortKeys[query.sort]}` as const;
  const direction = query.descending ? "desc" : "asc";
  const after = query.after;
  const inPageOrder = <Select extends typeof filtered>(select: Select) =>
    (after
      ? select.where((eb) => {
          const beyond = query.descending ? "<" : ">";
          return eb.or([
            eb(column, beyond, String(after.value)),
            eb.and([eb(column, "=", String(after.value)), eb("tickets.id", beyond, after.id)]),
          ]);
        })
      : select
    )
      .orderBy(column, direction)
      .orderBy("tickets.id", direction)
      .limit(query.limit);
  // A search on PostgreSQL walks the list's index and keeps the few tickets that match: it takes the
  // page's ids first, from the index alone, and reads only their rows. Reading every walked ticket's
  // row made a word in 7,110 tickets of a million read 8,548 rows from all over the table for 51.
  const page =
    dialect === "postgres" && query.text
      ? inPageOrder(
          ticketsIn(db, scope).where("tickets.id", "in", inPageOrder(filtered.select("tickets.id"))),
        )
      : inPageOrder(filtered);
  const rows = await withoutParallelWorkers(db, dialect, (serialDb) =>
    serialDb.executeQuery(page.selectAll("tickets").compile()),
  );
  return withNames(db, rows.rows);
}

export async function listCommentRows(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
  visible: Visibility[],
): Promise<(CommentRow & { author_name: string; author_role: string })[]> {
  return db
    .selectFrom("comments")
    .innerJoin("people", "people.id", "comments.author_id")
    .selectAll("comments")
    .select(["people.name as author_name", "people.role as author_role"])
    .where("comments.ticket_id", "=", ticketId)
    .where("comments.visibility", "in", visible)
    .$if(scope.kind !== "all", (query) =>
      query.where("comments.ticket_id", "in", ticketsIn(db, scope).select("tickets.id")),
    )
    .orderBy("comments.id")
    .execute();
}

/** A ticket's events with their actor's name, as far as the scope reaches. */
function eventsOfTicket(db: DbExecutor, scope: TenantScope, ticketId: string) {
  return db
    .selectFrom("ticket_events")
    .leftJoin("people", "people.id", "ticket_events.actor_id")
    .selectAll("ticket_events")
    .select("people.name as actor_name")
    .where("ticket_events.ticket_id", "=", ticketId)
    .$if(scope.kind !== "all", (query) =>
      query.where("ticket_events.ticket_id", "in", ticketsIn(db, scope).select("tickets.id")),
    );
}

export async function listTicketEventRows(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<(TicketEventRow & { actor_name: string | null })[]> {
  return eventsOfTicket(db, scope, ticketId).orderBy("ticket_events.id").execute();
}

/** The ticket's latest event: who changed it last, and when. */
export async function latestTicketEventRow(
  db: DbExecutor,
  scope: TenantScope,
  ticketId: string,
): Promise<(TicketEventRow & { actor_name: string | null }) | undefined> {
  return eventsOfTicket(db, scope, ticketId).orderBy("ticket_events.id", "desc").limit(1).executeTakeFirst();
}

/** Tickets whose lifecycle timer has run out: the oldest first, a bounded batch per sweep. */
export async function findTicketsIdleSince(
  db: DbExecutor,
  scope: TenantScope,
  status: "pending" | "solved",
  before: string,
  limit: number,
): Promise<Pick<TicketRow, "id" | "number" | "version" | "status">[]> {
  const column = status === "pending" ? "last_activity_at" : "solved_at";
  return ticketsIn(db, scope)
    .select(["id", "number", "version", "status"])
    .where("status", "=", status)
    .where(column, "<=", before)
    .orderBy(column)
    .limit(limit)
    .execute();
}

export async function findCommentRow(
  db: DbExecutor,
  scope: TenantScope,
  id: string,
): Promise<(CommentRow & { author_name: string; author_role: string }) | undefined> {
  return db
    .selectFrom("comments")
    .innerJoin("people", "people.id", "comments.author_id")
    .selectAll("comments")
    .select(["people.name as author_name", "people.role as author_role"])
    .where("comments.id", "=", id)
    .$if(scope.kind !== "all", (query) =>
      query.where("comments.ticket_id", "in", ticketsIn(db, scope).select("tickets.id")),
    )
    .executeTakeFirst();
}

/** What the live stream says of changed tickets: their number and version, and whose they are. */
export async function ticketChangeFacts(
  db: DbExecutor,
  scope: TenantScope,
  ticketIds: string[],
): Promise<Pick<TicketRow, "id" | "number" | "version" | "organization_id" | "requester_id">[]> {
  if (ticketIds.length === 0) return [];
  return ticketsIn(db, scope)
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.version",
      "tickets.organization_id",
      "tickets.requester_id",
    ])
    .where("tickets.id", "in", ticketIds)
    .execute();
}

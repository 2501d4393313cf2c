import { ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { attachmentViewsOfComments } from "../attachments/read-attachments.js";
import { emailDeliveriesOfComments } from "../email/read-ticket-emails.js";
import { isStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import type { Category, Severity, TicketStatus } from "./ticket.js";
import { assertCanViewTicket, visibleCommentKinds } from "./ticket-policy.js";
import {
  type CommentView,
  presentComment,
  presentTicket,
  presentTicketEvent,
  type TicketEventView,
  type TicketView,
} from "./ticket-presenter.js";
import {
  countTicketRows,
  findTicketOwnershipByNumber,
  findTicketWithTagsByNumber,
  listCommentRows,
  listTicketEventRows,
  listTicketRows,
  type TicketListQuery,
  type TicketSortKey,
  tagsByTicket,
  ticketSortKeys,
} from "./ticket-repository.js";

export async function getTicket({ ctx, number }: { ctx: Context; number: number }): Promise<TicketView> {
  const scope = tenantScopeOf(ctx.actor);
  const found = await findTicketWithTagsByNumber(ctx.db, scope, number);
  const row = assertCanViewTicket(ctx.actor, found?.ticket, number);
  return presentTicket(row, found?.tags ?? [], ctx.actor);
}

export interface TicketListFilter {
  status?: TicketStatus[];
  groupId?: string;
  /** A person id, "me", or "none" for unassigned. */
  assignee?: string;
  organizationId?: string;
  requesterId?: string;
  severity?: Severity;
  category?: Category;
  tag?: string;
  text?: string;
  /** ISO instant: only tickets owing a promise due by then. */
  slaDueBefore?: string;
  /** ISO instant: only tickets solved since then. */
  solvedAfter?: string;
  /** `updatedAt`, `createdAt`, `slaDueAt`; a leading `-` sorts descending. Default `-updatedAt`. */
  sort?: string;
}

function parseSort(sort: string | undefined): { key: TicketSortKey; descending: boolean } {
  const value = sort ?? "-updatedAt";
  const descending = value.startsWith("-");
  const key = descending ? value.slice(1) : value;
  if (!(key in ticketSortKeys)) {
    throw ValidationError.field(
      "sort",
      `must be one of ${Object.keys(ticketSortKeys).join(", ")} (prefix - for descending)`,
    );
  }
  return { key: key as TicketSortKey, descending };
}

/** A filter as the repository selects it: `me` resolved to the caller, the sort parsed, instants normalized. */
function ticketSelection(ctx: Context, filter: TicketListFilter): Omit<TicketListQuery, "limit"> {
  const { key, descending } = parseSort(filter.sort);
  // Due times are the desk's measure, hidden from customers: sorting or filtering by them would
  // tell them anyway.
  if (!isStaff(ctx.actor)) {
    if (filter.slaDueBefore)
      throw ValidationError.field("slaDueBefore", "only agents filter by SLA due time");
    if (key === "slaDueAt") throw ValidationError.field("sort", "only agents sort by SLA due time");
  }
  const query: Omit<TicketListQuery, "limit"> = { sort: key, descending };
  if (filter.status) query.statuses = filter.status;
  if (filter.groupId) query.groupId = filter.groupId;
  if (filter.assignee === "none") query.assigneeId = null;
  else if (filter.assignee === "me") {
    query.assigneeId = ctx.actor.kind === "person" ? ctx.actor.personId : null;
  } else if (filter.assignee) query.assigneeId = filter.assignee;
  if (filter.organizationId) query.organizationId = filter.organizationId;
  if (filter.requesterId) query.requesterId = filter.requesterId;
  if (filter.severity) query.severity = filter.severity;
  if (filter.category) query.category = filter.category;
  if (filter.tag) query.tag = filter.tag.toLowerCase();
  if (filter.text) query.text = { query: filter.text, visible: visibleCommentKinds(ctx.actor) };
  if (filter.slaDueBefore) query.slaDueBefore = new Date(filter.slaDueBefore).toISOString();
  if (filter.solvedAfter) query.solvedAfter = new Date(filter.solvedAfter).toISOString();
  return query;
}

/** How many tickets a filter selects for the caller, up to `cap`. */
export async function countTickets({
  ctx,
  filter,
  cap,
}: {
  ctx: Context;
  filter: TicketListFilter;
  cap: number;
}): Promise<number> {
  return countTicketRows(ctx.db, ctx.dialect, tenantScopeOf(ctx.actor), ticketSelection(ctx, filter), cap);
}

export async function listTickets({
  ctx,
  filter,
  limit,
  cursor,
}: {
  ctx: Context;
  filter: TicketListFilter;
  limit: number;
  cursor?: string;
}): Promise<Page<TicketView>> {
  const scope = tenantScopeOf(ctx.actor);
  const query: TicketListQuery = { ...ticketSelection(ctx, filter), limit: limit + 1 };
  if (cursor) query.after = decodeCursor(cursor);
  const key = query.sort;

  // The scope is applied on top of whatever the caller asked: another organization's id yields an
  // empty list, not that organization's tickets.
  const rows = await listTicketRows(ctx.db, ctx.dialect, scope, query);
  const page = rows.slice(0, limit);
  const tags = await tagsByTicket(
    ctx.db,
    scope,
    page.map((r) => r.id),
  );
  const last = page.at(-1);
  return {
    items: page.map((row) => presentTicket(row, tags.get(row.id) ?? [], ctx.actor)),
    nextCursor:
      // Sorting by due time lists only tickets that have one, so the value is never null here.
      rows.length > limit && last
        ? encodeCursor({ value: last[ticketSortKeys[key]] ?? "", id: last.id })
        : null,
  };
}

export async function listComments({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<CommentView[]> {
  const scope = tenantScopeOf(ctx.actor);
  const ticket = assertCanViewTicket(
    ctx.actor,
    await findTicketOwnershipByNumber(ctx.db, scope, number),
    number,
  );
  const rows = await listCommentRows(ctx.db, scope, ticket.id, visibleCommentKinds(ctx.actor));
  // The relay's answers are the desk's business, not the customer's.
  const deliveries = isStaff(ctx.actor)
    ? await emailDeliveriesOfComments(
        ctx,
        scope,
        rows.map((row) => row.id),
      )
    : new Map();
  const attachments = await attachmentViewsOfComments(
    ctx,
    scope,
    rows.map((row) => row.id),
  );
  return rows.map((row) =>
    presentComment(row, ctx.actor, deliveries.get(row.id) ?? null, attachments.get(row.id) ?? []),
  );
}

/** Customers see how their ticket moved and their conversation; staff also see notes and assignments. */
const eventsCustomersSee = new Set(["created", "public_reply_added", "follow_up_created"]);

export async function listTicketEvents({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<TicketEventView[]> {
  const scope = tenantScopeOf(ctx.actor);
  const ticket = assertCanViewTicket(
    ctx.actor,
    await findTicketOwnershipByNumber(ctx.db, scope, number),
    number,
  );
  const rows = await listTicketEventRows(ctx.db, scope, ticket.id);
  const visible = isStaff(ctx.actor)
    ? rows
    : rows.filter(
        (r) => eventsCustomersSee.has(r.kind) || (r.kind === "field_changed" && r.field === "status"),
      );
  return visible.map(presentTicketEvent);
}

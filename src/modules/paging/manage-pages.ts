import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor } from "../../shared/cursor.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Actor } from "../identity/actor.js";
import { requireStaff } from "../identity/identity-policy.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { systemScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { findTicketByNumber } from "../tickets/ticket-repository.js";
import { escalatePageJob } from "./page-escalation.js";
import { type PageEventView, type PageView, presentPage, presentPageEvent } from "./paging-presenter.js";
import {
  changePageStatus,
  type EscalationPolicyRow,
  findPageById,
  findPolicyById,
  findPolicyByName,
  insertPage,
  insertPageEvents,
  listPageEvents,
  listPageRows,
  type PageListPosition,
  type PageListRow,
  type PageRow,
  type PageStatus,
  pageStatusRank,
} from "./paging-repository.js";
import { type PageNews, queueSlackReply } from "./slack-replies.js";

export const pageSeverities = ["sev1", "sev2", "sev3", "sev4"] as const;
export type PageSeverity = (typeof pageSeverities)[number];

export interface PageInput {
  title: string;
  details?: string;
  severity: PageSeverity;
  /** The policy by id or by name: the CLI and chat know names. */
  policyId?: string;
  policy?: string;
  ticketNumber?: number;
}

export type PageResponse = "acknowledge" | "resolve";

/**
 * Who a page's log says acted: a person by id only (their name is read with the log, so an erased
 * person's name leaves it), otherwise what the system was doing.
 */
export function eventActor(actor: Actor): { personId: string | null; actor: string | null } {
  if (actor.kind === "person") return { personId: actor.personId, actor: null };
  return { personId: null, actor: actor.kind === "system" ? actor.reason : "anonymous" };
}

async function policyOf(ctx: Context, input: PageInput) {
  if ((input.policyId === undefined) === (input.policy === undefined))
    throw ValidationError.field("policyId", "name the escalation policy by policyId or by policy (its name)");
  if (input.policyId !== undefined) {
    const row = await findPolicyById(ctx.db, input.policyId);
    if (!row) throw UnprocessableContentError.field("policyId", `no escalation policy ${input.policyId}`);
    return row;
  }
  const row = await findPolicyByName(ctx.db, (input.policy as string).trim());
  if (!row) throw UnprocessableContentError.field("policy", `no escalation policy named "${input.policy}"`);
  return row;
}

/** Opens a page and queues its first escalation step at once: the first level hears within a poll. */
export async function openPage({ ctx, input }: { ctx: Context; input: PageInput }): Promise<PageView> {
  requireStaff(ctx.actor);
  const title = input.title.trim();
  if (!title) throw ValidationError.field("title", "must not be empty");
  return inTransaction(ctx, async (tx) => {
    const policy = await policyOf(tx, input);
    let ticket: { id: string; number: number } | null = null;
    if (input.ticketNumber !== undefined) {
      const found = await findTicketByNumber(tx.db, tenantScopeOf(tx.actor), input.ticketNumber);
      if (!found) throw UnprocessableContentError.field("ticketNumber", `no ticket ${input.ticketNumber}`);
      ticket = { id: found.id, number: found.number };
    }
    return startPage(tx, {
      title,
      details: input.details?.trim() ?? "",
      severity: input.severity,
      policy,
      ticket,
      openedBecause: `opened with ${policy.name}`,
    });
  });
}

export interface NewPage {
  title: string;
  details: string;
  severity: string;
  policy: EscalationPolicyRow;
  ticket: { id: string; number: number } | null;
  /** The log's first line: who or what opened it, and with which policy. */
  openedBecause: string;
}

/**
 * Stores a page, its "opened" event and its first escalation step, in the caller's transaction:
 * the one way a page comes to be, whether a person sends it or a paging trigger fires.
 */
export async function startPage(tx: Context, input: NewPage): Promise<PageView> {
  const opener = eventActor(tx.actor);
  const now = tx.clock.now().toISOString();
  const page: PageRow = {
    id: newId(),
    title: input.title,
    details: input.details,
    severity: input.severity,
    ticket_id: input.ticket?.id ?? null,
    policy_id: input.policy.id,
    status: "open",
    opened_by: opener.personId,
    opened_at: now,
    acknowledged_by: null,
    acknowledged_at: null,
    resolved_by: null,
    resolved_at: null,
    steps_done: 0,
  };
  await insertPage(tx.db, page);
  await insertPageEvents(tx.db, [
    {
      id: newId(),
      page_id: page.id,
      kind: "opened",
      person_id: opener.personId,
      detail: input.openedBecause,
      actor: opener.actor,
      at: now,
    },
  ]);
  await enqueueJob(tx, escalatePageJob, { pageId: page.id, step: 0 });
  await publishDomainEvent(tx, "page.opened", page.ticket_id, {
    pageId: page.id,
    title: page.title,
    severity: page.severity,
    policyId: page.policy_id,
    ticketNumber: input.ticket?.number ?? null,
    openedBecause: input.openedBecause,
  });
  await recordAudit(tx, {
    action: "page.opened",
    targetType: "page",
    targetId: page.id,
    after: {
      title: page.title,
      severity: page.severity,
      policy: input.policy.name,
      ticketId: page.ticket_id,
    },
  });
  return presentPage({
    ...page,
    ticket_number: input.ticket?.number ?? null,
    policy_name: input.policy.name,
    opened_by_actor: opener.actor,
    acknowledged_by_actor: null,
    resolved_by_actor: null,
  });
}

/** A cursor names the last page's place in the list: its status rank, when it opened, its id. */
function pagePositionOf(cursor: string): PageListPosition {
  const position = decodeCursor(cursor);
  const [rank, openedAt] = String(position.value).split("|");
  const statusRank = Number(rank);
  if (!openedAt || !Object.values(pageStatusRank).includes(statusRank))
    throw ValidationError.field("cursor", "is not a cursor this API returned");
  return { statusRank, openedAt, id: position.id };
}

/**
 * Pages, open first, a list page at a time. A page answered between two requests moves down the
 * list: the reader may meet it again further on, which is better than never seeing an open one.
 */
export async function listPages(
  ctx: Context,
  query: { limit?: number; cursor?: string } = {},
): Promise<{ pages: PageView[]; nextCursor: string | null }> {
  requireStaff(ctx.actor);
  const limit = query.limit ?? 50;
  const after = query.cursor === undefined ? undefined : pagePositionOf(query.cursor);
  const rows = await listPageRows(ctx.db, limit + 1, after);
  const listed = rows.slice(0, limit);
  const last = listed.at(-1);
  return {
    pages: listed.map(presentPage),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({
            value: `${pageStatusRank[last.status as PageStatus]}|${last.opened_at}`,
            id: last.id,
          })
        : null,
  };
}

export async function getPage(ctx: Context, id: string): Promise<PageView & { log: PageEventView[] }> {
  requireStaff(ctx.actor);
  const row = await findPageById(ctx.db, id);
  if (!row) throw new NotFoundError(`No page ${id}.`);
  const log = await listPageEvents(ctx.db, id);
  const people = await findPeopleByIds(
    ctx.db,
    systemScope("the people a page notified or who answered it: staff"),
    [...new Set(log.flatMap((event) => (event.person_id ? [event.person_id] : [])))],
  );
  const names = new Map(people.map((person) => [person.id, person.name]));
  return { ...presentPage(row), log: log.map((event) => presentPageEvent(event, names)) };
}

const leaves: Record<PageResponse, { from: PageStatus[]; to: PageStatus; event: PageNews }> = {
  acknowledge: { from: ["open"], to: "acknowledged", event: "acknowledged" },
  resolve: { from: ["open", "acknowledged"], to: "resolved", event: "resolved" },
};

/**
 * Acknowledges or resolves a page, in the caller's transaction, as its actor: the signed-in
 * person, or the person a mailed link was sent to. Either stops the escalation: the next step job
 * finds the page no longer open.
 */
export async function respondToPage(tx: Context, pageId: string, response: PageResponse): Promise<PageView> {
  const responder = eventActor(tx.actor);
  const page = await findPageById(tx.db, pageId);
  if (!page) throw new NotFoundError(`No page ${pageId}.`);
  const rule = leaves[response];
  const now = tx.clock.now().toISOString();
  const change =
    response === "acknowledge"
      ? { status: rule.to, acknowledged_by: responder.personId, acknowledged_at: now }
      : { status: rule.to, resolved_by: responder.personId, resolved_at: now };
  if (!(await changePageStatus(tx.db, pageId, rule.from, change))) {
    const current = (await findPageById(tx.db, pageId)) as PageListRow;
    throw new ConflictError(`The page is ${current.status} already.`, presentPage(current));
  }
  await insertPageEvents(tx.db, [
    {
      id: newId(),
      page_id: pageId,
      kind: rule.event,
      person_id: responder.personId,
      detail: rule.event,
      actor: responder.actor,
      at: now,
    },
  ]);
  // A page opened from Slack tells its channel; from anywhere else this queues nothing.
  await queueSlackReply(tx, pageId, rule.event);
  await publishDomainEvent(tx, `page.${rule.event}`, page.ticket_id, {
    pageId,
    title: page.title,
    severity: page.severity,
    respondedBy: responder.personId,
  });
  await recordAudit(tx, {
    action: `page.${rule.event}`,
    targetType: "page",
    targetId: pageId,
    before: { status: page.status },
    after: { status: rule.to },
  });
  return presentPage({ ...page, ...change });
}

export async function respondAsStaff({
  ctx,
  id,
  response,
}: {
  ctx: Context;
  id: string;
  response: PageResponse;
}): Promise<PageView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => respondToPage(tx, id, response));
}

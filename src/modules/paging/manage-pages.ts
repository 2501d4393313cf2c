import { ConflictError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
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
  findPageById,
  findPolicyById,
  findPolicyByName,
  insertPage,
  insertPageEvents,
  listPageEvents,
  listPageRows,
  type PageListRow,
  type PageRow,
  type PageStatus,
} from "./paging-repository.js";

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
    let ticketId: string | null = null;
    if (input.ticketNumber !== undefined) {
      const ticket = await findTicketByNumber(tx.db, tenantScopeOf(tx.actor), input.ticketNumber);
      if (!ticket) throw UnprocessableContentError.field("ticketNumber", `no ticket ${input.ticketNumber}`);
      ticketId = ticket.id;
    }
    const opener = eventActor(tx.actor);
    const now = tx.clock.now().toISOString();
    const page: PageRow = {
      id: newId(),
      title,
      details: input.details?.trim() ?? "",
      severity: input.severity,
      ticket_id: ticketId,
      policy_id: policy.id,
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
        detail: `opened with ${policy.name}`,
        actor: opener.actor,
        at: now,
      },
    ]);
    await enqueueJob(tx, escalatePageJob, { pageId: page.id, step: 0 });
    await recordAudit(tx, {
      action: "page.opened",
      targetType: "page",
      targetId: page.id,
      after: { title: page.title, severity: page.severity, policy: policy.name, ticketId },
    });
    return presentPage({ ...page, ticket_number: input.ticketNumber ?? null, policy_name: policy.name });
  });
}

export async function listPages(ctx: Context): Promise<PageView[]> {
  requireStaff(ctx.actor);
  return (await listPageRows(ctx.db, 200)).map(presentPage);
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

const leaves: Record<PageResponse, { from: PageStatus[]; to: PageStatus; event: string }> = {
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

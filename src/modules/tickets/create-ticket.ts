import { UnauthorizedError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction, readOncePerBatch } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { attachClaimedUploads, claimUploads } from "../attachments/attach-uploads.js";
import { recordAudit } from "../audit/record-audit.js";
import { acknowledgeIfSupportClosed } from "../health/acknowledge-while-closed.js";
import type { Actor } from "../identity/actor.js";
import { findGroupById, findGroupByName } from "../identity/group-repository.js";
import { isStaff, requirePerson } from "../identity/identity-policy.js";
import { findOrCreateCustomer } from "../identity/manage-people.js";
import { findPersonById, type PersonRow } from "../identity/person-repository.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { queueStaffNotice } from "../notifications/queue-staff-notice.js";
import { queuePagingTriggers } from "../paging/queue-paging-triggers.js";
import { computeNewTicketClocks, startTicketClocks } from "../sla/recompute-ticket-sla.js";
import { commentBody } from "./comment-body.js";
import { unqualifiedReply } from "./reply-qualification.js";
import { type Category, normalizeTags, type Severity, type TicketChannel } from "./ticket.js";
import { eventRow } from "./ticket-events.js";
import { followTicket, type NewFollower } from "./ticket-followers.js";
import { nextTicketNumber } from "./ticket-numbers.js";
import { presentTicket, type TicketView } from "./ticket-presenter.js";
import {
  findTicketById,
  insertComment,
  insertTicket,
  insertTicketEvents,
  replaceTicketTags,
  type TicketRow,
} from "./ticket-repository.js";
import { indexSearchDocuments } from "./ticket-search.js";
import type { TicketStatus } from "./ticket-status.js";

export interface CreateTicketInput {
  subject: string;
  body?: string;
  bodyHtml?: string;
  requesterId?: string;
  requester?: { email: string; name?: string };
  channel?: TicketChannel;
  severity?: Severity;
  category?: Category;
  groupId?: string;
  assigneeId?: string;
  tags?: string[];
  status?: Exclude<TicketStatus, "closed">;
  /** A follow-up to a closed ticket; set by Tend, not by callers. */
  followUpOfId?: string;
  /** The caller's pending uploads, attached to the description. */
  uploadIds?: string[];
  /**
   * Who follows from the start (the mail's Cc, a closed ticket's followers), set by Tend: they
   * follow before anything is mailed, so the closed-hours acknowledgement reaches them too.
   */
  followers?: readonly NewFollower[];
}

/** The group every new ticket lands in unless told otherwise: Tier 1 answers first. */
export const defaultGroupName = "Tier 1";

const channelForContext: Record<Context["channel"], TicketChannel> = {
  api: "api",
  web: "portal",
  portal: "portal",
  email: "email",
  chat: "chat",
  phone: "phone",
  cli: "api",
  system: "api",
};

async function resolveRequester(ctx: Context, input: CreateTicketInput): Promise<PersonRow> {
  const actor = ctx.actor;
  if (!isStaff(actor)) {
    const me = requirePerson(actor);
    if (input.requesterId || input.requester) {
      throw ValidationError.field(
        input.requesterId ? "requesterId" : "requester",
        "customers open tickets as themselves",
      );
    }
    const self = await findPersonById(ctx.db, me.personId);
    if (!self) throw ValidationError.field("requesterId", "the signed-in person no longer exists");
    return self;
  }
  if (input.requesterId) {
    const person = await findPersonById(ctx.db, input.requesterId);
    if (!person) throw ValidationError.field("requesterId", `no person ${input.requesterId}`);
    return person;
  }
  if (input.requester) return findOrCreateCustomer(ctx, input.requester.email, input.requester.name);
  throw ValidationError.field(
    "requesterId",
    "staff must name the requester (requesterId or requester.email)",
  );
}

function refuseStaffOnlyFields(actor: Actor, input: CreateTicketInput): void {
  if (isStaff(actor)) return;
  for (const field of ["groupId", "assigneeId", "status", "channel", "tags"] as const) {
    if (input[field] !== undefined) throw ValidationError.field(field, "only agents may set this");
  }
}

export async function assertAssignable(ctx: Context, assigneeId: string): Promise<void> {
  const assignee = await findPersonById(ctx.db, assigneeId);
  if (!assignee) throw ValidationError.field("assigneeId", `no person ${assigneeId}`);
  if (assignee.role === "customer")
    throw ValidationError.field("assigneeId", "tickets are assigned to agents, not customers");
  if (assignee.deactivated_at)
    throw UnprocessableContentError.field(
      "assigneeId",
      `${assignee.name} is deactivated: choose an active agent`,
    );
}

export async function assertGroupExists(ctx: Context, groupId: string): Promise<void> {
  if (!(await findGroupById(ctx.db, groupId))) throw ValidationError.field("groupId", `no group ${groupId}`);
}

/** Opens a ticket and answers with its view, as the API does. */
export async function createTicket({
  ctx,
  input,
}: {
  ctx: Context;
  input: CreateTicketInput;
}): Promise<TicketView> {
  return inTransaction(ctx, async (tx) => {
    const { ticket, tags } = await openTicket(tx, input);
    const created = await findTicketById(tx.db, tenantScopeOf(tx.actor), ticket.id);
    if (!created) throw new Error(`ticket ${ticket.id} vanished inside its own transaction`);
    return presentTicket(created, tags, tx.actor);
  });
}

export interface OpenedTicket {
  ticket: TicketRow;
  tags: string[];
  /** The description: the ticket's first public comment. */
  commentId: string;
}

/**
 * Opens a ticket (its description, followers, search documents, SLA clocks, acknowledgement, events
 * and audit record) in the caller's transaction or its own, and answers with what was written, not
 * the ticket's view, whose names and clocks a caller that only needs the ticket's number (inbound
 * mail: 5 statements a message) would read for nothing.
 */
export async function openTicket(
  ctx: Context,
  input: CreateTicketInput,
  /** The requester's row when the caller (inbound mail) has just found or created it: not read again. */
  knownRequester?: PersonRow,
): Promise<OpenedTicket> {
  if (ctx.actor.kind === "anonymous") throw new UnauthorizedError("Sign in or send a bearer token.");
  refuseStaffOnlyFields(ctx.actor, input);
  const subject = input.subject.trim();
  if (!subject) throw ValidationError.field("subject", "must not be empty");
  const body = commentBody(input);
  const tags = normalizeTags(input.tags ?? []);

  return inTransaction(ctx, async (tx) => {
    const uploads = await claimUploads(tx, input.uploadIds);
    const requester =
      knownRequester && knownRequester.id === input.requesterId
        ? knownRequester
        : await resolveRequester(tx, input);
    if (input.assigneeId) await assertAssignable(tx, input.assigneeId);
    let groupId = input.groupId ?? null;
    if (groupId) await assertGroupExists(tx, groupId);
    else
      groupId =
        (await readOncePerBatch(tx, "default group", () => findGroupByName(tx.db, defaultGroupName)))?.id ??
        null;

    const now = tx.clock.now().toISOString();
    const status = input.status ?? "new";
    const row: TicketRow = {
      id: newId(),
      number: await nextTicketNumber(tx.db, tx.dialect),
      subject,
      requester_id: requester.id,
      organization_id: requester.organization_id,
      channel: input.channel ?? channelForContext[tx.channel],
      status,
      severity: input.severity ?? "sev2",
      category: input.category ?? "other",
      group_id: groupId,
      assignee_id: input.assigneeId ?? null,
      follow_up_of_id: input.followUpOfId ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
      last_activity_at: now,
      solved_at: status === "solved" ? now : null,
      closed_at: null,
      next_sla_due_at: null,
    };
    const clocks = await computeNewTicketClocks(tx, row, tags);
    row.next_sla_due_at = clocks.nextDueAt;
    await insertTicket(tx.db, row);
    if (tags.length > 0) await replaceTicketTags(tx.db, row.id, tags);

    // The description is the first public comment, written by whoever opened the ticket.
    const authorId = tx.actor.kind === "person" ? tx.actor.personId : requester.id;
    const commentId = newId();
    await insertComment(tx.db, {
      id: commentId,
      ticket_id: row.id,
      author_id: authorId,
      visibility: "public",
      channel: row.channel,
      body_text: body.text,
      body_html: body.html,
      created_at: now,
      ...unqualifiedReply,
    });
    await attachClaimedUploads(tx, uploads, { ticketId: row.id, commentId });
    const followers = input.followers ?? [];
    await followTicket(tx, row.id, followers);
    await insertTicketEvents(tx.db, [
      eventRow(tx, row.id, now, { kind: "created", field: "status", to: status }),
      eventRow(tx, row.id, now, { kind: "public_reply_added", to: commentId }),
    ]);
    await indexSearchDocuments(tx.db, tx.dialect, [
      { ticketId: row.id, visibility: "public", text: subject },
      { ticketId: row.id, visibility: "public", text: body.text },
    ]);
    await acknowledgeIfSupportClosed(tx, row, requester, followers.length === 0 ? [] : undefined);
    await startTicketClocks(tx, clocks);
    if (row.severity === "sev1")
      await queuePagingTriggers(tx, { kind: "sev1_ticket_created", ticketId: row.id });
    if (row.assignee_id)
      await queueStaffNotice(tx, row.id, {
        kind: "assigned",
        assigneeId: row.assignee_id,
        byPersonId: tx.actor.kind === "person" ? tx.actor.personId : null,
      });
    await publishDomainEvent(tx, "ticket.created", row.id, {
      ticketNumber: row.number,
      subject: row.subject,
      channel: row.channel,
      status: row.status,
      severity: row.severity,
      category: row.category,
      groupId: row.group_id,
      assigneeId: row.assignee_id,
      organizationId: row.organization_id,
      requesterId: row.requester_id,
      tags,
      commentId,
    });
    await recordAudit(tx, {
      action: "ticket.created",
      targetType: "ticket",
      targetId: row.id,
      after: { ...row, tags },
    });
    tx.logger.info({ ticket: row.number, channel: row.channel }, "ticket created");
    return { ticket: row, tags, commentId };
  });
}

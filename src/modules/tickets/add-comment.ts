import { ConflictError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";
import { newId } from "../../shared/ids.js";
import { attachClaimedUploads, claimUploads } from "../attachments/attach-uploads.js";
import { attachmentViewsOfComments } from "../attachments/read-attachments.js";
import { recordAudit } from "../audit/record-audit.js";
import { queueReplyEmail } from "../email/queue-reply-email.js";
import { isStaff, requirePerson } from "../identity/identity-policy.js";
import { systemScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { queueStaffNotice } from "../notifications/queue-staff-notice.js";
import { recomputeTicketSla } from "../sla/recompute-ticket-sla.js";
import { commentBody } from "./comment-body.js";
import { createTicket } from "./create-ticket.js";
import {
  qualifyReply,
  type ReplyQualificationInput,
  withQualificationSections,
} from "./reply-qualification.js";
import type { Visibility } from "./ticket.js";
import { applyTicketChanges } from "./ticket-changes.js";
import { eventRow } from "./ticket-events.js";
import { findTicketToAnswerAsFollower, followersToCarryOver } from "./ticket-followers.js";
import { assertCanViewTicket } from "./ticket-policy.js";
import { type CommentView, presentComment, presentTicket, type TicketView } from "./ticket-presenter.js";
import {
  findCommentRow,
  findTicketById,
  findTicketByNumber,
  insertComment,
  insertTicketEvents,
  listCommentRows,
  tagsByTicket,
} from "./ticket-repository.js";
import { indexSearchDocuments } from "./ticket-search.js";
import {
  checkTransition,
  statusAfterCustomerReply,
  statusAfterStaffReply,
  type TicketStatus,
} from "./ticket-status.js";

export interface AddCommentInput extends ReplyQualificationInput {
  visibility?: Visibility;
  /** Submit as: the status the ticket takes with this reply (agents only). */
  status?: TicketStatus;
  /** The caller's pending uploads, attached to this comment. */
  uploadIds?: string[];
}

export interface AddCommentResult {
  comment: CommentView;
  /** The ticket after the comment — a new follow-up ticket when the original was closed. */
  ticket: TicketView;
}

export async function addComment({
  ctx,
  number,
  input,
  asFollower = false,
  writtenBy,
}: {
  ctx: Context;
  number: number;
  input: AddCommentInput;
  /**
   * The staff member a comment by Tend itself (an automation, acting as the system so its own
   * changes are known as its own) is written in the name of: comments always have a person as author.
   */
  writtenBy?: string;
  /**
   * The inbound mail pipeline, for a follower answering the replies they got by mail: they may
   * write on a ticket they follow without being allowed to read it (`ticket-followers.ts`).
   */
  asFollower?: boolean;
}): Promise<AddCommentResult> {
  const author =
    ctx.actor.kind === "system" && writtenBy ? { personId: writtenBy } : requirePerson(ctx.actor);
  const staff = isStaff(ctx.actor);
  const visibility = input.visibility ?? "public";
  if (!staff && visibility === "internal")
    throw ValidationError.field("visibility", "customers write public replies");
  if (!staff && input.status !== undefined)
    throw ValidationError.field("status", "only agents may set the status");

  return inTransaction(ctx, async (tx) => {
    const ticket = asFollower
      ? await findTicketToAnswerAsFollower(tx, number)
      : assertCanViewTicket(
          tx.actor,
          await findTicketByNumber(tx.db, tenantScopeOf(tx.actor), number),
          number,
        );
    // The body is checked only once the caller may see the ticket: a refusal comes before any verdict.
    const qualification = qualifyReply(input, { visibility, staff });
    const body = commentBody(withQualificationSections(input, qualification));
    const current = ticket.status as TicketStatus;

    let nextStatus = current;
    let reason: string | undefined;
    if (staff) {
      if (current === "closed") throw new ConflictError(`Ticket #${number} is closed and read-only.`);
      nextStatus =
        visibility === "public" ? statusAfterStaffReply(current, input.status) : (input.status ?? current);
      const check = checkTransition(current, nextStatus, "staff");
      if (!check.allowed) throw new ConflictError(check.reason);
    } else {
      const after = statusAfterCustomerReply(current);
      if (after === "follow_up") {
        // A closed ticket stays as it was; the conversation continues on a linked follow-up.
        const followUp = await createTicket({
          ctx: tx,
          input: {
            subject: ticket.subject,
            ...(input.bodyHtml !== undefined ? { bodyHtml: input.bodyHtml } : { body: body.text }),
            severity: ticket.severity as TicketView["severity"],
            category: ticket.category as TicketView["category"],
            followUpOfId: ticket.id,
            followers: await followersToCarryOver(tx, ticket.id),
            ...(input.uploadIds ? { uploadIds: input.uploadIds } : {}),
          },
        });
        await insertTicketEvents(tx.db, [
          eventRow(tx, ticket.id, tx.clock.now().toISOString(), {
            kind: "follow_up_created",
            to: String(followUp.number),
            reason: "Customer replied to a closed ticket",
          }),
        ]);
        const [firstComment] = await listCommentRows(tx.db, tenantScopeOf(tx.actor), followUp.id, ["public"]);
        if (!firstComment) throw new Error(`follow-up ${followUp.number} has no description`);
        const attachments = await attachmentViewsOfComments(tx, tenantScopeOf(tx.actor), [firstComment.id]);
        return {
          comment: presentComment(firstComment, tx.actor, null, attachments.get(firstComment.id) ?? []),
          ticket: followUp,
        };
      }
      nextStatus = after;
      if (after !== current) reason = "Customer replied";
    }

    const uploads = await claimUploads(tx, input.uploadIds);
    const now = tx.clock.now().toISOString();
    const commentId = newId();
    await insertComment(tx.db, {
      id: commentId,
      ticket_id: ticket.id,
      author_id: author.personId,
      visibility,
      channel: tx.channel,
      body_text: body.text,
      body_html: body.html,
      created_at: now,
      summary: qualification.summary,
      next_steps: qualification.nextSteps,
      qualifying: qualification.qualifying ? 1 : 0,
      qualifying_reason: qualification.qualifyingReason,
      workaround: qualification.workaround ? 1 : 0,
    });
    await attachClaimedUploads(tx, uploads, { ticketId: ticket.id, commentId });
    await applyTicketChanges(
      tx,
      ticket,
      { status: nextStatus },
      reason ? { reasons: { status: reason } } : {},
    );
    await insertTicketEvents(tx.db, [
      eventRow(tx, ticket.id, now, {
        kind: visibility === "public" ? "public_reply_added" : "internal_note_added",
        to: commentId,
      }),
    ]);
    await indexSearchDocuments(tx.db, tx.dialect, [{ ticketId: ticket.id, visibility, text: body.text }]);
    if (staff && visibility === "public") {
      await queueReplyEmail(tx, {
        ticket,
        comment: { id: commentId, bodyText: body.text, bodyHtml: body.html },
      });
    }
    await queueStaffNotice(
      tx,
      ticket.id,
      {
        kind: "commented",
        assigneeId: ticket.assignee_id,
        authorId: author.personId,
        authorIsStaff: staff,
        visibility,
      },
      commentId,
    );
    await recomputeTicketSla(tx, ticket.id);
    await publishDomainEvent(tx, "ticket.commented", ticket.id, {
      ticketNumber: ticket.number,
      commentId,
      visibility,
      authorId: author.personId,
      channel: tx.channel,
    });
    await recordAudit(tx, {
      action: "comment.added",
      targetType: "ticket",
      targetId: ticket.id,
      after: { commentId, visibility, channel: tx.channel },
    });

    // A follower's answer was allowed by `findTicketToAnswerAsFollower`; they may not read it back.
    const scope = asFollower
      ? systemScope("reading back a follower's answer by mail")
      : tenantScopeOf(tx.actor);
    const comment = await findCommentRow(tx.db, scope, commentId);
    const updated = await findTicketById(tx.db, scope, ticket.id);
    if (!comment || !updated) throw new Error(`comment ${commentId} vanished inside its own transaction`);
    // A comment with no uploads has no attachments: not read back.
    const attachments =
      uploads.length === 0
        ? []
        : ((await attachmentViewsOfComments(tx, scope, [commentId])).get(commentId) ?? []);
    return {
      comment: presentComment(comment, tx.actor, null, attachments),
      ticket: presentTicket(
        updated,
        (await tagsByTicket(tx.db, scope, [ticket.id])).get(ticket.id) ?? [],
        tx.actor,
      ),
    };
  });
}

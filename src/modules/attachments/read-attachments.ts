import { NotFoundError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { type TenantScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { assertCanViewTicket, visibleCommentKinds } from "../tickets/ticket-policy.js";
import { findTicketByNumber } from "../tickets/ticket-repository.js";
import { type AttachmentView, presentAttachment } from "./attachment-presenter.js";
import { attachmentsOfComments, findVisibleAttachment } from "./attachment-repository.js";
import { attachmentDisposition, servedContentType } from "./attachment-rules.js";
import { attachmentsDirOf, readAttachmentFile } from "./attachment-store.js";

export interface AttachmentDownload {
  /** The headers the bytes go out with: never rendered inline in Tend's origin. */
  contentType: string;
  contentDisposition: string;
  content: Buffer;
}

/**
 * One attachment's bytes, for whoever may read the comment it came with: the ticket must be one
 * the reader sees, and a customer never gets an internal note's file. Anything else is the same
 * 404 as an attachment that does not exist, so ids of other organizations reveal nothing.
 */
export async function downloadAttachment({
  ctx,
  number,
  attachmentId,
}: {
  ctx: Context;
  number: number;
  attachmentId: string;
}): Promise<AttachmentDownload> {
  const scope = tenantScopeOf(ctx.actor);
  const ticket = assertCanViewTicket(ctx.actor, await findTicketByNumber(ctx.db, scope, number), number);
  const row = await findVisibleAttachment(ctx.db, scope, {
    ticketId: ticket.id,
    attachmentId,
    visibilities: visibleCommentKinds(ctx.actor),
  });
  if (!row) throw new NotFoundError(`No attachment ${attachmentId} on ticket #${number}.`);
  return {
    contentType: servedContentType(row.content_type),
    contentDisposition: attachmentDisposition(row.filename),
    content: await readAttachmentFile(attachmentsDirOf(ctx), row.sha256),
  };
}

/** Each comment's attachments, by comment id, for the comment list (already filtered by visibility). */
export async function attachmentViewsOfComments(
  ctx: Context,
  scope: TenantScope,
  commentIds: string[],
): Promise<Map<string, AttachmentView[]>> {
  const rows = await attachmentsOfComments(ctx.db, scope, commentIds);
  return new Map([...rows].map(([commentId, list]) => [commentId, list.map(presentAttachment)]));
}

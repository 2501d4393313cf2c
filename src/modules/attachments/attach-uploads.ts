import { UnprocessableContentError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { requirePerson } from "../identity/identity-policy.js";
import { insertAttachments } from "./attachment-repository.js";
import { takeUploads, type UploadRow } from "./upload-repository.js";

/** How long an upload waits to be attached; the daily sweep removes older ones with their files. */
export const uploadLifetimeMs = 24 * 60 * 60_000;

/**
 * Inside a new comment's transaction, before the comment is written: takes the caller's pending
 * uploads. An id that is not a pending upload of the caller's — another person's, attached already,
 * expired or never issued — is one and the same 422, naming its place in `uploadIds`; the
 * transaction then rolls back, leaving every upload as it was. Taken before the comment because
 * the comment's row locks its ticket (PostgreSQL): upload rows first, then the ticket, so two
 * comments racing for one upload queue on the upload instead of deadlocking on the ticket.
 */
export async function claimUploads(ctx: Context, uploadIds: readonly string[] = []): Promise<UploadRow[]> {
  if (uploadIds.length === 0) return [];
  const uploader = requirePerson(ctx.actor);
  const taken = await takeUploads(ctx.db, {
    uploaderId: uploader.personId,
    ids: [...uploadIds],
    createdAfter: new Date(ctx.clock.now().getTime() - uploadLifetimeMs).toISOString(),
  });
  const byId = new Map(taken.map((upload) => [upload.id, upload]));
  const missing = uploadIds.findIndex((id) => !byId.has(id));
  if (missing >= 0)
    throw UnprocessableContentError.field(
      `uploadIds/${missing}`,
      "no upload of yours waiting to be attached has this id (uploads are attached once and expire after 24 hours)",
    );
  // In the order the caller listed them, which is the order the comment shows them.
  return uploadIds.flatMap((id) => byId.get(id) ?? []);
}

/** The claimed uploads become the comment's attachments, as an email's files do. */
export async function attachClaimedUploads(
  ctx: Context,
  uploads: UploadRow[],
  comment: { ticketId: string; commentId: string },
): Promise<void> {
  const now = ctx.clock.now().toISOString();
  await insertAttachments(
    ctx.db,
    uploads.map((upload) => ({
      id: newId(),
      ticket_id: comment.ticketId,
      comment_id: comment.commentId,
      filename: upload.filename,
      content_type: upload.content_type,
      size_bytes: upload.size_bytes,
      sha256: upload.sha256,
      inline: 0,
      content_id: null,
      created_at: now,
    })),
  );
}

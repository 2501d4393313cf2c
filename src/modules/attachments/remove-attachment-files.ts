import type { Context } from "../../shared/context.js";
import { unreferencedFiles } from "./attachment-repository.js";
import { attachmentsDirOf, removeAttachmentFiles } from "./attachment-store.js";

/**
 * After the rows naming these files are gone (committed): deletes each file no other row still
 * names. Run after the commit, so a rolled-back erasure never leaves rows without their files.
 */
export async function removeUnreferencedAttachmentFiles(ctx: Context, sha256s: string[]): Promise<void> {
  if (sha256s.length === 0) return;
  await removeAttachmentFiles(attachmentsDirOf(ctx), await unreferencedFiles(ctx.db, sha256s));
}

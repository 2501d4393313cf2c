import { rm } from "node:fs/promises";
import type { Context } from "../../shared/context.js";
import { uploadLifetimeMs } from "./attach-uploads.js";
import { unreferencedFiles } from "./attachment-repository.js";
import { attachmentsDirOf, removeIdleAttachmentFile, storedFiles } from "./attachment-store.js";
import { deleteUnclaimedUploads } from "./upload-repository.js";

export const sweepOrphanAttachmentFilesJob = "attachments.sweep-orphans";

/**
 * Files are written before the transaction whose row names them: a transaction that failed after
 * the write left a file no row names. A day is far past any transaction, so a younger file may
 * still be about to be named and is left alone.
 */
export const orphanGraceMs = 24 * 60 * 60_000;

const batchSize = 500;

export interface OrphanSweep {
  /** Uploads nobody attached within their 24 hours: rows deleted, their files left to the sweep. */
  expiredUploads: number;
  /** Stored files no row names, idle past the grace period: removed. */
  removed: number;
  /** Temporary files of writes or sweeps that never finished: removed. */
  leftovers: number;
  /** Stored files past the grace period that some row names: kept. */
  referenced: number;
}

/**
 * The daily `attachments.sweep-orphans` job: deletes the uploads nobody attached within
 * `uploadLifetimeMs`, then removes the files of the attachment store that no `attachments` or
 * `uploads` row names and that nobody wrote or reused within `orphanGraceMs` — an expired upload's
 * file among them, as it was written when it was uploaded.
 */
export async function sweepOrphanAttachmentFiles(ctx: Context): Promise<OrphanSweep> {
  const dir = attachmentsDirOf(ctx);
  const now = ctx.clock.now().getTime();
  const idleSince = new Date(now - orphanGraceMs);
  const expired = await deleteUnclaimedUploads(ctx.db, new Date(now - uploadLifetimeMs).toISOString());
  const sweep: OrphanSweep = { expiredUploads: expired.length, removed: 0, leftovers: 0, referenced: 0 };
  let candidates: string[] = [];
  const removeUnnamed = async () => {
    const unnamed = await unreferencedFiles(ctx.db, candidates);
    sweep.referenced += candidates.length - unnamed.length;
    for (const sha256 of unnamed)
      if (await removeIdleAttachmentFile(dir, sha256, idleSince)) sweep.removed += 1;
    candidates = [];
  };
  for await (const file of storedFiles(dir)) {
    if (file.modifiedAt >= idleSince) continue;
    if (file.sha256 === null) {
      await rm(file.path, { force: true });
      sweep.leftovers += 1;
      continue;
    }
    candidates.push(file.sha256);
    if (candidates.length === batchSize) await removeUnnamed();
  }
  await removeUnnamed();
  return sweep;
}

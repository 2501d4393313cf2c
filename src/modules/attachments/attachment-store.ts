import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Context } from "../../shared/context.js";

const sha256Pattern = /^[0-9a-f]{64}$/;

/** The attachment store's folder for a data dir: the one `tend backup` carries. */
export function attachmentsDirIn(config: { dataDir: string }): string {
  return join(config.dataDir, "attachments");
}

/**
 * The attachment store: `$TEND_DATA_DIR/attachments/<aa>/<sha256>`, the folder `tend backup`
 * carries. Files are named by their content, so the same bytes are stored once and a file never
 * changes after it is written.
 */
export function attachmentsDirOf(ctx: Context): string {
  if (!ctx.attachmentsDir) throw new Error("no attachment store configured (TEND_DATA_DIR)");
  return ctx.attachmentsDir;
}

function pathOf(dir: string, sha256: string): string {
  // The name comes from our own hash or our own rows; checked anyway, as it becomes a path.
  if (!sha256Pattern.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return join(dir, sha256.slice(0, 2), sha256);
}

/**
 * Writes the bytes under their sha256 and returns it. Temp file, fsync, rename, fsync of the folder:
 * once this returns, the file survives a crash whole or was never there under its name — so the
 * row naming it, committed after, never points at a torn file.
 */
export async function writeAttachmentFile(dir: string, content: Buffer): Promise<string> {
  const sha256 = createHash("sha256").update(content).digest("hex");
  const target = pathOf(dir, sha256);
  const existing = await stat(target).catch(() => null);
  if (existing?.size === content.length) return sha256;
  const folder = join(dir, sha256.slice(0, 2));
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${sha256}.${randomUUID()}.tmp`);
  const file = await open(temporary, "w", 0o600);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, target);
  const folderHandle = await open(folder, "r");
  try {
    await folderHandle.sync();
  } finally {
    await folderHandle.close();
  }
  return sha256;
}

export async function readAttachmentFile(dir: string, sha256: string): Promise<Buffer> {
  return readFile(pathOf(dir, sha256));
}

export async function removeAttachmentFiles(dir: string, sha256s: Iterable<string>): Promise<void> {
  for (const sha256 of sha256s) await rm(pathOf(dir, sha256), { force: true });
}

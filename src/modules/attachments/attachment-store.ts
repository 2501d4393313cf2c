import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, utimes } from "node:fs/promises";
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
  // Reusing a stored file renews its time, so the orphan sweep's grace period covers the row about
  // to name it; a file the sweep took away meanwhile (ENOENT) is written again below.
  if (existing?.size === content.length && (await renewed(target))) return sha256;
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

async function renewed(path: string): Promise<boolean> {
  const now = new Date();
  return utimes(path, now, now).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return false;
      throw error;
    },
  );
}

/** A file in the store: a stored file by its sha256, or (`sha256` null) what a crashed write left. */
export interface StoredFile {
  sha256: string | null;
  path: string;
  modifiedAt: Date;
}

/** Every file in the store, folder by folder; nothing when the store was never written to. */
export async function* storedFiles(dir: string): AsyncGenerator<StoredFile> {
  const folders = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  for (const folder of folders.filter((name) => /^[0-9a-f]{2}$/.test(name)).sort()) {
    for (const name of await readdir(join(dir, folder))) {
      const stored = sha256Pattern.test(name) && name.startsWith(folder);
      // Temporary files of writes that never reached their rename, and sweeps that never finished.
      if (!stored && !name.startsWith(".")) continue;
      const path = join(dir, folder, name);
      const info = await stat(path).catch(() => null);
      if (info) yield { sha256: stored ? name : null, path, modifiedAt: info.mtime };
    }
  }
}

/**
 * Removes a stored file unless it was written or reused since `idleSince`. The file is first moved
 * aside, then its time read again: a write reusing it either renewed the time before the move (the
 * file is put back) or finds it gone and writes it afresh — so a row about to commit never loses it.
 */
export async function removeIdleAttachmentFile(
  dir: string,
  sha256: string,
  idleSince: Date,
): Promise<boolean> {
  const target = pathOf(dir, sha256);
  const aside = join(dir, sha256.slice(0, 2), `.${sha256}.${randomUUID()}.sweep`);
  try {
    await rename(target, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  if ((await stat(aside)).mtime >= idleSince) {
    await rename(aside, target);
    return false;
  }
  await rm(aside, { force: true });
  return true;
}

export async function readAttachmentFile(dir: string, sha256: string): Promise<Buffer> {
  return readFile(pathOf(dir, sha256));
}

export async function removeAttachmentFiles(dir: string, sha256s: Iterable<string>): Promise<void> {
  for (const sha256 of sha256s) await rm(pathOf(dir, sha256), { force: true });
}

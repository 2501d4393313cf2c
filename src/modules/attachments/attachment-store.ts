import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
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
  if (await alreadyStored(dir, sha256, content.length)) return sha256;
  const folder = join(dir, sha256.slice(0, 2));
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${sha256}.${randomUUID()}.tmp`);
  try {
    const file = await open(temporary, "w", 0o600);
    try {
      await file.writeFile(content);
      await file.sync();
    } finally {
      await file.close();
    }
    await moveIntoPlace(dir, temporary, sha256);
  } catch (error) {
    // A full disk fails the write part-way: the partial file would hold on to the space a retry needs.
    await rm(temporary, { force: true });
    throw error;
  }
  return sha256;
}

/**
 * Whether the store's file system has room for `bytes` more, as far as it tells (free blocks for
 * unprivileged users, the ones Tend writes with). A store not yet created is asked of the nearest
 * folder above it, which it will be created on.
 */
export async function storeHasRoomFor(dir: string, bytes: number): Promise<boolean> {
  for (let folder = dir; ; folder = dirname(folder)) {
    try {
      const fileSystem = await statfs(folder);
      return fileSystem.bavail * fileSystem.bsize >= bytes;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(folder) === folder) throw error;
    }
  }
}

/** A file received whole but not yet under its name: `keep` stores it, `discard` leaves no trace. */
export interface ReceivedFile {
  sha256: string;
  size: number;
  keep(): Promise<void>;
  discard(): Promise<void>;
}

/** The bytes arrived past the limit; nothing was kept. */
export class FileOverLimitError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is over ${maxBytes} bytes`);
  }
}

/**
 * Streams a file into `incoming/` of the store, hashing and counting as it arrives: past `maxBytes`
 * the source is destroyed and the partial file removed (FileOverLimitError), so a refused upload
 * is never read to its end nor held in memory. The caller decides with `keep` or `discard` once
 * the rest of its request has been checked.
 */
export async function receiveAttachmentFile(
  dir: string,
  source: Readable,
  maxBytes: number,
): Promise<ReceivedFile> {
  const incoming = join(dir, incomingFolder);
  await mkdir(incoming, { recursive: true });
  const temporary = join(incoming, `.${randomUUID()}.tmp`);
  const hash = createHash("sha256");
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      size += chunk.length;
      if (size > maxBytes) return next(new FileOverLimitError(maxBytes));
      hash.update(chunk);
      next(null, chunk);
    },
  });
  const file = createWriteStream(temporary, { mode: 0o600 });
  try {
    await pipeline(source, counter, file);
    await syncFile(temporary);
  } catch (error) {
    source.destroy();
    // The file opens asynchronously: a request cut short before it opened would otherwise see the
    // pipeline fail, the file removed, and then the late open create it again (an orphan in incoming/).
    // Only "close": `events.once` would reject on the "error" the pipeline's own destroy emits first.
    if (!file.closed) await new Promise<void>((closed) => file.once("close", () => closed()));
    await rm(temporary, { force: true });
    throw error;
  }
  const sha256 = hash.digest("hex");
  return {
    sha256,
    size,
    async keep() {
      if (await alreadyStored(dir, sha256, size)) await rm(temporary, { force: true });
      else await moveIntoPlace(dir, temporary, sha256);
    },
    discard: () => rm(temporary, { force: true }),
  };
}

/** Files being received: never a stored file's name, swept like any leftover when a crash left one. */
const incomingFolder = "incoming";

/**
 * Reusing a stored file renews its time, so the orphan sweep's grace period covers the row about
 * to name it; a file the sweep took away meanwhile (ENOENT) is written again by the caller.
 */
async function alreadyStored(dir: string, sha256: string, size: number): Promise<boolean> {
  const existing = await stat(pathOf(dir, sha256)).catch(() => null);
  return existing?.size === size && (await renewed(pathOf(dir, sha256)));
}

/** fsync by path: the data reaches the disk whichever descriptor wrote it. */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Rename, then fsync of the folder: the file is durable under its name before any row names it. */
async function moveIntoPlace(dir: string, temporary: string, sha256: string): Promise<void> {
  const folder = join(dir, sha256.slice(0, 2));
  await mkdir(folder, { recursive: true });
  await rename(temporary, pathOf(dir, sha256));
  await syncFile(folder);
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
  for (const folder of folders
    .filter((name) => /^[0-9a-f]{2}$/.test(name) || name === incomingFolder)
    .sort()) {
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

/** Where a stored file lives, for a reader that streams it (a mail carrying it). */
export function attachmentFilePath(dir: string, sha256: string): string {
  return pathOf(dir, sha256);
}

export async function readAttachmentFile(dir: string, sha256: string): Promise<Buffer> {
  return readFile(pathOf(dir, sha256));
}

export async function removeAttachmentFiles(dir: string, sha256s: Iterable<string>): Promise<void> {
  for (const sha256 of sha256s) await rm(pathOf(dir, sha256), { force: true });
}

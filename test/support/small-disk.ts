import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { mkdtempSync, rmdirSync } from "node:fs";
import { rm, statfs, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFile = promisify(execFileCallback);

/**
 * Why a small disk cannot be mounted here, or null when it can: mounting a tmpfs needs Linux and
 * root, which CI has. Asked once as the test file loads, so its tests can `skipIf` with the reason.
 */
export const smallDiskUnavailable: string | null = probeMount();

if (smallDiskUnavailable) console.warn(`Full-disk tests skipped: ${smallDiskUnavailable}`);

function probeMount(): string | null {
  if (process.platform !== "linux") return `a tmpfs mount needs Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return "mounting a tmpfs needs root (CI runs the tests as root)";
  const dir = mkdtempSync(join(tmpdir(), "tend-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "pipe" });
    execFileSync("umount", [dir], { stdio: "pipe" });
    return null;
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as Error).message.trim()}`;
  } finally {
    rmdirSync(dir);
  }
}

/** A real file system of a fixed size, to fill as another writer would and free as an operator would. */
export interface SmallDisk {
  dir: string;
  /** Takes every free block: the next write of a byte fails with ENOSPC. */
  fill(): Promise<void>;
  free(): Promise<void>;
  unmount(): Promise<void>;
}

/** Mounts a tmpfs of `size` (mount's syntax: `1m`) over `dir`, hiding what the folder held until unmounted. */
export async function mountSmallDisk(dir: string, size: string): Promise<SmallDisk> {
  await execFile("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  const filler = join(dir, ".filler");
  return {
    dir,
    async fill() {
      // A filler left by a test that failed before freeing would be truncated, not grown, by the write.
      await rm(filler, { force: true });
      const { bavail, bsize } = await statfs(dir);
      // A byte more than is free: the write stops with ENOSPC once it has every block.
      await writeFile(filler, Buffer.alloc(bavail * bsize + 1)).then(
        () => Promise.reject(new Error(`${dir} took more than it said was free`)),
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOSPC") throw error;
        },
      );
    },
    free: () => rm(filler, { force: true }),
    async unmount() {
      await execFile("umount", [dir]);
    },
  };
}

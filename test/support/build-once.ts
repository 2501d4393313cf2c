import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));
const lockDir = join(repositoryRoot, "dist", ".build-lock");
/** Longer than any build takes on a loaded machine: a lock this old was left by a killed run. */
const staleLockMs = 5 * 60_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds dist/ (the CLI and the web app, `scripts/build-if-needed.js`) when a source changed since
 * the last build. The CLI tests spawn the built CLI and the browser tests serve the built web app;
 * test files run in parallel workers, so a lock directory keeps two of them from building over each
 * other. Only files that need dist/ call it, so a run of unit tests never waits for a build.
 */
export function buildOnce(): void {
  mkdirSync(join(repositoryRoot, "dist"), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const age = Date.now() - (statSafe(lockDir) ?? Date.now());
      if (age > staleLockMs) rmSync(lockDir, { recursive: true, force: true });
      else sleep(250);
    }
  }
  try {
    execFileSync(process.execPath, ["scripts/build-if-needed.js"], { cwd: repositoryRoot, stdio: "ignore" });
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function statSafe(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

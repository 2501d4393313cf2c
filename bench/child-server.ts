import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** A server running in its own process, so the load generator does not share its event loop. */
export interface ChildServer {
  url: string;
  /** The SMTP listener's port, when the server runs the `smtp` role and reports it. */
  smtpPort?: number;
  /** For reading its memory from /proc. */
  pid: number;
  stop(): Promise<void>;
}

/** What a bench server sends its parent once it listens. */
export interface ListeningMessage {
  listening: { port: number; smtpPort?: number };
}

const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));
const startTimeoutMs = 60_000;

/**
 * Starts `script` (a file in bench/) under tsx with `environment` added, and waits until it reports
 * its port over the IPC channel. PORT=0 lets the system pick a free port.
 */
export async function startChildServer(
  script: string,
  environment: Record<string, string>,
): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [
      // BENCH_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
      ...(process.env.BENCH_CHILD_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      fileURLToPath(new URL(script, import.meta.url)),
    ],
    {
      cwd: repositoryRoot,
      env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...environment },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    },
  );
  const listening = await new Promise<ListeningMessage["listening"]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not listen within ${startTimeoutMs} ms`)),
      startTimeoutMs,
    );
    child.once("message", (message: ListeningMessage) => {
      clearTimeout(timer);
      resolve(message.listening);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${code} before listening`));
    });
  });
  if (child.pid === undefined) throw new Error(`${script} has no process id`);
  return {
    url: `http://127.0.0.1:${listening.port}`,
    ...(listening.smtpPort === undefined ? {} : { smtpPort: listening.smtpPort }),
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { acceptsConnections, freePort } from "../test/support/local-ports.js";
import type { BenchDatabase } from "./bench-database.js";

/** `node bin/tend.js serve` in a child process: the built CLI, as an operator's service manager starts it. */
export interface BuiltServer {
  url: string;
  /** The SMTP listener's port (whether or not the `smtp` role runs). */
  smtpPort: number;
  pid: number;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies where it stands, as in a crash or an out-of-memory kill. */
  kill(): Promise<void>;
}

export interface BuiltServerOptions {
  supportAddress: string;
  /** `--roles`; absent, every role. */
  roles?: string[];
  /** More environment (TEND_JOB_LOCK_SECONDS, …). */
  environment?: Record<string, string>;
  /** Node's own options before the script (`--expose-gc`, `--import` of a probe). */
  nodeArguments?: string[];
  /** Reuse the ports of a server started before (a restart behind the same address). */
  ports?: { port: number; smtpPort: number };
}

/**
 * Starts it and waits until it is ready: `/readyz` answers when the web role runs, the SMTP port
 * accepts connections when only `smtp` does, and a worker-only process is given its start-up time.
 */
export async function startBuiltServer(
  database: BenchDatabase,
  options: BuiltServerOptions,
): Promise<BuiltServer> {
  const port = options.ports?.port ?? (await freePort());
  const smtpPort = options.ports?.smtpPort ?? (await freePort());
  const roles = options.roles ?? ["web", "worker", "scheduler", "smtp"];
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CHILD_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      ...(options.nodeArguments ?? []),
      fileURLToPath(new URL("../bin/tend.js", import.meta.url)),
      "serve",
      "--roles",
      roles.join(","),
    ],
    {
      env: {
        ...process.env,
        ...database.environment,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "error",
        TEND_SMTP_PORT: String(smtpPort),
        TEND_SMTP_HOST: "127.0.0.1",
        TEND_SUPPORT_ADDRESSES: options.supportAddress,
        ...options.environment,
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => {
    if (roles.includes("web"))
      return fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
    if (roles.includes("smtp")) return acceptsConnections(smtpPort);
    return true;
  };
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tend serve exited with code ${child.exitCode}`);
    if (performance.now() > deadline) throw new Error("tend serve was not ready within 60 s");
    if (await ready()) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!roles.includes("web") && !roles.includes("smtp"))
    await new Promise((resolve) => setTimeout(resolve, 2000));
  if (child.pid === undefined) throw new Error("tend serve has no process id");
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, smtpPort, pid: child.pid, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") };
}

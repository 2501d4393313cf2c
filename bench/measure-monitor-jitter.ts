import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import {
  type CheckDone,
  MonitorRunner,
  type ScheduledMonitor,
} from "../src/modules/status/monitor-runner.js";
import type { RecordFigure } from "./report.js";
import { percentile } from "./stats.js";

/** A loopback HTTP service in its own process, so answering does not compete with the runner's thread. */
async function startTargetServer(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const s = require("node:http").createServer((q, r) => r.end("ok"));
       s.listen(0, "127.0.0.1", () => console.log(s.address().port));`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`target server exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) =>
      resolve(Number(line)),
    );
  });
  return { port, child };
}

/**
 * Issue 8: 1,000 HTTP monitors at 30 s intervals on one process, check timing jitter ≤ 1 s. Jitter is
 * how late a check starts after its due time; every check of the run is a sample.
 */
export async function measureMonitorJitter(
  settings: { monitors: number; intervalMs: number; durationMs: number },
  record: RecordFigure,
): Promise<void> {
  const { port, child } = await startTargetServer();
  try {
    const monitors: ScheduledMonitor[] = Array.from({ length: settings.monitors }, (_, n) => ({
      id: `bench-monitor-${n}`,
      intervalMs: settings.intervalMs,
      probe: {
        kind: "http",
        url: `http://127.0.0.1:${port}/health/${n}`,
        method: "GET",
        timeoutMs: 10_000,
        expectedStatus: [[200, 299]],
        certificateWarningDays: 14,
      },
    }));
    const done: CheckDone[] = [];
    const runner = new MonitorRunner({ onCheckDone: (check) => done.push(check) });
    runner.setMonitors(monitors);
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, settings.durationMs));
    await runner.stop();

    const jitter = done.map((check) => check.startedAt - check.dueAt);
    const down = done.filter((check) => !check.verdict.up).length;
    const latencies = done.map((check) => check.verdict.latencyMs);
    const context = `${settings.monitors} monitors every ${settings.intervalMs / 1000} s for ${settings.durationMs / 1000} s: ${done.length} checks, ${down} failed; check latency p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms`;
    record({
      name: "monitor check jitter, max",
      value: Math.max(...jitter),
      unit: "ms",
      target: { comparison: "at most", value: 1_000 },
      detail: `p50 ${percentile(jitter, 50)} ms, p95 ${percentile(jitter, 95)} ms, p99 ${percentile(jitter, 99)} ms; ${context}`,
    });
  } finally {
    child.kill();
  }
}

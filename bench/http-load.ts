import autocannon, { type AutocannonOptions } from "autocannon";
import { median } from "./stats.js";

export interface LoadSettings {
  connections: number;
  durationSeconds: number;
  runs: number;
  warmUpSeconds: number;
}

export interface LoadRun {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Any of these two means the figure measured something other than tickets being created. */
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
}

export interface LoadFigures extends LoadRun {
  runs: LoadRun[];
}

/**
 * Drives one request shape at full speed for `runs` runs after a warm-up (JIT, statement caches,
 * connection pools) and takes the median run of each figure: on a noisy machine one run is an anecdote.
 */
export async function measureLoad(
  request: Omit<AutocannonOptions, "connections" | "duration">,
  settings: LoadSettings,
): Promise<LoadFigures> {
  await autocannon({ ...request, connections: settings.connections, duration: settings.warmUpSeconds });
  const runs: LoadRun[] = [];
  for (let run = 0; run < settings.runs; run += 1) {
    const result = await autocannon({
      ...request,
      connections: settings.connections,
      duration: settings.durationSeconds,
    });
    runs.push({
      requestsPerSecond: result.requests.total / result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    });
  }
  return {
    runs,
    requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
    latencyP50Ms: median(runs.map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

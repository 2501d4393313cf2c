/**
 * Nearest-rank percentile: with a few hundred samples on a noisy two-core machine, interpolating
 * between samples would claim a precision the measurements do not have.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p95Ms: number;
}

export function summarizeLatencies(milliseconds: readonly number[]): LatencySummary {
  return {
    samples: milliseconds.length,
    p50Ms: percentile(milliseconds, 50),
    p95Ms: percentile(milliseconds, 95),
  };
}

/**
 * Calls per second of `call`, run in batches of `batch` (after one warm-up batch) until at least
 * `minSeconds` have passed; `call` gets a running index to pick its input with.
 */
export function callsPerSecond(batch: number, call: (i: number) => void, minSeconds = 1): number {
  let i = 0;
  for (let n = 0; n < batch; n++) call(i++);
  let calls = 0;
  const started = performance.now();
  let seconds = 0;
  while (seconds < minSeconds) {
    for (let n = 0; n < batch; n++) call(i++);
    calls += batch;
    seconds = (performance.now() - started) / 1000;
  }
  return calls / seconds;
}

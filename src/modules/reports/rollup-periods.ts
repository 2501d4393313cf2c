/**
 * How a report splits a period between its rollup and a live read. A rollup keeps one row per whole
 * UTC hour or day; a period's ragged ends, and every hour or day a write touched since the refresh job
 * last ran (stale), are read live from the source instead, so the sum is always what the live query
 * alone would answer. Pure: plain instants and keys in, plain ranges out.
 */

export interface RollupUnit {
  lengthMs: number;
  /** How many leading characters of an ISO instant name its unit: 13 an hour, 10 a day. */
  keyLength: 13 | 10;
}

export const hourUnit: RollupUnit = { lengthMs: 60 * 60 * 1000, keyLength: 13 };
export const dayUnit: RollupUnit = { lengthMs: 24 * 60 * 60 * 1000, keyLength: 10 };

/** Past this many live ranges (a rollup still being built) one live read of the whole period is cheaper. */
export const maxLiveRanges = 24;

export interface InstantRange {
  from: string;
  to: string;
}

export interface RollupReadPlan {
  /** Rollup rows with keys in [from, to) and not stale count; null when no whole unit is rolled up. */
  rolledUp: { from: string; to: string; stale: ReadonlySet<string> } | null;
  /** Read live from the source, each [from, to). */
  live: InstantRange[];
}

export function unitKeyOf(instant: string | number, unit: RollupUnit): string {
  const iso = typeof instant === "number" ? new Date(instant).toISOString() : instant;
  return iso.slice(0, unit.keyLength);
}

/** The instant a key's unit starts at. */
export function unitStartOf(key: string, unit: RollupUnit): number {
  return Date.parse(unit.keyLength === 13 ? `${key}:00:00.000Z` : `${key}T00:00:00.000Z`);
}

export function planRollupRead(
  period: InstantRange,
  unit: RollupUnit,
  staleKeys: Iterable<string>,
): RollupReadPlan {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const firstWhole = Math.ceil(from / unit.lengthMs) * unit.lengthMs;
  const endOfWholes = Math.floor(to / unit.lengthMs) * unit.lengthMs;
  if (firstWhole >= endOfWholes) return { rolledUp: null, live: [period] };

  const wholeFrom = unitKeyOf(firstWhole, unit);
  const wholeTo = unitKeyOf(endOfWholes, unit);
  const stale = new Set([...staleKeys].filter((key) => key >= wholeFrom && key < wholeTo));
  const starts = [
    ...(from < firstWhole ? [[from, firstWhole]] : []),
    ...[...stale].map((key) => {
      const start = unitStartOf(key, unit);
      return [start, start + unit.lengthMs];
    }),
    ...(endOfWholes < to ? [[endOfWholes, to]] : []),
  ].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)) as [number, number][];

  const merged: [number, number][] = [];
  for (const [start, end] of starts) {
    const last = merged[merged.length - 1];
    if (last && last[1] >= start) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  if (merged.length > maxLiveRanges) return { rolledUp: null, live: [period] };
  return {
    rolledUp: { from: wholeFrom, to: wholeTo, stale },
    live: merged.map(([start, end]) => ({
      from: start === from ? period.from : new Date(start).toISOString(),
      to: end === to ? period.to : new Date(end).toISOString(),
    })),
  };
}

/**
 * The stale keys the refresh job rolls up in one step: the earliest and those within `span` units of
 * it, as the inclusive key range to recompute (clean keys between them are recomputed too, harmlessly).
 */
export function nextRefreshRange(
  staleKeys: readonly string[],
  unit: RollupUnit,
  span: number,
): { fromKey: string; toKey: string; from: string; to: string } | null {
  const sorted = [...new Set(staleKeys)].sort();
  const first = sorted[0];
  if (first === undefined) return null;
  const limit = unitStartOf(first, unit) + span * unit.lengthMs;
  const within = sorted.filter((key) => unitStartOf(key, unit) < limit);
  const last = within[within.length - 1] ?? first;
  return {
    fromKey: first,
    toKey: last,
    from: new Date(unitStartOf(first, unit)).toISOString(),
    to: new Date(unitStartOf(last, unit) + unit.lengthMs).toISOString(),
  };
}

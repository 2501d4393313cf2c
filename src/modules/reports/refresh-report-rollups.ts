import { performance } from "node:perf_hooks";
import { type Context, inTransaction } from "../../shared/context.js";
import { refreshFlowHourlyCounts } from "./flow-hourly-counts.js";
import { refreshPeopleDailyCells } from "./people-rollup.js";
import { dayUnit, hourUnit, nextRefreshRange, type RollupUnit } from "./rollup-periods.js";
import { clearStaleKeys, earliestStaleKeys, type RollupName } from "./rollup-repository.js";
import { refreshDurationDigests } from "./stopped-duration-digests.js";

export const refreshReportRollupsJob = "reports.refresh-rollups";

interface Rollup {
  name: RollupName;
  unit: RollupUnit;
  /** Units recomputed in one step at most: a step is one transaction, so writers wait one step. */
  span: number;
  refresh: typeof refreshFlowHourlyCounts;
}

// A step reads a day of Flow's or People's sources, or two days of stopped clocks: 10–40 ms at a
// million tickets.
const rollups: Rollup[] = [
  { name: "flow", unit: hourUnit, span: 24, refresh: refreshFlowHourlyCounts },
  { name: "durations", unit: dayUnit, span: 2, refresh: refreshDurationDigests },
  { name: "people", unit: dayUnit, span: 1, refresh: refreshPeopleDailyCells },
];
const staleKeysRead = 2_000;

/**
 * Rolls up the hours and days writes made stale, earliest first, for about `workMs` of work (each step
 * is its own short transaction, and other work runs between steps). Each step takes the stale notes of
 * its range and recomputes the range in one transaction. Reports never wait
 * for this: until a period is rolled up again they read it live. A desk upgraded with years of history
 * is rolled up over the first minutes of running; `untilDone` does it at once (the bench, tests).
 */
export async function refreshReportRollups(
  ctx: Context,
  { workMs = 2_000, untilDone = false }: { workMs?: number; untilDone?: boolean } = {},
): Promise<{ steps: number; remaining: boolean }> {
  const started = performance.now();
  let steps = 0;
  for (const rollup of rollups) {
    for (;;) {
      if (!untilDone && performance.now() - started >= workMs) return { steps, remaining: true };
      if (steps > 0) await new Promise((resolve) => setImmediate(resolve));
      const done = await inTransaction(ctx, async (trx) => {
        const range = nextRefreshRange(
          await earliestStaleKeys(trx.db, rollup.name, staleKeysRead),
          rollup.unit,
          rollup.span,
        );
        if (!range) return true;
        await clearStaleKeys(trx.db, rollup.name, range.fromKey, range.toKey);
        await rollup.refresh(trx.db, range);
        return false;
      });
      if (done) break;
      steps += 1;
    }
  }
  return { steps, remaining: false };
}

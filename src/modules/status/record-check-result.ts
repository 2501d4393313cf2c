import { NotFoundError, ValidationError } from "../../errors.js";
import { DAY } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { hashSecret } from "../identity/secrets.js";
import { storedProbe } from "./monitor-settings.js";
import {
  bucketsOf,
  closedSpan,
  dayGrain,
  type MonitorKind,
  minuteGrain,
  staleAfterMs,
} from "./rollup-buckets.js";
import { statusPageChanged } from "./status-page-cache.js";
import {
  addToRollups,
  deleteCheckResultsBefore,
  deleteRollupsBefore,
  deleteUserImpactSamplesBefore,
  findMonitorById,
  findMonitorByTokenHash,
  insertCheckResult,
  insertUserImpactSample,
  lockMonitorForResult,
  recordLastResult,
  type StatusMonitorRow,
} from "./status-repository.js";

export interface CheckResultInput {
  monitorId: string;
  /** Epoch ms; the clock's now when absent. */
  at?: number;
  up: boolean;
  latencyMs?: number | null;
  reason?: string;
}

/** How long a monitor's result is believed: its interval plus its probe's timeout (or one more push interval). */
export function staleAfterOf(monitor: StatusMonitorRow): number {
  const probe = storedProbe(monitor.probe);
  return staleAfterMs({
    kind: monitor.kind as MonitorKind,
    intervalMs: monitor.interval_ms,
    ...(probe ? { timeoutMs: probe.timeoutMs } : {}),
  });
}

/**
 * Stores one check result and closes the span of the result before it: that span,
 * [prev.at, min(this.at, prev.at + staleness)], is added to the monitor's minute and day rollups in
 * the same transaction as the raw insert, so the rollups always equal what availability.ts would
 * compute from every result (test: status-store.test.ts). A result older than the open one (a
 * late push) is kept raw but changes no rollup: the time it speaks of is already counted.
 * Called by the worker's runner and by push monitors, as Tend itself.
 */
export async function recordCheckResult(ctx: Context, input: CheckResultInput): Promise<void> {
  const flipped = await inTransaction(ctx, async (tx) => {
    const monitor = await findMonitorById(tx.db, input.monitorId);
    if (!monitor) throw new NotFoundError(`No status monitor ${input.monitorId}.`);
    return recordLocked(tx, monitor, input);
  });
  // Only a flip between up and down changes a component's state; the bars catch up with the cache's age.
  if (flipped) statusPageChanged();
}

/** Whether the monitor's latest result flipped between up and down (a first result counts). */
async function recordLocked(
  tx: Context,
  monitor: StatusMonitorRow,
  input: CheckResultInput,
): Promise<boolean> {
  const at = input.at ?? tx.clock.now().getTime();
  const open = await lockMonitorForResult(tx.db, monitor.id);
  if (!open) throw new NotFoundError(`No status monitor ${monitor.id}.`);
  await insertCheckResult(tx.db, {
    id: newId(),
    monitor_id: monitor.id,
    at,
    up: input.up ? 1 : 0,
    latency_ms: input.latencyMs ?? null,
    reason: input.reason ?? (input.up ? "OK" : "down"),
  });
  const previousAt = open.last_result_at === null ? null : Number(open.last_result_at);
  if (previousAt !== null && at < previousAt) return false;
  if (previousAt !== null) {
    const span = closedSpan({ at: previousAt, up: open.last_result_up === 1 }, at, staleAfterOf(monitor));
    if (span) {
      await addToRollups(tx.db, "status_minute_rollups", monitor.id, bucketsOf(span, minuteGrain));
      await addToRollups(tx.db, "status_day_rollups", monitor.id, bucketsOf(span, dayGrain));
    }
  }
  await recordLastResult(tx.db, monitor.id, at, input.up);
  return open.last_result_up === null || (open.last_result_up === 1) !== input.up;
}

/**
 * An unknown token, a token of a monitor that is not a push monitor, and a switched-off monitor's
 * token read the same: not found.
 */
async function pushMonitorOf(ctx: Context, token: string): Promise<StatusMonitorRow> {
  const monitor = await findMonitorByTokenHash(ctx.db, hashSecret(token));
  if (monitor?.kind !== "push" || monitor.enabled !== 1)
    throw new NotFoundError("No push monitor has that token.");
  return monitor;
}

/**
 * `POST /status/push/{token}`: an external probe or a CI pipeline reports up or down. The token is
 * the credential; a disabled monitor's token reads as unknown (404), so a retired reporter is noticed.
 */
export async function pushCheckResult(
  ctx: Context,
  token: string,
  input: { up: boolean; latencyMs?: number; message?: string },
): Promise<void> {
  const flipped = await inTransaction(ctx, async (tx) => {
    const monitor = await pushMonitorOf(tx, token);
    return recordLocked(tx, monitor, {
      monitorId: monitor.id,
      up: input.up,
      latencyMs: input.latencyMs ?? null,
      reason: input.message ?? (input.up ? "OK" : "reported down"),
    });
  });
  if (flipped) statusPageChanged();
}

/**
 * `POST /status/push/{token}/user-impact`: "N of M users saw errors" for the push monitor's
 * component, the signal behind the objectives' "over 10% of users" rule.
 */
export async function pushUserImpact(
  ctx: Context,
  token: string,
  input: { affected: number; total: number },
): Promise<void> {
  if (input.affected > input.total)
    throw ValidationError.field("/affected", "cannot exceed total: it counts users among them");
  await inTransaction(ctx, async (tx) => {
    const monitor = await pushMonitorOf(tx, token);
    await insertUserImpactSample(tx.db, {
      id: newId(),
      component_id: monitor.component_id,
      at: tx.clock.now().getTime(),
      affected: input.affected,
      total: input.total,
    });
  });
}

/** Raw results are kept 7 days; rollups and user-impact samples 400 (the retention). */
export const rawResultRetentionMs = 7 * DAY;
export const rollupRetentionMs = 400 * DAY;

/** The daily `status.retention` job. */
export async function applyStatusRetention(ctx: Context): Promise<{
  results: number;
  minuteRollups: number;
  dayRollups: number;
  userImpactSamples: number;
}> {
  const now = ctx.clock.now().getTime();
  return {
    results: await deleteCheckResultsBefore(ctx.db, now - rawResultRetentionMs),
    minuteRollups: await deleteRollupsBefore(ctx.db, "status_minute_rollups", now - rollupRetentionMs),
    dayRollups: await deleteRollupsBefore(ctx.db, "status_day_rollups", now - rollupRetentionMs),
    userImpactSamples: await deleteUserImpactSamplesBefore(ctx.db, now - rollupRetentionMs),
  };
}

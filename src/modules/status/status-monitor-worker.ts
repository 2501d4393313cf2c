import { SECOND } from "../../shared/clock.js";
import type { Context } from "../../shared/context.js";
import { type CheckDone, MonitorRunner, type ScheduledMonitor } from "./monitor-runner.js";
import { storedProbe } from "./monitor-settings.js";
import { recordCheckResult } from "./record-check-result.js";
import { listEnabledProbeMonitors } from "./status-repository.js";

/** How soon a monitor added, changed or switched off in another process is picked up. */
export const monitorRefreshMs = 30 * SECOND;

/**
 * The `worker` role's monitors: a MonitorRunner over the enabled HTTP and TCP monitors in the
 * database, reloaded every 30 s (the web role that changed them may be another process), each
 * finished check recorded through `recordCheckResult` as Tend itself. Every worker runs every
 * monitor: with two workers a service is checked twice as often, and both results count.
 */
export class StatusMonitorWorker {
  private readonly runner: MonitorRunner;
  private refreshTimer: NodeJS.Timeout | undefined;
  private signature = "";
  private readonly recording = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(
    private readonly ctx: Context,
    private readonly options: { refreshMs?: number; certificateAuthority?: string | Buffer } = {},
  ) {
    this.now = () => ctx.clock.now().getTime();
    this.runner = new MonitorRunner({
      now: this.now,
      onCheckDone: (done) => this.record(done),
      ...(options.certificateAuthority ? { certificateAuthority: options.certificateAuthority } : {}),
    });
  }

  async start(): Promise<void> {
    await this.refresh();
    this.runner.start();
    const every = this.options.refreshMs ?? monitorRefreshMs;
    const tick = () => {
      this.refreshTimer = setTimeout(() => {
        this.refresh()
          .catch((error) => this.ctx.logger.error({ err: error }, "status monitors could not be reloaded"))
          .finally(() => {
            if (this.refreshTimer) tick();
          });
      }, every);
    };
    tick();
  }

  /** Reloads the monitors; the runner's schedule is replaced only when something changed. */
  async refresh(): Promise<void> {
    const rows = await listEnabledProbeMonitors(this.ctx.db);
    const signature = rows.map((row) => `${row.id}:${row.interval_ms}:${row.probe}`).join("|");
    if (signature === this.signature) return;
    this.signature = signature;
    const monitors: ScheduledMonitor[] = rows.flatMap((row) => {
      const probe = storedProbe(row.probe);
      return probe ? [{ id: row.id, intervalMs: row.interval_ms, probe }] : [];
    });
    this.runner.setMonitors(monitors);
  }

  async stop(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    await this.runner.stop();
    await Promise.all([...this.recording]);
  }

  /** The result counts from when the check started: that is the instant it describes. */
  private record(done: CheckDone): void {
    const stored = recordCheckResult(this.ctx, {
      monitorId: done.monitorId,
      at: done.startedAt,
      up: done.verdict.up,
      latencyMs: Math.round(done.verdict.latencyMs * 1000) / 1000,
      reason: done.verdict.reason,
    })
      .catch((error) =>
        // A monitor deleted while its check ran lands here too; the next refresh drops it.
        this.ctx.logger.warn({ err: error, monitorId: done.monitorId }, "a check result could not be stored"),
      )
      .finally(() => this.recording.delete(stored));
    this.recording.add(stored);
  }
}

import { DueQueue, nextDueAt } from "./monitor-schedule.js";
import { type Probe, type ProbeVerdict, runHttpProbe, runTcpProbe } from "./probes.js";

export interface ScheduledMonitor {
  id: string;
  intervalMs: number;
  probe: Probe;
}

/** A finished check: when it was due, when it started (the difference is the jitter), its verdict. */
export interface CheckDone {
  monitorId: string;
  dueAt: number;
  startedAt: number;
  verdict: ProbeVerdict;
}

export interface MonitorRunnerOptions {
  /** Wall-clock milliseconds; the runner sleeps on real timers, so this is the real clock outside tests. */
  now?: () => number;
  /** Checks in flight at once: enough for 1,000 monitors at 30 s, few enough not to exhaust sockets. */
  maxConcurrent?: number;
  /** Called for every finished check; it must not throw (a store failure is the caller's to log). */
  onCheckDone(done: CheckDone): void;
  /** For an HTTPS probe of a server with a private certificate authority (tests, internal services). */
  certificateAuthority?: string | Buffer;
}

interface DueCheck {
  dueAt: number;
  monitor: ScheduledMonitor;
  /** Bumped when the monitor set changes, so checks of a removed or edited monitor are dropped. */
  generation: number;
}

function runProbe(probe: Probe, now: number, ca: string | Buffer | undefined): Promise<ProbeVerdict> {
  return probe.kind === "http" ? runHttpProbe(probe, now, ca) : runTcpProbe(probe);
}

/**
 * Runs the HTTP and TCP monitors of the `worker` role on their schedule. One timer, set for the
 * earliest due check; checks start when due and run concurrently up to a limit. A check still
 * running when its next one falls due does not overlap with it: the next waits for its own due time
 * after this one ends, so a hanging service gets one probe per interval, not a pile of them.
 */
export class MonitorRunner {
  private readonly queue = new DueQueue<DueCheck>();
  private readonly now: () => number;
  private readonly maxConcurrent: number;
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private generation = 0;
  private stopped = true;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: MonitorRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.maxConcurrent = options.maxConcurrent ?? 200;
  }

  /** Replaces the monitors checked (after a configuration change); each keeps its phase. */
  setMonitors(monitors: readonly ScheduledMonitor[]): void {
    this.generation += 1;
    while (this.queue.size > 0) this.queue.pop();
    const now = this.now();
    for (const monitor of monitors) {
      this.queue.push({
        dueAt: nextDueAt(monitor.id, monitor.intervalMs, now),
        monitor,
        generation: this.generation,
      });
    }
    if (!this.stopped) this.wake();
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops scheduling and waits for the checks in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight]);
  }

  private wake(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.now();
    while (this.running < this.maxConcurrent) {
      const next = this.queue.peek();
      if (!next || next.dueAt > now) break;
      this.queue.pop();
      if (next.generation === this.generation) this.launch(next, now);
    }
    const next = this.queue.peek();
    // At the concurrency limit the next start comes from a check finishing, not from a timer.
    if (next && this.running < this.maxConcurrent) {
      this.timer = setTimeout(() => this.wake(), Math.max(0, next.dueAt - this.now()));
    }
  }

  private launch(check: DueCheck, startedAt: number): void {
    this.running += 1;
    const done = runProbe(check.monitor.probe, startedAt, this.options.certificateAuthority)
      .then((verdict) => {
        this.options.onCheckDone({ monitorId: check.monitor.id, dueAt: check.dueAt, startedAt, verdict });
      })
      .finally(() => {
        this.running -= 1;
        this.inFlight.delete(done);
        if (check.generation === this.generation) {
          const { id, intervalMs } = check.monitor;
          this.queue.push({ ...check, dueAt: nextDueAt(id, intervalMs, Math.max(check.dueAt, this.now())) });
        }
        this.wake();
      });
    this.inFlight.add(done);
  }
}

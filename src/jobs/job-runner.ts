import { hostname } from "node:os";
import { systemActor } from "../modules/identity/actor.js";
import { afterCommit, type Context, withActor } from "../shared/context.js";
import { newId } from "../shared/ids.js";
import type { Logger } from "../shared/logger.js";
import {
  advanceSchedule,
  claimDueJobs,
  insertJob,
  type JobRow,
  listSchedules,
  markJobFailed,
  markJobSucceeded,
  markJobsSucceeded,
  upsertSchedule,
} from "./job-repository.js";
import { scheduleTiming } from "./schedule-timing.js";

/** The job a handler is running, for handlers whose work ends in one transaction. */
export interface ClaimedJob {
  /**
   * Marks the job succeeded inside the handler's own transaction: the work and the job's completion
   * commit together, so a crash between them cannot run finished work again, and the job costs one
   * commit instead of two. Once that transaction has committed, the runner does not mark it again.
   */
  markSucceededIn(tx: Context): Promise<void>;
}

export type JobHandler = (ctx: Context, payload: unknown, job: ClaimedJob) => Promise<void>;

/** One of the jobs a batch handler runs together. */
export interface BatchedJob extends ClaimedJob {
  id: string;
  payload: unknown;
}

/**
 * Runs claimed jobs of one kind together, in one transaction: for a steady stream of small jobs
 * (inbound mail) a commit each, with its wait for the disk, is most of the cost. Returns the jobs
 * that failed, with the reason, to be retried as any failed job is; every other job succeeded.
 */
export type BatchJobHandler = (
  ctx: Context,
  jobs: readonly BatchedJob[],
) => Promise<ReadonlyMap<string, string>>;

export interface RecurringJob {
  name: string;
  kind: string;
  intervalMs: number;
}

export interface JobRunnerOptions {
  /** How long a claimed job is ours; past it another worker may take it over. */
  lockMs?: number;
  pollMs?: number;
  batchSize?: number;
  /**
   * Jobs run at once. Most of a job's time on PostgreSQL is spent waiting for the database, so
   * running several hides the round trips; on SQLite they share one connection and gain only
   * where a job waits on something else (parsing, a mail relay).
   */
  concurrency?: number;
  /**
   * Registers the handlers and timers on first use (running or scheduling), not at construction: the
   * handlers import most of Tend, which a CLI command that only opens the database should not load.
   */
  loadHandlers?: (runner: JobRunner) => Promise<void>;
}

type FailedAttempt = Parameters<typeof markJobFailed>[3];

/** 1 s, 2 s, 4 s … capped at one hour: a failing dependency gets room to recover. */
/** Why a job claimed once more than it may run is failed unrun: each claim counts an attempt. */
const attemptsExhausted = "gave up: attempts exhausted (the worker died mid-job)";

export function retryDelayMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export async function enqueueJob(
  ctx: Context,
  kind: string,
  payload: unknown,
  options: { runAt?: Date; maxAttempts?: number } = {},
): Promise<string> {
  const row = queuedJobRow(ctx, kind, payload, options);
  await insertJob(ctx.db, row);
  jobsEnqueued(ctx);
  return row.id;
}

/** A job's row as `enqueueJob` writes it, for a caller writing it in a statement of its own. */
export function queuedJobRow(
  ctx: Context,
  kind: string,
  payload: unknown,
  options: { runAt?: Date; maxAttempts?: number } = {},
): Omit<JobRow, "attempts"> {
  const now = ctx.clock.now();
  return {
    id: newId(),
    kind,
    payload: JSON.stringify(payload ?? null),
    status: "queued",
    run_at: (options.runAt ?? now).toISOString(),
    max_attempts: options.maxAttempts ?? 10,
    locked_by: null,
    locked_until: null,
    last_error: null,
    created_at: now.toISOString(),
    finished_at: null,
  };
}

/** Wakes the job runners once jobs written through `ctx` exist. */
export function jobsEnqueued(ctx: Context): void {
  // In a transaction the job exists once it commits (`inTransaction` tells then); alone, already.
  if (ctx.enqueuedJobs) ctx.enqueuedJobs.any = true;
  else ctx.jobsCommitted?.();
}

/**
 * The durable job runner: handlers by kind, recurring schedules, and a poll loop. Any number of
 * processes may run one against the same database; each job runs once per successful attempt.
 */
export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly batchHandlers = new Map<string, BatchJobHandler>();
  private readonly recurring: RecurringJob[] = [];
  private readonly owner = `${hostname()}:${process.pid}:${newId().slice(-8)}`;
  private readonly lockMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  /** Jobs of batch kinds taken by one claim (see `runDueJobs`). */
  private readonly batchKindClaim: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private tick: (() => Promise<void>) | undefined;
  private wokenDuringTick = false;
  private readonly loadHandlers: ((runner: JobRunner) => Promise<void>) | undefined;
  private handlersLoaded: Promise<void> | undefined;
  /**
   * Failures this runner could not record because the database was out of reach (a restart, a
   * failover): recorded at the next tick, so their jobs are retried then and not left locked until
   * the lock runs out.
   */
  private readonly unrecordedFailures = new Map<string, FailedAttempt>();

  constructor(
    private readonly ctx: Context,
    options: JobRunnerOptions = {},
  ) {
    this.lockMs = options.lockMs ?? 5 * 60_000;
    this.pollMs = options.pollMs ?? 1000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.batchSize = Math.max(options.batchSize ?? 10, this.concurrency);
    this.batchKindClaim = 8 * this.concurrency;
    this.loadHandlers = options.loadHandlers;
  }

  private async ready(): Promise<void> {
    this.handlersLoaded ??= this.loadHandlers?.(this) ?? Promise.resolve();
    await this.handlersLoaded;
  }

  register(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  registerBatch(kind: string, handler: BatchJobHandler): this {
    this.batchHandlers.set(kind, handler);
    return this;
  }

  every(job: RecurringJob): this {
    this.recurring.push(job);
    return this;
  }

  /** Records the recurring schedules so that schedulers in any process share them. */
  async installSchedules(): Promise<void> {
    await this.ready();
    const now = this.ctx.clock.now().toISOString();
    for (const job of this.recurring)
      await upsertSchedule(this.ctx.db, job.name, job.kind, job.intervalMs, now);
  }

  /**
   * Enqueues a job for every schedule that is due, once however late, and moves back to one interval
   * from now any schedule a clock set back left further ahead (see `scheduleTiming`). Returns how
   * many it enqueued.
   */
  async enqueueDueSchedules(): Promise<number> {
    await this.ready();
    const now = this.ctx.clock.now();
    let enqueued = 0;
    for (const schedule of await listSchedules(this.ctx.db)) {
      const timing = scheduleTiming(
        { nextRunAt: new Date(schedule.next_run_at), intervalMs: schedule.interval_ms },
        now,
      );
      if (timing.action === "wait") continue;
      const won = await this.ctx.db.transaction().execute(async (trx) => {
        const next = timing.nextRunAt.toISOString();
        if (!(await advanceSchedule(trx, schedule.name, schedule.next_run_at, next))) return false;
        if (timing.action === "run")
          await enqueueJob(
            { ...this.ctx, db: trx },
            schedule.kind,
            { schedule: schedule.name },
            { maxAttempts: 1 },
          );
        return true;
      });
      if (!won) continue;
      if (timing.action === "reanchor") {
        this.ctx.logger.warn(
          { schedule: schedule.name, clockWentBackMs: timing.clockWentBackMs, nextRunAt: timing.nextRunAt },
          "the clock went back: recurring timer re-anchored to one interval from now",
        );
        continue;
      }
      enqueued += 1;
      if (timing.missedRuns > 0)
        this.ctx.logger.warn(
          { schedule: schedule.name, lateMs: timing.lateMs, missedRuns: timing.missedRuns },
          "recurring timer late by more than its interval (the clock jumped forward, or no scheduler ran): run once",
        );
    }
    return enqueued;
  }

  /** Claims and runs due jobs until none is left. Returns how many ran. */
  async runDueJobs(): Promise<number> {
    await this.ready();
    await this.recordFailures();
    let ran = 0;
    for (;;) {
      const instant = this.ctx.clock.now();
      const now = instant.toISOString();
      const lockedUntil = new Date(instant.getTime() + this.lockMs).toISOString();
      const claim = (kinds: string[], limit: number) =>
        claimDueJobs(this.ctx.db, this.ctx.dialect, this.owner, kinds, now, lockedUntil, limit);
      // A claim is a lease on its jobs. Batch kinds are claimed apart and many at a time, since a
      // batch is worth its commit only when it is large; other jobs a few at a time, so that other
      // workers find work while this one is busy.
      const batched = await claim([...this.batchHandlers.keys()], this.batchKindClaim);
      const single = await claim([...this.handlers.keys()], this.batchSize);
      await this.runConcurrently(this.tasksFor([...batched, ...single]));
      ran += batched.length + single.length;
      if (batched.length < this.batchKindClaim && single.length < this.batchSize) return ran;
    }
  }

  /**
   * A task per job, and per batch of a batch handler's kind. On PostgreSQL a kind's jobs are split
   * over the lanes, whose transactions run side by side on the pool; SQLite has one writer and one
   * connection, where batches side by side would only queue for it and each cost its own commit.
   */
  private tasksFor(jobs: readonly JobRow[]): Array<() => Promise<void>> {
    const tasks: Array<() => Promise<void>> = [];
    const byKind = new Map<string, JobRow[]>();
    for (const job of jobs) {
      const batch = byKind.get(job.kind);
      if (!this.batchHandlers.has(job.kind)) tasks.push(() => this.runOne(job));
      else if (batch) batch.push(job);
      else byKind.set(job.kind, [job]);
    }
    for (const [kind, batch] of byKind) {
      const lanes = this.ctx.dialect === "postgres" ? this.concurrency : 1;
      const size = Math.ceil(batch.length / lanes);
      for (let start = 0; start < batch.length; start += size)
        tasks.push(() => this.runBatch(kind, batch.slice(start, start + size)));
    }
    return tasks;
  }

  private async runConcurrently(tasks: ReadonlyArray<() => Promise<void>>): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < tasks.length) {
        const task = tasks[next];
        next += 1;
        if (task) await task();
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, tasks.length) }, lane));
  }

  private jobLogger(job: JobRow) {
    return this.ctx.logger.child({ jobId: job.id, kind: job.kind, attempt: job.attempts });
  }

  private async fail(job: JobRow, message: string): Promise<void> {
    const now = this.ctx.clock.now();
    const giveUp = job.attempts >= job.max_attempts;
    const attempt: FailedAttempt = {
      status: giveUp ? "failed" : "queued",
      runAt: new Date(now.getTime() + retryDelayMs(job.attempts)).toISOString(),
      error: message,
      at: now.toISOString(),
    };
    const logger = this.jobLogger(job);
    logger.warn({ error: message, willRetry: !giveUp }, "job failed");
    try {
      await markJobFailed(this.ctx.db, job.id, this.owner, attempt);
    } catch (error) {
      // The rest of the claimed batch still runs (or fails the same way), instead of waiting out its lock.
      this.unrecordedFailures.set(job.id, attempt);
      logger.warn({ err: error }, "could not record the job's failure; recording it at the next tick");
    }
  }

  /**
   * For a handler finishing its job in its own transaction: only while the job is still ours. The
   * job's id joins `completed` once that transaction commits (a savepoint's, once its transaction
   * does), and the runner's own completion then skips it: a round trip fewer a job.
   */
  private completion(job: JobRow, completed: Set<string>): ClaimedJob {
    return {
      markSucceededIn: async (tx) => {
        // Past its lock the job is another worker's: this work must not commit beside theirs.
        if (!(await markJobSucceeded(tx.db, job.id, this.owner, this.ctx.clock.now().toISOString())))
          throw new Error("the job's lock expired and another worker took it over");
        afterCommit(tx, () => completed.add(job.id));
      },
    };
  }

  private handlerContext(logger: Logger, kind: string): Context {
    return withActor({ ...this.ctx, logger }, systemActor(`job ${kind}`), "system");
  }

  private async runOne(job: JobRow): Promise<void> {
    const handler = this.handlers.get(job.kind);
    // `claimDueJobs` takes only the kinds registered here.
    if (!handler) throw new Error(`claimed a job of unregistered kind "${job.kind}"`);
    if (job.attempts > job.max_attempts) return this.fail(job, attemptsExhausted);
    const completed = new Set<string>();
    try {
      await handler(
        this.handlerContext(this.jobLogger(job), job.kind),
        JSON.parse(job.payload),
        this.completion(job, completed),
      );
      if (!completed.has(job.id))
        await markJobSucceeded(this.ctx.db, job.id, this.owner, this.ctx.clock.now().toISOString());
    } catch (error) {
      await this.fail(job, error instanceof Error ? error.message : String(error));
    }
  }

  private async runBatch(kind: string, jobs: readonly JobRow[]): Promise<void> {
    const handler = this.batchHandlers.get(kind);
    if (!handler) throw new Error(`claimed a job of unregistered kind "${kind}"`);
    const runnable: JobRow[] = [];
    for (const job of jobs) {
      if (job.attempts > job.max_attempts) await this.fail(job, attemptsExhausted);
      else runnable.push(job);
    }
    if (runnable.length === 0) return;
    let failures: ReadonlyMap<string, string>;
    const completed = new Set<string>();
    try {
      failures = await handler(
        this.handlerContext(this.ctx.logger.child({ kind, jobs: runnable.length }), kind),
        runnable.map((job) => ({
          id: job.id,
          payload: JSON.parse(job.payload),
          ...this.completion(job, completed),
        })),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures = new Map(runnable.map((job) => [job.id, message]));
    }
    for (const job of runnable) {
      const failure = failures.get(job.id);
      if (failure !== undefined) await this.fail(job, failure);
    }
    await markJobsSucceeded(
      this.ctx.db,
      runnable.filter((job) => !failures.has(job.id) && !completed.has(job.id)).map((job) => job.id),
      this.owner,
      this.ctx.clock.now().toISOString(),
    );
  }

  private async recordFailures(): Promise<void> {
    for (const [id, attempt] of this.unrecordedFailures) {
      await markJobFailed(this.ctx.db, id, this.owner, attempt);
      this.unrecordedFailures.delete(id);
    }
  }

  /** Starts polling: schedules (when `schedule`) and jobs (when `work`). */
  async start(roles: { schedule: boolean; work: boolean }): Promise<void> {
    if (roles.schedule) await this.installSchedules();
    this.stopped = false;
    const tick = async () => {
      this.timer = undefined;
      this.wokenDuringTick = false;
      try {
        if (roles.schedule) await this.enqueueDueSchedules();
        if (roles.work) await this.runDueJobs();
      } catch (error) {
        this.ctx.logger.error({ err: error }, "job runner tick failed");
      }
      if (this.stopped) return;
      if (this.wokenDuringTick) {
        this.running = tick();
        return;
      }
      this.timer = setTimeout(() => {
        this.running = tick();
      }, this.pollMs);
    };
    this.tick = tick;
    this.running = tick();
  }

  /**
   * Runs due jobs now rather than at the next poll: this process has just committed one (a stored
   * inbound message). Between polls the message would wait up to `pollMs`; with a steady stream
   * that wait, not the work, is what bounds throughput.
   */
  wake(): void {
    if (this.stopped || !this.tick) return;
    if (this.timer === undefined) {
      this.wokenDuringTick = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

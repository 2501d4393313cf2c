import { Worker } from "node:worker_threads";
import { enqueueJob } from "../../jobs/job-runner.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { findExistingRawEmailIds } from "./email-repository.js";
import type { InboundSpool } from "./inbound-spool.js";
import { type InboundEmailSettings, processInboundEmails } from "./process-inbound-email.js";
import type {
  FromSpooledMailThread,
  SpooledMailThreadData,
  ToSpooledMailThread,
} from "./spooled-mail-thread.js";
import { insertRawMessages, processInboundEmailJob } from "./store-inbound-email.js";

const retryAfterFailureMs = 1000;

// A move holds SQLite's one writer while it threads what it took: as many messages as a job
// runner's batch of inbound mail, and never hundreds of large ones read at once.
const moveLimit = { messages: 32, bytes: 64 * 1024 * 1024 };

/**
 * Moves what the SMTP listener spooled into the database and threads it there, oldest first, in
 * one transaction: the raw rows, their tickets or replies, and for a message that must be tried
 * again (`retry`), the job that will. Then deletes the messages from the spool. A crash before the
 * commit leaves them all in the spool; one between the commit and the delete leaves them in both,
 * and the next move finds their ids in `raw_emails` and only deletes them, so none is threaded twice.
 * No job is queued for the messages threaded here: a job's insert, claim and completion were two
 * commits more a batch for mail threaded at once anyway (one process spooling its own mail this way
 * took a third less CPU a message, see `inbound-spool.ts`).
 * Returns how many left the spool.
 */
export async function moveSpooledMail(
  ctx: Context,
  spool: InboundSpool,
  settings: InboundEmailSettings,
): Promise<number> {
  const spooled = spool.oldest(moveLimit.messages, moveLimit.bytes);
  if (spooled.length === 0) return 0;
  await inTransaction(ctx, async (tx) => {
    const moved = new Set(
      await findExistingRawEmailIds(
        tx.db,
        spooled.map((message) => message.id),
      ),
    );
    const stored = await insertRawMessages(
      tx,
      spooled
        .filter((message) => !moved.has(message.id))
        .map((message) => ({
          id: message.id,
          raw: message.raw,
          sha256: message.sha256,
          envelope: {
            mailFrom: message.mailFrom,
            rcptTo: message.rcptTo,
            remoteAddress: message.remoteAddress,
          },
          receivedAt: message.receivedAt,
        })),
    );
    const rawEmailIds = stored.flatMap((message) => (message.rawEmailId ? [message.rawEmailId] : []));
    const results = await processInboundEmails(
      tx,
      rawEmailIds.map((rawEmailId) => ({ rawEmailId })),
      settings,
    );
    for (const [index, result] of results.entries()) {
      if (!("retry" in result)) continue;
      tx.logger.warn(
        { err: result.retry, rawEmailId: rawEmailIds[index] },
        "inbound email not threaded; its job will try again",
      );
      await enqueueJob(tx, processInboundEmailJob, { rawEmailId: rawEmailIds[index] });
    }
  });
  spool.remove(spooled.map((message) => message.id));
  return spooled.length;
}

/**
 * A worker's loop that empties the SMTP listeners' spool (see `inbound-spool.ts`) with
 * `moveSpooledMail`: at once again while it finds mail waiting, else after `intervalMs`, and after
 * twice as long each time it finds nothing, up to `idleIntervalMs`: looking every 20 ms was 1% of a
 * core in an idle process. The listener in this process brings the next look back within
 * `intervalMs` when it spools; one in another process is seen within the idle interval.
 */
export class SpooledMailMover {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private nextIntervalMs: number;
  /** When the pending look is due (`performance.now()`). */
  private dueAt = 0;
  /** When it last found mail, or started (`performance.now()`). */
  private lastMovedAt = performance.now();

  constructor(
    private readonly ctx: Context,
    private readonly spool: InboundSpool,
    private readonly settings: InboundEmailSettings,
    private readonly intervals: { intervalMs: number; idleIntervalMs: number },
    /** Told at each look that finds nothing once it has found nothing for `afterMs`. */
    private readonly idle?: { afterMs: number; tell: () => void },
  ) {
    this.nextIntervalMs = intervals.intervalMs;
  }

  start(): void {
    this.spool.onAppend(() => this.wake());
    this.schedule(0);
  }

  /**
   * Mail has just been spooled: the next look is within `intervalMs`, not the idle interval. Not at
   * once: the messages that arrive meanwhile join the move, and a move of one or two messages cost
   * a third more CPU a message than moves every 20 ms (its commit and the batch's reads of the
   * configuration shared by fewer).
   */
  wake(): void {
    this.nextIntervalMs = this.intervals.intervalMs;
    if (this.running || this.stopped || this.dueAt - performance.now() <= this.intervals.intervalMs) return;
    clearTimeout(this.timer);
    this.schedule(this.intervals.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.dueAt = performance.now() + delayMs;
    this.timer = setTimeout(() => {
      this.running = this.moveOnce().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async moveOnce(): Promise<void> {
    try {
      const moved = await moveSpooledMail(this.ctx, this.spool, this.settings);
      if (moved > 0) {
        this.nextIntervalMs = this.intervals.intervalMs;
        this.lastMovedAt = performance.now();
        this.schedule(0);
        return;
      }
      if (this.idle && performance.now() - this.lastMovedAt >= this.idle.afterMs) this.idle.tell();
      this.schedule(this.nextIntervalMs);
      this.nextIntervalMs = Math.min(this.nextIntervalMs * 2, this.intervals.idleIntervalMs);
    } catch (error) {
      // The messages stay in the spool, durable. Tried again after a second, not every interval: a
      // database that refuses (a full disk) would otherwise log fifty warnings a second.
      this.ctx.logger.warn({ err: error }, "could not move spooled inbound mail into the database");
      this.schedule(Math.max(this.intervals.intervalMs, retryAfterFailureMs));
    }
  }
}

/**
 * The mover in a worker thread of its own, for a process that also answers SMTP or HTTP: threading
 * a move of 32 messages takes about 100 ms of CPU, which on the process's one event loop every
 * `250` and every request waited behind, and which held one process to the throughput of one core.
 * The thread has its own connections (SQLite's one writer is shared as between processes); what
 * a commit there means for this process (jobs to start, ticket changes for the live stream) is
 * posted back to `ctx`'s. It runs while there is mail: started when mail is spooled (by this
 * process's listener, or found waiting by a look every idle interval), it ends after `idleExitMs`
 * without any, since a thread holds about 20 MB that an idle desk has no use for (an idle process
 * settled at 147 MB with one running, at 127–129 MB before its first mail and at 136–144 MB after
 * its thread ended). One that dies is started again after a second: the mail waits, durable, in the
 * spool, and a message spooled as a thread ends is found by the next look.
 */
export class SpooledMailThread {
  private worker: Worker | undefined;
  /** Threads told to end, until they have. */
  private readonly ending = new Set<Promise<void>>();
  private lookTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: Context,
    private readonly spool: InboundSpool,
    private readonly data: SpooledMailThreadData,
  ) {}

  /** Whether a thread runs now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  start(): void {
    this.spool.onAppend(() => this.wake());
    // Mail another process's listener spooled is seen here, not woken for.
    this.lookTimer = setInterval(() => {
      if (!this.worker && this.spool.waiting().messages > 0) this.wake();
    }, this.data.intervals.idleIntervalMs);
    this.lookTimer.unref();
    if (this.spool.waiting().messages > 0) this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.lookTimer);
    clearTimeout(this.restartTimer);
    if (this.worker) this.end(this.worker);
    await Promise.all(this.ending);
  }

  private wake(): void {
    if (this.stopped || this.restartTimer) return;
    if (this.worker) this.worker.postMessage("wake" satisfies ToSpooledMailThread);
    else this.spawn();
  }

  /** Lets the thread finish its move and close its connections; a new one may start meanwhile. */
  private end(worker: Worker): void {
    if (this.worker === worker) this.worker = undefined;
    const ended = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    this.ending.add(ended);
    void ended.then(() => this.ending.delete(ended));
    worker.postMessage("stop" satisfies ToSpooledMailThread);
  }

  private spawn(): void {
    const options = { workerData: this.data };
    const entry = new URL("./spooled-mail-thread.js", import.meta.url);
    // From the sources (tests, `npm run dev`) the thread compiles its TypeScript through tsx, as its
    // process does; a worker's `--import` flag does not reach its entry module on Node 20.
    const worker = import.meta.url.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(
            entry.href.replace(/\.js$/, ".ts"),
          )}); })`,
          { ...options, eval: true },
        )
      : new Worker(entry, options);
    this.worker = worker;
    worker.on("message", (message: FromSpooledMailThread) => {
      if (message.kind === "jobs-queued") this.ctx.jobsCommitted?.();
      else if (message.kind === "tickets-committed")
        this.ctx.changeFeed?.ticketsCommitted(this.ctx, message.changes);
      else if (message.kind === "idle" && this.worker === worker) this.end(worker);
    });
    worker.on("error", (error) => this.ctx.logger.error({ err: error }, "the spooled-mail thread failed"));
    worker.on("exit", (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.ctx.logger.warn({ code }, "the spooled-mail thread ended; starting it again in a second");
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.wake();
      }, retryAfterFailureMs);
    });
  }
}

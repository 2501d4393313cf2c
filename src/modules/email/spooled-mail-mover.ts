import type { Context } from "../../shared/context.js";
import type { InboundSpool } from "./inbound-spool.js";
import { moveSpooledMail } from "./store-inbound-email.js";

const retryAfterFailureMs = 1000;

/**
 * A worker's loop that empties the SMTP listeners' spool into the database (see `inbound-spool.ts`):
 * every `intervalMs`, and at once again while it finds a full move waiting. The jobs it queues wake
 * this process's runner through the context's `jobsCommitted`, like any other commit.
 */
export class SpooledMailMover {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly ctx: Context,
    private readonly spool: InboundSpool,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.moveOnce().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
  }

  private async moveOnce(): Promise<void> {
    try {
      const moved = await moveSpooledMail(this.ctx, this.spool);
      this.schedule(moved > 0 ? 0 : this.intervalMs);
    } catch (error) {
      // The messages stay in the spool, durable. Tried again after a second, not every interval: a
      // database that refuses (a full disk) would otherwise log fifty warnings a second.
      this.ctx.logger.warn({ err: error }, "could not move spooled inbound mail into the database");
      this.schedule(Math.max(this.intervalMs, retryAfterFailureMs));
    }
  }
}

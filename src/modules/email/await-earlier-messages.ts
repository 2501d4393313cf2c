import { performance } from "node:perf_hooks";
import type { Context } from "../../shared/context.js";
import { findEarlierUnprocessedMessage, type RawEmailRow } from "./email-repository.js";

const pollMs = 25;
const patienceMs = 3000;

/**
 * Workers process inbound mail concurrently, so a colleague's reply-all can be picked up while the
 * customer's original, received a moment earlier, is still being turned into a ticket: threaded
 * then, the reply would find no ticket and open a second one. It waits for the original here (for a
 * worker beside it to finish), and past its patience fails so that the job retries later, by when
 * a stalled original has been taken over by another worker.
 */
// Patience is measured in real time, not `ctx.clock`: it waits on another worker, and a test's
// frozen clock would keep it waiting forever.
export async function awaitEarlierMessages(
  ctx: Context,
  raw: RawEmailRow,
  referencedIds: string[],
): Promise<void> {
  const deadline = performance.now() + patienceMs;
  for (;;) {
    const pending = await findEarlierUnprocessedMessage(ctx.db, raw, referencedIds);
    if (!pending) return;
    if (performance.now() >= deadline) {
      throw new Error(`waits for ${pending}, which it answers and which is not processed yet`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

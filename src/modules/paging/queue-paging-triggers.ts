import { enqueueJob } from "../../jobs/job-runner.js";
import type { Context } from "../../shared/context.js";
import { enabledTriggerIds } from "./paging-trigger-repository.js";
import type { PagingOccasion } from "./paging-triggers.js";

export const firePagingTriggerJob = "paging.fire-trigger";

export interface FirePagingTriggerPayload {
  triggerId: string;
  occasion: PagingOccasion;
}

/**
 * Called in the transaction of the change that is the occasion (the ticket's creation, the
 * recomputation that found the breach): one `paging.fire-trigger` job per enabled trigger of its
 * kind. The page is opened by the job, never here — a request does not wait on paging, and a
 * change that rolls back pages nobody. Kept light on imports: the ticket and SLA modules call it.
 */
export async function queuePagingTriggers(ctx: Context, occasion: PagingOccasion): Promise<number> {
  const triggerIds = await enabledTriggerIds(ctx.db, occasion.kind);
  for (const triggerId of triggerIds)
    await enqueueJob(ctx, firePagingTriggerJob, { triggerId, occasion } satisfies FirePagingTriggerPayload);
  return triggerIds.length;
}

import type { Context } from "./context.js";
import { newId } from "./ids.js";

/**
 * The outbox of domain events ("sla.breached", "sla.warning", …): written in the same transaction as
 * the change they describe, so a consumer (notifications, paging, reports) never sees an event for a
 * change that rolled back, nor misses one that committed.
 */
export async function publishDomainEvent(
  ctx: Context,
  kind: string,
  ticketId: string | null,
  payload: Record<string, unknown>,
): Promise<void> {
  await ctx.db
    .insertInto("domain_events")
    .values({
      id: newId(),
      kind,
      ticket_id: ticketId,
      payload: JSON.stringify(payload),
      created_at: ctx.clock.now().toISOString(),
    })
    .execute();
}

import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import type { TicketChange, TicketChangeFeed } from "./ticket-change-feed.js";
import { canViewTicket } from "./ticket-policy.js";

/** What a listener is told: which ticket, the version it reached, and who changed it. */
export interface TicketChangeNotice {
  number: number;
  version: number;
  changedBy: { id: string; name: string } | null;
}

/**
 * Subscribes a staff member to the tickets they may see changing. Returns the way to stop; the
 * caller must call it when its listener goes away.
 */
export function watchTicketChanges({
  ctx,
  feed,
  onChange,
}: {
  ctx: Context;
  feed: TicketChangeFeed;
  onChange: (notice: TicketChangeNotice) => void;
}): () => void {
  requireStaff(ctx.actor);
  return feed.subscribe((change: TicketChange) => {
    const ownership = {
      number: change.number,
      organization_id: change.organizationId,
      requester_id: change.requesterId,
    };
    if (!canViewTicket(ctx.actor, ownership)) return;
    onChange({ number: change.number, version: change.version, changedBy: change.changedBy });
  });
}

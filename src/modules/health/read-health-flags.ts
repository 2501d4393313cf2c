import { NotFoundError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { type HealthFlagView, presentFlag } from "./health-presenter.js";
import { findTicketIdByNumber, flagsOfTicket } from "./health-repository.js";

/**
 * A ticket's health flags, raised and cleared, oldest first. Staff only: they are the team's own
 * measure of itself. Flags are raised and cleared by the sweep (every minute), so one can still show
 * as up for up to a minute after the reply that ends it.
 */
export async function getTicketHealthFlags({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<HealthFlagView[]> {
  requireStaff(ctx.actor);
  const scope = tenantScopeOf(ctx.actor);
  const ticketId = await findTicketIdByNumber(ctx.db, scope, number);
  if (!ticketId) throw new NotFoundError(`No ticket #${number}.`);
  return (await flagsOfTicket(ctx.db, scope, ticketId)).map(presentFlag);
}

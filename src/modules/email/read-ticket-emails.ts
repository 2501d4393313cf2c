import { NotFoundError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { type TenantScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { findTicketByNumber } from "../tickets/ticket-repository.js";
import {
  type EmailDeliveryView,
  presentDelivery,
  presentTicketEmail,
  type TicketEmailView,
} from "./email-presenter.js";
import { listTicketEmailMessages, outboundMailOfComments } from "./email-repository.js";

/** A ticket's mail, both ways, with the delivery state of each reply sent (agents and admins). */
export async function listTicketEmails({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<TicketEmailView[]> {
  requireStaff(ctx.actor);
  const scope = tenantScopeOf(ctx.actor);
  const ticket = await findTicketByNumber(ctx.db, scope, number);
  if (!ticket) throw new NotFoundError(`No ticket #${number}.`);
  return (await listTicketEmailMessages(ctx.db, scope, ticket.id)).map(presentTicketEmail);
}

/** Each emailed comment's delivery state, by comment id; for the comment list staff read. */
export async function emailDeliveriesOfComments(
  ctx: Context,
  scope: TenantScope,
  commentIds: string[],
): Promise<Map<string, EmailDeliveryView>> {
  const deliveries = new Map<string, EmailDeliveryView>();
  for (const mail of await outboundMailOfComments(ctx.db, scope, commentIds)) {
    const delivery = presentDelivery(mail);
    if (mail.comment_id && delivery) deliveries.set(mail.comment_id, delivery);
  }
  return deliveries;
}

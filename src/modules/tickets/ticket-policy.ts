import { NotFoundError } from "../../errors.js";
import type { Actor } from "../identity/actor.js";
import { isStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import type { Visibility } from "./ticket.js";

interface TicketOwnership {
  number: number;
  organization_id: string | null;
  requester_id: string;
}

export function canViewTicket(actor: Actor, ticket: TicketOwnership): boolean {
  const scope = tenantScopeOf(actor);
  if (scope.kind === "all") return true;
  if (scope.kind === "organization") return ticket.organization_id === scope.organizationId;
  return ticket.requester_id === scope.requesterId;
}

/**
 * Another organization's ticket is "not found", exactly like a missing one: a customer must not
 * learn that ticket #1042 exists by trying numbers.
 */
export function assertCanViewTicket<T extends TicketOwnership>(
  actor: Actor,
  ticket: T | undefined,
  number: number,
): T {
  // Who is asking is settled before whether the ticket exists: an anonymous caller gets the same
  // 401 for every number, not a 401 for real ones and a 404 for the rest.
  tenantScopeOf(actor);
  if (!ticket || !canViewTicket(actor, ticket)) throw new NotFoundError(`No ticket #${number}.`);
  return ticket;
}

export function visibleCommentKinds(actor: Actor): Visibility[] {
  return isStaff(actor) ? ["public", "internal"] : ["public"];
}

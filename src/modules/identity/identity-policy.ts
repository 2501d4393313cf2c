import { ForbiddenError, UnauthorizedError } from "../../errors.js";
import type { Actor, PersonActor } from "./actor.js";

/** Agents and admins work the desk; the system acts for timers and imports. */
export function isStaff(actor: Actor): boolean {
  return actor.kind === "system" || (actor.kind === "person" && actor.role !== "customer");
}

export function isAdmin(actor: Actor): boolean {
  return actor.kind === "system" || (actor.kind === "person" && actor.role === "admin");
}

/** Who is asking is settled before what they ask for: an expired session is a 401 on every route, not a 404. */
export function requireAuthenticated(actor: Actor): void {
  if (actor.kind === "anonymous") throw new UnauthorizedError("Sign in or send a bearer token.");
}

export function requirePerson(actor: Actor): PersonActor {
  if (actor.kind !== "person") throw new UnauthorizedError("Sign in or send a bearer token.");
  return actor;
}

export function requireStaff(actor: Actor): void {
  if (actor.kind === "anonymous") throw new UnauthorizedError("Sign in or send a bearer token.");
  if (!isStaff(actor)) throw new ForbiddenError("Only agents and admins may do this.");
}

export function requireAdmin(actor: Actor): void {
  if (actor.kind === "anonymous") throw new UnauthorizedError("Sign in or send a bearer token.");
  if (!isAdmin(actor)) throw new ForbiddenError("Only admins may do this.");
}

/** Customers see people of their own organization; staff see everyone. */
export function canSeePerson(actor: Actor, person: { id: string; organizationId: string | null }): boolean {
  if (isStaff(actor)) return true;
  if (actor.kind !== "person") return false;
  if (actor.personId === person.id) return true;
  return actor.organizationId !== null && actor.organizationId === person.organizationId;
}

export function canSeeOrganization(actor: Actor, organizationId: string): boolean {
  if (isStaff(actor)) return true;
  return actor.kind === "person" && actor.organizationId === organizationId;
}

/**
 * Deactivation follows who may add whom (`createPerson`): staff take a customer's access away,
 * only admins an agent's or an admin's. Nobody deactivates themselves — it would sign them out
 * with no way back in — and the last active admin stays (`deactivate-person.ts`).
 */
export function canDeactivatePerson(actor: Actor, person: { id: string; role: string }): boolean {
  if (actor.kind === "person" && actor.personId === person.id) return false;
  return person.role === "customer" ? isStaff(actor) : isAdmin(actor);
}

import type { Actor } from "../identity/actor.js";
import { isAdmin, isStaff } from "../identity/identity-policy.js";

/**
 * Who may change cover: admins for anyone (a manager on their behalf), agents only where they are
 * one of the people involved.
 */
export function mayActFor(actor: Actor, personIds: readonly (string | null)[]): boolean {
  if (isAdmin(actor)) return true;
  return isStaff(actor) && actor.kind === "person" && personIds.includes(actor.personId);
}

/** An override is its covering person's to take back, or whoever made it; an admin's too. */
export function mayRemoveOverride(
  actor: Actor,
  override: { person_id: string; created_by: string | null },
): boolean {
  return mayActFor(actor, [override.person_id, override.created_by]);
}

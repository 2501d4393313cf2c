import { ConflictError, ForbiddenError } from "../../errors.js";
import type { Actor } from "../identity/actor.js";
import { requireAdmin } from "../identity/identity-policy.js";

/** What stands where an erased person's name was: tickets and statistics still point at the row. */
export const erasedPersonName = "Erased person";

/** The `.invalid` top-level domain never resolves (RFC 2606): no mail can reach the tombstone. */
const erasedEmailDomain = "erased.invalid";

export function erasedEmail(personId: string): string {
  return `erased-${personId}@${erasedEmailDomain}`;
}

export function isErased(person: { email: string }): boolean {
  return person.email.endsWith(`@${erasedEmailDomain}`);
}

export type ErasureCause = "person_erased" | "retention";

/** The text a ticket's subject and messages become, saying when and why they went. */
export function contentTombstone(cause: ErasureCause, at: Date): string {
  const day = at.toISOString().slice(0, 10);
  return cause === "person_erased"
    ? `[erased on ${day} at the requester's request]`
    : `[erased on ${day} by the retention policy]`;
}

/**
 * Who may erase whom. Admins only (the CLI acts as the system). Nobody erases their own account,
 * and an admin is never erased directly: their role is changed first, a separate audited step, so
 * one mistaken call cannot wipe a colleague who runs the desk.
 */
export function requireErasable(
  actor: Actor,
  person: { id: string; name: string; email: string; role: string },
): void {
  requireAdmin(actor);
  if (actor.kind === "person" && actor.personId === person.id) {
    throw new ForbiddenError("You cannot erase your own account; another admin can.");
  }
  if (isErased(person)) throw new ConflictError("This person's data was already erased.");
  if (person.role === "admin") {
    throw new ConflictError(
      `${person.name} is an admin: change their role to agent or customer before erasing them.`,
    );
  }
}

/**
 * A person's messages are their data, so an erasure removes every comment they wrote as a
 * customer, and everything they wrote on tickets they requested. What an agent wrote on other
 * customers' tickets is the desk's answer to those customers: it stays, signed "Erased person".
 */
export function keepsCommentsOnOthersTickets(role: string): boolean {
  return role !== "customer";
}

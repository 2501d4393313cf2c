import { isErased } from "../privacy/privacy-policy.js";

/**
 * Whom a page may reach: active staff. An erased person keeps their role and is not deactivated
 * (tickets and statistics still point at the row), but their address is a `.invalid` tombstone
 * and nobody is there to answer, so they are skipped like someone deactivated.
 */
export function isPageable(person: { role: string; deactivated_at: string | null; email: string }): boolean {
  return person.role !== "customer" && person.deactivated_at === null && !isErased(person);
}

import { listOrganizations } from "../modules/identity/manage-organizations.js";
import { listTickets } from "../modules/tickets/read-tickets.js";
import type { Context } from "../shared/context.js";

/**
 * A fresh install: nobody has added an organization or opened a ticket yet. Apart from the demo desk
 * (`demo-desk.ts`) so that `tend serve --demo-if-empty` on a running desk does not load the demo.
 */
export async function deskIsEmpty(ctx: Context): Promise<boolean> {
  const organizations = await listOrganizations({ ctx, limit: 1 });
  if (organizations.items.length > 0) return false;
  const tickets = await listTickets({ ctx, filter: {}, limit: 1 });
  return tickets.items.length === 0;
}

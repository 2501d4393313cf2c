import { ConflictError, NotFoundError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { recomputeTicketSla, unfinishedTicketIdsOf } from "../sla/recompute-ticket-sla.js";
import {
  canSeeOrganization,
  isStaff,
  requireAdmin,
  requireAuthenticated,
  requireStaff,
} from "./identity-policy.js";
import { type CustomerTicketVisibility, normalizeDomains, type Plan, type Stage } from "./organization.js";
import { type OrganizationView, presentOrganization } from "./organization-presenter.js";
import {
  domainsTakenElsewhere,
  findOrganizationById,
  insertOrganization,
  listOrganizationRows,
  type OrganizationRow,
  organizationNameTaken,
  updateOrganizationRow,
} from "./organization-repository.js";
import { tenantScopeOf } from "./tenant-scope.js";

export interface OrganizationInput {
  name: string;
  domains?: string[];
  plan: Plan;
  stage?: Stage;
  notes?: string;
  customerTicketVisibility?: CustomerTicketVisibility;
}

async function assertUnique(
  ctx: Context,
  name: string,
  domains: string[],
  exceptId: string | null,
): Promise<void> {
  if (await organizationNameTaken(ctx.db, name, exceptId)) {
    throw new ConflictError(`An organization named "${name}" already exists.`);
  }
  const taken = await domainsTakenElsewhere(ctx.db, domains, exceptId);
  if (taken.length > 0)
    throw new ConflictError(`Domain already belongs to another organization: ${taken.join(", ")}`);
}

export async function createOrganization({
  ctx,
  input,
}: {
  ctx: Context;
  input: OrganizationInput;
}): Promise<OrganizationView> {
  requireStaff(ctx.actor);
  const domains = normalizeDomains(input.domains ?? []);
  const name = input.name.trim();
  return inTransaction(ctx, async (tx) => {
    await assertUnique(tx, name, domains, null);
    const now = tx.clock.now().toISOString();
    const row: OrganizationRow = {
      id: newId(),
      name,
      domains,
      plan: input.plan,
      stage: input.stage ?? "customer",
      notes: input.notes ?? "",
      customer_ticket_visibility: input.customerTicketVisibility ?? "organization",
      created_at: now,
      updated_at: now,
    };
    await insertOrganization(tx.db, row);
    await recordAudit(tx, {
      action: "organization.created",
      targetType: "organization",
      targetId: row.id,
      after: row,
    });
    tx.logger.info({ organizationId: row.id }, "organization created");
    return presentOrganization(row);
  });
}

export async function updateOrganization({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<OrganizationInput>;
}): Promise<OrganizationView> {
  requireAdmin(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const existing = await findOrganizationById(tx.db, id);
    if (!existing) throw new NotFoundError(`No organization ${id}.`);
    const domains = input.domains ? normalizeDomains(input.domains) : existing.domains;
    const name = input.name?.trim() ?? existing.name;
    await assertUnique(tx, name, domains, id);
    const row: OrganizationRow = {
      ...existing,
      name,
      domains,
      plan: input.plan ?? existing.plan,
      stage: input.stage ?? existing.stage,
      notes: input.notes ?? existing.notes,
      customer_ticket_visibility: input.customerTicketVisibility ?? existing.customer_ticket_visibility,
      updated_at: tx.clock.now().toISOString(),
    };
    await updateOrganizationRow(tx.db, row);
    if (row.plan !== existing.plan || row.stage !== existing.stage) {
      // Which promises hold follows the plan and stage: re-derive them for every ticket still being worked.
      for (const ticketId of await unfinishedTicketIdsOf(tx.db, id)) await recomputeTicketSla(tx, ticketId);
    }
    // After the tickets' locks: the audit chain head is taken last, so it never waits in a cycle.
    await recordAudit(tx, {
      action: "organization.updated",
      targetType: "organization",
      targetId: id,
      before: existing,
      after: row,
    });
    return presentOrganization(row);
  });
}

export async function getOrganization({ ctx, id }: { ctx: Context; id: string }): Promise<OrganizationView> {
  requireAuthenticated(ctx.actor);
  // A customer asking for another organization learns nothing, not even that it exists.
  if (!canSeeOrganization(ctx.actor, id)) throw new NotFoundError(`No organization ${id}.`);
  const row = await findOrganizationById(ctx.db, id);
  if (!row) throw new NotFoundError(`No organization ${id}.`);
  return forViewer(ctx, presentOrganization(row));
}

/** Notes are the support team's own words about a customer: customers read them blank. */
function forViewer(ctx: Context, view: OrganizationView): OrganizationView {
  return isStaff(ctx.actor) ? view : { ...view, notes: "" };
}

export async function listOrganizations({
  ctx,
  limit,
  cursor,
}: {
  ctx: Context;
  limit: number;
  cursor?: string;
}): Promise<Page<OrganizationView>> {
  // Customers list their own organization (none when they belong to none); staff list all.
  const rows = await listOrganizationRows(ctx.db, tenantScopeOf(ctx.actor), {
    limit: limit + 1,
    ...(cursor ? { after: decodeCursor(cursor) } : {}),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => forViewer(ctx, presentOrganization(row))),
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.name, id: last.id }) : null,
  };
}

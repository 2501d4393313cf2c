import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { decodeCursor, encodeCursor, type Page } from "../../shared/cursor.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Role } from "./actor.js";
import {
  canSeePerson,
  isAdmin,
  requireAuthenticated,
  requirePerson,
  requireStaff,
} from "./identity-policy.js";
import { domainOfEmail } from "./organization.js";
import { findOrganizationById, findOrganizationIdByDomain } from "./organization-repository.js";
import { assertAcceptablePassword, hashPassword } from "./passwords.js";
import { type PersonView, presentPerson } from "./person-presenter.js";
import {
  findPersonByEmail,
  findPersonById,
  insertPerson,
  listPersonRows,
  type PersonRow,
  updatePersonRow,
} from "./person-repository.js";
import { endSessionsOf } from "./sessions.js";
import { tenantScopeOf } from "./tenant-scope.js";

export interface PersonInput {
  name: string;
  email: string;
  role?: Role;
  organizationId?: string | null;
  timeZone?: string;
  password?: string;
}

export function assertTimeZone(timeZone: string, field = "timeZone"): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
  } catch {
    throw ValidationError.field(field, `"${timeZone}" is not an IANA time zone`);
  }
}

/**
 * Staff add customers; only admins add agents and admins. A customer without an explicit
 * organization joins the one that owns their email domain.
 */
export async function createPerson({
  ctx,
  input,
}: {
  ctx: Context;
  input: PersonInput;
}): Promise<PersonView> {
  requireStaff(ctx.actor);
  const role = input.role ?? "customer";
  if (role !== "customer" && !isAdmin(ctx.actor)) {
    throw new ValidationError({ field: "role", message: "only admins may add agents and admins" });
  }
  if (input.timeZone) assertTimeZone(input.timeZone);
  if (input.password !== undefined) assertAcceptablePassword(input.password);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  return inTransaction(ctx, async (tx) => {
    const row = await insertNewPerson(tx, { ...input, role }, passwordHash);
    return presentPerson(row);
  });
}

async function insertNewPerson(
  ctx: Context,
  input: PersonInput & { role: Role },
  passwordHash: string | null,
  /** The caller looked the address up in this transaction and found nobody. */
  knownAbsent = false,
) {
  const email = input.email.trim().toLowerCase();
  if (!knownAbsent && (await findPersonByEmail(ctx.db, email)))
    throw new ConflictError(`Someone with email ${email} already exists.`);
  let organizationId: string | null = null;
  if (input.role === "customer") {
    if (input.organizationId) {
      if (!(await findOrganizationById(ctx.db, input.organizationId))) {
        throw ValidationError.field("organizationId", `no organization ${input.organizationId}`);
      }
      organizationId = input.organizationId;
    } else if (input.organizationId === undefined) {
      organizationId = (await findOrganizationIdByDomain(ctx.db, domainOfEmail(email))) ?? null;
    }
  } else if (input.organizationId) {
    throw ValidationError.field(
      "organizationId",
      "agents and admins belong to the support team, not an organization",
    );
  }
  const now = ctx.clock.now().toISOString();
  const row: PersonRow = {
    id: newId(),
    organization_id: organizationId,
    name: input.name.trim(),
    email,
    role: input.role,
    time_zone: input.timeZone ?? "UTC",
    password_hash: passwordHash,
    created_at: now,
    updated_at: now,
    deactivated_at: null,
  };
  await insertPerson(ctx.db, row);
  await recordAudit(ctx, { action: "person.created", targetType: "person", targetId: row.id, after: row });
  ctx.logger.info({ personId: row.id, role: row.role }, "person created");
  return row;
}

/** The requester of a ticket written by someone Tend has not met yet: they become a customer. */
/** `organizationId` places a new customer (a connected chat channel's organization); else by email domain. */
export async function findOrCreateCustomer(
  ctx: Context,
  email: string,
  name: string | undefined,
  organizationId?: string,
): Promise<PersonRow> {
  // Normalized as it is stored, so " Dana@Example.com" finds dana@example.com rather than clash with it.
  const address = email.trim().toLowerCase();
  const existing = await findPersonByEmail(ctx.db, address);
  if (existing) return existing;
  const trimmed = email.trim();
  const fallbackName = trimmed.slice(0, trimmed.indexOf("@"));
  return insertNewPerson(
    ctx,
    {
      email: address,
      name: name?.trim() || fallbackName,
      role: "customer",
      ...(organizationId ? { organizationId } : {}),
    },
    null,
    true,
  );
}

export async function getPerson({ ctx, id }: { ctx: Context; id: string }): Promise<PersonView> {
  requireAuthenticated(ctx.actor);
  const row = await findPersonById(ctx.db, id);
  if (!row || !canSeePerson(ctx.actor, { id: row.id, organizationId: row.organization_id })) {
    throw new NotFoundError(`No person ${id}.`);
  }
  return presentPerson(row);
}

export async function getMe(ctx: Context): Promise<PersonView> {
  const actor = requirePerson(ctx.actor);
  return getPerson({ ctx, id: actor.personId });
}

export async function listPeople({
  ctx,
  filter,
  limit,
  cursor,
}: {
  ctx: Context;
  filter: { organizationId?: string; role?: Role; active?: boolean; email?: string };
  limit: number;
  cursor?: string;
}): Promise<Page<PersonView>> {
  requirePerson(ctx.actor);
  // The scope is applied on top of the filter, not checked against it: a customer's list is their
  // organization whatever they ask for, and only themselves when they belong to none.
  const rows = await listPersonRows(ctx.db, tenantScopeOf(ctx.actor), {
    ...filter,
    limit: limit + 1,
    ...(cursor ? { after: decodeCursor(cursor) } : {}),
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(presentPerson),
    nextCursor: rows.length > limit && last ? encodeCursor({ value: last.name, id: last.id }) : null,
  };
}

export interface PersonUpdate {
  name?: string;
  timeZone?: string;
  role?: Role;
  organizationId?: string | null;
  password?: string;
}

/** People edit their own name, time zone and password; admins edit anyone, including role. */
export async function updatePerson({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: PersonUpdate;
}): Promise<PersonView> {
  const actor = requirePerson(ctx.actor);
  const admin = isAdmin(actor);
  if (!admin && actor.personId !== id) {
    if (actor.role === "customer") throw new NotFoundError(`No person ${id}.`);
    throw new ForbiddenError("Only admins may edit other people.");
  }
  if (!admin && (input.role !== undefined || input.organizationId !== undefined)) {
    throw ValidationError.field(
      input.role !== undefined ? "role" : "organizationId",
      "only admins may change this",
    );
  }
  if (input.timeZone) assertTimeZone(input.timeZone);
  if (input.password !== undefined) assertAcceptablePassword(input.password);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  return inTransaction(ctx, async (tx) => {
    const existing = await findPersonById(tx.db, id);
    if (!existing) throw new NotFoundError(`No person ${id}.`);
    // Otherwise an admin's write-scoped token could set a password and sign in with full rights.
    if (passwordHash !== undefined && existing.role === "admin" && !admin) {
      throw new ForbiddenError(
        "Changing an admin's password needs admin rights: sign in, or use a token with the admin scope.",
      );
    }
    const role = input.role ?? (existing.role as Role);
    let organizationId = input.organizationId === undefined ? existing.organization_id : input.organizationId;
    if (role !== "customer") organizationId = null;
    if (organizationId && organizationId !== existing.organization_id) {
      if (!(await findOrganizationById(tx.db, organizationId))) {
        throw ValidationError.field("organizationId", `no organization ${organizationId}`);
      }
    }
    const row: PersonRow = {
      ...existing,
      name: input.name?.trim() ?? existing.name,
      time_zone: input.timeZone ?? existing.time_zone,
      role,
      organization_id: organizationId,
      password_hash: passwordHash ?? existing.password_hash,
      updated_at: tx.clock.now().toISOString(),
    };
    await updatePersonRow(tx.db, row);
    await recordAudit(tx, {
      action: row.role !== existing.role ? "person.role_changed" : "person.updated",
      targetType: "person",
      targetId: id,
      before: existing,
      after: row,
    });
    if (row.role !== existing.role) await endSessionsOf(tx, id, "role changed");
    else if (passwordHash !== undefined) await endSessionsOf(tx, id, "password changed");
    return presentPerson(row);
  });
}

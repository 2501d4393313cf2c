import { NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import type { Role } from "../identity/actor.js";
import { isStaff, requirePerson, requireStaff } from "../identity/identity-policy.js";
import { findOrCreateCustomer } from "../identity/manage-people.js";
import { findPersonById, type PersonRow } from "../identity/person-repository.js";
import { systemScope, type TenantScope, tenantScopeOf } from "../identity/tenant-scope.js";
import {
  deleteFollower,
  type FollowerListRow,
  insertFollowers,
  isFollowing,
  listFollowerRows,
} from "./ticket-follower-repository.js";
import { findTicketByNumber, type TicketListRow } from "./ticket-repository.js";

/**
 * Followers receive a ticket's public replies by mail (on Cc), never its internal notes. Following
 * grants no access: the portal keeps showing a customer their organization's tickets only, so a
 * follower from another organization — a customer's consultant on their own domain — gets the
 * replies by mail and nothing more, and one from the requester's organization already sees the
 * ticket as any colleague does. The one thing a follower may do beyond reading their mail is answer
 * it: their emailed reply lands on the ticket (`findTicketToAnswerAsFollower`).
 */
export const followerSources = ["email", "staff"] as const;
export type FollowerSource = (typeof followerSources)[number];

/** Someone to follow a ticket, and how they came to. */
export interface NewFollower {
  personId: string;
  source: FollowerSource;
}

export interface FollowerView {
  person: { id: string; name: string; email: string; role: Role; organizationId: string | null };
  /** How they came: on To/Cc of a message on the ticket, or added by staff. */
  source: FollowerSource;
  followingSince: string;
}

export function presentFollower(row: FollowerListRow): FollowerView {
  return {
    person: {
      id: row.person_id,
      name: row.name,
      email: row.email,
      role: row.role as Role,
      organizationId: row.organization_id,
    },
    source: row.source as FollowerSource,
    followingSince: row.created_at,
  };
}

async function staffTicket(ctx: Context, scope: TenantScope, number: number): Promise<TicketListRow> {
  requireStaff(ctx.actor);
  const ticket = await findTicketByNumber(ctx.db, scope, number);
  if (!ticket) throw new NotFoundError(`No ticket #${number}.`);
  return ticket;
}

/** A ticket's followers, oldest first (agents and admins). */
export async function listFollowers({
  ctx,
  number,
}: {
  ctx: Context;
  number: number;
}): Promise<FollowerView[]> {
  const scope = tenantScopeOf(ctx.actor);
  const ticket = await staffTicket(ctx, scope, number);
  return (await listFollowerRows(ctx.db, scope, ticket.id)).map(presentFollower);
}

/** Exactly one of the two: someone known by id, or an address (a new customer if nobody has it). */
export interface FollowerInput {
  personId?: string;
  email?: string;
  name?: string;
}

/**
 * Staff add a follower. An unknown address becomes a customer the way an unknown sender does (their
 * organization from the address's domain). Adding someone already following changes nothing.
 */
export async function addFollower({
  ctx,
  number,
  input,
}: {
  ctx: Context;
  number: number;
  input: FollowerInput;
}): Promise<{ follower: FollowerView; added: boolean }> {
  return inTransaction(ctx, async (tx) => {
    const scope = tenantScopeOf(tx.actor);
    const ticket = await staffTicket(tx, scope, number);
    if ((input.personId === undefined) === (input.email === undefined))
      throw ValidationError.field("personId", "send exactly one of personId and email");
    if (input.personId !== undefined && input.name !== undefined)
      throw ValidationError.field("name", "a name is only taken with an email");
    let person: PersonRow | undefined;
    if (input.personId !== undefined) {
      person = await findPersonById(tx.db, input.personId);
      if (!person) throw ValidationError.field("personId", `no person ${input.personId}`);
    } else {
      person = await findOrCreateCustomer(tx, input.email as string, input.name);
    }
    if (person.id === ticket.requester_id)
      throw ValidationError.field(
        input.personId !== undefined ? "personId" : "email",
        "the requester receives every public reply already",
      );
    const [added] = await followTicket(tx, ticket.id, [{ personId: person.id, source: "staff" }]);
    const follower = (await listFollowerRows(tx.db, scope, ticket.id)).find(
      (row) => row.person_id === person.id,
    );
    if (!follower) throw new Error(`follower ${person.id} vanished inside its own transaction`);
    return { follower: presentFollower(follower), added: added !== undefined };
  });
}

/** Staff stop a person following; 404 when they did not follow the ticket. */
export async function removeFollower({
  ctx,
  number,
  personId,
}: {
  ctx: Context;
  number: number;
  personId: string;
}): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const ticket = await staffTicket(tx, tenantScopeOf(tx.actor), number);
    if (!(await deleteFollower(tx.db, ticket.id, personId)))
      throw new NotFoundError(`Person ${personId} does not follow ticket #${number}.`);
    await recordAudit(tx, {
      action: "ticket.follower_removed",
      targetType: "ticket",
      targetId: ticket.id,
      before: { followerId: personId },
      after: { followerId: null },
    });
  });
}

/**
 * Makes the people follow the ticket, in the caller's transaction; the caller has decided they may
 * (staff, or the inbound mail pipeline for the people a sender allowed on the ticket put on To/Cc).
 * Returns the ids of those who did not follow it before.
 */
export async function followTicket(
  ctx: Context,
  ticketId: string,
  followers: readonly NewFollower[],
): Promise<string[]> {
  const now = ctx.clock.now().toISOString();
  const added = await insertFollowers(
    ctx.db,
    followers.map(({ personId, source }) => ({
      ticket_id: ticketId,
      person_id: personId,
      source,
      created_at: now,
    })),
  );
  const sourceOf = new Map(followers.map((f) => [f.personId, f.source]));
  for (const personId of added) {
    await recordAudit(ctx, {
      action: "ticket.follower_added",
      targetType: "ticket",
      targetId: ticketId,
      after: { followerId: personId, source: sourceOf.get(personId) },
    });
  }
  return added;
}

/**
 * Who follows a closed ticket follows its follow-up, as they came: the conversation they were
 * copied on goes on there. Read for the caller's transaction, before the follow-up exists.
 */
export async function followersToCarryOver(ctx: Context, ticketId: string): Promise<NewFollower[]> {
  const rows = await listFollowerRows(ctx.db, tenantScopeOf(ctx.actor), ticketId);
  return rows.map((row) => ({ personId: row.person_id, source: row.source as FollowerSource }));
}

// A follower outside the ticket's organization reaches the ticket only through this check.
const followerScope = systemScope("a follower answering by mail a ticket they may not read");

/**
 * The ticket a follower answers by mail: open to them when they follow it, whether or not they may
 * read it. A closed ticket is not (its follow-up would be theirs, in their organization), nor is
 * one they do not follow: both are "not found", as for any ticket out of reach.
 */
export async function findTicketToAnswerAsFollower(ctx: Context, number: number): Promise<TicketListRow> {
  const author = requirePerson(ctx.actor);
  const ticket = await findTicketByNumber(ctx.db, followerScope, number);
  const follows =
    ticket !== undefined &&
    !isStaff(author) &&
    ticket.status !== "closed" &&
    (await isFollowing(ctx.db, followerScope, ticket.id, author.personId));
  if (!ticket || !follows) throw new NotFoundError(`No ticket #${number}.`);
  return ticket;
}

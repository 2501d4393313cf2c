import { ConflictError, ForbiddenError, NotFoundError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { recordAudit } from "../audit/record-audit.js";
import { revokeApiTokensOf } from "./credential-repository.js";
import { canDeactivatePerson, requireStaff } from "./identity-policy.js";
import { type PersonView, presentPerson } from "./person-presenter.js";
import {
  findPersonById,
  lockActiveAdminIds,
  type PersonRow,
  setPersonDeactivation,
} from "./person-repository.js";
import { endSessionsOf } from "./sessions.js";
import { deleteSingleUseLinksOf } from "./single-use-link-repository.js";
import { deleteSignInChallengesOf } from "./two-factor-repository.js";

/** Reads the person and applies the policy (after `requireStaff`: staff may see everyone). */
async function personToChange(ctx: Context, id: string, verb: string): Promise<PersonRow> {
  const person = await findPersonById(ctx.db, id);
  if (!person) throw new NotFoundError(`No person ${id}.`);
  if (!canDeactivatePerson(ctx.actor, person)) {
    throw new ForbiddenError(
      ctx.actor.kind === "person" && ctx.actor.personId === id
        ? `Nobody may ${verb} their own account: ask another admin.`
        : `Only admins may ${verb} agents and admins; agents may ${verb} customers.`,
    );
  }
  return person;
}

/**
 * Takes a person's access away, in one transaction: the account is marked, every session ends,
 * every API token is revoked, and mailed sign-in and unlock links and pending second-factor steps
 * are removed. Tokens are revoked rather than held: an offboarded agent's token left in a script
 * must not come back to life if the account is reactivated — a new one is issued on purpose. The
 * row stays, so their name still shows on the tickets and records that point at it. Deactivating
 * someone already deactivated changes nothing.
 */
export async function deactivatePerson({ ctx, id }: { ctx: Context; id: string }): Promise<PersonView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    // Locked before the person is read, so a concurrent deactivation is seen.
    const admins = await lockActiveAdminIds(tx.db, tx.dialect);
    const existing = await personToChange(tx, id, "deactivate");
    if (existing.deactivated_at) return presentPerson(existing);
    if (existing.role === "admin" && admins.length === 1 && admins[0] === id) {
      throw new ConflictError(
        "This is the last active admin: make someone else an admin before deactivating them.",
      );
    }
    const now = tx.clock.now().toISOString();
    const row: PersonRow = { ...existing, deactivated_at: now, updated_at: now };
    await setPersonDeactivation(tx.db, id, { deactivated_at: now, updated_at: now });
    await endSessionsOf(tx, id, "deactivated");
    const revokedTokenIds = await revokeApiTokensOf(tx.db, id, now);
    const signInLinks = await deleteSingleUseLinksOf(tx.db, "sign_in_links", id);
    const unlockLinks = await deleteSingleUseLinksOf(tx.db, "unlock_tokens", id);
    await deleteSignInChallengesOf(tx.db, id);
    await recordAudit(tx, {
      action: "person.deactivated",
      targetType: "person",
      targetId: id,
      before: existing,
      after: { ...row, revokedTokenIds, removedLinks: signInLinks + unlockLinks },
    });
    tx.logger.info({ personId: id, tokens: revokedTokenIds.length }, "person deactivated");
    return presentPerson(row);
  });
}

/**
 * Gives a deactivated person their access back: they sign in again as before. Sessions that ended
 * stay ended and revoked tokens stay revoked; reactivating someone active changes nothing.
 */
export async function reactivatePerson({ ctx, id }: { ctx: Context; id: string }): Promise<PersonView> {
  requireStaff(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const existing = await personToChange(tx, id, "reactivate");
    if (!existing.deactivated_at) return presentPerson(existing);
    const now = tx.clock.now().toISOString();
    const row: PersonRow = { ...existing, deactivated_at: null, updated_at: now };
    await setPersonDeactivation(tx.db, id, { deactivated_at: null, updated_at: now });
    await recordAudit(tx, {
      action: "person.reactivated",
      targetType: "person",
      targetId: id,
      before: existing,
      after: row,
    });
    tx.logger.info({ personId: id }, "person reactivated");
    return presentPerson(row);
  });
}

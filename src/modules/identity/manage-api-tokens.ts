import { ForbiddenError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { DAY } from "../../shared/clock.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import {
  type ApiTokenRow,
  findApiTokenById,
  insertApiToken,
  listApiTokenRows,
  revokeApiTokenRow,
} from "./credential-repository.js";
import { isAdmin, requirePerson } from "./identity-policy.js";
import { findPersonById } from "./person-repository.js";
import { hashSecret, newSecret } from "./secrets.js";
import {
  parseTokenScopes,
  serializeTokenScopes,
  type TokenScope,
  tokenLevel,
  tokenScopes,
} from "./token-scopes.js";

export interface ApiTokenView {
  id: string;
  name: string;
  personId: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A new token may write but not administer unless asked: the least that serves most integrations. */
export const defaultTokenScopes: TokenScope[] = ["write"];
export const maximumTokenLifetimeDays = 3650;

export interface ApiTokenRequest {
  name: string;
  scopes?: TokenScope[];
  /** Whole days from now; without it the token lives until revoked. */
  expiresInDays?: number;
}

function presentApiToken(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    personId: row.person_id,
    scopes: parseTokenScopes(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The secret is returned once and only its hash is kept: a lost token is revoked and replaced. */
export async function createApiToken({
  ctx,
  input,
}: {
  ctx: Context;
  input: ApiTokenRequest & { personId?: string };
}): Promise<ApiTokenView & { token: string }> {
  const actor = requirePerson(ctx.actor.kind === "system" ? { kind: "anonymous" } : ctx.actor);
  const personId = input.personId ?? actor.personId;
  if (personId !== actor.personId && !isAdmin(actor)) throw new NotFoundError(`No person ${personId}.`);
  // A token never grants more than the request minting it holds: an admin's write-scoped token
  // cannot mint itself an admin-scoped one.
  if (tokenLevel(input.scopes ?? defaultTokenScopes) === "admin" && !isAdmin(actor)) {
    throw new ForbiddenError(
      "Only an admin acting with admin rights may create a token with the admin scope.",
    );
  }
  return issueApiToken(ctx, personId, input);
}

/** Also used by the CLI, which acts as the operator of the install. */
export async function issueApiToken(
  ctx: Context,
  personId: string,
  request: ApiTokenRequest,
): Promise<ApiTokenView & { token: string }> {
  const scopes = request.scopes ?? defaultTokenScopes;
  if (scopes.length === 0 || scopes.some((scope) => !tokenScopes.includes(scope))) {
    throw ValidationError.field("scopes", `must list one or more of: ${tokenScopes.join(", ")}`);
  }
  const days = request.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > maximumTokenLifetimeDays)) {
    throw ValidationError.field(
      "expiresInDays",
      `must be a whole number from 1 to ${maximumTokenLifetimeDays}`,
    );
  }
  return inTransaction(ctx, async (tx) => {
    const person = await findPersonById(tx.db, personId);
    if (!person) throw new NotFoundError(`No person ${personId}.`);
    if (person.deactivated_at) {
      throw UnprocessableContentError.field("personId", "this person is deactivated: reactivate them first");
    }
    if (tokenLevel(scopes) === "admin" && person.role !== "admin") {
      throw ValidationError.field("scopes", "the admin scope is for admins' tokens only");
    }
    const token = newSecret("tend_");
    const now = tx.clock.now();
    const row: ApiTokenRow = {
      id: newId(),
      person_id: personId,
      name: request.name.trim(),
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
      last_used_at: null,
      revoked_at: null,
      scopes: serializeTokenScopes(scopes),
      expires_at: days === undefined ? null : new Date(now.getTime() + days * DAY).toISOString(),
    };
    await insertApiToken(tx.db, row);
    await recordAudit(tx, {
      action: "api_token.issued",
      targetType: "api_token",
      targetId: row.id,
      after: row,
    });
    return { ...presentApiToken(row), token };
  });
}

export async function listApiTokens(ctx: Context): Promise<ApiTokenView[]> {
  const actor = requirePerson(ctx.actor);
  return (await listApiTokenRows(ctx.db, isAdmin(actor) ? undefined : actor.personId)).map(presentApiToken);
}

export async function revokeApiToken({ ctx, id }: { ctx: Context; id: string }): Promise<ApiTokenView> {
  const actor = requirePerson(ctx.actor);
  return inTransaction(ctx, async (tx) => {
    const row = await findApiTokenById(tx.db, id);
    if (!row || (row.person_id !== actor.personId && !isAdmin(actor)))
      throw new NotFoundError(`No token ${id}.`);
    const revokedAt = row.revoked_at ?? tx.clock.now().toISOString();
    if (!row.revoked_at) await revokeApiTokenRow(tx.db, id, revokedAt);
    if (!row.revoked_at)
      await recordAudit(tx, {
        action: "api_token.revoked",
        targetType: "api_token",
        targetId: id,
        before: row,
        after: { ...row, revoked_at: revokedAt },
      });
    return presentApiToken({ ...row, revoked_at: revokedAt });
  });
}

import { NotFoundError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
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

export interface ApiTokenView {
  id: string;
  name: string;
  personId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function presentApiToken(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    personId: row.person_id,
    createdAt: row.created_at,
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
  input: { name: string; personId?: string };
}): Promise<ApiTokenView & { token: string }> {
  const actor = requirePerson(ctx.actor.kind === "system" ? { kind: "anonymous" } : ctx.actor);
  const personId = input.personId ?? actor.personId;
  if (personId !== actor.personId && !isAdmin(actor)) throw new NotFoundError(`No person ${personId}.`);
  return issueApiToken(ctx, personId, input.name);
}

/** Also used by the CLI, which acts as the operator of the install. */
export async function issueApiToken(
  ctx: Context,
  personId: string,
  name: string,
): Promise<ApiTokenView & { token: string }> {
  return inTransaction(ctx, async (tx) => {
    if (!(await findPersonById(tx.db, personId))) throw new NotFoundError(`No person ${personId}.`);
    const token = newSecret("tend_");
    const row: ApiTokenRow = {
      id: newId(),
      person_id: personId,
      name: name.trim(),
      token_hash: hashSecret(token),
      created_at: tx.clock.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await insertApiToken(tx.db, row);
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
    return presentApiToken({ ...row, revoked_at: revokedAt });
  });
}

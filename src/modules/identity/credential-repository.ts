import type { DbExecutor } from "../../db/database.js";
import type { ApiTokensTable, PeopleTable, SessionsTable } from "../../db/tables.js";

export type ApiTokenRow = ApiTokensTable;
export type SessionRow = SessionsTable;

type Holder = Pick<PeopleTable, "id" | "role" | "organization_id"> & {
  customer_ticket_visibility: string | null;
};

export async function insertApiToken(db: DbExecutor, row: ApiTokenRow): Promise<void> {
  await db.insertInto("api_tokens").values(row).execute();
}

export async function listApiTokenRows(db: DbExecutor, personId: string | undefined): Promise<ApiTokenRow[]> {
  let query = db.selectFrom("api_tokens").selectAll();
  if (personId) query = query.where("person_id", "=", personId);
  return query.orderBy("created_at", "desc").execute();
}

export async function findApiTokenById(db: DbExecutor, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_tokens").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function revokeApiTokenRow(db: DbExecutor, id: string, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", id).execute();
}

export async function findTokenHolder(
  db: DbExecutor,
  tokenHash: string,
): Promise<
  (Holder & { token_id: string } & Pick<ApiTokenRow, "last_used_at" | "scopes" | "expires_at">) | undefined
> {
  return db
    .selectFrom("api_tokens")
    .innerJoin("people", "people.id", "api_tokens.person_id")
    .leftJoin("organizations", "organizations.id", "people.organization_id")
    .select([
      "people.id",
      "people.role",
      "people.organization_id",
      "organizations.customer_ticket_visibility",
      "api_tokens.id as token_id",
      "api_tokens.last_used_at",
      "api_tokens.scopes",
      "api_tokens.expires_at",
    ])
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("api_tokens.revoked_at", "is", null)
    .where("people.deactivated_at", "is", null)
    .executeTakeFirst();
}

/** Revokes every live token of one person; returns the ids revoked. */
export async function revokeApiTokensOf(db: DbExecutor, personId: string, at: string): Promise<string[]> {
  const revoked = await db
    .updateTable("api_tokens")
    .set({ revoked_at: at })
    .where("person_id", "=", personId)
    .where("revoked_at", "is", null)
    .returning("id")
    .execute();
  return revoked.map((row) => row.id);
}

export async function touchApiToken(db: DbExecutor, tokenId: string, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", tokenId).execute();
}

export async function insertSession(db: DbExecutor, row: SessionRow): Promise<void> {
  await db.insertInto("sessions").values(row).execute();
}

export async function findSessionHolder(
  db: DbExecutor,
  idHash: string,
): Promise<(Holder & Pick<SessionRow, "last_seen_at" | "expires_at" | "sign_in_method">) | undefined> {
  return db
    .selectFrom("sessions")
    .innerJoin("people", "people.id", "sessions.person_id")
    .leftJoin("organizations", "organizations.id", "people.organization_id")
    .select([
      "people.id",
      "people.role",
      "people.organization_id",
      "organizations.customer_ticket_visibility",
      "sessions.last_seen_at",
      "sessions.expires_at",
      "sessions.sign_in_method",
    ])
    .where("sessions.id_hash", "=", idHash)
    .where("people.deactivated_at", "is", null)
    .executeTakeFirst();
}

export async function touchSession(db: DbExecutor, idHash: string, at: string): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: at }).where("id_hash", "=", idHash).execute();
}

export async function deleteSession(db: DbExecutor, idHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}

/** Ends every session of one person; returns how many there were. */
export async function deleteSessionsOfPerson(db: DbExecutor, personId: string): Promise<number> {
  const result = await db.deleteFrom("sessions").where("person_id", "=", personId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

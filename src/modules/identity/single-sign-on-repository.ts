import type { DbExecutor } from "../../db/database.js";
import type { SsoIdentitiesTable, SsoLoginAttemptsTable } from "../../db/tables.js";

export type LoginAttemptRow = SsoLoginAttemptsTable;
export type SsoIdentityRow = SsoIdentitiesTable;

export async function insertLoginAttempt(db: DbExecutor, row: LoginAttemptRow): Promise<void> {
  await db.insertInto("sso_login_attempts").values(row).execute();
}

/**
 * Takes the attempt out in the same statement that reads it: of two callbacks racing with one
 * state, exactly one gets the row.
 */
export async function takeLoginAttempt(
  db: DbExecutor,
  stateHash: string,
): Promise<LoginAttemptRow | undefined> {
  return db
    .deleteFrom("sso_login_attempts")
    .where("state_hash", "=", stateHash)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteExpiredLoginAttempts(db: DbExecutor, now: string): Promise<void> {
  await db.deleteFrom("sso_login_attempts").where("expires_at", "<=", now).execute();
}

export async function findSsoIdentity(
  db: DbExecutor,
  issuer: string,
  subject: string,
): Promise<SsoIdentityRow | undefined> {
  return db
    .selectFrom("sso_identities")
    .selectAll()
    .where("issuer", "=", issuer)
    .where("subject", "=", subject)
    .executeTakeFirst();
}

export async function findSsoIdentityOfPerson(
  db: DbExecutor,
  personId: string,
  issuer: string,
): Promise<SsoIdentityRow | undefined> {
  return db
    .selectFrom("sso_identities")
    .selectAll()
    .where("person_id", "=", personId)
    .where("issuer", "=", issuer)
    .executeTakeFirst();
}

export async function insertSsoIdentity(db: DbExecutor, row: SsoIdentityRow): Promise<void> {
  await db.insertInto("sso_identities").values(row).execute();
}

export async function touchSsoIdentity(
  db: DbExecutor,
  identity: { issuer: string; subject: string },
  at: string,
): Promise<void> {
  await db
    .updateTable("sso_identities")
    .set({ last_signed_in_at: at })
    .where("issuer", "=", identity.issuer)
    .where("subject", "=", identity.subject)
    .execute();
}

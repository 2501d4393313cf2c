import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type {
  SecuritySettingsTable,
  SignInChallengesTable,
  TwoFactorCredentialsTable,
} from "../../db/tables.js";

export type TwoFactorCredentialRow = TwoFactorCredentialsTable;
export type SignInChallengeRow = Omit<SignInChallengesTable, "failures" | "first_factor"> & {
  failures: number;
  first_factor: string;
};
export type SecuritySettingsRow = SecuritySettingsTable;

const settingsId = "security";

export async function findTwoFactorCredential(
  db: DbExecutor,
  personId: string,
): Promise<TwoFactorCredentialRow | undefined> {
  return db
    .selectFrom("two_factor_credentials")
    .selectAll()
    .where("person_id", "=", personId)
    .executeTakeFirst();
}

/** A new pending enrollment replaces an earlier pending one; a confirmed credential is never replaced. */
export async function savePendingCredential(db: DbExecutor, row: TwoFactorCredentialRow): Promise<void> {
  await db
    .insertInto("two_factor_credentials")
    .values(row)
    .onConflict((conflict) =>
      conflict
        .column("person_id")
        .doUpdateSet({ secret: row.secret, created_at: row.created_at, last_accepted_step: null })
        .where("two_factor_credentials.confirmed_at", "is", null),
    )
    .execute();
}

export async function hasTwoFactor(db: DbExecutor, personId: string): Promise<boolean> {
  const credential = await findTwoFactorCredential(db, personId);
  return Boolean(credential?.confirmed_at);
}

export async function confirmCredential(db: DbExecutor, personId: string, at: string): Promise<void> {
  await db
    .updateTable("two_factor_credentials")
    .set({ confirmed_at: at })
    .where("person_id", "=", personId)
    .execute();
}

/**
 * Records `step` as the last accepted, only if it is later than the one stored: a compare-and-set,
 * so two requests racing with the same code cannot both win. False when the code was already used.
 */
export async function acceptTotpStep(db: DbExecutor, personId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable("two_factor_credentials")
    .set({ last_accepted_step: step })
    .where("person_id", "=", personId)
    .where((eb) => eb.or([eb("last_accepted_step", "is", null), eb("last_accepted_step", "<", step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteTwoFactor(db: DbExecutor, personId: string): Promise<void> {
  await db.deleteFrom("recovery_codes").where("person_id", "=", personId).execute();
  await db.deleteFrom("sign_in_challenges").where("person_id", "=", personId).execute();
  await db.deleteFrom("two_factor_credentials").where("person_id", "=", personId).execute();
}

export async function replaceRecoveryCodes(
  db: DbExecutor,
  personId: string,
  codeHashes: string[],
  at: string,
): Promise<void> {
  await db.deleteFrom("recovery_codes").where("person_id", "=", personId).execute();
  await db
    .insertInto("recovery_codes")
    .values(
      codeHashes.map((code_hash) => ({ code_hash, person_id: personId, created_at: at, used_at: null })),
    )
    .execute();
}

export async function countUnusedRecoveryCodes(db: DbExecutor, personId: string): Promise<number> {
  const row = await db
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<string | number>().as("unused"))
    .where("person_id", "=", personId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(row?.unused ?? 0);
}

/** Marks one of the person's unused codes used; false when there is no such unused code. */
export async function spendRecoveryCode(
  db: DbExecutor,
  personId: string,
  codeHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable("recovery_codes")
    .set({ used_at: at })
    .where("code_hash", "=", codeHash)
    .where("person_id", "=", personId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertSignInChallenge(db: DbExecutor, row: SignInChallengeRow): Promise<void> {
  await db.insertInto("sign_in_challenges").values(row).execute();
}

export async function findSignInChallenge(
  db: DbExecutor,
  idHash: string,
): Promise<SignInChallengeRow | undefined> {
  return db.selectFrom("sign_in_challenges").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
}

export async function deleteExpiredSignInChallenges(
  db: DbExecutor,
  personId: string,
  now: string,
): Promise<void> {
  await db
    .deleteFrom("sign_in_challenges")
    .where("person_id", "=", personId)
    .where("expires_at", "<=", now)
    .execute();
}

/** Counts one wrong code in one statement; returns the failures now on the challenge. */
/** A person's pending second-factor steps: a password accepted before a deactivation goes no further. */
export async function deleteSignInChallengesOf(db: DbExecutor, personId: string): Promise<void> {
  await db.deleteFrom("sign_in_challenges").where("person_id", "=", personId).execute();
}

export async function recordChallengeFailure(db: DbExecutor, idHash: string): Promise<number> {
  const row = await db
    .updateTable("sign_in_challenges")
    .set({ failures: sql<number>`failures + 1` })
    .where("id_hash", "=", idHash)
    .returning("failures")
    .executeTakeFirst();
  return row?.failures ?? Number.POSITIVE_INFINITY;
}

/** Deleting is how a challenge is spent: false when another request spent it first. */
export async function deleteSignInChallenge(db: DbExecutor, idHash: string): Promise<boolean> {
  const result = await db.deleteFrom("sign_in_challenges").where("id_hash", "=", idHash).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findSecuritySettings(db: DbExecutor): Promise<SecuritySettingsRow> {
  return db
    .selectFrom("security_settings")
    .selectAll()
    .where("id", "=", settingsId)
    .executeTakeFirstOrThrow();
}

export async function updateSecuritySettings(db: DbExecutor, row: SecuritySettingsRow): Promise<void> {
  const { id, ...changes } = row;
  await db.updateTable("security_settings").set(changes).where("id", "=", id).execute();
}

/**
 * What a signed-in person's session needs on every request: the requirement in force and whether
 * they have a confirmed second factor. One query, since it runs per request.
 */
export async function findTwoFactorStanding(
  db: DbExecutor,
  personId: string,
): Promise<{ requirement: string; enrolled: boolean }> {
  const row = await db
    .selectFrom("security_settings")
    .leftJoin("two_factor_credentials", (join) =>
      join
        .on("two_factor_credentials.person_id", "=", personId)
        .on("two_factor_credentials.confirmed_at", "is not", null),
    )
    .select(["security_settings.require_two_factor_for", "two_factor_credentials.person_id"])
    .where("security_settings.id", "=", settingsId)
    .executeTakeFirstOrThrow();
  return { requirement: row.require_two_factor_for, enrolled: row.person_id !== null };
}

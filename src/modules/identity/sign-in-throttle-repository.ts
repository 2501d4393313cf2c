import { sql } from "kysely";
import type { DbExecutor } from "../../db/database.js";
import type { ThrottleKey } from "./sign-in-throttle.js";

/** The lockouts still running among `keys`, as ISO instants. */
export async function activeLockouts(
  db: DbExecutor,
  keys: readonly string[],
  now: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("sign_in_throttles")
    .select("locked_until")
    .where("key", "in", keys)
    .where("locked_until", ">", now)
    .execute();
  return rows.flatMap((row) => (row.locked_until ? [row.locked_until] : []));
}

/**
 * Counts one failure in one statement, so concurrent failures on several processes all count: a
 * window that has run out starts again at one, and the failure that reaches the limit sets the
 * lockout. ISO instants in UTC compare correctly as text on both dialects. True when this failure
 * is the one that started a lockout: the upsert serializes on the row, so exactly one failure per
 * lockout reaches the limit exactly.
 */
export async function recordFailure(
  db: DbExecutor,
  { key, limit }: ThrottleKey,
  now: Date,
): Promise<boolean> {
  const at = now.toISOString();
  const windowCutoff = new Date(now.getTime() - limit.windowMs).toISOString();
  const lockedUntil = new Date(now.getTime() + limit.lockoutMs).toISOString();
  const expired = sql`sign_in_throttles.window_started_at <= ${windowCutoff}`;
  const row = await db
    .insertInto("sign_in_throttles")
    .values({ key, failures: 1, window_started_at: at, locked_until: null })
    .onConflict((conflict) =>
      conflict.column("key").doUpdateSet({
        failures: sql<number>`case when ${expired} then 1 else sign_in_throttles.failures + 1 end`,
        window_started_at: sql<string>`case when ${expired} then ${at} else sign_in_throttles.window_started_at end`,
        locked_until: sql<string | null>`case
          when ${expired} then null
          when sign_in_throttles.failures + 1 >= ${limit.maxFailures} then ${lockedUntil}
          else sign_in_throttles.locked_until end`,
      }),
    )
    .returning(["failures", "locked_until"])
    .executeTakeFirst();
  return Number(row?.failures) === limit.maxFailures && row?.locked_until != null;
}

/** A successful sign-in forgives its account's failures (not its address's). */
export async function clearFailures(db: DbExecutor, key: string): Promise<void> {
  await db.deleteFrom("sign_in_throttles").where("key", "=", key).execute();
}

import type { Db } from "../../src/db/database.js";
import type { Clock } from "../../src/shared/clock.js";
import { newId } from "../../src/shared/ids.js";

/**
 * Queues every job of `kind` once more, as a worker would find it after crashing before its
 * commit: the tests that use it show that running a job twice does its work once. Returns how many.
 */
export async function requeueJobs(
  desk: { database: { db: Db }; clock: Clock },
  kind: string,
): Promise<number> {
  const { db } = desk.database;
  const jobs = await db.selectFrom("jobs").selectAll().where("kind", "=", kind).execute();
  const now = desk.clock.now().toISOString();
  for (const job of jobs)
    await db
      .insertInto("jobs")
      .values({
        ...job,
        id: newId(),
        status: "queued",
        run_at: now,
        locked_by: null,
        locked_until: null,
        finished_at: null,
        last_error: null,
        attempts: 0,
        created_at: now,
      })
      .execute();
  return jobs.length;
}

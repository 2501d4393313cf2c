import type { DbExecutor } from "../../db/database.js";
import type { OncallFeedTokensTable, OncallOverridesTable, OncallSchedulesTable } from "../../db/tables.js";

export type ScheduleRow = OncallSchedulesTable;
export type OverrideRow = OncallOverridesTable;
export type FeedTokenRow = OncallFeedTokensTable;

export async function listScheduleRows(db: DbExecutor): Promise<ScheduleRow[]> {
  return db.selectFrom("oncall_schedules").selectAll().orderBy("name").orderBy("id").execute();
}

export async function findScheduleById(db: DbExecutor, id: string): Promise<ScheduleRow | undefined> {
  return db.selectFrom("oncall_schedules").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findScheduleByName(db: DbExecutor, name: string): Promise<ScheduleRow | undefined> {
  return db.selectFrom("oncall_schedules").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function insertSchedule(db: DbExecutor, row: ScheduleRow): Promise<void> {
  await db.insertInto("oncall_schedules").values(row).execute();
}

/** A conditional update on the version the caller read: false when someone changed it since. */
export async function updateScheduleRow(
  db: DbExecutor,
  row: ScheduleRow,
  readVersion: number,
): Promise<boolean> {
  const { id, ...changes } = row;
  const result = await db
    .updateTable("oncall_schedules")
    .set(changes)
    .where("id", "=", id)
    .where("version", "=", readVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteScheduleRow(db: DbExecutor, id: string): Promise<boolean> {
  const result = await db.deleteFrom("oncall_schedules").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** The schedules that announce handoffs: those with a chat webhook. */
export async function listAnnouncingSchedules(db: DbExecutor): Promise<ScheduleRow[]> {
  return db.selectFrom("oncall_schedules").selectAll().where("chat_webhook_url", "is not", null).execute();
}

/**
 * Moves the announced person from what this process read to `personId`: a compare-and-set, so
 * with several schedulers exactly one announces each handoff.
 */
export async function claimAnnouncement(
  db: DbExecutor,
  scheduleId: string,
  read: { personId: string | null; at: string | null },
  next: { personId: string | null; at: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable("oncall_schedules")
    .set({ last_announced_person_id: next.personId, last_announced_at: next.at })
    .where("id", "=", scheduleId)
    .where((eb) =>
      read.personId === null
        ? eb("last_announced_person_id", "is", null)
        : eb("last_announced_person_id", "=", read.personId),
    )
    .where((eb) =>
      read.at === null ? eb("last_announced_at", "is", null) : eb("last_announced_at", "=", read.at),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** In creation order: the rotation maths lets a later override win where two overlap. */
export async function listOverrideRows(db: DbExecutor, scheduleId: string): Promise<OverrideRow[]> {
  return db
    .selectFrom("oncall_overrides")
    .selectAll()
    .where("schedule_id", "=", scheduleId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

export async function findOverrideById(
  db: DbExecutor,
  scheduleId: string,
  id: string,
): Promise<OverrideRow | undefined> {
  return db
    .selectFrom("oncall_overrides")
    .selectAll()
    .where("schedule_id", "=", scheduleId)
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function listSwapRows(db: DbExecutor, swapId: string): Promise<OverrideRow[]> {
  return db.selectFrom("oncall_overrides").selectAll().where("swap_id", "=", swapId).orderBy("id").execute();
}

export async function insertOverrides(db: DbExecutor, rows: OverrideRow[]): Promise<void> {
  await db.insertInto("oncall_overrides").values(rows).execute();
}

export async function deleteOverrideRows(db: DbExecutor, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom("oncall_overrides").where("id", "in", ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function insertFeedToken(db: DbExecutor, row: FeedTokenRow): Promise<void> {
  await db.insertInto("oncall_feed_tokens").values(row).execute();
}

export async function findFeedTokenById(db: DbExecutor, id: string): Promise<FeedTokenRow | undefined> {
  return db.selectFrom("oncall_feed_tokens").selectAll().where("id", "=", id).executeTakeFirst();
}

/** By the hash of the URL's secret, live ones only. */
export async function findLiveFeedTokenByHash(
  db: DbExecutor,
  tokenHash: string,
): Promise<FeedTokenRow | undefined> {
  return db
    .selectFrom("oncall_feed_tokens")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function listLiveFeedTokens(db: DbExecutor, createdBy: string | null): Promise<FeedTokenRow[]> {
  let query = db.selectFrom("oncall_feed_tokens").selectAll().where("revoked_at", "is", null);
  if (createdBy !== null) query = query.where("created_by", "=", createdBy);
  return query.orderBy("created_at").orderBy("id").execute();
}

export async function revokeFeedToken(db: DbExecutor, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("oncall_feed_tokens")
    .set({ revoked_at: at })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Overrides and swap halves that put the person on call at or after `from`: duties still ahead. */
export async function overridesHeldFrom(
  db: DbExecutor,
  personId: string,
  from: string,
): Promise<OverrideRow[]> {
  return db
    .selectFrom("oncall_overrides")
    .selectAll()
    .where("person_id", "=", personId)
    .where("end_at", ">", from)
    .orderBy("start_at")
    .orderBy("id")
    .execute();
}

/** Calendar feeds the person made, or that follow their shifts, revoked or not: each is their secret URL. */
export async function feedTokenIdsOf(db: DbExecutor, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("oncall_feed_tokens")
    .select("id")
    .where((eb) => eb.or([eb("created_by", "=", personId), eb("person_id", "=", personId)]))
    .execute();
  return rows.map((row) => row.id);
}

export async function deleteFeedTokens(db: DbExecutor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom("oncall_feed_tokens").where("id", "in", ids).execute();
}

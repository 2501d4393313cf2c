import type { DbExecutor } from "../../db/database.js";
import type { BusinessCalendarsTable } from "../../db/tables.js";
import type { CalendarDefinitionInput } from "./sla-schemas.js";

/** A stored business calendar, its JSON definition decoded. */
export type CalendarRow = Omit<BusinessCalendarsTable, "definition"> & {
  definition: CalendarDefinitionInput;
};

function decode(row: BusinessCalendarsTable): CalendarRow {
  return { ...row, definition: JSON.parse(row.definition) as CalendarDefinitionInput };
}

function encode(row: CalendarRow): BusinessCalendarsTable {
  return { ...row, definition: JSON.stringify(row.definition) };
}

export async function insertCalendar(db: DbExecutor, row: CalendarRow): Promise<void> {
  await db.insertInto("business_calendars").values(encode(row)).execute();
}

export async function updateCalendarRow(db: DbExecutor, row: CalendarRow): Promise<void> {
  const { id, ...changes } = encode(row);
  await db.updateTable("business_calendars").set(changes).where("id", "=", id).execute();
}

export async function deleteCalendarRow(db: DbExecutor, id: string): Promise<void> {
  await db.deleteFrom("business_calendars").where("id", "=", id).execute();
}

export async function findCalendarById(db: DbExecutor, id: string): Promise<CalendarRow | undefined> {
  const row = await db.selectFrom("business_calendars").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? decode(row) : undefined;
}

export async function findCalendarByName(db: DbExecutor, name: string): Promise<CalendarRow | undefined> {
  const row = await db
    .selectFrom("business_calendars")
    .selectAll()
    .where("name", "=", name)
    .executeTakeFirst();
  return row ? decode(row) : undefined;
}

export async function findCalendarsByIds(db: DbExecutor, ids: readonly string[]): Promise<CalendarRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("business_calendars")
    .selectAll()
    .where("id", "in", [...ids])
    .execute();
  return rows.map(decode);
}

/** Which of `ids` name a stored calendar. */
export async function existingCalendarIds(db: DbExecutor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("business_calendars")
    .select("id")
    .where("id", "in", [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}

export async function listCalendarRows(db: DbExecutor): Promise<CalendarRow[]> {
  const rows = await db.selectFrom("business_calendars").selectAll().orderBy("name").orderBy("id").execute();
  return rows.map(decode);
}

export async function calendarNameTaken(
  db: DbExecutor,
  name: string,
  exceptId: string | null,
): Promise<boolean> {
  let query = db.selectFrom("business_calendars").select("id").where("name", "=", name);
  if (exceptId) query = query.where("id", "!=", exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function countCalendars(db: DbExecutor): Promise<number> {
  const row = await db
    .selectFrom("business_calendars")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

import { ConflictError, NotFoundError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { recordAudit } from "../audit/record-audit.js";
import { BusinessCalendar, NoOpenTimeError } from "../calendar/index.js";
import { requireAdmin, requireStaff } from "../identity/identity-policy.js";
import {
  type CalendarRow,
  calendarNameTaken,
  deleteCalendarRow,
  findCalendarById,
  insertCalendar,
  listCalendarRows,
  updateCalendarRow,
} from "./calendar-repository.js";
import { calendarUsers } from "./policy-repository.js";
import type { CalendarDefinitionInput } from "./sla-schemas.js";

export interface CalendarInput {
  name: string;
  definition: CalendarDefinitionInput;
}

export interface CalendarView {
  id: string;
  name: string;
  definition: CalendarDefinitionInput;
  createdAt: string;
  updatedAt: string;
}

export function presentCalendar(row: CalendarRow): CalendarView {
  return {
    id: row.id,
    name: row.name,
    definition: row.definition,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Checks a definition by building the calendar, re-homing the calendar module's field names under
 * `/definition` as pointers ("weekly.mon[1]" → "/definition/weekly/mon/1"). A calendar that never opens
 * is refused too: every target counted on it would never fall due.
 */
export function checkCalendarDefinition(
  definition: CalendarDefinitionInput,
  now: Date,
  field = "/definition",
): BusinessCalendar {
  try {
    const calendar = new BusinessCalendar(definition);
    calendar.nextOpen(now);
    return calendar;
  } catch (error) {
    if (error instanceof NoOpenTimeError) {
      throw ValidationError.field(field, "the calendar has no open time within the next two years");
    }
    if (error instanceof ValidationError) {
      throw new ValidationError(
        error.problems.map((problem) => ({
          field: pointerUnder(field, problem.field),
          message: problem.message,
        })),
      );
    }
    throw error;
  }
}

function pointerUnder(prefix: string, calendarField: string): string {
  if (calendarField === "calendar") return prefix;
  return `${prefix}/${calendarField
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .join("/")}`;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === "") throw ValidationError.field("/name", "must not be empty");
  return trimmed;
}

async function assertNameFree(ctx: Context, name: string, exceptId: string | null): Promise<void> {
  if (await calendarNameTaken(ctx.db, name, exceptId)) {
    throw new ConflictError(`A calendar named "${name}" already exists.`);
  }
}

export async function listCalendars({ ctx }: { ctx: Context }): Promise<CalendarView[]> {
  requireStaff(ctx.actor);
  return (await listCalendarRows(ctx.db)).map(presentCalendar);
}

export async function getCalendar({ ctx, id }: { ctx: Context; id: string }): Promise<CalendarView> {
  requireStaff(ctx.actor);
  const row = await findCalendarById(ctx.db, id);
  if (!row) throw new NotFoundError(`No calendar ${id}.`);
  return presentCalendar(row);
}

export async function createCalendar({
  ctx,
  input,
}: {
  ctx: Context;
  input: CalendarInput;
}): Promise<CalendarView> {
  requireAdmin(ctx.actor);
  const name = checkName(input.name);
  checkCalendarDefinition(input.definition, ctx.clock.now());
  return inTransaction(ctx, async (tx) => {
    await assertNameFree(tx, name, null);
    const now = tx.clock.now().toISOString();
    const row: CalendarRow = {
      id: newId(),
      name,
      definition: input.definition,
      created_at: now,
      updated_at: now,
    };
    await insertCalendar(tx.db, row);
    await recordAudit(tx, {
      action: "calendar.created",
      targetType: "calendar",
      targetId: row.id,
      after: row,
    });
    tx.logger.info({ calendarId: row.id }, "business calendar created");
    return presentCalendar(row);
  });
}

export async function updateCalendar({
  ctx,
  id,
  input,
}: {
  ctx: Context;
  id: string;
  input: Partial<CalendarInput>;
}): Promise<CalendarView> {
  requireAdmin(ctx.actor);
  const name = input.name === undefined ? undefined : checkName(input.name);
  if (input.definition !== undefined) checkCalendarDefinition(input.definition, ctx.clock.now());
  return inTransaction(ctx, async (tx) => {
    const existing = await findCalendarById(tx.db, id);
    if (!existing) throw new NotFoundError(`No calendar ${id}.`);
    if (name !== undefined) await assertNameFree(tx, name, id);
    // Built calendars are cached by id and updated_at, so every change must move updated_at, even
    // two edits within one millisecond (or under a stopped test clock).
    const updatedAt = Math.max(tx.clock.now().getTime(), Date.parse(existing.updated_at) + 1);
    const row: CalendarRow = {
      ...existing,
      name: name ?? existing.name,
      definition: input.definition ?? existing.definition,
      updated_at: new Date(updatedAt).toISOString(),
    };
    await updateCalendarRow(tx.db, row);
    await recordAudit(tx, {
      action: "calendar.updated",
      targetType: "calendar",
      targetId: id,
      before: existing,
      after: row,
    });
    tx.logger.info({ calendarId: id }, "business calendar updated");
    return presentCalendar(row);
  });
}

/** Deletes a calendar no policy or customer exception counts on. */
export async function deleteCalendar({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireAdmin(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const existing = await findCalendarById(tx.db, id);
    if (!existing) throw new NotFoundError(`No calendar ${id}.`);
    const { policyNames, exceptionCount } = await calendarUsers(tx.db, id);
    if (policyNames.length > 0 || exceptionCount > 0) {
      const users = [
        ...(policyNames.length > 0 ? [`policies ${policyNames.map((n) => `"${n}"`).join(", ")}`] : []),
        ...(exceptionCount > 0 ? [`${exceptionCount} customer exception(s)`] : []),
      ];
      throw new ConflictError(`Calendar "${existing.name}" is in use by ${users.join(" and ")}.`);
    }
    await deleteCalendarRow(tx.db, id);
    await recordAudit(tx, {
      action: "calendar.deleted",
      targetType: "calendar",
      targetId: id,
      before: existing,
    });
    tx.logger.info({ calendarId: id }, "business calendar deleted");
  });
}

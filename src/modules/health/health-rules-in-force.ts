import type { DbExecutor } from "../../db/database.js";
import type { BusinessCalendar } from "../calendar/index.js";
import { findCalendarById } from "../sla/calendar-repository.js";
import { builtCalendar } from "../sla/resolve-targets.js";
import { findSettingsRow, type HealthSettingsRow } from "./health-repository.js";
import { type EndOfDay, parseEndOfDay } from "./health-rules.js";

/** The settings as the rules use them: the support calendar built (and cached), the end of day parsed. */
export interface HealthRulesInForce {
  settings: HealthSettingsRow;
  /** Null without a support calendar: the timed rules are inert and nothing is acknowledged automatically. */
  calendar: BusinessCalendar | null;
  calendarName: string | null;
  endOfDay: EndOfDay;
}

export async function loadHealthRules(db: DbExecutor): Promise<HealthRulesInForce> {
  const settings = await findSettingsRow(db);
  const { calendar, calendarName } = await loadSupportCalendar(db, settings.calendar_id);
  return {
    settings,
    calendar,
    calendarName,
    // Settings are checked when written; "close" is the objective's own definition if one slipped by.
    endOfDay: parseEndOfDay(settings.unacknowledged_deadline) ?? { kind: "close" },
  };
}

/** The support calendar by id, built; null for none (or one deleted since). */
export async function loadSupportCalendar(
  db: DbExecutor,
  calendarId: string | null,
): Promise<{ calendar: BusinessCalendar | null; calendarName: string | null }> {
  const row = calendarId ? await findCalendarById(db, calendarId) : undefined;
  return { calendar: row ? builtCalendar(row) : null, calendarName: row?.name ?? null };
}

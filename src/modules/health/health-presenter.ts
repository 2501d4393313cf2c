import type { HealthFlagRow, HealthSettingsRow } from "./health-repository.js";
import { type HealthFlagKind, healthFlagLabels } from "./health-rules.js";
import type { HealthSettings } from "./health-settings.js";
import type { SavedReplyRow } from "./saved-reply-repository.js";

/** Rows → the API's shapes. */

export interface HealthSettingsView extends HealthSettings {
  updatedAt: string;
}

export function presentSettings(row: HealthSettingsRow): HealthSettingsView {
  return {
    calendarId: row.calendar_id,
    unacknowledgedEndOfDay: {
      enabled: row.unacknowledged_enabled === 1,
      deadline: row.unacknowledged_deadline,
    },
    openOverADay: { enabled: row.open_idle_enabled === 1, idleBusinessMs: row.open_idle_business_ms },
    closedHoursAcknowledgement: {
      enabled: row.closed_ack_enabled === 1,
      template: row.closed_ack_template,
      authorId: row.closed_ack_author_id,
    },
    updatedAt: row.updated_at,
  };
}

export interface HealthFlagView {
  id: string;
  flag: HealthFlagKind;
  /** In words: "unacknowledged at end of day", "open over a day". */
  label: string;
  /** When the condition started: the arrival, or the start of the silence. */
  since: string;
  /** The deadline the ticket missed. */
  dueAt: string;
  raisedAt: string;
  /** When the condition ended (the acknowledgement, the agent update); null while the flag is up. */
  clearedAt: string | null;
  active: boolean;
}

export function presentFlag(row: HealthFlagRow): HealthFlagView {
  const flag = row.flag as HealthFlagKind;
  return {
    id: row.id,
    flag,
    label: healthFlagLabels[flag],
    since: row.since,
    dueAt: row.due_at,
    raisedAt: row.raised_at,
    clearedAt: row.cleared_at,
    active: row.cleared_at === null,
  };
}

export interface SavedReplyView {
  id: string;
  name: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export function presentSavedReply(row: SavedReplyRow): SavedReplyView {
  return {
    id: row.id,
    name: row.name,
    body: row.body,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

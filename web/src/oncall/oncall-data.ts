import type { FeedView } from "../../../src/modules/oncall/oncall-feeds.js";
import type {
  LayerShiftView,
  OnCallView,
  OverrideView,
  ScheduleView,
  ShiftView,
} from "../../../src/modules/oncall/oncall-presenter.js";
import { everyPage } from "../admin/form-controls.js";
import type { PersonView } from "../api.js";

export type { FeedView, LayerShiftView, OnCallView, OverrideView, ScheduleView, ShiftView };

export const HOUR = 3_600_000;
export const WEEK = 7 * 24 * HOUR;

/** Who may be on call: active agents and admins, by name (the API refuses anyone else). */
export async function activeStaff(): Promise<PersonView[]> {
  const [agents, admins] = await Promise.all([
    everyPage<PersonView>("/people?role=agent&active=true"),
    everyPage<PersonView>("/people?role=admin&active=true"),
  ]);
  return [...agents, ...admins].sort((a, b) => a.name.localeCompare(b.name));
}

/** A range query for the API: `from` and `to` as instants. */
export const range = (from: number, to: number) =>
  `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}`;

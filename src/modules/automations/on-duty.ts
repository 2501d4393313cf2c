import type { DbExecutor } from "../../db/database.js";
import { findSettingsRow } from "../health/health-repository.js";
import { loadSupportCalendar } from "../health/health-rules-in-force.js";
import { listScheduleRows } from "../oncall/oncall-repository.js";
import { loadSchedule } from "../oncall/read-schedules.js";
import { onCallAt } from "../oncall/rotation.js";
import { type DutyRoster, onDutyAgents } from "./assignment-choice.js";

/** Whether the support calendar (the one ticket health uses) is open at `at`; true without one. */
export async function supportCalendarOpenAt(db: DbExecutor, at: Date): Promise<boolean> {
  const { calendar } = await loadSupportCalendar(db, (await findSettingsRow(db)).calendar_id);
  return calendar ? calendar.isOpen(at) : true;
}

/** Of these agents, who is on duty at `at` (the rule is `onDutyAgents`'). */
export async function agentsOnDuty(db: DbExecutor, agentIds: string[], at: Date): Promise<string[]> {
  const rosters: DutyRoster[] = [];
  for (const row of await listScheduleRows(db)) {
    const { layers, compiled } = await loadSchedule(db, row);
    rosters.push({
      participants: new Set(layers.flatMap((layer) => layer.participants)),
      onCallNow: onCallAt(compiled, at.getTime())?.personId ?? null,
    });
  }
  return onDutyAgents(agentIds, rosters, await supportCalendarOpenAt(db, at));
}

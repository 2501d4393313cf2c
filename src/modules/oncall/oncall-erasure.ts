import type { ConflictError } from "../../errors.js";
import type { ErasureContributor } from "../privacy/erasure-contributors.js";
import { type StillCountsOn, stillCountedOnRefusal } from "../privacy/erasure-refusal.js";
import {
  deleteFeedTokens,
  feedTokenIdsOf,
  listScheduleRows,
  type OverrideRow,
  overridesHeldFrom,
  type ScheduleRow,
} from "./oncall-repository.js";
import { storedLayers } from "./read-schedules.js";

/** What still makes a person part of a schedule's coverage, in a support manager's words. */
export type OnCallDuty = "rotation participant" | "support lead" | "override or swap ahead";

export interface ScheduleDuties extends StillCountsOn {
  duties: OnCallDuty[];
}

/** Pure: the schedules that still count on the person, each with why. Past overrides are history. */
export function onCallDutiesOf(
  personId: string,
  schedules: readonly ScheduleRow[],
  overridesAhead: readonly OverrideRow[],
): ScheduleDuties[] {
  const found: ScheduleDuties[] = [];
  for (const schedule of schedules) {
    const duties: OnCallDuty[] = [];
    if (storedLayers(schedule).some((layer) => layer.participants.includes(personId)))
      duties.push("rotation participant");
    if (schedule.support_lead_id === personId) duties.push("support lead");
    if (overridesAhead.some((override) => override.schedule_id === schedule.id))
      duties.push("override or swap ahead");
    if (duties.length > 0) found.push({ id: schedule.id, name: schedule.name, duties });
  }
  return found;
}

export function onCallErasureRefusal(
  personName: string,
  schedules: readonly ScheduleDuties[],
): ConflictError {
  return stillCountedOnRefusal(
    personName,
    {
      standing: "is still on call in",
      noun: ["schedule", "schedules"],
      member: "schedules",
      alsoUndo: "(and delete their overrides and swaps ahead)",
    },
    schedules,
  );
}

/**
 * A person's on-call traces. Erasure is refused (409, naming the schedules) while any schedule still
 * counts on them — a layer participant, the support lead, or an override or swap not yet over —
 * rather than editing the schedule as a side effect: taking someone out of a layer re-deals every
 * later turn among the others (turns go round by index), so tonight's person would change unseen,
 * and leaving their turns as gaps leaves nights uncovered with nobody having decided it. Who covers
 * is a manager's call, made on the schedule (audited, announced); then the erasure goes through.
 * Past overrides and debriefs stay as the desk's record, naming the tombstoned "Erased person".
 * Their calendar feeds go: each is a secret URL made by them or following their shifts.
 */
export const onCallErasure: ErasureContributor = {
  async find(ctx, { person }) {
    const ahead = await overridesHeldFrom(ctx.db, person.id, ctx.clock.now().toISOString());
    const duties = onCallDutiesOf(person.id, await listScheduleRows(ctx.db), ahead);
    if (duties.length > 0) throw onCallErasureRefusal(person.name, duties);
    const feedIds = await feedTokenIdsOf(ctx.db, person.id);
    return {
      counts: { calendarFeeds: feedIds.length },
      erase: () => deleteFeedTokens(ctx.db, feedIds),
    };
  },
};

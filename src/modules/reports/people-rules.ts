import type { Shift } from "../oncall/rotation.js";

const HOUR_MS = 3_600_000;

/**
 * Hours each person was on call within [from, to), from final shifts (layers, restrictions and
 * overrides already applied): a shift running over the period's edges counts only its part inside.
 * Two schedules covering one person at once count twice: each is a duty they carried.
 */
export function onCallHoursPerPerson(
  shifts: readonly Shift[],
  from: number,
  to: number,
): Map<string, number> {
  const milliseconds = new Map<string, number>();
  for (const shift of shifts) {
    if (!shift.onCall) continue;
    const inside = Math.min(shift.end, to) - Math.max(shift.start, from);
    if (inside <= 0) continue;
    milliseconds.set(shift.onCall.personId, (milliseconds.get(shift.onCall.personId) ?? 0) + inside);
  }
  // Two decimals: a 90-minute override shows as 1.5 h, not 1.4999999.
  return new Map(
    [...milliseconds].map(([personId, ms]) => [personId, Math.round((ms / HOUR_MS) * 100) / 100]),
  );
}

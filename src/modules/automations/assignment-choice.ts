/**
 * Who an "assign in group" action picks, among a group's active agents. Pure: the caller reads the
 * members, who is on call, whether the support calendar is open and the open loads.
 */

/** Where an agent stands on the on-call schedules now. */
export interface DutyRoster {
  /** Everyone a schedule's layers rotate through. */
  participants: ReadonlySet<string>;
  /** Who holds the schedule now (a layer or an override); null in a gap. */
  onCallNow: string | null;
}

/**
 * On duty: an agent some on-call schedule rotates through works when on call, in any of them; an
 * agent on no schedule works the desk's hours, so is on duty while the support calendar is open (or
 * always, without one). Someone covering by override is on duty while they hold the schedule.
 */
export function onDutyAgents(
  agentIds: readonly string[],
  rosters: readonly DutyRoster[],
  supportCalendarOpen: boolean,
): string[] {
  return agentIds.filter((id) => {
    if (rosters.some((roster) => roster.onCallNow === id)) return true;
    if (rosters.some((roster) => roster.participants.has(id))) return false;
    return supportCalendarOpen;
  });
}

/**
 * The candidates in rotation order starting after `lastChosen`: the order is the ids' (stable, and
 * the same for every worker), so an agent off duty for a turn keeps their place rather than moving
 * to the back.
 */
function rotationFrom(candidates: readonly string[], lastChosen: string | null): string[] {
  const sorted = [...new Set(candidates)].sort();
  if (lastChosen === null) return sorted;
  const next = sorted.findIndex((id) => id > lastChosen);
  return next < 0 ? sorted : [...sorted.slice(next), ...sorted.slice(0, next)];
}

export function nextRoundRobin(candidates: readonly string[], lastChosen: string | null): string | null {
  return rotationFrom(candidates, lastChosen)[0] ?? null;
}

/** Fewest open and new tickets assigned; a tie goes round-robin, so equal loads still take turns. */
export function leastLoaded(
  candidates: readonly string[],
  openTickets: ReadonlyMap<string, number>,
  lastChosen: string | null,
): string | null {
  let best: string | null = null;
  for (const id of rotationFrom(candidates, lastChosen)) {
    if (best === null || (openTickets.get(id) ?? 0) < (openTickets.get(best) ?? 0)) best = id;
  }
  return best;
}

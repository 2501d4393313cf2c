/** What decides whether a stored clock is still owed, whatever else the row carries. */
export interface ClockOwing {
  state: string;
  due_at: string | null;
  achieved_at: string | null;
}

/**
 * A promise still owed: running, or breached and not met since. A breached one stays owed because
 * the customer is still waiting; its passed due time makes it the most urgent of all.
 */
export function isOwed(clock: ClockOwing): boolean {
  return (
    clock.due_at !== null &&
    (clock.state === "running" || (clock.state === "breached" && clock.achieved_at === null))
  );
}

/** The owed clock due first: the ticket's urgency (`tickets.next_sla_due_at`) and its badge in a queue. */
export function nearestOwedClock<T extends ClockOwing>(clocks: T[]): T | undefined {
  let nearest: T | undefined;
  for (const clock of clocks) {
    if (!isOwed(clock)) continue;
    if (!nearest || (clock.due_at as string) < (nearest.due_at as string)) nearest = clock;
  }
  return nearest;
}

import { getHealthSettings } from "../src/modules/health/manage-health-settings.js";
import { getCalendar, updateCalendar } from "../src/modules/sla/manage-calendars.js";
import type { Context } from "../src/shared/context.js";

/**
 * Closes the desk's support calendar from now for `forMs`, so that every message a customer sends
 * is also acknowledged (a public comment and an outbound mail queued), whatever the hour the bench
 * runs at. Left to the clock, a run in the support team's hours skipped that work and one outside
 * them did it, and the two could not be compared. Closed is the costlier of the two.
 */
export async function closeSupportDuringTheBench(ctx: Context, forMs: number): Promise<void> {
  const { calendarId } = await getHealthSettings({ ctx });
  if (calendarId === null) throw new Error("the desk has no support calendar to close");
  const calendar = await getCalendar({ ctx, id: calendarId });
  const now = ctx.clock.now().getTime();
  const closure: [string, string] = [
    new Date(now - 60_000).toISOString(),
    new Date(now + forMs).toISOString(),
  ];
  await updateCalendar({
    ctx,
    id: calendarId,
    input: {
      definition: { ...calendar.definition, closures: [...(calendar.definition.closures ?? []), closure] },
    },
  });
}

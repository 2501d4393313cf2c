import { ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { periodOf } from "../satisfaction/case-reviews.js";

const defaultPeriodMs = 30 * 24 * 60 * 60 * 1000;
/** A year and a day: a report reads index ranges proportional to its period, so the period is bounded. */
const longestPeriodMs = 366 * 24 * 60 * 60 * 1000;

/**
 * The period a report covers, [from, to): by default the last 30 days up to now, as the CSAT report,
 * so the plain address answers the question people ask first.
 */
export function reportPeriod(
  ctx: Context,
  query: { from?: string | undefined; to?: string | undefined },
): { from: string; to: string } {
  const to = query.to === undefined ? ctx.clock.now() : new Date(query.to);
  if (Number.isNaN(to.getTime())) throw ValidationError.field("to", "not an instant");
  const period = periodOf({
    from: query.from ?? new Date(to.getTime() - defaultPeriodMs).toISOString(),
    to: to.toISOString(),
  });
  if (Date.parse(period.to) - Date.parse(period.from) > longestPeriodMs) {
    throw ValidationError.field("from", "a report covers at most 366 days");
  }
  return period;
}

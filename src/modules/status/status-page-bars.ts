import { type AvailabilityRollup, availabilityOf } from "./availability.js";

/**
 * The public page's 90-day uptime bar (pure): one bar per UTC day, today last, coloured by that day's
 * availability. A day nothing observed is its own colour: "no data" must never read as "up".
 */

export const uptimeBarDays = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Bar colours, best first; `none` is a day with no measurement. */
export const barBuckets = ["full", "high", "mid", "low", "down", "none"] as const;
export type BarBucket = (typeof barBuckets)[number];

export function barBucket(availability: number | null): BarBucket {
  if (availability === null) return "none";
  // The objectives' thresholds: the 99.5% target sits inside "high", 97% and 90% are the incident rules.
  if (availability >= 0.999) return "full";
  if (availability >= 0.99) return "high";
  if (availability >= 0.97) return "mid";
  if (availability >= 0.9) return "low";
  return "down";
}

export interface BarIncident {
  id: string;
  title: string;
  startedAt: string;
  resolvedAt: string | null;
}

export interface UptimeBar {
  /** The UTC day, `2026-11-23`. */
  day: string;
  availability: number | null;
  bucket: BarBucket;
  incidents: { id: string; title: string }[];
}

export interface UptimeBars {
  bars: UptimeBar[];
  /** Good over observed time across the 90 days; null when nothing was observed. */
  uptime: number | null;
}

/** The first instant the bars cover: UTC midnight 89 days before today's. */
export function uptimeWindowStart(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - (uptimeBarDays - 1) * DAY_MS;
}

export function uptimeBars(input: {
  now: number;
  /** Day rollups of the component (several monitors' rows for one day are added up). */
  days: readonly AvailabilityRollup[];
  /** The component's published incidents. */
  incidents: readonly BarIncident[];
}): UptimeBars {
  const start = uptimeWindowStart(input.now);
  const byDay = new Map<number, { observedMs: number; goodMs: number }>();
  for (const day of input.days) {
    if (day.at < start || day.at > input.now) continue;
    const sum = byDay.get(day.at) ?? { observedMs: 0, goodMs: 0 };
    sum.observedMs += day.observedMs;
    sum.goodMs += day.goodMs;
    byDay.set(day.at, sum);
  }
  let observedMs = 0;
  let goodMs = 0;
  const bars: UptimeBar[] = [];
  for (let index = 0; index < uptimeBarDays; index += 1) {
    const dayStart = start + index * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    const totals = byDay.get(dayStart) ?? { observedMs: 0, goodMs: 0 };
    observedMs += totals.observedMs;
    goodMs += totals.goodMs;
    const availability = availabilityOf(totals);
    bars.push({
      day: new Date(dayStart).toISOString().slice(0, 10),
      availability,
      bucket: barBucket(availability),
      incidents: input.incidents
        .filter((incident) => {
          const started = Date.parse(incident.startedAt);
          const resolved =
            incident.resolvedAt === null ? Number.POSITIVE_INFINITY : Date.parse(incident.resolvedAt);
          return started < dayEnd && resolved >= dayStart;
        })
        .map((incident) => ({ id: incident.id, title: incident.title })),
    });
  }
  return { bars, uptime: availabilityOf({ observedMs, goodMs }) };
}

/** "99.95%": two decimals, never rounded up to 100% while anything was down. */
export function formatUptime(availability: number): string {
  const hundredths = Math.floor(availability * 10_000) / 100;
  return `${hundredths.toFixed(2)}%`;
}

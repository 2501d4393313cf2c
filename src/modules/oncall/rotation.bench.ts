import { callsPerSecond } from "../../../bench/stats.js";
import type { BenchFigure } from "../calendar/calendar.bench.js";
import { seededRandom } from "../demo/random.js";
import { compileSchedule, onCallAt, type ScheduleOverride } from "./rotation.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INPUTS = 4096;

/**
 * Issue 7: `who is on call` at 100,000 resolutions a second or more, for a schedule with 3 layers
 * and 50 overrides. The schedule is the teams' own shape: a two-week support rotation, a weekday
 * office-hours layer above it, a weekly follow-the-sun night layer on top, in a zone with daylight
 * saving; instants are spread over a year, so most questions hit a shift not asked about before.
 */
export async function benchOnCall(): Promise<BenchFigure[]> {
  const random = seededRandom(20_261_203);
  const yearStart = Date.parse("2026-01-01T00:00:00Z");
  const people = Array.from({ length: 12 }, (_, i) => `person-${i}`);
  const overrides: ScheduleOverride[] = Array.from({ length: 50 }, (_, i) => {
    const start = yearStart + Math.floor(random.next() * 365 * DAY);
    return {
      id: `override-${i}`,
      personId: random.pick(people),
      start,
      end: start + random.int(1, 72) * HOUR,
    };
  });
  const schedule = compileSchedule({
    timeZone: "America/New_York",
    layers: [
      {
        id: "support",
        participants: people.slice(0, 6),
        rotation: { every: 2, unit: "weeks" },
        startDate: "2025-12-29",
        handoffTime: "09:00",
        handoffWeekday: "mon",
      },
      {
        id: "office",
        participants: people.slice(6, 9),
        rotation: { every: 1, unit: "weeks" },
        startDate: "2025-12-29",
        handoffTime: "09:00",
        handoffWeekday: "mon",
        restriction: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }],
      },
      {
        id: "nights",
        participants: people.slice(9),
        rotation: { every: 1, unit: "weeks" },
        startDate: "2025-12-29",
        handoffTime: "18:00",
        handoffWeekday: "fri",
        restriction: [
          { days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], from: "22:00", to: "06:00" },
        ],
      },
    ],
    overrides,
  });
  const instants = Array.from({ length: INPUTS }, () => yearStart + Math.floor(random.next() * 365 * DAY));
  const mask = INPUTS - 1;
  let checksum = 0;
  const resolutionsPerSecond = callsPerSecond(20_000, (i) => {
    checksum += onCallAt(schedule, instants[i & mask] as number) === null ? 0 : 1;
  });
  // Keeps the optimiser from discarding the calls it is timing.
  if (checksum < 0) throw new Error("unreachable");
  return [
    {
      name: "who is on call, 3 layers and 50 overrides",
      value: Math.round(resolutionsPerSecond),
      unit: "resolutions/s",
    },
  ];
}

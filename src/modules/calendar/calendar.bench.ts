import { callsPerSecond } from "../../../bench/stats.js";
import { seededRandom } from "../demo/random.js";
import { BusinessCalendar } from "./business-calendar.js";
import { minuteSteppingAdd } from "./minute-stepping-reference.js";

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INPUTS = 4096;

/**
 * Calls per second of `add` and `elapsed` on us-pacific-business with US holidays, against the
 * minute-stepping reference on the same inputs. Starts are spread over 2026; amounts go up to 22 working
 * days of 8 hours, the open time in 30 calendar days. The year's blocks are built before timing, since a
 * long-lived calendar pays that once (under a millisecond per 64 days).
 */
export async function benchCalendar(): Promise<BenchFigure[]> {
  const calendar = BusinessCalendar.preset("us-pacific-business", { holidays: ["preset:US"] });
  const random = seededRandom(20_261_123).next;
  const yearStart = Date.parse("2026-01-01T00:00:00Z");
  const starts = Array.from({ length: INPUTS }, () => new Date(yearStart + Math.floor(random() * 365 * DAY)));
  const amounts = Array.from({ length: INPUTS }, () => Math.floor(random() * 22 * 8 * HOUR));
  const ends = starts.map(
    (start, i) => new Date(start.getTime() + Math.floor((amounts[i]! / (8 * HOUR)) * DAY)),
  );
  const mask = INPUTS - 1;

  let checksum = 0;
  const addsPerSecond = callsPerSecond(50_000, (i) => {
    checksum += calendar.add(starts[i & mask]!, amounts[i & mask]!).getTime() & 1;
  });
  const elapsedPerSecond = callsPerSecond(50_000, (i) => {
    checksum += calendar.elapsed(starts[i & mask]!, ends[i & mask]!) & 1;
  });
  const referencePerSecond = callsPerSecond(5, (i) => {
    checksum += minuteSteppingAdd(calendar, starts[i & mask]!, amounts[i & mask]!).getTime() & 1;
  });
  // Keeps the optimiser from discarding the calls it is timing.
  if (checksum < 0) throw new Error("unreachable");

  return [
    { name: "calendar add", value: Math.round(addsPerSecond), unit: "calls/s" },
    { name: "calendar elapsed", value: Math.round(elapsedPerSecond), unit: "calls/s" },
    {
      name: "calendar add, minute-stepping reference",
      value: Math.round(referencePerSecond),
      unit: "calls/s",
    },
    {
      name: "calendar add speed-up over minute stepping",
      value: Math.round(addsPerSecond / referencePerSecond),
      unit: "x",
    },
  ];
}

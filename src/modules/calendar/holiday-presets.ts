import Holidays from "date-holidays";
import { parseIsoDate } from "./zoned-time.js";

/** A public-holiday list from the date-holidays package: "preset:US", "preset:US-CA", "preset:DE-BY-A". */
export interface HolidayPreset {
  /** The spelling found in the definition, kept for messages. */
  readonly name: string;
  readonly country: string;
  readonly state?: string;
  readonly region?: string;
}

const presetPattern = /^preset:([A-Za-z]{2,3})(?:-([A-Za-z0-9]{1,6}))?(?:-([A-Za-z0-9]{1,6}))?$/;

let catalogue: Holidays | undefined;
const holidaysByPreset = new Map<string, Holidays>();
const daysByPresetYear = new Map<string, readonly number[]>();

/** Resolves "preset:CC[-STATE[-REGION]]" against the package's catalogue; undefined when it is unknown. */
export function parseHolidayPreset(spec: string): HolidayPreset | undefined {
  const match = presetPattern.exec(spec);
  if (match === null) return undefined;
  catalogue ??= new Holidays();
  const country = findKey(catalogue.getCountries(), match[1]);
  if (country === undefined) return undefined;
  if (match[2] === undefined) return { name: spec, country };
  const state = findKey(catalogue.getStates(country), match[2]);
  if (state === undefined) return undefined;
  if (match[3] === undefined) return { name: spec, country, state };
  const region = findKey(catalogue.getRegions(country, state), match[3]);
  if (region === undefined) return undefined;
  return { name: spec, country, state, region };
}

/**
 * Day numbers of the preset's public holidays listed for `year`. Only type "public": bank, school and
 * observance days (Halloween, Valentine's Day) do not close a help desk. A public holiday closes its whole
 * date even where the package gives it a start time. Memoised per preset and year, since building a year
 * costs milliseconds.
 */
export function publicHolidayDays(preset: HolidayPreset, year: number): readonly number[] {
  const key = `${presetKey(preset)}:${year}`;
  let days = daysByPresetYear.get(key);
  if (days === undefined) {
    const holidays = holidaysFor(preset);
    days = holidays
      .getHolidays(year)
      .filter((holiday) => holiday.type === "public")
      .map((holiday) => parseIsoDate(holiday.date.slice(0, 10)))
      .filter((day): day is number => day !== undefined);
    daysByPresetYear.set(key, days);
  }
  return days;
}

function holidaysFor(preset: HolidayPreset): Holidays {
  const key = presetKey(preset);
  let holidays = holidaysByPreset.get(key);
  if (holidays === undefined) {
    const { country, state, region } = preset;
    holidays = new Holidays({ country, state, region }, { types: ["public"] });
    holidaysByPreset.set(key, holidays);
  }
  return holidays;
}

function presetKey(preset: HolidayPreset): string {
  return [preset.country, preset.state ?? "", preset.region ?? ""].join("-");
}

function findKey(
  options: Record<string, string> | undefined,
  wanted: string | undefined,
): string | undefined {
  if (options === undefined || wanted === undefined) return undefined;
  const upper = wanted.toUpperCase();
  return Object.keys(options).find((key) => key.toUpperCase() === upper);
}

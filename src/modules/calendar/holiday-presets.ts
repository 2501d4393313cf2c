import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseIsoDate } from "./zoned-time.js";

/** date-holidays' rule engine without its data; the part of its API Tend uses. */
interface Holidays {
  /** `date` is "YYYY-MM-DD hh:mm:ss" in the country's zone. */
  getHolidays(year: number): { date: string; type: string }[];
}
type HolidaysConstructor = new (
  data: object,
  country: { country: string; state?: string | undefined; region?: string | undefined },
  options: { types: string[] },
) => Holidays;

const require = createRequire(import.meta.url);
// Its types are an ambient declaration its package.json does not name, which NodeNext resolution
// cannot reach; the engine is small and its CommonJS build exports the class as `default`.
const { default: HolidaysEngine } = require("date-holidays-parser") as { default: HolidaysConstructor };

/** A public-holiday list from the date-holidays package: "preset:US", "preset:US-CA", "preset:DE-BY-A". */
export interface HolidayPreset {
  /** The spelling found in the definition, kept for messages. */
  readonly name: string;
  readonly country: string;
  readonly state?: string;
  readonly region?: string;
}

const presetPattern = /^preset:([A-Za-z]{2,3})(?:-([A-Za-z0-9]{1,6}))?(?:-([A-Za-z0-9]{1,6}))?$/;

/** date-holidays' rules for every country: 0.8 MB of JSON, 9 MB once parsed. */
interface HolidayData {
  holidays: Record<string, CountryRules>;
  [other: string]: unknown;
}
interface CountryRules {
  states?: Record<string, { regions?: Record<string, unknown> }>;
  [rule: string]: unknown;
}

/** Country → state → regions: the codes a preset may name, all a process keeps of the catalogue. */
let catalogue: Map<string, Map<string, string[]>> | undefined;
/** A country's rules cut from the package's data (a few kilobytes), kept once read. */
const rulesByCountry = new Map<string, HolidayData>();
const holidaysByPreset = new Map<string, Holidays>();
const daysByPresetYear = new Map<string, readonly number[]>();

/**
 * Read anew whenever a country's rules are first needed, and let go: holding every country's rules for
 * the process's life (as `import "date-holidays"` does) was a sixth of an idle server's memory, for the
 * one or two countries its calendars name.
 */
function readHolidayData(): HolidayData {
  const packageJson = require.resolve("date-holidays/package.json");
  return JSON.parse(readFileSync(path.join(path.dirname(packageJson), "data", "holidays.json"), "utf8"));
}

function catalogueOf(data: HolidayData): Map<string, Map<string, string[]>> {
  return new Map(
    Object.entries(data.holidays).map(([country, rules]) => [
      country,
      new Map(
        Object.entries(rules.states ?? {}).map(([state, { regions }]) => [state, Object.keys(regions ?? {})]),
      ),
    ]),
  );
}

/** The package's data cut down to one country and the countries its rules borrow days from (`_days`). */
function dataForCountry(data: HolidayData, country: string): HolidayData {
  const needed = new Set([country]);
  const borrowed = (value: unknown): void => {
    if (value === null || typeof value !== "object") return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "_days") {
        const from = Array.isArray(inner) ? inner[0] : inner;
        if (typeof from === "string" && !needed.has(from)) {
          needed.add(from);
          borrowed(data.holidays[from]);
        }
      } else borrowed(inner);
    }
  };
  borrowed(data.holidays[country]);
  return {
    ...data,
    holidays: Object.fromEntries(
      [...needed].flatMap((code) => (data.holidays[code] ? [[code, data.holidays[code]]] : [])),
    ),
  };
}

/** Resolves "preset:CC[-STATE[-REGION]]" against the package's catalogue; undefined when it is unknown. */
export function parseHolidayPreset(spec: string): HolidayPreset | undefined {
  const match = presetPattern.exec(spec);
  if (match === null) return undefined;
  if (catalogue === undefined) {
    const data = readHolidayData();
    catalogue = catalogueOf(data);
    // The first preset named is about to be used: its country's rules are cut from this read, since
    // each read parses 0.8 MB of JSON into 9 MB of short-lived objects.
    const named = findKey([...catalogue.keys()], match[1]);
    if (named !== undefined) rulesOf(named, data);
  }
  const country = findKey([...catalogue.keys()], match[1]);
  if (country === undefined) return undefined;
  if (match[2] === undefined) return { name: spec, country };
  const states = catalogue.get(country) ?? new Map<string, string[]>();
  const state = findKey([...states.keys()], match[2]);
  if (state === undefined) return undefined;
  if (match[3] === undefined) return { name: spec, country, state };
  const region = findKey(states.get(state) ?? [], match[3]);
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
    // A copy each: the engine is not documented to leave the data it is given as it found it.
    holidays = new HolidaysEngine(
      structuredClone(rulesOf(country)),
      { country, state, region },
      { types: ["public"] },
    );
    holidaysByPreset.set(key, holidays);
  }
  return holidays;
}

function rulesOf(country: string, data?: HolidayData): HolidayData {
  let rules = rulesByCountry.get(country);
  if (rules === undefined) {
    rules = dataForCountry(data ?? readHolidayData(), country);
    rulesByCountry.set(country, rules);
  }
  return rules;
}

function presetKey(preset: HolidayPreset): string {
  return [preset.country, preset.state ?? "", preset.region ?? ""].join("-");
}

function findKey(keys: readonly string[], wanted: string | undefined): string | undefined {
  if (wanted === undefined) return undefined;
  const upper = wanted.toUpperCase();
  return keys.find((key) => key.toUpperCase() === upper);
}

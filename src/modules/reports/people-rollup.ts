import type { DbExecutor } from "../../db/database.js";
import type { CountCell } from "../../shared/grouped-counts.js";
import { systemScope } from "../identity/tenant-scope.js";
import type { CsatCounts } from "../satisfaction/csat-rules.js";
import { countSurveys } from "../satisfaction/satisfaction-repository.js";
import { countFigurePerOwner, type Period } from "./flow-repository.js";
import { countStaffReplies } from "./people-repository.js";
import { dayUnit, planRollupRead, unitKeyOf, unitStartOf } from "./rollup-periods.js";
import { peopleDailyCells, replacePeopleDailyCells, staleKeysWithin } from "./rollup-repository.js";
import { countSettled } from "./sla-report-repository.js";
import type { SettledCounts } from "./sla-report-rules.js";

/**
 * The People report's rollup: per UTC day, each of its four sources counted per owner as its own query
 * counts them — solves and public replies per agent, group and channel (the filters People offers),
 * CSAT per agent and group at the solve, SLA attainment per agent, group and metric now. The CSAT
 * report by agent or group and the overview's CSAT and attainment add up the same cells. A quarter
 * reads 90 short rows per source instead of every solve, reply, survey and settled clock in it. Days a
 * write touched since the last refresh, and the period's ragged ends, are counted live.
 */

const peopleSources = ["solved", "replies", "csat", "sla"] as const;
type PeopleSource = (typeof peopleSources)[number];
type Cell = CountCell<Record<string, number>>;

/** What each source counts per cell. */
interface SourceCounts {
  solved: { count: number };
  replies: { count: number };
  csat: CsatCounts;
  sla: SettledCounts;
}

async function countLive(db: DbExecutor, source: PeopleSource, period: Period): Promise<Cell[]> {
  const scope = systemScope("reports: the People rollup counts every ticket");
  switch (source) {
    case "solved":
      return countFigurePerOwner(db, scope, "solved", period, {});
    case "replies":
      return countStaffReplies(db, scope, period, {});
    case "csat":
      return asCells(await countSurveys(db, period, ["agent", "group"]));
    case "sla":
      // Per metric too: the overview's attainment per metric reads the same cells.
      return asCells(await countSettled(db, period, ["agent", "group", "metric"]));
  }
}

// The sources' counts are interfaces of numbers; the rollup stores and sums them by name.
const asCells = <Counts extends object>(cells: CountCell<Counts>[]) => cells as unknown as Cell[];

/**
 * A day's cells as JSON with each owner's id written once: `keys` names what a cell is grouped by,
 * `ids` the values (an index into it per key, -1 for none), `names` the counts; a cell is
 * [index per key…, count per name…].
 */
function encodeCells(cells: readonly Cell[]): string {
  const keys = [...new Set(cells.flatMap((cell) => Object.keys(cell.by)))].sort();
  const names = [...new Set(cells.flatMap((cell) => Object.keys(cell.counts)))].sort();
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  const idIndex = (value: string | null | undefined) => {
    if (value === null || value === undefined) return -1;
    let index = indexOf.get(value);
    if (index === undefined) {
      index = ids.push(value) - 1;
      indexOf.set(value, index);
    }
    return index;
  };
  const rows = cells.map((cell) => [
    ...keys.map((key) => idIndex(cell.by[key])),
    ...names.map((name) => cell.counts[name] ?? 0),
  ]);
  return JSON.stringify({ keys, names, ids, cells: rows });
}

/** Recomputes every source's cells for the UTC days [fromDay, toDay]. */
export async function refreshPeopleDailyCells(
  db: DbExecutor,
  range: { fromKey: string; toKey: string; from: string; to: string },
): Promise<void> {
  const rows: { source: string; day: string; cells: string }[] = [];
  for (
    let start = unitStartOf(range.fromKey, dayUnit);
    start < Date.parse(range.to);
    start += dayUnit.lengthMs
  ) {
    const day = { from: new Date(start).toISOString(), to: new Date(start + dayUnit.lengthMs).toISOString() };
    for (const source of peopleSources) {
      const cells = await countLive(db, source, day);
      if (cells.length > 0) rows.push({ source, day: unitKeyOf(start, dayUnit), cells: encodeCells(cells) });
    }
  }
  await replacePeopleDailyCells(db, range.fromKey, range.toKey, rows);
}

/**
 * Cells added up per owners (and channel) as they arrive, encoded or not: a quarter brings ~250,000
 * daily cells that fold into a few hundred, so an encoded cell is added without becoming an object.
 */
class CellSums {
  readonly #sums = new Map<string, Cell>();

  #sumFor(keys: readonly string[], values: readonly (string | null)[], names: readonly string[]): Cell {
    const id = values.join("\u0000");
    let sum = this.#sums.get(id);
    if (!sum) {
      const by = Object.fromEntries(keys.map((key, index) => [key, values[index] ?? null]));
      sum = { by, counts: Object.fromEntries(names.map((name) => [name, 0])) };
      this.#sums.set(id, sum);
    }
    return sum;
  }

  add(cell: Cell): void {
    const keys = Object.keys(cell.by).sort();
    const names = Object.keys(cell.counts);
    const sum = this.#sumFor(
      keys,
      keys.map((key) => cell.by[key] ?? null),
      names,
    );
    for (const name of names) sum.counts[name] = (sum.counts[name] ?? 0) + (cell.counts[name] ?? 0);
  }

  addEncoded(text: string): void {
    const { keys, names, ids, cells } = JSON.parse(text) as {
      keys: string[];
      names: string[];
      ids: string[];
      cells: number[][];
    };
    const values: (string | null)[] = keys.map(() => null);
    for (const cell of cells) {
      for (let index = 0; index < keys.length; index += 1) values[index] = ids[cell[index] ?? -1] ?? null;
      const counts = this.#sumFor(keys, values, names).counts;
      for (let index = 0; index < names.length; index += 1) {
        const name = names[index] as string;
        counts[name] = (counts[name] ?? 0) + (cell[keys.length + index] ?? 0);
      }
    }
  }

  cells(): Cell[] {
    return [...this.#sums.values()];
  }
}

/** A source's cells over the period: from the rollup where it can answer, live elsewhere. */
export async function peopleCells<Source extends PeopleSource>(
  db: DbExecutor,
  source: Source,
  period: Period,
): Promise<CountCell<SourceCounts[Source]>[]> {
  const stale = await staleKeysWithin(
    db,
    "people",
    unitKeyOf(period.from, dayUnit),
    unitKeyOf(period.to, dayUnit),
  );
  const plan = planRollupRead(period, dayUnit, stale);
  const sums = new CellSums();
  if (plan.rolledUp) {
    const { from, to, stale: staleDays } = plan.rolledUp;
    for (const row of await peopleDailyCells(db, source, from, to)) {
      if (!staleDays.has(row.day)) sums.addEncoded(row.cells);
    }
  }
  for (const range of plan.live) for (const cell of await countLive(db, source, range)) sums.add(cell);
  return sums.cells() as unknown as CountCell<SourceCounts[Source]>[];
}

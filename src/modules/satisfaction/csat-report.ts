import { ValidationError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { type CountCell, countsPer, sumCells } from "../../shared/grouped-counts.js";
import { listGroupRows } from "../identity/group-repository.js";
import { requireStaff } from "../identity/identity-policy.js";
import { findPeopleByIds } from "../identity/person-repository.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { peopleCells } from "../reports/people-rollup.js";
import { periodOf } from "./case-reviews.js";
import { type CsatCounts, type CsatFigures, csatFigures } from "./csat-rules.js";
import { type CsatGrouping, countSurveys, organizationNames } from "./satisfaction-repository.js";

const defaultPeriodMs = 30 * 24 * 60 * 60 * 1000;

export interface CsatReportRow extends CsatFigures {
  /** The group's, agent's or organization's id, the plan or the severity; null: none (no group, no agent). */
  key: string | null;
  label: string;
}

export interface CsatReport {
  from: string;
  to: string;
  groupBy: CsatGrouping | null;
  total: CsatFigures;
  rows: CsatReportRow[];
}

/**
 * CSAT score and response rate for surveys of tickets solved in [from, to), in all and per group,
 * agent, organization, plan or severity as they stood at the solve. Reads the surveys' index range.
 */
export async function readCsatReport({
  ctx,
  query,
}: {
  ctx: Context;
  query: { from?: string | undefined; to?: string | undefined; groupBy?: CsatGrouping | undefined };
}): Promise<CsatReport> {
  requireStaff(ctx.actor);
  // Without a period: the last 30 days, so the plain address answers the question people ask first.
  const to = query.to === undefined ? ctx.clock.now() : new Date(query.to);
  if (Number.isNaN(to.getTime())) throw ValidationError.field("to", "not an instant");
  const period = periodOf({
    from: query.from ?? new Date(to.getTime() - defaultPeriodMs).toISOString(),
    to: to.toISOString(),
  });
  const groupBy = query.groupBy ?? null;
  // One scan: the total is the grouped cells summed. In all, per agent or per group, the People
  // report's daily rollup holds the same counts (per agent and group at the solve).
  const cells =
    groupBy === null || groupBy === "agent" || groupBy === "group"
      ? await peopleCells(ctx.db, "csat", period)
      : await countSurveys(ctx.db, period, [groupBy]);
  const [total] = sumCells(cells, []);
  const grouped = groupBy ? [...countsPer(cells, groupBy)] : [];
  const labels = await labelsOf(
    ctx,
    groupBy,
    grouped.map(([key]) => key).filter((key) => key !== null),
  );
  return {
    ...period,
    groupBy,
    total: csatFigures(total?.counts ?? { sent: 0, answered: 0, good: 0, bad: 0 }),
    rows: grouped
      .map(([key, counts]) => ({
        ...csatFigures(counts),
        key,
        label: key === null ? "None" : (labels.get(key) ?? key),
      }))
      .sort((a, b) => a.label.localeCompare(b.label)),
  };
}

/**
 * CSAT per agent and per group (the owners at the solve) from counts grouped by both: what the People
 * report shows beside each person and team.
 */
export function csatPerOwner(cells: readonly CountCell<CsatCounts>[]): {
  agents: Map<string | null, CsatFigures>;
  groups: Map<string | null, CsatFigures>;
} {
  const per = (grouping: "agent" | "group") =>
    new Map([...countsPer(cells, grouping)].map(([key, counts]) => [key, csatFigures(counts)]));
  return { agents: per("agent"), groups: per("group") };
}

async function labelsOf(
  ctx: Context,
  groupBy: CsatGrouping | null,
  keys: string[],
): Promise<Map<string, string>> {
  const scope = tenantScopeOf(ctx.actor);
  switch (groupBy) {
    case "group":
      return new Map((await listGroupRows(ctx.db)).map((group) => [group.id, group.name]));
    case "agent":
      return new Map((await findPeopleByIds(ctx.db, scope, keys)).map((person) => [person.id, person.name]));
    case "organization":
      return organizationNames(ctx.db, scope, keys);
    default:
      return new Map();
  }
}

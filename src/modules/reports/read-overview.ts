import type { Context } from "../../shared/context.js";
import { requireStaff } from "../identity/identity-policy.js";
import { tenantScopeOf } from "../identity/tenant-scope.js";
import { listFrequentQuestions } from "../knowledge/frequent-questions-desk.js";
import { countOpenCaseReviews } from "../satisfaction/case-reviews.js";
import { readCsatReport } from "../satisfaction/csat-report.js";
import { countFigureRolledUp } from "./flow-hourly-counts.js";
import type { OverviewReport } from "./overview-view.js";
import { readFlowBacklog } from "./read-flow-report.js";
import { reportPeriod } from "./report-period.js";
import { readSlaAttainmentSummary } from "./sla-attainment.js";
import { readSlaTimes } from "./sla-times.js";

const weekMs = 7 * 24 * 60 * 60 * 1000;
const questionsShown = 3;

/**
 * The Monday page: CSAT, SLA attainment against 100%, response and resolution times against their
 * goals, what slipped, where the backlog sits, what to review and which article to write next. By
 * default the last seven days. Each figure is read by the report it links to (same filters, same
 * period), from the same indexes and maintained facts, so the overview and the report never disagree.
 */
export async function readOverview({
  ctx,
  query,
}: {
  ctx: Context;
  query: { from?: string | undefined; to?: string | undefined };
}): Promise<OverviewReport> {
  requireStaff(ctx.actor);
  const to = query.to ?? ctx.clock.now().toISOString();
  const period = reportPeriod(ctx, { from: query.from ?? defaultFrom(to), to });
  const scope = tenantScopeOf(ctx.actor);
  const healthFigure = (figure: "unacknowledged" | "idle" | "autoSolved" | "reopened") =>
    countFigureRolledUp(ctx.db, scope, figure, period, {});
  const [csat, sla, times, unacknowledged, idle, autoSolved, reopened, backlog, reviewsOpen, questions] =
    await Promise.all([
      readCsatReport({ ctx, query: period }),
      readSlaAttainmentSummary(ctx, period),
      readSlaTimes(ctx, period),
      healthFigure("unacknowledged"),
      healthFigure("idle"),
      healthFigure("autoSolved"),
      healthFigure("reopened"),
      readFlowBacklog(ctx, {}),
      countOpenCaseReviews(ctx),
      listFrequentQuestions({ ctx }),
    ]);
  return {
    ...period,
    csat: csat.total,
    sla,
    firstResponse: times.rows
      .filter((row) => row.metric === "first_response")
      .sort((a, b) => b.count - a.count),
    resolution: times.resolution,
    health: { unacknowledged, idle, autoSolved, reopened },
    backlog,
    reviewsOpen,
    articlesToWrite: questions.groups
      .filter((group) => group.coverage === "uncovered")
      .sort((a, b) => b.size - a.size)
      .slice(0, questionsShown)
      .map((group) => ({ id: group.id, label: group.label, size: group.size })),
    questionsGroupedAt: questions.run?.createdAt ?? null,
  };
}

function defaultFrom(to: string): string | undefined {
  const end = Date.parse(to);
  // An unreadable `to` is left for the period's own check to name.
  return Number.isNaN(end) ? undefined : new Date(end - weekMs).toISOString();
}

import type { CsatFigures } from "../satisfaction/csat-rules.js";
import type { FlowReport } from "./read-flow-report.js";
import type { SlaAttainmentSummary } from "./sla-attainment.js";
import type { TimesReport, TimesRow } from "./sla-times.js";

/** The overview's answer; kept apart from its reader so the web app's type check need not load the reader's modules. */
export interface OverviewReport {
  from: string;
  to: string;
  csat: CsatFigures;
  sla: SlaAttainmentSummary;
  /** First-response times per policy, most clocks first, and the mean resolution against its goal. */
  firstResponse: TimesRow[];
  resolution: TimesReport["resolution"];
  /** The period's ticket-health figures: what slipped. */
  health: { unacknowledged: number; idle: number; autoSolved: number; reopened: number };
  backlog: FlowReport["backlog"];
  /** Open case reviews: everyone's for an admin, the agent's own otherwise. */
  reviewsOpen: number;
  /** The largest frequent-question groups no article covers yet, from the latest grouping run. */
  articlesToWrite: { id: string; label: string; size: number }[];
  questionsGroupedAt: string | null;
}

import { buildApp } from "../src/http/build-app.js";
import type { Tend } from "../src/main.js";
import type { SeededDesk } from "../src/modules/demo/seed-desk.js";
import { issueApiToken } from "../src/modules/identity/manage-api-tokens.js";
import { refreshReportRollups } from "../src/modules/reports/refresh-report-rollups.js";
import { formatNumber, type RecordFigure } from "./report.js";
import { median, percentile } from "./stats.js";

// Issue 9: the SLA attainment report for a quarter within 500 ms, the dashboard's figures within 200 ms.
const attainmentTarget = { comparison: "at most", value: 500 } as const;
const dashboardTarget = { comparison: "at most", value: 200 } as const;

/** One report page's request: a path under /api/v1 given the period's query, and its target. */
interface ReportRequest {
  name: string;
  path: (period: string) => string;
  target: { comparison: "at most"; value: number };
  /** The week before the desk's "now" instead of the last full quarter. */
  lastWeek?: boolean;
}

/**
 * Each report a manager opens on Monday, for the last full quarter before the desk's "now", as a GET
 * through the whole HTTP layer (auth, validation, SQL, presenting, JSON). A new report is one line here.
 */
const reportRequests: ReportRequest[] = [
  // The overview opens on the last week, its default; over a quarter it is the heavier read.
  {
    name: "overview (the Monday page), last week",
    path: (period) => `/reports/overview?${period}`,
    target: dashboardTarget,
    lastWeek: true,
  },
  {
    name: "overview (the Monday page), quarter",
    path: (period) => `/reports/overview?${period}`,
    target: dashboardTarget,
  },
  {
    name: "SLA attainment, quarter",
    path: (period) => `/reports/sla-attainment?${period}`,
    target: attainmentTarget,
  },
  {
    name: "SLA attainment by group, quarter",
    path: (period) => `/reports/sla-attainment?${period}&groupBy=group`,
    target: attainmentTarget,
  },
  {
    name: "response and resolution times, quarter",
    path: (period) => `/reports/times?${period}`,
    target: dashboardTarget,
  },
  { name: "flow, quarter", path: (period) => `/reports/flow?${period}`, target: dashboardTarget },
  { name: "people, quarter", path: (period) => `/reports/people?${period}`, target: dashboardTarget },
  { name: "CSAT, quarter", path: (period) => `/reports/csat?${period}`, target: dashboardTarget },
  {
    name: "CSAT by group, quarter",
    path: (period) => `/reports/csat?${period}&groupBy=group`,
    target: dashboardTarget,
  },
  {
    name: "CSAT by agent, quarter",
    path: (period) => `/reports/csat?${period}&groupBy=agent`,
    target: dashboardTarget,
  },
];

/** Reports read on a big desk, median (and slowest) of `samples` runs each, after `warmUpSamples`. */
export async function measureReports(
  tend: Tend,
  desk: SeededDesk,
  sampling: { warmUpSamples: number; samples: number },
  record: RecordFigure,
): Promise<void> {
  const app = await buildApp({
    database: tend.database,
    logger: tend.logger,
    clock: tend.clock,
    publicUrl: tend.config.publicUrl,
    bodyLimitBytes: tend.config.bodyLimitBytes,
  });
  try {
    // Read as the refresh job leaves the rollups on a running desk. A desk seeded or upgraded before
    // them has all its history stale: rolling it up is timed once, as the job would do it over minutes.
    const started = performance.now();
    const { steps } = await refreshReportRollups(tend.context(), { untilDone: true });
    if (steps > 0)
      record({
        name: "report rollups built from the whole history",
        value: (performance.now() - started) / 1000,
        unit: "s",
        detail: `${steps} steps of the reports.refresh-rollups job`,
      });
    // Reports are staff pages: read as the agent with the busiest queue (no admin rights needed).
    const { token } = await issueApiToken(tend.context(), desk.busiestAgentId, { name: "bench reports" });
    const authorization = `Bearer ${token}`;
    const quarter = lastFullQuarter(new Date(desk.now));
    const week = { from: new Date(Date.parse(desk.now) - 7 * 86_400_000).toISOString(), to: desk.now };
    for (const report of reportRequests) {
      const range = report.lastWeek ? week : quarter;
      const url = `/api/v1${report.path(`from=${range.from}&to=${range.to}`)}`;
      const timings: number[] = [];
      let refusal: string | undefined;
      for (let sample = -sampling.warmUpSamples; sample < sampling.samples && !refusal; sample += 1) {
        const started = performance.now();
        const response = await app.inject({ method: "GET", url, headers: { authorization } });
        const elapsed = performance.now() - started;
        if (response.statusCode !== 200) refusal = `${response.statusCode}: ${response.body.slice(0, 200)}`;
        else if (sample >= 0) timings.push(elapsed);
      }
      // A report still being written may refuse the request: say so and go on to the next one.
      if (refusal) {
        console.log(`  report: ${report.name} not measured, ${url} answered ${refusal}`);
        continue;
      }
      record({
        name: `report: ${report.name}`,
        value: median(timings),
        unit: "ms",
        target: report.target,
        detail: `slowest ${formatNumber(percentile(timings, 100))} ms of ${timings.length} runs, ${range.from.slice(0, 10)} to ${range.to.slice(0, 10)}`,
      });
    }
  } finally {
    await app.close();
  }
}

/** The calendar quarter (UTC) that ended last before `now`: a period the whole desk's history covers. */
function lastFullQuarter(now: Date): { from: string; to: string } {
  const quarterStartMonth = Math.floor(now.getUTCMonth() / 3) * 3;
  const to = new Date(Date.UTC(now.getUTCFullYear(), quarterStartMonth, 1));
  const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 3, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}
